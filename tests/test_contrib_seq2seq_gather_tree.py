"""tf.contrib.seq2seq.gather_tree on TF 2.21 (no GatherTree op): TF 1.15's tests, the kernel.

1. Every test of TF 1.15's ``contrib/seq2seq/python/kernel_tests/beam_search_ops_test.py``
   and ``beam_search_decoder_test.py``'s ``TestGatherTree.test_gather_tree``, with their
   arrays (exact equality: ``assertAllEqual``).
2. An independent reference: the C++ CPU kernel (``kernels/beam_search_ops.cc``) ported
   loop for loop over flat memory (``beam_search_reference.kernel_gather_tree``), on random
   inputs with lengths 0, < T, T and > T, EOS in the middle of beams, and parents == W
   (which the kernel's ``> beam_width`` check let through, reading the next row's memory).
3. The op's shape function, types and errors; dynamic shapes; T == 0.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from beam_search_reference import InvalidParent, kernel_gather_tree

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq.beam_search_ops import gather_tree


def _transpose_batch_time(x):
    """beam_search_ops_test.py's helper: [B, T, W] -> [T, B, W] int32."""
    return np.transpose(x, [1, 0, 2]).astype(np.int32)


def run(fetch, feed=None):
    with tf.Session() as session:
        return session.run(fetch, feed)


# --- 1. TF 1.15's tests ---------------------------------------------------------------------

STEP_IDS = _transpose_batch_time([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, -1, -1]]])
PARENT_IDS = _transpose_batch_time([[[0, 0, 0], [0, 1, 1], [2, 1, 2], [-1, -1, -1]]])


def test_gather_tree_one_is_tf115_testGatherTreeOne():
    reset_graph()
    beams = gather_tree(step_ids=STEP_IDS, parent_ids=PARENT_IDS, max_sequence_lengths=[3],
                        end_token=10)
    expected = _transpose_batch_time([[[2, 2, 2], [6, 5, 6], [7, 8, 9], [10, 10, 10]]])
    np.testing.assert_array_equal(run(beams), expected)


def test_bad_parent_is_tf115_testBadParentValuesOnCPU():
    # Bad parent in beam 1 at time 1; the kernel meets it when it fills time 0.
    reset_graph()
    parent_ids = _transpose_batch_time([[[0, 0, 0], [0, -1, 1], [2, 1, 2], [-1, -1, -1]]])
    beams = gather_tree(step_ids=STEP_IDS, parent_ids=parent_ids, max_sequence_lengths=[3],
                        end_token=10)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"parent id -1 at \(batch, time, beam\) == \(0, 0, 1\)"):
        run(beams)


def test_gather_tree_batch_is_tf115_testGatherTreeBatch():
    reset_graph()
    batch_size, beam_width, max_time, end_token = 10, 15, 8, 5
    max_sequence_lengths = [0, 1, 2, 4, 7, 8, 9, 10, 11, 0]
    rng = np.random.default_rng(0)
    step_ids = rng.integers(0, end_token + 1, size=(max_time, batch_size, beam_width))
    parent_ids = rng.integers(0, beam_width - 1, size=(max_time, batch_size, beam_width))
    beams = gather_tree(step_ids=step_ids.astype(np.int32),
                        parent_ids=parent_ids.astype(np.int32),
                        max_sequence_lengths=max_sequence_lengths, end_token=end_token)
    assert beams.shape.as_list() == [max_time, batch_size, beam_width]
    beams_value = run(beams)
    for b in range(batch_size):
        # Past max_sequence_lengths[b], all end tokens.
        np.testing.assert_array_equal(beams_value[max_sequence_lengths[b]:, b, :], end_token)
    for batch, beam in itertools.product(range(batch_size), range(beam_width)):
        v = beams_value[:, batch, beam]
        if end_token in v:
            assert not (v == -1).any()
            found = np.where(v == end_token)[0][0]   # the first end_token
            # Valid ids before it, only end tokens after it.
            if found > 0:
                assert (v[:found - 1] >= 0).all()
            np.testing.assert_array_equal(v[found + 1:], end_token)


def test_gather_tree_is_tf115_TestGatherTree_test_gather_tree():
    # beam_search_decoder_test.py: (max_time = 3, batch_size = 2, beam_width = 3).
    reset_graph()
    predicted_ids = np.array([[[1, 2, 3], [4, 5, 6], [7, 8, 9]],
                              [[2, 3, 4], [5, 6, 7], [8, 9, 10]]], np.int32).transpose([1, 0, 2])
    parent_ids = np.array([[[0, 0, 0], [0, 1, 1], [2, 1, 2]],
                           [[0, 0, 0], [1, 2, 0], [2, 1, 1]]], np.int32).transpose([1, 0, 2])
    expected = np.array([[[2, 2, 2], [6, 5, 6], [7, 8, 9]],
                         [[2, 4, 4], [7, 6, 6], [8, 9, 10]]]).transpose([1, 0, 2])
    beams = gather_tree(predicted_ids, parent_ids, max_sequence_lengths=[3, 3], end_token=11)
    np.testing.assert_array_equal(run(beams), expected)


# --- 2. the C++ CPU kernel, loop for loop ---------------------------------------------------

def random_tree(seed, max_time=6, batch_size=4, beam_width=3, end_token=2, parent_high=None):
    rng = np.random.default_rng(seed)
    step_ids = rng.integers(0, 5, size=(max_time, batch_size, beam_width)).astype(np.int32)
    parent_ids = rng.integers(0, parent_high or beam_width,
                              size=(max_time, batch_size, beam_width)).astype(np.int32)
    lengths = np.array([0, 3, max_time, max_time + 2][:batch_size], np.int32)
    return step_ids, parent_ids, lengths, end_token


@pytest.mark.parametrize("seed", range(4))
def test_gather_tree_matches_the_cpu_kernel_on_random_trees(seed):
    reset_graph()
    step_ids, parent_ids, lengths, end_token = random_tree(seed)
    expected = kernel_gather_tree(step_ids, parent_ids, lengths, end_token)
    assert (expected[:3, 1] == end_token).any()     # an EOS mid-beam: the repair is exercised
    np.testing.assert_array_equal(run(gather_tree(step_ids, parent_ids, lengths, end_token)),
                                  expected)


def test_parent_equal_to_beam_width_reads_the_next_rows_memory_as_the_kernel():
    # The kernel checks parent > beam_width, so parent == W passes and reads [t, b + 1, 0]
    # (or [t + 1, 0, 0] for the last batch entry): kept, with the same ids coming out.
    reset_graph()
    step_ids, parent_ids, lengths, end_token = random_tree(7, parent_high=4)
    assert (parent_ids[1:] == 3).sum() > 3
    parent_ids[-1] = 3        # every beam starts its walk from parent W = 3
    expected = kernel_gather_tree(step_ids, parent_ids, lengths, end_token)
    np.testing.assert_array_equal(run(gather_tree(step_ids, parent_ids, lengths, end_token)),
                                  expected)


def test_the_first_bad_beam_in_row_major_order_is_reported_at_its_first_bad_step():
    reset_graph()
    step_ids, parent_ids, lengths, end_token = random_tree(3, batch_size=3)
    lengths = np.array([6, 6, 6], np.int32)
    parent_ids[4, 2, :] = 7       # batch 2: every beam's parent at step 4 is out of range
    parent_ids[2, 1, :] = -3      # batch 1: out of range at step 2, met when filling step 1
    with pytest.raises(InvalidParent) as kernel_error:
        kernel_gather_tree(step_ids, parent_ids, lengths, end_token)
    message = str(kernel_error.value)
    assert message.startswith("Saw invalid parent id -3 at (batch, time, beam) == (1, 1, ")
    with pytest.raises(tf.errors.InvalidArgumentError, match=message.replace("(", r"\(")
                       .replace(")", r"\)")):
        run(gather_tree(step_ids, parent_ids, lengths, end_token))


def test_parents_are_not_checked_where_they_are_not_followed():
    # Past L_b, and at step 0 (nothing earlier to fill), any parent value is ignored.
    reset_graph()
    step_ids, parent_ids, lengths, end_token = random_tree(5)
    parent_ids[0] = -9
    parent_ids[4:, 1] = 99        # batch 1 has length 3
    expected = kernel_gather_tree(step_ids, parent_ids, lengths, end_token)
    np.testing.assert_array_equal(run(gather_tree(step_ids, parent_ids, lengths, end_token)),
                                  expected)


# --- 3. shapes, types, errors ---------------------------------------------------------------

def test_unknown_shapes_give_the_same_beams_and_keep_what_is_known():
    reset_graph()
    step_ids, parent_ids, lengths, end_token = random_tree(1)
    steps = tf.placeholder(tf.int32, [None, None, 3])
    parents = tf.placeholder(tf.int32, [None, 4, None])
    max_lengths = tf.placeholder(tf.int32, [None])
    beams = gather_tree(steps, parents, max_lengths, end_token)
    assert beams.shape.as_list() == [None, 4, 3]
    got = run(beams, {steps: step_ids, parents: parent_ids, max_lengths: lengths})
    np.testing.assert_array_equal(got, kernel_gather_tree(step_ids, parent_ids, lengths,
                                                          end_token))


def test_no_time_steps_gives_an_empty_result():
    reset_graph()
    steps = tf.placeholder(tf.int32, [None, 2, 3])
    beams = gather_tree(steps, steps, [4, 0], 1)
    assert run(beams, {steps: np.zeros((0, 2, 3), np.int32)}).shape == (0, 2, 3)


def test_mismatched_shapes_fail_when_the_graph_runs_with_the_kernels_message():
    reset_graph()
    steps = tf.placeholder(tf.int32, [None, None, None])
    beams = gather_tree(steps, tf.zeros([2, 2, 3], tf.int32), [1, 1], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="step_ids.shape must match"):
        run(beams, {steps: np.zeros((2, 2, 4), np.int32)})
    beams = gather_tree(steps, steps, [1, 1], 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch size dimensions"):
        run(beams, {steps: np.zeros((2, 3, 4), np.int32)})


@pytest.mark.parametrize("step_ids, parent_ids, lengths, end_token, message", [
    (np.zeros((2, 3), np.int32), np.zeros((2, 3), np.int32), [1, 1, 1], 0, "rank 3"),
    (np.zeros((2, 3, 4), np.int32), np.zeros((2, 3, 4), np.int32), [[1]], 0, "rank 1"),
    (np.zeros((2, 3, 4), np.int32), np.zeros((2, 3, 4), np.int32), [1, 1, 1], [0], "rank 0"),
    (np.zeros((2, 3, 4), np.int32), np.zeros((2, 3, 5), np.int32), [1, 1, 1], 0, "must match"),
    (np.zeros((2, 3, 4), np.int32), np.zeros((2, 3, 4), np.int32), [1, 1], 0, "batch size"),
])
def test_static_shape_errors_are_raised_when_the_graph_is_built(step_ids, parent_ids, lengths,
                                                                end_token, message):
    reset_graph()
    with pytest.raises(ValueError, match=message):
        gather_tree(step_ids, parent_ids, lengths, end_token)


def test_only_int32_ids_are_accepted_as_the_op_allowed():
    reset_graph()
    with pytest.raises(TypeError, match="'step_ids' has DataType int64 not in list of "
                                        "allowed values: int32"):
        gather_tree(tf.zeros([1, 1, 1], tf.int64), np.zeros((1, 1, 1), np.int32), [1], 0)
    with pytest.raises(TypeError, match="'end_token' has DataType float32"):
        gather_tree(np.zeros((1, 1, 1), np.int32), np.zeros((1, 1, 1), np.int32), [1],
                    tf.constant(0.0))
    # NumPy int64 arrays and Python lists convert to int32, as the op's wrapper did.
    beams = gather_tree(np.zeros((1, 1, 1), np.int64), [[[0]]], np.array([1]), 3)
    assert beams.dtype == tf.int32 and beams.op.name.startswith("GatherTree")
