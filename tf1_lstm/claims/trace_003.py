"""Document 003's hand-traced memory cell (Hung-yi Lee's lecture), run as a TF1 LSTM.

    x_t        [3,1,0]  [4,1,0]  [2,0,0]  [1,0,1]  [3,-1,0]
    memory c      3        7        7        7        0
    output a      0        0        0        7        0

with z = x1, gates z_i = 100 x2 - 10, z_f = 100 x2 + 10, z_o = 100 x3 - 10, sigmoid gates,
and g, h linear. ``tf1_lstm.verify.document_003`` runs it through the hand-written
``HandLSTMCell``; here we also take the document at its word where it says the input and
output GATES are linear (it means g and h), and show that gives nothing like the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.cells.reference import sigmoid
from tf1_lstm.claims.figures import pyplot, save, verdict_title
from tf1_lstm.claims.verdict import ClaimResult, holds_if, scientific
from tf1_lstm.verify.document_003 import BIAS, INPUTS, KERNEL, MEMORY, OUTPUTS, trace_document_003

PLOT = "document_003_trace.png"
TOLERANCE = 1e-3  # the lecture rounds sigmoid(10) = 0.99995 to 1


@dataclass(frozen=True)
class Trace003Measurement:
    inputs: list[list[int]]
    memory: list[float]  # c_t, HandLSTMCell with the lecture's weights
    outputs: list[float]  # a_t = h_t
    gates: dict[str, list[float]]  # i, f, o per step
    document_memory: list[float]
    document_outputs: list[float]
    linear_gates_memory: list[float]  # the document's words: input and output gates linear
    linear_gates_outputs: list[float]

    @property
    def deviation(self) -> float:
        return float(max(np.max(np.abs(np.subtract(self.memory, self.document_memory))),
                         np.max(np.abs(np.subtract(self.outputs, self.document_outputs)))))


def trace_with_linear_gates(inputs: np.ndarray, kernel: np.ndarray, bias: np.ndarray
                            ) -> tuple[list[float], list[float]]:
    """i and o linear (identity), f sigmoid, g and h linear: the trace as 003 words it."""
    z = inputs @ kernel[:3] + bias  # [T, 4], columns i, j, f, o; no recurrent weights
    c, memory, outputs = 0.0, [], []
    for z_i, z_j, z_f, z_o in z.astype(np.float64):
        c = z_j * z_i + c * sigmoid(z_f)
        memory.append(float(c))
        outputs.append(float(c * z_o))
    return memory, outputs


def measure_trace_003() -> Trace003Measurement:
    trace = trace_document_003()
    linear_memory, linear_outputs = trace_with_linear_gates(INPUTS, KERNEL, BIAS)
    return Trace003Measurement(INPUTS.astype(int).tolist(), trace.memory, trace.outputs,
                               trace.gates, list(MEMORY), list(OUTPUTS), linear_memory,
                               linear_outputs)


def _numbers(values: list[float]) -> str:
    return ", ".join(f"{v:.4g}" for v in values)


def trace_claims(m: Trace003Measurement) -> list[ClaimResult]:
    linear_off = float(np.max(np.abs(np.subtract(m.linear_gates_memory, m.document_memory))))
    return [
        ClaimResult(
            "hand_traced_memory_cell", "003",
            "The lecture's single memory cell gives memory 3, 7, 7, 7, 0 and output "
            "0, 0, 0, 7, 0",
            f"HandLSTMCell(1, forget_bias=0, activation=identity) with the lecture's weights: "
            f"memory {_numbers(m.memory)}, output {_numbers(m.outputs)}; largest deviation "
            f"{scientific(m.deviation)}: the gates are sigmoids, so the forget gate at x2 = 0 "
            f"is {m.gates['f'][2]:.5f}, not 1, and a closed output gate {m.gates['o'][0]:.5f}, "
            "not 0.",
            holds_if(m.deviation <= TOLERANCE), f"max deviation {scientific(m.deviation)}",
            PLOT),
        ClaimResult(
            "trace_gates_are_linear", "003",
            "In the example the input and output gates' activation functions are linear",
            f"With linear input and output gates (the same weights, the rest as in the "
            f"lecture) the memory is {_numbers(m.linear_gates_memory)} and the output "
            f"{_numbers(m.linear_gates_outputs)}, off by up to {linear_off:.4g}: the gates must "
            "be sigmoids (0/1 switches); what is linear is g and h.",
            holds_if(linear_off <= TOLERANCE), f"memory {m.linear_gates_memory[0]:.4g} at t=1"),
    ]


def plot_trace_003(m: Trace003Measurement, claims: list[ClaimResult], path: Path) -> Path:
    plt = pyplot()
    steps = np.arange(1, len(m.inputs) + 1)
    labels = [f"t={t}\nx={x}" for t, x in zip(steps, m.inputs, strict=True)]
    figure, (gates, memory, output) = plt.subplots(3, 1, figsize=(10, 8.5), sharex=True)
    for name, marker, label in (("i", "o", "input gate i"), ("f", "s", "forget gate f"),
                                ("o", "^", "output gate o")):
        gates.plot(steps, m.gates[name], marker=marker, label=label)
    gates.set_ylabel("gate value (0 = closed, 1 = open)")
    gates.set_ylim(-0.1, 1.1)
    gates.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    gates.set_title("The three sigmoid gates at each step")
    for axes, measured, document, what in ((memory, m.memory, m.document_memory, "memory c"),
                                           (output, m.outputs, m.document_outputs, "output a")):
        axes.bar(steps, measured, width=0.5, color="#0969da", label=f"{what}, measured")
        axes.plot(steps, document, "kx", markersize=11, mew=2, label=f"{what}, document 003")
        for step, value in zip(steps, measured, strict=True):
            axes.annotate(f"{value:.4f}", (step, value), textcoords="offset points",
                          xytext=(0, 9), ha="center", fontsize=8)
        axes.set_ylabel(f"{what} (value)")
        axes.set_ylim(-0.5, 8.5)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    memory.set_title("The memory after each step")
    output.set_title("The output a = o * c after each step")
    output.set_xticks(steps, labels)
    output.set_xlabel("time step t and its input x_t = [x1, x2, x3]")
    verdict_title(figure, "Document 003's hand-traced LSTM memory cell, run by TensorFlow: "
                          "memory 3, 7, 7, 7, 0 and output 0, 0, 0, 7, 0", claims[0].verdict)
    figure.tight_layout()
    return save(figure, path)
