"""tf.contrib.training on TF 2.21: TF 1.15's bucket_ops_test.py, and the train/eval loops.

2. ``bucket`` / ``bucket_by_sequence_length``: TF 1.15's
   ``tensorflow/contrib/training/python/training/bucket_ops_test.py`` (shapes, per-bucket
   contents, even/odd buckets, per-bucket batch sizes, capacities, sequence lengths).
3. The training/evaluation loops are tf_slim's (TF 1.15's training.py / evaluation.py): a
   loss falls under ``create_train_op``, ``wait_for_new_checkpoint`` finds a checkpoint;
   the names not served explain themselves. (1., HParams: test_contrib_training.)
"""

from __future__ import annotations

import contextlib
import importlib
import random

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import training
from tf1_lstm.contrib.replacements import ContribNameError

# --- 2. bucket_ops_test.py --------------------------------------------------------------------

@contextlib.contextmanager
def queue_runners(session):
    """Start the graph's queue runners; stop and join them (cancelling blocked ones) after."""
    coordinator = tf.train.Coordinator()
    threads = tf.train.start_queue_runners(session, coord=coordinator)
    try:
        yield
    finally:
        coordinator.request_stop()
        session.close()  # cancels the enqueues still blocked on a full or closed queue
        coordinator.join(threads, stop_grace_period_secs=10)


class BucketInputs:
    """bucket_ops_test.BucketTest.setUp: a padding input queue fed from the main thread."""

    def __init__(self):
        reset_graph()
        self.scalar_int_feed = tf.placeholder(tf.int32, ())
        self.unk_int64_feed = tf.placeholder(tf.int64, (None,))
        self.vec3_str_feed = tf.placeholder(tf.string, (3,))
        self.sparse_c = tf.SparseTensor(indices=[[0]], values=[1.0], dense_shape=[1])
        queue = tf.PaddingFIFOQueue(5000, dtypes=[tf.int32, tf.int64, tf.string],
                                    shapes=[(), (None,), (3,)])
        self.enqueue = queue.enqueue(
            (self.scalar_int_feed, self.unk_int64_feed, self.vec3_str_feed))
        self.scalar_int, self.unk_int64, self.vec3_str = queue.dequeue()
        self.close = queue.close()

    def tensors(self, sparse=True):
        return [self.scalar_int, self.unk_int64, self.vec3_str] + ([self.sparse_c] if sparse
                                                                   else [])

    def feed(self, session, values):
        for v in values:
            session.run(self.enqueue, {self.scalar_int_feed: v, self.unk_int64_feed: v * [v],
                                       self.vec3_str_feed: 3 * [str(v)]})
        session.run(self.close)


def assert_bucket_holds(values, first, count, step):
    """TF's expected batch: ints first, first+step, ...; row i of int64 = value * [value]."""
    resort = np.argsort(values[1][0])
    ints = np.arange(first, first + step * count, step)
    expected_int64 = np.zeros((count, ints[-1]), np.int64)
    for i, v in enumerate(ints):
        expected_int64[i, :v] = v
    np.testing.assert_array_equal(values[1][0][resort], ints)
    np.testing.assert_array_equal(values[1][1][resort], expected_int64)
    np.testing.assert_array_equal(values[1][2][resort], np.vstack(3 * [ints.astype(bytes)]).T)


def test_single_bucket_batches_all_inputs_with_dynamic_padding():
    """testSingleBucket."""
    inputs = BucketInputs()
    which, outputs = training.bucket(tensors=inputs.tensors(), which_bucket=tf.constant(0),
                                     num_buckets=2, batch_size=32, num_threads=10,
                                     dynamic_pad=True)
    assert [out.get_shape().as_list() for out in outputs] == [[32], [32, None], [32, 3],
                                                              [None, None]]
    with tf.Session() as session:
        inputs.feed(session, range(32))
        with queue_runners(session):
            values = session.run((which, outputs))
    assert values[0] == 0 and len(values[1]) == 4
    assert_bucket_holds(values, first=0, count=32, step=1)


def test_even_and_odd_buckets_keep_their_values_apart():
    """testEvenOddBuckets."""
    inputs = BucketInputs()
    bucketed = training.bucket(tensors=inputs.tensors(), which_bucket=inputs.scalar_int % 2,
                               num_buckets=2, batch_size=32, num_threads=10, dynamic_pad=True)
    with tf.Session() as session:
        inputs.feed(session, range(64))
        with queue_runners(session):
            first, second = session.run(bucketed), session.run(bucketed)
    even, odd = (first, second) if first[0] == 0 else (second, first)
    assert (even[0], odd[0]) == (0, 1)
    assert_bucket_holds(even, first=0, count=32, step=2)
    assert_bucket_holds(odd, first=1, count=32, step=2)


def test_keep_input_filters_out_a_whole_bucket():
    """testEvenOddBucketsFilterOutAllOdd."""
    inputs = BucketInputs()
    which_bucket = inputs.scalar_int % 2
    bucketed = training.bucket(tensors=inputs.tensors(sparse=False), which_bucket=which_bucket,
                               num_buckets=2, batch_size=32, num_threads=10, dynamic_pad=True,
                               keep_input=tf.equal(which_bucket, 0))
    assert [out.get_shape().as_list() for out in bucketed[1]] == [[32], [32, None], [32, 3]]
    with tf.Session() as session:
        inputs.feed(session, range(128))
        with queue_runners(session):
            first, second = session.run(bucketed), session.run(bucketed)
    assert first[0] == second[0] == 0
    assert sorted(np.concatenate([first[1][0], second[1][0]])) == list(range(0, 128, 2))


def test_batch_size_per_bucket_gives_each_bucket_its_size():
    """testBatchSizePerBucket."""
    inputs = BucketInputs()
    which_bucket = tf.cond(inputs.scalar_int < 5, lambda: tf.constant(0), lambda: tf.constant(1))
    bucketed = training.bucket(tensors=inputs.tensors(), which_bucket=which_bucket,
                               num_buckets=2, batch_size=[5, 10], num_threads=1,
                               dynamic_pad=True)
    assert [out.get_shape().as_list() for out in bucketed[1]] == [[None], [None, None],
                                                                  [None, 3], [None, None]]
    with tf.Session() as session:
        inputs.feed(session, range(15))
        with queue_runners(session):
            first, second = session.run(bucketed), session.run(bucketed)
    small, large = (first, second) if first[0] == 0 else (second, first)
    assert (small[0], large[0]) == (0, 1)
    assert (len(small[1][0]), len(large[1][0])) == (5, 10)


def test_wrong_number_of_bucket_capacities_is_refused():
    """testFailOnWrongBucketCapacities."""
    inputs = BucketInputs()
    with pytest.raises(ValueError, match=r"must have exactly num_buckets"):
        training.bucket(tensors=inputs.tensors(sparse=False), which_bucket=tf.constant(0),
                        num_buckets=2, batch_size=32, bucket_capacities=[3, 4, 5])


def which_bucket_of(boundaries, v):
    """bucket_ops_test._which_bucket (its edges start with 0, so its indices are ours + 1)."""
    full = [0] + boundaries
    found = np.where(np.logical_and(v >= np.array(full[:-1]), v < np.array(full[1:])))[0]
    return found[0] if found.size else len(full)


@pytest.mark.parametrize("allow_small_batch, capacities", [
    (False, None), (True, None), (True, [48, 40, 32, 24, 16])])
def test_bucket_by_sequence_length_batches_one_bucket_at_a_time(allow_small_batch, capacities):
    """testBucketBySequenceLength, ...Allow and ...BucketCapacities (same sizes and checks)."""
    reset_graph()
    random.seed(0)
    data_len, labels_len, batch_size, boundaries = 4, 3, 8, [3, 4, 5, 10]
    num_pairs = 50 * batch_size + 100
    lengths = tf.placeholder(tf.int32, ())
    data = tf.placeholder(tf.int64, (data_len,))
    labels = tf.placeholder(tf.string, (labels_len,))
    queue = tf.FIFOQueue(5000, (tf.int32, tf.int64, tf.string),
                         ((), (data_len,), (labels_len,)))
    enqueue = queue.enqueue((lengths, data, labels))
    lengths_t, data_t, labels_t = queue.dequeue()
    out_lengths_t, (out_data_t, out_labels_t) = training.bucket_by_sequence_length(
        input_length=lengths_t, tensors=[data_t, labels_t], batch_size=batch_size,
        bucket_boundaries=boundaries, bucket_capacities=capacities,
        allow_smaller_final_batch=allow_small_batch, num_threads=10)
    static_batch = None if allow_small_batch else batch_size
    assert out_lengths_t.get_shape().as_list() == [static_batch]
    assert out_data_t.get_shape().as_list() == [static_batch, data_len]
    assert out_labels_t.get_shape().as_list() == [static_batch, labels_len]

    dequeued = 0
    with tf.Session() as session:
        for _ in range(num_pairs):
            length = random.choice((1, 3, 4, 5, 6, 10))
            session.run(enqueue, {lengths: length, data: [length] * data_len,
                                  labels: [str(length).encode("ascii")] * labels_len})
        session.run(queue.close())
        with queue_runners(session), contextlib.suppress(tf.errors.OutOfRangeError):
            while True:
                out_lengths, out_data, out_labels = session.run(
                    (out_lengths_t, out_data_t, out_labels_t))
                dequeued += out_lengths.shape[0]
                assert out_lengths.shape[0] == batch_size or allow_small_batch
                for length, row, label in zip(out_lengths, out_data, out_labels, strict=True):
                    assert row[0] == length == int(label[0].decode("ascii"))
                buckets = {which_bucket_of(boundaries, row[0]) for row in out_data}
                assert len(buckets) == 1  # one bucket per batch
    if allow_small_batch:
        assert dequeued == num_pairs
    else:  # at most batch_size - 1 left over in each of the 5 buckets
        assert num_pairs - (batch_size - 1) * (len(boundaries) + 1) <= dequeued


def test_bucket_by_sequence_length_checks_its_boundaries():
    lengths = tf.constant(3)
    x = tf.constant([1.0])
    with pytest.raises(ValueError, match=r"must have exactly num_buckets"):
        training.bucket_by_sequence_length(lengths, [x], 8, [3, 4, 5, 10],
                                           bucket_capacities=[32, 32, 32, 32])
    with pytest.raises(TypeError, match="must be a list or tuple"):
        training.bucket_by_sequence_length(lengths, [x], 8, 3)
    with pytest.raises(ValueError, match="sequential increasing lengths, but saw: 4 before 3"):
        training.bucket_by_sequence_length(lengths, [x], 8, [4, 3])


# --- 3. the loops are tf_slim's (TF 1.15's training.py / evaluation.py) -----------------------

def test_training_loop_names_are_tf_slims_tf115_functions():
    slim_training = importlib.import_module("tf_slim.training.training")
    slim_evaluation = importlib.import_module("tf_slim.training.evaluation")
    assert training.create_train_op is slim_training.create_train_op
    assert training.train is slim_training.train
    assert training.wait_for_new_checkpoint is slim_evaluation.wait_for_new_checkpoint
    assert training.checkpoints_iterator is slim_evaluation.checkpoints_iterator


def test_create_train_op_makes_the_loss_fall():
    reset_graph()
    w = tf.Variable(3.0)
    loss = tf.square(w - 1.0)
    train_op = training.create_train_op(loss, tf.train.GradientDescentOptimizer(0.1))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        losses = [session.run(train_op) for _ in range(5)]
    assert losses[0] == pytest.approx(4.0) and losses[-1] < losses[0] / 2


def test_wait_for_new_checkpoint_finds_the_saved_one(tmp_path):
    reset_graph()
    tf.Variable(1.0, name="v")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        saved = tf.train.Saver().save(session, str(tmp_path / "model"), global_step=3)
    assert training.wait_for_new_checkpoint(str(tmp_path), timeout=5) == saved
    assert next(iter(training.checkpoints_iterator(str(tmp_path), timeout=5))) == saved


@pytest.mark.parametrize("name", ["SequenceQueueingStateSaver", "stratified_sample",
                                  "HParamDef"])
def test_names_not_served_raise_contrib_name_error(name):
    with pytest.raises(ContribNameError, match=f"tf.contrib.training.{name} is not provided"):
        getattr(training, name)
