"""``tf.contrib.seq2seq.BasicDecoder`` on TF 2.21: one cell step, an output layer, a helper.

TF 1.15's ``tensorflow/contrib/seq2seq/python/ops/basic_decoder.py`` (the v1 ``BasicDecoder``;
the Keras ``BasicDecoderV2`` over a ``Sampler`` left with ``tf.contrib`` and is not served).
One ``step`` at time t::

    cell_outputs, cell_state = cell(inputs_t, state_t)             # [B, H]
    rnn_output = output_layer(cell_outputs)   (if any)             # [B, V]
    sample_id  = helper.sample(t, rnn_output, cell_state)          # [B, ...]
    finished, inputs_{t+1}, state_{t+1} = helper.next_inputs(t, rnn_output, cell_state,
                                                             sample_id)
    outputs_t  = BasicDecoderOutput(rnn_output, sample_id)

``output_size`` is ``BasicDecoderOutput(V, helper.sample_ids_shape)`` (V from the layer's
``compute_output_shape``, else the cell's ``output_size``); ``output_dtype`` is the dtype of
the first tensor of ``initial_state`` for ``rnn_output`` and ``helper.sample_ids_dtype``.

Variables. The cell and the layer create theirs on their first call, that is inside
``dynamic_decode``'s ``variable_scope("decoder")``: ``decoder/basic_lstm_cell/kernel`` and
``/bias`` (or ``decoder/lstm_cell/...``, ...), ``decoder/dense/kernel`` and ``/bias``, as
TF 1.15 named them, so its checkpoints restore.

As TF 1.15: ``cell`` must look like an RNNCell (its ``TypeError``), ``helper`` must be a
``Helper`` and ``output_layer`` a v1 layer, ``tf.layers.Layer`` (e.g. ``tf.layers.Dense``);
anything else, a Keras ``tf.keras.layers.Dense`` included, raises ``TypeError``.
"""

from __future__ import annotations

import collections

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.decoder import Decoder
from tf1_lstm.contrib.seq2seq.helper import Helper

# isort: split
# TF 1.15's own check and message ("The argument 'cell' (...) is not an RNNCell: ..."),
# kept by tf_keras beside the v1 cells.
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell

__all__ = ["BasicDecoderOutput", "BasicDecoder"]

_nest = _tf2.nest
_V1Layer = _v1.layers.Layer   # TF 1.15's layers_base.Layer: tf.layers.Dense and the v1 cells


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One step's (or, stacked by ``dynamic_decode``, every step's) output and sample ids."""


class BasicDecoder(Decoder):
    """``BasicDecoder(cell, helper, initial_state, output_layer=None)``: the step above."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        assert_like_rnncell("cell", cell)
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        if output_layer is not None and not isinstance(output_layer, _V1Layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        # The layer maps [None, *size] to [None, *out]; the output size is out.
        shape_with_unknown_batch = _nest.map_structure(
            lambda s: _tf2.TensorShape([None]).concatenate(s), size)
        layer_output_shape = self._output_layer.compute_output_shape(shape_with_unknown_batch)
        return _nest.map_structure(lambda s: s[1:], layer_output_shape)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        # The cell is assumed to compute in the dtype of its state's first tensor.
        dtype = _nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(_nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        """``(finished, first_inputs, initial_state)``."""
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        """``(outputs, next_state, next_inputs, finished)`` of the step in the docstring."""
        with _v1.name_scope(name, "BasicDecoderStep", (time, inputs, state)):
            cell_outputs, cell_state = self._cell(inputs, state)                 # [B, H]
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)                  # [B, V]
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        outputs = BasicDecoderOutput(cell_outputs, sample_ids)
        return outputs, next_state, next_inputs, finished
