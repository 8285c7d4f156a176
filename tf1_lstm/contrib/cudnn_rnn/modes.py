"""``tf.contrib.cudnn_rnn``'s constants, and the checks every cuDNN name runs on its options.

The values are TF 1.15's (``cudnn_rnn_ops.py``): scripts pass them as strings too, e.g.
``CudnnLSTM(2, 128, direction="bidirectional")``. TensorFlow-free.

What cuDNN could do that a CPU cannot do the same way raises ``CudnnUnsupportedOnCPU``, a
``ValueError`` that names the option and what to use instead.
"""

from __future__ import annotations

from tf1_lstm.errors import Tf1LstmError

CUDNN_LSTM = "lstm"
CUDNN_GRU = "gru"
CUDNN_RNN_RELU = "rnn_relu"
CUDNN_RNN_TANH = "rnn_tanh"

CUDNN_RNN_UNIDIRECTION = "unidirectional"
CUDNN_RNN_BIDIRECTION = "bidirectional"

# How many cuDNN weight matrices (and as many biases) one layer in one direction has: half
# applied to the layer's input, half to the recurrent h. One per gate.
CUDNN_LSTM_PARAMS_PER_LAYER = 8      # gates i, f, c, o
CUDNN_GRU_PARAMS_PER_LAYER = 6       # gates r, z (TF1's u), h
CUDNN_RNN_TANH_PARAMS_PER_LAYER = 2
CUDNN_RNN_RELU_PARAMS_PER_LAYER = 2

CUDNN_INPUT_LINEAR_MODE = "linear_input"
CUDNN_INPUT_SKIP_MODE = "skip_input"
CUDNN_INPUT_AUTO_MODE = "auto_select"

PARAMS_PER_LAYER = {CUDNN_LSTM: CUDNN_LSTM_PARAMS_PER_LAYER,
                    CUDNN_GRU: CUDNN_GRU_PARAMS_PER_LAYER,
                    CUDNN_RNN_TANH: CUDNN_RNN_TANH_PARAMS_PER_LAYER,
                    CUDNN_RNN_RELU: CUDNN_RNN_RELU_PARAMS_PER_LAYER}


class CudnnOptionError(Tf1LstmError, ValueError):
    """A cuDNN option that is not one of the values TF 1.15 accepted."""


class CudnnUnsupportedOnCPU(Tf1LstmError, ValueError):
    """A cuDNN option that only the GPU kernel implemented; the CPU path cannot honour it."""


def check_direction(direction: str) -> None:
    if direction not in (CUDNN_RNN_UNIDIRECTION, CUDNN_RNN_BIDIRECTION):
        raise CudnnOptionError(
            f"Invalid direction: {direction!r}, expecting {CUDNN_RNN_UNIDIRECTION!r} or "
            f"{CUDNN_RNN_BIDIRECTION!r} (tf.contrib.cudnn_rnn.CUDNN_RNN_UNIDIRECTION / "
            "CUDNN_RNN_BIDIRECTION).")


def check_input_mode(input_mode: str) -> None:
    if isinstance(input_mode, int):
        # TF 1.0 - 1.2's tf.contrib.cudnn_rnn.CudnnLSTM(num_layers, num_units, input_size)
        # was an op wrapper with params_size(); TF 1.3 made it a layer and input_size went.
        raise CudnnOptionError(
            f"input_mode={input_mode!r}: this looks like TF 1.0-1.2's CudnnLSTM(num_layers, "
            "num_units, input_size) with an explicit params buffer, which tf1-lstm does not "
            "provide. Use TF 1.3+'s layer: layer = CudnnLSTM(num_layers, num_units); "
            "outputs, (h, c) = layer(inputs) (the input size comes from inputs).")
    modes = (CUDNN_INPUT_LINEAR_MODE, CUDNN_INPUT_SKIP_MODE, CUDNN_INPUT_AUTO_MODE)
    if input_mode not in modes:
        raise CudnnOptionError(
            f"Invalid input_mode: {input_mode!r}, expect one of {', '.join(map(repr, modes))}.")


def check_linear_input(input_mode: str, input_size: int, num_units: int) -> None:
    """The CPU path has input weights on layer 0, so it needs cuDNN's 'linear_input' mode.

    'skip_input' feeds x straight into the gates (no W on layer 0; cuDNN requires
    input_size == num_units) and 'auto_select' means 'skip_input' when the sizes match.
    The canonical cells and the checkpoint format (CudnnOpaqueParamsSaveable) of TF 1.15
    know only the linear mode, so neither could a CPU build of TF 1.15.
    """
    check_input_mode(input_mode)
    skips = input_mode == CUDNN_INPUT_SKIP_MODE or (
        input_mode == CUDNN_INPUT_AUTO_MODE and input_size == num_units)
    if skips:
        raise CudnnUnsupportedOnCPU(
            f"input_mode={input_mode!r} with input_size={input_size} and "
            f"num_units={num_units} means cuDNN's 'skip_input' mode (no input weights on the "
            "first layer), which only the GPU kernel implements; the CPU path (the "
            "CudnnCompatible cells) always multiplies the input by a kernel. Use "
            f"input_mode={CUDNN_INPUT_LINEAR_MODE!r} (the default), and retrain or convert "
            "the weights if they came from a skip_input model.")


def check_no_projection(num_proj: int | None) -> None:
    if num_proj:
        raise CudnnUnsupportedOnCPU(
            f"num_proj={num_proj}: cuDNN's LSTM projection (LSTMP) is not provided by "
            "tf1-lstm's CPU cudnn_rnn. Use tf.nn.rnn_cell.LSTMCell(num_units, num_proj=..., "
            "forget_bias=0.0), which computes the same projected LSTM.")
