"""An independent float64 NumPy beam search: TF 1.15's algorithm written from its description.

Shared by the ``test_contrib_seq2seq_*`` beam search tests. Nothing here calls TensorFlow:

- ``kernel_gather_tree``: TF 1.15's C++ CPU GatherTree kernel (``beam_search_ops.cc``),
  loop for loop over flat row-major memory (so a parent == W reads what the kernel read).
- ``beam_step``: one step of beam search (log-softmax, EOS masking of finished beams,
  length penalty, top-W with ties to the lower index, the parents' state).
- ``decode``: the whole ``dynamic_decode(BeamSearchDecoder(...))`` loop on a BasicRNNCell
  with a dense output layer, and ``greedy_decode`` (argmax until EOS).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# What TF 1.15's _mask_probs gives a finished beam's non-EOS tokens: float32's lowest value.
FLOAT32_MIN = float(np.finfo(np.float32).min)


class InvalidParent(Exception):
    pass


def kernel_gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    """beam_search_ops.cc's CPU functor; raises InvalidParent for the first (b, w) in order."""
    max_time, batch_size, beam_width = step_ids.shape
    flat_steps, flat_parents = step_ids.reshape(-1), parent_ids.reshape(-1)

    def at(flat, t, b, w):
        return flat[(t * batch_size + b) * beam_width + w]

    beams = np.full(step_ids.shape, end_token, np.int32)
    for i in range(batch_size * beam_width):
        batch, beam = divmod(i, beam_width)
        length = min(max_time, max_sequence_lengths[batch])
        if length <= 0:
            continue
        beams[length - 1, batch, beam] = at(flat_steps, length - 1, batch, beam)
        parent = at(flat_parents, length - 1, batch, beam)
        for level in range(length - 2, -1, -1):
            if parent < 0 or parent > beam_width:
                raise InvalidParent(f"Saw invalid parent id {parent} at (batch, time, beam) "
                                    f"== ({batch}, {level}, {beam})")
            beams[level, batch, beam] = at(flat_steps, level, batch, parent)
            parent = at(flat_parents, level, batch, parent)
        finished = False
        for time in range(length):
            if finished:
                beams[time, batch, beam] = end_token
            elif beams[time, batch, beam] == end_token:
                finished = True
    return beams


def log_softmax(logits):
    shifted = logits - logits.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def length_penalty(lengths, weight):
    """((5 + L) / 6) ** weight (Wu et al. 2016)."""
    return ((5.0 + lengths) / 6.0) ** weight


@dataclass
class Beams:
    """The beam search state, [B, W] each, and the cell state [B, W, H]."""
    log_probs: np.ndarray
    finished: np.ndarray
    lengths: np.ndarray
    cell_state: np.ndarray
    accumulated_attention: np.ndarray | None = None   # [B, W, T_enc], coverage penalty only


def coverage_penalty(accumulated_attention, finished):
    """sum_j log(min(a_j, 1)) over source positions, zeros (padding) read as 1, counted for
    finished beams only -> [B, W] (Wu et al. 2016, as TF 1.15 applied it)."""
    a = np.where(accumulated_attention == 0, 1.0, accumulated_attention)
    return np.log(np.minimum(a, 1.0)).sum(-1) * finished


def candidate_scores(logits, beams: Beams, end_token, length_penalty_weight=0.0):
    """(scores, total log probs) of every continuation [B, W, V].

    A finished beam's only cheap continuation is EOS (log prob 0); its others get float32's
    lowest value, which absorbs any finite log prob in float32 arithmetic (kept exactly, so
    that ties among them break by index as in a float32 graph); a dead beam (-inf) stays -inf.
    """
    vocab_size = logits.shape[-1]
    step_log_probs = log_softmax(np.asarray(logits, np.float64))
    total = beams.log_probs[:, :, None] + step_log_probs                       # [B, W, V]
    is_eos = np.arange(vocab_size) == end_token
    masked = np.where(np.isneginf(beams.log_probs)[:, :, None], -np.inf,
                      np.where(is_eos, beams.log_probs[:, :, None], FLOAT32_MIN))
    total = np.where(beams.finished[:, :, None], masked, total)
    grows = ~beams.finished[:, :, None] & ~is_eos
    candidate_lengths = beams.lengths[:, :, None] + grows
    return total / length_penalty(candidate_lengths, length_penalty_weight), total


def beam_step(logits, beams: Beams, next_cell_state, end_token, length_penalty_weight=0.0,
              coverage_penalty_weight=0.0, attention=None):
    """One step -> (scores, word_ids, parent_ids, next Beams, margin); logits [B, W, V].

    With a coverage weight, ``attention`` [B, W, T_enc] (this step's alignments) is added to
    the unfinished beams' ``accumulated_attention``, which the penalty then reads.
    ``margin``: the smallest gap, over the batch, between the W-th and (W+1)-th finite
    candidate scores (a float32 run follows the same beams only when it is not tiny).
    """
    batch_size, beam_width, vocab_size = logits.shape
    scores, total = candidate_scores(logits, beams, end_token, length_penalty_weight)
    accumulated = None
    if coverage_penalty_weight:
        accumulated = beams.accumulated_attention + attention * ~beams.finished[:, :, None]
        scores = scores + coverage_penalty_weight * coverage_penalty(
            accumulated, beams.finished)[:, :, None]
    flat = scores.reshape(batch_size, -1)
    best = np.argsort(-flat, axis=1, kind="stable")[:, :beam_width]           # ties: lower
    rows = np.arange(batch_size)[:, None]
    parents, words = best // vocab_size, best % vocab_size
    parent_finished = beams.finished[rows, parents]
    next_beams = Beams(
        log_probs=total.reshape(batch_size, -1)[rows, best],
        finished=parent_finished | (words == end_token),
        lengths=beams.lengths[rows, parents] + ~parent_finished,
        cell_state=next_cell_state[rows, parents],
        accumulated_attention=None if accumulated is None else accumulated[rows, parents])
    ordered = -np.sort(-flat, axis=1)
    gaps = ordered[:, beam_width - 1] - ordered[:, beam_width]
    margin = np.where(np.isfinite(ordered[:, beam_width]), gaps, np.inf).min()
    return flat[rows, best], words, parents, next_beams, margin


@dataclass
class RnnDecoderWeights:
    """A BasicRNNCell (h' = tanh([x, h] @ kernel + bias)) and a dense output layer."""
    embedding: np.ndarray        # [V, E]
    kernel: np.ndarray           # [E + H, H]
    bias: np.ndarray             # [H]
    output_kernel: np.ndarray    # [H, V]
    output_bias: np.ndarray      # [V]

    def step(self, token_ids, h):
        x = self.embedding[token_ids]                                           # [B, W, E]
        h = np.tanh(np.concatenate([x, h], -1) @ self.kernel + self.bias)     # [B, W, H]
        return h @ self.output_kernel + self.output_bias, h


def decode(weights: RnnDecoderWeights, initial_h, start_tokens, end_token, beam_width,
           maximum_iterations, length_penalty_weight=0.0):
    """dynamic_decode(BeamSearchDecoder(...)) in float64 -> dict of time-major arrays.

    ``initial_h`` [B, H] (tiled to every beam). Returns scores, step ids, parent ids
    [T, B, W], the gathered ``predicted_ids`` [T, B, W], the final Beams and the smallest
    ``margin`` of ``beam_step`` over the steps.
    """
    batch_size = len(start_tokens)
    beams = Beams(
        log_probs=np.where(np.arange(beam_width) == 0, 0.0, -np.inf)[None].repeat(batch_size, 0),
        finished=(np.arange(beam_width) != 0)[None].repeat(batch_size, 0),
        lengths=np.zeros((batch_size, beam_width), np.int64),
        cell_state=np.repeat(np.asarray(initial_h, np.float64)[:, None], beam_width, 1))
    tokens = np.repeat(np.asarray(start_tokens)[:, None], beam_width, 1)      # [B, W]
    scores, ids, parents, margins = [], [], [], []
    for _ in range(maximum_iterations):
        if beams.finished.all():
            break
        logits, h = weights.step(tokens, beams.cell_state)
        step_scores, tokens, step_parents, beams, margin = beam_step(
            logits, beams, h, end_token, length_penalty_weight)
        margins.append(margin)
        scores.append(step_scores)
        ids.append(tokens)
        parents.append(step_parents)
    ids, parents = np.array(ids, np.int32), np.array(parents, np.int32)
    max_lengths = beams.lengths.max(1)
    return dict(scores=np.array(scores), step_ids=ids, parent_ids=parents, beams=beams,
                predicted_ids=kernel_gather_tree(ids, parents, max_lengths, end_token),
                margin=min(margins))


def greedy_decode(weights: RnnDecoderWeights, initial_h, start_tokens, end_token,
                  maximum_iterations):
    """Argmax decoding -> (ids [B, T], lengths [B]), the ids past an entry's EOS unused."""
    tokens = np.asarray(start_tokens)
    h = np.asarray(initial_h, np.float64)
    finished = np.zeros(len(tokens), bool)
    lengths = np.zeros(len(tokens), np.int64)
    ids = []
    for t in range(maximum_iterations):
        if finished.all():
            break
        logits, h = weights.step(tokens, h)
        tokens = logits.argmax(-1)
        ids.append(tokens)
        lengths[~finished] = t + 1
        finished |= tokens == end_token
    return np.array(ids).T, lengths
