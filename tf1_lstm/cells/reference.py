"""The same four cells in float64 NumPy: the third, independent implementation (no TensorFlow).

Each ``*_step`` is the docstring equation of its TensorFlow twin in this package, written
again without sharing a line with it; ``run_rnn`` is what ``dynamic_rnn`` / ``static_rnn``
over a ``MultiRNNCell`` compute. Weights are dicts keyed by the variable names inside the
cell's scope ("kernel", "bias", "w_f_diag", "gates/kernel", ...), so values read from a
checkpoint or a session go straight in. Everything is computed in float64.

The ``run_rnn`` contract (TF1's rnn.py), inputs [B, T, I], N layers of H units:

    outputs  [B, T, H]  the top layer's output at every step; exactly 0 at t >= L_b
    states   one per layer, bottom first: (c, h) for the LSTMs, h for GRU and simple RNN;
             the state after step L_b - 1, copied through the remaining steps
             (the zero state for a row with L_b = 0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS, cell_kind, is_lstm

Weights = dict[str, np.ndarray]      # one layer's variables, by name inside the cell scope
State = np.ndarray | tuple[np.ndarray, np.ndarray]   # h [B, H], or (c, h) for the LSTMs
Activation = Callable[[np.ndarray], np.ndarray]



def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _f64(weights: Weights) -> Weights:
    return {name: np.asarray(value, dtype=np.float64) for name, value in weights.items()}


def lstm_step(x: np.ndarray, state: tuple[np.ndarray, np.ndarray], weights: Weights,
              forget_bias: float = 1.0, activation: Activation = np.tanh
              ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """BasicLSTMCell: gate columns i, j, f, o; forget_bias added to f, not stored."""
    c_prev, h_prev = state                                                   # [B, H] each
    z = np.concatenate([x, h_prev], 1) @ weights["kernel"] + weights["bias"]  # [B, 4H]
    z_i, z_j, z_f, z_o = np.split(z, 4, axis=1)
    i, j = sigmoid(z_i), activation(z_j)
    f, o = sigmoid(z_f + forget_bias), sigmoid(z_o)
    c = f * c_prev + i * j
    h = o * activation(c)
    return h, (c, h)


def peephole_step(x: np.ndarray, state: tuple[np.ndarray, np.ndarray], weights: Weights,
                  forget_bias: float = 1.0, activation: Activation = np.tanh
                  ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """LSTMCell(use_peepholes=True): i and f see c_{t-1}, o sees the new c_t."""
    c_prev, h_prev = state
    z = np.concatenate([x, h_prev], 1) @ weights["kernel"] + weights["bias"]  # [B, 4H]
    z_i, z_j, z_f, z_o = np.split(z, 4, axis=1)
    i = sigmoid(z_i + weights["w_i_diag"] * c_prev)
    f = sigmoid(z_f + forget_bias + weights["w_f_diag"] * c_prev)
    c = f * c_prev + i * activation(z_j)
    o = sigmoid(z_o + weights["w_o_diag"] * c)
    h = o * activation(c)
    return h, (c, h)


def gru_step(x: np.ndarray, state: np.ndarray, weights: Weights,
             forget_bias: float | None = None, activation: Activation = np.tanh
             ) -> tuple[np.ndarray, np.ndarray]:
    """GRUCell: r, u order; reset applied to h_{t-1} before the candidate matmul."""
    del forget_bias  # a GRU has no forget gate; accepted so every step has one signature
    h_prev = state
    gates = sigmoid(np.concatenate([x, h_prev], 1) @ weights["gates/kernel"]
                    + weights["gates/bias"])                                 # [B, 2H]
    r, u = np.split(gates, 2, axis=1)
    c = activation(np.concatenate([x, r * h_prev], 1) @ weights["candidate/kernel"]
                   + weights["candidate/bias"])                               # [B, H]
    h = u * h_prev + (1.0 - u) * c
    return h, h


def basic_rnn_step(x: np.ndarray, state: np.ndarray, weights: Weights,
                   forget_bias: float | None = None, activation: Activation = np.tanh
                   ) -> tuple[np.ndarray, np.ndarray]:
    """BasicRNNCell: h_t = activation([x_t, h_{t-1}] @ kernel + bias)."""
    del forget_bias
    h = activation(np.concatenate([x, state], 1) @ weights["kernel"] + weights["bias"])
    return h, h


STEPS: dict[str, Callable] = {
    "lstm": lstm_step, "peephole": peephole_step, "gru": gru_step, "rnn": basic_rnn_step,
}


def units_of(kind: str, weights: Weights) -> int:
    """H, read off the main bias: [4H] for the LSTMs, [2H] for the GRU's gates, [H] for RNN."""
    spec = cell_kind(kind)
    return weights[spec.main_bias].shape[0] // spec.gate_blocks


def zero_state(kind: str, batch: int, units: int) -> State:
    zeros = np.zeros((batch, units))
    return (zeros, zeros.copy()) if is_lstm(kind) else zeros


def _keep_finished_rows(valid: np.ndarray, new: State, old: State) -> State:
    """new where the row is still running (valid [B, 1]), old (copied through) elsewhere."""
    if isinstance(new, tuple):
        return tuple(np.where(valid, n, o) for n, o in zip(new, old, strict=True))
    return np.where(valid, new, old)


def run_rnn(kind: str, layers: Sequence[Weights], inputs: np.ndarray,
            sequence_length: Sequence[int] | None = None, forget_bias: float = 1.0,
            activation: Activation = np.tanh) -> tuple[np.ndarray, list[State]]:
    """``dynamic_rnn(MultiRNNCell([cell] * len(layers)), inputs, sequence_length)`` in NumPy.

    ``layers``: one weights dict per layer, bottom first (one dict = no MultiRNNCell, same
    numbers). Returns ``(outputs [B, T, H], [state of each layer])``, all float64.
    """
    if kind not in STEPS:
        raise ValueError(f"kind must be one of {', '.join(CELL_KINDS)}; got {kind!r}")
    step = STEPS[kind]
    layers = [_f64(weights) for weights in layers]
    inputs = np.asarray(inputs, dtype=np.float64)                             # [B, T, I]
    batch, steps, _ = inputs.shape
    lengths = np.full(batch, steps) if sequence_length is None else np.asarray(sequence_length)
    states = [zero_state(kind, batch, units_of(kind, w)) for w in layers]
    outputs = []
    for t in range(steps):
        valid = (t < lengths)[:, None]                                         # [B, 1]
        x = inputs[:, t]                                                       # [B, I]
        for k, weights in enumerate(layers):
            x, new_state = step(x, states[k], weights, forget_bias=forget_bias,
                                activation=activation)
            states[k] = _keep_finished_rows(valid, new_state, states[k])
        outputs.append(np.where(valid, x, 0.0))                               # top layer's h
    return np.stack(outputs, axis=1), states
