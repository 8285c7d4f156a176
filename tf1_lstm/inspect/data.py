"""The explainer's data: options (validated), the tree nodes, variables, checks, Inspection."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS, is_lstm, layer_states, top_layer_h
from tf1_lstm.errors import Tf1LstmError

CELLS = tuple(CELL_KINDS)  # lstm, peephole, gru, rnn: the --cell choices
MODES = ("static", "dynamic")

# Document 001's X_batch: 4 instances, 2 time steps, 3 inputs. Instance 2's t=1 row is
# padding: the document's printed outputs are zero there, i.e. sequence_length=[2, 1, 2, 2].
X_BATCH_001 = (
    ((0, 1, 2), (9, 8, 7)),  # instance 1
    ((3, 4, 5), (0, 0, 0)),  # instance 2
    ((6, 7, 8), (6, 5, 4)),  # instance 3
    ((9, 0, 1), (3, 2, 1)),  # instance 4
)
SEQUENCE_LENGTH_001 = (2, 1, 2, 2)

EQUAL_TOLERANCE = 1e-6  # same values read from two places of one run: expect exactly 0
REFERENCE_TOLERANCE = 1e-5  # a separate batch-of-1 run: matmul may round differently
DIFFER_THRESHOLD = 1e-6  # "differ" claims need at least this much max |diff|


class InspectError(Tf1LstmError, ValueError):
    """A bad ``inspect`` option; the message names the option and the fix."""


@dataclass(frozen=True)
class InspectOptions:
    """The validated options one inspection was built from."""

    cell: str
    layers: int
    units: int
    steps: int
    inputs: int
    batch: int
    mode: str
    sequence_length: tuple[int, ...] | None
    seed: int
    input_source: str  # "random normal (seed 0)", "document 001's X_batch", "x_batch"
    unknown_batch: bool  # X is tf.placeholder(tf.float32, [None, T, I]) as the documents write

    @property
    def is_lstm(self) -> bool:
        """The cell's state is an LSTMStateTuple(c, h)."""
        return is_lstm(self.cell)


@dataclass(frozen=True)
class TreeNode:
    """One node of the outputs/states tree: a container (list, tuple, LSTMStateTuple) or a leaf."""

    path: str  # canonical: "states[2].h" (field names where there are any)
    aliases: tuple[str, ...]  # other ways to write it: ("states[2][1]", "states[-1][1]")
    type_name: str  # "list", "tuple", "LSTMStateTuple" or "Tensor"
    shape: tuple[int | None, ...] | None  # static shape of a Tensor (None = unknown dim)
    description: str
    depth: int  # 0 for outputs and states themselves
    parent: str | None  # path of the containing node
    length: int  # number of children (0 for a Tensor)


@dataclass(frozen=True, eq=False)
class Variable:
    """One trainable variable and the value it had in the run."""

    name: str  # "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0"
    short_name: str  # the part after the cell's scope: "kernel", "gates/bias", "w_f_diag"
    shape: tuple[int, ...]
    value: np.ndarray

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))


@dataclass(frozen=True)
class LayerParameters:
    """A layer's trainable variables: BasicLSTMCell has kernel [I+H, 4H] and bias [4H]."""

    layer: int
    cell_class: str
    input_size: int  # I for layer 0, H above it
    units: int
    variables: tuple[Variable, ...]

    @property
    def count(self) -> int:
        return sum(variable.size for variable in self.variables)


@dataclass(frozen=True)
class Check:
    """One numerically verified claim about this run."""

    name: str  # "top_layer_h_is_last_output"
    claim: str  # "states[-1].h == outputs[:, -1, :]"
    max_abs_diff: float
    tolerance: float
    passed: bool
    kind: str = "equal"  # "equal": diff <= tolerance; "differ": diff > tolerance


@dataclass(frozen=True, eq=False)
class Inspection:
    """Everything ``tf1-lstm inspect`` shows, as data.

    ``outputs`` and ``states`` hold the run's NumPy values nested like the tensors: outputs is
    an array [B, T, H] (dynamic) or a list of T arrays [B, H] (static); states is an array, an
    LSTMStateTuple of arrays, or a tuple of those (one per layer).
    """

    options: InspectOptions
    code: str  # the TF1 lines that built the graph
    tree: tuple[TreeNode, ...]
    state_size: Any  # cell.state_size: int, LSTMStateTuple(c=H, h=H) or a tuple per layer
    output_size: int
    parameters: tuple[LayerParameters, ...]
    checks: tuple[Check, ...]
    notes: tuple[str, ...]
    inputs: np.ndarray  # the X fed, [B, T, I]
    outputs: Any
    states: Any

    @property
    def total_parameters(self) -> int:
        return sum(layer.count for layer in self.parameters)

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def layer_states(self) -> list:
        """One state per layer, bottom first (a single cell's state is a list of one)."""
        return layer_states(self.states, stacked=self.options.layers > 1)

    @property
    def top_layer_h(self) -> np.ndarray:
        """states[-1][1] for stacked LSTMs, states.h for one LSTM, the top state otherwise."""
        return top_layer_h(self.states, self.options.cell, stacked=self.options.layers > 1)

    def node(self, path: str) -> TreeNode:
        """The tree node written as ``path`` (canonical or any alias)."""
        for tree_node in self.tree:
            if path == tree_node.path or path in tree_node.aliases:
                return tree_node
        raise KeyError(path)


# ---------------------------------------------------------------------------------------------
# Options


def _at_least_one(name: str, value: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        flag = name.replace("_", "-")
        raise InspectError(f"{name} (--{flag}) must be a whole number of at least 1, got {value!r}")
    return int(value)


def validated_options(cell: str, layers: int, units: int, steps: int, inputs: int,
                       batch: int | None, mode: str, sequence_length: Sequence[int] | None,
                       seed: int, x_batch: Any, unknown_batch: bool
                       ) -> tuple[InspectOptions, np.ndarray | None]:
    if cell not in CELLS:
        raise InspectError(f"unknown cell {cell!r} (--cell): choose one of {', '.join(CELLS)}")
    if mode not in MODES:
        raise InspectError(f"unknown mode {mode!r} (--mode): choose static or dynamic")
    layers, units, steps, inputs = (_at_least_one(name, value) for name, value in
                                    [("layers", layers), ("units", units), ("steps", steps),
                                     ("inputs", inputs)])

    x_array = None
    if x_batch is not None:
        x_array = np.asarray(x_batch, dtype=np.float32)
        if x_array.ndim != 3 or x_array.shape[1:] != (steps, inputs):
            raise InspectError(
                f"x_batch has shape {list(x_array.shape)} but steps={steps}, inputs={inputs} "
                f"need [batch, {steps}, {inputs}]: pass --steps/--inputs matching x_batch "
                "(document 001's X_batch needs --steps 2 --inputs 3, the defaults)")
    lengths = None
    if sequence_length is not None:
        if any(not isinstance(length, (int, np.integer)) or isinstance(length, bool)
               for length in sequence_length):
            raise InspectError(f"sequence_length (--sequence-length) must be whole numbers, one "
                               f"per batch row (e.g. 2,1,2,2), got {list(sequence_length)!r}")
        lengths = tuple(int(length) for length in sequence_length)
        if not lengths:
            raise InspectError("sequence_length (--sequence-length) is empty: give one length "
                               "per batch row, e.g. 2,1,2,2")

    # The batch size: given, else implied by x_batch or by one length per row, else 4.
    implied = [(len(x_array), "x_batch rows") if x_array is not None else None,
               (len(lengths), "sequence_length values") if lengths is not None else None]
    implied = [item for item in implied if item is not None]
    if batch is None:
        batch = implied[0][0] if implied else 4
    batch = _at_least_one("batch", batch)
    for count, what in implied:
        if count != batch:
            raise InspectError(
                f"{count} {what} but batch={batch}: give exactly one per batch row "
                "(--sequence-length sets the batch when --batch is left out)")
    if lengths is not None:
        for row, length in enumerate(lengths):
            if not 0 <= length <= steps:
                raise InspectError(
                    f"sequence_length (--sequence-length) of row {row} is {length}: each length "
                    f"must be between 0 and steps={steps} (raise --steps or shorten the length)")

    if x_array is None:
        source = f"random normal (seed {seed})"
    elif x_array.shape == np.shape(X_BATCH_001) and np.array_equal(x_array, X_BATCH_001):
        source = "document 001's X_batch"
    else:
        source = "x_batch"
    options = InspectOptions(cell=cell, layers=layers, units=units, steps=steps, inputs=inputs,
                             batch=batch, mode=mode, sequence_length=lengths, seed=int(seed),
                             input_source=source, unknown_batch=bool(unknown_batch))
    return options, x_array
