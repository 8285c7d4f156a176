"""What RNN a TF1 checkpoint holds: its cells' variables found by name, checked by shape.

TF1 names a cell's variables after the cell, under the scope of the ``static_rnn`` /
``dynamic_rnn`` call, and a ``MultiRNNCell`` puts layer N under ``multi_rnn_cell/cell_N``::

    rnn/basic_lstm_cell/kernel                  [I + H, 4H]  BasicLSTMCell, columns i, j, f, o
    rnn/basic_lstm_cell/bias                    [4H]
    rnn/multi_rnn_cell/cell_0/lstm_cell/kernel  [I + H, 4H]  LSTMCell (and LSTMBlockCell)
    .../lstm_cell/w_i_diag, w_f_diag, w_o_diag  [H]          use_peepholes=True
    .../lstm_cell/projection/kernel             [H, P]       num_proj=P (refused later)
    .../gru_cell/gates/kernel                   [I + H, 2H]  GRUCell, columns r, u
    .../gru_cell/gates/bias                     [2H]
    .../gru_cell/candidate/kernel, /bias        [I + H, H], [H]   (GRUBlockCell: w_ru, b_ru,
                                                                     w_c, b_c)
    .../basic_rnn_cell/kernel, /bias            [I + H, H], [H]   BasicRNNCell

The kernel's rows are [x_t, h_{t-1}] concatenated: the first I rows read the input, the last
H the previous output. Optimizer slots live *under* their variable's name
(``kernel/Adam``, ``Variable/RMSProp_1``) and are skipped.

The dense head on top is found by shape (``tf1_lstm.port.dense_head``). Anything that fits
more than one way is an ``AmbiguousGraph`` naming the candidates and the option that picks one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS, cell_kind, listed
from tf1_lstm.port.dense_head import DenseHead, find_dense
from tf1_lstm.port.errors import AmbiguousGraph, MalformedCell, NoRnnVariablesFound

# variable scope -> the TF1 class that creates it: each kind's (lstm_cell is also an LSTMCell
# without peepholes, kind lstm), and LSTMBlockFusedCell's, which reads as an LSTMCell
CELL_CLASSES = {kind.scope: kind.tf1_class for kind in CELL_KINDS.values()} | {
    "lstm_fused_cell": "LSTMBlockFusedCell"}
_GRU_BLOCK_NAMES = {"w_ru": "gates/kernel", "b_ru": "gates/bias",
                    "w_c": "candidate/kernel", "b_c": "candidate/bias"}
CELL_VARIABLE = re.compile(
    r"^(?:(?P<path>.*)/)?(?P<cell>" + "|".join(CELL_CLASSES) + r")/"
    r"(?P<var>kernel|bias|recurrent_kernel|w_[ifo]_diag|projection/kernel"
    r"|(?:gates|candidate)/(?:kernel|bias)|w_ru|b_ru|w_c|b_c)$")
_LAYER_PATH = re.compile(r"^(?P<stack>(?:.*/)?multi_rnn_cell)/cell_(?P<index>\d+)(?:/|$)")
_PEEPHOLES = ("w_i_diag", "w_f_diag", "w_o_diag")


@dataclass(frozen=True)
class Tf1Layer:
    """One cell of the stack, with its arrays under the cell's own variable names."""

    kind: str  # "lstm" | "peephole" | "gru" | "rnn" (the names of tf1_lstm.cells.kinds)
    cell_class: str  # "BasicLSTMCell", "LSTMCell", ... for messages
    scope: str  # the cell's scope in the checkpoint, e.g. "rnn/multi_rnn_cell/cell_0/lstm_cell"
    input_size: int  # I
    units: int  # H
    arrays: dict[str, np.ndarray]  # "kernel", "bias", "w_f_diag", "gates/kernel", ...
    projection: int | None = None  # P of LSTMCell(num_proj=P)
    # the array names above -> the checkpoint's variable names ("gates/kernel" -> ".../w_ru")
    variables: dict[str, str] = field(default_factory=dict)
    # LSTM kinds only: the constant added to f. Not in the checkpoint: read from the .meta
    # graph, or given with --forget-bias, or TF1's default 1.0 (see command.py)
    forget_bias: float = 1.0

    @property
    def output_size(self) -> int:
        return self.projection or self.units

    @property
    def main_kernel(self) -> str:
        """The checkpoint name of the variable every application of this cell multiplies by."""
        return self.variables[cell_kind(self.kind).main_kernel]


@dataclass(frozen=True)
class Tf1Rnn:
    """A stack of TF1 cells (one layer, or a MultiRNNCell) and an optional dense head."""

    stack: str  # "rnn/multi_rnn_cell" for a MultiRNNCell, the cell's scope for a lone cell
    layers: tuple[Tf1Layer, ...]
    dense: DenseHead | None

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def ported_variables(self) -> set[str]:
        """The checkpoint names of every variable the port carries over."""
        names = {name for layer in self.layers for name in layer.variables.values()}
        if self.dense:
            names |= {self.dense.kernel_name, *filter(None, [self.dense.bias_name])}
        return names

    def with_forget_bias(self, forget_bias: float) -> Tf1Rnn:
        """The same model with every LSTM layer's forget_bias set to ``forget_bias``."""
        return replace(self, layers=tuple(replace(layer, forget_bias=float(forget_bias))
                                          for layer in self.layers))

    def architecture(self) -> dict:
        """The shape of the model as plain JSON data: what the target world rebuilds."""
        return {"layers": [{"kind": layer.kind, "input_size": layer.input_size,
                            "units": layer.units, "projection": layer.projection}
                           for layer in self.layers],
                "classes": self.dense.classes if self.dense else None}

    def describe(self) -> list[str]:
        """One line per layer and for the head, for the command's report."""
        lines = []
        for k, layer in enumerate(self.layers):
            first = next(j for j, other in enumerate(self.layers) if other.scope == layer.scope)
            shared = (f" (the same cell as layer {first}: MultiRNNCell([cell] * n) shares its "
                      f"weights)" if first < k else "")
            lines.append(f"layer {k}: {layer.cell_class}({layer.units})"
                         f"{' with peepholes' if cell_kind(layer.kind).peepholes else ''}, "
                         f"input {layer.input_size}  [{layer.scope}]{shared}")
        if self.dense:
            bias = self.dense.bias_name or "no bias (zeros)"
            lines.append(f"dense head: {self.dense.kernel_name} {list(self.dense.kernel.shape)}"
                         f" + {bias}")
        else:
            lines.append("dense head: none (the port ends at the RNN's outputs and states)")
        return lines


def find_rnn(shapes: Mapping[str, tuple[int, ...]], read: Callable[[str], np.ndarray],
             scope: str | None = None, dense: str | None = None) -> Tf1Rnn:
    """The RNN in a checkpoint's float variables ``shapes``; ``read(name)`` gives the arrays.

    ``scope`` picks one stack when there are several; ``dense`` is ``"KERNEL[,BIAS]"`` to
    pick the head, ``"none"`` for no head, or None to find it by shape.
    """
    variables = {name: shape for name, shape in shapes.items() if not is_slot(name, shapes)}
    stacks = _group_cells(variables)
    if not stacks:
        raise _nothing_found(variables)
    stack = _pick_stack(stacks, scope)
    layer_cells = stacks[stack]
    used = {name for name in variables if CELL_VARIABLE.match(name)}  # no head among these
    layers = tuple(cell.layer(variables, read) for cell in layer_cells)
    _check_stack(stack, layers)
    head = find_dense(variables, used, layers[-1].output_size, dense, read)
    return Tf1Rnn(stack=stack, layers=layers, dense=head)


# ---- the cells ----------------------------------------------------------------------------

@dataclass
class _CellVariables:
    scope: str  # ".../basic_lstm_cell"
    cell: str  # "basic_lstm_cell"
    names: dict[str, str]  # the cell's variable name -> checkpoint name

    def layer(self, shapes: Mapping[str, tuple[int, ...]],
              read: Callable[[str], np.ndarray]) -> Tf1Layer:
        """Check the shapes fit one cell of this class and read its arrays."""
        shape = {var: shapes[name] for var, name in self.names.items()}
        cell_class = CELL_CLASSES[self.cell]
        if "recurrent_kernel" in shape:
            raise MalformedCell(
                f"{self.scope} has a recurrent_kernel: that is a Keras (tf.keras / Keras 3) "
                f"LSTM, not a TF1 cell, and is already in Keras' layout; load it with Keras "
                f"instead of porting it.")
        if self.cell == "gru_cell":
            kind, needed = "gru", ("gates/kernel", "gates/bias", "candidate/kernel",
                                   "candidate/bias")
        elif self.cell == "basic_rnn_cell":
            kind, needed = "rnn", ("kernel", "bias")
        else:
            peepholes = [var for var in _PEEPHOLES if var in shape]
            if peepholes and len(peepholes) != 3:
                raise MalformedCell(f"{self.scope} has {', '.join(peepholes)} but not all of "
                                    f"{', '.join(_PEEPHOLES)}; a TF1 peephole cell has all three")
            kind = "peephole" if peepholes else "lstm"
            needed = ("kernel", "bias", *peepholes)
        missing = [var for var in needed if var not in shape]
        if missing:
            raise MalformedCell(f"{self.scope} ({cell_class}) lacks {', '.join(missing)}: the "
                                f"checkpoint is incomplete or not from a {cell_class}")
        input_size, units, projection = _sizes(self.scope, kind, shape)
        arrays = {var: np.asarray(read(self.names[var]), dtype=np.float32)
                  for var in (*needed, *(["projection/kernel"] if projection else []))}
        variables = {var: self.names[var] for var in arrays}
        return Tf1Layer(kind=kind, cell_class=cell_class, scope=self.scope,
                        input_size=input_size, units=units, arrays=arrays, projection=projection,
                        variables=variables)


def _sizes(scope: str, kind: str, shape: dict[str, tuple[int, ...]]) -> tuple[int, int, int | None]:
    """(I, H, P) from the shapes, or MalformedCell saying which shape does not fit."""
    spec = cell_kind(kind)
    blocks, kernel_var, bias_var = spec.gate_blocks, spec.main_kernel, spec.main_bias
    kernel, bias = shape[kernel_var], shape[bias_var]
    if len(kernel) != 2 or kernel[1] % blocks or bias != (kernel[1],):
        raise MalformedCell(f"{scope}: {kernel_var} {list(kernel)} and {bias_var} {list(bias)} "
                            f"are not [I + H, {blocks}H] and [{blocks}H]")
    units = kernel[1] // blocks
    projection = None
    if "projection/kernel" in shape:
        projection = shape["projection/kernel"][1]
    recurrent = projection or units  # rows of the kernel that read h_{t-1}
    input_size = kernel[0] - recurrent
    expected = {"w_i_diag": (units,), "w_f_diag": (units,), "w_o_diag": (units,),
                "candidate/kernel": (kernel[0], units), "candidate/bias": (units,),
                "projection/kernel": (units, recurrent)}
    wrong = [f"{var} {list(shape[var])} (expected {list(want)})"
             for var, want in expected.items() if var in shape and shape[var] != want]
    if input_size < 1 or wrong:
        raise MalformedCell(f"{scope}: shapes do not fit one cell of {units} units: "
                            f"{', '.join(wrong) or f'{kernel_var} has only {kernel[0]} rows'}")
    return input_size, units, projection


def is_slot(name: str, shapes: Mapping[str, object]) -> bool:
    """An optimizer slot (``kernel/Adam``) sits under another variable's full name."""
    parts = name.split("/")
    return any("/".join(parts[:k]) in shapes for k in range(1, len(parts)))


def _group_cells(variables: Mapping[str, tuple[int, ...]]) -> dict[str, list[_CellVariables]]:
    """Stack scope -> its cells in layer order (cell_0, cell_1, ...)."""
    cells: dict[str, _CellVariables] = {}
    for name in variables:
        match = CELL_VARIABLE.match(name)
        if not match:
            continue
        scope = name[: -len(match["var"]) - 1]
        cell = cells.setdefault(scope, _CellVariables(scope, match["cell"], {}))
        var = _GRU_BLOCK_NAMES.get(match["var"], match["var"])
        cell.names[var] = name
    by_stack: dict[str, dict[int, list[_CellVariables]]] = {}
    for cell in cells.values():
        path = cell.scope[: -len(cell.cell)].rstrip("/")
        layer = _LAYER_PATH.match(path)
        # a MultiRNNCell is one stack; a lone cell is a stack of one, named by its own scope
        stack, index = (layer["stack"], int(layer["index"])) if layer else (cell.scope, 0)
        by_stack.setdefault(stack, {}).setdefault(index, []).append(cell)
    stacks = {}
    for stack, by_index in sorted(by_stack.items()):
        for index, same in by_index.items():
            if len(same) > 1:
                raise MalformedCell(
                    f"layer {index} of stack '{stack}' has several cells: "
                    f"{', '.join(cell.scope for cell in same)}; a MultiRNNCell has one per layer")
        if sorted(by_index) != list(range(len(by_index))):
            raise MalformedCell(f"stack '{stack}' has layers {sorted(by_index)}; a MultiRNNCell "
                                f"numbers them cell_0, cell_1, ... without gaps")
        stacks[stack] = [by_index[index][0] for index in sorted(by_index)]
    return stacks


def _pick_stack(stacks: dict[str, list[_CellVariables]], scope: str | None) -> str:
    """The one stack, or the one ``scope`` names (the stack itself, a folder above it, or a
    cell inside it)."""
    if scope is not None:
        scope = scope.strip("/")
        chosen = [stack for stack in stacks if stack == scope] or [
            stack for stack in stacks if stack.startswith(scope + "/")]
        if not chosen:  # a cell's scope inside a stack: the longest stack it lies in
            inside = [stack for stack in stacks if scope.startswith(stack + "/")]
            chosen = [max(inside, key=len)] if inside else []
        if len(chosen) == 1:
            return chosen[0]
        if not chosen:
            raise AmbiguousGraph(f"--scope {scope} matches no RNN stack; the checkpoint has: "
                                 f"{_list_stacks(stacks)}")
        stacks = {stack: stacks[stack] for stack in chosen}
    if len(stacks) == 1:
        return next(iter(stacks))
    raise AmbiguousGraph(f"the checkpoint holds {len(stacks)} RNN stacks: {_list_stacks(stacks)}."
                         f" Pick one with --scope, e.g. --scope {next(iter(stacks))}")


def _list_stacks(stacks: dict[str, list[_CellVariables]]) -> str:
    return "; ".join(f"'{stack}' ({len(cells)} x {CELL_CLASSES[cells[0].cell]})"
                     for stack, cells in stacks.items())


def _check_stack(stack: str, layers: tuple[Tf1Layer, ...]) -> None:
    """Each layer reads the one below: layer k's I is layer k-1's output size."""
    for below, above in zip(layers, layers[1:], strict=False):
        if above.input_size != below.output_size:
            raise MalformedCell(
                f"stack '{stack}': {above.scope} reads {above.input_size} inputs but the layer "
                f"below ({below.scope}) outputs {below.output_size}; these cells are not one "
                f"MultiRNNCell (pick one with --scope)")


def _nothing_found(variables: Mapping[str, tuple[int, ...]]) -> NoRnnVariablesFound:
    listing = ", ".join(f"{name} {list(shape)}" for name, shape in list(variables.items())[:12])
    more = f" and {len(variables) - 12} more" if len(variables) > 12 else ""
    keras_like = any(".ATTRIBUTES" in name for name in variables)
    hint = (" This looks like a TF2 object-based checkpoint (tf.train.Checkpoint / Keras): it "
            "needs no port." if keras_like else "")
    kernels = listed([f"{kind.scope}/{kind.main_kernel}" for kind in CELL_KINDS.values()])
    classes = listed([kind.tf1_class for kind in CELL_KINDS.values()], "and")
    return NoRnnVariablesFound(
        f"no LSTM/GRU/RNN cell variables in the checkpoint: looked for names ending in "
        f"{kernels} (what {classes} create). Its float variables: {listing or 'none'}{more}."
        f"{hint} Pass the checkpoint tf.train.Saver().save wrote for the TF1 RNN model.")
