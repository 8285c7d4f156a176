"""TF 1.15's ``tf.contrib.framework`` tensor checks that TF 2.21 has nowhere else.

- ``with_shape(expected_shape, tensor)``: ``tensor`` checked against ``expected_shape`` (a
  list / 1-D int32 array, a ``TensorShape``, or an int32 tensor; -1 or None = any size).
  Known static shapes are compared now (``ValueError``); otherwise the result is
  ``tensor`` behind an ``Assert`` that fails at run time with
  ``Wrong shape for <name> [expected] [actual].`` and gets the expected static shape.
- ``with_same_shape(expected_tensor, tensor)``: the same, with ``expected_tensor``'s shape.
- ``assert_scalar_int(tensor)``: ``tensor`` must be an int32/int64 scalar.
- ``reduce_sum_n(tensors)``: the sum of all elements of all ``tensors`` (one scalar).
- ``remove_squeezable_dimensions(predictions, labels)``: drop the last dimension of the one
  whose rank is one more than the other's (the contrib argument order, predictions first).

TF 1.15's quirk kept: an expected shape ``[]`` (a scalar) reshapes the tensor to a scalar
instead of asserting, when the tensor's static shape is unknown or is ``[1]``.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.bootstrap import tf


def _as_shape_array(expected_shape, tensor):
    """A list/tuple/array expected shape as a 1-D int32 array (tensors pass unchanged)."""
    if tf.is_tensor(expected_shape):
        if expected_shape.dtype.base_dtype != tf.int32:
            raise ValueError(f"Invalid dtype {expected_shape.dtype} for shape {expected_shape} "
                             f"expected of tensor {tensor.name}.")
        return expected_shape
    if isinstance(expected_shape, (list, tuple)):
        if not expected_shape:
            expected_shape = np.asarray([], dtype=np.int32)
        else:
            as_array = np.asarray(expected_shape)
            # int64 (NumPy's default int) becomes int32; floats stay and are refused below.
            expected_shape = (as_array.astype(np.int32) if as_array.dtype == np.int64
                              else as_array)
    if isinstance(expected_shape, np.ndarray):
        if expected_shape.ndim > 1:
            raise ValueError(f"Invalid rank {expected_shape.ndim} for shape {expected_shape} "
                             f"expected of tensor {tensor.name}.")
        if expected_shape.dtype != np.int32:
            raise ValueError(f"Invalid dtype {expected_shape.dtype} for shape {expected_shape} "
                             f"expected of tensor {tensor.name}.")
    return expected_shape


def _assert_shape_op(expected_shape, tensor):
    """An Assert that ``tensor``'s run-time shape is ``expected_shape`` (-1: any size)."""
    with tf.name_scope("assert_shape", values=[tensor]) as scope:
        actual_shape = tf.shape(tensor, name="actual")
        if isinstance(expected_shape, tf.TensorShape) and not expected_shape.is_fully_defined():
            expected_shape = [d if d else -1 for d in expected_shape.as_list()]
        with tf.name_scope("is_shape", values=[tensor]) as is_shape_scope:
            with tf.name_scope("is_rank", values=[tensor]) as is_rank_scope:
                expected_rank = tf.convert_to_tensor(tf.size(expected_shape), name="expected")
                is_rank = tf.equal(expected_rank, tf.rank(tensor, name="actual"),
                                   name=is_rank_scope)
            with tf.name_scope("shape_tensor_equal",
                               values=[expected_shape, actual_shape]) as equal_scope:
                dims_match = tf.reduce_all(
                    tf.logical_or(tf.equal(expected_shape, -1),
                                  tf.equal(expected_shape, actual_shape, "equal"),
                                  name="exclude_partial_shape"),
                    name=equal_scope)
            is_shape = tf.logical_and(is_rank, dims_match, name=is_shape_scope)
        return tf.Assert(
            is_shape, [f"Wrong shape for {tensor.name} [expected] [actual].", expected_shape,
                       actual_shape], name=scope)


def with_shape(expected_shape, tensor):
    """``tensor``, checked to have ``expected_shape`` (see the module docstring)."""
    if isinstance(tensor, tf.SparseTensor):
        raise ValueError("SparseTensor not supported.")
    expected_shape = _as_shape_array(expected_shape, tensor)
    actual_shape = tensor.get_shape()
    expected_is_tensor = tf.is_tensor(expected_shape)

    if not actual_shape.is_fully_defined() or expected_is_tensor:
        with tf.name_scope(f"{tensor.op.name}/", values=[tensor]):
            if not expected_is_tensor and len(expected_shape) < 1:
                return tf.reshape(tensor, [])  # TF 1.15's scalar special case
            with tf.control_dependencies([_assert_shape_op(expected_shape, tensor)]):
                result = tf.identity(tensor)
            if not expected_is_tensor:
                result.set_shape(expected_shape)
            return result

    if not expected_is_tensor and not actual_shape.is_compatible_with(expected_shape):
        if len(expected_shape) < 1 and actual_shape.is_compatible_with([1]):
            with tf.name_scope(f"{tensor.op.name}/", values=[tensor]):
                return tf.reshape(tensor, [])  # TF 1.15's scalar special case
        raise ValueError(f"Invalid shape for tensor {tensor.name}, expected {expected_shape}, "
                         f"got {actual_shape}.")
    return tensor


def with_same_shape(expected_tensor, tensor):
    """``tensor``, checked to have ``expected_tensor``'s shape (static if fully known)."""
    with tf.name_scope(f"{tensor.op.name}/", values=[expected_tensor, tensor]):
        static = expected_tensor.get_shape()
        expected_shape = (static.as_list() if static.is_fully_defined()
                          else tf.shape(expected_tensor, name="expected_shape"))
        return with_shape(expected_shape, tensor)


def assert_scalar_int(tensor, name=None):
    """``tensor`` (converted), checked to be a 0-D int32 or int64; returns it."""
    with tf.name_scope(name, "assert_scalar_int", [tensor]) as name_scope:
        tensor = tf.convert_to_tensor(tensor)
        if not tensor.dtype.base_dtype.is_integer:
            raise ValueError(
                f"Expected integer type for {tensor.name}, received type: {tensor.dtype}.")
        return tf.assert_scalar(tensor, name=name_scope)


def reduce_sum_n(tensors, name=None):
    """The scalar sum of every element of every tensor: ``add_n`` of their ``reduce_sum``."""
    if not tensors:
        raise ValueError("No tensors provided.")
    with tf.name_scope(name, "reduce_sum_n", tensors) as name_scope:
        sums = [tf.reduce_sum(t, name=f"{t.op.name}/sum") for t in tensors]
        if len(sums) == 1:
            return sums[0]
        return tf.add_n(sums, name=name_scope)


def _squeeze_last_if(condition, tensor):
    return tf.cond(condition, lambda: tf.squeeze(tensor, [-1]), lambda: tensor)


def remove_squeezable_dimensions(predictions, labels, name=None):
    """``(predictions, labels)``, the last dimension of one squeezed if its rank is one more.

    Static ranks decide in Python; otherwise a ``tf.cond`` on the run-time ranks does.
    """
    with tf.name_scope(name, "remove_squeezable_dimensions", [predictions, labels]):
        predictions = tf.convert_to_tensor(predictions)
        labels = tf.convert_to_tensor(labels)
        predictions_rank = predictions.get_shape().ndims
        labels_rank = labels.get_shape().ndims
        if predictions_rank is not None and labels_rank is not None:
            rank_diff = predictions_rank - labels_rank
            if rank_diff == -1:
                labels = tf.squeeze(labels, [-1])
            elif rank_diff == 1:
                predictions = tf.squeeze(predictions, [-1])
            return predictions, labels
        rank_diff = tf.rank(predictions) - tf.rank(labels)
        if predictions_rank is None or predictions.get_shape().dims[-1].is_compatible_with(1):
            predictions = _squeeze_last_if(tf.equal(1, rank_diff), predictions)
        if labels_rank is None or labels.get_shape().dims[-1].is_compatible_with(1):
            labels = _squeeze_last_if(tf.equal(-1, rank_diff), labels)
        return predictions, labels
