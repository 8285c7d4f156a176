"""``tf.contrib.rnn``'s single-state gated cells on TF 2.21: UGRNN, +RNN, CFN, MinimalRNN.

Rebuilt from TF 1.15's ``tensorflow/contrib/rnn/python/ops/rnn_cell.py`` with TF1's maths,
arguments and variable names (TF1 checkpoints restore). Each keeps one state h [B, H] and
moves it towards a candidate through sigmoid gates:

- ``UGRNNCell`` and ``IntersectionRNNCell``: the update-gate RNN and the +RNN of Collins,
  Sohl-Dickstein and Sussillo 2017, "Capacity and Trainability in Recurrent Neural
  Networks" (arXiv:1611.09913).
- ``CFNCell``: the chaos-free network (Laurent and von Brecht 2017).
- ``MinimalRNNCell``: Chen, Pennington and Schoenholz 2018 (arXiv:1806.05394).

Base classes are TF1's, so the variables land where TF1 put them: UGRNN and +RNN subclass
``RNNCell`` and call ``get_variable`` in ``call``; CFN and MinimalRNN subclass
``LayerRNNCell``, take Keras-style arguments and make their weights in ``build``.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import NumUnitsStateAndOutput
from tf1_lstm.contrib.rnn.norm_cells import _input_depth
from tf1_lstm.contrib.rnn.wrappers import _linear

# isort: split
# TF1's LayerRNNCell (weights made in build, no get_variable capture); see block_cells.
from tf_keras import activations, initializers
from tf_keras.layers import InputSpec
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

_v1 = _tf2.compat.v1
_RNNCell = _v1.nn.rnn_cell.RNNCell
_plain_python = _tf2.autograph.experimental.do_not_convert  # see norm_cells
sigmoid, tanh = _v1.sigmoid, _v1.tanh

__all__ = ["UGRNNCell", "IntersectionRNNCell", "CFNCell", "MinimalRNNCell"]


class _SingleStateCell(NumUnitsStateAndOutput, _RNNCell):
    """What UGRNN and +RNN share: state and output [B, H], TF1's scope initializer."""

    def __init__(self, num_units: int, initializer, forget_bias: float, reuse) -> None:
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._initializer = initializer
        self._forget_bias = forget_bias

    def _dense(self, x, output_size: int):
        """x @ kernel + bias (TF1's ``_Linear``: ``kernel`` [in, out], ``bias`` zeros)."""
        kernel, bias = _linear(x, output_size)
        return _v1.nn.bias_add(_v1.matmul(x, kernel), bias)


class UGRNNCell(_SingleStateCell):
    """``tf.contrib.rnn.UGRNNCell``: one update gate between the old state and a candidate::

        g_act, c_act = split([x, h_prev] @ kernel + bias, 2, axis=1)   # [B, H] each
        c = activation(c_act)
        g = sigmoid(g_act + forget_bias)
        h = g * h_prev + (1 - g) * c                                  # output == state

    Variables under ``ugrnn_cell/``: ``kernel`` [I + H, 2H] (``initializer``), ``bias`` [2H]
    (zeros).
    """

    def __init__(self, num_units: int, initializer=None, forget_bias: float = 1.0,
                 activation: Callable = _v1.tanh, reuse=None) -> None:
        super().__init__(num_units, initializer, forget_bias, reuse)
        self._activation = activation

    @_plain_python
    def call(self, inputs, state):
        _input_depth(inputs)
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            rnn_matrix = self._dense(_v1.concat([inputs, state], 1), 2 * self._num_units)
            g_act, c_act = _v1.split(rnn_matrix, 2, axis=1)
            c = self._activation(c_act)
            g = sigmoid(g_act + self._forget_bias)
            new_state = g * state + (1.0 - g) * c
        return new_state, new_state


class IntersectionRNNCell(_SingleStateCell):
    """``tf.contrib.rnn.IntersectionRNNCell`` (+RNN): gated through time and through depth::

        x = x @ in_projection/kernel + in_projection/bias   # only if I != H (num_in_proj set)
        gh, h_act, gy, y_act = split([x, h_prev] @ kernel + bias, 4, axis=1)   # [B, H] each
        gh, gy = sigmoid(gh + forget_bias), sigmoid(gy + forget_bias)
        new_state = gh * h_prev + (1 - gh) * tanh(h_act)          # passed through time
        new_y = gy * x + (1 - gy) * y_activation(y_act)           # passed through depth

    Returns ``(new_y, new_state)``. Variables under ``intersection_rnn_cell/``: ``kernel``
    [2H, 4H], ``bias`` [4H] and, for a first layer with I != H, ``in_projection/kernel``
    [I, H], ``in_projection/bias`` [H]. Without ``num_in_proj`` the input depth must be H.
    """

    def __init__(self, num_units: int, num_in_proj: int | None = None, initializer=None,
                 forget_bias: float = 1.0, y_activation: Callable = _v1.nn.relu,
                 reuse=None) -> None:
        super().__init__(num_units, initializer, forget_bias, reuse)
        self._num_input_proj = num_in_proj
        self._y_activation = y_activation

    @_plain_python
    def call(self, inputs, state):
        units = self._num_units
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            if _input_depth(inputs) != units:
                if not self._num_input_proj:
                    raise ValueError("Must have input size == output size for "
                                     "Intersection RNN. To fix, num_in_proj should "
                                     "be set to num_units at cell init.")
                with _v1.variable_scope("in_projection"):
                    inputs = self._dense(inputs, units)                   # [B, H]
            rnn_matrix = self._dense(_v1.concat([inputs, state], 1), 4 * units)
            gh_act, h_act, gy_act, y_act = _v1.split(rnn_matrix, 4, axis=1)
            gh = sigmoid(gh_act + self._forget_bias)
            gy = sigmoid(gy_act + self._forget_bias)
            new_state = gh * state + (1.0 - gh) * tanh(h_act)
            new_y = gy * inputs + (1.0 - gy) * self._y_activation(y_act)
        return new_y, new_state


class _KerasStyleCell(NumUnitsStateAndOutput, LayerRNNCell):
    """What CFN and MinimalRNN share: Keras-style arguments (``units``, initializer and
    activation names), 2-D inputs, state and output [B, units]."""

    def __init__(self, units: int, activation, kernel_initializer, bias_initializer,
                 name, dtype, **kwargs) -> None:
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=2)
        self.units = units
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    @property
    def _num_units(self) -> int:
        """The width NumUnitsStateAndOutput reads: Keras-style cells call it ``units``."""
        return self.units

    def _input_size(self, inputs_shape) -> int:
        input_size = _tf2.compat.dimension_value(_tf2.TensorShape(inputs_shape)[-1])
        if input_size is None:
            raise ValueError(
                f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
        return input_size


class CFNCell(_KerasStyleCell):
    """``tf.contrib.rnn.CFNCell``: the chaos-free network (openreview S1dIzvclg)::

        v, w = split(kernel, [2U, U], axis=1)
        theta, eta = split(sigmoid(h_prev @ recurrent_kernel + x @ v + bias), 2, axis=1)
        h = theta * activation(h_prev) + (1 - eta) * activation(x @ w)   # output == state

    The input gate is 1 - eta, not the paper's eta (TF1's choice: with the default bias of
    ones it starts small). Variables under ``cfn_cell/``: ``kernel`` [I, 3U],
    ``recurrent_kernel`` [U, 2U] (both ``kernel_initializer``), ``bias`` [2U].
    """

    def __init__(self, units: int, activation="tanh", kernel_initializer="glorot_uniform",
                 bias_initializer="ones", name=None, dtype=None, **kwargs) -> None:
        super().__init__(units, activation, kernel_initializer, bias_initializer, name, dtype,
                         **kwargs)

    def build(self, inputs_shape) -> None:
        input_size = self._input_size(inputs_shape)
        self.kernel = self.add_weight(shape=[input_size, 3 * self.units], name="kernel",
                                      initializer=self.kernel_initializer)
        self.recurrent_kernel = self.add_weight(
            shape=[self.units, 2 * self.units], name="recurrent_kernel",
            initializer=self.kernel_initializer)
        self.bias = self.add_weight(shape=[2 * self.units], name="bias",
                                    initializer=self.bias_initializer)
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        v, w = _v1.split(self.kernel, [2 * self.units, self.units], axis=1)
        gates = _v1.matmul(state, self.recurrent_kernel) + _v1.matmul(inputs, v)  # [B, 2U]
        theta, eta = _v1.split(sigmoid(_v1.nn.bias_add(gates, self.bias)), 2, axis=1)
        proj_input = _v1.matmul(inputs, w)                                # [B, U]
        new_h = theta * self.activation(state) + (1 - eta) * self.activation(proj_input)
        return new_h, new_h


class MinimalRNNCell(_KerasStyleCell):
    """``tf.contrib.rnn.MinimalRNNCell`` (arXiv:1806.05394): project, then one update gate::

        W_x, gate_weight = split(kernel, [I, 2U], axis=0)
        z = activation(x @ W_x)                                           # [B, U]
        u = sigmoid([z, h_prev] @ gate_weight + bias)
        h = u * h_prev + (1 - u) * z                                      # output == state

    Variables under ``minimal_rnn_cell/``: ``kernel`` [I + 2U, U] (``kernel_initializer``),
    ``bias`` [U] (``bias_initializer``, ones).
    """

    def __init__(self, units: int, activation="tanh", kernel_initializer="glorot_uniform",
                 bias_initializer="ones", name=None, dtype=None, **kwargs) -> None:
        super().__init__(units, activation, kernel_initializer, bias_initializer, name, dtype,
                         **kwargs)

    def build(self, inputs_shape) -> None:
        input_size = self._input_size(inputs_shape)
        self.kernel = self.add_weight(name="kernel", shape=[input_size + 2 * self.units,
                                                            self.units],
                                      initializer=self.kernel_initializer)
        self.bias = self.add_weight(name="bias", shape=[self.units],
                                    initializer=self.bias_initializer)
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        input_size = _input_depth(inputs)
        feedforward_weight, gate_weight = _v1.split(
            self.kernel, [input_size, 2 * self.units], axis=0)
        feedforward = self.activation(_v1.matmul(inputs, feedforward_weight))  # [B, U]
        gate_inputs = _v1.matmul(_v1.concat([feedforward, state], 1), gate_weight)
        u = sigmoid(_v1.nn.bias_add(gate_inputs, self.bias))
        new_h = u * state + (1 - u) * feedforward
        return new_h, new_h
