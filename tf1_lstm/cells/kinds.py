"""The cell vocabulary: the four cells the documents use, by the short names every command shares.

    kind      TF1 cell (tf.contrib.rnn)                scope            state   gate blocks
    lstm      BasicLSTMCell(num_units)                 basic_lstm_cell  (c, h)  4: i, j, f, o
    peephole  LSTMCell(num_units, use_peepholes=True)  lstm_cell        (c, h)  4, + 3 diagonals
    gru       GRUCell(num_units)                       gru_cell         h       2: r, u, + candidate
    rnn       BasicRNNCell(num_units)                  basic_rnn_cell   h       1

lstm is the cell of documents 000, 001, 002 and 004; peephole and gru the variants documents
001, 003 and 004 name; rnn document 001's outputs/states example.

This module is the one place that says which kinds exist and what each is: ``--cell`` of
``inspect`` and ``verify``, the verify matrix, the NumPy reference, the port's checkpoint
reader and Keras layer names, the claims' parameter counts and plots all read it. Each kind
still needs its implementations: the TF1 cell is built from ``tf1_class`` and
``tf1_options`` by ``tf1_lstm.models.cells.make_cell``; the hand-written cell, the NumPy step
and the port's layout are written per kind in ``tf1_lstm.cells``, ``cells/reference.py`` and
``tf1_lstm.port``.

The layer helpers at the end work on any nesting of states (Tensors or the NumPy values a
session returns), so they too need no TensorFlow. Imports no TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CellKind:
    """One kind of cell: how TF1 builds and names it, and the shape of its weights and state."""

    name: str  # "lstm": the --cell value
    tf1_class: str  # "BasicLSTMCell": the class in tf.contrib.rnn (tf.nn.rnn_cell)
    tf1_options: tuple[tuple[str, Any], ...]  # constructor options besides num_units
    scope: str  # "basic_lstm_cell": the variable scope the TF1 cell creates its weights in
    display_name: str  # "LSTM (BasicLSTMCell)": in the claims' plots and training logs
    color: str  # its line and bar colour in the claims' plots
    state_parts: tuple[str, ...]  # ("c", "h"): an LSTMStateTuple; ("h",): one Tensor
    main_kernel: str  # the kernel every step multiplies [x_t, h_{t-1}] by: [I + H, gate_blocks H]
    main_bias: str  # its bias [gate_blocks H]
    gate_blocks: int  # H-wide column blocks of main_kernel: LSTM i, j, f, o; GRU r, u
    weight_blocks: int  # (I+H)*H + H blocks in all the kernels and biases: GRU 2 + candidate
    peepholes: bool  # w_i_diag, w_f_diag, w_o_diag [H] on top of the weight blocks
    keras_layer: str  # "lstm": the Keras 3 layer the port writes is named "lstm_0", ...

    @property
    def is_lstm(self) -> bool:
        """Its state is an LSTMStateTuple(c, h), and it takes a forget_bias."""
        return self.state_parts == ("c", "h")

    @property
    def tf1_name(self) -> str:
        """'BasicLSTMCell', 'LSTMCell(use_peepholes=True)': the class as the documents name it."""
        options = _options_text(self.tf1_options)
        return f"{self.tf1_class}({options})" if options else self.tf1_class

    def tf1_code(self, units: int) -> str:
        """'LSTMCell(num_units=5, use_peepholes=True)': the constructor call the documents write."""
        return f"{self.tf1_class}({_options_text((('num_units', units), *self.tf1_options))})"


def _options_text(options: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in options)


_LSTM_WEIGHTS = {"state_parts": ("c", "h"), "main_kernel": "kernel", "main_bias": "bias",
                 "gate_blocks": 4, "weight_blocks": 4}

# The vocabulary, in the documents' order.
CELL_KINDS: dict[str, CellKind] = {kind.name: kind for kind in (
    CellKind("lstm", "BasicLSTMCell", (), "basic_lstm_cell", "LSTM (BasicLSTMCell)",
             "#0969da", **_LSTM_WEIGHTS, peepholes=False, keras_layer="lstm"),
    CellKind("peephole", "LSTMCell", (("use_peepholes", True),), "lstm_cell",
             "peephole LSTM (LSTMCell)", "#1a7f37", **_LSTM_WEIGHTS, peepholes=True,
             keras_layer="peephole_lstm"),
    CellKind("gru", "GRUCell", (), "gru_cell", "GRU (GRUCell)", "#8250df", state_parts=("h",),
             main_kernel="gates/kernel", main_bias="gates/bias", gate_blocks=2,
             weight_blocks=3, peepholes=False, keras_layer="gru"),
    CellKind("rnn", "BasicRNNCell", (), "basic_rnn_cell", "simple RNN (BasicRNNCell)",
             "#d4700a", state_parts=("h",), main_kernel="kernel", main_bias="bias",
             gate_blocks=1, weight_blocks=1, peepholes=False, keras_layer="simple_rnn"),
)}


# Cells the port reads from checkpoints but the documents do not use: no hand-written cell,
# not in ``verify`` or the claims, so not in CELL_KINDS; ``cell_kind`` knows them.
PORT_KINDS: dict[str, CellKind] = {kind.name: kind for kind in (
    # tf.contrib.rnn.LayerNormBasicLSTMCell(layer_norm=True): layer norm on i, j, f, o and c,
    # with input/gamma, input/beta, ... state/beta [H] and no bias (layer_norm=False is the
    # lstm kind: BasicLSTMCell's equations under this cell's scope)
    CellKind("layer_norm_lstm", "LayerNormBasicLSTMCell", (), "layer_norm_basic_lstm_cell",
             "layer-norm LSTM (LayerNormBasicLSTMCell)", "#bf3989", state_parts=("c", "h"),
             main_kernel="kernel", main_bias="bias", gate_blocks=4, weight_blocks=4,
             peepholes=False, keras_layer="layer_norm_lstm"),
    # tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell (CudnnGRU's checkpoints): the reset gate
    # multiplies the candidate's recurrent matmul, h @ hidden_projection/kernel + its bias,
    # not h before it as GRUCell does; columns r, u as GRUCell's
    CellKind("cudnn_gru", "CudnnCompatibleGRUCell", (), "cudnn_compatible_gru_cell",
             "cuDNN GRU (CudnnCompatibleGRUCell)", "#57606a", state_parts=("h",),
             main_kernel="gates/kernel", main_bias="gates/bias", gate_blocks=2,
             weight_blocks=3, peepholes=False, keras_layer="gru_reset_after"),
)}


def listed(words: Sequence[str], conjunction: str = "or") -> str:
    """('a', 'b', 'c') -> 'a, b or c': how help texts and messages name the kinds."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def cell_kind(name: str) -> CellKind:
    """The kind called ``name``; a ValueError naming the kinds there are otherwise."""
    if name in PORT_KINDS:
        return PORT_KINDS[name]
    if name not in CELL_KINDS:
        raise ValueError(f"cell must be one of {', '.join(CELL_KINDS)}; got {name!r}")
    return CELL_KINDS[name]


def is_lstm(name: str) -> bool:
    """lstm and peephole: state LSTMStateTuple(c, h), and a forget_bias added to f."""
    return cell_kind(name).is_lstm


# ---------------------------------------------------------------------------------------------
# Layers: what static_rnn / dynamic_rnn return for one cell or a MultiRNNCell


def layer_states(states: Any, stacked: bool) -> list:
    """One state per layer, bottom first: a MultiRNNCell's tuple as a list (``stacked``), or
    a single cell's state as a list of one (an LSTMStateTuple is itself a tuple: do not
    iterate it)."""
    return list(states) if stacked else [states]


def state_by_part(state: Any, kind: str) -> dict[str, Any]:
    """One layer's state by part: {"c": c, "h": h} for the LSTMs, {"h": state} otherwise."""
    parts = cell_kind(kind).state_parts
    return dict(zip(parts, state, strict=True)) if len(parts) > 1 else {parts[0]: state}


def top_layer_h(states: Any, kind: str, stacked: bool) -> Any:
    """states[-1][1] of stacked LSTMs, states.h of one LSTM, the top state of GRUs and RNNs."""
    return state_by_part(layer_states(states, stacked)[-1], kind)["h"]
