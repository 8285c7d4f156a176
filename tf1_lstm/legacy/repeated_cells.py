"""TF 1.0's ``MultiRNNCell([cell] * n)``: one cell object, its own weights in every layer.

Up to TF 1.0.1 a cell made its variables with ``get_variable`` under whatever scope called it,
and ``MultiRNNCell`` called layer ``i`` under ``cell_<i>``: one cell object repeated gave
every layer its own weights. TF 1.1 raised an error for that code; TF 1.2 made cells layers
that keep the weights of their first call, so since TF 1.2 the layers *share* one set of
weights (TF 1.2 release notes: "MultiRNNCell([lstm] * 5) will now build a 5-layer LSTM stack
where each layer shares the same parameters"). A shared stack only fits when each layer's
input depth equals the cell's output depth; otherwise the second layer's MatMul fails with
"Dimensions must be equal".

Which stacks are emulated, and why only those: a stack that *fails* when shared can only have
been written for TF <= 1.0 (it fails on 1.1 and on 1.2+), so it is run as TF 1.0 ran it. A
shared stack that *works* (input depth == units) is valid TF 1.2 - 1.15 code with one set of
weights, whose checkpoints hold that one set; which release it was written for cannot be
told from the code, so it is left to run as TF 1.2+ does (no note, no change).

At the stack's first call (``build``, input depth known, no weights made yet) every repeated
occurrence of a cell, or of a cell inside a ``DropoutWrapper`` / ``ResidualWrapper`` /
``DeviceWrapper``, is replaced by a fresh copy (``from_config(get_config())``), so the
weights are named as TF 1.2+ names separate cells: ``multi_rnn_cell/cell_0/basic_lstm_cell/
kernel``, ``multi_rnn_cell/cell_1/basic_lstm_cell/kernel``, ... (TF 1.0 itself called them
``weights`` / ``biases``; TF 1.2 renamed them). A cell class that cannot be copied that way
is left alone: TensorFlow's error stays, with the hint of ``tf1_lstm.legacy.hints``.

``install()`` hooks ``MultiRNNCell.build``; only ``tf1-lstm run`` calls it.
"""

from __future__ import annotations

from collections.abc import Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.legacy import notices

_cells = _v1.nn.rnn_cell
MultiRNNCell = _cells.MultiRNNCell
# Wrappers whose weights are the wrapped cell's (``.cell``).
WEIGHTLESS_WRAPPERS = (_cells.DropoutWrapper, _cells.ResidualWrapper, _cells.DeviceWrapper)

NOTE = notices.ran_as(
    "MultiRNNCell([cell] * n) with input size != units", "TF 1.0 code",
    "TF 1.0 did: each layer with its own weights (multi_rnn_cell/cell_0/..., cell_1/...)")


def weight_owner(cell):
    """The cell whose weights ``cell`` runs: itself, or the cell inside its wrappers."""
    while isinstance(cell, WEIGHTLESS_WRAPPERS):
        cell = cell.cell
    return cell


def repeated_layers(cells: Sequence) -> list[int]:
    """Layers whose cell (or wrapped cell) is an object an earlier layer already runs."""
    seen: set[int] = set()
    repeated = []
    for layer, cell in enumerate(cells):
        objects = {id(cell), id(weight_owner(cell))}
        if objects & seen:
            repeated.append(layer)
        seen |= objects
    return repeated


def _depth(size) -> int | None:
    if isinstance(size, int):
        return size
    if isinstance(size, _tf2.TensorShape) and size.rank == 1:
        return _tf2.compat.dimension_value(size[0])
    return None


def _built_depth(cell) -> int | None:
    shape = getattr(cell, "_build_input_shape", None) if getattr(cell, "built", False) else None
    return None if shape is None else _depth(_tf2.TensorShape(shape)[-1:])


def fails_when_shared(cells: Sequence, input_depth: int | None) -> bool:
    """Would TF 1.2+ reject this stack: a cell object fed two different input depths?"""
    first_depth: dict[int, int | None] = {}
    depth = input_depth
    for cell in cells:
        owner = weight_owner(cell)
        known = first_depth.setdefault(id(owner), _built_depth(owner) or depth)
        if None not in (known, depth) and known != depth:
            return True
        depth = _depth(cell.output_size)
    return False


def copy_cell(cell):
    """A new, unbuilt cell like ``cell``: same config, its own weights; wrappers copied
    with a copy of their cell. Raises TypeError/ValueError for a class it cannot copy."""
    config = cell.get_config()
    if isinstance(cell, WEIGHTLESS_WRAPPERS):
        config["cell"] = copy_cell(cell.cell)
    # An explicit name is the cell's variable scope: keep it. An automatic one is made
    # unique per class (basic_lstm_cell_1) while the scope is the class's, so make a new one.
    config["name"] = cell.name if getattr(cell, "_base_name", None) == cell.name else None
    return type(cell).from_config(config)


def give_each_layer_its_own_weights(stack, input_depth: int | None) -> bool:
    """TF 1.0's semantics for ``stack`` if TF 1.2+ would reject it; True if it changed."""
    cells = list(stack._cells)
    repeated = repeated_layers(cells)
    if not repeated or not fails_when_shared(cells, input_depth):
        return False
    try:
        copies = {layer: copy_cell(cells[layer]) for layer in repeated}
    except (TypeError, ValueError, NotImplementedError):
        return False  # not a cell we can copy: TF's error and the hint stay
    for layer, copy in copies.items():
        cells[layer] = copy
        stack._track_trackable(copy, name=f"cell-{layer}", overwrite=True)
    stack._cells = cells
    return True


def _build_like_tf10(self, inputs_shape) -> None:
    input_depth = _depth(_tf2.TensorShape(inputs_shape)[-1:])
    if give_each_layer_its_own_weights(self, input_depth):
        notices.note_once("MultiRNNCell", NOTE)
    super(MultiRNNCell, self).build(inputs_shape)


def install() -> None:
    """Make every MultiRNNCell built from now on take TF 1.0's repeated cells (see above)."""
    MultiRNNCell.build = _build_like_tf10
