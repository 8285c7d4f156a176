"""tf.contrib.layers.batch_norm on TF 2.21: every path, against NumPy and TF 1.15's tests.

tf_slim's batch_norm takes one of three paths: the core ``tf.layers.BatchNormalization``
layer (the default for 4-D inputs; bare tf_slim cannot load it on TF 2.21), its own fused
kernel (2-D inputs, ``updates_collections=None``, ``zero_debias_moving_mean``), or moments
and moving averages written out (``fused=False`` with either of the last two; these read
``ops.Tensor`` and ``control_flow_ops.cond``). The expected values are a float64 NumPy
reference:

    mean, var = mean_x, var_x over every axis but the channel one (biased var)
    y = gamma * (x - mean) / sqrt(var + epsilon) + beta             training
    y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta   inference
    moving_stat <- decay * moving_stat + (1 - decay) * batch_stat

where the fused kernels update moving_variance with the unbiased variance (Bessel's
correction, n / (n - 1)), as TF 1.15's own layers_test says (``_addBesselsCorrection``).
"""

from __future__ import annotations

import numpy as np
import pytest

import tf1_lstm.contrib.layers as layers
from tf1_lstm.compat import reset_graph, tf

EPSILON = 0.001  # batch_norm's default
ATOL = 1e-5


def images(seed: int = 1, shape=(10, 2, 2, 3)) -> np.ndarray:
    return np.random.default_rng(seed).random(shape)


def numpy_batch_norm(x, mean, var, gamma=1.0, beta=0.0, epsilon=EPSILON):
    return gamma * (x - mean) / np.sqrt(var + epsilon) + beta


def moments(x: np.ndarray, unbiased: bool):
    axes = tuple(range(x.ndim - 1))
    n = np.prod([x.shape[a] for a in axes])
    return x.mean(axes), x.var(axes) * (n / (n - 1) if unbiased else 1.0)


def moving(name: str):
    return layers.get_variables(f"BatchNorm/{name}")[0]


# --- variable names (TF 1.15 layers_test: testCreateVariables, ...ZeroDebias) ---------------

def test_batch_norm_creates_tf1_variable_names_through_the_core_layer():
    reset_graph()
    layers.batch_norm(tf.constant(images(), tf.float32), scale=True)
    assert sorted((v.op.name, v.shape.as_list()) for v in layers.get_model_variables()) == [
        ("BatchNorm/beta", [3]), ("BatchNorm/gamma", [3]), ("BatchNorm/moving_mean", [3]),
        ("BatchNorm/moving_variance", [3])]
    assert [op.name for op in tf.get_collection(tf.GraphKeys.UPDATE_OPS)] == [
        "BatchNorm/AssignMovingAvg", "BatchNorm/AssignMovingAvg_1"]


def test_zero_debias_batch_norm_adds_tf1s_biased_and_local_step_variables():
    reset_graph()
    layers.batch_norm(tf.constant(images(), tf.float32), scale=True,
                      zero_debias_moving_mean=True, fused=False)
    names = {v.op.name for v in layers.get_model_variables()}
    assert {"BatchNorm/BatchNorm/moving_mean/biased",
            "BatchNorm/BatchNorm/moving_mean/local_step"} <= names
    assert len(names) == 6


# --- training output and moving statistics ---------------------------------------------------

@pytest.mark.parametrize("fused", [True, False])
@pytest.mark.parametrize("updates_collections", [None, tf.GraphKeys.UPDATE_OPS])
def test_training_batch_norm_matches_numpy_and_its_moving_stats_converge(
        fused, updates_collections):
    """TF 1.15 layers_test: _testNoneUpdatesCollections / _testDelayedUpdateMovingVars."""
    reset_graph()
    x = images()
    gamma, beta = np.array([0.5, 1.0, 2.0]), np.array([-1.0, 0.0, 1.0])
    output = layers.batch_norm(
        tf.constant(x, tf.float32), decay=0.1, scale=True, fused=fused,
        updates_collections=updates_collections, is_training=True,
        param_initializers={"gamma": tf.constant_initializer(gamma),
                            "beta": tf.constant_initializer(beta)})
    update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(update_ops) == (0 if updates_collections is None else 2)
    with tf.control_dependencies(update_ops):
        output = tf.identity(output)
    mean, var = moments(x, unbiased=False)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        got = session.run(output)
        for _ in range(9):
            session.run(output)
        moving_mean, moving_variance = session.run([moving("moving_mean"),
                                                    moving("moving_variance")])
    np.testing.assert_allclose(got, numpy_batch_norm(x, mean, var, gamma, beta), atol=ATOL)
    # decay 0.1, ten updates: the moving statistics are the batch's (to 0.1**10).
    np.testing.assert_allclose(moving_mean, mean, atol=ATOL)
    np.testing.assert_allclose(moving_variance, moments(x, unbiased=fused)[1], atol=ATOL)


def test_rank_2_batch_norm_uses_the_fused_kernel_and_matches_numpy():
    reset_graph()
    x = images(shape=(16, 4))
    output = layers.batch_norm(tf.constant(x, tf.float32), decay=0.5, is_training=True,
                               updates_collections=None)
    mean, var = moments(x, unbiased=False)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        got = session.run(output)
        moving_variance = session.run(moving("moving_variance"))
    np.testing.assert_allclose(got, numpy_batch_norm(x, mean, var), atol=ATOL)
    # one update from 1 with decay 0.5, Bessel-corrected as the fused kernel does
    np.testing.assert_allclose(moving_variance, 0.5 + 0.5 * moments(x, unbiased=True)[1],
                               atol=ATOL)


def test_zero_debias_moving_mean_is_the_batch_mean_after_every_update():
    """TF 1.15 layers_test: testZeroDebiasMovingMean."""
    reset_graph()
    x = images(shape=(10, 3, 3, 3))
    output = layers.batch_norm(tf.constant(x, tf.float32), decay=0.1, updates_collections=None,
                               zero_debias_moving_mean=True, fused=False)
    mean, var = moments(x, unbiased=False)
    biased = layers.get_variables_by_name("biased")[0]
    local_step = layers.get_variables_by_name("local_step")[0]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for step in range(10):
            assert session.run(local_step) == step
            session.run(output)
            np.testing.assert_allclose(session.run(moving("moving_mean")), mean, atol=ATOL)
        np.testing.assert_allclose(session.run(biased), mean, atol=ATOL)
        np.testing.assert_allclose(session.run(moving("moving_variance")), var, atol=ATOL)


# --- inference ---------------------------------------------------------------------------

@pytest.mark.parametrize("fused", [True, False])
def test_inference_batch_norm_uses_the_moving_stats_and_leaves_them_alone(fused):
    """TF 1.15 layers_test: _testEvalMovingVars, plus the output against NumPy."""
    reset_graph()
    x = tf.placeholder(tf.float32, (10, 3, 3, 3))
    output = layers.batch_norm(x, decay=0.1, is_training=False, fused=fused)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    stored_mean, stored_var = np.array([0.2, 0.5, 0.9]), np.array([0.5, 1.5, 3.0])
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run([tf.assign(moving("moving_mean"), stored_mean),
                     tf.assign(moving("moving_variance"), stored_var)])
        for seed in range(3):
            fed = images(seed, (10, 3, 3, 3))
            np.testing.assert_allclose(session.run(output, {x: fed}),
                                       numpy_batch_norm(fed, stored_mean, stored_var),
                                       atol=ATOL)
        np.testing.assert_allclose(session.run(moving("moving_mean")), stored_mean, atol=ATOL)
        np.testing.assert_allclose(session.run(moving("moving_variance")), stored_var,
                                   atol=ATOL)


def test_is_training_placeholder_switches_between_batch_and_moving_stats():
    reset_graph()
    x = images(shape=(8, 3))
    is_training = tf.placeholder(tf.bool, [])
    output = layers.batch_norm(tf.constant(x, tf.float32), is_training=is_training,
                               updates_collections=None, fused=False)
    mean, var = moments(x, unbiased=False)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        inferred = session.run(output, {is_training: False})  # moving stats still 0 and 1
        trained = session.run(output, {is_training: True})
    np.testing.assert_allclose(inferred, numpy_batch_norm(x, 0.0, 1.0), atol=ATOL)
    np.testing.assert_allclose(trained, numpy_batch_norm(x, mean, var), atol=ATOL)
