"""The hand-written cells lay out their variables exactly as the built-in cells do.

Same names (scope included), shapes, creation order and initial values, under static_rnn,
dynamic_rnn and MultiRNNCell; a checkpoint written by a hand-written graph restores into the
built-in one (the other direction is part of every comparison case).
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.cells.base import create_cell_variables
from tf1_lstm.cells.basic_rnn import HandBasicRNNCell
from tf1_lstm.cells.gru import HandGRUCell
from tf1_lstm.cells.hand import make_hand_cell
from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.cells.peephole import HandPeepholeLSTMCell
from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.models.cells import make_cell

B, T, I, H = 2, 3, 4, 5  # noqa: E741 - the letters the docstrings use

# What TF's built-ins create, typed in from tf_keras' legacy_cells.py (not read off a graph).
EXPECTED_LAYOUT = {
    "lstm": [("basic_lstm_cell/kernel", [I + H, 4 * H]), ("basic_lstm_cell/bias", [4 * H])],
    "peephole": [("lstm_cell/kernel", [I + H, 4 * H]), ("lstm_cell/bias", [4 * H]),
                 ("lstm_cell/w_f_diag", [H]), ("lstm_cell/w_i_diag", [H]),
                 ("lstm_cell/w_o_diag", [H])],
    "gru": [("gru_cell/gates/kernel", [I + H, 2 * H]), ("gru_cell/gates/bias", [2 * H]),
            ("gru_cell/candidate/kernel", [I + H, H]), ("gru_cell/candidate/bias", [H])],
    "rnn": [("basic_rnn_cell/kernel", [I + H, H]), ("basic_rnn_cell/bias", [H])],
}


def build(kind: str, hand: bool, mode: str = "dynamic", layers: int = 1):
    """outputs [B, T, H] and the variables of one (stacked) cell unrolled over X [B, T, I]."""
    def make():
        return make_hand_cell(kind, H) if hand else make_cell(kind, H, 1.0)

    cell = make() if layers == 1 else rnn.MultiRNNCell([make() for _ in range(layers)])
    x = tf.placeholder(tf.float32, [B, T, I])
    if mode == "static":
        outputs, _ = rnn.static_rnn(cell, tf.unstack(x, T, 1), dtype=tf.float32)
        outputs = tf.stack(outputs, 1)
    else:
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return x, outputs, tf.global_variables()


def layout(variables) -> list[tuple[str, list[int]]]:
    return [(v.op.name, v.shape.as_list()) for v in variables]


@pytest.mark.parametrize("kind", list(EXPECTED_LAYOUT))
def test_hand_cell_variables_are_named_and_shaped_as_the_builtin_cells(kind):
    reset_graph()
    _, _, variables = build(kind, hand=True)
    expected = [(f"rnn/{name}", shape) for name, shape in EXPECTED_LAYOUT[kind]]
    assert layout(variables) == expected
    reset_graph()
    _, _, builtin_variables = build(kind, hand=False)
    assert layout(builtin_variables) == expected  # and the typed-in layout is TF's


@pytest.mark.parametrize("mode", ["static", "dynamic"])
@pytest.mark.parametrize("kind", list(EXPECTED_LAYOUT))
def test_stacked_hand_cells_use_multi_rnn_cell_names(kind, mode):
    reset_graph()
    _, _, hand_variables = build(kind, hand=True, mode=mode, layers=3)
    reset_graph()
    _, _, builtin_variables = build(kind, hand=False, mode=mode, layers=3)
    assert layout(hand_variables) == layout(builtin_variables)
    assert layout(hand_variables)[-1][0].startswith("rnn/multi_rnn_cell/cell_2/")


@pytest.mark.parametrize("kind", list(EXPECTED_LAYOUT))
def test_variables_made_without_a_step_are_the_ones_a_step_makes(kind):
    """create_cell_variables (for whole-sequence functions): a step's names, shapes and
    dtype, and static_rnn's steps then reuse them."""
    reset_graph()
    cell = make_hand_cell(kind, H)
    with tf.variable_scope("rnn"):
        create_cell_variables(cell, I, tf.float64)
    made = [(v.op.name, v.shape.as_list(), v.dtype.base_dtype) for v in tf.global_variables()]
    assert made == [(f"rnn/{name}", shape, tf.float64) for name, shape in EXPECTED_LAYOUT[kind]]
    x = tf.placeholder(tf.float64, [B, T, I])
    rnn.static_rnn(cell, tf.unstack(x, T, 1), dtype=tf.float64)
    assert len(tf.global_variables()) == len(made)


@pytest.mark.parametrize("kind", list(EXPECTED_LAYOUT))
def test_hand_cell_biases_start_where_the_builtin_biases_start(kind):
    """Zeros, except GRUCell's gates/bias at 1.0 (r and u start at sigmoid(1): keep h)."""
    reset_graph()
    _, _, variables = build(kind, hand=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {v.op.name.split("/", 2)[-1]: sess.run(v) for v in variables}
    for name, value in values.items():
        if name == "gates/bias":
            np.testing.assert_array_equal(value, np.ones(2 * H))
        elif name.endswith("bias"):
            np.testing.assert_array_equal(value, np.zeros_like(value))
        else:  # kernels and peephole diagonals: random (glorot uniform), not constant
            assert np.std(value) > 0


def test_forget_bias_is_added_at_run_time_to_f_only_not_stored_in_the_bias():
    reset_graph()
    x = tf.constant(np.random.default_rng(0).normal(size=(B, 2, I)).astype(np.float32))
    with tf.variable_scope("fb0"):
        out0, _ = tf.nn.dynamic_rnn(HandLSTMCell(H, forget_bias=0.0), x, dtype=tf.float32)
    with tf.variable_scope("fb5"):
        out5, _ = tf.nn.dynamic_rnn(HandLSTMCell(H, forget_bias=5.0), x, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel0, kernel5 = [v for v in tf.global_variables() if v.op.name.endswith("kernel")]
        sess.run(tf.assign(kernel5, kernel0))  # the same weights: only forget_bias differs
        biases = sess.run([v for v in tf.global_variables() if v.op.name.endswith("bias")])
        outputs0, outputs5 = sess.run([out0, out5])                   # [B, 2, H] each
    for bias in biases:  # nothing of forget_bias is in the variable
        np.testing.assert_array_equal(bias, np.zeros(4 * H))
    # f only multiplies c_{t-1}, which is 0 at the first step: forget_bias shows from step 2.
    np.testing.assert_allclose(outputs0[:, 0], outputs5[:, 0], rtol=0, atol=1e-7)
    assert np.max(np.abs(outputs0[:, 1] - outputs5[:, 1])) > 1e-3


@pytest.mark.parametrize("kind", list(EXPECTED_LAYOUT))
def test_checkpoint_written_by_hand_cell_restores_into_builtin_cell(kind, tmp_path):
    reset_graph()
    rng = np.random.default_rng(0)
    x_value = rng.normal(size=(B, T, I)).astype(np.float32)
    x, outputs, variables = build(kind, hand=True)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v in variables:  # random biases too, so every column of the layout matters
            v.load(rng.normal(scale=0.5, size=v.shape.as_list()).astype(np.float32), sess)
        hand_outputs = sess.run(outputs, {x: x_value})
        path = tf.train.Saver().save(sess, str(tmp_path / "hand.ckpt"))
    reset_graph()
    x, outputs, _ = build(kind, hand=False)
    with tf.Session() as sess:
        tf.train.Saver().restore(sess, path)
        builtin_outputs = sess.run(outputs, {x: x_value})
    np.testing.assert_allclose(hand_outputs, builtin_outputs, rtol=0, atol=1e-6)


def test_hand_cells_are_rnn_cells_with_the_builtin_state_and_output_sizes():
    reset_graph()
    for hand, builtin in [(HandLSTMCell(H), rnn.BasicLSTMCell(H)),
                          (HandPeepholeLSTMCell(H), rnn.LSTMCell(H, use_peepholes=True)),
                          (HandGRUCell(H), rnn.GRUCell(H)),
                          (HandBasicRNNCell(H), rnn.BasicRNNCell(H))]:
        assert isinstance(hand, rnn.RNNCell)
        assert hand.state_size == builtin.state_size
        assert hand.output_size == builtin.output_size
