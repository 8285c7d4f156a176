"""TensorFlow's own cells by kind, and the stack of them: what every builder and command unrolls.

    make_cell("peephole", 150)            LSTMCell(num_units=150, use_peepholes=True)
    stack_cells([cell])                   the cell itself
    stack_cells([cell_0, cell_1, ...])    MultiRNNCell([cell_0, cell_1, ...]), bottom layer first
    cell_factory("gru")                   units -> GRUCell(num_units=units); a factory as it is
    top_layer_h(states, stacked)          the top layer's h, whichever cell made the states

The kinds (lstm, peephole, gru, rnn), their classes and options are the vocabulary of
``tf1_lstm.cells.kinds``; what a stack's states look like, layer by layer, is there too
(``layer_states``, ``top_layer_h``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tf1_lstm.cells.kinds import cell_kind, layer_states
from tf1_lstm.compat import rnn

CellFactory = Callable[[int], Any]  # units -> a fresh cell: rnn.BasicLSTMCell, HandLSTMCell, ...


def make_cell(kind: str, units: int, forget_bias: float = 1.0) -> rnn.RNNCell:
    """A fresh TF1 cell of ``kind`` with ``units`` units (each call makes new variables).

    The class is the kind's ``tf1_class`` from ``tf.contrib.rnn``, with its ``tf1_options``;
    ``forget_bias`` (TF1's default 1.0) goes to the LSTMs only.
    """
    spec = cell_kind(kind)
    options = dict(spec.tf1_options)
    if spec.is_lstm:
        options["forget_bias"] = forget_bias
    return getattr(rnn, spec.tf1_class)(num_units=units, **options)


def stack_cells(cells: Sequence[rnn.RNNCell]) -> rnn.RNNCell:
    """One cell as it is; several in a MultiRNNCell, bottom layer first.

    Its states are then one state, or a tuple of one per layer: ``layer_states(states,
    stacked=len(cells) > 1)`` gives the list either way.
    """
    return cells[0] if len(cells) == 1 else rnn.MultiRNNCell(list(cells))


def cell_factory(cell: str | CellFactory, forget_bias: float = 1.0) -> CellFactory:
    """What a builder's ``cell`` parameter names, as ``units -> a fresh cell``.

    A kind of ``tf1_lstm.cells.kinds`` ("lstm", "peephole", "gru", "rnn") is ``make_cell`` of
    that kind (with ``forget_bias`` for the LSTMs); anything else is already a factory: a
    cell class such as ``rnn.LSTMBlockCell`` or ``HandLSTMCell``, or a function of the units.
    """
    if isinstance(cell, str):
        cell_kind(cell)  # a ValueError naming the kinds, before any graph is built
        return lambda units: make_cell(cell, units, forget_bias)
    return cell


def top_layer_h(states: Any, stacked: bool) -> Any:
    """states[-1][1] of stacked LSTMs, states.h of one LSTM, the top state of GRUs and RNNs.

    ``tf1_lstm.cells.kinds.top_layer_h`` without the kind: an LSTM's state is an
    ``LSTMStateTuple(c, h)`` whichever class made it (BasicLSTMCell, LSTMCell, HandLSTMCell,
    FastLSTMCell, the block cells), any other state is h itself.
    """
    top = layer_states(states, stacked)[-1]
    return top.h if isinstance(top, rnn.LSTMStateTuple) else top
