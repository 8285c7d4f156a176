"""TF1's ``LSTMCell(use_peepholes=True)`` as a Keras 3 RNN cell (TF2 world).

Keras 3 has no peephole LSTM (``tf.keras.experimental.PeepholeLSTMCell`` went with Keras 2), so
this is a small one. Use it inside ``keras.layers.RNN``::

    import keras
    from tf1_lstm.port.keras_peephole import PeepholeLSTMCell
    layer = keras.layers.RNN(PeepholeLSTMCell(150), return_sequences=True, return_state=True)
    outputs, h, c = layer(x)          # x [B, T, I] -> [B, T, 150], [B, 150], [B, 150]

One step, with Keras' gate order (i, f, c, o) and TF1's peephole equations (Sak et al., 2014,
as ``tf.nn.rnn_cell.LSTMCell`` computes them)::

    z   = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias      # [B, 4H]: i, f, c, o
    i   = sigmoid(z_i + input_peephole * c_{t-1})                # peepholes [H], elementwise
    f   = sigmoid(z_f + forget_peephole * c_{t-1})               # TF1's forget_bias is in bias
    c_t = f * c_{t-1} + i * tanh(z_c)
    o   = sigmoid(z_o + output_peephole * c_t)                   # the NEW memory c_t
    h_t = o * tanh(c_t)

The state is ``[h, c]`` (Keras' order; TF1's LSTMStateTuple is (c, h)). The ``.keras`` file of
a model using it loads after ``import tf1_lstm.port.keras_peephole`` (which registers it), or
after importing the copy ``tf1-lstm port`` writes beside the file (``NAME_peephole.py``): this
module imports only Keras, so the copy works where tf1-lstm is not installed.
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="tf1_lstm")
class PeepholeLSTMCell(keras.layers.Layer):
    """An LSTM cell whose gates also see the memory c (``LSTMCell(use_peepholes=True)``)."""

    def __init__(self, units: int, unit_forget_bias: bool = True, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = units
        # Keras' LSTM starts the forget gate's bias at 1, as TF1's forget_bias=1.0 does.
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]  # [h, c]
        self.output_size = units

    def build(self, input_shape) -> None:
        input_dim, units = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(input_dim, 4 * units), name="kernel",
                                      initializer="glorot_uniform")
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units),
                                                name="recurrent_kernel", initializer="orthogonal")
        self.bias = self.add_weight(shape=(4 * units,), name="bias",
                                    initializer=self._bias_initializer)
        # TF1 initialises w_*_diag like its kernel (glorot uniform); they are [H], one per unit.
        self.input_peephole, self.forget_peephole, self.output_peephole = (
            self.add_weight(shape=(units,), name=name, initializer="glorot_uniform")
            for name in ("input_peephole", "forget_peephole", "output_peephole"))

    def _bias_initializer(self, shape, dtype=None):
        units = self.units
        forget = 1.0 if self.unit_forget_bias else 0.0
        return ops.concatenate([ops.zeros((units,), dtype), ops.full((units,), forget, dtype),
                                ops.zeros((2 * units,), dtype)])

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states  # [B, H] each
        z = (ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
             + self.bias)  # [B, 4H]
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)  # Keras order i, f, c, o
        i = ops.sigmoid(z_i + self.input_peephole * c_prev)
        f = ops.sigmoid(z_f + self.forget_peephole * c_prev)
        c = f * c_prev + i * ops.tanh(z_c)
        o = ops.sigmoid(z_o + self.output_peephole * c)
        h = o * ops.tanh(c)
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units,
                "unit_forget_bias": self.unit_forget_bias}
