"""tf.contrib.layers.optimize_loss and adaptive_clipping_fn on TF 2.21 (both repaired).

TF 1.15's optimizers_test numbers, reproduced on its model (``loss = |var * x|``, var = 10,
x = 5, so d loss / d var = 5); the IndexedSlices paths (embedding gradients) against NumPy;
and a tiny LSTM regression trained through optimize_loss with clipping and every summary.
"""

from __future__ import annotations

import numpy as np
import pytest

import tf1_lstm.contrib.layers as layers
from tf1_lstm.compat import reset_graph, rnn, tf


def tf115_model():
    """TF 1.15 optimizers_test._setup_model."""
    x = tf.placeholder(tf.float32, [])
    var = tf.get_variable("test", [], initializer=tf.constant_initializer(10))
    loss = tf.abs(var * x)
    global_step = tf.get_variable("global_step", [], trainable=False, dtype=tf.int64,
                                  initializer=tf.constant_initializer(0, dtype=tf.int64))
    return x, var, loss, global_step


def one_step(multiplier=None, **optimize_kwargs):
    """(var, global_step) after one optimize_loss step of TF 1.15's model.

    multiplier: var's gradient multiplier, a float or the dtype of a placeholder fed 7.
    """
    reset_graph()
    x, var, loss, global_step = tf115_model()
    feed = {x: 5}
    if isinstance(multiplier, float):
        optimize_kwargs["gradient_multipliers"] = {var: multiplier}
    elif multiplier is not None:
        fed = tf.placeholder(multiplier, [])
        optimize_kwargs["gradient_multipliers"] = {var: fed}
        feed[fed] = 7.0
    train = layers.optimize_loss(
        loss, global_step, **({"learning_rate": 0.1, "optimizer": "SGD"} | optimize_kwargs))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(train, feed)
        return session.run([var, global_step])


@pytest.mark.parametrize("optimizer", [
    "SGD", tf.train.GradientDescentOptimizer, tf.train.GradientDescentOptimizer(0.1),
    lambda lr: tf.train.GradientDescentOptimizer(lr), "Momentum"])
def test_optimize_loss_takes_tf115s_sgd_step(optimizer):
    """TF 1.15 optimizers_test: testSGDOptimizer (10 - 0.1 * 5 = 9.5)."""
    assert one_step(optimizer=optimizer) == [9.5, 1]


def test_clipped_optimize_loss_takes_tf115s_step():
    """TF 1.15 optimizers_test: testGradientClip."""
    var, step = one_step(clip_gradients=0.1)
    assert var == pytest.approx(9.98999, abs=1e-4) and step == 1


def test_adaptive_clipping_takes_tf115s_step_with_its_two_moving_averages():
    """TF 1.15 optimizers_test: testAdaptiveGradientClip."""
    var, step = one_step(clip_gradients=layers.adaptive_clipping_fn())
    assert var == pytest.approx(9.8916, abs=1e-4) and step == 1
    names = [v.op.name for v in tf.global_variables()
             if v.op.name.startswith("OptimizeLoss/AdaptiveMaxNorm")]
    assert len(names) == 2


@pytest.mark.parametrize("multiplier", [7.0, tf.float32, tf.float64])
def test_gradient_multipliers_scale_the_step_as_tf115(multiplier):
    """TF 1.15 optimizers_test: testGradientMultiply, ...Int32Tensor, ...Int64Tensor."""
    var, step = one_step(multiplier)
    assert var == pytest.approx(6.5, abs=1e-4) and step == 1  # 10 - 0.1 * 7 * 5


def test_gradient_noise_is_added_with_and_without_clipping():
    """TF 1.15 optimizers_test: testGradientNoise(WithClipping) gives 9.86912 with seed 42; the
    noise is a graph-dependent draw, so here: the step differs from the noiseless 9.5 and
    clipping at 10 leaves the same draw unchanged."""
    noisy, _ = one_step(gradient_noise_scale=10.0)  # reset_graph seeds the graph with 42
    noisy_clipped, _ = one_step(gradient_noise_scale=10.0, clip_gradients=10.0)
    assert noisy != pytest.approx(9.5, abs=1e-3)
    assert noisy_clipped == pytest.approx(noisy, abs=1e-5)


def test_adaptive_clipping_passes_steady_gradients_and_damps_a_spike():
    """TF 1.15 optimizers_test: AdaptiveClipping.testClip."""
    reset_graph()
    multiplier = tf.placeholder(tf.float32, [])
    step = tf.placeholder(tf.int32, [])
    grad = tf.ones([3, 4]) * multiplier
    clipped = layers.adaptive_clipping_fn(decay=0.9, global_step=step)([(grad, grad)])[0][0]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())

        def run(scale, i):
            return session.run(clipped, {multiplier: scale, step: i})

        for i in range(20):
            scale = [1.0, -2.0][i % 2]
            if i > 3:
                np.testing.assert_allclose(run(scale, i), np.full((3, 4), scale), rtol=1e-6)
            else:
                run(scale, i)
        assert (run(1000.0, 20) < 25.0).all()
        for i in range(10):
            spiked = run(1000.0, 21 + i)
    np.testing.assert_allclose(spiked, np.full((3, 4), 1000.0), rtol=1e-6)


def test_indexed_slices_gradients_are_clipped_multiplied_and_applied_row_by_row():
    """loss = sum of table rows [0, 1, 1]: d loss / d row = count of the row (as IndexedSlices).
    multiplier 2, SGD 0.1, clipping at 10 (inactive): each row moves by -0.2 * count."""
    reset_graph()
    start = np.arange(15, dtype=np.float32).reshape(5, 3)
    table = tf.get_variable("table", initializer=start)
    loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [0, 1, 1]))
    train = layers.optimize_loss(loss, tf.train.get_or_create_global_step(), 0.1, "SGD",
                                 clip_gradients=10.0, gradient_multipliers={table: 2.0},
                                 summaries=layers.OPTIMIZER_SUMMARIES)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(train)
        got = session.run(table)
    counts = np.array([1, 2, 0, 0, 0], np.float32)[:, None]
    np.testing.assert_allclose(got, start - 0.2 * counts, rtol=0, atol=1e-6)


def test_optimize_loss_trains_a_tiny_lstm_regression_with_clipping_and_summaries():
    reset_graph()
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(16, 5, 2)).astype(np.float32)      # [B, T, I]
    targets = inputs.sum(axis=(1, 2))[:, None] / 5               # [B, 1]
    cell = rnn.BasicLSTMCell(8)
    _, state = tf.nn.dynamic_rnn(cell, tf.constant(inputs), dtype=tf.float32)
    prediction = layers.fully_connected(state.h, 1, activation_fn=None)
    loss = tf.losses.mean_squared_error(targets, prediction)
    # As in TF 1.15, the learning_rate summary is written only with a learning_rate_decay_fn.
    train = layers.optimize_loss(
        loss, tf.train.get_or_create_global_step(), 0.05, "Adam", clip_gradients=1.0,
        learning_rate_decay_fn=lambda rate, step: tf.train.exponential_decay(rate, step, 100, 0.9),
        summaries=layers.OPTIMIZER_SUMMARIES)
    summaries = tf.summary.merge_all()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        first = session.run(loss)
        for _ in range(60):
            session.run(train)
        last, summary_bytes = session.run([loss, summaries])
    assert last < 0.3 * first
    tags = {value.tag for value in tf.Summary.FromString(summary_bytes).value}
    assert {"OptimizeLoss/loss", "OptimizeLoss/global_norm/gradient_norm",
            "OptimizeLoss/global_norm/clipped_gradient_norm"} <= tags
    # learning_rate_1: the learning_rate variable took the op name, in TF 1.15 too.
    for prefix in ("learning_rate", "gradients/", "gradient_norm/"):
        assert any(tag.startswith(f"OptimizeLoss/{prefix}") for tag in tags), prefix
