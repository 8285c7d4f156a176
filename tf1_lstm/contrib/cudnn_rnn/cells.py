"""The cuDNN-compatible cells: cuDNN's LSTM/GRU/RNN maths on TF's canonical weights.

TF 1.15 (``contrib/cudnn_rnn/python/ops/cudnn_rnn_ops.py``) shipped two cells that compute,
one step at a time and on any device, what the cuDNN layers compute, and whose variables are
the names ``CudnnOpaqueParamsSaveable`` writes a cuDNN layer's weights under, so a checkpoint
written on a GPU restores into them:

- ``CudnnCompatibleLSTMCell``: ``LSTMBlockCell`` with ``forget_bias=0`` (cuDNN adds none),
  no clipping, no peepholes, named ``cudnn_compatible_lstm_cell``. Variables ``kernel``
  [I + H, 4H] (gate columns **i, j, f, o**), ``bias`` [4H] (zeros).
- ``CudnnCompatibleGRUCell``: a ``GRUCell`` whose candidate applies the reset gate *after*
  the recurrent matmul (cuDNN's variant, from Cho et al. 2014) and has a second bias.
  Variables under ``cudnn_compatible_gru_cell/``: ``gates/kernel`` [I + H, 2H] (columns
  **r, u**), ``gates/bias`` [2H] (ones), ``candidate/input_projection/kernel`` [I, H],
  ``candidate/hidden_projection/kernel`` [H, H], and their ``bias`` [H] each (zeros).

The step functions (``lstm_step``, ``gru_step``, ``rnn_step``) are the same maths on weight
tensors passed in; the cuDNN layers (``layers.py``) run them on the canonical weights they
slice out of their opaque buffer. cuDNN's RNN-tanh and RNN-relu are ``BasicRNNCell``'s maths.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.block_cells import LSTMBlockCell

_v1 = _tf2.compat.v1
# tf_keras runs a cell's `call` through AutoGraph, which has nothing to convert here.
_plain_python = _tf2.autograph.experimental.do_not_convert
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple


# --- one step on given weights ---------------------------------------------------------------

def lstm_step(x, state, kernel, bias):
    """cuDNN's LSTM step on the canonical ``kernel`` [I + H, 4H] and ``bias`` [4H]::

        i, j, f, o = split([x, h_prev] @ kernel + bias, 4, axis=1)   # each [B, H]
        c = sigmoid(f) * c_prev + sigmoid(i) * tanh(j)               # no forget bias
        h = sigmoid(o) * tanh(c)

    ``bias`` is cuDNN's b_W + b_R: the two biases of a gate only ever appear summed.
    ``state`` is ``LSTMStateTuple(c, h)``; returns ``(h, LSTMStateTuple(c, h))``.
    """
    c_prev, h_prev = state
    gates = _v1.matmul(_v1.concat([x, h_prev], 1), kernel) + bias       # [B, 4H]
    i, j, f, o = _v1.split(gates, 4, axis=1)
    c = _v1.sigmoid(f) * c_prev + _v1.sigmoid(i) * _v1.tanh(j)
    h = _v1.sigmoid(o) * _v1.tanh(c)
    return h, LSTMStateTuple(c, h)


def gru_step(x, h_prev, gate_kernel, input_kernel, hidden_kernel,
             gate_bias, input_bias, hidden_bias):
    """cuDNN's GRU step on the canonical weights (kernels first, then biases, as TF lists them)::

        r, u = split(sigmoid([x, h_prev] @ gate_kernel + gate_bias), 2, axis=1)   # [B, H]
        h_tilde = tanh(x @ input_kernel + input_bias
                       + r * (h_prev @ hidden_kernel + hidden_bias))            # r AFTER @
        h = (1 - u) * h_tilde + u * h_prev

    ``GRUCell`` computes ``tanh([x, r * h_prev] @ candidate_kernel + b)`` instead: r before
    the matmul and no recurrent bias, which is not the same function. Returns ``(h, h)``.
    """
    gates = _v1.sigmoid(_v1.matmul(_v1.concat([x, h_prev], 1), gate_kernel) + gate_bias)
    r, u = _v1.split(gates, 2, axis=1)
    recurrent = _v1.matmul(h_prev, hidden_kernel) + hidden_bias           # [B, H]
    h_tilde = _v1.tanh(_v1.matmul(x, input_kernel) + input_bias + r * recurrent)
    h = (1 - u) * h_tilde + u * h_prev
    return h, h


def rnn_step(activation: Callable) -> Callable:
    """cuDNN's RNN-tanh / RNN-relu step, ``BasicRNNCell``'s maths::

        h = activation([x, h_prev] @ kernel + bias)       # kernel [I + H, H], bias [H]
    """
    def step(x, h_prev, kernel, bias):
        h = activation(_v1.matmul(_v1.concat([x, h_prev], 1), kernel) + bias)
        return h, h
    return step


# --- the cells -------------------------------------------------------------------------------

class CudnnCompatibleLSTMCell(LSTMBlockCell):
    """``tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell``: ``CudnnLSTM``'s maths, one step.

    TF 1.15's own definition: ``LSTMBlockCell(num_units, forget_bias=0, cell_clip=None,
    use_peephole=False, name="cudnn_compatible_lstm_cell")``, so its C++ kernel (float16
    and float32 only) and its gradient are ``LSTMBlockCell``'s. Variables
    ``cudnn_compatible_lstm_cell/kernel`` [I + H, 4H] and ``.../bias`` [4H], the maths of
    ``lstm_step``. Wrap it in ``MultiRNNCell`` even for one layer: the checkpoint names of a
    ``CudnnLSTM`` are ``rnn/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell/...``.
    """

    def __init__(self, num_units: int, reuse=None) -> None:
        super().__init__(num_units, forget_bias=0.0, cell_clip=None, use_peephole=False,
                         reuse=reuse, name="cudnn_compatible_lstm_cell")


class CudnnCompatibleGRUCell(_v1.nn.rnn_cell.GRUCell):
    """``tf.contrib.cudnn_rnn.CudnnCompatibleGRUCell``: ``CudnnGRU``'s maths, one step.

    A ``GRUCell`` subclass (as in TF 1.15) with the candidate of ``gru_step``: the reset gate
    multiplies ``h_prev @ hidden_kernel + hidden_bias``, after the matmul. Variables, under
    the default name ``cudnn_compatible_gru_cell``::

        gates/kernel                       [I + H, 2H]   kernel_initializer
        gates/bias                         [2H]          ones
        candidate/input_projection/kernel  [I, H]        kernel_initializer
        candidate/hidden_projection/kernel [H, H]        kernel_initializer
        candidate/input_projection/bias    [H]           zeros
        candidate/hidden_projection/bias   [H]           zeros

    State and output: h [B, H].
    """

    def __init__(self, num_units: int, reuse=None, kernel_initializer=None) -> None:
        super().__init__(num_units, activation=None, reuse=reuse,
                         kernel_initializer=kernel_initializer)

    def build(self, inputs_shape) -> None:
        input_depth = _tf2.compat.dimension_value(_tf2.TensorShape(inputs_shape)[-1])
        if input_depth is None:
            raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
        units, kernel_init = self._num_units, self._kernel_initializer
        zeros = _v1.zeros_initializer(dtype=self.dtype)
        # The order TF 1.15 created them in (a checkpoint does not care; a listing does).
        self._gate_kernel = self.add_weight(
            "gates/kernel", [input_depth + units, 2 * units], initializer=kernel_init)
        self._gate_bias = self.add_weight(
            "gates/bias", [2 * units], initializer=_v1.constant_initializer(1.0, dtype=self.dtype))
        self._candidate_input_kernel = self.add_weight(
            "candidate/input_projection/kernel", [input_depth, units], initializer=kernel_init)
        self._candidate_hidden_kernel = self.add_weight(
            "candidate/hidden_projection/kernel", [units, units], initializer=kernel_init)
        self._candidate_input_bias = self.add_weight(
            "candidate/input_projection/bias", [units], initializer=zeros)
        self._candidate_hidden_bias = self.add_weight(
            "candidate/hidden_projection/bias", [units], initializer=zeros)
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        return gru_step(inputs, state, self._gate_kernel, self._candidate_input_kernel,
                        self._candidate_hidden_kernel, self._gate_bias,
                        self._candidate_input_bias, self._candidate_hidden_bias)
