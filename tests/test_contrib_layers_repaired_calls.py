"""The other tf_slim calls the repair fixes, checked for what they compute (NumPy, TF 1.15).

In ``tf.contrib.layers``: ``legacy_fully_connected`` on rank-3 inputs, ``local_variable`` /
``global_variable``, ``recompute_grad`` and ``RevBlock``; in the rest of ``tf.contrib.slim``:
``learning`` / ``training`` gradient clipping and multipliers, ``metrics`` (concat, dynamic
AUC, histogram AUC), ``losses``' metric-learning ``cluster_loss`` and
``data.tfexample_decoder``'s handlers. Bare tf_slim raises on each (see
``test_contrib_layers_repair``: every one reads a name listed in ``RESTORED_NAMES``).
"""

from __future__ import annotations

import numpy as np
import pytest

import tf1_lstm.contrib.slim as slim
from tf1_lstm.compat import reset_graph, tf


def run(tensors, feed=None):
    with tf.Session() as session:
        session.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        return session.run(tensors, feed)


# --- tf.contrib.layers ------------------------------------------------------------------------

def test_legacy_fully_connected_on_rank_3_inputs_is_x_w_plus_b_per_position():
    reset_graph()
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype(np.float32)
    y = slim.legacy_fully_connected(tf.constant(x), 4, bias_init=tf.constant_initializer(0.5))
    (w,) = [v for v in tf.global_variables() if v.op.name.endswith("weights")]
    assert y.shape.as_list() == [2, 5, 4]
    got, w_value = run([y, w])
    np.testing.assert_allclose(got, x @ w_value + 0.5, atol=1e-5)


@pytest.mark.parametrize(("make", "collection"), [
    (slim.local_variable, tf.GraphKeys.LOCAL_VARIABLES),
    (slim.global_variable, tf.GraphKeys.GLOBAL_VARIABLES)])
def test_local_and_global_variable_are_untrained_variables_in_their_collection(make, collection):
    reset_graph()
    variable = make([1.0, 2.0], name="counter")
    assert tf.get_collection(collection) == [variable]
    assert tf.trainable_variables() == []
    assert variable.op.name == "counter"
    np.testing.assert_array_equal(run(variable), [1.0, 2.0])


def test_recompute_grad_gives_the_same_outputs_and_gradients_as_the_plain_function():
    """TF 1.15 rev_block_lib_test: RecomputeTest.testRecompute (with a non-uniform kernel,
    since TF's constant 42.42 kernel after layer_norm made every output 0)."""
    rng = np.random.default_rng(0)  # constant initial values: every variant has the same model
    weights, kernel = rng.normal(size=(3, 3)), rng.normal(size=(1, 3, 10))

    def layer(x):
        with tf.variable_scope(None, default_name="layer"):  # re-entered by the recompute
            x = slim.layer_norm(slim.fully_connected(
                x, 3, weights_initializer=tf.constant_initializer(weights)))
            return tf.nn.relu(tf.layers.conv1d(x, 10, 1, use_bias=False,
                                               kernel_initializer=tf.constant_initializer(kernel)))

    def stack(x):
        return layer(layer(x)[..., :3])

    reset_graph()
    x = tf.random_uniform((3, 1, 3), seed=1)
    results = []
    for name, fn in [("recompute", slim.recompute_grad(stack)), ("regular", stack),
                     ("use_data_dep", slim.recompute_grad(use_data_dep=True)(stack)),
                     ("tupleize", slim.recompute_grad(tupleize_grads=True)(stack))]:
        with tf.variable_scope(name, use_resource=True) as scope:
            results.append((tf.reduce_sum(fn(x)), scope.trainable_variables()))
    values = run([(out, tf.gradients(out, [x, *wrt])) for out, wrt in results])
    assert values[0][0] != 0
    for out, grads in values[1:]:
        assert out == pytest.approx(values[0][0], rel=1e-5)
        for got, expected in zip(grads, values[0][1], strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


def test_rev_block_backward_inverts_forward():
    """TF 1.15 rev_block_lib_test: RevBlockTest.testForwardBackward (atol 1e-5)."""
    reset_graph()
    x1, x2 = tf.split(tf.random_uniform([16, 8], seed=2), 2, axis=-1)
    block = slim.RevBlock(lambda x: tf.layers.dense(x, 4), lambda x: tf.layers.dense(x, 4),
                          num_layers=3)
    x1_back, x2_back = block.backward(*block.forward(x1, x2))
    x1_value, x2_value, x1_back_value, x2_back_value = run([x1, x2, x1_back, x2_back])
    np.testing.assert_allclose(x1_back_value, x1_value, atol=1e-5)
    np.testing.assert_allclose(x2_back_value, x2_value, atol=1e-5)


# --- slim.learning and slim.training ----------------------------------------------------------

def embedding_gradients():
    """d sum(table[[0, 1, 1]]) / d table as IndexedSlices (rows 0, 1, 1 of ones), and a dense
    gradient of 3s for a second variable."""
    table = tf.get_variable("table", [4, 2], initializer=tf.zeros_initializer())
    bias = tf.get_variable("bias", [2], initializer=tf.zeros_initializer())
    loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [0, 1, 1])) + 3 * tf.reduce_sum(bias)
    grads = tf.gradients(loss, [table, bias])
    assert isinstance(grads[0], tf.IndexedSlices)
    return list(zip(grads, [table, bias], strict=True))


def dense(grad):
    return tf.convert_to_tensor(grad)


@pytest.mark.parametrize("module", [slim.learning, slim.training])
def test_gradient_multipliers_scale_indexed_slices_and_dense_gradients(module):
    reset_graph()
    grads_and_vars = embedding_gradients()
    table, bias = (v for _, v in grads_and_vars)
    multiplied = module.multiply_gradients(grads_and_vars, {table: 2.0, bias: tf.constant(0.5)})
    got_table, got_bias = run([dense(g) for g, _ in multiplied])
    np.testing.assert_allclose(got_table, [[2, 2], [4, 4], [0, 0], [0, 0]])
    np.testing.assert_allclose(got_bias, [1.5, 1.5])


@pytest.mark.parametrize("module", [slim.learning, slim.training])
def test_gradient_norm_clipping_clips_each_indexed_slices_value_block(module):
    reset_graph()
    clipped = module.clip_gradient_norms(embedding_gradients(), 1.0)
    got_table, got_bias = run([dense(g) for g, _ in clipped])
    # IndexedSlices values: three rows of [1, 1], norm sqrt(6); dense [3, 3], norm sqrt(18).
    np.testing.assert_allclose(got_table, np.array([[1, 1], [2, 2], [0, 0], [0, 0]]) / 6 ** 0.5,
                               rtol=1e-6)
    np.testing.assert_allclose(got_bias, [2 ** -0.5] * 2, rtol=1e-6)


@pytest.mark.parametrize("module", [slim.learning, slim.training])
def test_gradient_summaries_cover_indexed_slices(module):
    reset_graph()
    summaries = module.add_gradients_summaries(embedding_gradients())
    assert len(summaries) == 4  # a histogram and a norm per variable
    run(summaries)


def test_slim_learning_create_train_op_clips_and_multiplies_then_steps():
    reset_graph()
    var = tf.get_variable("v", [], initializer=tf.constant_initializer(10.0))
    train = slim.learning.create_train_op(
        tf.abs(var * 5.0), tf.train.GradientDescentOptimizer(0.1), clip_gradient_norm=2.0,
        gradient_multipliers={var: 3.0})
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(train)
        assert session.run(var) == pytest.approx(10 - 0.1 * 2.0)  # 5 * 3, clipped to 2


# --- slim.metrics, slim.losses, slim.data -----------------------------------------------------

def test_streaming_concat_concatenates_every_update():
    reset_graph()
    values = tf.placeholder(tf.int32, [None])
    concatenated, update = slim.metrics.streaming_concat(values)
    with tf.Session() as session:
        session.run(tf.local_variables_initializer())
        session.run(update, {values: [0, 1, 2]})
        session.run(update, {values: [3, 4]})
        np.testing.assert_array_equal(session.run(concatenated), [0, 1, 2, 3, 4])


def test_dynamic_and_histogram_aucs_match_the_pairwise_count():
    reset_graph()
    labels = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.7, 0.9])
    positives, negatives = scores[labels == 1], scores[labels == 0]
    expected = np.mean(positives[:, None] > negatives[None, :])  # 7 of 9 pairs ranked right
    dynamic, dynamic_update = slim.metrics.streaming_dynamic_auc(tf.constant(labels),
                                                                 tf.constant(scores))
    histogram, histogram_update = slim.metrics.auc_using_histogram(
        tf.constant(labels.astype(bool)), tf.constant(scores, tf.float32), [0.0, 1.0],
        nbins=1000)
    with tf.Session() as session:
        session.run(tf.local_variables_initializer())
        session.run([dynamic_update, histogram_update])
        got_dynamic, got_histogram = session.run([dynamic, histogram])
    assert got_dynamic == pytest.approx(expected)
    assert got_histogram == pytest.approx(expected, abs=0.01)


def test_cluster_loss_runs_its_while_loops():
    reset_graph()
    embeddings = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    loss = slim.losses.metric_learning.cluster_loss(tf.constant([0, 0, 1, 1, 2, 2]),
                                                    tf.constant(embeddings), 1.0)
    assert np.isfinite(run(loss))


def test_tfexample_decoder_reshapes_falls_back_and_decodes_a_png():
    reset_graph()
    pixels = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    png = run(tf.image.encode_png(pixels))
    example = tf.train.Example(features=tf.train.Features(feature={
        "values": tf.train.Feature(int64_list=tf.train.Int64List(value=range(6))),
        "rows": tf.train.Feature(int64_list=tf.train.Int64List(value=[2])),
        "cols": tf.train.Feature(int64_list=tf.train.Int64List(value=[3])),
        "backup": tf.train.Feature(int64_list=tf.train.Int64List(value=[7])),
        "image/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[png])),
        "image/format": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"png"]))}))
    decoder = slim.tfexample_decoder
    features = {"values": tf.VarLenFeature(tf.int64), "rows": tf.FixedLenFeature([1], tf.int64),
                "cols": tf.FixedLenFeature([1], tf.int64),
                "missing": tf.VarLenFeature(tf.int64), "backup": tf.VarLenFeature(tf.int64),
                "image/encoded": tf.FixedLenFeature((), tf.string),
                "image/format": tf.FixedLenFeature((), tf.string)}
    handlers = {"matrix": decoder.Tensor("values", shape_keys=["rows", "cols"]),
                "fallback": decoder.BackupHandler(decoder.Tensor("missing"),
                                                  decoder.Tensor("backup")),
                "image": decoder.Image(shape=(2, 2, 3))}
    items = decoder.TFExampleDecoder(features, handlers).decode(
        tf.constant(example.SerializeToString()), ["matrix", "fallback", "image"])
    matrix, fallback, image = run(items)
    np.testing.assert_array_equal(matrix, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(fallback, [7])
    np.testing.assert_array_equal(image, pixels)
