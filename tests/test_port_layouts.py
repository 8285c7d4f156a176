"""The layout conversions on their own, in NumPy: each framework's equations, written out.

TF1's cells (gate order i, j, f, o; one kernel on [x, h]; forget_bias added inside) and the
targets' (Keras i, f, c, o with kernel + recurrent_kernel; PyTorch i, f, g, o, transposed, two
biases) are written here as float64 NumPy steps straight from each framework's documentation,
and the converted weights must make them agree. The real frameworks are compared in
test_port_proof.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.port.dense_head import DenseHead
from tf1_lstm.port.layouts import (
    keras_weights,
    reorder_blocks,
    split_kernel,
    torch_state_dict,
)
from tf1_lstm.port.tf1_rnn import Tf1Layer, Tf1Rnn

I, H, B, T, N_CLASSES = 3, 4, 2, 5, 6  # noqa: E741 - the equations' names
rng = np.random.default_rng(7)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_layer(kind: str = "lstm", input_size: int = I, units: int = H) -> Tf1Layer:
    arrays = {"kernel": rng.normal(size=(input_size + units, 4 * units)),
              "bias": rng.normal(size=4 * units)}  # non-zero, so a bias in the wrong block shows
    if kind == "peephole":
        arrays |= {name: rng.normal(size=units) for name in ("w_i_diag", "w_f_diag", "w_o_diag")}
    return Tf1Layer(kind, "LSTMCell", "rnn/lstm_cell", input_size, units, arrays)


def gru_layer() -> Tf1Layer:
    arrays = {"gates/kernel": rng.normal(size=(I + H, 2 * H)), "gates/bias": rng.normal(size=2 * H),
              "candidate/kernel": rng.normal(size=(I + H, H)), "candidate/bias": rng.normal(size=H)}
    return Tf1Layer("gru", "GRUCell", "rnn/gru_cell", I, H, arrays)


def one_layer(layer: Tf1Layer, dense: bool = False) -> Tf1Rnn:
    head = DenseHead("softmax/kernel", "softmax/bias", rng.normal(size=(layer.units, N_CLASSES)),
                     rng.normal(size=N_CLASSES)) if dense else None
    return Tf1Rnn("rnn", (layer,), head)


# ---- each framework's step, as its documentation states it ----------------------------------

def tf1_lstm_step(a, x, c, h, forget_bias):
    """BasicLSTMCell / LSTMCell: [x, h] @ kernel + bias, columns i, j, f, o."""
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ a["kernel"] + a["bias"], 4, axis=1)
    if "w_i_diag" in a:  # LSTMCell(use_peepholes=True)
        i, f = i + a["w_i_diag"] * c, f + a["w_f_diag"] * c
    c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    if "w_o_diag" in a:
        o = o + a["w_o_diag"] * c
    return c, sigmoid(o) * np.tanh(c)


def keras_lstm_step(w, x, c, h, prefix):
    """keras.layers.LSTMCell: x @ kernel + h @ recurrent_kernel + bias, columns i, f, c, o."""
    z = x @ w[f"{prefix}/kernel"] + h @ w[f"{prefix}/recurrent_kernel"] + w[f"{prefix}/bias"]
    i, f, g, o = np.split(z, 4, axis=1)
    if f"{prefix}/input_peephole" in w:  # tf1_lstm.port.keras_lstm_cell.TF1LSTMCell
        i, f = i + w[f"{prefix}/input_peephole"] * c, f + w[f"{prefix}/forget_peephole"] * c
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    if f"{prefix}/output_peephole" in w:
        o = o + w[f"{prefix}/output_peephole"] * c
    return c, sigmoid(o) * np.tanh(c)


def torch_lstm_step(s, x, c, h, k=0):
    """nn.LSTM (layer k of the PyTorch file): W_ih x + b_ih + W_hh h + b_hh, rows i, f, g, o."""
    z = (x @ s[f"layers.{k}.layer.weight_ih_l0"].T + s[f"layers.{k}.layer.bias_ih_l0"]
         + h @ s[f"layers.{k}.layer.weight_hh_l0"].T + s[f"layers.{k}.layer.bias_hh_l0"])
    i, f, g, o = np.split(z, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return c, sigmoid(o) * np.tanh(c)


def tf1_gru_step(a, x, h):
    """GRUCell: r, u from gates; the candidate reads r * h (reset BEFORE the matmul)."""
    r, u = np.split(sigmoid(np.concatenate([x, h], 1) @ a["gates/kernel"] + a["gates/bias"]), 2, 1)
    c = np.tanh(np.concatenate([x, r * h], 1) @ a["candidate/kernel"] + a["candidate/bias"])
    return u * h + (1 - u) * c


def keras_gru_step(w, x, h, reset_after=False):
    """keras.layers.GRUCell, columns z, r, h; reset_after=False: r * h before the matmul."""
    kernel, recurrent, bias = w["gru_0/kernel"], w["gru_0/recurrent_kernel"], w["gru_0/bias"]
    x_z, x_r, x_h = np.split(x @ kernel + bias, 3, axis=1)
    u_z, u_r, u_h = np.split(recurrent, 3, axis=1)
    z, r = sigmoid(x_z + h @ u_z), sigmoid(x_r + h @ u_r)
    recurrent_h = r * (h @ u_h) if reset_after else (r * h) @ u_h  # after (PyTorch) / before
    return z * h + (1 - z) * np.tanh(x_h + recurrent_h)


def run(step, xs, n_states):
    states = [np.zeros((B, H))] * n_states
    for x in xs:
        states = step(x, *states)
        states = states if isinstance(states, tuple) else (states,)
    return states


# ---- the claims -----------------------------------------------------------------------------

def test_split_kernel_takes_input_rows_first_then_recurrent_rows():
    kernel = np.arange((I + H) * 8).reshape(I + H, 8)
    kernel_x, kernel_h = split_kernel(kernel, I)
    assert kernel_x.shape == (I, 8) and kernel_h.shape == (H, 8)
    x, h = rng.normal(size=(B, I)), rng.normal(size=(B, H))
    np.testing.assert_allclose(np.concatenate([x, h], 1) @ kernel, x @ kernel_x + h @ kernel_h)


def test_tf1_ijfo_becomes_target_ifjo():
    blocks = np.repeat(np.array([[0, 1, 2, 3]]), H, axis=1)  # block k holds k: i=0 j=1 f=2 o=3
    assert list(reorder_blocks(blocks, (0, 2, 1, 3))[0, ::H]) == [0, 2, 1, 3]  # i, f, j, o


@pytest.mark.parametrize("forget_bias", [0.0, 1.0, 0.5])
@pytest.mark.parametrize("kind", ["lstm", "peephole"])
def test_keras_layout_computes_the_tf1_lstm(kind, forget_bias):
    layer = lstm_layer(kind)
    weights = keras_weights(one_layer(layer).with_forget_bias(forget_bias))
    prefix = "lstm_0" if kind == "lstm" else "peephole_lstm_0"
    assert weights[f"{prefix}/kernel"].shape == (I, 4 * H)
    assert weights[f"{prefix}/recurrent_kernel"].shape == (H, 4 * H)
    xs = rng.normal(size=(T, B, I))
    expected = run(lambda x, c, h: tf1_lstm_step(layer.arrays, x, c, h, forget_bias), xs, 2)
    got = run(lambda x, c, h: keras_lstm_step(weights, x, c, h, prefix), xs, 2)
    np.testing.assert_allclose(got, expected, atol=1e-6)  # float32 weights, float64 maths


@pytest.mark.parametrize("forget_bias", [0.0, 1.0])
def test_torch_layout_computes_the_tf1_lstm(forget_bias):
    layer = lstm_layer()
    state = torch_state_dict(one_layer(layer, dense=True).with_forget_bias(forget_bias))
    assert state["layers.0.layer.weight_ih_l0"].shape == (4 * H, I)  # transposed: W @ x
    assert not state["layers.0.layer.bias_hh_l0"].any()  # the whole TF1 bias sits in bias_ih
    xs = rng.normal(size=(T, B, I))
    expected = run(lambda x, c, h: tf1_lstm_step(layer.arrays, x, c, h, forget_bias), xs, 2)
    got = run(lambda x, c, h: torch_lstm_step(state, x, c, h), xs, 2)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_forget_bias_is_folded_into_the_forget_block_only():
    layer = lstm_layer()
    with_0, with_1 = (keras_weights(one_layer(layer).with_forget_bias(fb))["lstm_0/bias"]
                      for fb in (0.0, 1.0))
    np.testing.assert_allclose(with_1 - with_0, np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)],
                               atol=1e-6)


def test_ignoring_forget_bias_changes_the_outputs():
    # The trap: a port that forgets the constant 1.0 still runs, and computes something else.
    layer = lstm_layer()
    weights = keras_weights(one_layer(layer).with_forget_bias(0.0))
    xs = rng.normal(size=(T, B, I))
    tf1 = run(lambda x, c, h: tf1_lstm_step(layer.arrays, x, c, h, 1.0), xs, 2)
    forgot = run(lambda x, c, h: keras_lstm_step(weights, x, c, h, "lstm_0"), xs, 2)
    assert np.max(np.abs(np.array(tf1) - np.array(forgot))) > 1e-2


def test_keras_gru_reset_before_matmul_computes_the_tf1_gru():
    layer = gru_layer()
    weights = keras_weights(one_layer(layer).with_forget_bias(1.0))
    assert weights["gru_0/kernel"].shape == (I, 3 * H) and weights["gru_0/bias"].shape == (3 * H,)
    xs = rng.normal(size=(T, B, I))
    expected = run(lambda x, h: tf1_gru_step(layer.arrays, x, h), xs, 1)
    np.testing.assert_allclose(run(lambda x, h: keras_gru_step(weights, x, h), xs, 1), expected,
                               atol=1e-6)


def test_reset_after_the_matmul_is_a_different_gru():
    # Why GRU -> nn.GRU cannot be used: the same weights with PyTorch's reset placement
    # differ (so the PyTorch file writes TF1's GRU out: torch_standalone.TF1GRU).
    layer = gru_layer()
    weights = keras_weights(one_layer(layer).with_forget_bias(1.0))
    xs = rng.normal(size=(T, B, I))
    expected = run(lambda x, h: tf1_gru_step(layer.arrays, x, h), xs, 1)
    after = run(lambda x, h: keras_gru_step(weights, x, h, reset_after=True), xs, 1)
    assert np.max(np.abs(np.array(after) - np.array(expected))) > 1e-2


def test_dense_head_is_transposed_for_torch_and_kept_for_keras():
    model = one_layer(lstm_layer(), dense=True)
    np.testing.assert_array_equal(keras_weights(model)["dense/kernel"],
                                  model.dense.kernel.astype(np.float32))
    np.testing.assert_array_equal(torch_state_dict(model)["head.weight"],
                                  model.dense.kernel.T.astype(np.float32))


def test_torch_keeps_tf1s_gru_arrays_for_its_own_gru_module():
    layer = gru_layer()
    state = torch_state_dict(one_layer(layer).with_forget_bias(1.0))
    for tf1_name, torch_name in [("gates/kernel", "gates_kernel"), ("gates/bias", "gates_bias"),
                                 ("candidate/kernel", "candidate_kernel"),
                                 ("candidate/bias", "candidate_bias")]:
        np.testing.assert_array_equal(state[f"layers.0.{torch_name}"],
                                      layer.arrays[tf1_name].astype(np.float32))


@pytest.mark.parametrize("forget_bias", [0.0, 2.5])
def test_torch_peephole_module_gets_tf1s_order_with_forget_bias_in_the_f_block(forget_bias):
    layer = lstm_layer("peephole")
    state = torch_state_dict(one_layer(layer).with_forget_bias(forget_bias))
    np.testing.assert_array_equal(state["layers.0.kernel"], layer.arrays["kernel"].astype(
        np.float32))  # TF1's i, j, f, o, as saved
    added = state["layers.0.bias"] - layer.arrays["bias"].astype(np.float32)
    np.testing.assert_allclose(added, np.r_[np.zeros(2 * H), np.full(H, forget_bias),
                                            np.zeros(H)], atol=1e-6)  # f is TF1's block 2
    assert {"layers.0.w_i_diag", "layers.0.w_f_diag", "layers.0.w_o_diag"} <= set(state)
