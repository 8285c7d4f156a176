"""BasicRNNCell written by hand: the plain recurrent layer LSTMs improve on (document 001).

One step, for input x_t [B, I] and state h_{t-1} [B, H]::

    h_t = activation([x_t, h_{t-1}] @ kernel + bias)      # tanh by default; output = h_t

Variables, as ``BasicRNNCell`` names them under ``basic_rnn_cell/``: ``kernel`` [I + H, H]
(glorot uniform) and ``bias`` [H] (zeros).
"""

from __future__ import annotations

from tf1_lstm.cells.base import HandCell
from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.compat import tf


class HandBasicRNNCell(HandCell):
    """``BasicRNNCell(num_units, activation=...)`` from one matmul and tanh."""

    default_name = CELL_KINDS["rnn"].scope  # BasicRNNCell's, so checkpoints interchange

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        # kernel [I+H, H], bias [H]
        self._kernel = self.add_weight("kernel", [input_depth + units, units], dtype=dtype)
        self._bias = self.add_weight("bias", [units], dtype=dtype,
                                     initializer=tf.zeros_initializer())

    @tf.autograph.experimental.do_not_convert  # nothing to convert; AutoGraph only slows it
    def call(self, inputs, state):
        h = self._activation(tf.matmul(tf.concat([inputs, state], 1), self._kernel)
                             + self._bias)                                         # [B, H]
        return h, h
