"""tf.contrib.framework on TF 2.21, continued: checkpoints, ``with_shape`` & co., the rest.

4. Checkpoints: ``contrib/framework/python/framework/checkpoint_utils_test.py``.
5. ``with_shape`` & co.: ``contrib/framework/python/framework/tensor_util_test.py``.
Then the names TF 1.15 re-exported from TF itself, and the names we do not serve.
(1 - 3, nest, arg_scope and variables: ``test_contrib_framework.py``.)
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest
from test_contrib_framework import fresh_graph, run  # noqa: F401 - the autouse fixture

from tf1_lstm.compat import tf
from tf1_lstm.contrib import framework
from tf1_lstm.contrib.replacements import ContribNameError

# --- 4. checkpoints ---------------------------------------------------------------------------

def save_checkpoint(directory):
    """checkpoint_utils_test._create_checkpoints: var1..var3 and useful_scope/var4."""
    with tf.Graph().as_default(), tf.Session() as session:
        variables = [tf.get_variable("var1", [1, 10]), tf.get_variable("var2", [10, 10]),
                     tf.get_variable("var3", [100, 100])]
        with tf.variable_scope("useful_scope"):
            variables.append(tf.get_variable("var4", [9, 9]))
        session.run(tf.global_variables_initializer())
        values = session.run(variables)
        tf.train.Saver().save(session, str(directory / "model"), global_step=0)
    return values


def test_list_and_load_variables_read_the_latest_checkpoint(tmp_path):
    """checkpoint_utils_test: testGetAllVariables, testGetTensor, testNoTensor."""
    v1, _, _, v4 = save_checkpoint(tmp_path)
    assert framework.list_variables(str(tmp_path)) == [
        ("useful_scope/var4", [9, 9]), ("var1", [1, 10]), ("var2", [10, 10]),
        ("var3", [100, 100])]
    np.testing.assert_array_equal(framework.load_variable(str(tmp_path), "var1"), v1)
    np.testing.assert_array_equal(framework.load_variable(str(tmp_path), "useful_scope/var4"), v4)
    with pytest.raises(tf.errors.OpError):
        framework.load_variable(str(tmp_path), "var5")


def test_init_from_checkpoint_maps_names_and_scopes(tmp_path):
    """checkpoint_utils_test.testInitFromCheckpoint (TF 1.15's contrib copy == the core one)."""
    v1, v2, v3, v4 = save_checkpoint(tmp_path)
    with tf.variable_scope("some_scope"):
        my1 = tf.get_variable("my1", [1, 10])
        with tf.variable_scope("some_other_scope"):
            my2 = tf.get_variable("my2", [10, 10])
            with tf.variable_scope("other_useful_scope"):
                my4 = tf.get_variable("var4", [9, 9])
    my3 = tf.get_variable("my3", [100, 100])
    framework.init_from_checkpoint(str(tmp_path), {
        "var1": "some_scope/my1",
        "useful_scope/": "some_scope/some_other_scope/other_useful_scope/"})
    framework.init_from_checkpoint(str(tmp_path), {"var2": "some_scope/some_other_scope/my2",
                                                   "var3": my3})
    for got, expected in zip(run(my1, my2, my3, my4), (v1, v2, v3, v4), strict=True):
        np.testing.assert_array_equal(got, expected)
    with pytest.raises(ValueError):
        framework.init_from_checkpoint(str(tmp_path), {"no_var": "some_scope/my1"})


# --- 5. with_shape & co. ----------------------------------------------------------------------

def test_reduce_sum_n_and_assert_scalar_int():
    """tensor_util_test: ReduceSumNTest (21), AssertScalarIntTest."""
    a, b, c = tf.constant(1), tf.constant([2]), tf.constant([[3, 4], [5, 6]])
    assert run(framework.reduce_sum_n([a, b, c]))[0] == 21
    framework.assert_scalar_int(tf.constant(3, dtype=tf.int32))
    framework.assert_scalar_int(tf.constant(3, dtype=tf.int64))
    framework.assert_scalar_int(3)
    with pytest.raises(ValueError, match="Expected integer"):
        framework.assert_scalar_int(tf.constant(3, dtype=tf.float32))
    with pytest.raises(ValueError, match="Expected scalar"):
        framework.assert_scalar_int(tf.constant([3, 4], dtype=tf.int32))


@pytest.mark.parametrize("value, shape, unexpected_shapes", [
    (42, [0], [[1], [2], [1, 1]]),          # test_with_shape_0
    ([42], [1], [[0], [2], [1, 1]]),        # test_with_shape_1
    ([42, 43], [2], [[0], [1], [2, 1]]),    # test_with_shape_2
    ([[42, 43], [44, 45]], [2, 2], [[0], [1], [2, 1]]),  # test_with_shape_2x2
])
def test_with_shape_checks_static_and_run_time_shapes(value, shape, unexpected_shapes):
    """tensor_util_test.WithShapeTest._assert_with_shape."""
    tensor = tf.constant(value, shape=shape)
    expected_placeholder = tf.placeholder(tf.float32)
    with tf.Session() as session:
        for unexpected in unexpected_shapes:
            with pytest.raises(ValueError):
                framework.with_shape(unexpected, tensor)
            pattern = re.compile(
                rf"\[Wrong shape for {tensor.name} \[expected\] \[actual\].\] "
                rf"\[{' '.join(map(str, unexpected))}\] \[{' '.join(map(str, shape))}\]")
            with pytest.raises(tf.errors.OpError, match=pattern):
                session.run(framework.with_shape(tf.constant(unexpected), tensor))
            with pytest.raises(tf.errors.OpError, match=pattern):
                session.run(framework.with_same_shape(expected_placeholder, tensor),
                            {expected_placeholder: np.ones(unexpected)})
        assert framework.with_shape(shape, tensor) is tensor
        assert framework.with_same_shape(tf.constant(1, shape=shape), tensor) is tensor
        np.testing.assert_array_equal(
            session.run(framework.with_shape(tf.constant(shape), tensor)), value)
        np.testing.assert_array_equal(
            session.run(framework.with_same_shape(expected_placeholder, tensor),
                        {expected_placeholder: np.ones(shape)}), value)


def test_with_shape_refuses_bad_expected_shapes():
    """tensor_util_test: test_with_shape_invalid_expected_shape / _invalid_type."""
    with pytest.raises(ValueError, match="Invalid rank"):
        framework.with_shape([[1], [2]], tf.constant(1.0))
    for expected in ([1.1], np.array([1.1]), tf.constant(np.array([1.1]))):
        with pytest.raises(ValueError, match="Invalid dtype"):
            framework.with_shape(expected, tf.constant([1.0]))


def test_with_shape_gives_an_unknown_shape_its_expected_shape():
    """tensor_util_test: test_with_shape_none and test_with_shape_2x2_with_partial_expected."""
    no_shape = tf.placeholder(tf.float32)
    with_present = framework.with_shape([2, 2], no_shape)
    assert with_present.get_shape().as_list() == [2, 2]
    with_future = framework.with_shape(tf.constant([2, 2]), no_shape)
    array_2x2 = [[42.0, 43.0], [44.0, 45.0]]
    with tf.Session() as session:
        for checked in (with_present, with_future):
            np.testing.assert_array_equal(session.run(checked, {no_shape: array_2x2}), array_2x2)
            for wrong in ([42.0, 43.0], [42.0]):
                with pytest.raises(tf.errors.OpError, match="Wrong shape"):
                    session.run(checked, {no_shape: wrong})
        partial = framework.with_shape(tf.TensorShape([None, 2]), tf.constant(array_2x2))
        np.testing.assert_array_equal(session.run(partial), array_2x2)


def test_with_shape_refuses_incompatible_partial_shapes():
    """tensor_util_test.test_with_shape_partial, with its messages."""
    partial = tf.placeholder(tf.float32)
    partial.set_shape([None, 2])
    for incompatible, message in [
            ([0], "Shapes must be equal rank, but are 2 and 1"),
            ([1], "Shapes must be equal rank, but are 2 and 1"),
            ([1, 2, 1], "Dimensions must be equal"),
            ([2, 1], r"Dimension 1 in both shapes must be equal, but are 2 and 1. "
                     r"Shapes are \[\?,2\] and \[2,1\]."),
    ]:
        with pytest.raises(ValueError, match=message):
            framework.with_shape(incompatible, partial)
    assert framework.with_shape([2, 2], partial).get_shape().as_list() == [2, 2]


@pytest.mark.parametrize("predictions_static, predictions_extra, labels_static, labels_extra", [
    combo for combo in itertools.product([False, True], repeat=4)
    if not (combo[1] and combo[3])])
def test_remove_squeezable_dimensions_drops_the_extra_last_dimension(
        predictions_static, predictions_extra, labels_static, labels_extra):
    """tensor_util_test.RemoveSqueezableDimensionsTest (all 12 cases)."""
    predictions_value = (0, 1, 1, 0, 0, 1, 0)
    labels_value = (0, 0, 1, 1, 0, 0, 0)
    fed = {}

    def make(value, static, extra):
        value = [[v] for v in value] if extra else value
        if static:
            return tf.constant(value, dtype=tf.int32)
        placeholder = tf.placeholder(tf.int32)
        fed[placeholder] = value
        return placeholder

    predictions = make(predictions_value, predictions_static, predictions_extra)
    labels = make(labels_value, labels_static, labels_extra)
    squeezed = framework.remove_squeezable_dimensions(predictions, labels)
    got_predictions, got_labels = run(*squeezed, feed=fed)
    np.testing.assert_array_equal(got_predictions, predictions_value)
    np.testing.assert_array_equal(got_labels, labels_value)


# --- the rest -------------------------------------------------------------------------------

def test_get_placeholders_lists_them_in_creation_order():
    """graph_util_test / the docstring's example."""
    a = tf.placeholder(tf.float32, [2, 2], name="a")
    tf.constant(1.0)
    b = tf.placeholder(tf.int32, [3, 2], name="b")
    assert framework.get_placeholders(tf.get_default_graph()) == [a, b]
    with pytest.raises(TypeError, match="needs to be a Graph"):
        framework.get_placeholders("graph")


def test_tf_functions_tf115_reexported_are_tfs_own():
    assert framework.smart_cond(True, lambda: 1, lambda: 2) == 1
    assert framework.convert_to_tensor_or_sparse_tensor is tf.convert_to_tensor_or_sparse_tensor
    assert framework.init_from_checkpoint is tf.train.init_from_checkpoint
    assert framework.sort is tf.sort

    @framework.deprecated(None, "Use something else.")
    def old(x):
        return x + 1

    assert old(1) == 2


@pytest.mark.parametrize("name", ["py_func", "fuse_op", "print_op"])
def test_names_not_served_raise_contrib_name_error(name):
    with pytest.raises(ContribNameError, match=f"tf.contrib.framework.{name} is not provided"):
        getattr(framework, name)
