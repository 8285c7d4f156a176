"""The fast path computes what TF1's GRUCell computes: the same outputs, final states and
gradients (w.r.t. the inputs, the initial state and gates/kernel, gates/bias,
candidate/kernel, candidate/bias), from ONE checkpoint the built-in graph wrote, under the
same names and shapes.

Each checkpoint case builds ``rnn.GRUCell`` (and BasicLSTMCell for a mixed stack) under
rnn.static_rnn / tf.nn.dynamic_rnn, gives every variable random values, saves a checkpoint,
restores it into FastGRUCell (FastLSTMCell) under the fast static_rnn / dynamic_rnn and
compares: max |diff| for values, max |diff| / max |gradient| for gradients, within 2e-6 in
float32 (what TF 1.15's assertAllClose default, rtol = atol = 1e-6, allows at a value of
1; measured: at most 7e-7) and 1e-12 in float64.

Ported from TF 1.15: rnn_cell_test.py's ``testGRUCell`` (constant 0.5 initializer, one step
from h = 0.1: 0.175991 for input [1, 1], 0.156736 for input [1, 1, 1]; assertAllClose
defaults, rtol = atol = 1e-6), and contrib/rnn/python/kernel_tests/gru_ops_test.py, where
GRUCell is the reference for the block kernel: ``testBlockGRUToGRUCellSingleStep``,
``testBlockGRUToGRUCellMultiStep``, ``testDerivativeOfBlockGRUToGRUCellSingleStep``,
``testDerivativeOfBlockGRUToGRUCellMultiSteps`` (uniform(-0.01, 0.01) seed 1994, their
sizes, rtol = atol = 1e-6) and ``testGradient`` (numerical gradient error < 1e-4), here with
FastGRUCell under the fast path where GRUBlockCell was.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np
import pytest
from fast_compare_support import Sizes, build_graph, max_differences

from tf1_lstm.compat import rnn, tf
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.fast.bidirectional import bidirectional_dynamic_rnn as fast_bidirectional
from tf1_lstm.fast.cell import FastLSTMCell
from tf1_lstm.fast.gru import FastGRUCell
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn

TOLERANCE = {"float32": 2e-6, "float64": 1e-12}
LAYERS = {"gru": (rnn.GRUCell, FastGRUCell), "lstm": (rnn.BasicLSTMCell, FastLSTMCell)}


@dataclass(frozen=True)
class Case(Sizes):
    layers: tuple[str, ...] = ("gru",)
    fast_cells_under_core_rnn: bool = False  # FastGRUCell's own step, not the fast path


def build(case: Case, implementation: str):
    """(graph, x, outputs [B, T, H], final-state tensors, {name: variable}, {name: gradient})."""
    fast = implementation == "fast"
    return build_graph(case, lambda: [LAYERS[kind][fast](case.units) for kind in case.layers],
                       fast_path=fast and not case.fast_cells_under_core_rnn)


CASES = {
    "static, 2 shards": Case(),
    "static, sequence_length, 1 shard": Case(lengths=(5, 2, 0), shards=1),
    "dynamic, 2 GRU layers, sequence_length, 3 uneven shards": Case(
        mode="dynamic", layers=("gru", "gru"), steps=4, batch=5, lengths=(4, 3, 0, 1, 4),
        shards=3),
    "time-major dynamic": Case(mode="time_major"),
    "a stack mixing GRU and BasicLSTMCell layers, sequence_length": Case(
        mode="dynamic", layers=("lstm", "gru"), steps=4, lengths=(4, 3, 1)),
    "T = 1, batch 1": Case(steps=1, batch=1, mode="dynamic"),
    "float64, sequence_length": Case(dtype="float64", mode="dynamic", lengths=(5, 2, 0)),
    "FastGRUCell's own step under core static_rnn": Case(lengths=(5, 2, 0),
                                                        fast_cells_under_core_rnn=True),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_fast_path_equals_gru_cell_from_one_checkpoint(case, tmp_path):
    differences = max_differences(case, tmp_path / "model.ckpt", build)
    assert max(differences.values()) <= TOLERANCE[case.dtype], differences


@pytest.mark.parametrize(("inputs", "expected"), [([[1.0, 1.0]], 0.175991),
                                                  ([[1.0, 1.0, 1.0]], 0.156736)])
def test_tf115_gru_cell_numbers_hold_for_the_fast_cell_and_the_fast_path(inputs, expected):
    """testGRUCell: every variable 0.5, h = 0.1, one step; input_size != num_units too."""
    with tf.Graph().as_default(), tf.Session() as sess:
        x = tf.constant(inputs, tf.float32)
        m = tf.constant([[0.1, 0.1]], tf.float32)
        with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
            step, _ = FastGRUCell(2)(x, m)                     # the cell's own step
            (layer,), state = fast_static_rnn(FastGRUCell(2), [x], initial_state=m)
        sess.run(tf.global_variables_initializer())
        for value in sess.run([step, layer, state]):
            np.testing.assert_allclose(value, [[expected, expected]], rtol=1e-6, atol=1e-6)


def _blocks_match(batch: int, units: int, depth: int, steps: int, loss_of):
    """GRUCell under tf.nn.dynamic_rnn and FastGRUCell under the fast one (time-major, from
    the same h, TF's seed-1994 initializer): the values ``loss_of(outputs, state)`` picks and
    their gradients w.r.t. x, h and every variable, each way (gru_ops_test's sizes)."""
    rng = np.random.RandomState(1994)
    x_value, h_value = rng.rand(steps, batch, depth), rng.rand(batch, units)
    results = []
    for cell, dynamic_rnn in ((rnn.GRUCell, tf.nn.dynamic_rnn), (FastGRUCell, fast_dynamic_rnn)):
        with tf.Graph().as_default(), tf.Session() as sess:
            x = tf.placeholder(tf.float32, [steps, batch, depth])
            h = tf.placeholder(tf.float32, [batch, units])
            initializer = tf.random_uniform_initializer(-0.01, 0.01, seed=1994)
            with tf.variable_scope("test", initializer=initializer):
                outputs, state = dynamic_rnn(cell(units), x, initial_state=h, time_major=True,
                                             dtype=tf.float32)
            values = loss_of(outputs, state)
            weights = tf.global_variables()   # w_ru, b_ru, w_c, b_c in GRUCell's order
            sess.run(tf.global_variables_initializer())
            results.append(sess.run([values, tf.gradients(values, [x, h, *weights])],
                                    {x: x_value, h: h_value}))
    for expected, actual in zip(tf.nest.flatten(results[0]), tf.nest.flatten(results[1]),
                                strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


def test_tf115_block_gru_to_gru_cell_single_step_and_its_derivatives():
    """testBlockGRUToGRUCellSingleStep (4, 5, 6) and testDerivativeOfBlockGRUToGRUCell-
    SingleStep (2, 3, 4): one step's output, its gradients w.r.t. x, h, w_ru, b_ru, w_c, b_c."""
    _blocks_match(batch=4, units=5, depth=6, steps=1, loss_of=lambda outputs, _: outputs)
    _blocks_match(batch=2, units=3, depth=4, steps=1, loss_of=lambda outputs, _: outputs)


def test_tf115_block_gru_to_gru_cell_multi_step_and_its_derivatives():
    """testBlockGRUToGRUCellMultiStep (2, 3, 3, 4 steps: outputs and state) and
    testDerivativeOfBlockGRUToGRUCellMultiSteps (2, 3, 4, 2 steps: the first step's output)."""
    _blocks_match(batch=2, units=3, depth=3, steps=4,
                  loss_of=lambda outputs, state: (outputs, state))
    _blocks_match(batch=2, units=3, depth=4, steps=2, loss_of=lambda outputs, _: outputs[0])


@pytest.mark.parametrize("lengths", [None, [3, 1]], ids=["full", "sequence_length"])
def test_tf115_gradient_of_the_fast_path_matches_numerical_differences(lengths):
    """testGradient (batch 1, cell 3, input 2, error < 1e-4 in float32), here over 3 steps
    and 2 rows in float64, with and without sequence_length: the hand-written backward pass
    against finite differences, w.r.t. the inputs, the initial state and every variable."""
    batch, units, depth, steps = 2, 3, 2, 3
    with tf.Graph().as_default(), tf.Session():
        rng = np.random.default_rng(3)
        x = tf.constant(rng.normal(size=(batch, steps, depth)))
        h0 = tf.constant(rng.normal(size=(batch, units)))
        outputs, state = fast_dynamic_rnn(FastGRUCell(units), x, initial_state=h0,
                                          sequence_length=lengths, shards=1)
        loss = tf.reduce_sum(outputs * rng.normal(size=(batch, steps, units))) + \
            tf.reduce_sum(state * rng.normal(size=(batch, units)))
        tf.global_variables_initializer().run()
        for v in tf.global_variables():          # every bias and kernel entry matters
            v.load(rng.normal(scale=0.5, size=v.shape.as_list()))
        tensors = [x, h0, *tf.global_variables()]
        error = tf.test.compute_gradient_error(tensors, [t.shape.as_list() for t in tensors],
                                               loss, [], delta=1e-6)
        assert error < 1e-8, error


def test_an_initial_state_per_layer_in_tf1s_forms_and_its_gradient():
    """A GRU layer's initial state is h [B, H], an LSTM layer's an LSTMStateTuple; in a
    MultiRNNCell a tuple of them, one a layer. Same results and gradients as TF's."""
    rng = np.random.default_rng(5)
    x_value, batch = rng.normal(size=(4, 3, 2)), 4
    initial_values = [rng.normal(size=(batch, 3)), (rng.normal(size=(batch, 2)),) * 2]
    results = []
    for fast in (False, True):
        with tf.Graph().as_default(), tf.Session() as sess:
            initializer = tf.random_uniform_initializer(-0.5, 0.5, seed=1)
            with tf.variable_scope("s", initializer=initializer):
                x = tf.constant(x_value, tf.float32)
                h0 = tf.constant(initial_values[0], tf.float32)
                lstm0 = rnn.LSTMStateTuple(*(tf.constant(v, tf.float32)
                                             for v in initial_values[1]))
                cell = rnn.MultiRNNCell([LAYERS["gru"][fast](3), LAYERS["lstm"][fast](2)])
                run = fast_dynamic_rnn if fast else tf.nn.dynamic_rnn
                outputs, (gru_state, lstm_state) = run(cell, x, initial_state=(h0, lstm0))
            assert isinstance(lstm_state, rnn.LSTMStateTuple) and gru_state.shape == [batch, 3]
            loss = tf.reduce_sum(outputs) + tf.reduce_sum(gru_state * gru_state) + \
                tf.reduce_sum(lstm_state.c)
            sess.run(tf.global_variables_initializer())
            results.append(sess.run([outputs, gru_state, lstm_state,
                                     tf.gradients(loss, [h0, *lstm0, x])]))
    for expected, actual in zip(tf.nest.flatten(results[0]), tf.nest.flatten(results[1]),
                                strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)
    with tf.Graph().as_default(), pytest.raises(ValueError, match="a tensor h .* for a GRU"):
        fast_dynamic_rnn(FastGRUCell(3), tf.zeros([4, 3, 2]), initial_state=(tf.zeros([4, 3]),))


def test_bidirectional_gru_on_the_fast_path_equals_tfs():
    rng = np.random.default_rng(2)
    x_value = rng.normal(size=(3, 4, 2))
    results = []
    for fast in (False, True):
        with tf.Graph().as_default(), tf.Session() as sess:
            tf.set_random_seed(4)
            x = tf.constant(x_value, tf.float32)
            run = fast_bidirectional if fast else tf.nn.bidirectional_dynamic_rnn
            cell = LAYERS["gru"][fast]
            (out_fw, out_bw), (state_fw, state_bw) = run(
                cell(3), cell(3), x, sequence_length=tf.constant([4, 2, 0]), dtype=tf.float32)
            names = sorted(v.op.name for v in tf.global_variables())
            sess.run(tf.global_variables_initializer())
            results.append(sess.run([out_fw, out_bw, state_fw, state_bw,
                                     tf.gradients(tf.reduce_sum(out_bw * out_fw), x)]))
    assert "bidirectional_rnn/bw/gru_cell/candidate/kernel" in names
    for expected, actual in zip(results[0], results[1], strict=True):  # same seeds, same values
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


def test_variables_are_gru_cells_names_shapes_and_initial_values():
    """GRUCell's names, shapes, creation order, and its initializers: gates/bias 1.0 and
    candidate/bias 0 unless bias_initializer, the kernels kernel_initializer's."""
    def variables(make, run, **options) -> list:
        with tf.Graph().as_default(), tf.Session() as sess:
            inputs = [tf.zeros([2, 5])] * 3
            run(rnn.MultiRNNCell([make(4, **options), make(3, **options)]), inputs,
                dtype=tf.float32, scope="stack")
            sess.run(tf.global_variables_initializer())
            return [(v.op.name, v.shape.as_list(), sess.run(v).tolist())
                    for v in tf.global_variables()]

    for options in ({"kernel_initializer": tf.constant_initializer(0.3)},
                    {"kernel_initializer": tf.constant_initializer(-0.2),
                     "bias_initializer": tf.constant_initializer(0.7)}):
        expected = variables(rnn.GRUCell, rnn.static_rnn, **options)
        assert variables(FastGRUCell, fast_static_rnn, **options) == expected
    assert [name for name, _, _ in expected[:4]] == [
        f"stack/multi_rnn_cell/cell_0/gru_cell/{name}" for name in
        ("gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")]
    default = variables(FastGRUCell, fast_static_rnn)
    assert np.all(np.array(default[1][2]) == 1.0) and np.all(np.array(default[3][2]) == 0.0)


def test_the_backward_pass_is_the_hand_written_one_without_the_block_kernels():
    """Per shard and step: two weight-gradient matmuls, summed by one AddN per kernel and
    bias; the recurrence's two matmuls read W_h^T made once; no GRUBlockCell(Grad)."""
    B, T, I, H = 8, 6, 4, 5  # noqa: N806, E741
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [B, T, I])
        outputs, _ = fast_dynamic_rnn(FastGRUCell(H), x, dtype=tf.float32, shards=2)
        tf.gradients(tf.reduce_sum(outputs), tf.global_variables())
    ops = [op for op in graph.get_operations() if "gradients/" in op.name]
    weight_matmuls = [op for op in ops if op.type == "MatMul" and op.get_attr("transpose_a")
                      and op.inputs[0].shape.as_list() == [B // 2, I + H]]
    assert len(weight_matmuls) == 2 * T * 2       # gates and candidate, per step and shard
    sums = [op for op in ops if op.type == "AddN" and len(op.inputs) == T]
    assert len(sums) == 4 * 2                     # 2 kernels and 2 biases, per shard
    recurrent = [op for op in ops if op.type == "MatMul" and not op.get_attr("transpose_a")
                 and not op.get_attr("transpose_b") and op.inputs[0].shape.as_list()[0] == B // 2]
    assert len(recurrent) == 2 * T * 2            # dc~ @ W_ch^T and [dr~, du~] @ W_ruh^T
    assert not [op for op in graph.get_operations() if op.type.startswith("GRUBlockCell")]


def test_gru_block_cell_grad_computes_the_docstrings_lines_in_tf_2_21():
    """The kernel gru_sequence measured and left out: right in TF 2.21 (float64 NumPy)."""
    B, I, H = 3, 4, 5  # noqa: N806, E741
    rng = np.random.default_rng(0)
    x, h, d_h = rng.normal(size=(B, I)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    w_ru, w_c = 0.5 * rng.normal(size=(I + H, 2 * H)), 0.5 * rng.normal(size=(I + H, H))
    b_ru, b_c = rng.normal(size=2 * H), rng.normal(size=H)
    ru = 1 / (1 + np.exp(-(np.concatenate([x, h], 1) @ w_ru + b_ru)))
    r, u = ru[:, :H], ru[:, H:]
    c = np.tanh(np.concatenate([x, r * h], 1) @ w_c + b_c)
    d_cbar = d_h * (1 - u) * (1 - c ** 2)
    d_rh = d_cbar @ w_c[I:].T
    d_ru = np.concatenate([d_rh * h, d_h * (h - c)], 1) * ru * (1 - ru)
    d_h_prev = d_ru @ w_ru[I:].T + d_h * u + d_rh * r
    d_x = d_ru @ w_ru[:I].T + d_cbar @ w_c[:I].T
    with tf.Graph().as_default(), tf.Session() as sess:
        f32 = {name: tf.constant(value, tf.float32) for name, value in
               {"x": x, "h_prev": h, "w_ru": w_ru, "w_c": w_c, "b_ru": b_ru, "b_c": b_c}.items()}
        r_, u_, c_, _ = tf.raw_ops.GRUBlockCell(**f32)
        kernel = sess.run(tf.raw_ops.GRUBlockCellGrad(**f32, r=r_, u=u_, c=c_,
                                                      d_h=tf.constant(d_h, tf.float32)))
    for actual, expected in zip(kernel, [d_x, d_h_prev, d_cbar, d_ru], strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


def test_fast_gru_cell_takes_gru_cells_arguments_in_its_order():
    fast = inspect.signature(FastGRUCell.__init__).parameters
    tf1 = inspect.signature(rnn.GRUCell.__init__).parameters
    assert [(p.name, p.default) for p in fast.values()] == [
        (p.name, p.default) for p in tf1.values()]
    cell = FastGRUCell(4, "tanh", None, None, tf.zeros_initializer(), "my_gru")
    assert (cell.name, cell.state_size, cell.output_size) == ("my_gru", 4, 4)
    FastGRUCell(4, activation=rnn.GRUCell(4, activation="tanh")._activation)


@pytest.mark.parametrize(("arguments", "message"), [
    ({"activation": tf.nn.relu}, "written for tanh; activation=relu runs with rnn.GRUCell"),
    ({"trainable": False}, "trainable=False runs with rnn.GRUCell"),
])
def test_what_the_fast_path_does_not_compute_is_refused_naming_gru_cell(arguments, message):
    with pytest.raises(Tf1LstmError, match=message):
        FastGRUCell(4, **arguments)


def test_gru_cell_is_refused_by_the_fast_path_with_its_fast_twin_named():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3, 2])
        with pytest.raises(Tf1LstmError, match=r"got GRUCell.*fast.gru.FastGRUCell\(n\)"):
            fast_dynamic_rnn(rnn.GRUCell(4), x, dtype=tf.float32)
