"""One step of tf.contrib.seq2seq's beam search on TF 2.21: TF 1.15's tests, a float64 step.

1. TF 1.15's ``beam_search_decoder_test.py``: ``TestEosMasking``, ``TestBeamStep``
   (``test_step``, ``test_step_with_eos``: the exact ids, parents, lengths, finished flags,
   and log probs compared with ``assertAllEqual``) and ``TestLargeBeamStep`` (W > V).
2. The step against ``beam_search_reference.beam_step`` (float64 NumPy) on random logits
   with finished beams and a length penalty; the length and coverage penalties against
   their formulas.
"""

from __future__ import annotations

import numpy as np
import pytest
from beam_search_reference import Beams, beam_step, length_penalty

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import beam_search_decoder

BATCH_SIZE, BEAM_WIDTH, VOCAB_SIZE, END_TOKEN = 2, 3, 5, 0
LENGTH_PENALTY_WEIGHT = 0.6


def run(fetches):
    with tf.Session() as session:
        return session.run(fetches)


# --- 1. TF 1.15's tests ---------------------------------------------------------------------

def test_eos_masking_is_tf115_TestEosMasking():
    reset_graph()
    probs = tf.constant([
        [[-.2, -.2, -.2, -.2, -.2], [-.3, -.3, -.3, 3, 0], [5, 6, 0, 0, 0]],
        [[-.2, -.2, -.2, -.2, 0], [-.3, -.3, -.1, 3, 0], [5, 6, 3, 0, 0]],
    ])
    previously_finished = np.array([[0, 1, 0], [0, 1, 1]], dtype=bool)
    masked_op = beam_search_decoder._mask_probs(probs, 0, previously_finished)
    probs, masked = run([probs, masked_op])
    for b, w in [(0, 0), (0, 2), (1, 0)]:
        np.testing.assert_array_equal(masked[b][w], probs[b][w])
    for b, w in [(0, 1), (1, 1), (1, 2)]:
        assert masked[b][w][0] == 0
        np.testing.assert_allclose(masked[b][w][1:], np.finfo("float32").min, rtol=1e-6)


def tf115_logits(large_second_beam_of_entry_1):
    """TestBeamStep's logits: 0.0001 everywhere but a few hand-set tokens."""
    logits = np.full([BATCH_SIZE, BEAM_WIDTH, VOCAB_SIZE], 0.0001)
    logits[0, 0, 2], logits[0, 0, 3], logits[0, 1, 3], logits[0, 1, 4] = 1.9, 2.1, 3.1, 0.9
    logits[1, 0, 1] = 0.5
    if large_second_beam_of_entry_1:     # test_step_with_eos
        logits[1, 1, 2], logits[1, 2, 2], logits[1, 2, 3] = 5.7, 1.0, 0.2
    else:
        logits[1, 1, 2], logits[1, 2, 2], logits[1, 2, 3] = 2.7, 10.0, 0.2
    return logits


def one_step(beam_state, logits_, beam_width=BEAM_WIDTH):
    logits = tf.convert_to_tensor(logits_, dtype=tf.float32)
    outputs, next_state = beam_search_decoder._beam_search_step(
        time=2, logits=logits, next_cell_state=beam_state.cell_state, beam_state=beam_state,
        batch_size=tf.convert_to_tensor(BATCH_SIZE), beam_width=beam_width,
        end_token=END_TOKEN, length_penalty_weight=LENGTH_PENALTY_WEIGHT,
        coverage_penalty_weight=0.0)
    return run([outputs, next_state, beam_state, tf.nn.log_softmax(logits)])


def tf115_beam_state(lengths, finished):
    return beam_search_decoder.BeamSearchDecoderState(
        cell_state=tf.zeros([BATCH_SIZE, BEAM_WIDTH]),
        log_probs=tf.nn.log_softmax(tf.ones([BATCH_SIZE, BEAM_WIDTH])),
        lengths=lengths, finished=finished, accumulated_attention_probs=())


def test_step_is_tf115_TestBeamStep_test_step():
    reset_graph()
    beam_state = tf115_beam_state(
        tf.constant(2, shape=[BATCH_SIZE, BEAM_WIDTH], dtype=tf.int64),
        tf.zeros([BATCH_SIZE, BEAM_WIDTH], dtype=tf.bool))
    outputs_, next_state_, state_, log_probs_ = one_step(beam_state, tf115_logits(False))
    np.testing.assert_array_equal(outputs_.predicted_ids, [[3, 3, 2], [2, 2, 1]])
    np.testing.assert_array_equal(outputs_.parent_ids, [[1, 0, 0], [2, 1, 0]])
    np.testing.assert_array_equal(next_state_.lengths, [[3, 3, 3], [3, 3, 3]])
    np.testing.assert_array_equal(next_state_.finished, np.zeros((2, 3), bool))
    expected_log_probs = [state_.log_probs[0][[1, 0, 0]], state_.log_probs[1][[2, 1, 0]]]
    expected_log_probs[0][0] += log_probs_[0, 1, 3]
    expected_log_probs[0][1] += log_probs_[0, 0, 3]
    expected_log_probs[0][2] += log_probs_[0, 0, 2]
    expected_log_probs[1][0] += log_probs_[1, 2, 2]
    expected_log_probs[1][1] += log_probs_[1, 1, 2]
    expected_log_probs[1][2] += log_probs_[1, 0, 1]
    np.testing.assert_array_equal(next_state_.log_probs, expected_log_probs)


def test_step_with_eos_is_tf115_TestBeamStep_test_step_with_eos():
    reset_graph()
    beam_state = tf115_beam_state(
        tf.convert_to_tensor([[2, 1, 2], [2, 2, 1]], dtype=tf.int64),
        tf.convert_to_tensor([[False, True, False], [False, False, True]], dtype=tf.bool))
    outputs_, next_state_, state_, log_probs_ = one_step(beam_state, tf115_logits(True))
    np.testing.assert_array_equal(outputs_.parent_ids, [[1, 0, 0], [1, 2, 0]])
    np.testing.assert_array_equal(outputs_.predicted_ids, [[0, 3, 2], [2, 0, 1]])
    np.testing.assert_array_equal(next_state_.lengths, [[1, 3, 3], [3, 1, 3]])
    np.testing.assert_array_equal(next_state_.finished,
                                  [[True, False, False], [False, True, False]])
    expected_log_probs = [state_.log_probs[0][[1, 0, 0]], state_.log_probs[1][[1, 2, 0]]]
    expected_log_probs[0][1] += log_probs_[0, 0, 3]
    expected_log_probs[0][2] += log_probs_[0, 0, 2]
    expected_log_probs[1][0] += log_probs_[1, 1, 2]
    expected_log_probs[1][2] += log_probs_[1, 0, 1]
    np.testing.assert_array_equal(next_state_.log_probs, expected_log_probs)


def test_large_beam_step_is_tf115_TestLargeBeamStep():
    # beam_width 8 > vocab_size 5: beam 0 alone (as after initialize) gives 5 live beams.
    reset_graph()
    beam_width = 8
    first_beam = tf.one_hot(tf.zeros([BATCH_SIZE], tf.int32), depth=beam_width,
                            on_value=True, off_value=False, dtype=tf.bool)
    log_probs = tf.where(first_beam, tf.zeros([BATCH_SIZE, beam_width]),
                         tf.ones([BATCH_SIZE, beam_width]) * -np.inf)
    lengths = np.zeros([BATCH_SIZE, beam_width], np.int64)
    lengths[:, 0] = 2
    beam_state = beam_search_decoder.BeamSearchDecoderState(
        cell_state=tf.zeros([BATCH_SIZE, beam_width]), log_probs=log_probs,
        lengths=tf.constant(lengths), finished=tf.logical_not(first_beam),
        accumulated_attention_probs=())
    logits = np.full([BATCH_SIZE, beam_width, VOCAB_SIZE], 0.0001)
    logits[:, :3] = tf115_logits(False)
    outputs_, next_state_, _, _ = one_step(beam_state, logits, beam_width=beam_width)
    assert outputs_.predicted_ids[0, 0] == 3
    assert outputs_.predicted_ids[0, 1] == 2
    assert outputs_.predicted_ids[1, 0] == 1
    np.testing.assert_array_equal(next_state_.log_probs[:, -3:], -np.inf)
    assert (next_state_.log_probs[:, :-3] > -np.inf).all()
    assert (next_state_.lengths[:, :-3] > 0).all()
    np.testing.assert_array_equal(next_state_.lengths[:, -3:], 0)


# --- 2. against float64 NumPy ---------------------------------------------------------------

@pytest.mark.parametrize("penalty", [0.0, LENGTH_PENALTY_WEIGHT])
def test_step_matches_the_float64_reference_with_finished_beams(penalty):
    reset_graph()
    rng = np.random.default_rng(3)
    batch_size, beam_width, vocab_size, depth = 3, 4, 7, 2
    logits = (3 * rng.normal(size=(batch_size, beam_width, vocab_size))).astype(np.float32)
    beams = Beams(log_probs=-rng.uniform(1, 4, (batch_size, beam_width)).astype(np.float32),
                  finished=rng.uniform(size=(batch_size, beam_width)) < 0.4,
                  lengths=rng.integers(1, 5, (batch_size, beam_width)),
                  cell_state=rng.normal(size=(batch_size, beam_width, depth)).astype(np.float32))
    beams.finished[0] = [True, True, False, True]
    state = beam_search_decoder.BeamSearchDecoderState(
        cell_state=tf.constant(beams.cell_state), log_probs=tf.constant(beams.log_probs),
        finished=tf.constant(beams.finished), lengths=tf.constant(beams.lengths),
        accumulated_attention_probs=())
    outputs, next_state = beam_search_decoder._beam_search_step(
        time=0, logits=tf.constant(logits), next_cell_state=state.cell_state,
        beam_state=state, batch_size=tf.constant(batch_size), beam_width=beam_width,
        end_token=2, length_penalty_weight=penalty, coverage_penalty_weight=0.0)
    got_outputs, got_state = run([outputs, next_state])
    scores, words, parents, expected, margin = beam_step(
        logits, Beams(beams.log_probs.astype(np.float64), beams.finished, beams.lengths,
                      beams.cell_state), beams.cell_state, 2, penalty)
    assert margin > 1e-4                 # no near-tie that float32 could order differently
    np.testing.assert_array_equal(got_outputs.predicted_ids, words)
    np.testing.assert_array_equal(got_outputs.parent_ids, parents)
    np.testing.assert_allclose(got_outputs.scores, scores, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got_state.log_probs, expected.log_probs, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(got_state.finished, expected.finished)
    np.testing.assert_array_equal(got_state.lengths, expected.lengths)
    np.testing.assert_array_equal(got_state.cell_state, expected.cell_state)


def test_length_penalty_is_wu_et_al_and_exactly_one_when_disabled():
    reset_graph()
    lengths = np.array([[0, 1, 4], [7, 20, 3]])
    assert beam_search_decoder._length_penalty(lengths, 0.0) == 1.0
    got = run(beam_search_decoder._length_penalty(tf.constant(lengths), 0.6))
    np.testing.assert_allclose(got, length_penalty(lengths, 0.6), rtol=1e-6)


def test_coverage_penalty_counts_finished_beams_and_ignores_padding():
    reset_graph()
    rng = np.random.default_rng(0)
    log_probs = -rng.uniform(0, 3, (2, 3, 4)).astype(np.float32)
    attention = rng.uniform(0, 1.5, (2, 3, 5)).astype(np.float32)
    attention[:, :, -1] = 0.0                                   # a padded source position
    finished = np.array([[True, False, True], [False, True, False]])
    got = run(beam_search_decoder._get_scores(
        tf.constant(log_probs), tf.constant(np.full((2, 3, 4), 3)), 0.0, 0.2,
        tf.constant(finished), tf.constant(attention)))
    coverage = np.log(np.minimum(np.where(attention == 0, 1, attention), 1)).sum(2)  # [B, W]
    expected = log_probs + (0.2 * coverage * finished)[:, :, None]
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="accumulated_attention_probs can be None only"):
        beam_search_decoder._get_scores(tf.constant(log_probs), 3, 0.0, 0.2, finished, None)
    with pytest.raises(ValueError, match="coverage_penalty_weight should be a scalar"):
        beam_search_decoder._get_scores(tf.constant(log_probs), 3, 0.0, [0.2], finished, None)
