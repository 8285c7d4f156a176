"""How many parameters each cell has: documents 000 and 003's counting claims.

    000  "an LSTM has four neural-network layers where a standard RNN has one"
    003  "for the same number of neurons an LSTM has four times the parameters"
    003  "a GRU has only two gates ... so a third fewer parameters"   (wrong: a quarter fewer)

Counted from the variables TensorFlow creates, for one cell of H units on I inputs:

    BasicRNNCell   kernel [I+H, H]    bias [H]       H(I+H) + H
    GRUCell        gates/kernel [I+H, 2H] (r, u), candidate/kernel [I+H, H], biases   3 x that
    BasicLSTMCell  kernel [I+H, 4H] (i, j, f, o)   bias [4H]                          4 x that
    LSTMCell(use_peepholes=True)   the LSTM's + w_i_diag, w_f_diag, w_o_diag [H]      + 3H
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.cells.kinds import CELL_KINDS, cell_kind
from tf1_lstm.claims.figures import pyplot, save, verdict_title
from tf1_lstm.claims.verdict import ClaimResult, Verdict, holds_if, ratio_is
from tf1_lstm.compat import tf
from tf1_lstm.models.cells import make_cell

PLOT = "parameters.png"
# Every kind, from the fewest weights to the most (the plot's order): rnn, gru, lstm, peephole.
KINDS = tuple(sorted(CELL_KINDS, key=lambda kind: (CELL_KINDS[kind].weight_blocks,
                                                  CELL_KINDS[kind].peepholes)))
# (inputs I, units H): document 002's MNIST cell first, then 001's layers and 001's example.
SIZES = ((28, 128), (28, 150), (150, 150), (3, 5))


@dataclass(frozen=True)
class CellParameters:
    """One cell's trainable variables as TensorFlow made them: short name -> shape."""

    kind: str
    inputs: int
    units: int
    shapes: dict[str, tuple[int, ...]]

    @property
    def count(self) -> int:
        return sum(int(np.prod(shape)) for shape in self.shapes.values())


def count_cell_parameters(kind: str, inputs: int, units: int) -> CellParameters:
    """Build one cell over dynamic_rnn in a private graph and read its variables' shapes."""

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 1, inputs])
        tf.nn.dynamic_rnn(make_cell(kind, units), x, dtype=tf.float32)
        shapes = {}
        for variable in tf.trainable_variables():
            # "rnn/gru_cell/gates/kernel:0" -> "gates/kernel"
            name = variable.op.name.split("/", 2)[2]
            shapes[name] = tuple(variable.get_shape().as_list())
    return CellParameters(kind, inputs, units, shapes)


@dataclass(frozen=True)
class ParameterCounts:
    """Every cell kind at every size; ``sizes[0]`` is the one the claims quote."""

    sizes: tuple[tuple[int, int], ...]
    cells: dict[tuple[str, int, int], CellParameters]

    def count(self, kind: str, inputs: int, units: int) -> int:
        return self.cells[(kind, inputs, units)].count

    def ratios(self, numerator: str, denominator: str) -> list[float]:
        return [self.count(numerator, i, h) / self.count(denominator, i, h) for i, h in self.sizes]


def measure_parameters(sizes: tuple[tuple[int, int], ...] = SIZES) -> ParameterCounts:
    cells = {(kind, i, h): count_cell_parameters(kind, i, h) for i, h in sizes for kind in KINDS}
    return ParameterCounts(tuple(sizes), cells)


def _sizes_text(counts: ParameterCounts) -> str:
    return ", ".join(f"I={i}/H={h}" for i, h in counts.sizes)


def parameter_claims(counts: ParameterCounts) -> list[ClaimResult]:
    i, h = counts.sizes[0]
    lstm, rnn, gru = (counts.cells[(kind, i, h)] for kind in ("lstm", "rnn", "gru"))
    lstm_rnn, gru_lstm = counts.ratios("lstm", "rnn"), counts.ratios("gru", "lstm")
    sizes = _sizes_text(counts)
    lstm_kernel, rnn_kernel = lstm.shapes["kernel"], rnn.shapes["kernel"]
    gates_kernel = gru.shapes["gates/kernel"]
    blocks = lstm_kernel[1] // rnn_kernel[1]
    return [
        ClaimResult(
            "lstm_has_four_layers", "000, 004",
            "An LSTM cell has four neural-network layers where a standard RNN has one "
            "(004: lstm_size is the hidden size of each of the four)",
            f"BasicLSTMCell({h}) on {i} inputs: kernel {list(lstm_kernel)} = {blocks} blocks "
            f"[{i}+{h}, {h}] (i, j, f, o: three sigmoid gates and the tanh candidate), bias "
            f"{list(lstm.shapes['bias'])}; BasicRNNCell({h}): kernel {list(rnn_kernel)}, one "
            "block.",
            holds_if(blocks == 4 and lstm_kernel[1] == 4 * h),
            f"kernel {list(lstm_kernel)} = {blocks} blocks", PLOT),
        ClaimResult(
            "lstm_has_four_times_rnn_parameters", "003",
            "For the same number of neurons an LSTM has four times the parameters of a "
            "simple RNN",
            f"LSTM {lstm.count:,} vs simple RNN {rnn.count:,} parameters at I={i}, H={h}: "
            f"ratio {lstm_rnn[0]:.4f}; at every size tried ({sizes}) the ratios are "
            f"{', '.join(f'{r:.4f}' for r in lstm_rnn)}.",
            holds_if(all(abs(r - 4) < 1e-12 for r in lstm_rnn)),
            f"LSTM/RNN = {lstm_rnn[0]:.3f} ({lstm.count:,}/{rnn.count:,})", PLOT),
        ClaimResult(
            "gru_has_two_gates", "003",
            "A GRU has only two gates",
            f"GRUCell({h}): gates/kernel {list(gates_kernel)} = 2 x {h} columns (reset r, "
            f"update u) plus candidate/kernel {list(gru.shapes['candidate/kernel'])}; the LSTM "
            "has three gates (i, f, o).",
            holds_if(gates_kernel[1] == 2 * h),
            f"gates/kernel {list(gates_kernel)}: r, u", PLOT),
        gru_third_fewer_claim(gru.count, lstm.count, gru_lstm, sizes),
    ]


def gru_third_fewer_claim(gru: int, lstm: int, ratios: list[float], sizes: str) -> ClaimResult:
    """The document: GRU = LSTM minus a third, i.e. GRU/LSTM = 2/3. Measured: 3/4."""
    ratio = gru / lstm
    fewer = 1 - ratio
    verdict = ratio_is(ratio, 2 / 3, tolerance=1e-3)
    wrong = ("" if verdict is Verdict.HOLDS else
             " It is a quarter fewer, not a third: three blocks of weights (r, u, candidate) "
             "against the LSTM's four; it is the LSTM that has a third MORE than the GRU "
             f"({lstm / gru:.4f}).")
    return ClaimResult(
        "gru_third_fewer_parameters", "003",
        "A GRU has a third fewer parameters than an LSTM",
        f"GRU {gru:,} vs LSTM {lstm:,} parameters: GRU/LSTM = {ratio:.4f}, i.e. "
        f"{100 * fewer:.1f}% fewer (a third fewer would be 0.6667); the same at every size "
        f"tried ({sizes}: {', '.join(f'{r:.4f}' for r in ratios)}).{wrong}",
        verdict, f"GRU/LSTM = {ratio:.3f}: {100 * fewer:.0f}% fewer", PLOT)


def plot_parameters(counts: ParameterCounts, claims: list[ClaimResult], path: Path) -> Path:
    """Bar chart: parameters of each cell at the documents' size, with the ratios."""
    plt = pyplot()
    i, h = counts.sizes[0]
    values = [counts.count(kind, i, h) for kind in KINDS]
    rnn, lstm = values[0], values[2]
    figure, axes = plt.subplots(figsize=(9, 5.2))
    bars = axes.bar([cell_kind(kind).display_name.replace(" (", "\n(") for kind in KINDS],
                    values, color=[cell_kind(kind).color for kind in KINDS], width=0.6)
    for bar, value in zip(bars, values, strict=True):
        axes.annotate(f"{value:,}\n{value / rnn:.3f} x RNN\n{value / lstm:.3f} x LSTM",
                      (bar.get_x() + bar.get_width() / 2, value), ha="center", va="bottom",
                      fontsize=9, textcoords="offset points", xytext=(0, 3))
    third_fewer = lstm * 2 / 3
    axes.axhline(third_fewer, color="#cf222e", linestyle="--", linewidth=1.5)
    axes.annotate(f"document 003: GRU = LSTM minus a third = {third_fewer:,.0f}",
                  (-0.45, third_fewer), textcoords="offset points", xytext=(0, -14),
                  color="#cf222e", fontsize=9,
                  bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    axes.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:,.0f}"))
    axes.set_ylabel("trainable parameters of one cell (count)")
    axes.set_xlabel(f"cell with {i} inputs (one MNIST row) and {h} units (document 002's sizes)")
    axes.set_ylim(0, max(values) * 1.3)
    four = next(c for c in claims if c.key == "lstm_has_four_times_rnn_parameters")
    third = next(c for c in claims if c.key == "gru_third_fewer_parameters")
    verdict_title(figure, "Parameters per cell: an LSTM has 4 x a simple RNN's; a GRU has 3/4 "
                          "of an LSTM's", third.verdict,
                  f"'LSTM = 4 x RNN' {four.verdict}; 'GRU has a third fewer' {third.verdict} "
                  "(a quarter fewer)")
    return save(figure, path)
