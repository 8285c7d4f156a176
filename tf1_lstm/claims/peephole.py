"""Peephole connections (documents 001 and 004): which memory each gate looks at.

    001  "the previous long-term state c(t-1) is added as an input to the controllers of the
          forget gate and the input gate, and the current long-term state c(t) is added as
          input to the controller of the output gate"
    004  "the forget factor is generated taking the long-term memory into account"

Measured: TF's ``LSTMCell(use_peepholes=True)`` run against the float64 NumPy reference that
does exactly that (``reference.peephole_step``: i and f see c_{t-1}, o sees the new c_t), and
against a variant whose output gate sees c_{t-1} instead, to show the two are told apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tf1_lstm.cells import reference
from tf1_lstm.claims.verdict import ClaimResult, holds_if, scientific
from tf1_lstm.compat import tf
from tf1_lstm.models.cells import make_cell

TOLERANCE = 1e-5  # float32 TensorFlow vs float64 NumPy over a few steps


@dataclass(frozen=True)
class PeepholeMeasurement:
    units: int
    extra_parameters: dict[str, tuple[int, ...]]  # the variables LSTMCell adds: w_*_diag
    diff_document: float  # max |TF - reference with the document's wiring|
    diff_output_gate_sees_old_c: float  # max |TF - reference whose o sees c_{t-1}|


def _output_gate_sees_old_c(x, state, weights, forget_bias=1.0, activation=np.tanh):
    """The wiring the document does NOT describe: o computed from c_{t-1}."""
    c_prev, h_prev = state
    z = np.concatenate([x, h_prev], 1) @ weights["kernel"] + weights["bias"]
    z_i, z_j, z_f, z_o = np.split(z, 4, axis=1)
    i = reference.sigmoid(z_i + weights["w_i_diag"] * c_prev)
    f = reference.sigmoid(z_f + forget_bias + weights["w_f_diag"] * c_prev)
    c = f * c_prev + i * activation(z_j)
    o = reference.sigmoid(z_o + weights["w_o_diag"] * c_prev)
    h = o * activation(c)
    return h, (c, h)


def _run_numpy(step, weights: dict, inputs: np.ndarray) -> np.ndarray:
    batch, steps, _ = inputs.shape
    units = weights["w_f_diag"].shape[0]
    state = reference.zero_state("peephole", batch, units)
    outputs = []
    for t in range(steps):
        h, state = step(inputs[:, t], state, weights)
        outputs.append(h)
    return np.stack(outputs, 1)


def measure_peephole(units: int = 5, inputs: int = 3, steps: int = 4, seed: int = 0
                     ) -> PeepholeMeasurement:

    rng = np.random.default_rng(seed)
    x_value = rng.standard_normal((4, steps, inputs)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, steps, inputs])
        cell = make_cell("peephole", units)
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        variables = {v.op.name.split("/", 2)[2]: v for v in tf.trainable_variables()}
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            # Peephole weights start at zero; random ones make every peephole term count.
            for name in ("w_i_diag", "w_f_diag", "w_o_diag"):
                variables[name].load(rng.uniform(-1, 1, units).astype(np.float32), session)
            values, weights = session.run([outputs, variables], {x: x_value})
    extra = {name: tuple(weights[name].shape) for name in weights if name.endswith("_diag")}
    weights = {name: value.astype(np.float64) for name, value in weights.items()}
    document = _run_numpy(reference.peephole_step, weights, x_value)
    old_c = _run_numpy(_output_gate_sees_old_c, weights, x_value)
    return PeepholeMeasurement(units, extra, float(np.max(np.abs(values - document))),
                               float(np.max(np.abs(values - old_c))))


def peephole_claim(measurement: PeepholeMeasurement) -> ClaimResult:
    extra = ", ".join(f"{name} {list(shape)}" for name, shape in sorted(
        measurement.extra_parameters.items()))
    verdict = holds_if(measurement.diff_document <= TOLERANCE
                       and measurement.diff_output_gate_sees_old_c > 100 * TOLERANCE)
    return ClaimResult(
        "peephole_gates_see_the_cell_state", "001, 004",
        "Peephole connections feed c(t-1) to the forget and input gates and c(t) to the "
        "output gate",
        f"LSTMCell({measurement.units}, use_peepholes=True) adds {extra} "
        f"({3 * measurement.units} parameters, one weight per unit and gate) and matches a "
        f"NumPy cell wired as the document says to max |diff| "
        f"{scientific(measurement.diff_document)}; a NumPy cell whose output gate sees "
        f"c(t-1) instead differs by {measurement.diff_output_gate_sees_old_c:.3f}.",
        verdict, f"max |diff| {scientific(measurement.diff_document)} vs NumPy")
