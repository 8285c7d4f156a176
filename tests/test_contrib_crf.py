"""tf.contrib.crf on TF 2.21: TF 1.15's crf_test.py, a float64 brute force, a tagger that trains.

1. Every test of TF 1.15's ``tensorflow/contrib/crf/python/kernel_tests/crf_test.py``, with
   its inputs and its tolerance (``assertAllClose``: rtol = atol = 1e-6).
2. An independent float64 NumPy reference that enumerates all N**L tag sequences, on a batch
   with lengths 0, 1, 2 and T and random padding past them, with T static and unknown
   (the ``tf.cond`` branch), T > 1 and T == 1, in float32 and float64.
3. TF 1.15's variable, gradients, cells, types and errors.
(Imported first, and a BiLSTM-CRF tagger that trains: ``test_contrib_crf_in_use.py``.)
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from contrib_support import names_and_shapes

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import crf
from tf1_lstm.errors import Tf1LstmError

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults
# TF 1.15 crf_test.py's potentials (4 words, 3 tags) and transitions.
INPUTS = np.array([[4, 5, -3], [3, -1, 3], [-1, 2, 1], [0, 0, 0]], np.float32)
TRANSITIONS = np.array([[-3, 5, -2], [3, 4, 1], [1, 2, 1]], np.float32)


def run(*fetches, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches, feed)


def batch_of_one(*arrays):
    return [tf.expand_dims(array, 0) for array in arrays]


# --- 1. TF 1.15's crf_test.py ---------------------------------------------------------------

def tf115_sequence_score(inputs, transitions, tags, length):
    """crf_test.py's calculateSequenceScore."""
    return (sum(inputs[i][tags[i]] for i in range(length))
            + sum(transitions[tags[i], tags[i + 1]] for i in range(length - 1)))


def padded_tag_sequences(num_words, length):
    """crf_test.py's enumeration: every tag sequence of `length`, padded with tag 0."""
    return [list(tags) + [0] * (num_words - int(length))
            for tags in itertools.product(range(3), repeat=int(length))]


def enumerated(inputs, length):
    """crf_test.py builds one graph per sequence; we stack them: one row per sequence."""
    sequences = padded_tag_sequences(len(inputs), length)
    return (sequences, np.repeat(inputs[None], len(sequences), 0), np.array(sequences),
            np.full(len(sequences), length))


def tf_sequence_score(inputs, tags, length):
    return crf.crf_sequence_score(*batch_of_one(inputs, tags, length),
                                  transition_params=tf.constant(TRANSITIONS))[0]


# (length, inputs, tags): TF's "regular" case and its length-1 case.
SCORE_CASES = [(np.int32(3), INPUTS, [1, 2, 1, 0]), (np.int32(1), INPUTS[:1], [1])]


@pytest.mark.parametrize("length, inputs, tags", SCORE_CASES)
def test_crf_sequence_score_is_tf115_testCrfSequenceScore(length, inputs, tags):
    reset_graph()
    tags = np.array(tags, np.int32)
    got, = run(tf_sequence_score(inputs, tags, length))
    np.testing.assert_allclose(got, tf115_sequence_score(inputs, TRANSITIONS, tags, length),
                               **TF_TOL)


@pytest.mark.parametrize("length, inputs, bitmap", [
    (np.int32(3), INPUTS, [[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 0, 1]]),
    (np.int32(1), INPUTS[:1], [[1, 1, 0]]),
])
def test_crf_multitag_sequence_score_is_tf115_testCrfMultiTagSequenceScore(length, inputs,
                                                                            bitmap):
    reset_graph()
    bitmap = np.array(bitmap, bool)
    score = crf.crf_multitag_sequence_score(*batch_of_one(inputs, bitmap, length),
                                            transition_params=tf.constant(TRANSITIONS))[0]
    allowed = [row.nonzero()[0] for row in bitmap[:length]]
    expected = np.logaddexp.reduce([tf115_sequence_score(inputs, TRANSITIONS, tags, length)
                                    for tags in itertools.product(*allowed)])
    np.testing.assert_allclose(run(score)[0], expected, **TF_TOL)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_crf_unary_score_is_tf115_testCrfUnaryScore(dtype):
    reset_graph()
    tags, length = np.array([1, 2, 1, 0], dtype), np.int32(3)
    score = crf.crf_unary_score(*batch_of_one(tags, length), inputs=tf.expand_dims(INPUTS, 0))
    np.testing.assert_allclose(run(score[0])[0], sum(INPUTS[i][tags[i]] for i in range(3)),
                               **TF_TOL)


def test_crf_binary_score_is_tf115_testCrfBinaryScore():
    reset_graph()
    tags, length = np.array([1, 2, 1, 0], np.int32), np.int32(3)
    score = crf.crf_binary_score(*batch_of_one(tags, length), tf.constant(TRANSITIONS))
    np.testing.assert_allclose(run(score[0])[0],
                               sum(TRANSITIONS[tags[i], tags[i + 1]] for i in range(2)),
                               **TF_TOL)


# (length, inputs): TF's regular case (int32) and its length-1 case (int64).
LOG_NORM_CASES = [(np.int32(3), INPUTS), (np.int64(1), np.array([[3, -1, 3]], np.float32))]


@pytest.mark.parametrize("length, inputs", LOG_NORM_CASES)
def test_crf_log_norm_is_tf115_testCrfLogNorm_brute_force(length, inputs):
    reset_graph()
    _, every_inputs, every_tags, lengths = enumerated(inputs, length)
    brute_force = tf.reduce_logsumexp(
        crf.crf_sequence_score(every_inputs, every_tags, lengths, tf.constant(TRANSITIONS)))
    log_norm = crf.crf_log_norm(*batch_of_one(inputs, length), tf.constant(TRANSITIONS))[0]
    got, expected = run(log_norm, brute_force)
    np.testing.assert_allclose(got, expected, **TF_TOL)


def test_crf_log_norm_of_zero_lengths_is_zero_as_tf115_testCrfLogNormZeroSeqLength():
    reset_graph()
    log_norm = crf.crf_log_norm(tf.ones([2, 10, 5]), tf.zeros([2], tf.int32), tf.ones([5, 5]))
    np.testing.assert_allclose(run(log_norm)[0], np.zeros(2), **TF_TOL)


def test_crf_log_likelihoods_sum_to_one_as_tf115_testCrfLogLikelihood():
    reset_graph()
    _, every_inputs, every_tags, lengths = enumerated(INPUTS, np.int32(3))
    log_likelihoods, _ = crf.crf_log_likelihood(every_inputs, every_tags, lengths,
                                                tf.constant(TRANSITIONS))
    np.testing.assert_allclose(run(tf.reduce_logsumexp(log_likelihoods))[0], 0.0, **TF_TOL)


def brute_force_best(inputs, length):
    """crf_test.py's brute force: the highest-scoring padded sequence and its TF score."""
    sequences, every_inputs, every_tags, lengths = enumerated(inputs, length)
    scores, = run(crf.crf_sequence_score(every_inputs, every_tags, lengths,
                                         tf.constant(TRANSITIONS)))
    best = int(np.argmax(scores))
    return sequences[best][:length], scores[best]


def test_viterbi_decode_is_tf115_testViterbiDecode_brute_force():
    reset_graph()
    expected_tags, expected_score = brute_force_best(INPUTS, 3)
    tags, score = crf.viterbi_decode(INPUTS[:3], TRANSITIONS)
    np.testing.assert_allclose(score, expected_score, **TF_TOL)
    assert tags == expected_tags


@pytest.mark.parametrize("length, inputs",
                         [(np.int32(3), INPUTS), (np.int64(1), INPUTS[2:3])])
def test_crf_decode_is_tf115_testCrfDecode_brute_force(length, inputs):
    reset_graph()
    expected_tags, expected_score = brute_force_best(inputs, length)
    tags, score = crf.crf_decode(*batch_of_one(inputs), tf.constant(TRANSITIONS),
                                 tf.expand_dims(length, 0))
    got_tags, got_score = run(tags[0], score[0])
    np.testing.assert_allclose(got_score, expected_score, **TF_TOL)
    assert list(got_tags[:length]) == expected_tags


def test_crf_decode_of_zero_lengths_is_tf115_testCrfDecodeZeroSeqLength():
    reset_graph()
    tags, scores = crf.crf_decode(tf.ones([2, 10, 5]), tf.ones([5, 5]), tf.zeros([2], tf.int32))
    got_tags, got_scores = run(tags, scores)
    assert got_tags.ndim == 2 and got_scores.ndim == 1


# --- 2. a float64 NumPy brute force over all tag sequences ----------------------------------

N = 3  # tags


def np_score(x, A, tags, length):
    x, A = np.asarray(x, np.float64), np.asarray(A, np.float64)
    return (sum(x[t, tags[t]] for t in range(length))
            + sum(A[tags[t], tags[t + 1]] for t in range(length - 1)))


def np_reference(x, A, tags, lengths, bitmap):
    """Per row: score, log_norm, multitag score, best tags and best score, in float64.

    TF 1.15's conventions at length 0: score = log_norm = 0; crf_decode unmasked (the best
    single first tag, the rest 0); multitag 0 except when T == 1 (then logsumexp at t = 0).
    """
    x, A = x.astype(np.float64), A.astype(np.float64)
    rows = []
    for b, length in enumerate(lengths):
        sequences = list(itertools.product(range(N), repeat=max(length, 1)))
        scores = np.array([np_score(x[b], A, y, max(length, 1)) for y in sequences])
        allowed = [all(bitmap[b, t, y[t]] for t in range(len(y))) for y in sequences]
        best = int(np.argmax(scores))
        best_tags = np.zeros(x.shape[1], np.int32)
        best_tags[:len(sequences[best])] = sequences[best]
        empty = length == 0
        rows.append(dict(
            score=0.0 if empty else np_score(x[b], A, tags[b], length),
            log_norm=0.0 if empty else np.logaddexp.reduce(scores),
            multitag=0.0 if empty and x.shape[1] > 1 else np.logaddexp.reduce(
                scores[np.array(allowed)]),
            best_tags=best_tags, best_score=scores[best]))
    return {key: np.array([row[key] for row in rows]) for key in rows[0]}


def random_batch(lengths, max_seq_len, seed=0):
    rng = np.random.default_rng(seed)
    batch = len(lengths)
    x = (2 * rng.normal(size=(batch, max_seq_len, N))).astype(np.float32)
    A = rng.normal(size=(N, N)).astype(np.float32)
    tags = rng.integers(0, N, size=(batch, max_seq_len)).astype(np.int32)  # padded randomly
    bitmap = rng.random((batch, max_seq_len, N)) < 0.6
    bitmap[..., 0] |= ~bitmap.any(-1)   # at least one allowed tag everywhere
    return x, A, tags, np.array(lengths, np.int32), bitmap


def crf_results(x, A, tags, lengths, bitmap, static: bool, dtype):
    """Every batched CRF function on the batch; T static, or unknown until run time."""
    shape = x.shape if static else (None, None, N)
    inputs = tf.placeholder(dtype, shape)
    transitions = tf.constant(A, dtype)
    best_tags, best_score = crf.crf_decode(inputs, transitions, lengths)
    fetches = dict(
        score=crf.crf_sequence_score(inputs, tags, lengths, transitions),
        log_norm=crf.crf_log_norm(inputs, lengths, transitions),
        log_likelihood=crf.crf_log_likelihood(inputs, tags, lengths, transitions)[0],
        multitag=crf.crf_multitag_sequence_score(inputs, bitmap, lengths, transitions),
        best_tags=best_tags, best_score=best_score)
    values = run(*fetches.values(), feed={inputs: x.astype(dtype)})
    return dict(zip(fetches, values, strict=True)), fetches


@pytest.mark.parametrize("dtype, atol", [(np.float32, 1e-5), (np.float64, 1e-10)])
@pytest.mark.parametrize("static", [True, False], ids=["static_T", "unknown_T"])
@pytest.mark.parametrize("lengths, max_seq_len", [([4, 0, 1, 2, 3], 4), ([1, 0, 1], 1)],
                         ids=["T4", "T1"])
def test_every_crf_function_matches_the_float64_brute_force(lengths, max_seq_len, static,
                                                            dtype, atol):
    reset_graph()
    batch = random_batch(lengths, max_seq_len)
    got, fetches = crf_results(*batch, static=static, dtype=dtype)
    expected = np_reference(*batch)
    for key in ("score", "log_norm", "multitag", "best_score"):
        np.testing.assert_allclose(got[key], expected[key], rtol=0, atol=atol, err_msg=key)
    np.testing.assert_allclose(got["log_likelihood"], expected["score"] - expected["log_norm"],
                               rtol=0, atol=atol)
    np.testing.assert_array_equal(got["best_tags"], expected["best_tags"])
    assert fetches["best_tags"].dtype == tf.int32 and fetches["best_score"].dtype == dtype


def test_viterbi_decode_matches_the_float64_brute_force_for_every_length():
    x, A, tags, lengths, bitmap = random_batch([4, 1, 2, 3], 4, seed=3)
    expected = np_reference(x, A, tags, lengths, bitmap)
    for b, length in enumerate(lengths):
        best_tags, best_score = crf.viterbi_decode(x[b, :length], A)
        assert best_tags == list(expected["best_tags"][b, :length])
        np.testing.assert_allclose(best_score, expected["best_score"][b], rtol=0, atol=1e-5)


def test_nothing_past_sequence_length_changes_any_result():
    reset_graph()
    x, A, tags, lengths, bitmap = random_batch([4, 2, 1, 3], 4, seed=5)
    first, _ = crf_results(x, A, tags, lengths, bitmap, static=True, dtype=np.float32)
    past = np.arange(4)[None, :] >= lengths[:, None]                        # [B, T]
    x2, tags2, bitmap2 = x.copy(), tags.copy(), bitmap.copy()
    x2[past], tags2[past], bitmap2[past] = 50.0, 2, True
    second, _ = crf_results(x2, A, tags2, lengths, bitmap2, static=True, dtype=np.float32)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key], err_msg=key)
    assert not first["best_tags"][past].any()                               # tag 0 past L


# --- 3. TF 1.15's variable, gradients, cells, types and errors ------------------------------

def test_crf_log_likelihood_creates_tf115s_transitions_variable_in_the_scope():
    reset_graph()
    inputs = tf.placeholder(tf.float32, [None, None, 50])
    tags, lengths = tf.placeholder(tf.int64, [None, None]), tf.placeholder(tf.int64, [None])
    with tf.variable_scope("crf_layer"):
        _, transitions = crf.crf_log_likelihood(inputs, tags, lengths)
    with tf.variable_scope("crf_layer", reuse=True):
        _, again = crf.crf_log_likelihood(inputs, tags, lengths)
    assert names_and_shapes() == [("crf_layer/transitions", [50, 50])]
    assert again is transitions and transitions in tf.trainable_variables()
    assert transitions.dtype.base_dtype == tf.float32
    values, = run(transitions)
    limit = np.sqrt(6 / (50 + 50))          # get_variable's default: Glorot uniform
    assert 0.9 * limit < np.abs(values).max() <= limit


def test_log_norm_gradient_is_the_brute_force_tag_marginals():
    # d log_norm / d inputs[b, t, j] = p(y_t = j): the identity CRF training relies on.
    reset_graph()
    x, A, _, lengths, _ = random_batch([4, 2, 0], 4, seed=7)
    inputs = tf.constant(x, tf.float64)
    log_norm = crf.crf_log_norm(inputs, lengths, tf.constant(A, tf.float64))
    gradient, = run(tf.gradients(tf.reduce_sum(log_norm), inputs)[0])
    marginals = np.zeros_like(gradient)
    for b, length in enumerate(lengths):
        sequences = list(itertools.product(range(N), repeat=int(length)))
        weights = np.exp([np_score(x[b], A, y, length) for y in sequences])
        for y, weight in zip(sequences, weights / weights.sum(), strict=True):
            marginals[b, np.arange(length), y] += weight
    np.testing.assert_allclose(gradient, marginals, rtol=0, atol=1e-10)


def test_crf_cells_compute_their_docstring_steps_and_are_rnn_cells():
    reset_graph()
    rng = np.random.default_rng(0)
    x, state, A = rng.normal(size=(2, N)), rng.normal(size=(2, N)), rng.normal(size=(N, N))
    into_each_tag = state[:, :, None] + A[None]                              # [B, N, N]
    forward = crf.CrfForwardRnnCell(tf.constant(A))
    decode_forward = crf.CrfDecodeForwardRnnCell(tf.constant(A))
    backward = crf.CrfDecodeBackwardRnnCell(N)
    alpha, _ = forward(tf.constant(x), tf.constant(state))
    backpointers, delta = decode_forward(tf.constant(x), tf.constant(state))
    previous, _ = backward(backpointers, tf.constant([[2], [0]], tf.int32))
    got = run(alpha, backpointers, delta, previous)
    np.testing.assert_allclose(got[0], x + np.logaddexp.reduce(into_each_tag, 1), atol=1e-12)
    np.testing.assert_array_equal(got[1], into_each_tag.argmax(1))
    np.testing.assert_allclose(got[2], x + into_each_tag.max(1), atol=1e-12)
    np.testing.assert_array_equal(got[3][:, 0], [got[1][0, 2], got[1][1, 0]])
    assert backpointers.dtype == tf.int32
    assert (forward.state_size, forward.output_size, decode_forward.state_size) == (N, N, N)
    assert (backward.state_size, backward.output_size) == (1, 1)
    assert all(isinstance(cell, rnn.RNNCell) for cell in (forward, decode_forward, backward))


def test_viterbi_decode_returns_a_list_and_numpy_numbers_as_tf115():
    tags, score = crf.viterbi_decode(INPUTS[:3], TRANSITIONS)
    assert isinstance(tags, list) and all(isinstance(tag, np.integer) for tag in tags)
    assert isinstance(score, np.float32)


def test_crf_log_likelihood_without_a_static_tag_count_says_what_to_do():
    reset_graph()
    inputs = tf.placeholder(tf.float32, [None, None, None])
    with pytest.raises(Tf1LstmError, match=r"inputs.shape\[2\].*pass transition_params"):
        crf.crf_log_likelihood(inputs, tf.zeros([1, 1], tf.int32), tf.ones([1], tf.int32))


def test_viterbi_decode_of_no_steps_says_to_cut_rows_to_their_length():
    with pytest.raises(ValueError, match=r"score\[:sequence_length\]"):
        crf.viterbi_decode(np.zeros((0, N), np.float32), TRANSITIONS)
