"""The equalities the decoder explainer verifies on one run, each a ``Check`` with its max |diff|.

Every function takes plain NumPy arrays (what the session returned, and the variables'
values) and recomputes the claim independently, in float64 where it is arithmetic:

    BasicDecoder   sample_id = argmax(rnn_output); final_sequence_lengths = the helper's
                   lengths (training) or 1 + the first end_token (greedy); with
                   impute_finished rnn_output and sample_id are 0 past them and
                   rnn_output[b, L_b - 1] = dense(final output), the state being copied through
    attention      time = steps run; alignments rows sum to 1 and are 0 past
                   memory_sequence_length; alignments = softmax(score(h, keys)) with
                   keys = memory @ memory_layer/kernel; attention = [h, context] @
                   attention_layer/kernel, context = alignments @ memory;
                   alignment_history.stack()[L_b - 1, b] = final alignments[b]
    beam search    predicted_ids = gather_tree(step ids, parent_ids, max lengths, end_token)
                   (in NumPy); scores sorted best first at every step; final log_probs =
                   the last scores (length_penalty_weight=0); each beam's length ends at its
                   first end_token; the final alignments are the last history row of each
                   beam's parent slot (TF 1.15 reorders the history one step behind)

``decoder_checks_for`` picks the ones that apply to a run. Imports no TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tf1_lstm.inspect.data import EQUAL_TOLERANCE, REFERENCE_TOLERANCE, Check
from tf1_lstm.inspect.decoder_data import DecoderOptions


def _max_abs_diff(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _equal(name: str, claim: str, diff: float, tolerance: float) -> Check:
    return Check(name, claim, diff, tolerance, diff <= tolerance)


def _scaled(*arrays: np.ndarray) -> float:
    """REFERENCE_TOLERANCE relative to the largest magnitude compared (at least 1)."""
    return REFERENCE_TOLERANCE * max([1.0] + [float(np.max(np.abs(a))) for a in arrays
                                              if np.size(a)])


def _padding(lengths: np.ndarray, steps: int) -> np.ndarray:
    """[..., steps] True at t >= lengths[...]."""
    return np.arange(steps) >= np.asarray(lengths)[..., None]


def _first_end_plus_one(ids: np.ndarray, end_token: int) -> np.ndarray:
    """1 + the first t with ids[..., t] == end_token, else the number of steps (last axis)."""
    is_end = ids == end_token
    return np.where(is_end.any(-1), is_end.argmax(-1) + 1, ids.shape[-1])


# ---------------------------------------------------------------------------------------------
# BasicDecoder: TrainingHelper and GreedyEmbeddingHelper


def sample_id_is_argmax(rnn_output: np.ndarray, sample_id: np.ndarray) -> Check:
    return _equal("sample_id_is_argmax_of_rnn_output",
                  "sample_id == argmax(rnn_output, -1)",
                  _max_abs_diff(sample_id, np.argmax(rnn_output, -1)), 0.0)


def lengths_are_the_given_lengths(final_sequence_lengths: np.ndarray,
                                  lengths: np.ndarray) -> Check:
    return _equal("final_sequence_lengths_are_the_helpers_lengths",
                  "final_sequence_lengths == the TrainingHelper's sequence_length",
                  _max_abs_diff(final_sequence_lengths, lengths), 0.0)


def lengths_end_at_the_first_end_token(final_sequence_lengths: np.ndarray,
                                       sample_id: np.ndarray, end_token: int) -> Check:
    return _equal("final_sequence_lengths_end_at_the_first_end_token",
                  "final_sequence_lengths[b] == 1 + first t with sample_id[b, t] == end_token, "
                  "else T",
                  _max_abs_diff(final_sequence_lengths,
                                _first_end_plus_one(sample_id, end_token)), 0.0)


def outputs_are_zero_past_the_lengths(rnn_output: np.ndarray, sample_id: np.ndarray,
                                      lengths: np.ndarray) -> Check:
    padding = _padding(lengths, rnn_output.shape[1])                          # [B, T]
    return _equal("outputs_are_zero_past_the_lengths",
                  "rnn_output, sample_id == 0 at t >= final_sequence_lengths[b] (impute_finished)",
                  max(_max_abs_diff(rnn_output[padding], 0.0),
                      _max_abs_diff(sample_id[padding], 0.0)), 0.0)


def last_rnn_output_is_the_output_layer(rnn_output: np.ndarray, lengths: np.ndarray,
                                        final_output: np.ndarray, kernel: np.ndarray,
                                        bias: np.ndarray, final_output_name: str) -> Check:
    """rnn_output at each row's last step is Dense(V) of the final state's output: the state
    after that step, copied through the rest (impute_finished)."""
    last = rnn_output[np.arange(len(lengths)), np.asarray(lengths) - 1]       # [B, V]
    expected = final_output.astype(np.float64) @ kernel + bias
    return _equal("last_rnn_output_is_the_output_layer_of_final_state",
                  f"rnn_output[b, L_b-1] == {final_output_name}[b] @ dense/kernel + dense/bias",
                  _max_abs_diff(last, expected), _scaled(last))


# ---------------------------------------------------------------------------------------------
# AttentionWrapper: rows are the decoder's rows (B, or B * W for beam search)


def time_is_the_number_of_steps(time: Any, steps: int, prefix: str) -> Check:
    return _equal("time_is_the_number_of_steps",
                  f"{prefix}time == T, the steps run ({steps})", _max_abs_diff(time, steps), 0.0)


def alignments_sum_to_one(alignments: np.ndarray, history: np.ndarray, prefix: str) -> Check:
    """alignments [rows, T_memory], history [T, rows, T_memory]."""
    diff = max(_max_abs_diff(alignments.sum(-1), 1.0), _max_abs_diff(history.sum(-1), 1.0))
    return _equal("alignments_sum_to_one",
                  f"rows of {prefix}alignments and of alignment_history sum to 1", diff,
                  EQUAL_TOLERANCE)


def alignments_are_zero_past_the_memory(alignments: np.ndarray, history: np.ndarray,
                                        memory_lengths: np.ndarray, prefix: str) -> Check:
    padding = _padding(memory_lengths, alignments.shape[-1])                  # [rows, T_mem]
    diff = max(_max_abs_diff(alignments[padding], 0.0),
               _max_abs_diff(history[:, padding], 0.0))
    return _equal("alignments_are_zero_past_memory_sequence_length",
                  f"{prefix}alignments, alignment_history == 0 past memory_sequence_length", diff,
                  0.0)


def mechanism_alignments(attention: str, h: np.ndarray, memory: np.ndarray,
                         memory_lengths: np.ndarray, weights: dict[str, np.ndarray]
                         ) -> np.ndarray:
    """The alignments [rows, T_memory] a mechanism computes for the query h [rows, H]."""
    mask = ~_padding(memory_lengths, memory.shape[1])                         # [rows, T_mem]
    keys = (memory * mask[..., None]).astype(np.float64) @ _weight(weights, "memory_layer/kernel")
    if attention == "luong":
        score = np.einsum("rd,rtd->rt", h, keys)                              # h . keys
    else:
        query = h.astype(np.float64) @ _weight(weights, "query_layer/kernel")  # [rows, U]
        score = np.tanh(keys + query[:, None, :]) @ _weight(weights, "attention_v")
    score = np.where(mask, score, -np.inf)
    score = np.exp(score - score.max(-1, keepdims=True))
    return score / score.sum(-1, keepdims=True)


def alignments_are_the_mechanism_scores(attention: str, alignments: np.ndarray, h: np.ndarray,
                                        memory: np.ndarray, memory_lengths: np.ndarray,
                                        weights: dict[str, np.ndarray], prefix: str) -> Check:
    score = ("h . (memory @ memory_layer)" if attention == "luong"
             else "attention_v . tanh(memory @ memory_layer + h @ query_layer)")
    expected = mechanism_alignments(attention, h, memory, memory_lengths, weights)
    return _equal("alignments_are_the_mechanisms_softmax",
                  f"{prefix}alignments == softmax({score})",
                  _max_abs_diff(alignments, expected), REFERENCE_TOLERANCE)


def attention_is_the_layer_over_h_and_context(attention: np.ndarray, h: np.ndarray,
                                              alignments: np.ndarray, memory: np.ndarray,
                                              kernel: np.ndarray, prefix: str) -> Check:
    context = np.einsum("rt,rtd->rd", alignments.astype(np.float64), memory)  # [rows, D]
    expected = np.concatenate([h, context], -1) @ kernel                      # [rows, A]
    return _equal("attention_is_the_attention_layer_over_h_and_context",
                  f"{prefix}attention == [cell_state's h, alignments @ memory] @ "
                  "attention_layer", _max_abs_diff(attention, expected),
                  _scaled(attention))


def history_ends_at_the_final_alignments(history: np.ndarray, alignments: np.ndarray,
                                         lengths: np.ndarray) -> Check:
    """history [T, B, T_memory]: step L_b - 1 of row b is the final state's alignments."""
    last = history[np.asarray(lengths) - 1, np.arange(len(lengths))]          # [B, T_mem]
    return _equal("alignment_history_ends_at_the_final_alignments",
                  "final_state.alignment_history.stack()[L_b-1, b] == final_state.alignments[b]",
                  _max_abs_diff(last, alignments), 0.0)


# ---------------------------------------------------------------------------------------------
# Beam search: [B, T, W] outputs, [B, W] state


def gather_tree_reference(step_ids: np.ndarray, parent_ids: np.ndarray,
                          max_sequence_lengths: np.ndarray, end_token: int) -> np.ndarray:
    """TF 1.15's GatherTree kernel in NumPy, on [T, B, W]: walk back the parents from step
    L_b - 1, end_token past L_b and after a beam's first end_token (valid parents only)."""
    steps, batch, width = step_ids.shape
    beams = np.full_like(step_ids, end_token)
    for b in range(batch):
        length = min(steps, int(max_sequence_lengths[b]))
        for w in range(width):
            parent = w
            for t in range(length - 1, -1, -1):
                beams[t, b, w] = step_ids[t, b, parent]
                parent = parent_ids[t, b, parent]
            is_end = beams[:length, b, w] == end_token
            after_first_end = np.cumsum(is_end) - is_end > 0
            beams[:length, b, w][after_first_end] = end_token
    return beams


def predicted_ids_are_gather_tree(predicted_ids: np.ndarray, step_ids: np.ndarray,
                                  parent_ids: np.ndarray, beam_lengths: np.ndarray,
                                  end_token: int) -> Check:
    """All batch-major [B, T, W]; beam_lengths = final_state.lengths [B, W]."""
    expected = gather_tree_reference(step_ids.transpose(1, 0, 2), parent_ids.transpose(1, 0, 2),
                                     beam_lengths.max(1), end_token).transpose(1, 0, 2)
    return _equal("predicted_ids_are_gather_tree_of_the_step_ids",
                  "outputs.predicted_ids == gather_tree(the steps' predicted_ids, parent_ids, "
                  "max lengths, end_token)",
                  _max_abs_diff(predicted_ids, expected), 0.0)


def beams_are_sorted_best_first(scores: np.ndarray) -> Check:
    """scores [B, T, W]: the diff is how much a later slot beats an earlier one (0 if none)."""
    later, earlier = scores[..., 1:], scores[..., :-1]
    worse_first = np.where(later > earlier, later - earlier, 0.0)
    return _equal("beams_are_sorted_best_first",
                  "scores[b, t, :] sorted best first: predicted_ids[:, :, 0] is the best beam",
                  float(np.max(worse_first)) if worse_first.size else 0.0, 0.0)


def log_probs_are_the_last_scores(log_probs: np.ndarray, scores: np.ndarray) -> Check:
    return _equal("final_log_probs_are_the_last_scores",
                  "final_state.log_probs == scores[:, -1, :] (length_penalty_weight=0)",
                  _max_abs_diff(log_probs, scores[:, -1, :]), EQUAL_TOLERANCE)


def beam_lengths_end_at_the_first_end_token(beam_lengths: np.ndarray,
                                            predicted_ids: np.ndarray,
                                            end_token: int) -> Check:
    expected = _first_end_plus_one(predicted_ids.transpose(0, 2, 1), end_token)   # [B, W]
    return _equal("beam_lengths_end_at_the_first_end_token",
                  "final_state.lengths[b, w] == 1 + first t with predicted_ids[b, t, w] == "
                  "end_token, else T", _max_abs_diff(beam_lengths, expected), 0.0)


def final_alignments_follow_the_last_parents(alignments: np.ndarray, history: np.ndarray,
                                             parent_ids: np.ndarray) -> Check:
    """alignments [B, W, T_mem]; history [T, B * W, T_mem] as reordered; parent_ids [B, T, W].

    The last step's alignments were computed on the slots before the choice and then
    gathered by parent_ids; TF 1.15's reordering leaves the last history row in slot order.
    """
    batch, width = alignments.shape[:2]
    rows = np.arange(batch)[:, None] * width + parent_ids[:, -1, :]           # [B, W]
    return _equal("final_alignments_are_the_last_history_row_of_the_parent",
                  "final_state.cell_state.alignments[b, w] == alignment_history[-1, "
                  "b*beam + parent_ids[b, -1, w]]", _max_abs_diff(alignments, history[-1][rows]),
                  0.0)


# ---------------------------------------------------------------------------------------------
# The run


def _weight(weights: dict[str, np.ndarray], suffix: str) -> np.ndarray:
    (name,) = [name for name in weights if name.endswith(suffix)]
    return weights[name].astype(np.float64)


def decoder_checks_for(options: DecoderOptions, values: dict[str, Any],
                       h_of: Callable[[Any], np.ndarray], end_token: int) -> tuple[Check, ...]:
    """The checks that apply to this decoder and attention, on the run's ``values``
    (outputs, final_state, final_sequence_lengths, memory and the variables' ``weights``).
    ``h_of(cell_state)`` is the cell's output h: LSTMStateTuple.h, or the GRU/RNN state."""
    outputs, state = values["outputs"], values["final_state"]
    lengths, weights = values["final_sequence_lengths"], values["weights"]
    checks: list[Check] = []
    if options.decoder == "beam":
        step = outputs.beam_search_decoder_output
        steps = outputs.predicted_ids.shape[1]
        checks += [
            predicted_ids_are_gather_tree(outputs.predicted_ids, step.predicted_ids,
                                          step.parent_ids, state.lengths, end_token),
            beams_are_sorted_best_first(step.scores),
            log_probs_are_the_last_scores(state.log_probs, step.scores),
            beam_lengths_end_at_the_first_end_token(state.lengths, outputs.predicted_ids,
                                                    end_token)]
        cell_state, prefix = state.cell_state, "final_state.cell_state."
    else:
        rnn_output, sample_id = outputs.rnn_output, outputs.sample_id
        steps = rnn_output.shape[1]
        checks.append(sample_id_is_argmax(rnn_output, sample_id))
        if options.decoder == "training":
            checks.append(lengths_are_the_given_lengths(lengths, options.memory_lengths))
        else:
            checks.append(lengths_end_at_the_first_end_token(lengths, sample_id, end_token))
        if _padding(lengths, steps).any():
            checks.append(outputs_are_zero_past_the_lengths(rnn_output, sample_id, lengths))
        if options.attention == "none":
            final_output, name = h_of(state), "final_state" + (
                ".h" if isinstance(state, tuple) else "")
        else:
            final_output, name = state.attention, "final_state.attention"
        checks.append(last_rnn_output_is_the_output_layer(
            rnn_output, lengths, final_output, _weight(weights, "decoder/dense/kernel"),
            _weight(weights, "decoder/dense/bias"), name))
        cell_state, prefix = state, "final_state."
    if options.attention == "none":
        return tuple(checks)

    # One row per decoder row: beam search's [B, W, ...] state merged to [B * W, ...], the
    # memory repeated W times per entry (what tile_batch must have given the mechanism).
    rows = options.rows
    memory = np.repeat(values["memory"], options.beam_width, axis=0)          # [rows, T_m, H]
    memory_lengths = np.repeat(np.asarray(options.memory_lengths), options.beam_width)
    h = h_of(cell_state.cell_state).reshape(rows, -1)                         # [rows, H]
    alignments = cell_state.alignments.reshape(rows, -1)                      # [rows, T_m]
    attention = cell_state.attention.reshape(rows, -1)                        # [rows, A]
    history = cell_state.alignment_history                                    # [T, rows, T_m]
    checks += [
        time_is_the_number_of_steps(cell_state.time, steps, prefix),
        alignments_sum_to_one(alignments, history, prefix),
        alignments_are_zero_past_the_memory(alignments, history, memory_lengths, prefix),
        alignments_are_the_mechanism_scores(options.attention, alignments, h, memory,
                                            memory_lengths, weights, prefix),
        attention_is_the_layer_over_h_and_context(
            attention, h, alignments, memory, _weight(weights, "attention_layer/kernel"),
            prefix)]
    if options.decoder == "beam":
        checks.append(final_alignments_follow_the_last_parents(
            cell_state.alignments, history, outputs.beam_search_decoder_output.parent_ids))
    else:
        checks.append(history_ends_at_the_final_alignments(history, alignments, lengths))
    return tuple(checks)
