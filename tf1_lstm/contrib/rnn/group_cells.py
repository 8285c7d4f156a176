"""``tf.contrib.rnn.GLSTMCell`` on TF 2.21: the group LSTM, G small LSTMs side by side.

Kuchaiev and Ginsburg, "Factorization Tricks for LSTM Networks" (ICLR 2017 workshop,
https://arxiv.org/abs/1703.10722). The input, the recurrent output and the units are cut
into G equal groups; group g's gates read only group g's slice of the input and of the
previous output, so the LSTM's one [I + P, 4H] kernel becomes G kernels of
[I/G + P/G, 4H/G]: G times fewer weights. With ``number_of_groups=1`` it is ``LSTMCell``.

One step (``x`` [B, I], state ``(c_prev, m_prev)`` [B, H] and [B, P]; P = num_proj or H)::

    for g in 0..G-1:                                     # slices of width I/G, P/G, H/G
        i_g, j_g, f_g, o_g = split([x_g, m_prev_g] @ group{g}/kernel, 4, axis=1)
    i, j, f, o = concat_g(i_g) + bias_i, ..., concat_g(o_g) + bias_o      # each [B, H]
    c = sigmoid(f + forget_bias) * c_prev + sigmoid(i) * tanh(j)
    m = sigmoid(o) * activation(c)
    m = m @ projection/kernel                            # only with num_proj: [B, P]

The candidate uses tanh whatever ``activation`` is (TF 1.15 did; only ``m`` uses
``activation``). Output: m; state: ``LSTMStateTuple(c, m)``.

Variables, TF 1.15's names (``glstm_cell/`` in the caller's scope): ``group{g}/kernel``
[I/G + P/G, 4H/G] for each g, then ``bias_i``, ``bias_j``, ``bias_f``, ``bias_o`` [H]
(zeros), then ``projection/kernel`` [H, P] with ``num_proj``. The ``initializer`` argument
reaches the group kernels but not the projection, which takes the caller's scope
initializer: TF 1.15 made the projection after leaving its ``initializer`` scope.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import FixedSizes
from tf1_lstm.errors import Tf1LstmError

__all__ = ["GLSTMCell", "GroupSizeError"]

_v1 = _tf2.compat.v1
# tf_keras runs a layer's `call` through AutoGraph, which would only wrap errors here.
_plain_python = _tf2.autograph.experimental.do_not_convert
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple


class GroupSizeError(Tf1LstmError, ValueError):
    """A size that GLSTMCell must cut into number_of_groups equal parts cannot be."""


def _group_width(size: int | None, what: str, groups: int) -> int:
    if size is None:
        raise GroupSizeError(
            f"GLSTMCell: {what} must be statically known to cut it into {groups} groups; "
            "give the inputs a fixed last dimension (e.g. a placeholder of shape [None, I]).")
    if size % groups:
        raise GroupSizeError(
            f"GLSTMCell: {what} ({size}) must be divisible by number_of_groups ({groups}); "
            "choose a number_of_groups that divides it.")
    return size // groups


class GLSTMCell(FixedSizes, _v1.nn.rnn_cell.RNNCell):
    """``tf.contrib.rnn.GLSTMCell``: see the module docstring for the step and variables."""

    def __init__(self, num_units: int, initializer=None, num_proj: int | None = None,
                 number_of_groups: int = 1, forget_bias: float = 1.0, activation=_v1.tanh,
                 reuse=None) -> None:
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._num_proj = num_proj
        self._number_of_groups = number_of_groups
        self._forget_bias = forget_bias
        self._activation = activation
        # Per-group widths of (the previous output m, the units); checked now, as TF1 did.
        self._units_width = _group_width(num_units, "num_units", number_of_groups)
        self._output_width = _group_width(num_proj or num_units,
                                          "num_proj" if num_proj else "num_units",
                                          number_of_groups)
        self._output_size = num_proj or num_units
        self._state_size = LSTMStateTuple(num_units, self._output_size)

    def _group_gates(self, inputs, m_prev, input_width: int) -> list:
        """[i_g, j_g, f_g, o_g] for each group g, each [B, H/G]; kernels group{g}/kernel."""
        gates = []
        for g in range(self._number_of_groups):
            with _v1.variable_scope(f"group{g}"):
                x_g = _v1.concat([inputs[:, g * input_width:(g + 1) * input_width],
                                  m_prev[:, g * self._output_width:(g + 1) * self._output_width]],
                                 axis=1)                                  # [B, I/G + P/G]
                kernel = _v1.get_variable(
                    "kernel", [input_width + self._output_width, 4 * self._units_width],
                    dtype=inputs.dtype)
                gates.append(_v1.split(_v1.matmul(x_g, kernel), 4, axis=1))
        return gates

    @_plain_python
    def call(self, inputs, state):
        c_prev, m_prev = state                                            # [B, H], [B, P]
        input_size = _tf2.compat.dimension_value(inputs.shape[1])
        input_width = _group_width(input_size, "input size", self._number_of_groups)
        dtype = inputs.dtype
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            gates = self._group_gates(inputs, m_prev, input_width)
            i, j, f, o = (
                _v1.nn.bias_add(_v1.concat([group[n] for group in gates], axis=1),
                                _v1.get_variable(f"bias_{gate}", [self._num_units], dtype=dtype,
                                                 initializer=_v1.zeros_initializer()))
                for n, gate in enumerate("ijfo"))                         # [B, H] each
        c = _v1.sigmoid(f + self._forget_bias) * c_prev + _v1.sigmoid(i) * _v1.tanh(j)
        m = _v1.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            with _v1.variable_scope("projection"):
                m = _v1.matmul(m, _v1.get_variable("kernel", [self._num_units, self._num_proj],
                                                   dtype=m.dtype))        # [B, P]
        return m, LSTMStateTuple(c, m)
