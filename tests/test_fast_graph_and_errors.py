"""What the fast path's graph is made of, and the errors it gives instead of a wrong graph."""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.compat import rnn, tf
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.fast import rnn as fast_rnn
from tf1_lstm.fast.cell import FastLSTMCell
from tf1_lstm.fast.rnn import MAX_DEFAULT_SHARDS, default_shards, dynamic_rnn, static_rnn

B, T, I, H = 8, 6, 4, 5  # noqa: E741


def _matmul_shapes(graph, inside: str) -> list[list]:
    """[left operand shape, right operand shape] of every MatMul whose name contains inside."""
    return [[op.inputs[0].shape.as_list(), op.inputs[1].shape.as_list()]
            for op in graph.get_operations() if op.type == "MatMul" and inside in op.name]


def test_weight_gradient_is_one_matmul_over_all_steps_per_shard():
    """cuDNN's trick: [x_t, h_{t-1}, 1] of every step against every dz_t, in ONE matmul
    whose result is [dkernel; dbias], instead of one matmul per step summed by AddN."""
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [B, T, I])
        outputs, _ = static_rnn(FastLSTMCell(H), tf.unstack(x, T, 1),
                                dtype=tf.float32, shards=2)
        tf.gradients(tf.reduce_sum(outputs[-1]), tf.global_variables())
    in_gradient = _matmul_shapes(graph, "gradients/")
    weight_gradients = [s for s in in_gradient if s[0] == [T * B // 2, I + H + 1]]
    assert len(weight_gradients) == 2                       # one per shard, all T steps
    per_step = [s for s in in_gradient if s[0] == [B // 2, 4 * H]]
    assert len(per_step) == 2 * T                           # only dh = dz_t @ W_h^T per step
    assert not [op for op in graph.get_operations() if op.type == "AddN"
                and "basic_lstm_cell" in op.name]


def test_forward_step_is_one_matmul_with_the_bias_inside():
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [B, T, I])
        dynamic_rnn(FastLSTMCell(H), x, dtype=tf.float32, shards=1)
    forward = [s for s in _matmul_shapes(graph, "") if s[1] == [I + H + 1, 4 * H]]
    assert len(forward) == T and all(s[0] == [B, I + H + 1] for s in forward)


def test_basic_lstm_cell_is_refused_with_the_replacement_named():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, T, I])
        with pytest.raises(Tf1LstmError, match=r"got BasicLSTMCell.*FastLSTMCell\(n, forget"):
            dynamic_rnn(rnn.BasicLSTMCell(H), x, dtype=tf.float32)
        mixed = rnn.MultiRNNCell([FastLSTMCell(H), rnn.GRUCell(H)])
        with pytest.raises(Tf1LstmError, match="MultiRNNCell of GRUCell"):
            static_rnn(mixed, tf.unstack(x, T, 1), dtype=tf.float32)


def test_unknown_number_of_steps_is_refused_with_the_way_out():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, I])
        with pytest.raises(Tf1LstmError, match="number of time steps known.*tf.nn.dynamic_rnn"):
            dynamic_rnn(FastLSTMCell(H), x, dtype=tf.float32)


def test_dtype_or_initial_state_and_a_positive_shard_count_are_needed():
    with tf.Graph().as_default():
        inputs = tf.unstack(tf.placeholder(tf.float32, [None, T, I]), T, 1)
        with pytest.raises(ValueError, match="dtype"):
            static_rnn(FastLSTMCell(H), inputs)
        with pytest.raises(ValueError, match="shards must be at least 1"):
            static_rnn(FastLSTMCell(H), inputs, dtype=tf.float32, shards=0)


@pytest.mark.parametrize(("cores", "shards"), [(1, 1), (2, 2), (3, min(3, MAX_DEFAULT_SHARDS)),
                                               (64, MAX_DEFAULT_SHARDS)])
def test_default_shards_is_one_per_core_this_process_may_use(monkeypatch, cores, shards):
    # the cores the process may run on (its affinity), not the machine's count
    monkeypatch.setattr(fast_rnn.os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(fast_rnn.os, "cpu_count", lambda: 128)
    assert default_shards() == shards


def test_fast_dynamic_rnn_reuses_the_variables_a_core_dynamic_rnn_made():
    """The cell tf.nn.dynamic_rnn built keeps its kernel and bias; the result is the same."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, T, I])
        lengths = tf.placeholder(tf.int32, [None])
        cell = FastLSTMCell(H, forget_bias=0.5)
        expected = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        actual = dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        assert len(tf.global_variables()) == 2          # the same kernel and bias, reused
        rng = np.random.default_rng(0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, want = sess.run([actual, expected], {x: rng.normal(size=(B, T, I)),
                                                      lengths: [T, 3, 0, 1, T, 2, 6, 5]})
    for a, e in zip(tf.nest.flatten(got), tf.nest.flatten(want), strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)


@pytest.mark.parametrize("run", ["static", "dynamic"])
def test_a_variable_scope_object_is_a_scope_as_tf1s_static_and_dynamic_rnn_take_it(run):
    # TF 1.15's rnn_test passes VariableScope objects; the fast path made names of them
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [3, 4, 2])
    cell = rnn.MultiRNNCell([FastLSTMCell(5), FastLSTMCell(5)])
    with tf.variable_scope("outer") as outer:
        pass
    if run == "static":
        static_rnn(cell, tf.unstack(x, 4, 1), dtype=tf.float32, scope=outer)
    else:
        dynamic_rnn(cell, x, dtype=tf.float32, scope=outer)
    assert sorted(v.op.name for v in tf.global_variables()) == [
        f"outer/multi_rnn_cell/cell_{k}/basic_lstm_cell/{name}"
        for k in range(2) for name in ("bias", "kernel")]


def test_fast_lstm_cell_takes_basic_lstm_cells_arguments_in_its_order():
    # BasicLSTMCell(num_units, forget_bias, state_is_tuple, activation, reuse, name, dtype)
    cell = FastLSTMCell(4, 0.5, True, tf.tanh, None, "my_cell")
    assert (cell.forget_bias, cell.name) == (0.5, "my_cell")
    with pytest.raises(Tf1LstmError, match="state_is_tuple=False .* rnn.BasicLSTMCell"):
        FastLSTMCell(4, 1.0, False)
    with pytest.raises(Tf1LstmError, match="written for tanh; activation=relu"):
        FastLSTMCell(4, activation=tf.nn.relu)
