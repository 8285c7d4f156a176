"""``tf.contrib.rnn``'s convolutional LSTMs (Shi et al., "Convolutional LSTM Network", 2015).

TF 1.15's ``contrib/rnn/python/ops/rnn_cell.py`` defined ``ConvLSTMCell`` and its 1-D, 2-D
and 3-D flavours. The LSTM of ``BasicLSTMCell`` with every matmul a "SAME"-padded, stride-1
convolution over the spatial axes, so the state keeps the input's spatial shape::

    x [B, *S, Cin],  c, h [B, *S, Cout]                # S: 1, 2 or 3 spatial axes
    i, j, f, o = split(conv([x, h], kernel) + biases, 4, axis=-1)      # each [B, *S, Cout]
    c' = sigmoid(f + forget_bias) * c + sigmoid(i) * tanh(j)
    h' = tanh(c') * sigmoid(o)
    h' = concat([h', x], axis=-1)                      # only with skip_connection

Variables under the cell's name (``conv_lstm_cell``, ``conv_1d_lstm_cell``, ...):
``kernel`` [*kernel_shape, Cin + Cout, 4 Cout] (the scope's initializer) and ``biases``
[4 Cout] (zeros, whatever the scope's initializer; not with ``use_bias=False``).
No peepholes, no clipping; the gates are i, j, f, o along the channel axis.
"""

from __future__ import annotations

from collections.abc import Sequence

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.errors import Tf1LstmError

__all__ = ["ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
           "ConvLSTMShapeError"]

_v1 = _tf2.compat.v1
_RNNCell = _v1.nn.rnn_cell.RNNCell
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple
# tf_keras runs a layer's `call` through AutoGraph: nothing here needs it (no tensor-dependent
# Python control flow), and it would wrap our clear errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert

# Spatial rank -> the convolution TF1 used, and its stride argument.
_CONVOLUTIONS = {1: (_v1.nn.conv1d, 1), 2: (_v1.nn.conv2d, [1] * 4), 3: (_v1.nn.conv3d, [1] * 5)}


class ConvLSTMShapeError(Tf1LstmError, ValueError):
    """The input shape does not fit the convolution's dimensionality."""


def _conv(args: list, kernel_shape: list[int], num_features: int, use_bias: bool):
    """conv(concat(args, channels), kernel) + biases, "SAME" padding, stride 1 (TF1's _conv)."""
    shapes = [arg.shape.as_list() for arg in args]
    rank = len(shapes[0])
    if rank not in (3, 4, 5) or any(len(shape) != rank for shape in shapes):
        raise ConvLSTMShapeError(
            f"Conv Linear expects 3D, 4D or 5D arguments, all of the same rank: {shapes}")
    depth = sum(shape[-1] for shape in shapes)                           # Cin + Cout
    dtype = args[0].dtype
    convolution, strides = _CONVOLUTIONS[rank - 2]
    kernel = _v1.get_variable("kernel", [*kernel_shape, depth, num_features], dtype=dtype)
    stacked = args[0] if len(args) == 1 else _v1.concat(args, axis=rank - 1)
    result = convolution(stacked, kernel, strides, padding="SAME")     # [B, *S, num_features]
    if not use_bias:
        return result
    biases = _v1.get_variable("biases", [num_features], dtype=dtype,
                              initializer=_v1.constant_initializer(0.0, dtype=dtype))
    return result + biases


class ConvLSTMCell(_RNNCell):
    """``tf.contrib.rnn.ConvLSTMCell``: an LSTM whose matmuls are convolutions.

    Equations and variables in the module docstring. ``input_shape`` is one example's shape
    (no batch), channels last, e.g. [H, W, Cin] for ``conv_ndims=2``; ``state_size`` is
    ``LSTMStateTuple([*S, Cout], [*S, Cout])`` and ``output_size`` [*S, Cout (+ Cin)].

    As in TF 1.15, with ``skip_connection`` the state's h is the concatenated output
    [*S, Cout + Cin] while ``state_size`` says Cout: starting from ``zero_state`` only one
    step runs (the next one asks for a kernel of another depth). ``initializers`` is
    accepted and ignored, as in TF 1.15 (use the variable scope's initializer).
    """

    def __init__(self, conv_ndims: int, input_shape: Sequence[int], output_channels: int,
                 kernel_shape: Sequence[int], use_bias: bool = True,
                 skip_connection: bool = False, forget_bias: float = 1.0, initializers=None,
                 name: str = "conv_lstm_cell") -> None:
        super().__init__(name=name)
        if conv_ndims != len(input_shape) - 1:
            raise ConvLSTMShapeError(
                f"Invalid input_shape {input_shape} for conv_ndims={conv_ndims}: give the "
                f"shape of one example without the batch, {conv_ndims} spatial sizes and "
                "the channels last.")
        self._conv_ndims = conv_ndims
        # TF 1.15 needed a list here (it did input_shape[:-1] + [...]); a tuple works too.
        self._input_shape = list(input_shape)
        self._output_channels = output_channels
        self._kernel_shape = list(kernel_shape)
        self._use_bias = use_bias
        self._forget_bias = forget_bias
        self._skip_connection = skip_connection
        self._initializers = initializers   # unused by TF 1.15 too
        self._total_output_channels = output_channels + (
            self._input_shape[-1] if skip_connection else 0)

    @property
    def state_size(self) -> LSTMStateTuple:
        shape = _tf2.TensorShape([*self._input_shape[:-1], self._output_channels])
        return LSTMStateTuple(shape, shape)

    @property
    def output_size(self):
        return _tf2.TensorShape([*self._input_shape[:-1], self._total_output_channels])

    @_plain_python
    def call(self, inputs, state, scope=None):
        c, h = state                                                    # [B, *S, Cout] each
        gates = _conv([inputs, h], self._kernel_shape, 4 * self._output_channels,
                      self._use_bias)                                   # [B, *S, 4 Cout]
        i, j, f, o = _v1.split(gates, 4, axis=self._conv_ndims + 1)
        new_c = _v1.sigmoid(f + self._forget_bias) * c
        new_c += _v1.sigmoid(i) * _v1.tanh(j)
        output = _v1.tanh(new_c) * _v1.sigmoid(o)
        if self._skip_connection:
            output = _v1.concat([output, inputs], axis=-1)              # [B, *S, Cout + Cin]
        return output, LSTMStateTuple(new_c, output)


class Conv1DLSTMCell(ConvLSTMCell):
    """``tf.contrib.rnn.Conv1DLSTMCell``: ``ConvLSTMCell`` over [B, L, C] (keyword args only)."""

    def __init__(self, name: str = "conv_1d_lstm_cell", **kwargs) -> None:
        super().__init__(conv_ndims=1, name=name, **kwargs)


class Conv2DLSTMCell(ConvLSTMCell):
    """``tf.contrib.rnn.Conv2DLSTMCell``: ``ConvLSTMCell`` over [B, H, W, C]."""

    def __init__(self, name: str = "conv_2d_lstm_cell", **kwargs) -> None:
        super().__init__(conv_ndims=2, name=name, **kwargs)


class Conv3DLSTMCell(ConvLSTMCell):
    """``tf.contrib.rnn.Conv3DLSTMCell``: ``ConvLSTMCell`` over [B, D, H, W, C]."""

    def __init__(self, name: str = "conv_3d_lstm_cell", **kwargs) -> None:
        super().__init__(conv_ndims=3, name=name, **kwargs)
