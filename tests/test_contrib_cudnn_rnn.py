"""tf.contrib.cudnn_rnn on a CPU: the cells' maths, the opaque buffer, the checkpoints.

The independent reference is ``cudnn_rnn_support``'s float64 NumPy cuDNN. TF 1.15's tests
(``contrib/cudnn_rnn/python/kernel_tests/cudnn_rnn_test.py``, ``cudnn_rnn_ops_test.py``)
are GPU-only; their checks, configurations and tolerances are ported where a CPU can run them.
The layer's own behaviour (options, dropout, gradients, errors) is in
``test_contrib_cudnn_rnn_layers.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import copy_weights, names_and_shapes, sigmoid, variables
from cudnn_rnn_support import (
    COMPATIBLE_CELLS,
    DIRECTIONS,
    GATES,
    LAYERS,
    compatible_rnn,
    numpy_cudnn,
    random_case,
    run_layer,
    save_random_layer,
    unpack_opaque,
)

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import cudnn_rnn as cr
from tf1_lstm.contrib.replacements import ContribNameError

# --- names ------------------------------------------------------------------------------------

def test_exports_tf115s_contrib_cudnn_rnn_names_and_refuses_others_clearly():
    tf115 = ["CudnnCompatibleGRUCell", "CudnnCompatibleLSTMCell", "CudnnGRU", "CudnnLSTM",
             "CudnnRNNRelu", "CudnnRNNTanh", "CudnnLSTMSaveable", "CudnnGRUSaveable",
             "CudnnRNNReluSaveable", "CudnnRNNTanhSaveable", "CudnnParamsFormatConverterLSTM",
             "CudnnParamsFormatConverterGRU", "CudnnParamsFormatConverterTanh",
             "CudnnParamsFormatConverterRelu"]
    assert set(tf115) <= set(cr.__all__) and all(hasattr(cr, n) for n in cr.__all__)
    assert (cr.CUDNN_RNN_BIDIRECTION, cr.CUDNN_INPUT_LINEAR_MODE) == ("bidirectional",
                                                                     "linear_input")
    with pytest.raises(ContribNameError, match="tf.contrib.cudnn_rnn.RNNParamsSaveable"):
        cr.RNNParamsSaveable  # noqa: B018 - TF 1.4's name, gone by 1.15


@pytest.mark.parametrize("mode, names", [
    ("lstm", [("kernel", [4 + 6, 24]), ("bias", [24])]),
    ("gru", [("gates/kernel", [4 + 6, 12]), ("gates/bias", [12]),
             ("candidate/input_projection/kernel", [4, 6]),
             ("candidate/hidden_projection/kernel", [6, 6]),
             ("candidate/input_projection/bias", [6]), ("candidate/hidden_projection/bias", [6])]),
])
def test_compatible_cells_have_tf115_variable_names_shapes_and_initial_biases(mode, names):
    reset_graph()
    tf.nn.dynamic_rnn(rnn.MultiRNNCell([COMPATIBLE_CELLS[mode](6)]),
                      tf.zeros([3, 5, 4]), dtype=tf.float32)
    prefix = f"rnn/multi_rnn_cell/cell_0/cudnn_compatible_{mode}_cell/"
    assert names_and_shapes() == [(prefix + n, s) for n, s in names]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        values = {v.op.name[len(prefix):]: session.run(v) for v in variables("")}
    ones = ["gates/bias"] if mode == "gru" else []     # GRUCell's: gates start open
    for name in (n for n, _ in names if n.endswith("bias")):
        np.testing.assert_array_equal(values[name], float(name in ones))


# --- the cells' maths -------------------------------------------------------------------------

def test_compatible_lstm_cell_is_lstm_cell_with_forget_bias_0_values_and_gradients():
    """TF 1.15 ``RunLSTM`` / ``CudnnLSTMTest.test_training`` ("medium", rtol = atol = 3e-6):
    the reference there is ``LSTMCell(forget_bias=0.)``, inputs U[0, 1), weights U(-0.01, 0.01)."""
    reset_graph()
    rng = np.random.default_rng(0)
    units, input_size, batch, steps = 128, 64, 8, 16
    x = tf.constant(rng.random((steps, batch, input_size)), tf.float32)
    h0, c0 = (tf.constant(rng.random((batch, units)), tf.float32) for _ in "hc")
    init = tf.random_uniform_initializer(-0.01, 0.01, seed=19980904)
    runs = {}
    for scope, cell in (("reference", rnn.LSTMCell(units, forget_bias=0.0)),
                        ("cudnn", cr.CudnnCompatibleLSTMCell(units))):
        with tf.variable_scope(scope, initializer=init):
            outputs, _ = tf.nn.dynamic_rnn(cell, x, initial_state=rnn.LSTMStateTuple(c0, h0),
                                           time_major=True)
        runs[scope] = [outputs, *tf.gradients(outputs, [x, h0, c0, *variables(scope)])]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        copy_weights(session, "cudnn/rnn/cudnn_compatible_lstm_cell", "reference/rnn/lstm_cell")
        for got, expected in zip(*session.run((runs["cudnn"], runs["reference"])), strict=True):
            np.testing.assert_allclose(got, expected, rtol=3e-6, atol=3e-6)


def test_compatible_gru_cell_applies_the_reset_gate_after_the_recurrent_matmul():
    reset_graph()
    rng = np.random.default_rng(1)
    x, h = rng.normal(size=(3, 4)), rng.normal(size=(3, 6))
    cell = cr.CudnnCompatibleGRUCell(6)
    new_h, _ = cell(tf.constant(x, tf.float32), tf.constant(h, tf.float32))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        w = {v.op.name.split("gru_cell/")[1]: rng.normal(scale=0.5, size=v.shape.as_list())
             for v in cell.variables}
        session.run([tf.assign(v, w[v.op.name.split("gru_cell/")[1]]) for v in cell.variables])
        got = session.run(new_h)
    r, u = np.split(sigmoid(np.concatenate([x, h], 1) @ w["gates/kernel"] + w["gates/bias"]), 2, 1)
    x_part = x @ w["candidate/input_projection/kernel"] + w["candidate/input_projection/bias"]
    h_part = h @ w["candidate/hidden_projection/kernel"] + w["candidate/hidden_projection/bias"]
    np.testing.assert_allclose(got, (1 - u) * np.tanh(x_part + r * h_part) + u * h, atol=1e-5)
    # GRUCell's order, r * h before the matmul (and no recurrent bias), is another function.
    r_before = x_part + (r * h) @ w["candidate/hidden_projection/kernel"]
    assert np.abs(got - ((1 - u) * np.tanh(r_before) + u * h)).max() > 0.05


# --- the opaque buffer ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
@pytest.mark.parametrize("dirs", [1, 2])
@pytest.mark.parametrize("units, input_size, layers", [(1, 1, 1), (4, 4, 1), (128, 64, 1),
                                                       (6, 4, 2)])
def test_canonical_to_opaque_to_canonical_returns_the_input(mode, dirs, units, input_size, layers):
    """TF 1.15 ``CudnnParamsFormatConverterTest`` (xsmall, small, medium; plus 2 layers):
    random canonical weights and biases survive the round trip, in NumPy and in the graph;
    the buffer is no smaller than they are (here: their sizes plus the split gate biases)."""
    converter, opaque, *_ = random_case(mode, layers, dirs, input_size=input_size, units=units)
    rng = np.random.default_rng(5)
    canonical = [rng.random(a.shape) for part in converter.opaque_to_tf_canonical(opaque)
                 for a in part]                                   # weights, then biases
    buffer = converter.tf_canonical_to_opaque(canonical)
    back = [a for part in converter.opaque_to_tf_canonical(buffer) for a in part]
    for got, expected in zip(back, canonical, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    summed = canonical[len(canonical) // 2::converter.tf_canonical_per_cell]
    assert buffer.size == converter.opaque_size() == sum(a.size for a in canonical + summed)
    with tf.Session(graph=tf.Graph()) as session:
        graph_buffer = converter.tf_canonical_to_opaque([tf.constant(a) for a in canonical])
        graph_back = converter.opaque_to_tf_canonical(graph_buffer)
        got_buffer, got_back = session.run((graph_buffer, graph_back))
    np.testing.assert_array_equal(got_buffer, buffer)
    for got, expected in zip(got_back[0] + got_back[1], back, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_opaque_round_trip_keeps_weights_and_bias_sums_and_splits_them_in_halves():
    converter, opaque, *_ = random_case("lstm", 2, 2)
    weights, biases = converter.opaque_to_tf_canonical(opaque)
    again = converter.tf_canonical_to_opaque(weights + biases)
    cu_w, cu_b = converter.opaque_to_cu_canonical(opaque)
    again_w, again_b = converter.opaque_to_cu_canonical(again)
    for got, expected in zip(again_w, cu_w, strict=True):
        np.testing.assert_array_equal(got, expected)
    for p in range(4):   # per pseudo-layer: 4 input-side, then 4 recurrent-side biases
        got, expected = again_b[8 * p:8 * p + 8], cu_b[8 * p:8 * p + 8]
        np.testing.assert_allclose(np.add(got[:4], got[4:]), np.add(expected[:4], expected[4:]))
        np.testing.assert_array_equal(got[:4], got[4:])


@pytest.mark.parametrize("mode", list(LAYERS))
@pytest.mark.parametrize("dirs", [1, 2])
def test_layer_computes_cudnns_equations_on_its_opaque_buffer(mode, dirs):
    _, opaque, x, h0, c0 = random_case(mode, 2, dirs, seed=2)
    (outputs, states) = run_layer(mode, opaque, x, h0, c0, 2, dirs)
    expected = numpy_cudnn(mode, opaque, x, h0, c0, 2, dirs)
    assert outputs.shape == (5, 3, 6 * dirs) and states[0].shape == (2 * dirs, 3, 6)
    for got, want in zip((outputs, *states), expected, strict=False):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


# --- checkpoints: layer <-> compatible cells ----------------------------------------------------

# TF 1.15 zips its configs with the directions: (1 layer, uni), (2 layers, bidi). Plus 2 uni.
TF115_CONFIGS = [(1, 1, 3, 6, 4, 5), (2, 2, 8, 16, 4, 8)]


@pytest.mark.parametrize("mode, layers, dirs, steps, batch, units, input_size", [
    *((mode, *config) for mode in LAYERS for config in TF115_CONFIGS),
    ("lstm", 2, 1, 3, 6, 4, 5), ("gru", 2, 1, 3, 6, 4, 5)])
def test_layer_checkpoint_restores_into_stacked_compatible_cells_with_equal_results(
        tmp_path, mode, layers, dirs, steps, batch, units, input_size):
    """TF 1.15 ``CudnnRNNTestCompatibleRNNCells`` (its configs; tolerances: LSTM default
    1e-6, the others outputs atol 1e-4 rtol 2e-4 and states 2e-5)."""
    path = str(tmp_path / "cudnn")
    save_random_layer(mode, layers, dirs, units, input_size, path)
    inference = np.random.default_rng(1).random((steps, batch, input_size)).astype(np.float32)
    reset_graph()
    layer = LAYERS[mode](layers, units, direction=DIRECTIONS[dirs])
    layer.build([None, None, input_size])
    cudnn = layer(tf.constant(inference), training=False)
    with tf.Session() as session:
        tf.train.Saver().restore(session, path)
        cudnn = session.run(cudnn)
    reset_graph()
    cells = compatible_rnn(mode, layers, dirs, units, tf.constant(inference))
    with tf.Session() as session:
        tf.train.Saver().restore(session, path)   # fails unless every canonical name matches
        outputs, states = session.run(cells)
    out_tol, state_tol = ((1e-6, 1e-6), (1e-6, 1e-6)) if mode == "lstm" else ((2e-4, 1e-4),
                                                                              (2e-5, 2e-5))
    np.testing.assert_allclose(outputs, cudnn[0], *out_tol)
    for got, expected in zip(states, cudnn[1], strict=True):
        np.testing.assert_allclose(got, expected, *state_tol)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
@pytest.mark.parametrize("dirs", [1, 2])
def test_compatible_cells_checkpoint_restores_into_the_layer_through_its_saveable(
        tmp_path, mode, dirs):
    path, x = str(tmp_path / "cells"), np.random.default_rng(2).normal(size=(5, 3, 4))
    reset_graph()
    with tf.variable_scope("cudnn_" + mode):            # where a default layer's names live
        cells = compatible_rnn(mode, 2, dirs, 6, tf.constant(x, tf.float32))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run([tf.assign(v, tf.random_normal(v.shape, stddev=0.5)) for v in variables("")])
        expected = session.run(cells)
        tf.train.Saver().save(session, path)
    reset_graph()
    layer = LAYERS[mode](2, 6, direction=DIRECTIONS[dirs])
    outputs = layer(tf.constant(x, tf.float32))
    with tf.Session() as session:
        with pytest.raises(tf.errors.NotFoundError, match="opaque_kernel"):
            tf.train.Saver().restore(session, path)       # as in TF 1.15: no such key there
        tf.train.Saver([layer.saveable]).restore(session, path)
        got = session.run(outputs)
    for a, e in zip(tf.nest.flatten(got), tf.nest.flatten(expected), strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-5)


def test_checkpoint_names_are_the_cells_inside_the_scope_the_layer_was_built_in(tmp_path):
    """TF 1.15 ``testLayerBasic``'s names: a first call builds inside ``main/awesome_lstm``."""
    reset_graph()
    with tf.variable_scope("main"):
        cr.CudnnLSTM(2, 6, name="awesome_lstm")(tf.zeros([5, 3, 4]))
    cr.CudnnGRU(1, 6, direction="bidirectional").build([None, None, 4])   # at the top
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        tf.train.Saver().save(session, str(tmp_path / "names"))
    lstm = "main/awesome_lstm/rnn/multi_rnn_cell/cell_{}/cudnn_compatible_lstm_cell/"
    gru = "stack_bidirectional_rnn/cell_0/bidirectional_rnn/{}/cudnn_compatible_gru_cell/"
    expected = {"main/awesome_lstm/opaque_kernel": [2 * (4 * 6 * (4 + 6) + 8 * 6) - 4 * 6 * 4 +
                                                    4 * 6 * 6],
                lstm.format(0) + "kernel": [4 + 6, 24], lstm.format(0) + "bias": [24],
                lstm.format(1) + "kernel": [6 + 6, 24], lstm.format(1) + "bias": [24],
                "cudnn_gru/opaque_kernel": [2 * (3 * 6 * (4 + 6) + 6 * 6)]}
    for side in ("fw", "bw"):
        expected |= {gru.format(side) + "gates/kernel": [10, 12], gru.format(side) + "gates/bias":
                     [12]} | {gru.format(side) + f"candidate/{p}_projection/{v}": s
                              for p, k in (("input", 4), ("hidden", 6))
                              for v, s in (("kernel", [k, 6]), ("bias", [6]))}
    assert dict(tf.train.list_variables(str(tmp_path / "names"))) == expected


def test_restores_a_checkpoint_laid_out_as_tf115_wrote_it(tmp_path):
    """No tf1-lstm code writes it: plain variables under TF 1.15's names, the canonical ones
    stitched here from cuDNN's matrices (kernel = [W_g R_g]^T over gates i, c, f, o)."""
    _, opaque, x, h0, c0 = random_case("lstm", 2, 1, seed=3)
    matrices, biases = unpack_opaque(opaque, "lstm", 2, 1, 4, 6)
    reset_graph()
    tf.Variable(opaque.astype(np.float32), name="cudnn_lstm/opaque_kernel")
    for k, (m, b) in enumerate(zip(matrices, biases, strict=True)):
        prefix = f"cudnn_lstm/rnn/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell/"
        order = [0, 2, 1, 3]                                      # cuDNN i f c o -> TF i c f o
        kernel = np.concatenate([np.concatenate([m[g], m[4 + g]], 1) for g in order]).T
        tf.Variable(kernel.astype(np.float32), name=prefix + "kernel")
        tf.Variable(np.concatenate([b[g] + b[4 + g] for g in order]).astype(np.float32),
                    name=prefix + "bias")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        tf.train.Saver().save(session, str(tmp_path / "tf115"))
    reset_graph()
    outputs, (h, c) = cr.CudnnLSTM(2, 6)(tf.constant(x, tf.float32), initial_state=(
        tf.constant(h0, tf.float32), tf.constant(c0, tf.float32)))
    with tf.Session() as session:
        tf.train.Saver().restore(session, str(tmp_path / "tf115"))
        got = session.run((outputs, h, c))
    for a, e in zip(got, numpy_cudnn("lstm", opaque, x, h0, c0, 2, 1), strict=True):
        np.testing.assert_allclose(a, e, atol=1e-5)


@pytest.mark.parametrize("mode, dirs, dtype", [
    *((mode, dirs, tf.float32) for mode in LAYERS for dirs in (1, 2)),
    ("lstm", 2, tf.float16), ("lstm", 2, tf.float64), ("gru", 1, tf.float64)])
def test_save_zero_restore_brings_back_weights_bias_sums_and_outputs(tmp_path, mode, dirs, dtype):
    """TF 1.15 ``CudnnRNNTestSaveRestore`` (input 3 / 7, 2 layers, 7 units; output atol 1e-5)."""
    reset_graph()
    layer = LAYERS[mode](2, 7, direction=DIRECTIONS[dirs], dtype=dtype)
    layer.build([None, None, 7])
    rng = np.random.default_rng(4)
    x = rng.normal(size=(8, 4, 7)).astype(dtype.as_numpy_dtype)
    state = tuple(rng.normal(size=(2 * dirs, 4, 7)).astype(x.dtype) for _ in layer.state_shape(4))
    outputs, states = layer(x, initial_state=state, training=False)
    total = tf.reduce_sum(outputs) + sum(tf.reduce_sum(s) for s in states)
    weights, biases = layer.saveable.format_converter.opaque_to_cu_canonical(layer.kernel)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        before = session.run((weights, biases, total))
        tf.train.Saver().save(session, str(tmp_path / "ckpt"))
        session.run(tf.assign(layer.kernel, tf.zeros_like(layer.kernel), validate_shape=False))
        assert not any(np.any(w) for w in session.run(weights))
        tf.train.Saver().restore(session, str(tmp_path / "ckpt"))
        after = session.run((weights, biases, total))
    for got, expected in zip(after[0], before[0], strict=True):
        np.testing.assert_array_equal(got, expected)
    gates = GATES[mode]
    for p in range(0, len(after[1]), 2 * gates):     # b_W + b_R of each gate, each cell
        got, expected = after[1][p:p + 2 * gates], before[1][p:p + 2 * gates]
        np.testing.assert_allclose(np.add(got[:gates], got[gates:]),
                                   np.add(expected[:gates], expected[gates:]), rtol=1e-3)
    np.testing.assert_allclose(after[2], before[2], atol=1e-5 if dtype != tf.float16 else 0.5)
