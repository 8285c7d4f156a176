"""TF1's ``LSTMCell`` as a Keras 3 RNN cell: peepholes, a projection and a cell clip (TF2 world).

Keras 3's LSTM has none of the three (``tf.keras.experimental.PeepholeLSTMCell`` went with
Keras 2), so this is a small cell with TF1's options, under TF1's argument names. Use it
inside ``keras.layers.RNN``::

    import keras
    from tf1_lstm.port.keras_lstm_cell import TF1LSTMCell
    cell = TF1LSTMCell(150, use_peepholes=True)            # num_proj=P, cell_clip=C as in TF1
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    outputs, h, c = layer(x)          # x [B, T, I] -> [B, T, 150 (or P)], h, c [B, 150]

One step, with Keras' gate order (i, f, c, o) and TF1's equations (``tf.nn.rnn_cell
.LSTMCell``; the peepholes are Sak et al., 2014)::

    z   = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias      # [B, 4H]: i, f, c, o
    i   = sigmoid(z_i + input_peephole * c_{t-1})                # peepholes [H], elementwise
    f   = sigmoid(z_f + forget_peephole * c_{t-1})               # TF1's forget_bias is in bias
    c_t = f * c_{t-1} + i * tanh(z_c)
    c_t = clip(c_t, -cell_clip, cell_clip)                       # only with a cell_clip > 0
    o   = sigmoid(z_o + output_peephole * c_t)                   # the NEW memory c_t
    h_t = o * tanh(c_t)
    h_t = h_t @ projection_kernel                                # num_proj=P: [H, P] -> [B, P]

(no peephole terms without ``use_peepholes``). The state is ``[h, c]`` (Keras' order; TF1's
LSTMStateTuple is (c, h)); h is P wide with a projection, and the recurrent kernel [P, 4H]
reads it. The ``.keras`` file of a model using it loads after ``import
tf1_lstm.port.keras_lstm_cell`` (which registers it), or after importing the copy ``tf1-lstm
port`` writes beside the file (``NAME_lstm_cell.py``): this module imports only Keras, so the
copy works where tf1-lstm is not installed.
"""

from __future__ import annotations

import keras
from keras import ops

PEEPHOLES = ("input_peephole", "forget_peephole", "output_peephole")


@keras.saving.register_keras_serializable(package="tf1_lstm")
class TF1LSTMCell(keras.layers.Layer):
    """``tf.nn.rnn_cell.LSTMCell(units, use_peepholes, cell_clip, num_proj)`` in Keras 3."""

    def __init__(self, units: int, use_peepholes: bool = False, num_proj: int | None = None,
                 cell_clip: float | None = None, unit_forget_bias: bool = True,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.use_peepholes = bool(use_peepholes)
        self.num_proj = int(num_proj) if num_proj else None
        self.cell_clip = float(cell_clip) if cell_clip else None
        # Keras' LSTM starts the forget gate's bias at 1, as TF1's forget_bias=1.0 does.
        self.unit_forget_bias = unit_forget_bias
        self.output_size = self.num_proj or self.units
        self.state_size = [self.output_size, self.units]  # [h, c]

    def build(self, input_shape) -> None:
        input_dim, units = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(input_dim, 4 * units), name="kernel",
                                      initializer="glorot_uniform")
        self.recurrent_kernel = self.add_weight(
            shape=(self.output_size, 4 * units), name="recurrent_kernel",
            initializer="orthogonal")
        self.bias = self.add_weight(shape=(4 * units,), name="bias",
                                    initializer=self._bias_initializer)
        # TF1 initialises w_*_diag like its kernel (glorot uniform); they are [H], one per unit.
        self.peepholes = [self.add_weight(shape=(units,), name=name,
                                          initializer="glorot_uniform")
                          for name in PEEPHOLES] if self.use_peepholes else None
        self.projection_kernel = self.add_weight(
            shape=(units, self.num_proj), name="projection_kernel",
            initializer="glorot_uniform") if self.num_proj else None

    def _bias_initializer(self, shape, dtype=None):
        units = self.units
        forget = 1.0 if self.unit_forget_bias else 0.0
        return ops.concatenate([ops.zeros((units,), dtype), ops.full((units,), forget, dtype),
                                ops.zeros((2 * units,), dtype)])

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states  # [B, P or H], [B, H]
        z = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
             + self.bias)  # [B, 4H]
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)  # Keras order i, f, c, o
        if self.peepholes:
            w_i, w_f, w_o = self.peepholes
            z_i, z_f = z_i + w_i * c_prev, z_f + w_f * c_prev
        c = ops.sigmoid(z_f) * c_prev + ops.sigmoid(z_i) * ops.tanh(z_c)
        if self.cell_clip:
            c = ops.clip(c, -self.cell_clip, self.cell_clip)
        if self.peepholes:
            z_o = z_o + w_o * c
        h = ops.sigmoid(z_o) * ops.tanh(c)
        if self.projection_kernel is not None:
            h = ops.matmul(h, self.projection_kernel)  # [B, P]
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units,
                "use_peepholes": self.use_peepholes, "num_proj": self.num_proj,
                "cell_clip": self.cell_clip, "unit_forget_bias": self.unit_forget_bias}
