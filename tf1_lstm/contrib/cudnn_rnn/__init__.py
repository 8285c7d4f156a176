"""``tf.contrib.cudnn_rnn`` on a CPU-only TensorFlow 2.21.

TF 1.15 trained these on GPUs; the same scripts and checkpoints run here:

- ``CudnnLSTM``, ``CudnnGRU``, ``CudnnRNNTanh``, ``CudnnRNNRelu`` (``layers``): the layers,
  with TF 1.15's ``opaque_kernel`` variable, computing with the compatible cells' maths;
- ``CudnnCompatibleLSTMCell``, ``CudnnCompatibleGRUCell`` (``cells``): one-step cells that
  compute the same thing and hold the canonical weights;
- ``CudnnLSTMSaveable``, ``CudnnGRUSaveable``, ``CudnnRNNTanhSaveable``,
  ``CudnnRNNReluSaveable`` (``saveable``): what writes a layer's buffer into a checkpoint
  under the compatible cells' names, and reads it back;
- ``CudnnParamsFormatConverterLSTM`` / ``GRU`` / ``Tanh`` / ``Relu`` (``params_format``):
  opaque buffer <-> canonical weights, on NumPy arrays or tensors;
- the ``CUDNN_*`` constants (``modes``). TF 1.15 hid these from ``tf.contrib.cudnn_rnn``
  (scripts reached them through ``...cudnn_rnn.python.layers.cudnn_rnn``); they are
  exported here too, as a convenience.

A ``tf.contrib.cudnn_rnn`` name we do not provide raises ``ContribNameError``.
"""

from __future__ import annotations

import tf1_lstm.bootstrap  # noqa: F401 - the TF1 world first, as every contrib module
from tf1_lstm.contrib.cudnn_rnn.cells import CudnnCompatibleGRUCell, CudnnCompatibleLSTMCell
from tf1_lstm.contrib.cudnn_rnn.layers import CudnnGRU, CudnnLSTM, CudnnRNNRelu, CudnnRNNTanh
from tf1_lstm.contrib.cudnn_rnn.modes import (
    CUDNN_GRU,
    CUDNN_GRU_PARAMS_PER_LAYER,
    CUDNN_INPUT_AUTO_MODE,
    CUDNN_INPUT_LINEAR_MODE,
    CUDNN_INPUT_SKIP_MODE,
    CUDNN_LSTM,
    CUDNN_LSTM_PARAMS_PER_LAYER,
    CUDNN_RNN_BIDIRECTION,
    CUDNN_RNN_RELU,
    CUDNN_RNN_RELU_PARAMS_PER_LAYER,
    CUDNN_RNN_TANH,
    CUDNN_RNN_TANH_PARAMS_PER_LAYER,
    CUDNN_RNN_UNIDIRECTION,
    CudnnOptionError,
    CudnnUnsupportedOnCPU,
)
from tf1_lstm.contrib.cudnn_rnn.params_format import (
    CudnnParamsFormatConverterGRU,
    CudnnParamsFormatConverterLSTM,
    CudnnParamsFormatConverterRelu,
    CudnnParamsFormatConverterTanh,
)
from tf1_lstm.contrib.cudnn_rnn.saveable import (
    CudnnGRUSaveable,
    CudnnLSTMSaveable,
    CudnnRNNReluSaveable,
    CudnnRNNTanhSaveable,
)
from tf1_lstm.contrib.replacements import missing_name_hook

__all__ = [
    # TF 1.15's tf.contrib.cudnn_rnn (its _allowed_symbols).
    "CudnnCompatibleGRUCell", "CudnnCompatibleLSTMCell",
    "CudnnGRU", "CudnnLSTM", "CudnnRNNRelu", "CudnnRNNTanh",
    "CudnnLSTMSaveable", "CudnnGRUSaveable", "CudnnRNNReluSaveable", "CudnnRNNTanhSaveable",
    "CudnnParamsFormatConverterLSTM", "CudnnParamsFormatConverterGRU",
    "CudnnParamsFormatConverterTanh", "CudnnParamsFormatConverterRelu",
    # TF 1.15's constants (from its cudnn_rnn_ops / layers modules).
    "CUDNN_RNN_UNIDIRECTION", "CUDNN_RNN_BIDIRECTION",
    "CUDNN_LSTM", "CUDNN_GRU", "CUDNN_RNN_RELU", "CUDNN_RNN_TANH",
    "CUDNN_LSTM_PARAMS_PER_LAYER", "CUDNN_GRU_PARAMS_PER_LAYER",
    "CUDNN_RNN_TANH_PARAMS_PER_LAYER", "CUDNN_RNN_RELU_PARAMS_PER_LAYER",
    "CUDNN_INPUT_LINEAR_MODE", "CUDNN_INPUT_SKIP_MODE", "CUDNN_INPUT_AUTO_MODE",
    # Ours: the errors for options the CPU path refuses.
    "CudnnOptionError", "CudnnUnsupportedOnCPU",
]

__getattr__ = missing_name_hook("cudnn_rnn", __all__)
