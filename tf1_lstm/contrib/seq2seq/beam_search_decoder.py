"""``tf.contrib.seq2seq.BeamSearchDecoder`` on TF 2.21: TF 1.15's beam search decoder.

TF 1.15's ``tensorflow/contrib/seq2seq/python/ops/beam_search_decoder.py``, the v1 half
(the Keras ``BeamSearchDecoderV2`` left with ``tf.contrib`` and is not served). Split by
concept: one step's math and the state tuples in ``beam_search_step``, ``tile_batch`` in
``tile_batch``, the TensorArray reordering in ``beam_search_reorder``, the coverage
penalty's attention in ``beam_search_coverage``, ``gather_tree`` in ``beam_search_ops``.
This module is the ``Decoder`` that ``dynamic_decode`` runs; it also serves the module
names TF 1.15's tests reached for (``beam_search_decoder._beam_search_step``, ...).

The decoder keeps W beams per batch entry. The cell runs on B * W rows (beam w of entry b
is row b * W + w, the layout of ``tile_batch``); between the cell and the beam search the
tensors are reshaped [B * W, ...] <-> [B, W, ...]::

    initialize: inputs_0 = embedding(start_tokens) [B, W, E];  log_probs = [0, -inf, ...]
                finished = [False, True, ...] (only beam 0 alive);  lengths = 0 (int64)
    step t:     out, cell_state' = cell(merge(inputs_t), merge(cell_state))    # [B * W, .]
                logits = output_layer(split(out))                             # [B, W, V]
                outputs, state' = _beam_search_step(...)                     # the new beams
                inputs_{t+1} = embedding(predicted_ids), or the start inputs once every
                               beam is finished (a tf.cond, as TF 1.15)
    finalize:   predicted_ids = gather_tree(predicted_ids, parent_ids,
                                            max_w(state'.lengths), end_token)  # [T, B, W]

``dynamic_decode`` returns ``FinalBeamSearchDecoderOutput(predicted_ids [B, T, W],
beam_search_decoder_output=BeamSearchDecoderOutput(scores, predicted_ids, parent_ids))``
(the step outputs as emitted, not reordered), the final ``BeamSearchDecoderState`` and
the loop's lengths [B, W] int32. Beams come out best first. The decoder tracks
its own ``finished`` (beams move between rows), so ``dynamic_decode`` does not OR it with
the past; with ``reorder_tensor_arrays`` the TensorArrays in the final cell state (e.g. an
attention wrapper's ``alignment_history``) are stacked and reordered along the final beams.

Variables: the cell's and the output layer's, created where they are called (under
``dynamic_decode``'s ``decoder`` scope: ``decoder/<cell>/kernel``, ``decoder/dense/kernel``),
as TF 1.15. TF 1.15's errors, kept: a ``cell`` that is not an RNNCell and an
``output_layer`` that is not a Layer (``TypeError``), ``start_tokens`` not a vector,
``end_token`` not a scalar, a cell state that does not reshape to [B, W, ...] (``ValueError``).
"""

from __future__ import annotations

import collections

import numpy as np

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.beam_search_ops import gather_tree
from tf1_lstm.contrib.seq2seq.decoder import Decoder

# The names TF 1.15 defined in this module (its tests call several of the private ones),
# now defined in the concept modules and served from here too.
from tf1_lstm.contrib.seq2seq.beam_search_coverage import (  # noqa: F401  isort: skip
    attention_probs_from_attn_state, get_attention_probs,
)
from tf1_lstm.contrib.seq2seq.beam_search_reorder import (  # noqa: F401  isort: skip
    _check_batch_beam, _check_static_batch_beam_maybe, gather_tree_from_array,
)
from tf1_lstm.contrib.seq2seq.beam_search_step import (  # noqa: F401  isort: skip
    BeamSearchDecoderOutput, BeamSearchDecoderState, _beam_search_step, _check_ndims,
    _get_scores, _length_penalty, _mask_probs, _maybe_tensor_gather_helper,
    _tensor_gather_helper,
)
from tf1_lstm.contrib.seq2seq.tile_batch import _tile_batch, tile_batch  # noqa: F401

# isort: split
# TF 1.15's ``layers.Layer`` check (tf.layers.Dense and the v1 Keras layers are tf_keras
# Layers today) and TF1's own cell check ("The argument 'cell' (...) is not an RNNCell").
from tf_keras.layers import Layer as _Layer
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell

__all__ = [
    "BeamSearchDecoderOutput", "BeamSearchDecoderState", "BeamSearchDecoder",
    "FinalBeamSearchDecoderOutput", "tile_batch",
]

_nest = _tf2.nest
_static_value = _tf2.get_static_value
_logger = _tf2.get_logger()


class FinalBeamSearchDecoderOutput(
        collections.namedtuple("FinalBeamDecoderOutput",
                               ["predicted_ids", "beam_search_decoder_output"])):
    """What ``dynamic_decode`` returns for beam search (TF 1.15's tuple name kept).

    ``predicted_ids``: [B, T, W] ([T, B, W] with ``output_time_major``), each final beam's
    tokens read back through its ancestry, best beam first; ``beam_search_decoder_output``:
    the ``BeamSearchDecoderOutput`` of every step.
    """


def _as_shape(s):
    """A depth given as a Python int, a TensorShape, None or a constant tensor -> TensorShape."""
    if isinstance(s, _tf2.Tensor):
        return _tf2.TensorShape(_static_value(s))
    return _tf2.TensorShape(s)


class BeamSearchDecoderMixin:
    """What TF 1.15's v1 and v2 beam search decoders shared: the checks, the reshapes
    between [B * W, ...] and [B, W, ...], ``step`` and ``finalize``."""

    def __init__(self, cell, beam_width, output_layer=None, length_penalty_weight=0.0,
                 coverage_penalty_weight=0.0, reorder_tensor_arrays=True, **kwargs):
        assert_like_rnncell("cell", cell)
        if output_layer is not None and not isinstance(output_layer, _Layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._start_tokens = None
        self._end_token = None
        self._batch_size = None
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        super().__init__(**kwargs)

    @property
    def batch_size(self):
        return self._batch_size

    def _rnn_output_size(self):
        """The cell's output size, through ``output_layer.compute_output_shape`` if any."""
        size = self._cell.output_size
        if self._output_layer is None:
            return size
        output_shape_with_unknown_batch = _nest.map_structure(
            lambda s: _tf2.TensorShape([None]).concatenate(s), size)
        layer_output_shape = self._output_layer.compute_output_shape(
            output_shape_with_unknown_batch)
        return _nest.map_structure(lambda s: s[1:], layer_output_shape)

    @property
    def tracks_own_finished(self) -> bool:
        """True: beams (and their finished flags) are reshuffled at every step."""
        return True

    @property
    def output_size(self):
        return BeamSearchDecoderOutput(scores=_tf2.TensorShape([self._beam_width]),
                                       predicted_ids=_tf2.TensorShape([self._beam_width]),
                                       parent_ids=_tf2.TensorShape([self._beam_width]))

    def finalize(self, outputs, final_state, sequence_lengths):
        """Each final beam's tokens by ``gather_tree`` -> ``(FinalBeamSearchDecoderOutput,
        final_state)``; ``sequence_lengths`` is ignored (``final_state.lengths`` counts)."""
        del sequence_lengths
        max_sequence_lengths = _v1.cast(_v1.reduce_max(final_state.lengths, axis=1),
                                        _tf2.int32)                                 # [B]
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                    max_sequence_lengths=max_sequence_lengths,
                                    end_token=self._end_token)                      # [T, B, W]
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=_nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids,
                                                       final_state.lengths),
                final_state.cell_state))
        outputs = FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs,
                                               predicted_ids=predicted_ids)
        return outputs, final_state

    def _merge_batch_beams(self, t, s=None):
        """[B, W, s...] -> [B * W, s...] (``s`` the depth shape, possibly known)."""
        s = _as_shape(s)
        t_shape = _v1.shape(t)
        static_batch_size = _static_value(self._batch_size)
        batch_size_beam_width = (None if static_batch_size is None
                                 else static_batch_size * self._beam_width)
        reshaped_t = _v1.reshape(t, _v1.concat(
            ([self._batch_size * self._beam_width], t_shape[2:]), 0))
        reshaped_t.set_shape(_tf2.TensorShape([batch_size_beam_width]).concatenate(s))
        return reshaped_t

    def _split_batch_beams(self, t, s=None):
        """[B * W, s...] -> [B, W, s...]; ValueError (TF 1.15's) if the static shape says
        the rows are not B * W (e.g. a zero_state not built with batch_size B * W)."""
        s = _as_shape(s)
        t_shape = _v1.shape(t)
        reshaped_t = _v1.reshape(t, _v1.concat(
            ([self._batch_size, self._beam_width], t_shape[1:]), 0))
        static_batch_size = _static_value(self._batch_size)
        expected_reshaped_shape = _tf2.TensorShape(
            [static_batch_size, self._beam_width]).concatenate(s)
        if not reshaped_t.shape.is_compatible_with(expected_reshaped_shape):
            raise ValueError(
                "Unexpected behavior when reshaping between beam width and batch size.  The "
                f"reshaped tensor has shape: {reshaped_t.shape}.  We expected it to have "
                f"shape (batch_size, beam_width, depth) == {expected_reshaped_shape}.  Perhaps "
                "you forgot to create a zero_state with batch_size=encoder_batch_size * "
                "beam_width?")
        reshaped_t.set_shape(expected_reshaped_shape)
        return reshaped_t

    def _maybe_split_batch_beams(self, t, s):
        """``_split_batch_beams`` for tensors of rank >= 1; TensorArrays and scalars pass."""
        if isinstance(t, _tf2.TensorArray):
            return t
        _check_ndims(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        """``_merge_batch_beams`` for tensors of rank >= 2; TensorArrays and others pass."""
        if isinstance(t, _tf2.TensorArray):
            return t
        _check_ndims(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of the cell state, stacked and reordered by ``gather_tree_from_array``
        when its elements allow [B, W, -1]; anything else is returned as it is."""
        if not isinstance(t, _tf2.TensorArray):
            return t
        if t.element_shape.ndims is None or t.element_shape.ndims < 1:
            _logger.warning(
                f"The TensorArray {t.handle.name} in the cell state is not amenable to sorting "
                "based on the beam search result. For a TensorArray to be sorted, its "
                "elements shape must be defined and have at least a rank of 1, but saw "
                f"shape: {t.element_shape}")
            return t
        if not _check_static_batch_beam_maybe(t.element_shape,
                                              _static_value(self._batch_size),
                                              self._beam_width):
            return t
        t = t.stack()
        with _v1.control_dependencies([_check_batch_beam(t, self._batch_size,
                                                         self._beam_width)]):
            return gather_tree_from_array(t, parent_ids, sequence_length)

    def step(self, time, inputs, state, name=None):
        """One decoding step -> ``(BeamSearchDecoderOutput, BeamSearchDecoderState,
        next_inputs [B, W, E], finished [B, W])``."""
        with _v1.name_scope(name, "BeamSearchDecoderStep", (time, inputs, state)):
            cell_state = state.cell_state
            inputs = _nest.map_structure(
                lambda inp: self._merge_batch_beams(inp, s=inp.shape[2:]), inputs)
            cell_state = _nest.map_structure(self._maybe_merge_batch_beams, cell_state,
                                             self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)   # [B * W, ...]
            cell_outputs = _nest.map_structure(
                lambda out: self._split_batch_beams(out, out.shape[1:]), cell_outputs)
            next_cell_state = _nest.map_structure(
                self._maybe_split_batch_beams, next_cell_state, self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)                # [B, W, V]

            beam_search_output, beam_search_state = _beam_search_step(
                time=time, logits=cell_outputs, next_cell_state=next_cell_state,
                beam_state=state, batch_size=self._batch_size, beam_width=self._beam_width,
                end_token=self._end_token, length_penalty_weight=self._length_penalty_weight,
                coverage_penalty_weight=self._coverage_penalty_weight)

            finished = beam_search_state.finished
            sample_ids = beam_search_output.predicted_ids
            next_inputs = _v1.cond(_v1.reduce_all(finished), lambda: self._start_inputs,
                                   lambda: self._embedding_fn(sample_ids))
        return beam_search_output, beam_search_state, next_inputs, finished


class BeamSearchDecoder(BeamSearchDecoderMixin, Decoder):
    """``BeamSearchDecoder(cell, embedding, start_tokens, end_token, initial_state,
    beam_width, output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
    reorder_tensor_arrays=True)``: beam search sampling, run by ``dynamic_decode``.

    ``embedding``: a callable on int32 ids, or the ``params`` of ``embedding_lookup``;
    ``start_tokens`` int32 [B]; ``end_token`` int32 scalar; ``initial_state`` the cell's
    state for B * W rows (``tile_batch`` the encoder's state; ``zero_state(B * W)``).

    With an ``AttentionWrapper`` (TF 1.15's note): tile the memory, its lengths and the
    encoder state with ``tile_batch`` (not ``tf.tile``), build the wrapper's zero_state with
    ``batch_size=true_batch_size * beam_width`` and ``clone(cell_state=tiled_state)`` it.
    """

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        super().__init__(cell, beam_width, output_layer=output_layer,
                         length_penalty_weight=length_penalty_weight,
                         coverage_penalty_weight=coverage_penalty_weight,
                         reorder_tensor_arrays=reorder_tensor_arrays)
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            self._embedding_fn = lambda ids: _v1.nn.embedding_lookup(embedding, ids)

        self._start_tokens = _v1.convert_to_tensor(start_tokens, dtype=_tf2.int32,
                                                   name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = _v1.convert_to_tensor(end_token, dtype=_tf2.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")

        self._batch_size = _v1.size(start_tokens)
        self._initial_cell_state = _nest.map_structure(
            self._maybe_split_batch_beams, initial_state, self._cell.state_size)
        self._start_tokens = _v1.tile(_v1.expand_dims(self._start_tokens, 1),
                                      [1, self._beam_width])                    # [B, W]
        self._start_inputs = self._embedding_fn(self._start_tokens)            # [B, W, E]
        # Only beam 0 is alive at first: the others start finished.
        self._finished = _v1.one_hot(_v1.zeros([self._batch_size], dtype=_tf2.int32),
                                     depth=self._beam_width, on_value=False, off_value=True,
                                     dtype=_tf2.bool)                          # [B, W]

    def initialize(self, name=None):
        """``(finished, start_inputs, initial_state)``; log_probs 0 for beam 0, -inf else."""
        finished, start_inputs = self._finished, self._start_inputs
        dtype = _nest.flatten(self._initial_cell_state)[0].dtype
        log_probs = _v1.one_hot(_v1.zeros([self._batch_size], dtype=_tf2.int32),
                                depth=self._beam_width,
                                on_value=_v1.convert_to_tensor(0.0, dtype=dtype),
                                off_value=_v1.convert_to_tensor(-np.inf, dtype=dtype),
                                dtype=dtype)                                    # [B, W]
        init_attention_probs = get_attention_probs(self._initial_cell_state,
                                                   self._coverage_penalty_weight)
        if init_attention_probs is None:
            init_attention_probs = ()
        initial_state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=finished,
            lengths=_v1.zeros([self._batch_size, self._beam_width], dtype=_tf2.int64),
            accumulated_attention_probs=init_attention_probs)
        return finished, start_inputs, initial_state

    @property
    def output_dtype(self):
        """Scores in the dtype of the initial state's first tensor; ids int32."""
        dtype = _nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(
            scores=_nest.map_structure(lambda _: dtype, self._rnn_output_size()),
            predicted_ids=_tf2.int32, parent_ids=_tf2.int32)
