"""The fast path computes what TF1's LSTMCell computes, peepholes or not: the same outputs,
final states and gradients (w.r.t. the inputs and every variable, w_i_diag, w_f_diag,
w_o_diag included), from ONE checkpoint the built-in graph wrote, under the same names.

Each case builds ``rnn.LSTMCell`` (``use_peepholes=True`` unless the case says plain) under
rnn.static_rnn / tf.nn.dynamic_rnn, gives every variable random values (the biases and the
diagonals too, so every term matters), saves a checkpoint, restores it into
FastPeepholeLSTMCell (FastLSTMCell for a BasicLSTMCell layer) under the fast static_rnn /
dynamic_rnn, and compares: max |diff| for values, max |diff| / max |gradient| for
gradients, within 1e-5 in float32. float64 has no LSTMBlockCellGrad kernel (float32 and
half only), so there the backward pass runs as ops: within 1e-12.

Ported from TF 1.15's contrib/rnn/python/kernel_tests/lstm_ops_test.py, where LSTMCell is
the reference for the block kernels: ``testLSTMBasicToBlockPeeping`` / ``testLSTMBasicToBlock``
(``blocks_match``: batch 2, input 3, cell 4, 4 steps, uniform(-0.01, 0.01) seed 19890212,
variables shared by name; outputs, gradients of the outputs w.r.t. the inputs and w, b, wci,
wcf, wco; rtol = atol = 1e-6 in float32) and ``testCompatibleNames``.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import pytest
from fast_compare_support import Sizes, build_graph, max_differences

from tf1_lstm.compat import rnn, tf
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.fast.cell import FastLSTMCell, FastPeepholeLSTMCell
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn

TOLERANCE = {"float32": 1e-5, "float64": 1e-12}

# a layer's kind -> (TF1's cell, the fast twin), each called as make(units, forget_bias)
LAYERS = {
    "peephole": (lambda n, b: rnn.LSTMCell(n, use_peepholes=True, forget_bias=b),
                 lambda n, b: FastPeepholeLSTMCell(n, use_peepholes=True, forget_bias=b)),
    "plain": (lambda n, b: rnn.LSTMCell(n, forget_bias=b),
              lambda n, b: FastPeepholeLSTMCell(n, forget_bias=b)),
    "basic": (lambda n, b: rnn.BasicLSTMCell(n, forget_bias=b),
              lambda n, b: FastLSTMCell(n, forget_bias=b)),
}


@dataclass(frozen=True)
class Case(Sizes):
    layers: tuple[str, ...] = ("peephole",)
    forget_bias: float = 1.0
    fast_cells_under_core_rnn: bool = False  # the fast cells' own step, not the fast path


def build(case: Case, implementation: str):
    """(graph, x, outputs [B, T, H], final-state tensors, {name: variable}, {name: gradient})."""
    fast = implementation == "fast"
    return build_graph(case, lambda: [LAYERS[kind][fast](case.units, case.forget_bias)
                                      for kind in case.layers],
                       fast_path=fast and not case.fast_cells_under_core_rnn)



CASES = {
    "static, peepholes, 2 shards": Case(),
    "static, peepholes, forget_bias 0.3, sequence_length, known batch, 1 shard": Case(
        forget_bias=0.3, lengths=(5, 2, 0), unknown_batch=False, shards=1),
    "dynamic, 2 peephole layers, sequence_length, 3 uneven shards": Case(
        mode="dynamic", layers=("peephole", "peephole"), batch=5, lengths=(5, 3, 0, 1, 5),
        shards=3, forget_bias=0.5),
    "time-major dynamic, peepholes, forget_bias 0": Case(mode="time_major", forget_bias=0.0),
    "dynamic, LSTMCell without peepholes": Case(mode="dynamic", layers=("plain",),
                                                forget_bias=0.7),
    "static, a stack mixing peephole, plain and BasicLSTMCell": Case(
        layers=("peephole", "plain", "basic"), lengths=(4, 5, 1), forget_bias=2.0),
    "T = 1, batch 1": Case(steps=1, batch=1, mode="dynamic"),
    "float64, 2 peephole layers, sequence_length (the backward pass as ops)": Case(
        dtype="float64", layers=("peephole", "peephole"), lengths=(5, 2, 0),
        forget_bias=0.5),
    "float64, LSTMCell without peepholes over a peephole layer": Case(
        dtype="float64", mode="dynamic", layers=("plain", "peephole")),
    "the fast cells' own step under core static_rnn": Case(
        layers=("peephole", "plain"), lengths=(5, 2, 0), fast_cells_under_core_rnn=True),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_fast_path_equals_lstm_cell_from_one_checkpoint(case, tmp_path):
    differences = max_differences(case, tmp_path / "model.ckpt", build)
    assert max(differences.values()) <= TOLERANCE[case.dtype], differences


@pytest.mark.parametrize("use_peephole", [True, False], ids=["peeping", "no peepholes"])
def test_tf115_lstm_basic_to_block_numbers_hold_for_the_fast_path(use_peephole):
    """TF 1.15's blocks_match (testLSTMBasicToBlockPeeping / testLSTMBasicToBlock), with the
    fast path where the block kernels were: the variables made once by name, both read them."""
    batch, depth, units, steps = 2, 3, 4, 4
    rng = np.random.RandomState(0)
    with tf.Graph().as_default(), tf.Session() as sess:
        inputs = [tf.convert_to_tensor(rng.randn(batch, depth), tf.float32)
                  for _ in range(steps)]
        initializer = tf.random_uniform_initializer(-0.01, 0.01, seed=19890212)
        with tf.variable_scope("test", initializer=initializer):
            # TF's "magic naming": the cells pick these variables up and reuse them
            diagonals = [tf.get_variable(f"rnn/lstm_cell/{name}", [units])
                         for name in ("w_i_diag", "w_f_diag", "w_o_diag")] if use_peephole else []
            w = tf.get_variable("rnn/lstm_cell/kernel", [depth + units, 4 * units])
            b = tf.get_variable("rnn/lstm_cell/bias", [4 * units],
                                initializer=tf.zeros_initializer())
            basic_outputs, basic_state = rnn.static_rnn(
                rnn.LSTMCell(units, use_peepholes=use_peephole, reuse=True), inputs,
                dtype=tf.float32)
            fast_outputs, fast_state = fast_static_rnn(
                FastPeepholeLSTMCell(units, use_peepholes=use_peephole, reuse=True), inputs,
                dtype=tf.float32)
        assert len(tf.global_variables()) == 2 + len(diagonals)   # nothing new was made
        weights = [w, b, *diagonals]
        sess.run(tf.global_variables_initializer())
        basic, fast = sess.run([
            (basic_outputs, basic_state[0], tf.gradients(basic_outputs, inputs),
             tf.gradients(basic_outputs, weights)),
            (fast_outputs, fast_state[0], tf.gradients(fast_outputs, inputs),
             tf.gradients(fast_outputs, weights))])
    for expected, actual in zip(tf.nest.flatten(basic), tf.nest.flatten(fast), strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


def test_tf115_compatible_names_lstm_cell_and_the_fast_cell_make_the_same_variables():
    """testCompatibleNames: LSTMCell(10) and LSTMCell(10, use_peepholes=True) under
    static_rnn (scopes basic, peephole), here against the fast cells under the fast path."""
    def names(make, run) -> dict:
        with tf.Graph().as_default():
            inputs = [tf.zeros([4, 5])] * 6
            run(make(10), inputs, dtype=tf.float32, scope="basic")
            run(make(10, use_peepholes=True), inputs, dtype=tf.float32, scope="peephole")
            stack = rnn.MultiRNNCell([make(3, use_peepholes=True), make(3)])
            run(stack, inputs, dtype=tf.float32, scope="stack")
            return {v.name: v.shape.as_list() for v in tf.trainable_variables()}

    expected = names(rnn.LSTMCell, rnn.static_rnn)
    assert "peephole/lstm_cell/w_f_diag:0" in expected
    assert "stack/multi_rnn_cell/cell_1/lstm_cell/kernel:0" in expected
    assert names(FastPeepholeLSTMCell, fast_static_rnn) == expected
    assert names(FastPeepholeLSTMCell, rnn.static_rnn) == expected  # a drop-in there too


def test_peephole_backward_pass_is_lstm_block_cell_grad_and_one_weight_matmul_per_shard():
    B, T, I, H = 8, 6, 4, 5  # noqa: N806, E741
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [B, T, I])
        outputs, _ = fast_dynamic_rnn(FastPeepholeLSTMCell(H, use_peepholes=True), x,
                                      dtype=tf.float32, shards=2)
        tf.gradients(tf.reduce_sum(outputs), tf.global_variables())
    ops = graph.get_operations()
    steps = [op for op in ops if op.type == "LSTMBlockCellGrad"]
    assert len(steps) == 2 * T and all(op.get_attr("use_peephole") for op in steps)
    weight_matmuls = [op for op in ops if op.type == "MatMul" and "gradients/" in op.name
                      and op.inputs[0].shape.as_list() == [T * B // 2, I + H + 1]]
    assert len(weight_matmuls) == 2                           # one per shard, all T steps
    assert len([op for op in ops if op.type == "AddN"]) >= 3  # the T per-step diagonal sums


def test_fast_peephole_cell_takes_lstm_cells_arguments_in_its_order():
    fast = inspect.signature(FastPeepholeLSTMCell.__init__).parameters
    tf1 = inspect.signature(rnn.LSTMCell.__init__).parameters
    assert [(p.name, p.default) for p in fast.values()] == [
        (p.name, p.default) for p in tf1.values()]
    # LSTMCell(num_units, use_peepholes, cell_clip, initializer, num_proj, proj_clip,
    #          num_unit_shards, num_proj_shards, forget_bias, state_is_tuple, activation,
    #          reuse, name, dtype)
    cell = FastPeepholeLSTMCell(4, True, None, None, None, 5.0, None, 2, 0.5, True, "tanh",
                                None, "my_cell")
    assert (cell.use_peepholes, cell.forget_bias, cell.name) == (True, 0.5, "my_cell")
    # the tanh LSTMCell(activation="tanh") stores (what a twin of a user's cell is given)
    FastPeepholeLSTMCell(4, activation=rnn.LSTMCell(4, activation="tanh")._activation)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"cell_clip": 3.0}, "cell_clip=3.0 runs with rnn.LSTMCell"),
    ({"num_proj": 2}, "num_proj=2 runs with rnn.LSTMCell"),
    ({"num_unit_shards": 2}, "num_unit_shards=2 runs with rnn.LSTMCell"),
    ({"trainable": False}, "trainable=False runs with rnn.LSTMCell"),
    ({"state_is_tuple": False}, "state_is_tuple=False .* runs with rnn.LSTMCell"),
    ({"activation": tf.nn.relu}, "written for tanh; activation=relu runs with rnn.LSTMCell"),
])
def test_what_the_fast_path_does_not_compute_is_refused_naming_lstm_cell(arguments, message):
    with pytest.raises(Tf1LstmError, match=message):
        FastPeepholeLSTMCell(4, use_peepholes=True, **arguments)


def test_lstm_cell_is_refused_by_the_fast_path_with_its_fast_twin_named():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3, 2])
        with pytest.raises(Tf1LstmError, match=r"got LSTMCell.*FastPeepholeLSTMCell\(n, use_"):
            fast_dynamic_rnn(rnn.LSTMCell(4, use_peepholes=True), x, dtype=tf.float32)
