"""tf.contrib.rnn's layer-norm and weight-norm LSTM cells, rebuilt on TF 2.21.

Each cell is checked four ways: TF 1.15's own expected numbers (``contrib/rnn/python/
kernel_tests/rnn_cell_test.py``, same tolerances), TF1's variable names and shapes (read off
``contrib/rnn/python/ops/rnn_cell.py``), a float64 NumPy unroll of the docstring equations
under static_rnn and dynamic_rnn, and a gradient reaching every variable.
"""

from __future__ import annotations

import numpy as np
import pytest
import tf_slim
from contrib_cells_support import (
    assert_every_variable_gets_a_gradient,
    assert_matches_numpy,
    layer_norm,
    sigmoid,
    tf115_fixture_run,
)
from contrib_support import B, H, I, names_and_shapes, unroll

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn import norm_cells
from tf1_lstm.contrib.rnn.norm_cells import (
    LayerNormBasicLSTMCell,
    LayerNormLSTMCell,
    WeightNormLSTMCell,
)

P = 5  # num_proj
LSTMStateTuple = tf.nn.rnn_cell.LSTMStateTuple
LN_SCOPES = ("input", "transform", "forget", "output")


def assert_tf_close(actual, expected, rtol: float = 1e-6) -> None:
    """TF's assertAllClose(a, b, rtol): |a - b| <= 1e-6 + rtol * |b|."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-6)


# --- TF 1.15's numbers -----------------------------------------------------------------------

def two_layer_fixture(make_cell):
    """TF's two-layer MultiRNNCell fixture: x = [[1, 1]], c/h of 0.1 * [[0, 1]] ... [[6, 7]]."""
    def build():
        states = tuple(LSTMStateTuple(tf.constant(0.1 * np.array([[a, a + 1]], np.float32)),
                                      tf.constant(0.1 * np.array([[a + 2, a + 3]], np.float32)))
                       for a in (0, 4))
        cell = tf.nn.rnn_cell.MultiRNNCell([make_cell() for _ in range(2)])
        return cell(tf.constant([[1.0, 1.0]]), states)
    return tf115_fixture_run(build)


def one_layer_fixture(make_cell, x, c=(0.0, 0.1), h=(0.2, 0.3)):
    """TF's single-cell fixture: c = 0.1 * [[0, 1]], h = 0.1 * [[2, 3]]."""
    def build():
        state = LSTMStateTuple(tf.constant([c]), tf.constant([h]))
        return make_cell()(tf.constant([x]), state)
    return tf115_fixture_run(build)


LN_H, LN_C = [[-0.38079708, 0.38079708]], [[-1.0, 1.0]]


@pytest.mark.parametrize("make_cell", [
    lambda: LayerNormBasicLSTMCell(2),
    lambda: LayerNormLSTMCell(2, layer_norm=True, norm_gain=1.0, norm_shift=0.0),
], ids=["LayerNormBasicLSTMCell", "LayerNormLSTMCell"])
def test_layer_norm_cells_match_tf115_numbers(make_cell):
    """TF 1.15 testBasicLSTMCell, testBasicLSTMCellWithStateTuple (LayerNormBasicLSTMCell)
    and testBasicLSTMCellWithStateTupleLayerNorm (LayerNormLSTMCell), rtol 1e-5."""
    h, (s0, s1) = two_layer_fixture(make_cell)
    for actual, expected in ((h, LN_H), (s0.c, LN_C), (s0.h, LN_H), (s1.c, LN_C), (s1.h, LN_H)):
        assert_tf_close(actual, expected, rtol=1e-5)
    h, state = one_layer_fixture(make_cell, [1.0, 1.0, 1.0])       # input_size != num_units
    for actual, expected in ((h, LN_H), (state.c, LN_C), (state.h, LN_H)):
        assert_tf_close(actual, expected, rtol=1e-5)


def test_layer_norm_basic_lstm_cell_without_norm_matches_tf115_numbers():
    """TF 1.15 testBasicLSTMCellWithoutNorm, rtol 1e-5 (the bias takes the 0.5 initializer)."""
    h, (s0, s1) = two_layer_fixture(lambda: LayerNormBasicLSTMCell(2, layer_norm=False))
    assert_tf_close(h, [[0.70230919, 0.72581059]], rtol=1e-5)
    assert_tf_close(s0.c, [[0.8020075, 0.89599884]], rtol=1e-5)
    assert_tf_close(s0.h, [[0.56668288, 0.60858738]], rtol=1e-5)
    assert_tf_close(s1.c, [[1.17500675, 1.26892781]], rtol=1e-5)
    assert_tf_close(s1.h, [[0.70230919, 0.72581059]], rtol=1e-5)
    h, state = one_layer_fixture(lambda: LayerNormBasicLSTMCell(2, layer_norm=False),
                                 [1.0, 1.0, 1.0])
    assert_tf_close(h, [[0.64121795, 0.68166804]], rtol=1e-5)
    assert_tf_close(state.c, [[0.88477188, 0.98103917]], rtol=1e-5)
    assert_tf_close(state.h, [[0.64121795, 0.68166804]], rtol=1e-5)


def test_layer_norm_basic_lstm_cell_dropout_keeps_tf115_values():
    """TF 1.15 testBasicLSTMCellWithDropout: with every weight 1 and x = c = h = 1, each unit
    of c is 2.99989 (candidate kept, scaled by 1 / keep_prob) or 0.99998 (dropped), with h
    tanh(c) * sigmoid(11) to match (4 digits). TF counted 1 to 3 drops of 5 in one draw, a
    test that fails 22% of the time; here 20 seeded draws must drop 30-70%."""
    def build():
        ones = tf.ones([1, 5])
        cell = LayerNormBasicLSTMCell(5, layer_norm=False, dropout_keep_prob=0.5)
        return cell(ones, LSTMStateTuple(ones, ones))
    reset_graph()
    with tf.variable_scope("other", initializer=tf.constant_initializer(1)):
        output, state = build()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        runs = [session.run((output, state)) for _ in range(20)]
    c = np.concatenate([s.c[0] for _, s in runs])
    h = np.concatenate([s.h[0] for _, s in runs])
    dropped = np.abs(c - 0.999983298578) < 1e-4
    kept = np.abs(c - 2.9998924946) < 1e-4
    assert (dropped | kept).all()
    np.testing.assert_allclose(h[dropped], 0.761552567265, atol=1e-4)
    np.testing.assert_allclose(h[kept], 0.995008519604, atol=1e-4)
    assert 0.3 < dropped.mean() < 0.7
    assert all((out == s.h).all() for out, s in runs)


def test_layer_norm_lstm_cell_with_projection_has_tf115_shapes():
    """TF 1.15 testLSTMCellLayerNorm (a smoke test): num_units 2, num_proj 3, input 4."""
    def build():
        state = LSTMStateTuple(tf.fill([1, 2], 0.1), tf.fill([1, 3], 0.1))
        cell = LayerNormLSTMCell(num_units=2, num_proj=3, forget_bias=1.0, layer_norm=True,
                                 norm_gain=1.0, norm_shift=0.0)
        return cell(tf.ones([1, 4]), state)
    output, state = tf115_fixture_run(build)
    assert output.shape == (1, 3) and state.c.shape == (1, 2) and state.h.shape == (1, 3)


@pytest.mark.parametrize(("norm", "use_peepholes", "expected_c", "expected_h"), [
    (False, False, [[0.65937078, 0.74983585]], [[0.44923624, 0.49362513]]),
    (False, True, [[0.65937084, 0.7574988]], [[0.4792085, 0.53470564]]),
    (True, False, [[0.50125383, 0.58805949]], [[0.32770363, 0.37397948]]),
    (True, True, [[0.50125383, 0.59587258]], [[0.35041603, 0.40873795]]),
], ids=["testBasicCell", "testNonbasicCell", "testBasicCellWithNorm",
        "testNonBasicCellWithNorm"])
def test_weight_norm_lstm_cell_matches_tf115_numbers(norm, use_peepholes, expected_c,
                                                     expected_h):
    """TF 1.15 WeightNormLSTMCellTest (the four cases named in the ids), rtol 1e-5."""
    _, state = one_layer_fixture(
        lambda: WeightNormLSTMCell(2, norm=norm, use_peepholes=use_peepholes), [1.0, 1.0])
    assert_tf_close(state.c, expected_c, rtol=1e-5)
    assert_tf_close(state.h, expected_h, rtol=1e-5)


# --- variable names and shapes (TF 1.15's get_variable calls, in their order) ----------------

def ln_names(prefix: str, scopes, units: int) -> list:
    return [(f"{prefix}{scope}/{kind}", [units]) for scope in scopes for kind in ("gamma", "beta")]


def peephole_names(prefix: str) -> list:
    return [(f"{prefix}w_{gate}_diag", [H]) for gate in "fio"]


LN = "rnn/layer_norm_lstm_cell/"
WN = "rnn/wn_lstm_cell/wn_lstm_cell/"      # TF1's `_scope` clash, see WeightNormLSTMCell
NAME_CASES = {
    "layer_norm_basic": (
        lambda: LayerNormBasicLSTMCell(H),
        [("rnn/layer_norm_basic_lstm_cell/kernel", [I + H, 4 * H])]
        + ln_names("rnn/layer_norm_basic_lstm_cell/", (*LN_SCOPES, "state"), H)),
    "layer_norm_basic_without_norm": (
        lambda: LayerNormBasicLSTMCell(H, layer_norm=False),
        [("rnn/layer_norm_basic_lstm_cell/kernel", [I + H, 4 * H]),
         ("rnn/layer_norm_basic_lstm_cell/bias", [4 * H])]),
    "layer_norm_lstm_full": (
        lambda: LayerNormLSTMCell(H, use_peepholes=True, num_proj=P, layer_norm=True),
        [(f"{LN}kernel", [I + P, 4 * H]), (f"{LN}bias", [4 * H])]
        + ln_names(LN, LN_SCOPES, H) + peephole_names(LN) + ln_names(LN, ("state",), H)
        + [(f"{LN}projection/kernel", [H, P])]),
    "weight_norm_full": (
        lambda: WeightNormLSTMCell(H, use_peepholes=True, num_proj=P),
        [(f"{WN}kernel", [I + P, 4 * H]), (f"{WN}norm_0", [4 * H]), (f"{WN}norm_1", [4 * H]),
         (f"{WN}bias", [4 * H])] + peephole_names(WN)
        + [(f"{WN}projection/kernel", [H, P]), (f"{WN}projection/norm_0", [P])]),
    "weight_norm_off": (
        lambda: WeightNormLSTMCell(H, norm=False),
        [(f"{WN}kernel", [I + H, 4 * H]), (f"{WN}bias", [4 * H])]),
}


@pytest.mark.parametrize("kind", ["static", "dynamic"])
@pytest.mark.parametrize("case", NAME_CASES)
def test_variable_names_and_shapes_are_tf115s(case, kind):
    make_cell, expected = NAME_CASES[case]
    reset_graph()
    unroll(kind, make_cell(), tf.zeros([B, 5, I]))
    assert names_and_shapes() == expected


# --- float64 NumPy reference of the docstrings' equations ------------------------------------

def l2_columns(w):
    return w / np.sqrt(np.maximum((w ** 2).sum(axis=0, keepdims=True), 1e-12))


def numpy_lstm_step(x, state, w, *, layer_norm_on=False, peepholes=False, cell_clip=None,
                    proj_clip=None, forget_bias=1.0, prefix="", kernel=None, projection=None):
    """One LSTM step: gates i, j, f, o from [x, m]; LN, peepholes, clipping, projection."""
    c, m = state
    z = np.concatenate([x, m], 1) @ (w[f"{prefix}kernel"] if kernel is None else kernel)
    if not layer_norm_on:
        z = z + w[f"{prefix}bias"]
    i, j, f, o = np.split(z, 4, axis=1)
    if layer_norm_on:
        i, j, f, o = (layer_norm(g, w[f"{s}/gamma"], w[f"{s}/beta"])
                      for g, s in zip((i, j, f, o), LN_SCOPES, strict=True))
    f = f + forget_bias
    if peepholes:
        f, i = f + w[f"{prefix}w_f_diag"] * c, i + w[f"{prefix}w_i_diag"] * c
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(j)
    if layer_norm_on:
        c = layer_norm(c, w["state/gamma"], w["state/beta"])
    if cell_clip is not None:
        c = np.clip(c, -cell_clip, cell_clip)
    if peepholes:
        o = o + w[f"{prefix}w_o_diag"] * c
    m = sigmoid(o) * np.tanh(c)
    if projection is not None:
        m = m @ projection
        if proj_clip is not None:
            m = np.clip(m, -proj_clip, proj_clip)
    return m, (c, m)


def numpy_weight_norm_step(x, state, w, **options):
    kernel = np.concatenate([l2_columns(w["wn_lstm_cell/kernel"][:I]) * w["wn_lstm_cell/norm_0"],
                             l2_columns(w["wn_lstm_cell/kernel"][I:]) * w["wn_lstm_cell/norm_1"]])
    projection = (l2_columns(w["wn_lstm_cell/projection/kernel"])
                  * w["wn_lstm_cell/projection/norm_0"])
    return numpy_lstm_step(x, state, w, peepholes=True, prefix="wn_lstm_cell/", kernel=kernel,
                           projection=projection, **options)


def zero_lstm_state(output_size):
    return lambda batch: (np.zeros((batch, H)), np.zeros((batch, output_size)))


REFERENCE_CASES = {
    "layer_norm_basic": (
        lambda: LayerNormBasicLSTMCell(H, forget_bias=0.5),
        lambda x, s, w: numpy_lstm_step(x, s, w, layer_norm_on=True, forget_bias=0.5), H),
    "layer_norm_basic_without_norm": (
        lambda: LayerNormBasicLSTMCell(H, layer_norm=False),
        lambda x, s, w: numpy_lstm_step(x, s, w), H),
    "layer_norm_lstm_full": (
        lambda: LayerNormLSTMCell(H, use_peepholes=True, cell_clip=0.8, num_proj=P,
                                  proj_clip=0.6, layer_norm=True, norm_gain=1.2,
                                  norm_shift=0.1),
        lambda x, s, w: numpy_lstm_step(x, s, w, layer_norm_on=True, peepholes=True,
                                        cell_clip=0.8, proj_clip=0.6,
                                        projection=w["projection/kernel"]), P),
    "layer_norm_lstm_without_norm": (
        lambda: LayerNormLSTMCell(H, forget_bias=0.0),
        lambda x, s, w: numpy_lstm_step(x, s, w, forget_bias=0.0), H),
    "weight_norm_full": (
        lambda: WeightNormLSTMCell(H, use_peepholes=True, cell_clip=1.0, num_proj=P,
                                   proj_clip=0.7),
        lambda x, s, w: numpy_weight_norm_step(x, s, w, cell_clip=1.0, proj_clip=0.7), P),
    "weight_norm_off": (
        lambda: WeightNormLSTMCell(H, norm=False),
        lambda x, s, w: numpy_lstm_step(x, s, w, prefix="wn_lstm_cell/"), H),
}


@pytest.mark.parametrize("kind", ["static", "dynamic"])
@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_cells_match_a_float64_numpy_unroll(case, kind):
    make_cell, numpy_step, output_size = REFERENCE_CASES[case]
    assert_matches_numpy(kind, make_cell, numpy_step, zero_lstm_state(output_size))


def test_layer_norm_is_contrib_layers_layer_norm():
    """Our layer_norm == tf_slim's port of contrib.layers.layer_norm reusing its gamma/beta,
    which is exactly how TF1's cells called it (gain 1.3, shift 0.2: the init counts)."""
    reset_graph()
    x = tf.constant(np.random.default_rng(0).normal(size=(B, H)).astype(np.float32))
    ours = norm_cells.layer_norm(x, "state", 1.3, 0.2)
    theirs = tf_slim.layers.layer_norm(x, reuse=True, scope="state")
    assert [v.op.name for v in tf.global_variables()] == ["state/gamma", "state/beta"]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        ours, theirs = session.run((ours, theirs))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.mean(axis=1), 0.2, atol=1e-5)


def test_weight_norm_kernel_is_normalised_once_outside_the_dynamic_rnn_loop():
    """TF1 built the normalised kernel under control_dependencies(None): not in the loop."""
    reset_graph()
    unroll("dynamic", WeightNormLSTMCell(H), tf.zeros([B, 5, I]))
    normalise_ops = [op for op in tf.get_default_graph().get_operations()
                     if "l2_normalize" in op.name]
    assert normalise_ops
    assert all(op._get_control_flow_context() is None for op in normalise_ops)


# --- gradients -------------------------------------------------------------------------------

# TF1 made LayerNormLSTMCell's ``bias`` and then skipped it when layer_norm=True (the LN
# betas shift instead): the variable exists for checkpoints, but no gradient reaches it.
UNUSED_BY_TF1 = {"layer_norm_lstm_full": ("layer_norm_lstm_cell/bias",)}


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_a_gradient_reaches_every_variable_tf1_used(case):
    make_cell = REFERENCE_CASES[case][0]
    assert_every_variable_gets_a_gradient(make_cell, unused=UNUSED_BY_TF1.get(case, ()))
