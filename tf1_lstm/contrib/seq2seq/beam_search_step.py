"""One step of TF 1.15's beam search (``tf.contrib.seq2seq``), and the state it carries.

TF 1.15's ``beam_search_decoder.py``: ``_beam_search_step`` and its helpers, the state and
output tuples. B = batch size, W = beam width, V = vocabulary size. Each batch entry keeps W
hypotheses ("beams"); beam w has the log probability ``log_probs`` [B, W] of its tokens so
far, a length ``lengths`` [B, W] (int64, EOS counted once) and a ``finished`` flag. One step,
given the cell's ``logits`` [B, W, V] for every beam's next token::

    step_log_probs = log_softmax(logits)                                   # [B, W, V]
    step_log_probs[finished beams] = (0 at end_token, dtype.min elsewhere) # _mask_probs
    total_probs    = log_probs[:, :, None] + step_log_probs                # [B, W, V]
    new_lengths    = lengths[:, :, None] + (not finished and v != end_token)
    scores         = total_probs / lp(new_lengths)  (+ coverage penalty)   # _get_scores
    lp(L)          = ((5 + L) / 6) ** length_penalty_weight  (1 when the weight is 0)
    next_beam_scores, k = top_k(reshape(scores, [B, W * V]), W)            # best W of W * V
    word_ids = k % V;   parent_ids = k / V (int: the beam each new beam continues)
    next log_probs = total_probs[b, parent, word];  next finished = finished[parent] | EOS
    next lengths   = lengths[parent] + (not finished[parent])
    next cell state, accumulated attention = gathered from the parents

(Wu et al. 2016, https://arxiv.org/abs/1609.08144, for the length and coverage penalties.)
The step emits ``BeamSearchDecoderOutput(scores, predicted_ids, parent_ids)``, each [B, W].

TF 1.15's behaviour, kept:

- At the first step only beam 0 is alive: the decoder starts the others finished with log
  probability -inf, so their continuations score -inf and top_k takes beam 0's. When W > V
  the surplus beams are -inf continuations of beam 1 (top_k breaks ties by lower index),
  finished, with length 0 (TF's ``TestLargeBeamStep``).
- A finished beam's only continuation is ``end_token`` at no cost, so it competes with its
  score unchanged while its length stays.
- Ties in top_k go to the lower flat index w * V + v (the lower beam, then the lower token).
- The coverage penalty multiplies by ``cast(finished, float32)`` and masks the attention
  by ``cast(not_finished, float32)``: float32 hard-coded, so with float64 attention TF 1.15
  raised; kept.
"""

from __future__ import annotations

import collections

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.beam_search_coverage import get_attention_probs

__all__ = ["BeamSearchDecoderState", "BeamSearchDecoderOutput"]

_nest = _tf2.nest
_static_value = _tf2.get_static_value


class BeamSearchDecoderState(
        collections.namedtuple("BeamSearchDecoderState",
                               ("cell_state", "log_probs", "finished", "lengths",
                                "accumulated_attention_probs"))):
    """The beam search's loop state: the cell's state [B, W, ...] (a structure), ``log_probs``
    [B, W], ``finished`` [B, W] bool, ``lengths`` [B, W] int64, and the summed attention
    [B, W, T_enc] when the coverage penalty is on (else ``()``)."""


class BeamSearchDecoderOutput(
        collections.namedtuple("BeamSearchDecoderOutput",
                               ("scores", "predicted_ids", "parent_ids"))):
    """What one step emits, each [B, W]: the chosen beams' scores, tokens (int32) and
    parent beams (int32)."""


def _check_ndims(t):
    if t.shape.ndims is None:
        raise ValueError(f"Expected tensor ({t}) to have known rank, but ndims == None.")


def _length_penalty(sequence_lengths, penalty_factor):
    """lp(L) = ((5 + L) / 6) ** penalty_factor, element-wise; the scalar 1.0 when the factor
    is a constant 0."""
    penalty_factor = _v1.convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())  # penalty should be a scalar.
    static_penalty = _static_value(penalty_factor)
    if static_penalty is not None and static_penalty == 0:
        return 1.0
    return _v1.div((5. + _v1.cast(sequence_lengths, _tf2.float32)) ** penalty_factor,
                   (5. + 1.) ** penalty_factor)


def _get_scores(log_probs, sequence_lengths, length_penalty_weight, coverage_penalty_weight,
                finished, accumulated_attention_probs):
    """scores = log_probs / lp(sequence_lengths) + coverage_penalty_weight * cp.

    ``log_probs`` [B, W, V], ``sequence_lengths`` [B, W, V]. With a coverage weight,
    cp[b, w] = sum_j log(min(a[b, w, j], 1)) over the source positions j, a being
    ``accumulated_attention_probs`` [B, W, T_enc] with zeros read as 1 (padding), counted
    for finished beams only ([B, W], broadcast over V).
    """
    length_penalty_ = _v1.cast(
        _length_penalty(sequence_lengths=sequence_lengths, penalty_factor=length_penalty_weight),
        dtype=log_probs.dtype)
    scores = log_probs / length_penalty_

    coverage_penalty_weight = _v1.convert_to_tensor(coverage_penalty_weight,
                                                    name="coverage_penalty_weight")
    if coverage_penalty_weight.shape.ndims != 0:
        raise ValueError("coverage_penalty_weight should be a scalar, "
                         f"but saw shape: {coverage_penalty_weight.shape}")
    if _static_value(coverage_penalty_weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty is "
                         "disabled.")

    # Zeros are source padding (masked memory): read as probability 1, i.e. no penalty.
    accumulated_attention_probs = _v1.where(
        _v1.equal(accumulated_attention_probs, 0.0),
        _v1.ones_like(accumulated_attention_probs), accumulated_attention_probs)
    coverage_penalty = _v1.reduce_sum(
        _v1.log(_v1.minimum(accumulated_attention_probs, 1.0)), 2)                # [B, W]
    coverage_penalty *= _v1.cast(finished, _tf2.float32)   # TF 1.15's float32, see docstring
    weighted_coverage_penalty = coverage_penalty * coverage_penalty_weight
    return scores + _v1.expand_dims(weighted_coverage_penalty, 2)                  # [B, W, 1]


def _mask_probs(probs, eos_token, finished):
    """Finished beams put all their mass on EOS: log prob 0 there, ``dtype.min`` elsewhere.

    ``probs`` [B, W, V] log probabilities, ``finished`` [B, W] bool; the rows of the
    unfinished beams are returned unchanged.
    """
    vocab_size = _v1.shape(probs)[2]
    finished_row = _v1.one_hot(eos_token, vocab_size, dtype=probs.dtype,
                               on_value=_v1.convert_to_tensor(0., dtype=probs.dtype),
                               off_value=probs.dtype.min)                          # [V]
    finished_probs = _v1.tile(_v1.reshape(finished_row, [1, 1, -1]),
                              _v1.concat([_v1.shape(finished), [1]], 0))           # [B, W, V]
    finished_mask = _v1.tile(_v1.expand_dims(finished, 2), [1, 1, vocab_size])
    return _v1.where(finished_mask, finished_probs, probs)


def _tensor_gather_helper(gather_indices, gather_from, batch_size, range_size, gather_shape,
                          name=None):
    """``gather_from[b, gather_indices[b, k]]`` for every b, k: a gather on flat rows.

    ``gather_indices`` [B, K] index the ``range_size`` rows of each batch entry; row
    ``b * range_size + i`` of ``reshape(gather_from, gather_shape)`` is read (``gather_shape``
    [-1] for [B, W] tensors, [B * W, -1] to keep a depth). The result is reshaped to
    ``shape(gather_from)[:1 + len(gather_shape)]``, the op named ``output``.
    """
    with _v1.name_scope(name, "tensor_gather_helper"):
        range_ = _v1.expand_dims(_v1.range(batch_size) * range_size, 1)            # [B, 1]
        gather_indices = _v1.reshape(gather_indices + range_, [-1])               # [B * K]
        output = _v1.gather(_v1.reshape(gather_from, gather_shape), gather_indices)
        final_shape = _v1.shape(gather_from)[:1 + len(gather_shape)]
        final_static_shape = _tf2.TensorShape([_static_value(batch_size)]).concatenate(
            gather_from.shape[1:1 + len(gather_shape)])
        output = _v1.reshape(output, final_shape, name="output")
        output.set_shape(final_static_shape)
        return output


def _maybe_tensor_gather_helper(gather_indices, gather_from, batch_size, range_size,
                                gather_shape):
    """``_tensor_gather_helper`` for tensors of rank >= len(gather_shape); TensorArrays and
    lower-rank tensors (e.g. the attention wrapper's scalar ``time``) pass through."""
    if isinstance(gather_from, _tf2.TensorArray):
        return gather_from
    _check_ndims(gather_from)
    if gather_from.shape.ndims >= len(gather_shape):
        return _tensor_gather_helper(gather_indices=gather_indices, gather_from=gather_from,
                                     batch_size=batch_size, range_size=range_size,
                                     gather_shape=gather_shape)
    return gather_from


def _beam_search_step(time, logits, next_cell_state, beam_state, batch_size, beam_width,
                      end_token, length_penalty_weight, coverage_penalty_weight):
    """One step of the module docstring -> ``(BeamSearchDecoderOutput, BeamSearchDecoderState)``.

    ``logits`` [B, W, V]; ``next_cell_state`` the cell's new state, split to [B, W, ...];
    ``beam_state`` the current ``BeamSearchDecoderState``; ``batch_size`` a scalar tensor,
    ``beam_width`` a Python int, ``end_token`` int32. ``time`` is unused by the math (TF 1.15
    kept it for the name scope's inputs).
    """
    static_batch_size = _static_value(batch_size)
    prediction_lengths = beam_state.lengths                                       # [B, W]
    previously_finished = beam_state.finished
    not_finished = _v1.logical_not(previously_finished)

    step_log_probs = _mask_probs(_v1.nn.log_softmax(logits), end_token,
                                 previously_finished)                              # [B, W, V]
    total_probs = _v1.expand_dims(beam_state.log_probs, 2) + step_log_probs

    # +1 for every continuation of an unfinished beam except end_token.
    vocab_size = _tf2.compat.dimension_value(logits.shape[-1]) or _v1.shape(logits)[-1]
    lengths_to_add = _v1.one_hot(indices=_v1.fill([batch_size, beam_width], end_token),
                                 depth=vocab_size, on_value=_v1.to_int64(0),
                                 off_value=_v1.to_int64(1), dtype=_tf2.int64)
    lengths_to_add *= _v1.expand_dims(_v1.cast(not_finished, _tf2.int64), 2)
    new_prediction_lengths = lengths_to_add + _v1.expand_dims(prediction_lengths, 2)

    accumulated_attention_probs = None
    attention_probs = get_attention_probs(next_cell_state, coverage_penalty_weight)
    if attention_probs is not None:
        attention_probs *= _v1.expand_dims(_v1.cast(not_finished, _tf2.float32), 2)
        accumulated_attention_probs = beam_state.accumulated_attention_probs + attention_probs

    scores = _get_scores(log_probs=total_probs, sequence_lengths=new_prediction_lengths,
                         length_penalty_weight=length_penalty_weight,
                         coverage_penalty_weight=coverage_penalty_weight,
                         finished=previously_finished,
                         accumulated_attention_probs=accumulated_attention_probs)

    time = _v1.convert_to_tensor(time, name="time")
    scores_flat = _v1.reshape(scores, [batch_size, -1])                            # [B, W * V]
    next_beam_size = _v1.convert_to_tensor(beam_width, dtype=_tf2.int32, name="beam_width")
    next_beam_scores, word_indices = _v1.nn.top_k(scores_flat, k=next_beam_size)  # [B, W]
    next_beam_scores.set_shape([static_batch_size, beam_width])
    word_indices.set_shape([static_batch_size, beam_width])

    next_beam_probs = _tensor_gather_helper(
        gather_indices=word_indices, gather_from=total_probs, batch_size=batch_size,
        range_size=beam_width * vocab_size, gather_shape=[-1], name="next_beam_probs")
    # TF 1.15 named the mod (not the cast) so that tfdbg could watch it; kept.
    raw_next_word_ids = _v1.mod(word_indices, vocab_size, name="next_beam_word_ids")
    next_word_ids = _v1.cast(raw_next_word_ids, _tf2.int32)
    next_beam_ids = _v1.cast(word_indices / vocab_size, _tf2.int32, name="next_beam_parent_ids")

    previously_finished = _tensor_gather_helper(
        gather_indices=next_beam_ids, gather_from=previously_finished, batch_size=batch_size,
        range_size=beam_width, gather_shape=[-1])
    next_finished = _v1.logical_or(previously_finished, _v1.equal(next_word_ids, end_token),
                                   name="next_beam_finished")

    # A beam's length grows unless its parent had finished (EOS itself counts once).
    lengths_to_add = _v1.cast(_v1.logical_not(previously_finished), _tf2.int64)
    next_prediction_len = _tensor_gather_helper(
        gather_indices=next_beam_ids, gather_from=beam_state.lengths, batch_size=batch_size,
        range_size=beam_width, gather_shape=[-1])
    next_prediction_len += lengths_to_add
    next_accumulated_attention_probs = ()
    if accumulated_attention_probs is not None:
        next_accumulated_attention_probs = _tensor_gather_helper(
            gather_indices=next_beam_ids, gather_from=accumulated_attention_probs,
            batch_size=batch_size, range_size=beam_width,
            gather_shape=[batch_size * beam_width, -1], name="next_accumulated_attention_probs")

    # The cell state's tensors are [B, W, ...]: gathered as [B * W, -1] rows.
    next_cell_state = _nest.map_structure(
        lambda gather_from: _maybe_tensor_gather_helper(
            gather_indices=next_beam_ids, gather_from=gather_from, batch_size=batch_size,
            range_size=beam_width, gather_shape=[batch_size * beam_width, -1]),
        next_cell_state)

    next_state = BeamSearchDecoderState(
        cell_state=next_cell_state, log_probs=next_beam_probs, lengths=next_prediction_len,
        finished=next_finished, accumulated_attention_probs=next_accumulated_attention_probs)
    output = BeamSearchDecoderOutput(scores=next_beam_scores, predicted_ids=next_word_ids,
                                     parent_ids=next_beam_ids)
    return output, next_state
