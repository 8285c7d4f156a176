"""How a cuDNN layer's opaque buffer goes into a checkpoint: as the compatible cells' weights.

TF 1.15's ``CudnnOpaqueParamsSaveable`` (``cudnn_rnn_ops.py``) is a ``SaveableObject`` that
a ``CudnnLSTM``/``CudnnGRU`` layer adds to the ``SAVEABLE_OBJECTS`` collection when it is
built, so ``tf.train.Saver()`` writes, besides the ``opaque_kernel`` variable itself, the TF
canonical weights (``params_format``) under the names the CudnnCompatible cells would have
when stacked, without a scope of their own, inside the variable scope the layer was built in::

    unidirectional:  {scope}/rnn/multi_rnn_cell/cell_{k}/{cell}/kernel, .../bias
    bidirectional:   {scope}/stack_bidirectional_rnn/cell_{k}/bidirectional_rnn/fw/{cell}/...
                     {scope}/stack_bidirectional_rnn/cell_{k}/bidirectional_rnn/bw/{cell}/...

``{cell}`` is ``cudnn_compatible_lstm_cell`` (``kernel``, ``bias``), ``cudnn_compatible_gru_cell``
(``gates/kernel``, ``candidate/input_projection/kernel``, ``candidate/hidden_projection/kernel``,
the same with ``bias``) or ``basic_rnn_cell`` (RNN-tanh/relu). ``{scope}`` is the variable
scope current when the layer is built: the layer's own scope (``cudnn_lstm``, or
``outer/cudnn_lstm``) when the first call builds it, the enclosing one when ``build`` is
called by hand. So ``MultiRNNCell([CudnnCompatibleLSTMCell(H)] * L)`` run by ``dynamic_rnn``
inside ``tf.variable_scope("cudnn_lstm")`` restores a default ``CudnnLSTM``'s checkpoint.

Restoring converts the canonical tensors back into the buffer (gate biases halved). A
default ``Saver`` also saves and restores ``opaque_kernel`` itself (TF 1.15's did too), so
restoring assigns the variable twice, in no fixed order; both give the same model as long
as the stored buffer has cuDNN's unpadded layout (``params_format``), which ours has and a
GPU's normally has. A checkpoint written by the cells has no ``opaque_kernel``: restore it
into a layer with ``tf.train.Saver([layer.saveable, ...])`` (TF 1.15 needed the same).
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.cudnn_rnn import modes
from tf1_lstm.contrib.cudnn_rnn.params_format import (
    CudnnParamsFormatConverterGRU,
    CudnnParamsFormatConverterLSTM,
    CudnnParamsFormatConverterRelu,
    CudnnParamsFormatConverterTanh,
)

# isort: split
# TF 2.21 keeps BaseSaverBuilder.SaveableObject (what TF 1.15 subclassed) and SaveSpec here,
# unexported; tf.compat.v1.train.Saver still saves and restores any SaveableObject subclass.
from tensorflow.python.training.saving.saveable_object import SaveableObject, SaveSpec

_v1 = _tf2.compat.v1


class CudnnOpaqueParamsSaveable(SaveableObject):
    """Saves an opaque buffer as canonical weights; restores them back into the buffer.

    TF 1.15's arguments: ``opaque_params`` (the layer's ``opaque_kernel``), ``num_layers``,
    ``num_units``, ``input_size``, ``input_mode``, ``direction``, ``scope`` (a name or a
    ``VariableScope`` to prefix the names with), ``name`` (the saveable's own name).
    """

    _format_converter_cls: type
    _rnn_cell_name: str

    def __init__(self, opaque_params, num_layers: int, num_units: int, input_size: int,
                 input_mode: str = modes.CUDNN_INPUT_LINEAR_MODE,
                 direction: str = modes.CUDNN_RNN_UNIDIRECTION, scope=None,
                 name: str = "cudnn_rnn_saveable") -> None:
        self._num_layers, self._num_units, self._input_size = num_layers, num_units, input_size
        self._input_mode, self._direction = input_mode, direction
        scope_name = scope.name if isinstance(scope, _v1.VariableScope) else scope
        self._scope = scope_name or None
        self._variables = opaque_params
        self._format_converter = None

        weights, biases = self.format_converter.opaque_to_tf_canonical(opaque_params)
        self._weight_names, self._bias_names = self._tf_canonical_names()
        self._param_names = self._weight_names + self._bias_names
        prefixed = [f"{self._scope}/{name}" if self._scope else name
                    for name in self._param_names]
        specs = [SaveSpec(tensor, "", checkpoint_name)
                 for tensor, checkpoint_name in zip(weights + biases, prefixed, strict=True)]
        super().__init__(_v1.identity(opaque_params), specs, name)

    @property
    def format_converter(self):
        if self._format_converter is None:
            self._format_converter = self._format_converter_cls(
                self._num_layers, self._num_units, self._input_size,
                input_mode=self._input_mode, direction=self._direction)
        return self._format_converter

    def restore(self, restored_tensors, restored_shapes):
        opaque = self.format_converter.tf_canonical_to_opaque(list(restored_tensors))
        return _v1.assign(self._variables, opaque, validate_shape=False)

    # --- the names ---------------------------------------------------------------------------

    def _tf_canonical_name_prefix(self, layer: int, is_fwd: bool = True) -> str:
        if self._direction == modes.CUDNN_RNN_UNIDIRECTION:
            return f"rnn/multi_rnn_cell/cell_{layer}/{self._rnn_cell_name}"
        side = "fw" if is_fwd else "bw"
        return (f"stack_bidirectional_rnn/cell_{layer}/bidirectional_rnn/{side}/"
                f"{self._rnn_cell_name}")

    def _tf_canonical_names(self) -> tuple[list[str], list[str]]:
        """(weight names, bias names), cell by cell: the order of ``opaque_to_tf_canonical``."""
        sides = (True,) if self._direction == modes.CUDNN_RNN_UNIDIRECTION else (True, False)
        weight_names, bias_names = [], []
        for layer in range(self._num_layers):
            for is_fwd in sides:
                prefix = self._tf_canonical_name_prefix(layer, is_fwd)
                weight_names += [f"{prefix}/{name}/kernel" if name else f"{prefix}/kernel"
                                 for name in self._cell_variable_groups]
                bias_names += [f"{prefix}/{name}/bias" if name else f"{prefix}/bias"
                               for name in self._cell_variable_groups]
        return weight_names, bias_names

    # One kernel/bias pair per entry; "" is the cell's own scope.
    _cell_variable_groups: tuple[str, ...] = ("",)


class CudnnLSTMSaveable(CudnnOpaqueParamsSaveable):
    """``CudnnLSTM``'s buffer as ``cudnn_compatible_lstm_cell/kernel`` and ``bias`` per cell."""

    _format_converter_cls = CudnnParamsFormatConverterLSTM
    _rnn_cell_name = "cudnn_compatible_lstm_cell"


class CudnnGRUSaveable(CudnnOpaqueParamsSaveable):
    """``CudnnGRU``'s buffer as the six variables of ``cudnn_compatible_gru_cell`` per cell."""

    _format_converter_cls = CudnnParamsFormatConverterGRU
    _rnn_cell_name = "cudnn_compatible_gru_cell"
    _cell_variable_groups = ("gates", "candidate/input_projection", "candidate/hidden_projection")


class CudnnRNNTanhSaveable(CudnnLSTMSaveable):
    """``CudnnRNNTanh``'s buffer as ``basic_rnn_cell/kernel`` and ``bias`` per cell."""

    _format_converter_cls = CudnnParamsFormatConverterTanh
    _rnn_cell_name = "basic_rnn_cell"


class CudnnRNNReluSaveable(CudnnRNNTanhSaveable):
    """``CudnnRNNRelu``'s buffer, named as ``CudnnRNNTanh``'s (both are ``BasicRNNCell``)."""

    _format_converter_cls = CudnnParamsFormatConverterRelu
