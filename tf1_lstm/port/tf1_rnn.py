"""What RNN a TF1 checkpoint holds: its cells' variables found by name, checked by shape.

TF1 names a cell's variables after the cell, under the scope of the ``static_rnn`` /
``dynamic_rnn`` call, and a ``MultiRNNCell`` puts layer N under ``multi_rnn_cell/cell_N``::

    rnn/basic_lstm_cell/kernel                  [I + H, 4H]  BasicLSTMCell, columns i, j, f, o
    rnn/basic_lstm_cell/bias                    [4H]
    rnn/multi_rnn_cell/cell_0/lstm_cell/kernel  [I + H, 4H]  LSTMCell (and LSTMBlockCell)
    .../lstm_cell/w_i_diag, w_f_diag, w_o_diag  [H]          use_peepholes=True
    .../lstm_cell/projection/kernel             [H, P]       num_proj=P
    .../gru_cell/gates/kernel                   [I + H, 2H]  GRUCell, columns r, u
    .../gru_cell/gates/bias                     [2H]
    .../gru_cell/candidate/kernel, /bias        [I + H, H], [H]   (GRUBlockCell: w_ru, b_ru,
                                                                     w_c, b_c)
    .../basic_rnn_cell/kernel, /bias            [I + H, H], [H]   BasicRNNCell
    .../cudnn_compatible_gru_cell/gates/kernel  [I + H, 2H]  CudnnGRU's saved cells: r, u, and
    .../candidate/input_projection/kernel, bias [I, H], [H]  the candidate's two halves (reset
    .../candidate/hidden_projection/kernel, bias [H, H], [H] applied after the second matmul)
    .../layer_norm_basic_lstm_cell/kernel       [I + H, 4H]  LayerNormBasicLSTMCell, i, j, f, o
    .../layer_norm_basic_lstm_cell/input/gamma  [H]          and beta, for input, transform,
                                                             forget, output, state (no bias;
                                                             layer_norm=False: a bias instead)

The kernel's rows are [x_t, h_{t-1}] concatenated: the first I rows read the input, the last
H the previous output. Optimizer slots live *under* their variable's name
(``kernel/Adam``, ``Variable/RMSProp_1``) and are skipped. How cells make one RNN (stacks,
bidirectional pairs) is ``tf1_lstm.port.stacks``.

Around the cells: an embedding in front (``tf1_lstm.port.embedding``), and the dense head on
top, found by shape (``tf1_lstm.port.dense_head``), which reads one of::

    head_reads     the head's input                        TF1 programs
    "last"         outputs[:, -1]  [B, H_top]              states[-1].h; outputs[-1] of
                   (= the top layer's final h one way)     static_rnn (documents 000, 002)
    "every_step"   outputs         [B, T, H_top]           a char model: reshape(outputs,
                                                           [-1, H]) @ W (document 004)
    "final_states" [fw final h, bw final h]  [B, 2H]       bidirectional: concat of the
                                                           two final states

Anything that fits more than one way is an ``AmbiguousGraph`` naming the candidates and the
option that picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS, cell_kind, listed
from tf1_lstm.port.dense_head import DenseHead, find_dense
from tf1_lstm.port.embedding import Embedding, find_embedding
from tf1_lstm.port.errors import MalformedCell, NoRnnVariablesFound
from tf1_lstm.port.stacks import (  # noqa: F401 - CELL_CLASSES is part of this module's API
    CELL_CLASSES,
    CELL_VARIABLE,
    CellVariables,
    candidates,
    pick,
)

_PEEPHOLES = ("w_i_diag", "w_f_diag", "w_o_diag")
CUDNN_CANDIDATE = ("candidate/input_projection/kernel", "candidate/input_projection/bias",
                   "candidate/hidden_projection/kernel", "candidate/hidden_projection/bias")
# LayerNormBasicLSTMCell's gains and shifts [H]: one pair per gate i, j, f, o and for c
LAYER_NORMS = tuple(f"{scope}/{part}" for scope in ("input", "transform", "forget", "output",
                                                     "state") for part in ("gamma", "beta"))
HEAD_OPTIONS = {"last": "last", "every-step": "every_step", "final-states": "final_states"}


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
    # LSTM kinds: c clipped to [-cell_clip, cell_clip] each step (LSTMBlockCell's op attribute,
    # LSTMCell(cell_clip=...)); None: not clipped. Not in the checkpoint either (model_facts)
    cell_clip: float | None = None

    @property
    def output_size(self) -> int:
        return self.projection or self.units

    @property
    def main_kernel(self) -> str:
        """The checkpoint name of the variable every application of this cell multiplies by."""
        return self.variables[cell_kind(self.kind).main_kernel]

    def spec(self) -> dict:
        """The layer for the target world; a layer-norm LSTM's forget_bias is an argument of
        its target cell (added after the norm, as TF1 adds it), the others' go into a bias."""
        spec = {"kind": self.kind, "input_size": self.input_size, "units": self.units,
                "projection": self.projection}
        if self.cell_clip:
            spec["cell_clip"] = self.cell_clip
        return spec | ({"forget_bias": self.forget_bias} if self.kind == "layer_norm_lstm"
                       else {})


@dataclass(frozen=True)
class Tf1Rnn:
    """A stack of TF1 cells (one layer, a MultiRNNCell, or a bidirectional pair of either),
    an optional embedding in front and an optional dense head on top."""

    stack: str  # "rnn/multi_rnn_cell" for a MultiRNNCell, the cell's scope for a lone cell
    layers: tuple[Tf1Layer, ...]  # the forward (or only) direction, bottom first
    dense: DenseHead | None
    backward: tuple[Tf1Layer, ...] | None = None  # bidirectional: the bw cells, bottom first
    merge: str | None = None  # bidirectional: "per_layer" or "at_top" (tf1_lstm.port.stacks)
    embedding: Embedding | None = None
    head_reads: str = "last"  # see the module docstring

    @property
    def input_size(self) -> int:
        return self.layers[0].input_size

    @property
    def all_layers(self) -> tuple[Tf1Layer, ...]:
        return self.layers + (self.backward or ())

    @property
    def output_size(self) -> int:
        """The width of ``outputs``: the top layer's, [fw, bw] concatenated if bidirectional."""
        return self.layers[-1].output_size + (self.backward[-1].output_size if self.backward
                                              else 0)

    @property
    def ported_variables(self) -> set[str]:
        """The checkpoint names of every variable the port carries over."""
        names = {name for layer in self.all_layers for name in layer.variables.values()}
        if self.dense:
            names |= {self.dense.kernel_name, *filter(None, [self.dense.bias_name])}
        if self.embedding:
            names.add(self.embedding.name)
        return names

    def with_forget_bias(self, forget_bias: float) -> Tf1Rnn:
        """The same model with every LSTM layer's forget_bias set to ``forget_bias``."""
        def each(layers):
            return layers and tuple(replace(layer, forget_bias=float(forget_bias))
                                    for layer in layers)
        return replace(self, layers=each(self.layers), backward=each(self.backward))

    def architecture(self) -> dict:
        """The shape of the model as plain JSON data: what the target world rebuilds."""
        return {"layers": [layer.spec() for layer in self.layers],
                "backward": [layer.spec() for layer in self.backward] if self.backward
                else None,
                "merge": self.merge,
                "embedding": list(self.embedding.table.shape) if self.embedding else None,
                "head_reads": self.head_reads,
                "classes": self.dense.classes if self.dense else None}

    def describe(self) -> list[str]:
        """One line per layer and for the head, for the command's report."""
        lines = []
        if self.embedding:
            vocabulary, dim = self.embedding.table.shape
            lines.append(f"embedding: {self.embedding.name} [{vocabulary}, {dim}]: "
                         f"ids [B, T] -> [B, T, {dim}]")
        directions = [("", self.layers)] if not self.backward else \
            [("fw ", self.layers), ("bw ", self.backward)]
        for label, layers in directions:
            for k, layer in enumerate(layers):
                first = next(j for j, other in enumerate(layers) if other.scope == layer.scope)
                shared = (f" (the same cell as layer {first}: MultiRNNCell([cell] * n) shares "
                          f"its weights)" if first < k else "")
                peepholes = " with peepholes" if cell_kind(layer.kind).peepholes else ""
                lines.append(f"{label}layer {k}: {layer.cell_class}({layer.units}){peepholes}, "
                             f"input {layer.input_size}  [{layer.scope}]{shared}")
        if self.backward:
            how = ("each layer reads the [fw, bw] outputs below" if self.merge == "per_layer"
                   else "the two stacks meet only at the top")
            lines.append(f"bidirectional: outputs [B, T, {self.output_size}] = [fw, bw]; {how}")
        if self.dense:
            bias = self.dense.bias_name or "no bias (zeros)"
            reads = {"last": "outputs[:, -1]", "every_step": "every step's output",
                     "final_states": "[fw final h, bw final h]"}[self.head_reads]
            lines.append(f"dense head: {self.dense.kernel_name} {list(self.dense.kernel.shape)}"
                         f" + {bias}, on {reads}")
        else:
            lines.append("dense head: none (the port ends at the RNN's outputs and states)")
        return lines


def find_rnn(shapes: Mapping[str, tuple[int, ...]], read: Callable[[str], np.ndarray],
             scope: str | None = None, dense: str | None = None,
             embedding: str | None = None, head_reads: str = "last") -> Tf1Rnn:
    """The RNN in a checkpoint's float variables ``shapes``; ``read(name)`` gives the arrays.

    ``scope`` picks one stack when there are several; ``dense`` is ``"KERNEL[,BIAS]"`` to
    pick the head, ``"none"`` for no head, or None to find it by shape; ``embedding`` names
    the embedding variable (``"none"``: no embedding; None: found by name and shape).
    """
    variables = {name: shape for name, shape in shapes.items() if not is_slot(name, shapes)}
    found = candidates(variables)
    if not found:
        raise _nothing_found(variables)
    chosen = pick(found, scope)
    used = {name for name in variables if CELL_VARIABLE.match(name)}  # no head among these
    layers = tuple(read_layer(cell, variables, read) for cell in chosen.forward)
    backward = None
    if chosen.backward:
        backward = tuple(read_layer(cell, variables, read) for cell in chosen.backward)
        _check_pairs(chosen.name, layers, backward, chosen.merge)
    else:
        _check_stack(chosen.name, layers)
    model = Tf1Rnn(stack=chosen.name, layers=layers, dense=None, backward=backward,
                   merge=chosen.merge, head_reads=head_reads)
    table = find_embedding(variables, used, model.input_size, embedding, read)
    used |= {table.name} if table else set()
    head = find_dense(variables, used, model.output_size, dense, read)
    return replace(model, dense=head, embedding=table)


# ---- the cells ----------------------------------------------------------------------------

def read_layer(cell: CellVariables, shapes: Mapping[str, tuple[int, ...]],
               read: Callable[[str], np.ndarray]) -> Tf1Layer:
    """Check the shapes fit one cell of ``cell``'s class and read its arrays."""
    shape = {var: shapes[name] for var, name in cell.names.items()}
    cell_class = CELL_CLASSES[cell.cell]
    if "recurrent_kernel" in shape:
        raise MalformedCell(
            f"{cell.scope} has a recurrent_kernel: that is a Keras (tf.keras / Keras 3) "
            f"LSTM, not a TF1 cell, and is already in Keras' layout; load it with Keras "
            f"instead of porting it.")
    if cell.cell == "gru_cell":
        kind, needed = "gru", ("gates/kernel", "gates/bias", "candidate/kernel",
                               "candidate/bias")
    elif cell.cell == "basic_rnn_cell":
        kind, needed = "rnn", ("kernel", "bias")
    elif cell.cell == "cudnn_compatible_gru_cell":
        kind, needed = "cudnn_gru", ("gates/kernel", "gates/bias", *CUDNN_CANDIDATE)
    elif cell.cell == "layer_norm_basic_lstm_cell" and "bias" not in shape:
        kind, needed = "layer_norm_lstm", ("kernel", *LAYER_NORMS)  # layer_norm=True
    elif cell.cell == "layer_norm_basic_lstm_cell":  # layer_norm=False: BasicLSTMCell's math
        kind, needed = "lstm", ("kernel", "bias")
    else:
        peepholes = [var for var in _PEEPHOLES if var in shape]
        if peepholes and len(peepholes) != 3:
            raise MalformedCell(f"{cell.scope} has {', '.join(peepholes)} but not all of "
                                f"{', '.join(_PEEPHOLES)}; a TF1 peephole cell has all three")
        kind = "peephole" if peepholes else "lstm"
        needed = ("kernel", "bias", *peepholes)
    missing = [var for var in needed if var not in shape]
    if missing:
        raise MalformedCell(f"{cell.scope} ({cell_class}) lacks {', '.join(missing)}: the "
                            f"checkpoint is incomplete or not from a {cell_class}")
    input_size, units, projection = _sizes(cell.scope, kind, shape)
    arrays = {var: np.asarray(read(cell.names[var]), dtype=np.float32)
              for var in (*needed, *(["projection/kernel"] if projection else []))}
    variables = {var: cell.names[var] for var in arrays}
    return Tf1Layer(kind=kind, cell_class=cell_class, scope=cell.scope,
                    input_size=input_size, units=units, arrays=arrays, projection=projection,
                    variables=variables)


def _sizes(scope: str, kind: str, shape: dict[str, tuple[int, ...]]) -> tuple[int, int, int | None]:
    """(I, H, P) from the shapes, or MalformedCell saying which shape does not fit."""
    spec = cell_kind(kind)
    blocks, kernel_var, bias_var = spec.gate_blocks, spec.main_kernel, spec.main_bias
    kernel = shape[kernel_var]
    bias = shape.get(bias_var, (kernel[1],))  # a layer-norm LSTM has no bias
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
                **{var: (units,) for var in LAYER_NORMS},
                "candidate/input_projection/kernel": (kernel[0] - units, units),
                "candidate/hidden_projection/kernel": (units, units),
                "candidate/input_projection/bias": (units,),
                "candidate/hidden_projection/bias": (units,),
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


def _check_stack(stack: str, layers: tuple[Tf1Layer, ...]) -> None:
    """Each layer reads the one below: layer k's I is layer k-1's output size."""
    for below, above in zip(layers, layers[1:], strict=False):
        if above.input_size != below.output_size:
            raise MalformedCell(
                f"stack '{stack}': {above.scope} reads {above.input_size} inputs but the layer "
                f"below ({below.scope}) outputs {below.output_size}; these cells are not one "
                f"MultiRNNCell (pick one with --scope)")


def _check_pairs(name: str, forward: tuple[Tf1Layer, ...], backward: tuple[Tf1Layer, ...],
                 merge: str) -> None:
    """A bidirectional RNN's two directions read the same input; stacked per layer, layer
    k + 1 of each reads layer k's [fw, bw] outputs."""
    if merge == "at_top":  # two MultiRNNCells side by side, each reading the input
        _check_stack(name, forward)
        _check_stack(name, backward)
    reads = [(0, backward[0], forward[0].input_size)]
    if merge == "per_layer":
        reads += [(k, layer, forward[k - 1].output_size + backward[k - 1].output_size)
                  for k in range(1, len(forward)) for layer in (forward[k], backward[k])]
    for k, layer, wanted in reads:
        if layer.input_size != wanted:
            raise MalformedCell(
                f"bidirectional RNN '{name}': {layer.scope} reads {layer.input_size} inputs, "
                f"but its layer {k} reads {wanted}; these cells are not one bidirectional RNN "
                f"(pick one with --scope)")


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
