"""What a rebuilt cell's ``state_size`` and ``output_size`` are, written once for every cell.

``RNNCell`` declares both as abstract properties; ``zero_state`` and the unrollers
(``static_rnn``, ``dynamic_rnn``) read them. A cell takes them from one of these mixins,
listed **first** among its bases so that its properties come before RNNCell's in the MRO::

    class IndRNNCell(NumUnitsStateAndOutput, LayerRNNCell): ...

- ``NumUnitsStateAndOutput``: state and output are ``num_units`` wide (h [B, H], which is
  also the output; or a state c [B, H] beside an output h [B, H], as SRU's).
- ``NumUnitsLSTMState``: an ``LSTMStateTuple(num_units, num_units)`` state, output
  ``num_units``: an LSTM without projection.
- ``FixedSizes``: sizes the cell works out in ``__init__`` (a projection, a concatenated
  state, ...) and stores in ``_state_size`` and ``_output_size``.

The mixins hold no state and define no ``__init__``: the cell sets ``_num_units`` (or the
two sizes) itself. ``warn_if_concatenated_state`` is TF1's warning for
``state_is_tuple=False``, which several cells gave word for word.
"""

from __future__ import annotations

import logging

from tf1_lstm.bootstrap import tf2 as _tf2

__all__ = ["NumUnitsStateAndOutput", "NumUnitsLSTMState", "FixedSizes",
           "warn_if_concatenated_state"]

LSTMStateTuple = _tf2.compat.v1.nn.rnn_cell.LSTMStateTuple


class NumUnitsStateAndOutput:
    """State and output are ``num_units`` wide: ``state_size == output_size == _num_units``."""

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units


class NumUnitsLSTMState(NumUnitsStateAndOutput):
    """An ``LSTMStateTuple(c, h)`` state, each ``num_units`` wide; the output is h."""

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)


class FixedSizes:
    """``state_size`` and ``output_size`` as ``__init__`` stored them (``_state_size``,
    ``_output_size``)."""

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size


def warn_if_concatenated_state(cell, state_is_tuple: bool) -> None:
    """TF1's warning, word for word (two spaces and all), when a cell's state is concatenated."""
    if not state_is_tuple:
        logging.getLogger("tensorflow").warning(
            "%s: Using a concatenated state is slower and will soon be deprecated.  "
            "Use state_is_tuple=True.", cell)
