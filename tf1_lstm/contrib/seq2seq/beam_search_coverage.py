"""The attention that beam search's coverage penalty reads (TF 1.15's ``beam_search_decoder``).

With ``coverage_penalty_weight`` != 0 (Wu et al. 2016, https://arxiv.org/abs/1609.08144)
a beam's score rewards attending to every source position: the beam search sums, step by
step, the attention probabilities ``alignments`` [B, W, T_enc] found in the cell's
``AttentionWrapperState`` (see ``beam_search_step._get_scores`` for the penalty itself).
Several attention mechanisms in one wrapper, or several wrappers in a tuple of states, are
averaged. A cell state without any ``AttentionWrapperState`` and a non-zero weight is
TF 1.15's ``ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")``.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapperState

__all__ = ["get_attention_probs", "attention_probs_from_attn_state"]


def _mean_over_layers(probs: list):
    """The element-wise mean of equally shaped tensors [B, W, T_enc] (stacked on a last axis)."""
    return _v1.reduce_mean(_v1.concat([_v1.expand_dims(p, -1) for p in probs], -1), -1)


def attention_probs_from_attn_state(attention_state):
    """An ``AttentionWrapperState``'s alignments [B, W, T_enc], averaged over its mechanisms
    when it has several (a tuple of alignments)."""
    attention_probs = attention_state.alignments
    if isinstance(attention_probs, tuple):
        attention_probs = _mean_over_layers(list(attention_probs))
    return attention_probs


def get_attention_probs(next_cell_state, coverage_penalty_weight):
    """The attention probabilities [B, W, T_enc] for the coverage penalty, or None when
    ``coverage_penalty_weight == 0.0`` (a Python comparison, as TF 1.15).

    ``next_cell_state`` is an ``AttentionWrapperState`` or a tuple whose attentional members
    are averaged; raises ``ValueError`` if none is attentional.
    """
    if coverage_penalty_weight == 0.0:
        return None
    probs_per_attn_layer = []
    if isinstance(next_cell_state, AttentionWrapperState):
        probs_per_attn_layer = [attention_probs_from_attn_state(next_cell_state)]
    elif isinstance(next_cell_state, tuple):
        probs_per_attn_layer = [attention_probs_from_attn_state(state)
                                for state in next_cell_state
                                if isinstance(state, AttentionWrapperState)]
    if not probs_per_attn_layer:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(probs_per_attn_layer) == 1:
        return probs_per_attn_layer[0]
    return _mean_over_layers(probs_per_attn_layer)
