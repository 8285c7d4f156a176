"""tf.contrib.seq2seq's monotonic attention on TF 2.21: TF 1.15's tests and a NumPy reference.

1. TF 1.15's ``test_safe_cumprod``, ``test_monotonic_attention`` (with its explicit NumPy
   recurrence, ``assertAlmostEqual(places=5)``; ``places=2`` against 100000 sampled
   emit/ingest decisions), ``testBahdanauMonotonicHard``, ``testLuongMonotonicHard`` and the
   four monotonic ``ResultSummary`` cases through TF 1.15's harness (atol 1e-3, as there).
2. float64: the three modes against the recurrence to 1e-12, one mechanism step against a
   NumPy score + sigmoid + recurrence, ``hardmax``, and ``safe_cumprod``'s finite gradient.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import sigmoid
from seq2seq_attention_support import assert_summaries_close, run_tf115_harness
from seq2seq_attention_tf115_expected import CASES

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq.attention_mechanisms import hardmax
from tf1_lstm.contrib.seq2seq.monotonic_mechanisms import (
    BahdanauMonotonicAttention,
    LuongMonotonicAttention,
    monotonic_attention,
    safe_cumprod,
)

PLACES_5 = dict(rtol=0, atol=0.5e-5)   # assertAlmostEqual(places=5): round(x - y, 5) == 0


def evaluate(tensor):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(tensor)


def explicit(p_choose_i, previous_attention):
    """TF 1.15's monotonic_attention_explicit, for a batch: q[j] = (1 - p[j-1]) q[j-1] + a[j]."""
    q = [previous_attention[:, 0]]
    for j in range(1, p_choose_i.shape[1]):
        q.append((1 - p_choose_i[:, j - 1]) * q[-1] + previous_attention[:, j])
    return p_choose_i * np.stack(q, 1)


# --- 1. TF 1.15's tests ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(n for n in CASES if "Monotonic" in n))
def test_published_monotonic_summaries_at_tf115_tolerance(name):
    kwargs, (expected_output, expected_state, expected_history) = CASES[name]
    outputs, state, history = run_tf115_harness(**kwargs)
    assert_summaries_close(expected_output, outputs)
    assert_summaries_close(expected_state, state)
    assert_summaries_close(expected_history, history)


def test_safe_cumprod_is_cumprod():
    """test_safe_cumprod."""
    reset_graph()
    test_input = np.random.default_rng(0).uniform(size=(10, 20))
    for axis in [0, 1]:
        for exclusive in [True, False]:
            expected, got = evaluate((tf.cumprod(test_input, axis=axis, exclusive=exclusive),
                                      safe_cumprod(test_input, axis=axis, exclusive=exclusive)))
            assert got.shape == expected.shape
            np.testing.assert_allclose(got, expected, **PLACES_5)


def test_monotonic_attention_is_the_recurrence_in_every_mode():
    """test_monotonic_attention: recursive, parallel (p < 0.9) and hard, in float32."""
    reset_graph()
    rng = np.random.default_rng(1)
    p_choose_i = rng.uniform(size=(10, 20)).astype(np.float32)
    previous_attention = rng.uniform(size=(10, 20)).astype(np.float32)
    previous_attention /= previous_attention.sum(axis=1, keepdims=True)
    got = evaluate(monotonic_attention(p_choose_i, previous_attention, "recursive"))
    np.testing.assert_allclose(got, explicit(p_choose_i, previous_attention), **PLACES_5)
    # parallel is unstable when p_choose_i nears 1
    p_choose_i = rng.uniform(0, 0.9, size=(10, 20)).astype(np.float32)
    got = evaluate(monotonic_attention(p_choose_i, previous_attention, "parallel"))
    np.testing.assert_allclose(got, explicit(p_choose_i, previous_attention), **PLACES_5)
    # hard: 0/1 probabilities, a one-hot previous attention
    p_choose_i = rng.choice(np.array([0, 1], np.float32), (10, 20))
    previous_attention = np.zeros((10, 20), np.float32)
    previous_attention[np.arange(10), rng.integers(0, 20, 10)] = 1
    got = evaluate(monotonic_attention(tf.constant(p_choose_i), tf.constant(previous_attention),
                                       "hard"))
    np.testing.assert_allclose(got, explicit(p_choose_i, previous_attention), **PLACES_5)


def sampled_attention(p_choose_i, n_samples, rng):
    """TF 1.15's ``sample``, vectorized: the mean one-hot of where each output step stops.

    Output step i scans the memory from where step i-1 stopped, stopping at j with
    probability p_choose_i[i, j]; a step that never stops leaves nothing for later ones.
    """
    steps, length = p_choose_i.shape
    draws = rng.uniform(size=(n_samples, steps, length))
    out = np.zeros((n_samples, steps, length))
    start = np.zeros(n_samples, int)
    for i in range(steps):
        stops = (draws[:, i] <= p_choose_i[i]) & (np.arange(length) >= start[:, None])
        stopped = stops.any(1)
        first = stops.argmax(1)
        out[stopped, i, first[stopped]] = 1
        start = np.where(stopped, first, length)
    return out.mean(0)


def test_recursive_attention_is_the_mean_of_sampled_decisions():
    """test_monotonic_attention's last part, with TF 1.15's 100000 samples and places=2."""
    reset_graph()
    rng = np.random.default_rng(2)
    p_choose_i = rng.uniform(size=(4, 5)).astype(np.float32)
    previous = tf.placeholder(tf.float32, [1, 5])
    p_row = tf.placeholder(tf.float32, [1, 5])
    step = monotonic_attention(p_row, previous, "recursive")
    recursive = [np.array([[1, 0, 0, 0, 0]], np.float32)]
    with tf.Session() as session:
        for j in range(4):
            recursive.append(session.run(step, {p_row: p_choose_i[j][None],
                                                previous: recursive[-1]}))
    recursive = np.concatenate(recursive[1:])
    np.testing.assert_allclose(recursive, sampled_attention(p_choose_i, 100000, rng),
                               rtol=0, atol=0.5e-2)


@pytest.mark.parametrize("mechanism", [BahdanauMonotonicAttention, LuongMonotonicAttention])
def test_hard_mode_attends_to_one_entry_or_none(mechanism):
    """testBahdanauMonotonicHard, testLuongMonotonicHard."""
    reset_graph()
    b, t, u, d = 10, 20, 30, 40
    attention = mechanism(d, tf.random_normal((b, t, u)), mode="hard")
    attn, _ = attention(tf.random_normal((b, d)), tf.one_hot([0] * b, t))
    attn_out = evaluate(attn)
    assert np.all((attn_out == 0) | (attn_out == 1))
    assert np.all((attn_out.sum(axis=1) == 1) | (attn_out.sum(axis=1) == 0))


# --- 2. float64 NumPy references ------------------------------------------------------------

@pytest.mark.parametrize("mode", ["recursive", "parallel", "hard"])
def test_float64_modes_match_the_recurrence(mode):
    """TF 1.15's recursive mode was float32 only (its ones and zeros); here it follows p."""
    reset_graph()
    rng = np.random.default_rng(3)
    p_choose_i = (rng.integers(0, 2, (6, 9)).astype(float) if mode == "hard"
                  else rng.uniform(0, 0.9, (6, 9)))
    previous = rng.uniform(size=(6, 9)) if mode != "hard" else np.eye(9)[rng.integers(0, 9, 6)]
    got = evaluate(monotonic_attention(tf.constant(p_choose_i), tf.constant(previous), mode))
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, explicit(p_choose_i, previous), rtol=1e-12, atol=1e-12)


def test_monotonic_attention_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be 'recursive', 'parallel', or 'hard'."):
        monotonic_attention(np.ones((1, 2)), np.ones((1, 2)), "soft")


@pytest.mark.parametrize("mode", ["recursive", "parallel", "hard"])
def test_luong_monotonic_step_is_sigmoid_then_recurrence(mode):
    """One step of LuongMonotonicAttention(scale=True, score_bias_init=-0.5), no noise."""
    reset_graph()
    rng = np.random.default_rng(4)
    memory, query = rng.normal(size=(3, 6, 4)), rng.normal(size=(3, 5))
    mechanism = LuongMonotonicAttention(5, tf.constant(memory), memory_sequence_length=[6, 4, 2],
                                        scale=True, score_bias_init=-0.5, mode=mode,
                                        dtype=tf.float64)
    initial = mechanism.initial_alignments(3, tf.float64)
    alignments, next_state = mechanism(tf.constant(query), initial)
    (kernel,) = mechanism.memory_layer.weights
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        w = rng.normal(size=(4, 5))
        kernel.load(w, session)
        first, got, state = session.run([initial, alignments, next_state])
    np.testing.assert_array_equal(first, np.eye(6)[[0, 0, 0]])
    score = 1.0 * np.einsum("bu,btu->bt", query, memory @ w) - 0.5
    score[np.arange(6)[None] >= np.array([6, 4, 2])[:, None]] = -np.inf
    p_choose_i = (score > 0).astype(float) if mode == "hard" else sigmoid(score)
    np.testing.assert_allclose(got, explicit(p_choose_i, first), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(state, got)


def test_hardmax_is_a_one_hot_argmax_with_a_known_or_unknown_depth():
    reset_graph()
    logits = np.random.default_rng(5).normal(size=(2, 3, 7))
    unknown = tf.placeholder(tf.float64, [None, None, None])
    with tf.Session() as session:
        static, dynamic = session.run([hardmax(logits), hardmax(unknown)], {unknown: logits})
    np.testing.assert_array_equal(static, np.eye(7)[logits.argmax(-1)])
    np.testing.assert_array_equal(dynamic, static)
    assert static.dtype == np.float64


def test_safe_cumprod_has_a_finite_gradient_at_zero():
    """d/dx_k sum_j prod_{i<=j} x_i, with x clipped to [tiny, 1]: 0 for a clipped entry, and
    every product through the zero is ~tiny, so only the first entry's gradient is 1."""
    reset_graph()
    x = tf.constant([[0.5, 0.0, 0.25, 1e-30]], tf.float32)
    gradient, = tf.gradients(tf.reduce_sum(safe_cumprod(x, axis=1)), x)
    np.testing.assert_allclose(evaluate(gradient), [[1, 0, 0, 0]], rtol=0, atol=1e-6)
