"""``make_hand_cell``: a hand-written cell by kind, as ``models.cells.make_cell`` makes TF's."""

from __future__ import annotations

from tf1_lstm.cells.basic_rnn import HandBasicRNNCell
from tf1_lstm.cells.gru import HandGRUCell
from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.cells.peephole import HandPeepholeLSTMCell


def make_hand_cell(kind: str, units: int, forget_bias: float = 1.0, **kwargs):
    """The hand-written twin of ``tf1_lstm.models.cells.make_cell(kind, units)``.

    kind: lstm | peephole | gru | rnn (``tf1_lstm.cells.kinds``). ``forget_bias`` is used by
    the two LSTMs only; ``kwargs`` (activation, dtype, name, reuse) go to the cell.
    """
    cell_kind(kind)  # a ValueError naming the kinds, for an unknown one
    match kind:
        case "lstm":
            return HandLSTMCell(units, forget_bias=forget_bias, **kwargs)
        case "peephole":
            return HandPeepholeLSTMCell(units, forget_bias=forget_bias, **kwargs)
        case "gru":
            return HandGRUCell(units, **kwargs)
        case "rnn":
            return HandBasicRNNCell(units, **kwargs)
    raise NotImplementedError(f"no hand-written {kind} cell: add one to tf1_lstm.cells")
