"""tf.contrib.rnn's CIFG, NAS, UGRNN, +RNN, CFN and MinimalRNN cells, rebuilt on TF 2.21.

Each cell is checked four ways: TF 1.15's own expected numbers (``contrib/rnn/python/
kernel_tests/rnn_cell_test.py``, same tolerances), TF1's variable names and shapes (read off
``contrib/rnn/python/ops/rnn_cell.py``), a float64 NumPy unroll of the docstring equations
under static_rnn and dynamic_rnn, and a gradient reaching every variable.
"""

from __future__ import annotations

import numpy as np
import pytest
import tf_keras
from contrib_cells_support import (
    assert_every_variable_gets_a_gradient,
    assert_matches_numpy,
    layer_norm,
    sigmoid,
    tf115_fixture_run,
)
from contrib_support import B, H, I, T, names_and_shapes, unroll
from tf_keras import initializers

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn.gated_cells import (
    CFNCell,
    IntersectionRNNCell,
    MinimalRNNCell,
    UGRNNCell,
)
from tf1_lstm.contrib.rnn.lstm_variant_cells import CoupledInputForgetGateLSTMCell, NASCell

P = 5  # num_proj
LSTMStateTuple = tf.nn.rnn_cell.LSTMStateTuple
X_123 = np.array([[1.0] * 4, [2.0] * 4, [3.0] * 4], np.float32)   # TF's [3, 4] test input


def assert_tf_close(actual, expected, rtol: float = 1e-6) -> None:
    """TF's assertAllClose(a, b, rtol): |a - b| <= 1e-6 + rtol * |b|."""
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-6)


def fill(value: float, *shape: int):
    return tf.constant(np.full(shape, value, np.float32))


# --- TF 1.15's numbers (default assertAllClose tolerances: rtol = atol = 1e-6) -------------

def test_coupled_input_forget_gate_lstm_cell_matches_tf115_numbers():
    """TF 1.15 testCoupledInputForgetGateLSTMCell (concatenated state [c, m])."""
    output, state = tf115_fixture_run(lambda: CoupledInputForgetGateLSTMCell(
        num_units=2, forget_bias=1.0, state_is_tuple=False)(tf.constant(X_123), fill(0.1, 3, 4)))
    assert_tf_close(output, [[0.121753, 0.121753], [0.103349, 0.103349],
                             [0.100178, 0.100178]])
    assert_tf_close(state, [[0.137523, 0.137523, 0.121753, 0.121753],
                            [0.105450, 0.105450, 0.103349, 0.103349],
                            [0.100742, 0.100742, 0.100178, 0.100178]])


def nas_fixture(num_proj=None):
    state = LSTMStateTuple(fill(0.1, 3, 6), fill(0.1, 3, num_proj or 6))
    return NASCell(num_units=6, num_proj=num_proj)(tf.constant(X_123), state)


def test_nas_cell_matches_tf115_numbers():
    """TF 1.15 testNASCell."""
    output, (c, h) = tf115_fixture_run(nas_fixture)
    rows = np.ones((1, 6))
    assert_tf_close(output, np.array([[0.576751], [0.618936], [0.627393]]) * rows)
    assert_tf_close(c, np.array([[0.71579772], [0.78041625], [0.79457647]]) * rows)
    assert_tf_close(h, np.array([[0.57675087], [0.6189357], [0.62739348]]) * rows)


def test_nas_cell_with_projection_matches_tf115_numbers():
    """TF 1.15 testNASCellProj (num_units 6, num_proj 5)."""
    output, (c, h) = tf115_fixture_run(lambda: nas_fixture(num_proj=5))
    assert_tf_close(output, np.array([[1.697418], [1.840037], [1.873985]]) * np.ones((1, 5)))
    assert_tf_close(c, np.array([[0.69855207], [0.77073824], [0.78973997]]) * np.ones((1, 6)))
    assert_tf_close(h, np.array([[1.69741797], [1.84003687], [1.87398517]]) * np.ones((1, 5)))


def test_nas_cell_runs_inside_a_keras_rnn_layer():
    """TF 1.15 testNASCellKerasRNN (graph mode; the TF1 world has no eager mode)."""
    reset_graph()
    inputs = tf.constant(np.random.default_rng(0).random((2, 3, 5)), tf.float32)
    outputs = tf_keras.layers.RNN(cell=NASCell(10))(inputs)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        assert session.run(outputs).shape == (2, 10)


UGRNN_STATE = [[0.13752282, 0.13752282], [0.10545051, 0.10545051], [0.10074195, 0.10074195]]


def test_ugrnn_cell_matches_tf115_numbers():
    """TF 1.15 testUGRNNCell: output and state are the same tensor's values."""
    output, state = tf115_fixture_run(
        lambda: UGRNNCell(num_units=2)(tf.constant(X_123), fill(0.1, 3, 2)))
    assert_tf_close(output, UGRNN_STATE)
    assert_tf_close(state, UGRNN_STATE)


def test_intersection_rnn_cell_matches_tf115_numbers():
    """TF 1.15 testIntersectionRNNCell (input 4 projected to num_units 2)."""
    output, state = tf115_fixture_run(lambda: IntersectionRNNCell(
        num_units=2, num_in_proj=2)(tf.constant(X_123), fill(0.1, 3, 2)))
    assert_tf_close(output, [[2.00431061, 2.00431061], [4.00060606, 4.00060606],
                             [6.00008249, 6.00008249]])
    assert_tf_close(state, UGRNN_STATE)


def test_intersection_rnn_cell_without_input_projection_says_how_to_fix_it():
    """TF 1.15 testIntersectionRNNCellFailure: input 4 != num_units 2, no num_in_proj."""
    reset_graph()
    with pytest.raises(ValueError, match="num_in_proj should be set to num_units"):
        IntersectionRNNCell(num_units=2)(tf.constant(X_123), fill(0.1, 3, 2))


@pytest.mark.parametrize(("cell_class", "expected_2", "expected_3"), [
    (CFNCell, 0.17188203, 0.15535763),
    (MinimalRNNCell, 0.18899589, 0.19554167),
], ids=["testCFNCell", "testMinimalRNNCell"])
def test_keras_style_cells_match_tf115_numbers(cell_class, expected_2, expected_3):
    """TF 1.15 testCFNCell / testMinimalRNNCell: kernel Constant(0.5), default bias ones,
    with input 2 and input 3 (!= units)."""
    for depth, expected in ((2, expected_2), (3, expected_3)):
        output, _ = tf115_fixture_run(lambda depth=depth: cell_class(
            units=2, kernel_initializer=initializers.Constant(0.5))(
                tf.ones([1, depth]), fill(0.1, 1, 2)), initializer=None)
        assert_tf_close(output, [[expected, expected]])


@pytest.mark.parametrize("cell_class", [CFNCell, MinimalRNNCell])
def test_keras_style_cells_train_under_dynamic_rnn_with_unknown_batch(cell_class):
    """TF 1.15 testCFNCellEndToEnd / testMinimalRNNCellEndToEnd: shapes keep the unknown
    batch, and one gradient-descent step on a softmax loss runs."""
    reset_graph()
    inputs = tf.placeholder(tf.float32, shape=(None, 4, 10))
    labels = tf.placeholder(tf.float32, shape=(None, 5))
    outputs, state = tf.nn.dynamic_rnn(cell_class(5), inputs, dtype=tf.float32)
    assert outputs.shape.as_list() == [None, 4, 5]
    assert state.shape.as_list() == [None, 5]
    loss = tf.losses.softmax_cross_entropy(labels, state)
    train_op = tf.train.GradientDescentOptimizer(0.001).minimize(loss)
    rng = np.random.default_rng(0)
    feed = {inputs: rng.normal(size=(100, 4, 10)), labels: np.eye(5)[rng.integers(0, 5, 100)]}
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        _, outputs, state = session.run([train_op, outputs, state], feed)
    assert outputs.shape == (100, 4, 5) and state.shape == (100, 5)


# --- variable names and shapes (TF 1.15's variables, in creation order) ----------------------

CIFG = "rnn/coupled_input_forget_gate_lstm_cell/"
NAME_CASES = {
    "cifg_sharded_full": (
        # I + P = 9 rows in 2 shards: 5 + 4; H = 6 projection rows in 2 shards: 3 + 3.
        lambda: CoupledInputForgetGateLSTMCell(H, use_peepholes=True, num_proj=P,
                                               num_unit_shards=2, num_proj_shards=2,
                                               layer_norm=True),
        [(f"{CIFG}W_0", [5, 3 * H]), (f"{CIFG}W_1", [4, 3 * H]), (f"{CIFG}B", [3 * H])]
        + [(f"{CIFG}{s}/{k}", [H]) for s in ("transform", "forget", "output")
           for k in ("gamma", "beta")]
        + [(f"{CIFG}W_F_diag", [H]), (f"{CIFG}W_O_diag", [H]),
           (f"{CIFG}state/gamma", [H]), (f"{CIFG}state/beta", [H]),
           (f"{CIFG}W_P_0", [3, P]), (f"{CIFG}W_P_1", [3, P])]),
    "cifg_plain": (
        lambda: CoupledInputForgetGateLSTMCell(H),
        [(f"{CIFG}W_0", [I + H, 3 * H]), (f"{CIFG}B", [3 * H])]),
    "nas_full": (
        lambda: NASCell(H, num_proj=P, use_bias=True),
        [("rnn/nas_cell/recurrent_kernel", [P, 8 * H]), ("rnn/nas_cell/kernel", [I, 8 * H]),
         ("rnn/nas_cell/bias", [8 * H]), ("rnn/nas_cell/projection_weights", [H, P])]),
    "ugrnn": (
        lambda: UGRNNCell(H),
        [("rnn/ugrnn_cell/kernel", [I + H, 2 * H]), ("rnn/ugrnn_cell/bias", [2 * H])]),
    "intersection": (
        lambda: IntersectionRNNCell(H, num_in_proj=H),
        [("rnn/intersection_rnn_cell/in_projection/kernel", [I, H]),
         ("rnn/intersection_rnn_cell/in_projection/bias", [H]),
         ("rnn/intersection_rnn_cell/kernel", [2 * H, 4 * H]),
         ("rnn/intersection_rnn_cell/bias", [4 * H])]),
    "cfn": (
        lambda: CFNCell(H),
        [("rnn/cfn_cell/kernel", [I, 3 * H]), ("rnn/cfn_cell/recurrent_kernel", [H, 2 * H]),
         ("rnn/cfn_cell/bias", [2 * H])]),
    "minimal": (
        lambda: MinimalRNNCell(H),
        [("rnn/minimal_rnn_cell/kernel", [I + 2 * H, H]), ("rnn/minimal_rnn_cell/bias", [H])]),
}


@pytest.mark.parametrize("kind", ["static", "dynamic"])
@pytest.mark.parametrize("case", NAME_CASES)
def test_variable_names_and_shapes_are_tf115s(case, kind):
    make_cell, expected = NAME_CASES[case]
    reset_graph()
    unroll(kind, make_cell(), tf.zeros([B, T, I]))
    assert names_and_shapes() == expected


def test_sharded_weights_are_concatenated_once_and_collected():
    """TF1's _get_concat_variable: W_0, W_1 joined as ``W/concat`` in the collection."""
    reset_graph()
    cell = CoupledInputForgetGateLSTMCell(H, num_unit_shards=2)
    cell(tf.zeros([B, I]), LSTMStateTuple(tf.zeros([B, H]), tf.zeros([B, H])))
    collected = tf.get_collection(tf.GraphKeys.CONCATENATED_VARIABLES)
    assert [t.op.name for t in collected] == ["coupled_input_forget_gate_lstm_cell/W/concat"]
    assert collected[0].shape.as_list() == [I + H, 3 * H]


# --- float64 NumPy reference of the docstrings' equations ------------------------------------

def numpy_cifg_step(x, state, w, *, layer_norm_on=False, proj_clip=None):
    """CIFG with peepholes and a 2-shard projection: input gate = 1 - forget gate."""
    c, m = state
    z = np.concatenate([x, m], 1) @ np.concatenate([w["W_0"], w["W_1"]])
    if not layer_norm_on:
        z = z + w["B"]
    j, f, o = np.split(z, 3, axis=1)
    if layer_norm_on:
        j, f, o = (layer_norm(g, w[f"{s}/gamma"], w[f"{s}/beta"])
                   for g, s in zip((j, f, o), ("transform", "forget", "output"), strict=True))
    f_act = sigmoid(f + 1.0 + w["W_F_diag"] * c)
    c = f_act * c + (1 - f_act) * np.tanh(j)
    if layer_norm_on:
        c = layer_norm(c, w["state/gamma"], w["state/beta"])
    m = sigmoid(o + w["W_O_diag"] * c) * np.tanh(c)
    m = m @ np.concatenate([w["W_P_0"], w["W_P_1"]])
    if proj_clip is not None:
        m = np.clip(m, -proj_clip, proj_clip)
    return m, (c, m)


def numpy_nas_step(x, state, w):
    c, m = state
    a = np.split(x @ w["kernel"], 8, axis=1)
    b = np.split(m @ w["recurrent_kernel"] + w["bias"], 8, axis=1)
    relu = lambda z: np.maximum(z, 0)  # noqa: E731
    l1 = [sigmoid(a[0] + b[0]), relu(a[1] + b[1]), sigmoid(a[2] + b[2]), relu(a[3] * b[3]),
          np.tanh(a[4] + b[4]), sigmoid(a[5] + b[5]), np.tanh(a[6] + b[6]),
          sigmoid(a[7] + b[7])]
    new_c = np.tanh(np.tanh(l1[0] * l1[1]) + c) * np.tanh(l1[2] + l1[3])
    new_m = np.tanh(new_c * np.tanh(np.tanh(l1[4] * l1[5]) + sigmoid(l1[6] + l1[7])))
    new_m = new_m @ w["projection_weights"]
    return new_m, (new_c, new_m)


def numpy_ugrnn_step(x, h, w, forget_bias=1.0):
    g_act, c_act = np.split(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"], 2, axis=1)
    g = sigmoid(g_act + forget_bias)
    h = g * h + (1 - g) * np.tanh(c_act)
    return h, h


def numpy_intersection_step(x, h, w, forget_bias=1.0):
    x = x @ w["in_projection/kernel"] + w["in_projection/bias"]
    z = np.concatenate([x, h], 1) @ w["kernel"] + w["bias"]
    gh, h_act, gy, y_act = np.split(z, 4, axis=1)
    gh, gy = sigmoid(gh + forget_bias), sigmoid(gy + forget_bias)
    new_h = gh * h + (1 - gh) * np.tanh(h_act)
    return gy * x + (1 - gy) * np.maximum(y_act, 0), new_h


def numpy_cfn_step(x, h, w):
    v, w_x = w["kernel"][:, :2 * H], w["kernel"][:, 2 * H:]
    theta, eta = np.split(sigmoid(h @ w["recurrent_kernel"] + x @ v + w["bias"]), 2, axis=1)
    h = theta * np.tanh(h) + (1 - eta) * np.tanh(x @ w_x)
    return h, h


def numpy_minimal_step(x, h, w):
    z = np.tanh(x @ w["kernel"][:I])
    u = sigmoid(np.concatenate([z, h], 1) @ w["kernel"][I:] + w["bias"])
    h = u * h + (1 - u) * z
    return h, h


def lstm_zeros(output_size):
    return lambda batch: (np.zeros((batch, H)), np.zeros((batch, output_size)))


def h_zeros(batch):
    return np.zeros((batch, H))


def cifg(**options):
    return lambda: CoupledInputForgetGateLSTMCell(H, use_peepholes=True, num_proj=P,
                                                  num_unit_shards=2, num_proj_shards=2,
                                                  **options)


REFERENCE_CASES = {
    "cifg": (cifg(proj_clip=0.5), lambda x, s, w: numpy_cifg_step(x, s, w, proj_clip=0.5),
             lstm_zeros(P)),
    "cifg_layer_norm": (cifg(layer_norm=True),
                        lambda x, s, w: numpy_cifg_step(x, s, w, layer_norm_on=True),
                        lstm_zeros(P)),
    "nas": (lambda: NASCell(H, num_proj=P, use_bias=True), numpy_nas_step, lstm_zeros(P)),
    "ugrnn": (lambda: UGRNNCell(H, forget_bias=0.5),
              lambda x, h, w: numpy_ugrnn_step(x, h, w, forget_bias=0.5), h_zeros),
    "intersection": (lambda: IntersectionRNNCell(H, num_in_proj=H),
                     numpy_intersection_step, h_zeros),
    "cfn": (lambda: CFNCell(H), numpy_cfn_step, h_zeros),
    "minimal": (lambda: MinimalRNNCell(H), numpy_minimal_step, h_zeros),
}


@pytest.mark.parametrize("kind", ["static", "dynamic"])
@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_cells_match_a_float64_numpy_unroll(case, kind):
    make_cell, numpy_step, zero_state = REFERENCE_CASES[case]
    assert_matches_numpy(kind, make_cell, numpy_step, zero_state)


# --- gradients -------------------------------------------------------------------------------

# TF1 made CIFG's ``B`` and then skipped it under layer norm: no gradient reaches it.
UNUSED_BY_TF1 = {"cifg_layer_norm": ("coupled_input_forget_gate_lstm_cell/B",)}


@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_a_gradient_reaches_every_variable_tf1_used(case):
    make_cell = REFERENCE_CASES[case][0]
    assert_every_variable_gets_a_gradient(make_cell, unused=UNUSED_BY_TF1.get(case, ()))
