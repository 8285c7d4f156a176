"""BasicLSTMCell written by hand from raw ops, with BasicLSTMCell's variables.

One step, for input x_t [B, I] and state (c_{t-1}, h_{t-1}) [B, H] each::

    z = [x_t, h_{t-1}] @ kernel + bias      # [B, 4H]; kernel [I + H, 4H], bias [4H]
    z_i, z_j, z_f, z_o = split(z, 4)        # the columns are in i, j, f, o order
    i   = sigmoid(z_i)                      # input gate: how much of j enters the memory
    j   = activation(z_j)                   # candidate memory (c~ in the documents), tanh
    f   = sigmoid(z_f + forget_bias)        # forget gate: how much of c_{t-1} is kept
    o   = sigmoid(z_o)                      # output gate: how much of the memory is shown
    c_t = f * c_{t-1} + i * j               # long-term state (document 003's "memory")
    h_t = o * activation(c_t)               # short-term state, and the cell's output

``forget_bias`` is added to f when the graph runs; it is *not* stored in ``bias``, so a
checkpoint's f bias columns hold only what training learned on top of it (TF1's choice).

Variables, named and shaped as ``tf.nn.rnn_cell.BasicLSTMCell`` makes them, so one
checkpoint restores into either cell: ``basic_lstm_cell/kernel`` [I + H, 4H] (glorot
uniform) and ``basic_lstm_cell/bias`` [4H] (zeros), under the caller's scope (``rnn/``
for static_rnn and dynamic_rnn, ``rnn/multi_rnn_cell/cell_k/`` inside a MultiRNNCell).

``whole_sequence(cell, inputs)`` runs a whole [B, T, I] sequence with the input projection of
all T steps done by ONE matmul up front (what fused kernels such as cuDNN's do): only
h_{t-1} @ kernel[I:] is left inside the loop. Same variables, same result as dynamic_rnn;
``stacked_whole_sequence(cells, inputs)`` does it layer by layer for a MultiRNNCell's stack.
The cell itself is one step; these functions are the loop.
"""

from __future__ import annotations

from collections.abc import Sequence

from tf1_lstm.cells.base import Activation, HandCell, create_cell_variables, known_input_depth
from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.compat import rnn, tf


class HandLSTMCell(HandCell):
    """``BasicLSTMCell(num_units, forget_bias, activation=...)`` from matmul, sigmoid and tanh.

    ``activation`` is used for the candidate j and on c_t before the output gate, as TF1's
    ``activation=`` argument (default tanh; document 003's trace uses the identity). The gates
    are always sigmoids. State: ``LSTMStateTuple(c, h)``; output: h.
    """

    default_name = CELL_KINDS["lstm"].scope  # BasicLSTMCell's, so checkpoints interchange

    def __init__(self, num_units: int, forget_bias: float = 1.0,
                 activation: Activation | None = None, reuse: bool | None = None,
                 name: str | None = None, dtype=None) -> None:
        super().__init__(num_units, activation, reuse=reuse, name=name, dtype=dtype)
        self._forget_bias = forget_bias

    @property
    def state_size(self) -> rnn.LSTMStateTuple:
        return rnn.LSTMStateTuple(self._num_units, self._num_units)

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        self._kernel = self.add_weight("kernel", [input_depth + units, 4 * units],  # [I+H, 4H]
                                       dtype=dtype)
        self._bias = self.add_weight("bias", [4 * units], dtype=dtype,               # [4H]
                                     initializer=tf.zeros_initializer())

    # Plain Python: tf_keras would run `call` through AutoGraph, which has nothing to convert
    # here and only slows graph building down.
    @tf.autograph.experimental.do_not_convert
    def call(self, inputs, state):
        c_prev, h_prev = state                                                # [B, H] each
        z = tf.matmul(tf.concat([inputs, h_prev], 1), self._kernel) + self._bias  # [B, 4H]
        c, h = self._next_state(z, c_prev)
        return h, rnn.LSTMStateTuple(c, h)

    def _next_state(self, z, c_prev) -> tuple[tf.Tensor, tf.Tensor]:
        """The equations of the module docstring, from z = [x_t, h_{t-1}] @ kernel + bias."""
        z_i, z_j, z_f, z_o = tf.split(z, 4, axis=1)                           # [B, H] each
        i = tf.sigmoid(z_i)
        j = self._activation(z_j)
        f = tf.sigmoid(z_f + self._forget_bias)
        o = tf.sigmoid(z_o)
        c = f * c_prev + i * j
        h = o * self._activation(c)
        return c, h

# --- the whole sequence, input projection hoisted out of the loop ----------------------------

def whole_sequence(cell: HandLSTMCell, inputs, sequence_length=None, initial_state=None,
                   dtype=None, scope: str = "rnn"):
    """``dynamic_rnn(cell, inputs, ...)`` with one [B*T, I] @ [I, 4H] matmul up front.

    inputs [B, T, I] (batch-major, as dynamic_rnn's default); returns ``(outputs, state)``
    with outputs [B, T, H] and state ``LSTMStateTuple(c, h)`` after the last step.
    With ``sequence_length`` [B]: outputs are 0 from step L_b on and the state is the one
    after step L_b - 1, copied through (dynamic_rnn's contract). The variables live under
    ``scope``/basic_lstm_cell/ (dynamic_rnn's names) unless the cell was already built.
    Any HandLSTMCell (HandPeepholeLSTMCell too): the step's equations are the cell's.
    """
    with tf.variable_scope(scope):
        if initial_state is None:
            if dtype is None:
                raise ValueError("whole_sequence needs initial_state or dtype "
                                 "(as dynamic_rnn does)")
            initial_state = cell.zero_state(tf.shape(inputs)[0], dtype)
        create_cell_variables(cell, known_input_depth(cell, inputs.shape), inputs.dtype)
        with tf.name_scope(cell.scope_name + "/"):  # the cell's ops where a step's would be
            return _projected_scan(cell, inputs, initial_state, sequence_length)


def _projected_scan(cell: HandLSTMCell, inputs, state, sequence_length):
    """whole_sequence's loop: z_x of every step up front, then only h @ W_h per step."""
    input_depth = tf.compat.dimension_value(inputs.shape[-1])
    units = cell._num_units
    w_x, w_h = cell._kernel[:input_depth], cell._kernel[input_depth:]  # [I, 4H], [H, 4H]
    batch, steps = tf.shape(inputs)[0], tf.shape(inputs)[1]
    # The trick: every step's input projection (and the bias) in one matmul.
    z_x = tf.matmul(tf.reshape(inputs, [-1, input_depth]), w_x) + cell._bias  # [B*T, 4H]
    z_x = tf.transpose(tf.reshape(z_x, [batch, steps, 4 * units]), [1, 0, 2])  # [T, B, 4H]
    if sequence_length is not None:
        sequence_length = tf.cast(sequence_length, tf.int32)                   # [B]

    def step(carry, elems):
        c_prev, h_prev, _ = carry                                         # [B, H] each
        z_x_t, t = elems                                                  # [B, 4H], []
        c, h = cell._next_state(z_x_t + tf.matmul(h_prev, w_h), c_prev)  # only h @ W_h
        output = h
        if sequence_length is not None:
            # dynamic_rnn's contract: past a row's end, state copied through, output 0.
            valid = t < sequence_length                                   # [B]
            c = tf.where(valid, c, c_prev)
            h = tf.where(valid, h, h_prev)
            output = tf.where(valid, output, tf.zeros_like(output))
        return c, h, output

    c0, h0 = state
    cs, hs, outputs = tf.scan(step, (z_x, tf.range(steps)),
                              initializer=(c0, h0, tf.zeros_like(h0)))  # [T, B, H] each
    return tf.transpose(outputs, [1, 0, 2]), rnn.LSTMStateTuple(cs[-1], hs[-1])


def stacked_whole_sequence(cells: Sequence[HandLSTMCell], inputs, sequence_length=None,
                           dtype=None):
    """``dynamic_rnn(MultiRNNCell(cells), inputs, ...)`` with ``whole_sequence`` per layer.

    Layer k reads layer k-1's outputs; its variables live under
    ``rnn/multi_rnn_cell/cell_k/``, MultiRNNCell's names, so the same checkpoint restores.
    Masking each layer by ``sequence_length`` equals MultiRNNCell's masking at the top:
    past a row's end every layer's state is copied through, and only the top's outputs are
    seen (zeros). Returns ``(outputs [B, T, H], tuple of each layer's LSTMStateTuple)``.
    """
    states = []
    layer_inputs = inputs
    for k, cell in enumerate(cells):
        layer_inputs, state = whole_sequence(
            cell, layer_inputs, sequence_length=sequence_length, dtype=dtype,
            scope=f"rnn/multi_rnn_cell/cell_{k}")
        states.append(state)
    return layer_inputs, tuple(states)
