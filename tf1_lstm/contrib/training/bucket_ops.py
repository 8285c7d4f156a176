"""``tf.contrib.training.bucket`` and ``bucket_by_sequence_length``: TF 1.15's queue bucketing.

A graph-mode input pipeline stage (TF 1.x queues, which ``tf.compat.v1`` still has). Every
element goes into the queue of its bucket; when a bucket queue holds ``batch_size`` elements,
a queue runner moves them, as one batch, into a top queue, which the returned tensors
dequeue. So each batch comes from one bucket: bucketed by sequence length, a batch holds
sequences of similar length, and ``dynamic_pad=True`` pads them only to the longest of them.

    length, (tokens, label) = bucket_by_sequence_length(
        input_length=length, tensors=[tokens, label], batch_size=32,
        bucket_boundaries=[10, 20, 40], dynamic_pad=True)
    # buckets: length < 10 | 10 <= length < 20 | 20 <= length < 40 | 40 <= length

Start the queue runners (``tf.train.start_queue_runners``, or a ``MonitoredSession``) before
running the outputs. The graph is TF 1.15's: queues ``bucket_queue_<i>`` and ``top_queue``,
two queue runners in ``QUEUE_RUNNERS``, the ``bucket/...`` summaries, and TF's own batching
helpers (``tensorflow.python.training.input``) for dict/sparse inputs and shapes.
"""

from __future__ import annotations

import functools

import numpy as np
from tensorflow.python.framework.indexed_slices import convert_n_to_tensor_or_indexed_slices
from tensorflow.python.framework.smart_cond import smart_cond
from tensorflow.python.framework.tensor_util import constant_value
from tensorflow.python.training import input as batching  # TF's tf.train.batch internals

from tf1_lstm.bootstrap import tf

_QUEUE_CLOSED = (tf.errors.OutOfRangeError, tf.errors.CancelledError)


def _batch_sizes(batch_size, num_buckets: int) -> list:
    """One batch size per bucket: a Python int where it is static, else an int32 tensor."""
    if isinstance(batch_size, (list, tuple)):
        if len(batch_size) != num_buckets:
            raise ValueError("If batch_size is a list it must have num_buckets elements")
    else:
        batch_size = [batch_size] * num_buckets
    sizes = []
    for size in batch_size:
        size = tf.convert_to_tensor(size, dtype=tf.int32, name="batch_size")
        static = constant_value(size)
        sizes.append(static if static is not None else size)
    return sizes


def _enqueue_into_bucket(which_bucket, bucket_queues, tensor_list):
    """One op that enqueues `tensor_list` into bucket_queues[which_bucket] (a cond per queue)."""
    enqueues = [
        tf.cond(tf.equal(which_bucket, i), functools.partial(queue.enqueue, tensor_list),
                tf.no_op)
        for i, queue in enumerate(bucket_queues)
    ]
    return tf.group(*enqueues, name="group_enqueues")


def _add_queue_runners(bucket_queues, top_queue, bucket_enqueue, enqueues_to_top,
                       num_threads: int) -> None:
    """bucket queues -> top queue, and `num_threads` threads of input -> bucket queues."""
    tf.train.add_queue_runner(tf.train.QueueRunner(
        bucket_queues[0], enqueues_to_top,
        close_op=top_queue.close(),
        cancel_op=top_queue.close(cancel_pending_enqueues=True),
        queue_closed_exception_types=_QUEUE_CLOSED))
    tf.train.add_queue_runner(tf.train.QueueRunner(
        top_queue, [bucket_enqueue] * num_threads,
        close_op=tf.group(*[queue.close() for queue in bucket_queues]),
        cancel_op=tf.group(*[queue.close(cancel_pending_enqueues=True)
                             for queue in bucket_queues]),
        queue_closed_exception_types=_QUEUE_CLOSED))


def _add_summaries(bucket_queues, top_queue, capacity: int) -> None:
    top_size = tf.cast(top_queue.size(), tf.float32)
    for queue in bucket_queues:
        # TF 1.15's summary per bucket queue reports the *top* queue's size; kept as it was.
        tf.summary.scalar(f"bucket/{queue.name}/size", top_size)
    tf.summary.scalar(f"bucket/{top_queue.name}/fraction_of_{capacity}_full",
                      top_size * (1.0 / capacity))


def bucket(tensors, which_bucket, batch_size, num_buckets, num_threads=1, capacity=32,
           bucket_capacities=None, shapes=None, dynamic_pad=False,
           allow_smaller_final_batch=False, keep_input=True, shared_name=None, name=None):
    """Batches of ``tensors`` (a list or dict), each batch from one bucket ``which_bucket``.

    Returns ``(bucket, outputs)``: an int32 scalar, the bucket of this batch, and the batched
    ``tensors`` (same list/dict form, each with a leading batch dimension). ``batch_size``
    may be a list (one per bucket); ``bucket_capacities`` (default ``capacity`` each) bounds
    each bucket queue, ``capacity`` the top queue. ``keep_input`` False drops an element.
    With ``allow_smaller_final_batch`` the last batches may be smaller (and the batch
    dimension is then unknown), otherwise leftover elements are discarded.
    """
    batch_sizes = _batch_sizes(batch_size, num_buckets)
    if bucket_capacities is None:
        bucket_capacities = [capacity] * num_buckets
    if len(bucket_capacities) != num_buckets:
        raise ValueError(f"The list bucket_capacities ({bucket_capacities}) must have exactly "
                         f"num_buckets ({num_buckets}) elements.")
    tensor_list = batching._as_tensor_list(tensors)
    with tf.name_scope(name, "bucket", tensor_list):
        tensor_list = convert_n_to_tensor_or_indexed_slices(tensor_list)
        if not tensor_list:
            raise ValueError("Expected at least one tensor in bucket().")
        keep_input = batching._validate_keep_input(keep_input, enqueue_many=False)
        tensor_list, sparse_info = batching._store_sparse_tensors(
            tensor_list, enqueue_many=False, keep_input=keep_input)
        types = batching._dtypes([tensor_list])
        shapes = batching._shapes([tensor_list], shapes, enqueue_many=False)
        which_bucket = tf.convert_to_tensor(which_bucket, dtype=tf.int32, name="which_bucket")

        make_queue = batching._which_queue(dynamic_pad)  # PaddingFIFOQueue if dynamic_pad
        bucket_queues = [
            make_queue(capacity=bucket_capacities[i], dtypes=types, shapes=shapes,
                       shared_name=None if shared_name is None else f"{shared_name}_{i}",
                       name=f"bucket_queue_{i}")
            for i in range(num_buckets)
        ]
        # The static batch dimension: TF 1.15 took the *last* bucket's batch size (a loop
        # variable that outlived its loop); it is None when sizes differ per bucket anyway.
        last_size = batch_sizes[-1] if not tf.is_tensor(batch_sizes[-1]) else None
        static_batch = None if (allow_smaller_final_batch
                                or isinstance(batch_size, (list, tuple))) else last_size
        # The top queue pads even when the buckets do not: its batch dimension may be None.
        top_queue = tf.PaddingFIFOQueue(
            capacity=capacity, dtypes=[tf.int32] + types,
            shapes=[tf.TensorShape([])] + [tf.TensorShape([static_batch]).concatenate(shape)
                                           for shape in bucket_queues[0].shapes],
            shared_name=shared_name, name="top_queue")

        bucket_enqueue = smart_cond(
            keep_input,
            functools.partial(_enqueue_into_bucket, which_bucket, bucket_queues, tensor_list),
            tf.no_op)
        enqueues_to_top = []
        for i, (queue, size) in enumerate(zip(bucket_queues, batch_sizes, strict=True)):
            take = queue.dequeue_up_to if allow_smaller_final_batch else queue.dequeue_many
            batch = take(size, name=f"read_bucket_{i}")
            batch = list(batch) if isinstance(batch, (list, tuple)) else [batch]
            enqueues_to_top.append(top_queue.enqueue([tf.constant(i)] + batch,
                                                     name=f"enqueue_from_bucket_{i}"))
        _add_queue_runners(bucket_queues, top_queue, bucket_enqueue, enqueues_to_top,
                           num_threads)
        _add_summaries(bucket_queues, top_queue, capacity)

        which_bucket_dequeued, *dequeued = top_queue.dequeue(name="dequeue_top")
        dequeued = dequeued[0] if len(dequeued) == 1 else dequeued
        dequeued = batching._restore_sparse_tensors(dequeued, sparse_info)
        return which_bucket_dequeued, batching._as_original_type(tensors, dequeued)


def _check_boundaries(bucket_boundaries) -> None:
    if not isinstance(bucket_boundaries, (list, tuple)):
        raise TypeError(
            f"bucket_boundaries must be a list or tuple, but received: {bucket_boundaries}")
    if not bucket_boundaries:
        raise ValueError("bucket_boundaries must not be empty")
    for low, high in zip(bucket_boundaries[:-1], bucket_boundaries[1:], strict=True):
        if not isinstance(low, int) or not isinstance(high, int):
            raise TypeError(
                f"bucket boundaries must be integers, but saw: {low} and {high}")
        if low >= high:
            raise ValueError("Buckets must contain sequential increasing lengths, but saw: "
                             f"{low} before {high}")


def bucket_by_sequence_length(input_length, tensors, batch_size, bucket_boundaries,
                              num_threads=1, capacity=32, bucket_capacities=None, shapes=None,
                              dynamic_pad=False, allow_smaller_final_batch=False,
                              keep_input=True, shared_name=None, name=None):
    """``bucket`` with the bucket chosen by ``input_length`` (an int32 scalar).

    ``bucket_boundaries`` ``[b0, ..., bN-1]`` (increasing Python ints) make N + 1 buckets:
    ``l < b0``, ``b0 <= l < b1``, ..., ``bN-1 <= l``. Returns ``(lengths, outputs)``: the
    batch's ``input_length`` values ([batch]) and the batched ``tensors``.
    """
    tensor_list = batching._as_tensor_list(tensors)
    _check_boundaries(bucket_boundaries)
    with tf.name_scope(name, "bucket_by_sequence_length", [input_length] + tensor_list):
        input_length = tf.convert_to_tensor(input_length, dtype=tf.int32, name="input_length")
        # Bucket i holds lengths in [lows[i], highs[i]): the first (lowest) i that matches.
        lows = [np.iinfo(np.int32).min] + list(bucket_boundaries)
        highs = list(bucket_boundaries) + [np.iinfo(np.int32).max]
        in_bucket = tf.logical_and(tf.less_equal(lows, input_length),
                                   tf.less(input_length, highs))  # [N + 1]
        which_bucket = tf.cast(tf.reduce_min(tf.where_v2(in_bucket)), tf.int32)
        if shapes is not None:
            shapes = [tf.TensorShape([])] + shapes
        _, dequeued = bucket(
            tensors=[input_length] + tensor_list, which_bucket=which_bucket,
            batch_size=batch_size, num_buckets=len(bucket_boundaries) + 1,
            num_threads=num_threads, capacity=capacity, bucket_capacities=bucket_capacities,
            shapes=shapes, dynamic_pad=dynamic_pad,
            allow_smaller_final_batch=allow_smaller_final_batch, keep_input=keep_input,
            shared_name=shared_name)
        return dequeued[0], batching._as_original_type(tensors, dequeued[1:])
