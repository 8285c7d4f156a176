"""GRUCell written by hand from raw ops, with GRUCell's variables and TF1's semantics.

The GRU (documents 001 and 004) keeps one state vector h. One step::

    g = sigmoid([x_t, h_{t-1}] @ gates/kernel + gates/bias)     # [B, 2H]
    r, u = split(g, 2)                                          # reset first, then update
    c   = activation([x_t, r * h_{t-1}] @ candidate/kernel + candidate/bias)   # [B, H]
    h_t = u * h_{t-1} + (1 - u) * c                             # output = new state = h_t

Two details differ from some papers and from Keras 3's default GRU, and matter for numbers:

- the reset gate r multiplies h_{t-1} *before* the candidate matmul (Keras' ``reset_after``
  variant multiplies after it, and has two biases);
- u weights the *old* state: u = 1 keeps h_{t-1}, u = 0 takes the candidate c.

Variables, as ``GRUCell`` names them under ``gru_cell/``: ``gates/kernel`` [I + H, 2H],
``gates/bias`` [2H] initialised to 1.0 (so r and u start near sigmoid(1) = 0.73: keep the
state, do not reset it), ``candidate/kernel`` [I + H, H], ``candidate/bias`` [H] zeros.
"""

from __future__ import annotations

from tf1_lstm.cells.base import HandCell
from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.compat import tf


class HandGRUCell(HandCell):
    """``GRUCell(num_units, activation=...)`` from matmul, sigmoid and tanh.

    ``activation`` is the candidate's (default tanh); the gates are sigmoids. State and
    output are both h [B, H].
    """

    default_name = CELL_KINDS["gru"].scope  # GRUCell's, so checkpoints interchange

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        self._gate_kernel = self.add_weight("gates/kernel", [input_depth + units, 2 * units],
                                            dtype=dtype)
        self._gate_bias = self.add_weight("gates/bias", [2 * units], dtype=dtype,
                                          initializer=tf.constant_initializer(1.0))
        self._candidate_kernel = self.add_weight("candidate/kernel", [input_depth + units, units],
                                                 dtype=dtype)
        self._candidate_bias = self.add_weight("candidate/bias", [units], dtype=dtype,
                                               initializer=tf.zeros_initializer())

    @tf.autograph.experimental.do_not_convert  # nothing to convert; AutoGraph only slows it
    def call(self, inputs, state):
        h_prev = state                                                            # [B, H]
        g = tf.sigmoid(tf.matmul(tf.concat([inputs, h_prev], 1), self._gate_kernel)
                       + self._gate_bias)                                         # [B, 2H]
        r, u = tf.split(g, 2, axis=1)                                             # [B, H] each
        c = self._activation(tf.matmul(tf.concat([inputs, r * h_prev], 1), self._candidate_kernel)
                             + self._candidate_bias)                              # [B, H]
        h = u * h_prev + (1 - u) * c
        return h, h
