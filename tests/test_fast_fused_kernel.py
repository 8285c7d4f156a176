"""The fused LSTM step (``tf1_lstm.fast.fused``, C++ built on this machine) computes the step's
equations: checked against a float64 NumPy reference, against TensorFlow's own
``LSTMBlockCellGrad`` (the backward kernel the fast path keeps), and inside a whole layer
against the same layer written as TensorFlow ops (``fused=False``), values and gradients.

The fast path's equality with TF1's cells (TF 1.15's lstm_ops_test numbers included) is tested
in test_fast_peephole.py and test_fast_matches_basic_lstm.py, which run this op wherever it is
built; the first test here fails if it is not, since a machine with a compiler should have it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.compat import tf
from tf1_lstm.fast import fused
from tf1_lstm.fast.errors import FastPathError
from tf1_lstm.fast.sequence import lstm_layer

B, H = 5, 7


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference_forward(z, c_prev, w=None):
    """float64: (i, j, f, o, c, tanh c, h), the docstring's forward lines."""
    z_i, z_j, z_f, z_o = np.split(z.astype(np.float64), 4, axis=1)
    w_i, w_f, w_o = w if w is not None else (0.0, 0.0, 0.0)
    i, j, f = sigmoid(z_i + w_i * c_prev), np.tanh(z_j), sigmoid(z_f + w_f * c_prev)
    c = f * c_prev + i * j
    o = sigmoid(z_o + w_o * c)
    return i, j, f, o, c, np.tanh(c), o * np.tanh(c)


def reference_backward(saved, c_prev, d_c, g, w=None):
    """float64: (dz, dc_prev, dw_i, dw_f, dw_o), the docstring's backward lines."""
    i, j, f, o, c, tanh_c, _ = saved
    w_i, w_f, w_o = w if w is not None else (0.0, 0.0, 0.0)
    d_o = g * tanh_c * o * (1 - o)
    d_c = d_c + g * o * (1 - tanh_c ** 2) + d_o * w_o
    d_i, d_f = d_c * j * i * (1 - i), d_c * c_prev * f * (1 - f)
    d_z = np.concatenate([d_i, d_c * i * (1 - j ** 2), d_f, d_o], axis=1)
    return (d_z, d_c * f + d_i * w_i + d_f * w_f, (d_i * c_prev).sum(0), (d_f * c_prev).sum(0),
            (d_o * c).sum(0))


def arrays(scale=2.0, seed=0):
    rng = np.random.default_rng(seed)
    z = (scale * rng.normal(size=(B, 4 * H))).astype(np.float32)
    c_prev, d_c, g = (rng.normal(size=(B, H)).astype(np.float32) for _ in range(3))
    w = tuple(rng.normal(size=H).astype(np.float32) for _ in range(3))
    return z, c_prev, d_c, g, w


def run(tensors):
    with tf.Session() as session:
        return session.run(tensors)


@pytest.fixture(scope="module")
def ops():
    library = fused.library()
    assert library is not None, fused.status()  # g++ is on every machine we test on
    return library


@pytest.mark.parametrize("peephole", [False, True])
def test_the_forward_op_is_the_steps_equations(ops, peephole):
    z, c_prev, *_, w = arrays()
    with tf.Graph().as_default():
        zeros = (np.zeros(H, np.float32),) * 3
        got = run(ops.tf1_lstm_step(z, c_prev, *(w if peephole else zeros),
                                    use_peephole=peephole))
    for name, value, expected in zip("i j f o c tanh_c h".split(), got,
                                     reference_forward(z, c_prev, w if peephole else None),
                                     strict=True):
        np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-6, err_msg=name)


def test_without_peepholes_the_diagonals_are_not_read(ops):
    z, c_prev, *_, w = arrays()
    with tf.Graph().as_default():
        with_w = run(ops.tf1_lstm_step(z, c_prev, *w, use_peephole=False))
    for value, expected in zip(with_w, reference_forward(z, c_prev), strict=True):
        np.testing.assert_allclose(value, expected, rtol=1e-6, atol=1e-6)


def test_saturated_gates_give_0_and_1_never_nan(ops):
    z = np.tile(np.array([100.0, -100.0], np.float32), (B, 2 * H))      # +-100 in every gate
    c_prev = np.full((B, H), 3.0, np.float32)
    with tf.Graph().as_default():
        got = run(ops.tf1_lstm_step(z, c_prev, *(np.zeros(H, np.float32),) * 3))
    assert all(np.isfinite(value).all() for value in got)
    for value, expected in zip(got, reference_forward(z, c_prev), strict=True):
        np.testing.assert_allclose(value, expected, atol=1e-6)


@pytest.mark.parametrize("peephole", [False, True])
def test_the_backward_op_is_the_steps_equations_and_tfs_own_kernel(ops, peephole):
    z, c_prev, d_c, g, w = arrays()
    w = w if peephole else (np.zeros(H, np.float32),) * 3
    saved = reference_forward(z, c_prev, w)
    i, j, f, o, c, tanh_c, _ = (x.astype(np.float32) for x in saved)
    with tf.Graph().as_default():
        ours = run(ops.tf1_lstm_step_grad(i, j, f, o, c_prev, c, tanh_c, d_c, g, *w,
                                          use_peephole=peephole))
        tfs = run(tf.raw_ops.LSTMBlockCellGrad(
            x=np.zeros((B, 1), np.float32), cs_prev=c_prev, h_prev=np.zeros((B, H), np.float32),
            w=np.zeros((1 + H, 4 * H), np.float32), wci=w[0], wcf=w[1], wco=w[2],
            b=np.zeros(4 * H, np.float32), i=i, cs=c, f=f, o=o, ci=j, co=tanh_c, cs_grad=d_c,
            h_grad=g, use_peephole=peephole))
    expected = reference_backward(saved, c_prev, d_c, g, w)
    names = ["dz", "dc_prev", "dw_i", "dw_f", "dw_o"]
    for name, value, reference in zip(names, ours, expected, strict=True):
        if peephole or not name.startswith("dw"):
            np.testing.assert_allclose(value, reference, rtol=1e-5, atol=1e-5, err_msg=name)
        else:
            assert not value.any(), name  # zeros without peepholes
    tf_order = [tfs[1], tfs[0], *tfs[2:]]  # LSTMBlockCellGrad returns (dc_prev, dz, dw...)
    for name, value, theirs in zip(names, ours, tf_order, strict=True):
        np.testing.assert_allclose(value, theirs, rtol=1e-5, atol=1e-5, err_msg=name)


def test_wrong_shapes_are_refused_by_name(ops):
    z, c_prev, *_ = arrays()
    zeros = (np.zeros(H, np.float32),) * 3
    with tf.Graph().as_default():
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"z must be \[batch, 4 \* units"):
            run(ops.tf1_lstm_step(z[:, :-1], c_prev, *zeros))
        with pytest.raises(tf.errors.InvalidArgumentError, match="peephole diagonals"):
            run(ops.tf1_lstm_step(z, c_prev, *(np.zeros(H + 1, np.float32),) * 3,
                                  use_peephole=True))


@pytest.mark.parametrize("peephole, lengths", [(False, None), (True, None), (False, [4, 0, 2]),
                                               (True, [3, 4, 1])])
def test_a_layer_with_the_fused_step_equals_the_layer_of_tensorflow_ops(ops, peephole, lengths):
    rng = np.random.default_rng(3)
    steps, batch, depth, units = 4, 3, 2, 5
    values = {"xs": rng.normal(size=(steps, batch, depth)), "bias": rng.normal(size=4 * units),
              "kernel": rng.normal(size=(depth + units, 4 * units)),
              "c0": rng.normal(size=(batch, units)), "h0": rng.normal(size=(batch, units)),
              "diag": rng.normal(size=(3, units)), "loss": rng.normal(size=(steps, batch, units))}
    values = {name: value.astype(np.float32) for name, value in values.items()}
    results = {}
    for fused_step in (True, False):
        with tf.Graph().as_default() as graph:
            xs = [tf.constant(x) for x in values["xs"]]
            kernel, bias, c0, h0 = (tf.constant(values[name])
                                    for name in ("kernel", "bias", "c0", "h0"))
            diag = tuple(tf.constant(w) for w in values["diag"]) if peephole else None
            masks = (None if lengths is None else
                     tf.unstack(tf.sequence_mask(lengths, steps), steps, 1))
            outputs, c, h = lstm_layer(xs, kernel, bias, c0, h0, 0.5, masks, diag,
                                       fused=fused_step)
            op_types = {op.type for op in graph.get_operations()}
            assert ("Tf1LstmStep" in op_types) is fused_step
            loss = sum(tf.reduce_sum(out * w) for out, w in zip(outputs, values["loss"],
                                                                strict=True))
            loss += tf.reduce_sum(c * c) + tf.reduce_sum(h)
            wrt = [*xs, kernel, bias, c0, h0, *(diag or ())]
            results[fused_step] = run([outputs, c, h, tf.gradients(loss, wrt)])
    for ours, theirs in zip(tf.nest.flatten(results[True]), tf.nest.flatten(results[False]),
                            strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_fused_true_on_float64_is_a_clear_error():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3], tf.float64)
        with pytest.raises(FastPathError, match="float32; got float64"):
            lstm_layer([x], tf.zeros([7, 16], tf.float64), tf.zeros([16], tf.float64),
                       tf.zeros([2, 4], tf.float64), tf.zeros([2, 4], tf.float64), 1.0,
                       fused=True)
