"""tf.contrib.seq2seq.sequence_loss on TF 2.21: TF 1.15's loss_test.py and a float64 reference.

1. Every test of TF 1.15's ``tensorflow/contrib/seq2seq/python/kernel_tests/loss_test.py``
   (testSequenceLoss, testSequenceLossClass, testSumReduction, testWeightedSumReduction,
   testZeroWeights) with its inputs, its expected loss 1.60944 and its tolerance
   (``assertAllClose``: rtol = atol = 1e-6).
2. An independent float64 NumPy reference (log-sum-exp cross-entropy, weights with zeros)
   for every allowed combination of the four flags, in float64 and float32, and the
   gradient of the default loss with respect to the logits.
3. TF 1.15's errors (rank, average and sum on one axis), softmax_loss_function, name.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq.loss import SequenceLoss, sequence_loss

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults
FLAGS = ("average_across_timesteps", "average_across_batch", "sum_over_timesteps",
         "sum_over_batch")


def run(*fetches):
    with tf.Session() as session:
        return session.run(fetches)


# --- 1. TF 1.15's loss_test.py --------------------------------------------------------------

B, T, V = 2, 3, 5            # loss_test.py's batch_size, sequence_length, number_of_classes
EXPECTED_LOSS = 1.60944      # CE of targets [0, 1, 2] under uniform logits [i + 0.5] * 5


def tf115_inputs(last_weight: float = 1.0):
    """loss_test.py's config_default_values (and its zero last-step weights)."""
    logits = tf.stack([tf.constant(i + 0.5, shape=[B, V]) for i in range(T)], axis=1)
    targets = tf.stack([tf.constant(i, tf.int32, shape=[B]) for i in range(T)], axis=1)
    weights = [tf.constant(1.0, shape=[B]) for _ in range(T)]
    weights[-1] = tf.constant(last_weight, shape=[B])
    return logits, targets, tf.stack(weights, axis=1)


def flags(average_t, average_b, sum_t=False, sum_b=False):
    return dict(zip(FLAGS, (average_t, average_b, sum_t, sum_b), strict=True))


# (average_across_timesteps, average_across_batch) -> the expected shape of a full loss.
AVERAGE_CASES = [((True, True), ()), ((False, True), (T,)), ((True, False), (B,)),
                 ((False, False), (B, T))]
# (sum_over_timesteps, sum_over_batch) with both averages off, as testSumReduction.
SUM_CASES = [((True, True), ()), ((False, True), (T,)), ((True, False), (B,)),
             ((False, False), (B, T))]


def test_sequence_loss_is_tf115_testSequenceLoss():
    reset_graph()
    logits, targets, weights = tf115_inputs()
    losses = [sequence_loss(logits, targets, weights, *averages) for averages, _ in AVERAGE_CASES]
    for got, (_, shape) in zip(run(*losses), AVERAGE_CASES, strict=True):
        np.testing.assert_allclose(got, np.full(shape, EXPECTED_LOSS), **TF_TOL)


def test_sequence_loss_class_is_tf115_testSequenceLossClass():
    reset_graph()
    logits, targets, weights = tf115_inputs()
    losses = [SequenceLoss(**flags(*averages))(targets, logits, weights)
              for averages, _ in AVERAGE_CASES]
    for got, (_, shape) in zip(run(*losses), AVERAGE_CASES, strict=True):
        np.testing.assert_allclose(got, np.full(shape, EXPECTED_LOSS), **TF_TOL)


def test_sum_reduction_is_tf115_testSumReduction():
    reset_graph()
    logits, targets, weights = tf115_inputs()
    losses = [SequenceLoss(**flags(False, False, *sums))(targets, logits, weights)
              for sums, _ in SUM_CASES]
    for got, (_, shape) in zip(run(*losses), SUM_CASES, strict=True):
        np.testing.assert_allclose(got, np.full(shape, EXPECTED_LOSS), **TF_TOL)


def test_weighted_sum_reduction_is_tf115_testWeightedSumReduction():
    """The last step weighs 0: left out of the counts, 0 where it is not reduced away."""
    reset_graph()
    logits, targets, weights = tf115_inputs(last_weight=0.0)
    losses = [SequenceLoss(**flags(False, False, *sums))(targets, logits, weights)
              for sums, _ in SUM_CASES]
    per_step, total = np.full(T, EXPECTED_LOSS), np.full((B, T), EXPECTED_LOSS)
    per_step[-1], total[:, -1] = 0.0, 0.0
    expected = [EXPECTED_LOSS, per_step, np.full(B, EXPECTED_LOSS), total]
    for got, want in zip(run(*losses), expected, strict=True):
        np.testing.assert_allclose(got, want, **TF_TOL)


def test_zero_weights_give_zero_loss_as_tf115_testZeroWeights():
    reset_graph()
    logits, targets, _ = tf115_inputs()
    weights = tf.zeros([B, T])
    losses = [sequence_loss(logits, targets, weights, *averages) for averages, _ in AVERAGE_CASES]
    for got, (_, shape) in zip(run(*losses), AVERAGE_CASES, strict=True):
        np.testing.assert_allclose(got, np.zeros(shape), **TF_TOL)


# --- 2. a float64 NumPy reference -----------------------------------------------------------

def random_batch(seed=0, batch=3, steps=4, classes=6):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(batch, steps, classes))
    targets = rng.integers(0, classes, size=(batch, steps)).astype(np.int32)
    weights = rng.uniform(0.5, 2.0, size=(batch, steps))
    weights[0, -2:] = 0.0            # a padded sequence
    weights[:, 1] = 0.0              # a step no entry counts (its sums divide by zero: 0)
    return logits, targets, weights


def np_cross_entropy(logits, targets):
    """-log softmax(logits)[target], by log-sum-exp in float64: [B, T]."""
    top = logits.max(-1, keepdims=True)
    log_norm = top[..., 0] + np.log(np.exp(logits - top).sum(-1))
    return log_norm - np.take_along_axis(logits, targets[..., None], -1)[..., 0]


def np_divide(numerator, denominator):
    """TF's div_no_nan: 0 where the denominator is 0."""
    return np.where(denominator == 0, 0.0, numerator / np.where(denominator == 0, 1, denominator))


def np_sequence_loss(logits, targets, weights, average_across_timesteps, average_across_batch,
                     sum_over_timesteps, sum_over_batch):
    """The reductions of the module docstring, written out per case."""
    crossent = weights * np_cross_entropy(logits, targets)
    counts = (weights != 0).astype(np.float64)
    if average_across_timesteps and average_across_batch:
        return np_divide(crossent.sum(), weights.sum())
    if sum_over_timesteps and sum_over_batch:
        return np_divide(crossent.sum(), counts.sum())
    if average_across_timesteps or average_across_batch:
        axis = 0 if average_across_batch else 1
        return np_divide(crossent.sum(axis), weights.sum(axis))
    if sum_over_timesteps or sum_over_batch:
        axis = 0 if sum_over_batch else 1
        return np_divide(crossent.sum(axis), counts.sum(axis))
    return crossent


ALLOWED = [combo for combo in itertools.product((True, False), repeat=4)
           if not (combo[0] and combo[2]) and not (combo[1] and combo[3])]


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 2e-6)])
def test_every_flag_combination_matches_a_float64_reference(dtype, tol):
    reset_graph()
    logits, targets, weights = random_batch()
    losses = [sequence_loss(logits.astype(dtype), targets, weights.astype(dtype),
                            **dict(zip(FLAGS, combo, strict=True))) for combo in ALLOWED]
    assert len(ALLOWED) == 9
    for got, combo in zip(run(*losses), ALLOWED, strict=True):
        expected = np_sequence_loss(logits, targets, weights, *combo)
        assert got.shape == np.shape(expected), combo
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol, err_msg=str(combo))


def test_average_and_sum_on_different_axes_is_the_average_alone():
    """TF 1.15's first-branch-wins: average_across_timesteps with sum_over_batch gives [B]."""
    reset_graph()
    logits, targets, weights = random_batch(seed=1)
    mixed = sequence_loss(logits, targets, weights, average_across_timesteps=True,
                          average_across_batch=False, sum_over_batch=True)
    got, = run(mixed)
    np.testing.assert_allclose(got, np_sequence_loss(logits, targets, weights, True, False,
                                                     False, False), rtol=1e-12)


def test_gradient_of_the_mean_loss_is_weighted_softmax_minus_one_hot():
    """d loss / d logits = w * (softmax(logits) - onehot(target)) / sum(w)."""
    reset_graph()
    logits, targets, weights = random_batch(seed=2)
    logits_t = tf.constant(logits)
    gradient, = tf.gradients(sequence_loss(logits_t, targets, weights), logits_t)
    softmax = np.exp(logits - logits.max(-1, keepdims=True))
    softmax /= softmax.sum(-1, keepdims=True)
    one_hot = np.eye(logits.shape[-1])[targets]
    expected = weights[..., None] * (softmax - one_hot) / weights.sum()
    np.testing.assert_allclose(run(gradient)[0], expected, rtol=1e-10, atol=1e-12)


# --- 3. errors, softmax_loss_function, name -------------------------------------------------

@pytest.mark.parametrize("first, second, message", [
    ("average_across_timesteps", "sum_over_timesteps",
     "average_across_timesteps and sum_over_timesteps cannot be set to True at same time."),
    ("average_across_batch", "sum_over_batch",
     "average_across_batch and sum_over_batch cannot be set to True at same time."),
])
def test_average_and_sum_on_one_axis_raise_tf115_value_error(first, second, message):
    reset_graph()
    logits, targets, weights = random_batch()
    with pytest.raises(ValueError) as raised:
        sequence_loss(logits, targets, weights, **{first: True, second: True})
    assert str(raised.value) == message


@pytest.mark.parametrize("which, message", [
    ("logits", "Logits must be a [batch_size x sequence_length x logits] tensor"),
    ("targets", "Targets must be a [batch_size x sequence_length] tensor"),
    ("weights", "Weights must be a [batch_size x sequence_length] tensor"),
])
def test_wrong_ranks_raise_tf115_value_errors(which, message):
    reset_graph()
    arguments = dict(zip(("logits", "targets", "weights"), random_batch(), strict=True))
    arguments[which] = arguments[which][0]       # one rank short
    with pytest.raises(ValueError) as raised:
        sequence_loss(**arguments)
    assert str(raised.value) == message


def test_softmax_loss_function_is_called_with_keywords_on_flat_inputs():
    """A keyword-only function (TF 1.15 calls it as f(labels=, logits=)) replaces the CE."""
    reset_graph()
    logits, targets, weights = random_batch(seed=3)
    seen = {}

    def squared_error(*, labels, logits):
        seen.update(labels=labels.shape.as_list(), logits=logits.shape.as_list())
        return tf.reduce_sum(tf.square(tf.one_hot(labels, 6, dtype=logits.dtype) - logits), -1)

    loss = sequence_loss(logits, targets, weights, average_across_timesteps=False,
                         average_across_batch=False, softmax_loss_function=squared_error)
    expected = weights * ((np.eye(6)[targets] - logits) ** 2).sum(-1)
    np.testing.assert_allclose(run(loss)[0], expected, rtol=1e-12)
    assert seen == {"labels": [12], "logits": [12, 6]}


def test_name_scopes_the_ops_and_defaults_to_sequence_loss():
    reset_graph()
    logits, targets, weights = random_batch()
    assert sequence_loss(logits, targets, weights, name="my_loss").op.name.startswith("my_loss/")
    assert sequence_loss(logits, targets, weights).op.name.startswith("sequence_loss/")
