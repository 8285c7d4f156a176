"""LSTMCell(use_peepholes=True) written by hand: the LSTM of lstm.py plus peephole terms.

Peepholes let the gates look at the memory (documents 001 and 004): c_{t-1} feeds the input
and forget gates, and the *new* c_t feeds the output gate. One step (Sak et al., 2014, as
``tf.nn.rnn_cell.LSTMCell`` computes it)::

    z = [x_t, h_{t-1}] @ kernel + bias                    # [B, 4H], columns i, j, f, o
    z_i, z_j, z_f, z_o = split(z, 4)
    i   = sigmoid(z_i + w_i_diag * c_{t-1})               # w_*_diag [H]: one weight per unit,
    j   = activation(z_j)                                 #   elementwise (a diagonal matrix)
    f   = sigmoid(z_f + forget_bias + w_f_diag * c_{t-1})
    c_t = f * c_{t-1} + i * j
    o   = sigmoid(z_o + w_o_diag * c_t)                   # c_t, not c_{t-1}
    h_t = o * activation(c_t)

Variables, as ``LSTMCell`` names them (scope ``lstm_cell``, not ``basic_lstm_cell``):
``kernel`` [I + H, 4H], ``bias`` [4H] (zeros), ``w_f_diag``, ``w_i_diag``, ``w_o_diag`` [H]
(created in that order). ``lstm.whole_sequence`` (input projection up front) runs it too.
"""

from __future__ import annotations

from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.compat import tf


class HandPeepholeLSTMCell(HandLSTMCell):
    """``LSTMCell(num_units, use_peepholes=True, forget_bias, activation=...)`` by hand.

    No cell clipping and no projection (LSTMCell's ``cell_clip`` / ``num_proj`` are None by
    default, which is what the documents use).
    """

    default_name = CELL_KINDS["peephole"].scope  # LSTMCell's: lstm_cell

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        super()._add_weights(input_depth, units, dtype)  # kernel [I+H, 4H], bias [4H]
        self._w_f_diag = self.add_weight("w_f_diag", [units], dtype=dtype)  # [H]
        self._w_i_diag = self.add_weight("w_i_diag", [units], dtype=dtype)  # [H]
        self._w_o_diag = self.add_weight("w_o_diag", [units], dtype=dtype)  # [H]

    def _next_state(self, z, c_prev) -> tuple[tf.Tensor, tf.Tensor]:
        """The equations of the module docstring, from z = [x_t, h_{t-1}] @ kernel + bias."""
        z_i, z_j, z_f, z_o = tf.split(z, 4, axis=1)                           # [B, H] each
        i = tf.sigmoid(z_i + self._w_i_diag * c_prev)
        j = self._activation(z_j)
        f = tf.sigmoid(z_f + self._forget_bias + self._w_f_diag * c_prev)
        c = f * c_prev + i * j
        o = tf.sigmoid(z_o + self._w_o_diag * c)
        h = o * self._activation(c)
        return c, h
