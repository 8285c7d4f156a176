"""TF1's ``tf.contrib.rnn.LayerNormBasicLSTMCell`` as a Keras 3 RNN cell (TF2 world).

Keras 3 has no layer-normalised LSTM cell, so this is a small one, named ``LayerNormLSTMCell``
(it is TF1's *LayerNormBasicLSTMCell*; TF1's own ``contrib.rnn.LayerNormLSTMCell``, with
peepholes and projection, is another cell). Use it inside ``keras.layers.RNN``::

    import keras
    from tf1_lstm.port.keras_layer_norm import LayerNormLSTMCell
    cell = LayerNormLSTMCell(150, forget_bias=1.0)          # layer_norm=True, as in TF1
    layer = keras.layers.RNN(cell, return_sequences=True, return_state=True)
    outputs, h, c = layer(x)          # x [B, T, I] -> [B, T, 150], [B, 150], [B, 150]

One step, in TF1's gate order **i, j, f, o** (j is the candidate; Keras' own LSTM splits its
weights into ``kernel`` for x and ``recurrent_kernel`` for h, in the order i, f, c, o; this
cell keeps TF1's single kernel on ``[x, h]`` and TF1's order, so a TF1 checkpoint's arrays
load as they are)::

    z          = [x_t, h_{t-1}] @ kernel (+ bias)            # [B, 4H]; bias only if not layer_norm
    i, j, f, o = split(z, 4)                                 # [B, H] each
    i, j, f, o = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)    # if layer_norm
    c_t        = c_{t-1} * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)
    c_t        = LN_state(c_t)                                              # if layer_norm
    h_t        = tanh(c_t) * sigmoid(o)

``LN_name`` is ``tf.contrib.layers.layer_norm`` over the last axis with ``name_gamma`` and
``name_beta`` [H], written as TF1's ``nn.moments`` and ``nn.batch_normalization`` compute it::

    mean     = mean(z, -1)                      # [B, 1]
    variance = mean((z - mean)^2, -1)           # [B, 1], divided by H (not H - 1)
    inv      = rsqrt(variance + epsilon) * gamma            # epsilon 1e-12 (1e-3 for float16)
    LN(z)    = z * inv + (beta - mean * inv)    # = (z - mean) / sqrt(variance + eps) * gamma + beta

Weights, TF1's arrays under the names ``tf1-lstm port`` gives them (``input/gamma`` ->
``input_gamma``): ``kernel`` [I + H, 4H]; ``bias`` [4H] only when ``layer_norm=False``; with
layer norm ``input_gamma, input_beta, transform_gamma, transform_beta, forget_gamma,
forget_beta, output_gamma, output_beta, state_gamma, state_beta`` [H] each. ``forget_bias`` is
not a weight (TF1 never saved it): it is an argument, kept in the config. Initialisers are
TF1's: glorot uniform for kernel and bias (TF1's ``get_variable`` default, bias included),
``norm_gain`` for the gammas and ``norm_shift`` for the betas. TF1's recurrent dropout
(``dropout_keep_prob``) and ``activation`` are not served: a port runs TF1's inference, tanh.

The state is ``[h, c]`` (Keras' order; TF1's LSTMStateTuple is (c, h)). The ``.keras`` file of
a model using it loads after ``import tf1_lstm.port.keras_layer_norm`` (which registers it), or
after importing a copy of this file: it imports only Keras, so the copy works where tf1-lstm
is not installed.
"""

from __future__ import annotations

import keras
from keras import ops

# TF1's layer-norm scopes, in the order TF1 creates them: the gates i, j, f, o, then c.
NORMALISED = ("input", "transform", "forget", "output", "state")


@keras.saving.register_keras_serializable(package="tf1_lstm")
class LayerNormLSTMCell(keras.layers.Layer):
    """TF1's LayerNormBasicLSTMCell: an LSTM step with layer norm on each gate and on c."""

    def __init__(self, units: int, forget_bias: float = 1.0, layer_norm: bool = True,
                 norm_gain: float = 1.0, norm_shift: float = 0.0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.forget_bias = float(forget_bias)
        self.layer_norm = bool(layer_norm)
        self.norm_gain = float(norm_gain)
        self.norm_shift = float(norm_shift)
        self.state_size = [self.units, self.units]  # [h, c]
        self.output_size = self.units

    def build(self, input_shape) -> None:
        input_dim, units = input_shape[-1], self.units
        self.kernel = self.add_weight(shape=(input_dim + units, 4 * units), name="kernel",
                                      initializer="glorot_uniform")  # [I + H, 4H]: i, j, f, o
        if not self.layer_norm:
            self.bias = self.add_weight(shape=(4 * units,), name="bias",
                                        initializer="glorot_uniform")
            return
        for scope in NORMALISED:  # input_gamma, input_beta, transform_gamma, ... [H] each
            setattr(self, f"{scope}_gamma", self.add_weight(
                shape=(units,), name=f"{scope}_gamma",
                initializer=keras.initializers.Constant(self.norm_gain)))
            setattr(self, f"{scope}_beta", self.add_weight(
                shape=(units,), name=f"{scope}_beta",
                initializer=keras.initializers.Constant(self.norm_shift)))

    def _norm(self, z, scope: str):
        """``contrib.layers.layer_norm(z)`` over the last axis, with ``scope``'s gamma, beta."""
        gamma, beta = getattr(self, f"{scope}_gamma"), getattr(self, f"{scope}_beta")
        epsilon = 1e-3 if keras.backend.standardize_dtype(z.dtype) == "float16" else 1e-12
        mean = ops.mean(z, axis=-1, keepdims=True)                               # [B, 1]
        variance = ops.mean(ops.square(z - mean), axis=-1, keepdims=True)        # [B, 1]
        inv = ops.rsqrt(variance + epsilon) * gamma                              # [B, H]
        return z * inv + (beta - mean * inv)

    def call(self, inputs, states, training=False):
        h_prev, c_prev = states  # [B, H] each
        z = ops.matmul(ops.concatenate([inputs, h_prev], axis=-1), self.kernel)  # [B, 4H]
        if not self.layer_norm:
            z = z + self.bias
        i, j, f, o = ops.split(z, 4, axis=-1)  # TF1's order i, j, f, o
        if self.layer_norm:
            i, j, f, o = (self._norm(gate, scope)
                          for gate, scope in zip((i, j, f, o), NORMALISED[:4], strict=True))
        c = c_prev * ops.sigmoid(f + self.forget_bias) + ops.sigmoid(i) * ops.tanh(j)
        if self.layer_norm:
            c = self._norm(c, "state")
        h = ops.tanh(c) * ops.sigmoid(o)
        return h, [h, c]

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "forget_bias": self.forget_bias,
                "layer_norm": self.layer_norm, "norm_gain": self.norm_gain,
                "norm_shift": self.norm_shift}
