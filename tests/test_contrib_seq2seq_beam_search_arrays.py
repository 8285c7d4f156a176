"""Beam search's array plumbing on TF 2.21: tile_batch and the TensorArray reordering.

1. TF 1.15's ``beam_search_decoder_test.py``: ``TestGatherTree``'s
   ``gather_tree_from_array`` cases (scalar, 1-D, 1-D with merged batch and beam, 2-D
   depths, the complex trajectory; ``assertAllEqual``) and ``TestArrayShapeChecks``.
2. ``tile_batch``: each entry repeated in place (not ``tf.tile``'s whole-batch repeat),
   nested structures, static shapes, TF 1.15's rank error.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import beam_search_decoder
from tf1_lstm.contrib.seq2seq.tile_batch import tile_batch


def run(fetches):
    with tf.Session() as session:
        return session.run(fetches)


# --- 1. TF 1.15's TestGatherTree (arrays) and TestArrayShapeChecks --------------------------

ARRAY = np.array([[[1, 2, 3], [4, 5, 6], [7, 8, 9], [0, 0, 0]],
                  [[2, 3, 4], [5, 6, 7], [8, 9, 10], [11, 12, 0]]]).transpose([1, 0, 2])
PARENT_IDS = np.array([[[0, 0, 0], [0, 1, 1], [2, 1, 2], [-1, -1, -1]],
                       [[0, 0, 0], [1, 1, 0], [2, 0, 1], [0, 1, 0]]]).transpose([1, 0, 2])
EXPECTED_ARRAY = np.array([[[2, 2, 2], [6, 5, 6], [7, 8, 9], [0, 0, 0]],
                           [[2, 3, 2], [7, 5, 7], [8, 9, 8], [11, 12, 0]]]).transpose([1, 0, 2])
SEQUENCE_LENGTH = [[3, 3, 3], [4, 4, 3]]


@pytest.mark.parametrize("depth_ndims, merged_batch_beam", [(0, False), (1, False), (1, True),
                                                            (2, False)])
def test_gather_tree_from_array_is_tf115s(depth_ndims, merged_batch_beam):
    """test_gather_tree_from_array_{scalar, 1d, 1d_with_merged_batch_beam, 2d}."""
    reset_graph()
    array = tf.convert_to_tensor(ARRAY, dtype=tf.float32)
    expected = tf.convert_to_tensor(EXPECTED_ARRAY, dtype=tf.float32)
    max_time, batch_size, beam_width = (tf.shape(array)[i] for i in range(3))
    if merged_batch_beam:
        array = tf.reshape(array, [max_time, batch_size * beam_width])
        expected = tf.reshape(expected, [max_time, batch_size * beam_width])
    for _ in range(depth_ndims):     # higher ranks: stack tensor and tensor + 1
        array = tf.stack([array, array + 1], -1)
        expected = tf.stack([expected, expected + 1], -1)
    sorted_array = beam_search_decoder.gather_tree_from_array(
        array, tf.convert_to_tensor(PARENT_IDS, dtype=tf.int32), SEQUENCE_LENGTH)
    got, want = run([sorted_array, expected])
    np.testing.assert_array_equal(got, want)


def test_gather_tree_from_array_complex_trajectory_is_tf115s():
    # Max. time = 7, batch = 1, beam = 5.
    reset_graph()
    array = np.expand_dims(np.array(
        [[[25, 12, 114, 89, 97]], [[9, 91, 64, 11, 162]], [[34, 34, 34, 34, 34]],
         [[2, 4, 2, 2, 4]], [[2, 3, 6, 2, 2]], [[2, 2, 2, 3, 2]], [[2, 2, 2, 2, 2]]]), -1)
    parent_ids = np.array(
        [[[0, 0, 0, 0, 0]], [[0, 0, 0, 0, 0]], [[0, 1, 2, 3, 4]], [[0, 0, 1, 2, 1]],
         [[0, 1, 1, 2, 3]], [[0, 1, 3, 1, 2]], [[0, 1, 2, 3, 4]]])
    expected = np.expand_dims(np.array(
        [[[25, 25, 25, 25, 25]], [[9, 9, 91, 9, 9]], [[34, 34, 34, 34, 34]],
         [[2, 4, 2, 4, 4]], [[2, 3, 6, 3, 6]], [[2, 2, 2, 3, 2]], [[2, 2, 2, 2, 2]]]), -1)
    sorted_array = beam_search_decoder.gather_tree_from_array(
        tf.convert_to_tensor(array, dtype=tf.float32),
        tf.convert_to_tensor(parent_ids, dtype=tf.int32), [[4, 6, 4, 7, 6]])
    np.testing.assert_array_equal(run(sorted_array), expected)


@pytest.mark.parametrize("static_shape, dynamic_shape, is_valid", [
    ((8, 4, 5, 10), (None, None, 5, 10), True),
    ((8, 20, 10), (None, None, 10), True),
    ((8, 21, 10), (None, None, 10), False),
    ((8, 4, 6, 10), (None, None, None, 10), False),
    ((8, 4), (None, None), False),
])
def test_array_shape_dynamic_checks_are_tf115s(static_shape, dynamic_shape, is_valid):
    """TestArrayShapeChecks: elements reshapable to [batch_size 4, beam_width 5, -1]."""
    reset_graph()
    t = tf.placeholder_with_default(np.random.default_rng(0).normal(
        size=static_shape).astype(np.float32), shape=dynamic_shape)
    check_op = beam_search_decoder._check_batch_beam(t, tf.constant(4), 5)
    if is_valid:
        run(check_op)
    else:
        with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray reordering"):
            run(check_op)


def test_static_checks_skip_reordering_as_tf115_did():
    # TF 1.15's condition, kept: with B known, a static first dimension must be B * W and a
    # static second one then refuses (it would have to equal B and W at once), so only
    # [B * W, None, ...] elements (the attention wrapper's alignments) or an unknown first
    # dimension are reordered; [B, W, ...] and [B * W, D] elements are not.
    check = beam_search_decoder._check_static_batch_beam_maybe
    assert check(tf.TensorShape([20, None]), 4, 5)
    assert check(tf.TensorShape([20]), 4, 5)
    assert check(tf.TensorShape([None, 7]), 4, 5)
    assert check(tf.TensorShape([21, 7]), None, 5)          # batch size unknown: no verdict
    assert not check(tf.TensorShape([21, None]), 4, 5)
    assert not check(tf.TensorShape([20, 7]), 4, 5)
    assert not check(tf.TensorShape([4, 5, 7]), 4, 5)


# --- 2. tile_batch --------------------------------------------------------------------------

def test_tile_batch_repeats_each_entry_in_place():
    reset_graph()
    t = np.arange(2 * 3 * 2).reshape(2, 3, 2).astype(np.float32)
    tiled = tile_batch(t, multiplier=3)
    assert tiled.shape.as_list() == [6, 3, 2]
    np.testing.assert_array_equal(run(tiled), np.repeat(t, 3, axis=0))


def test_tile_batch_maps_nested_structures_and_keeps_what_is_static():
    reset_graph()
    lengths = np.array([3, 1], np.int32)
    state = tf.nn.rnn_cell.LSTMStateTuple(tf.placeholder_with_default(np.ones((2, 4)), [None, 4]),
                                          tf.zeros([2, 4]))
    tiled_lengths, tiled_state = tile_batch((lengths, state), 2, name="tiling")
    assert isinstance(tiled_state, tf.nn.rnn_cell.LSTMStateTuple)
    assert tiled_state.c.shape.as_list() == [None, 4]
    assert tiled_state.h.shape.as_list() == [4, 4]
    assert tiled_lengths.op.name.startswith("tiling/")
    np.testing.assert_array_equal(run(tiled_lengths), [3, 3, 1, 1])


def test_tile_batch_needs_a_known_rank_of_at_least_one():
    reset_graph()
    with pytest.raises(ValueError, match="t must have statically known rank"):
        tile_batch(tf.constant(3.0), 2)
    with pytest.raises(ValueError, match="t must have statically known rank"):
        tile_batch(tf.placeholder(tf.float32, None), 2)
