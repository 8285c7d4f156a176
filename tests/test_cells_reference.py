"""The float64 NumPy reference keeps TF1's outputs/states contract and imports no TensorFlow.

These check the reference on its own terms (it is the judge in the comparison matrix, so it
must not merely agree with TensorFlow by construction): sequence_length semantics, stacking,
and one LSTM step worked out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_python

from tf1_lstm.cells.kinds import CELL_KINDS
from tf1_lstm.cells.reference import lstm_step, run_rnn, sigmoid
from tf1_lstm.compat import reset_graph

B, T, I, H = 3, 4, 2, 3  # noqa: E741


def random_layers(kind: str, layers: int, seed: int = 0) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)

    def w(*shape):
        return rng.normal(scale=0.5, size=shape)

    made = []
    for k in range(layers):
        depth = (I if k == 0 else H) + H
        if kind in ("lstm", "peephole"):
            weights = {"kernel": w(depth, 4 * H), "bias": w(4 * H)}
            if kind == "peephole":
                weights |= {"w_f_diag": w(H), "w_i_diag": w(H), "w_o_diag": w(H)}
        elif kind == "gru":
            weights = {"gates/kernel": w(depth, 2 * H), "gates/bias": w(2 * H),
                       "candidate/kernel": w(depth, H), "candidate/bias": w(H)}
        else:
            weights = {"kernel": w(depth, H), "bias": w(H)}
        made.append(weights)
    return made


def flat(state) -> list[np.ndarray]:
    return list(state) if isinstance(state, tuple) else [state]


@pytest.mark.parametrize("kind", list(CELL_KINDS))
def test_outputs_are_zero_past_each_length_and_state_is_the_last_valid_one(kind):
    reset_graph()
    layers = random_layers(kind, 2)
    x = np.random.default_rng(1).normal(size=(B, T, I))
    lengths = [T, 2, 0]
    outputs, states = run_rnn(kind, layers, x, lengths)
    for row, length in enumerate(lengths):
        assert np.all(outputs[row, length:] == 0.0)
        # The row run alone on its first `length` steps ends in the same state.
        if length:
            alone_outputs, alone_states = run_rnn(kind, layers, x[row:row + 1, :length])
            np.testing.assert_allclose(outputs[row, :length], alone_outputs[0], atol=1e-15)
            for layer in range(2):
                for got, want in zip(flat(states[layer]), flat(alone_states[layer]),
                                     strict=True):
                    np.testing.assert_allclose(got[row], want[0], atol=1e-15)
        else:  # never started: the zero state
            for layer in range(2):
                assert all(np.all(s[row] == 0.0) for s in flat(states[layer]))


@pytest.mark.parametrize("kind", list(CELL_KINDS))
def test_stacked_layers_feed_each_layers_outputs_to_the_next(kind):
    reset_graph()
    bottom, top = random_layers(kind, 2)
    x = np.random.default_rng(2).normal(size=(B, T, I))
    outputs, states = run_rnn(kind, [bottom, top], x)
    bottom_outputs, bottom_states = run_rnn(kind, [bottom], x)
    top_outputs, top_states = run_rnn(kind, [top], bottom_outputs)
    np.testing.assert_allclose(outputs, top_outputs, atol=1e-15)
    for got, want in zip(flat(states[0]) + flat(states[1]),
                         flat(bottom_states[0]) + flat(top_states[0]), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-15)


def test_lstm_step_by_hand_with_gate_columns_i_j_f_o():
    """One unit, one step, every number worked out: kernel rows x, h; columns i, j, f, o."""
    reset_graph()
    weights = {"kernel": np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0]]),
               "bias": np.array([0.5, 0.0, -1.0, 0.0])}
    x, c_prev, h_prev = np.array([[1.0]]), np.array([[2.0]]), np.array([[0.3]])
    h, (c, h_again) = lstm_step(x, (c_prev, h_prev), weights, forget_bias=1.0)
    i, j, f, o = sigmoid(1.5), np.tanh(2.0), sigmoid(3.0 - 1.0 + 1.0), sigmoid(4.0)
    assert c[0, 0] == pytest.approx(f * 2.0 + i * j, abs=1e-15)
    assert h[0, 0] == pytest.approx(o * np.tanh(f * 2.0 + i * j), abs=1e-15)
    assert h_again is h


def test_reference_module_imports_no_tensorflow():
    reset_graph()
    result = run_python("""
        import sys
        import tf1_lstm.cells.reference
        import tf1_lstm.cells
        assert "tensorflow" not in sys.modules, "reference.py pulled TensorFlow in"
        print("ok")
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
