"""tf.contrib.legacy_seq2seq's sequence losses on TF 2.21.

1. TF 1.15's seq2seq_test.py: testSequenceLoss, testSequenceLossByExample (its logits and
   its numbers: 1.60944, 4.828314, 9.656628, [1.609438] * 2, [4.828314] * 2, at
   assertAllClose's rtol = atol = 1e-6).
2. A float64 NumPy reference with random logits, uneven weights (zeros included) and a
   run-time batch size, for every averaging option.
3. TF 1.15's contract for softmax_loss_function (keywords only, targets as given) and its
   ValueError for lists of different lengths.
"""

from __future__ import annotations

import numpy as np
import pytest
from legacy_seq2seq_support import TF_TOL

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib
from tf1_lstm.contrib.legacy_seq2seq import losses


def run(fetches, feed=None):
    with tf.Session() as session:
        return session.run(fetches, feed)


def tf115_inputs(output_classes=5):
    """seq2seq_test.py's: 3 steps of constant logits i + 0.5, targets i, weights 1."""
    logits = [tf.constant(i + 0.5, shape=[2, output_classes]) for i in range(3)]
    targets = [tf.constant(i, tf.int32, shape=[2]) for i in range(3)]
    weights = [tf.constant(1.0, shape=[2]) for _ in range(3)]
    return logits, targets, weights


# --- 1. TF 1.15's seq2seq_test.py ---------------------------------------------------------------

@pytest.mark.parametrize("across_timesteps, across_batch, expected", [
    (True, True, 1.60944), (False, True, 4.828314), (False, False, 9.656628)])
def test_sequence_loss_is_tf115_testSequenceLoss(across_timesteps, across_batch, expected):
    reset_graph()
    loss = seq2seq_lib.sequence_loss(*tf115_inputs(), average_across_timesteps=across_timesteps,
                                     average_across_batch=across_batch)
    np.testing.assert_allclose(run(loss), expected, **TF_TOL)


@pytest.mark.parametrize("across_timesteps, expected", [(True, 1.609438), (False, 4.828314)])
def test_sequence_loss_by_example_is_tf115_testSequenceLossByExample(across_timesteps,
                                                                    expected):
    reset_graph()
    loss = seq2seq_lib.sequence_loss_by_example(*tf115_inputs(),
                                                average_across_timesteps=across_timesteps)
    np.testing.assert_allclose(run(loss), np.asarray([expected, expected]), **TF_TOL)


# --- 2. a float64 NumPy reference ---------------------------------------------------------------

T, B, C = 4, 3, 6


def numpy_losses(logits, targets, weights):
    """Per example: sum_t w_t * crossent_t, and that divided by sum_t w_t + 1e-12."""
    shifted = logits - logits.max(-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))     # [T, B, C]
    crossent = -np.take_along_axis(log_probs, targets[..., None], -1)[..., 0]  # [T, B]
    total = (crossent * weights).sum(0)                                       # [B]
    return total, total / (weights.sum(0) + 1e-12)


def random_problem(seed=5):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(T, B, C))
    targets = rng.integers(0, C, size=(T, B))
    weights = rng.uniform(0.2, 1.5, size=(T, B))
    weights[2:, 1] = 0.0   # example 1 is padded after two steps
    weights[:, 2] = 0.0    # example 2 is all padding: its loss is 0, not NaN
    return logits, targets, weights


def test_both_losses_match_a_float64_numpy_reference_with_padding_and_unknown_batch():
    reset_graph()
    logits, targets, weights = random_problem()
    logit_in = [tf.placeholder(tf.float64, [None, C]) for _ in range(T)]
    target_in = [tf.placeholder(tf.int32, [None]) for _ in range(T)]
    weight_in = [tf.placeholder(tf.float64, [None]) for _ in range(T)]
    feed = {}
    for placeholders, values in ((logit_in, logits), (target_in, targets), (weight_in, weights)):
        feed.update(zip(placeholders, values, strict=True))
    args = (logit_in, target_in, weight_in)
    fetches = {
        "by_example_total": seq2seq_lib.sequence_loss_by_example(
            *args, average_across_timesteps=False),
        "by_example_mean": seq2seq_lib.sequence_loss_by_example(*args),
        "sum": seq2seq_lib.sequence_loss(*args, average_across_timesteps=False,
                                         average_across_batch=False),
        "batch_mean": seq2seq_lib.sequence_loss(*args, average_across_timesteps=False),
        "default": seq2seq_lib.sequence_loss(*args),
    }
    got = run(fetches, feed)
    total, per_step = numpy_losses(logits, targets, weights)
    tight = dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got["by_example_total"], total, **tight)
    np.testing.assert_allclose(got["by_example_mean"], per_step, **tight)
    assert got["by_example_mean"][2] == 0.0
    np.testing.assert_allclose(got["sum"], total.sum(), **tight)
    np.testing.assert_allclose(got["batch_mean"], total.sum() / B, **tight)
    np.testing.assert_allclose(got["default"], per_step.sum() / B, **tight)


# --- 3. softmax_loss_function and errors --------------------------------------------------------

def test_a_custom_loss_gets_labels_and_logits_by_keyword_with_the_target_unreshaped():
    reset_graph()
    calls = []

    def loss_function(*args, labels, logits):
        assert not args  # TF 1.15 required the function to accept named arguments
        calls.append((labels, logits))
        return tf.reduce_sum(logits, 1) * 0 + 2.0                                 # [B]

    logits, _, weights = tf115_inputs()
    targets = [tf.constant(i, tf.int32, shape=[2, 1]) for i in range(3)]  # not reshaped
    loss = seq2seq_lib.sequence_loss_by_example(logits, targets, weights,
                                                softmax_loss_function=loss_function)
    assert [labels for labels, _ in calls] == targets
    assert [logit for _, logit in calls] == logits
    np.testing.assert_allclose(run(loss), [2.0, 2.0], **TF_TOL)  # (3 * 2) / 3 per example


def test_a_tf012_or_tf10_positional_loss_is_called_in_the_order_its_names_say(monkeypatch):
    """TF 0.12 called softmax_loss_function(logit, target); TF 1.15 would fail on these."""
    reset_graph()
    told = []
    monkeypatch.setattr(losses, "on_positional_loss", lambda *args: told.append(args))

    def tf012_loss(inputs, labels):
        return tf.nn.sparse_softmax_cross_entropy_with_logits(logits=inputs, labels=labels)

    def tf10_loss(labels, inputs):
        return tf.nn.sparse_softmax_cross_entropy_with_logits(logits=inputs, labels=labels)

    logits, targets, weights = tf115_inputs()
    default, *custom = (seq2seq_lib.sequence_loss_by_example(
        logits, targets, weights, softmax_loss_function=function)
        for function in (None, tf012_loss, tf10_loss))
    expected, *got = run([default, *custom])
    for value in got:
        np.testing.assert_allclose(value, expected, **TF_TOL)
    assert told == [("tf012_loss", ("inputs", "labels"))] * 3 + [
        ("tf10_loss", ("labels", "inputs"))] * 3  # once a step


def test_the_default_loss_reshapes_scalar_like_targets_as_tf115_did():
    reset_graph()
    logits, _, weights = tf115_inputs()
    targets = [tf.constant(i, tf.int32, shape=[2, 1]) for i in range(3)]  # [B, 1]: reshaped
    loss = seq2seq_lib.sequence_loss_by_example(logits, targets, weights)
    np.testing.assert_allclose(run(loss), [1.609438, 1.609438], **TF_TOL)


@pytest.mark.parametrize("function", ["sequence_loss_by_example", "sequence_loss"])
def test_lists_of_different_lengths_raise_tf115s_value_error(function):
    reset_graph()
    logits, targets, weights = tf115_inputs()
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the "
                                         "same 3, 2, 3."):
        getattr(seq2seq_lib, function)(logits, targets, weights[:2])


def test_the_ops_are_named_as_tf115_named_them():
    reset_graph()
    by_example = seq2seq_lib.sequence_loss_by_example(*tf115_inputs())
    loss = seq2seq_lib.sequence_loss(*tf115_inputs(), name="my_loss")
    assert by_example.op.name.startswith("sequence_loss_by_example/")
    assert loss.op.name.startswith("my_loss/")
