"""tf.contrib.layers / tf.contrib.slim on TF 2.21: every public callable, called.

``CALLS`` holds, for every public callable ``tf.contrib.layers`` hands out (tf_slim's and the
encoders we add), at least one small graph-mode call with sensible arguments; the runner
builds it in a fresh graph and runs what it returns in a session. The same table, run in a
fresh interpreter against bare tf_slim 1.1.0, fails exactly on the calls the repair fixes
(and on the names tf_slim lacks): ``test_contrib_layers_bare_tf_slim``.

The table takes the module under test as ``L`` and this file does not import
``tf1_lstm.contrib.layers`` at the top: importing it repairs tf_slim, and the subprocess
must see tf_slim bare.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.replacements import ContribNameError


class Feed(NamedTuple):
    """A call's result that needs a feed: ``(fetches, feed_dict)``."""
    fetches: object
    feed_dict: dict


def images():  # [B, H, W, C] = [2, 6, 6, 3]
    return tf.constant(np.random.default_rng(0).normal(size=(2, 6, 6, 3)), tf.float32)


def volumes():  # [B, D, H, W, C] = [2, 4, 4, 4, 3]
    return tf.constant(np.random.default_rng(1).normal(size=(2, 4, 4, 4, 3)), tf.float32)


def sequences():  # [B, T, C] = [2, 6, 3]
    return tf.constant(np.random.default_rng(2).normal(size=(2, 6, 3)), tf.float32)


def matrix():  # [B, C] = [4, 3]
    return tf.constant(np.random.default_rng(3).normal(size=(4, 3)), tf.float32)


def ids():  # [B, T] = [2, 3], 0 is padding for bow_encoder
    return tf.constant([[1, 2, 0], [3, 3, 1]], tf.int64)


def quadratic_loss():
    w = tf.get_variable("w", [3, 1])
    return tf.reduce_mean(tf.square(tf.matmul(matrix(), w)))


def optimized(L, **kwargs):
    step = tf.train.get_or_create_global_step()
    return L.optimize_loss(quadratic_loss(), step, 0.1, "SGD", **kwargs)


def sparse_optimized(L):
    """IndexedSlices gradients through clipping, noise and multipliers."""
    table = tf.get_variable("table", [5, 3])
    loss = tf.reduce_sum(tf.nn.embedding_lookup(table, [0, 1, 1]))
    return L.optimize_loss(loss, tf.train.get_or_create_global_step(), 0.1, "Adagrad",
                           clip_gradients=1.0, gradient_noise_scale=0.1,
                           gradient_multipliers={table: 2.0}, summaries=L.OPTIMIZER_SUMMARIES)


def two_dense(L):
    return lambda x: L.fully_connected(x, 3), lambda x: L.fully_connected(x, 3)


def rev_block_round_trip(L):
    block = L.RevBlock(*two_dense(L))
    return block.backward(*block.forward(matrix(), matrix()))


def recomputed_gradients(L):
    x = matrix()
    with tf.variable_scope("recompute", use_resource=True):  # custom_gradient needs resources
        y = L.recompute_grad(lambda x: L.fully_connected(x, 3))(x)
    return tf.gradients(y, [x, *tf.trainable_variables()])


def scoped(L):
    @L.add_arg_scope
    def scaled(x, scale=1.0):
        return x * scale

    with L.arg_scope([scaled], scale=3.0), L.arg_scope([L.fully_connected], num_outputs=2):
        with L.arg_scope([L.fully_connected], activation_fn=None):
            return scaled(matrix()), L.fully_connected(matrix()), L.current_arg_scope()


def checkpointed(L, workdir: Path):
    """A model variable saved to workdir; a fresh one to restore it into."""
    saved = L.model_variable("saved", initializer=tf.constant([1.0, 2.0]))
    with tf.Session() as session:
        session.run(saved.initializer)
        path = tf.train.Saver([saved]).save(session, str(workdir / "model.ckpt"))
    return path, [saved]


def assigned_from_values(L, assign):
    L.variable("v", [2])
    return assign({"v": np.ones(2, np.float32)})


def summarized(L, summarize: Callable, collection: str):
    L.fully_connected(matrix(), 2)
    tf.add_to_collection(collection, tf.nn.relu(matrix(), name="act"))
    return summarize()


Call = Callable[[object, Path], object]
CALLS: dict[str, Call] = {
    # Layers.
    "avg_pool2d": lambda L, _: L.avg_pool2d(images(), 2),
    "avg_pool3d": lambda L, _: L.avg_pool3d(volumes(), 2),
    "max_pool2d": lambda L, _: L.max_pool2d(images(), 2),
    "max_pool3d": lambda L, _: L.max_pool3d(volumes(), 2),
    "pool": lambda L, _: L.pool(images(), [2, 2], "AVG"),
    "batch_norm": lambda L, _: L.batch_norm(images(), is_training=True),
    "batch_norm[fused=False, renorm]": lambda L, _: L.batch_norm(
        matrix(), scale=True, is_training=True, fused=False, renorm=True),
    "batch_norm[updates_collections=None]": lambda L, _: L.batch_norm(
        matrix(), is_training=tf.placeholder_with_default(True, []), updates_collections=None),
    "batch_norm[zero_debias_moving_mean]": lambda L, _: L.batch_norm(
        images(), is_training=True, zero_debias_moving_mean=True),
    "bias_add": lambda L, _: L.bias_add(matrix()),
    "conv1d": lambda L, _: L.conv1d(sequences(), 2, 3),
    "conv2d": lambda L, _: L.conv2d(images(), 2, 3),
    "conv2d[normalizer_fn=batch_norm]": lambda L, _: L.conv2d(
        images(), 2, 3, normalizer_fn=L.batch_norm),
    "conv3d": lambda L, _: L.conv3d(volumes(), 2, 3),
    "convolution": lambda L, _: L.convolution(images(), 2, 3),
    "convolution1d": lambda L, _: L.convolution1d(sequences(), 2, 3),
    "convolution2d": lambda L, _: L.convolution2d(images(), 2, 3),
    "convolution3d": lambda L, _: L.convolution3d(volumes(), 2, 3),
    "conv2d_in_plane": lambda L, _: L.conv2d_in_plane(images(), 3),
    "convolution2d_in_plane": lambda L, _: L.convolution2d_in_plane(images(), 3),
    "conv2d_transpose": lambda L, _: L.conv2d_transpose(images(), 2, 3, stride=2),
    "convolution2d_transpose": lambda L, _: L.convolution2d_transpose(images(), 2, 3),
    "conv3d_transpose": lambda L, _: L.conv3d_transpose(volumes(), 2, 3),
    "convolution3d_transpose": lambda L, _: L.convolution3d_transpose(volumes(), 2, 3),
    "separable_conv2d": lambda L, _: L.separable_conv2d(images(), 2, 3, 1),
    "separable_conv2d[num_outputs=None]": lambda L, _: L.separable_conv2d(images(), None, 3, 2),
    "separable_convolution2d": lambda L, _: L.separable_convolution2d(images(), 2, 3, 1),
    "dense_to_sparse": lambda L, _: L.dense_to_sparse(tf.constant([[1, 0, 2]])),
    "dropout": lambda L, _: L.dropout(matrix(), 0.5),
    "dropout[is_training tensor]": lambda L, _: L.dropout(
        matrix(), 0.5, is_training=tf.placeholder_with_default(False, [])),
    "flatten": lambda L, _: L.flatten(images()),
    "fully_connected": lambda L, _: L.fully_connected(
        sequences(), 2, normalizer_fn=L.layer_norm, weights_regularizer=L.l2_regularizer(0.1)),
    "linear": lambda L, _: L.linear(matrix(), 2),
    "relu": lambda L, _: L.relu(matrix(), 2),
    "relu6": lambda L, _: L.relu6(matrix(), 2),
    "elu": lambda L, _: L.elu(matrix(), 2),
    "legacy_fully_connected": lambda L, _: L.legacy_fully_connected(sequences(), 2),
    "legacy_linear": lambda L, _: L.legacy_linear(matrix(), 2),
    "legacy_relu": lambda L, _: L.legacy_relu(matrix(), 2),
    "GDN": lambda L, _: L.GDN()(images()),
    "gdn": lambda L, _: L.gdn(images(), inverse=True),
    "group_norm": lambda L, _: L.group_norm(images(), groups=3),
    "instance_norm": lambda L, _: L.instance_norm(images()),
    "layer_norm": lambda L, _: L.layer_norm(images()),
    "unit_norm": lambda L, _: L.unit_norm(matrix(), 1),
    "images_to_sequence": lambda L, _: L.images_to_sequence(images()),
    "sequence_to_images": lambda L, _: L.sequence_to_images(sequences(), 2),
    "maxout": lambda L, _: L.maxout(tf.ones([2, 4]), 2),
    "one_hot_encoding": lambda L, _: L.one_hot_encoding(tf.constant([0, 2]), 3),
    "repeat": lambda L, _: L.repeat(matrix(), 2, L.fully_connected, 3),
    "stack": lambda L, _: L.stack(matrix(), L.fully_connected, [3, 3]),
    "scale_gradient": lambda L, _: (lambda x: tf.gradients(L.scale_gradient(x, 0.5), x))(
        matrix()),
    "softmax": lambda L, _: L.softmax(sequences()),
    "spatial_softmax": lambda L, _: L.spatial_softmax(images()),
    "bucketize": lambda L, _: L.bucketize(tf.constant([1, 5, 9]), [3, 6]),
    "RevBlock": lambda L, _: rev_block_round_trip(L),
    "rev_block": lambda L, _: L.rev_block(matrix(), matrix(), *two_dense(L), num_layers=2),
    "recompute_grad": lambda L, _: recomputed_gradients(L),
    # Encoders and embedding lookups (TF 1.15's, added to tf_slim's names).
    "embed_sequence": lambda L, _: L.embed_sequence(ids(), 4, 3),
    "embed_sequence[unique]": lambda L, _: L.embed_sequence(ids(), 4, 3, unique=True),
    "bow_encoder": lambda L, _: L.bow_encoder(ids(), 4, 3),
    "embedding_lookup_unique": lambda L, _: L.embedding_lookup_unique(tf.ones([4, 2]), ids()),
    "safe_embedding_lookup_sparse": lambda L, _: L.safe_embedding_lookup_sparse(
        tf.ones([4, 2]), tf.sparse.from_dense(ids())),
    # Optimization.
    "optimize_loss": lambda L, _: optimized(L, clip_gradients=1.0,
                                            summaries=L.OPTIMIZER_SUMMARIES),
    "optimize_loss[lr tensor, Adam, decay, noise, multipliers]": lambda L, _: L.optimize_loss(
        quadratic_loss(), tf.train.get_or_create_global_step(), tf.constant(0.1), "Adam",
        gradient_noise_scale=0.1, gradient_multipliers={"w:0": 2.0},
        learning_rate_decay_fn=lambda rate, step: rate * 0.9),
    "optimize_loss[IndexedSlices]": lambda L, _: sparse_optimized(L),
    "adaptive_clipping_fn": lambda L, _: optimized(L, clip_gradients=L.adaptive_clipping_fn()),
    # Initializers and regularizers.
    "xavier_initializer": lambda L, _: tf.get_variable("x", [3, 2],
                                                       initializer=L.xavier_initializer()),
    "xavier_initializer_conv2d": lambda L, _: tf.get_variable(
        "x", [3, 3, 2, 2], initializer=L.xavier_initializer_conv2d()),
    "variance_scaling_initializer": lambda L, _: tf.get_variable(
        "v", [3, 2], initializer=L.variance_scaling_initializer()),
    "l1_regularizer": lambda L, _: L.l1_regularizer(0.1)(tf.ones([2])),
    "l2_regularizer": lambda L, _: L.l2_regularizer(0.1)(tf.ones([2])),
    "l1_l2_regularizer": lambda L, _: L.l1_l2_regularizer()(tf.ones([2])),
    "sum_regularizer": lambda L, _: L.sum_regularizer(
        [L.l1_regularizer(0.1), L.l2_regularizer(0.1)])(tf.ones([2])),
    "apply_regularization": lambda L, _: L.apply_regularization(
        L.l2_regularizer(0.1), [tf.Variable(np.ones(3, np.float32))]),
    # Summaries.
    "summarize_activation": lambda L, _: L.summarize_activation(tf.nn.relu(matrix())),
    "summarize_activations": lambda L, _: summarized(
        L, L.summarize_activations, tf.GraphKeys.ACTIVATIONS),
    "summarize_biases": lambda L, _: summarized(L, L.summarize_biases, "none"),
    "summarize_weights": lambda L, _: summarized(L, L.summarize_weights, "none"),
    "summarize_variables": lambda L, _: summarized(L, L.summarize_variables, "none"),
    "summarize_collection": lambda L, _: summarized(
        L, lambda: L.summarize_collection(tf.GraphKeys.MODEL_VARIABLES), "none"),
    "summarize_tensor": lambda L, _: [L.summarize_tensor(matrix()),
                                      L.summarize_tensor(tf.constant(1.0))],
    "summarize_tensors": lambda L, _: L.summarize_tensors([matrix(), tf.constant(1.0)]),
    # arg_scope.
    "arg_scope": lambda L, _: scoped(L),
    "add_arg_scope": lambda L, _: scoped(L),
    "current_arg_scope": lambda L, _: scoped(L),
    "has_arg_scope": lambda L, _: L.has_arg_scope(L.conv2d),
    "arg_scope_func_key": lambda L, _: L.arg_scope_func_key(L.conv2d),
    "arg_scoped_arguments": lambda L, _: L.arg_scoped_arguments(L.conv2d),
    # Variables.
    "variable": lambda L, _: L.variable("v", [2], device="/cpu:0"),
    "model_variable": lambda L, _: L.model_variable("v", [2], regularizer=L.l1_regularizer(0.1)),
    "local_variable": lambda L, _: L.local_variable(1.0),
    "global_variable": lambda L, _: L.global_variable(1.0),
    "add_model_variable": lambda L, _: L.add_model_variable(tf.Variable(1.0)),
    "get_variables": lambda L, _: [L.model_variable("v", [2]), *L.get_variables()],
    "get_model_variables": lambda L, _: [L.model_variable("v", [2]), *L.get_model_variables()],
    "get_local_variables": lambda L, _: [
        tf.Variable(1.0, collections=[tf.GraphKeys.LOCAL_VARIABLES]), *L.get_local_variables()],
    "get_trainable_variables": lambda L, _: [L.variable("v", [1]), *L.get_trainable_variables()],
    "get_variables_by_name": lambda L, _: [L.variable("v", [1]), *L.get_variables_by_name("v")],
    "get_variables_by_suffix": lambda L, _: [L.variable("v", [1]),
                                             *L.get_variables_by_suffix("v")],
    "get_variables_to_restore": lambda L, _: [L.variable("v", [1]),
                                              *L.get_variables_to_restore(exclude=["x"])],
    "get_unique_variable": lambda L, _: [L.variable("v", [1]), L.get_unique_variable("v")],
    "get_variable_full_name": lambda L, _: L.get_variable_full_name(L.variable("v", [1])),
    "filter_variables": lambda L, _: L.filter_variables(
        [L.variable("a", [1]), L.variable("b", [1])], include_patterns=["a"]),
    "VariableDeviceChooser": lambda L, _: L.VariableDeviceChooser(num_tasks=2)(
        tf.Variable(1.0).op),
    "assign_from_values": lambda L, _: Feed(*assigned_from_values(L, L.assign_from_values)),
    "assign_from_values_fn": lambda L, _: assigned_from_values(L, L.assign_from_values_fn),
    "assign_from_checkpoint": lambda L, tmp: Feed(*L.assign_from_checkpoint(
        *checkpointed(L, tmp))),
    "assign_from_checkpoint_fn": lambda L, tmp: L.assign_from_checkpoint_fn(
        *checkpointed(L, tmp)),
    # Global step.
    "create_global_step": lambda L, _: L.create_global_step(),
    "get_or_create_global_step": lambda L, _: L.get_or_create_global_step(),
    "get_global_step": lambda L, _: (L.create_global_step(), L.get_global_step()),
    "assert_global_step": lambda L, _: L.assert_global_step(L.create_global_step()),
    "assert_or_get_global_step": lambda L, _: (L.create_global_step(),
                                               L.assert_or_get_global_step()),
}


def _runnable(value) -> bool:
    return isinstance(value, (tf.Tensor, tf.Operation, tf.Variable, tf.SparseTensor))


def run_call(L, name: str, workdir: Path, run: bool = True) -> list:
    """Build CALLS[name] in a fresh graph and (if run) run what it returns; the values."""
    reset_graph()
    result = CALLS[name](L, workdir)
    if not run:
        return []
    with tf.Session() as session:
        session.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        if isinstance(result, Feed):
            values = session.run(result.fetches, result.feed_dict)
        elif callable(result) and not _runnable(result):
            values = result(session)  # an init_fn(session), e.g. assign_from_values_fn
        else:
            values = session.run([v for v in tf.nest.flatten(result) if _runnable(v)])
        summaries = tf.summary.merge_all()
        if summaries is not None:
            session.run(summaries)
    return tf.nest.flatten(values)


def failing_calls(L, workdir: Path, run: bool = True) -> dict[str, str]:
    """name -> "ErrorType: message" for each call of CALLS that raises."""
    failures = {}
    for name in CALLS:
        try:
            run_call(L, name, workdir, run)
        except Exception as error:  # noqa: BLE001 - we report every kind of failure
            failures[name] = f"{type(error).__name__}: {error}"
    return failures


@pytest.fixture(scope="module")
def layers():
    return importlib.import_module("tf1_lstm.contrib.layers")


def test_every_public_callable_of_contrib_layers_has_a_call(layers):
    public = {name for name in layers.__all__ if callable(getattr(layers, name))}
    assert {name.split("[")[0] for name in CALLS} == public


@pytest.mark.parametrize("name", list(CALLS))
def test_each_call_builds_a_graph_and_runs_it(layers, name, tmp_path):
    for value in run_call(layers, name, tmp_path):
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            assert np.isfinite(value).all(), name


# --- tf.contrib.slim is tf.contrib.layers; TF 1.15's names --------------------------------

def test_slim_serves_the_same_names_as_the_same_objects(layers):
    slim = importlib.import_module("tf1_lstm.contrib.slim")
    assert slim.__all__ == layers.__all__
    assert all(getattr(slim, name) is getattr(layers, name) for name in layers.__all__)


def test_an_arg_scope_opened_through_layers_applies_to_slims_functions(layers):
    slim = importlib.import_module("tf1_lstm.contrib.slim")
    reset_graph()
    with layers.arg_scope([layers.fully_connected], num_outputs=5, activation_fn=None):
        outputs = slim.fully_connected(matrix())
    assert outputs.shape.as_list() == [4, 5]
    assert outputs.op.type == "BiasAdd"  # no relu: the scope's activation_fn=None applied


# TF 1.15's tf.contrib.layers public names: its __init__'s @@ list and _allowed_symbols
# (tensorflow/contrib/layers/__init__.py, as in the r1.15-era uve/tensorflow fork).
TF115_LAYERS = """
    avg_pool2d avg_pool3d batch_norm convolution convolution1d convolution2d convolution3d
    conv2d_in_plane convolution2d_in_plane conv2d_transpose convolution2d_transpose
    conv3d_transpose convolution3d_transpose dense_to_sparse dropout elu
    embedding_lookup_unique flatten fully_connected GDN gdn images_to_sequence layer_norm
    linear max_pool2d max_pool3d one_hot_encoding relu relu6 repeat recompute_grad RevBlock
    rev_block safe_embedding_lookup_sparse scale_gradient separable_conv2d
    separable_convolution2d sequence_to_images softmax spatial_softmax stack unit_norm
    bow_encoder embed_sequence maxout apply_regularization l1_l2_regularizer l1_regularizer
    l2_regularizer sum_regularizer xavier_initializer xavier_initializer_conv2d
    variance_scaling_initializer optimize_loss summarize_activation summarize_tensor
    summarize_tensors summarize_collection summarize_activations group_norm instance_norm
    bias_add conv1d conv2d conv3d legacy_fully_connected legacy_linear legacy_relu
    OPTIMIZER_CLS_NAMES OPTIMIZER_SUMMARIES summaries
""".split()
TF115_FEATURE_COLUMNS = """
    bucketized_column check_feature_columns create_feature_spec_for_parsing crossed_column
    embedding_column scattered_embedding_column input_from_feature_columns transform_features
    joint_weighted_sum_from_feature_columns make_place_holder_tensors_for_base_features
    multi_class_target one_hot_column parse_feature_columns_from_examples
    parse_feature_columns_from_sequence_examples real_valued_column shared_embedding_columns
    sparse_column_with_hash_bucket sparse_column_with_integerized_feature
    sparse_column_with_keys sparse_column_with_vocabulary_file weighted_sparse_column
    weighted_sum_from_feature_columns infer_real_valued_columns
    sequence_input_from_feature_columns feature_column regression_target
    SPARSE_FEATURE_CROSS_DEFAULT_HASH_KEY
""".split()


def test_every_tf115_layers_name_but_the_feature_columns_is_served(layers):
    assert [name for name in TF115_LAYERS if name not in layers.__all__] == []
    assert [name for name in TF115_FEATURE_COLUMNS if name in layers.__all__] == []


@pytest.mark.parametrize(("module", "name"), [("layers", "real_valued_column"),
                                              ("layers", "sparse_column_with_keys"),
                                              ("slim", "no_such_layer")])
def test_a_name_we_do_not_serve_raises_a_contrib_name_error_naming_it(module, name):
    contrib = importlib.import_module(f"tf1_lstm.contrib.{module}")
    with pytest.raises(ContribNameError, match=f"tf.contrib.{module}.{name} is not provided"):
        getattr(contrib, name)
    with pytest.raises(AttributeError):
        contrib.__wrapped__  # noqa: B018 - Python's own probes fail plainly


def test_tf_slims_sub_packages_are_found_under_the_contrib_module(layers):
    assert importlib.import_module("tf1_lstm.contrib.slim.nets.vgg").vgg_16 is not None
