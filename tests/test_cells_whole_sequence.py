"""whole_sequence(cell, inputs) projects every step's input with ONE matmul up front (the
trick fused kernels use) and still computes dynamic_rnn's outputs and states.

Equality with the built-in cell under every axis is in the matrix (mode "projected"); here:
the graph really has one [B*T, I] @ [I, 4H] matmul outside the loop and only h @ W_h inside,
and it works with an unknown batch and time length.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.cells.lstm import HandLSTMCell, stacked_whole_sequence, whole_sequence
from tf1_lstm.cells.peephole import HandPeepholeLSTMCell
from tf1_lstm.compat import reset_graph, tf

B, T, I, H = 3, 6, 4, 5  # noqa: E741


def matmul_shapes(graph) -> list[tuple[list, bool]]:
    """(shape of the left operand, inside the scan loop?) for every MatMul in the graph."""
    return [(op.inputs[0].shape.as_list(), "/while/" in op.name)
            for op in graph.get_operations() if op.type == "MatMul"]


@pytest.mark.parametrize("cell_class", [HandLSTMCell, HandPeepholeLSTMCell])
def test_one_input_matmul_for_all_steps_and_only_h_inside_the_loop(cell_class):
    reset_graph()
    x = tf.placeholder(tf.float32, [B, T, I])
    whole_sequence(cell_class(H), x, dtype=tf.float32)
    shapes = matmul_shapes(tf.get_default_graph())
    assert ([B * T, I], False) in shapes                     # x [B*T, I] @ W_x, once
    assert [s for s, in_loop in shapes if in_loop] == [[B, H]]   # h [B, H] @ W_h per step
    assert len(shapes) == 2


def test_whole_sequence_equals_dynamic_rnn_with_unknown_batch_and_time():
    reset_graph()
    x = tf.placeholder(tf.float32, [None, None, I])
    lengths = tf.placeholder(tf.int32, [None])
    cell = HandLSTMCell(H, forget_bias=2.5)
    expected, expected_state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths,
                                                 dtype=tf.float32)
    # The same cell object: its variables (rnn/basic_lstm_cell/*) are reused, not copied.
    actual, actual_state = whole_sequence(cell, x, sequence_length=lengths, dtype=tf.float32)
    assert len(tf.global_variables()) == 2
    rng = np.random.default_rng(0)
    feed = {x: rng.normal(size=(B, T, I)), lengths: [T, 2, 0]}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        bias = tf.global_variables()[1]
        bias.load(rng.normal(size=4 * H), sess)
        got, want = sess.run([(actual, actual_state), (expected, expected_state)], feed)
    for a, e in zip(tf.nest.flatten(got), tf.nest.flatten(want), strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)
    assert np.all(got[0][2] == 0.0)  # the empty row: zero outputs


def test_stacked_whole_sequence_reads_multi_rnn_cell_names():
    reset_graph()
    x = tf.placeholder(tf.float32, [B, T, I])
    outputs, states = stacked_whole_sequence([HandLSTMCell(H) for _ in range(3)], x,
                                             dtype=tf.float32)
    names = [v.op.name for v in tf.global_variables()]
    assert names == [f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/{w}"
                     for k in range(3) for w in ("kernel", "bias")]
    assert outputs.shape.as_list() == [B, T, H] and len(states) == 3


def test_whole_sequence_needs_a_dtype_or_an_initial_state():
    reset_graph()
    x = tf.placeholder(tf.float32, [B, T, I])
    with pytest.raises(ValueError, match="dtype"):
        whole_sequence(HandLSTMCell(H), x)
