"""``CudnnLSTM``, ``CudnnGRU``, ``CudnnRNNTanh``, ``CudnnRNNRelu`` on a CPU.

TF 1.15's layers (``contrib/cudnn_rnn/python/layers/cudnn_rnn.py``) hold a whole stacked,
optionally bidirectional RNN in one variable, ``opaque_kernel``, and call cuDNN, which only
runs on NVIDIA GPUs. Here the layer keeps that variable (same name, same 1-D cuDNN layout,
same initial values, no static shape) and the saveable that checkpoints it as canonical
weights, and computes with the CudnnCompatible cells' maths on weights sliced from it::

    inputs [T, B, I] --layer 0 fw--> [T, B, H] --(bw too: concat)--> [T, B, D*H]
           --dropout (training, between layers only)--> layer 1 ... --> outputs [T, B, D*H]

Pseudo-layer ``p = layer * D + d`` (d = 0 forward, 1 backward) starts from ``h[p]`` (and
``c[p]``) of the initial state and ends in ``h[p]`` (``c[p]``) of the final state, each
[L*D, B, H]; the backward direction reads each row reversed within its length, as
``bidirectional_dynamic_rnn`` does. With ``sequence_lengths`` [B] the outputs are zeros past
each row's length and the states are those at its last step (cuDNN's ``CudnnRNNV3``).
``time_major=False`` means inputs/outputs [B, T, .] and states [B, L*D, H].

What cuDNN's random dropout mask was cannot be reproduced; where it is applied can.
'skip_input' (no layer-0 input weights) raises ``CudnnUnsupportedOnCPU``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.cudnn_rnn import modes, params_format
from tf1_lstm.contrib.cudnn_rnn import saveable as saveables
from tf1_lstm.contrib.cudnn_rnn.cells import LSTMStateTuple, gru_step, lstm_step, rnn_step

_v1 = _tf2.compat.v1
_plain_python = _tf2.autograph.experimental.do_not_convert
_FLOAT_DTYPES = (_tf2.float16, _tf2.float32, _tf2.float64)


@dataclass(frozen=True)
class _CanonicalWeightsCell:
    """One pseudo-layer as the cell ``dynamic_rnn`` needs: a step on fixed weight tensors."""

    step: Callable
    weights: tuple
    state_size: object
    output_size: int

    def __call__(self, inputs, state, scope=None):
        return self.step(inputs, state, *self.weights)

    def zero_state(self, batch_size, dtype):
        return _tf2.nest.map_structure(lambda n: _v1.zeros([batch_size, n], dtype),
                                       self.state_size)


class _CudnnRNN(_v1.layers.Layer):
    """What the four layers share (TF 1.15's constructor, properties and ``call``).

    Arguments: ``num_layers`` L, ``num_units`` H, ``input_mode`` (only 'linear_input' runs
    here), ``direction`` ('unidirectional' or 'bidirectional': D = 1 or 2), ``dropout`` (a
    rate on each layer's output that feeds another layer, in training only), ``seed`` (for
    that dropout and the default initializer), ``dtype`` (float16/32/64),
    ``kernel_initializer`` (default glorot_uniform), ``bias_initializer`` (default zeros),
    ``name`` (the variable scope; default from the class: ``cudnn_lstm``, ...).

    ``outputs, states = layer(inputs, initial_state=None, sequence_lengths=None,
    time_major=True, training=True)``: ``states`` is ``(h, c)`` for the LSTM and ``(h,)``
    for the others; ``initial_state`` the same tuple (zeros if None).
    """

    _rnn_mode: str
    _saveable_cls: type
    _converter_cls: type
    _step: Callable

    def __init__(self, num_layers: int, num_units: int,
                 input_mode: str = modes.CUDNN_INPUT_LINEAR_MODE,
                 direction: str = modes.CUDNN_RNN_UNIDIRECTION, dropout: float = 0.0,
                 seed: int | None = None, dtype=_tf2.float32, kernel_initializer=None,
                 bias_initializer=None, name: str | None = None) -> None:
        super().__init__(dtype=dtype, name=name)
        modes.check_direction(direction)
        modes.check_input_mode(input_mode)
        plain_dtype = _tf2.as_dtype(dtype)
        if plain_dtype not in _FLOAT_DTYPES:
            raise modes.CudnnOptionError(
                f"Only support float16, float32, float64, provided {plain_dtype.name}.")
        if not 0.0 <= dropout <= 1.0:
            raise modes.CudnnOptionError(f"dropout is a rate in [0, 1], got {dropout}.")
        self._plain_dtype = plain_dtype   # Layer.dtype is the dtype's name
        self._num_layers, self._num_units = num_layers, num_units
        self._input_mode, self._direction = input_mode, direction
        self._dropout, self._seed = dropout, seed
        self._kernel_initializer, self._bias_initializer = kernel_initializer, bias_initializer
        self._input_size = None           # known after build
        self._converter = None
        self._saveable = None

    # --- TF 1.15's properties ----------------------------------------------------------------

    num_layers = property(lambda self: self._num_layers)
    num_units = property(lambda self: self._num_units)
    input_mode = property(lambda self: self._input_mode)
    rnn_mode = property(lambda self: self._rnn_mode)
    direction = property(lambda self: self._direction)
    saveable = property(lambda self: self._saveable)

    @property
    def num_dirs(self) -> int:
        return 1 if self._direction == modes.CUDNN_RNN_UNIDIRECTION else 2

    @property
    def input_size(self) -> int:
        if not self._input_size:
            raise ValueError("'input_size' is unknown since layer has not been built.")
        return self._input_size

    @property
    def canonical_weight_shapes(self) -> list[tuple[int, int]]:
        """cuDNN's per-gate matrices, in buffer order (needs the input size: build first)."""
        return self._built_converter("canonical_weight_shapes").cu_weight_shapes()

    @property
    def canonical_bias_shapes(self) -> list[tuple[int]]:
        return self._built_converter("canonical_bias_shapes").cu_bias_shapes()

    def _built_converter(self, what: str):
        if self._converter is None:
            raise RuntimeError(f"{type(self).__name__}.{what} invoked before input shape is known")
        return self._converter

    def state_shape(self, batch_size) -> tuple[list, ...]:
        shape = [self._num_layers * self.num_dirs, batch_size, self._num_units]
        return (shape, list(shape)) if self._rnn_mode == modes.CUDNN_LSTM else (shape,)

    # --- variables ---------------------------------------------------------------------------

    def _update_trainable_weights(self, getter, *args, **kwargs):
        """TF 1.15's custom getter: the layer lists the variables ``get_variable`` gives it."""
        variable = getter(*args, **kwargs)
        listed = self._trainable_weights if kwargs.get("trainable", True) else (
            self._non_trainable_weights)
        if not any(variable is known for known in listed):
            listed.append(variable)
        return variable

    def build(self, input_shape) -> None:
        """``opaque_kernel``: per-gate matrices from ``kernel_initializer`` (glorot_uniform with
        ``seed``: the same seed for every matrix, as TF 1.15), biases from ``bias_initializer``
        (zeros), packed as cuDNN packs them. ``validate_shape=False``: no static shape."""
        if self.built:
            return
        input_shape = _tf2.TensorShape(input_shape)
        if input_shape.rank != 3:
            raise ValueError(f"Expecting input_shape with 3 dims, got {input_shape.rank}")
        input_size = _tf2.compat.dimension_value(input_shape[-1])
        if input_size is None:
            raise ValueError("The last dimension of the inputs to `CudnnRNN` should be defined. "
                             "Found `None`.")
        self._converter = self._converter_cls(self._num_layers, self._num_units, input_size,
                                              input_mode=self._input_mode,
                                              direction=self._direction)
        self._input_size = input_size
        self.input_spec = _v1.layers.InputSpec(ndim=3, axes={-1: input_size})
        self._set_scope(None)
        dtype = self._plain_dtype
        with _v1.variable_scope(self._scope, reuse=self.built,
                                custom_getter=self._update_trainable_weights):
            if self._kernel_initializer is None:
                self._kernel_initializer = _v1.glorot_uniform_initializer(seed=self._seed,
                                                                          dtype=dtype)
            if self._bias_initializer is None:
                self._bias_initializer = _v1.constant_initializer(0.0, dtype=dtype)
            weights = [self._kernel_initializer(s, dtype=dtype)
                       for s in self.canonical_weight_shapes]
            biases = [self._bias_initializer(s, dtype=dtype) for s in self.canonical_bias_shapes]
            opaque = self._converter.cu_canonical_to_opaque(weights, biases)
            self.kernel = _v1.get_variable("opaque_kernel", dtype=dtype, initializer=opaque,
                                           validate_shape=False)
        # In the scope around the layer's own, so the names are the cells' (saveable.py).
        if not (self.built or _v1.get_variable_scope().reuse is True):
            self._create_saveable()
        self.built = True

    def _create_saveable(self) -> None:
        if self._saveable is not None:
            raise RuntimeError("Cudnn saveable already created.")
        opaque = self.trainable_variables[0]
        self._saveable = self._saveable_cls(
            opaque_params=opaque, num_layers=self._num_layers, num_units=self._num_units,
            input_size=self.input_size, input_mode=self._input_mode, direction=self._direction,
            scope=_v1.get_variable_scope(), name=f"{opaque.op.name}_saveable")
        _v1.add_to_collection(_v1.GraphKeys.SAVEABLE_OBJECTS, self._saveable)

    # --- the forward pass --------------------------------------------------------------------

    @_plain_python
    def call(self, inputs, initial_state=None, sequence_lengths=None, time_major=True,
             training=True):
        if initial_state is not None and not isinstance(initial_state, tuple):
            raise TypeError(f"Invalid initial_state type: {type(initial_state).__name__}, "
                            "expecting tuple.")
        dtype = self._plain_dtype
        inputs = _v1.convert_to_tensor(inputs, dtype=dtype)
        batch_major = [1, 0, 2]                      # [B, T, .] <-> [T, B, .]
        if not time_major:
            inputs = _v1.transpose(inputs, batch_major)                   # [T, B, I]
        if initial_state is None:
            # TF 1.15 took the batch size from axis 1 even for batch-major inputs (zero states
            # of the wrong shape); here it is axis 1 of the time-major view: the batch.
            states = tuple(_v1.zeros(s, dtype=dtype)
                           for s in self.state_shape(_v1.shape(inputs)[1]))
        else:
            states = tuple(_v1.convert_to_tensor(s, dtype=dtype) for s in initial_state)
            if not time_major:
                states = tuple(_v1.transpose(s, batch_major) for s in states)  # [L*D, B, H]
        outputs, states = self._forward(inputs, states, sequence_lengths, training)
        if not time_major:
            outputs = _v1.transpose(outputs, batch_major)
            states = tuple(_v1.transpose(s, batch_major) for s in states)
        return outputs, states

    def _cell_state(self, states, p: int):
        """Pseudo-layer p's slice of the layer's (h, c) / (h,) state, as the cell holds it."""
        if self._rnn_mode == modes.CUDNN_LSTM:
            h, c = states
            return LSTMStateTuple(c=c[p], h=h[p])
        return states[0][p]

    def _layer_states(self, cell_states: list) -> tuple:
        if self._rnn_mode == modes.CUDNN_LSTM:
            return (_v1.stack([s.h for s in cell_states]), _v1.stack([s.c for s in cell_states]))
        return (_v1.stack(cell_states),)

    def _dropout_between_layers(self, inputs, training):
        if not self._dropout or training is False:
            return inputs
        if self._dropout >= 1.0:
            dropped = _v1.zeros_like(inputs)
        else:
            dropped = _v1.nn.dropout(inputs, rate=self._dropout, seed=self._seed)
        if training is True:
            return dropped
        return _v1.cond(_v1.cast(training, _tf2.bool), lambda: dropped, lambda: inputs)

    def _forward(self, inputs, states, sequence_lengths, training):
        weights, biases = self._converter.opaque_to_tf_canonical(self.kernel)
        n = self._converter.tf_canonical_per_cell
        state_size = (LSTMStateTuple(self._num_units, self._num_units)
                      if self._rnn_mode == modes.CUDNN_LSTM else self._num_units)

        def cell(p: int) -> _CanonicalWeightsCell:
            own = (*weights[n * p:n * (p + 1)], *biases[n * p:n * (p + 1)])
            return _CanonicalWeightsCell(self._step, own, state_size, self._num_units)

        layer_inputs, final_states = inputs, []                            # [T, B, I]
        for layer in range(self._num_layers):
            if layer > 0:
                layer_inputs = self._dropout_between_layers(layer_inputs, training)
            p = layer * self.num_dirs
            common = dict(sequence_length=sequence_lengths, time_major=True,
                          scope=f"layer_{layer}")
            if self.num_dirs == 1:
                layer_inputs, final = _v1.nn.dynamic_rnn(
                    cell(p), layer_inputs, initial_state=self._cell_state(states, p), **common)
                final_states.append(final)
            else:
                (fw, bw), finals = _v1.nn.bidirectional_dynamic_rnn(
                    cell(p), cell(p + 1), layer_inputs,
                    initial_state_fw=self._cell_state(states, p),
                    initial_state_bw=self._cell_state(states, p + 1), **common)
                layer_inputs = _v1.concat([fw, bw], 2)                     # [T, B, 2H]
                final_states += list(finals)
        return layer_inputs, self._layer_states(final_states)


class CudnnLSTM(_CudnnRNN):
    """``tf.contrib.cudnn_rnn.CudnnLSTM``: L layers of ``CudnnCompatibleLSTMCell`` in one buffer::

        lstm = CudnnLSTM(num_layers=2, num_units=128, direction="bidirectional")
        outputs, (h, c) = lstm(inputs)    # inputs [T, B, I] -> outputs [T, B, 256]
        # h, c: [4, B, 128], ordered layer 0 fw, layer 0 bw, layer 1 fw, layer 1 bw

    Maths: ``cells.lstm_step`` (no forget bias), per layer and direction.
    """

    _rnn_mode = modes.CUDNN_LSTM
    _saveable_cls = saveables.CudnnLSTMSaveable
    _converter_cls = params_format.CudnnParamsFormatConverterLSTM
    _step = staticmethod(lstm_step)


class CudnnGRU(_CudnnRNN):
    """``tf.contrib.cudnn_rnn.CudnnGRU``: ``CudnnCompatibleGRUCell``'s maths (``gru_step``:
    the reset gate after the recurrent matmul). ``outputs, (h,) = layer(inputs)``."""

    _rnn_mode = modes.CUDNN_GRU
    _saveable_cls = saveables.CudnnGRUSaveable
    _converter_cls = params_format.CudnnParamsFormatConverterGRU
    _step = staticmethod(gru_step)


class CudnnRNNTanh(_CudnnRNN):
    """``tf.contrib.cudnn_rnn.CudnnRNNTanh``: ``BasicRNNCell(num_units, tanh)`` per layer."""

    _rnn_mode = modes.CUDNN_RNN_TANH
    _saveable_cls = saveables.CudnnRNNTanhSaveable
    _converter_cls = params_format.CudnnParamsFormatConverterTanh
    _step = staticmethod(rnn_step(_v1.tanh))


class CudnnRNNRelu(_CudnnRNN):
    """``tf.contrib.cudnn_rnn.CudnnRNNRelu``: ``BasicRNNCell(num_units, relu)`` per layer."""

    _rnn_mode = modes.CUDNN_RNN_RELU
    _saveable_cls = saveables.CudnnRNNReluSaveable
    _converter_cls = params_format.CudnnParamsFormatConverterRelu
    _step = staticmethod(rnn_step(_v1.nn.relu))
