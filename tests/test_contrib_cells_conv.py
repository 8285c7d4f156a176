"""tf.contrib.rnn's ConvLSTMCell and Conv1D/2D/3DLSTMCell on TF 2.21.

TF 1.15's own numbers (``contrib/rnn/python/kernel_tests/rnn_cell_test.py``, constant
initializers, tolerance rtol = atol = 1e-6), TF 1.15's variable names and shapes (read in its
``rnn_cell.py``), and a float64 NumPy ConvLSTM with the "SAME" convolution written out,
random weights, unrolled over three steps.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from contrib_support import names_and_shapes, sigmoid

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn.conv_cells import (
    Conv1DLSTMCell,
    Conv2DLSTMCell,
    Conv3DLSTMCell,
    ConvLSTMCell,
    ConvLSTMShapeError,
)

CELLS = {1: Conv1DLSTMCell, 2: Conv2DLSTMCell, 3: Conv3DLSTMCell}


def initialize_randomly(session, variable_list, seed: int = 1) -> None:
    """Normal(0, 0.5) values everywhere, biases included, loaded without new graph ops."""
    rng = np.random.default_rng(seed)
    for variable in variable_list:
        variable.load(rng.normal(scale=0.5, size=variable.shape.as_list()), session)


# --- TF 1.15's numbers -----------------------------------------------------------------------

@pytest.mark.parametrize("ndims", [1, 2, 3], ids=["testConv1DLSTMCell", "testConv2DLSTMCell",
                                                  "testConv3DLSTMCell"])
def test_conv_lstm_cells_match_tf115_numbers(ndims):
    # Spatial size 2 per axis, kernel 3 per axis, one channel; the initializer 1 / 2**ndims
    # makes each "SAME" window (2**ndims valid positions of x = c) sum to exactly x.
    reset_graph()
    spatial = [2] * ndims
    with tf.variable_scope("root", initializer=tf.constant_initializer(1.0 / 2 ** ndims)):
        x = tf.placeholder(tf.float32, [None] * (ndims + 1) + [1])
        cell = CELLS[ndims](input_shape=[*spatial, 1], kernel_shape=[3] * ndims,
                            output_channels=1)
        hidden = cell.zero_state(tf.shape(x)[0], tf.float32)
        output, state = cell(x, hidden)
    batch_values = np.stack([np.full([*spatial, 1], value) for value in (1.0, 2.0)])
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        # TF's test fed the input and the zero state's c; h stays zero.
        out, new_state = session.run([output, state], {hidden[0]: batch_values, x: batch_values})
    per_example = [np.full([*spatial, 1], value) for value in (1.4375670191, 2.7542609292)]
    expected_c = np.stack(per_example)
    expected_h = np.stack([np.full([*spatial, 1], value)
                           for value in (0.6529865603, 0.8736877431)])
    np.testing.assert_allclose(out, new_state.h, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(new_state.c, expected_c, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(new_state.h, expected_h, rtol=1e-6, atol=1e-6)


# --- TF 1.15's variable names, shapes and sizes ----------------------------------------------

@pytest.mark.parametrize("cell_class, kwargs, expected", [
    (Conv1DLSTMCell, dict(input_shape=[5, 3], kernel_shape=[2]),
     [("conv_1d_lstm_cell/kernel", [2, 3 + 4, 16]), ("conv_1d_lstm_cell/biases", [16])]),
    (Conv2DLSTMCell, dict(input_shape=(5, 6, 3), kernel_shape=(3, 1)),
     [("conv_2d_lstm_cell/kernel", [3, 1, 3 + 4, 16]), ("conv_2d_lstm_cell/biases", [16])]),
    (Conv3DLSTMCell, dict(input_shape=[4, 5, 6, 3], kernel_shape=[1, 2, 3], use_bias=False),
     [("conv_3d_lstm_cell/kernel", [1, 2, 3, 3 + 4, 16])]),
    (ConvLSTMCell, dict(conv_ndims=2, input_shape=[5, 6, 3], kernel_shape=[3, 3],
                        name="my_conv"),
     [("my_conv/kernel", [3, 3, 3 + 4, 16]), ("my_conv/biases", [16])]),
])
def test_variable_names_and_shapes_are_tf115s_under_dynamic_rnn(cell_class, kwargs, expected):
    reset_graph()
    cell = cell_class(output_channels=4, **kwargs)
    spatial = list(kwargs["input_shape"][:-1])
    assert cell.state_size.c.as_list() == cell.state_size.h.as_list() == [*spatial, 4]
    assert cell.output_size.as_list() == [*spatial, 4]
    x = tf.zeros([2, 3, *kwargs["input_shape"]])                        # [B, T, *S, Cin]
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    assert outputs.shape.as_list() == [2, 3, *spatial, 4]
    assert names_and_shapes() == [(f"rnn/{name}", shape) for name, shape in expected]


def test_input_shape_must_fit_conv_ndims():
    with pytest.raises(ConvLSTMShapeError, match=r"Invalid input_shape \[5, 3\] for conv_ndims=2"):
        Conv2DLSTMCell(input_shape=[5, 3], kernel_shape=[3, 3], output_channels=2)


# --- an independent float64 NumPy ConvLSTM ----------------------------------------------------

def numpy_conv_same(x, kernel):
    """Stride-1 "SAME" cross-correlation: x [B, *S, C], kernel [*K, C, N] -> [B, *S, N].

    TensorFlow pads k - 1 in all, (k - 1) // 2 before and the rest after (even k: one more
    after)."""
    sizes, spatial = kernel.shape[:-2], x.shape[1:-1]
    padded = np.pad(x, [(0, 0)] + [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in sizes]
                    + [(0, 0)])
    out = np.zeros((*x.shape[:-1], kernel.shape[-1]))
    for offset in itertools.product(*(range(k) for k in sizes)):
        window = padded[(slice(None), *(slice(o, o + s) for o, s in zip(offset, spatial,
                                                                         strict=True)))]
        out += window @ kernel[offset]                                   # [B, *S, C] @ [C, N]
    return out


def numpy_conv_lstm(xs, kernel, biases, forget_bias):
    """xs [B, T, *S, Cin] from zero c, h -> outputs [B, T, *S, Cout], final (c, h)."""
    channels = kernel.shape[-1] // 4
    c = h = np.zeros((*xs.shape[:1], *xs.shape[2:-1], channels))
    outputs = []
    for t in range(xs.shape[1]):
        gates = numpy_conv_same(np.concatenate([xs[:, t], h], -1), kernel) + biases
        i, j, f, o = np.split(gates, 4, axis=-1)
        c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
        h = np.tanh(c) * sigmoid(o)
        outputs.append(h)
    return np.stack(outputs, 1), (c, h)


@pytest.mark.parametrize("ndims, spatial, kernel_shape, use_bias", [
    (1, [5], [2], True),              # an even kernel: TF's extra padding goes after
    (2, [4, 3], [3, 2], True),
    (2, [3, 3], [1, 3], False),
    (3, [3, 2, 3], [3, 1, 2], True),
])
def test_conv_lstm_cells_match_a_float64_numpy_conv_lstm_over_three_steps(
        ndims, spatial, kernel_shape, use_bias):
    reset_graph()
    xs = np.random.default_rng(ndims).normal(size=(2, 3, *spatial, 2))  # [B, T, *S, Cin=2]
    cell = CELLS[ndims](input_shape=[*spatial, 2], kernel_shape=kernel_shape,
                        output_channels=3, use_bias=use_bias, forget_bias=0.4)
    outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(xs), dtype=tf.float64)
    variables = tf.trainable_variables()
    with tf.Session() as session:
        initialize_randomly(session, variables)
        actual, weights = session.run(((outputs, state), variables))
    biases = weights[1] if use_bias else 0.0
    expected_outputs, (expected_c, expected_h) = numpy_conv_lstm(xs, weights[0], biases, 0.4)
    np.testing.assert_allclose(actual[0], expected_outputs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(actual[1].c, expected_c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(actual[1].h, expected_h, rtol=0, atol=1e-12)


def test_a_gradient_reaches_the_kernel_and_the_biases():
    reset_graph()
    xs = tf.constant(np.random.default_rng(0).normal(size=(2, 3, 4, 4, 2)).astype(np.float32))
    cell = Conv2DLSTMCell(input_shape=[4, 4, 2], kernel_shape=[3, 3], output_channels=3)
    outputs, state = tf.nn.dynamic_rnn(cell, xs, dtype=tf.float32)
    loss = tf.reduce_sum(outputs * outputs) + tf.reduce_sum(state.c)
    assert [v.op.name for v in cell.trainable_variables] == [
        "rnn/conv_2d_lstm_cell/kernel", "rnn/conv_2d_lstm_cell/biases"]
    gradients = tf.gradients(loss, cell.trainable_variables)
    assert all(g is not None for g in gradients)
    with tf.Session() as session:
        initialize_randomly(session, cell.trainable_variables)
        norms = session.run([tf.norm(g) for g in gradients])
    assert min(norms) > 0


# --- skip_connection, as TF 1.15 had it -------------------------------------------------------

def test_skip_connection_outputs_h_then_the_input_and_puts_that_in_the_state_as_tf115():
    reset_graph()
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 5, 2)).astype(np.float32))
    cell = Conv1DLSTMCell(input_shape=[5, 2], kernel_shape=[3], output_channels=3,
                          skip_connection=True)
    assert cell.output_size.as_list() == [5, 3 + 2]
    assert cell.state_size.h.as_list() == [5, 3]       # ... although h gets 3 + 2 channels
    output, state = cell(x, cell.zero_state(2, tf.float32))
    with tf.Session() as session:
        initialize_randomly(session, cell.trainable_variables)
        out, new_state, x_value = session.run((output, state, x))
    np.testing.assert_array_equal(out[..., 3:], x_value)
    np.testing.assert_array_equal(new_state.h, out)
    assert np.all(np.abs(out[..., :3]) < np.abs(np.tanh(new_state.c)))   # h = tanh(c) * o
    # So the next step's [x, h] has 2 + 5 channels and needs another kernel: TF 1.15 failed
    # here too (unless the initial h already had Cout + Cin channels).
    with pytest.raises(ValueError, match="kernel"):
        cell(x, state)
