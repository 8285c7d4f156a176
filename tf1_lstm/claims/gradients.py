"""Document 004's vanishing-gradient claims, as the norm of d loss / d x_t over the steps t.

    004  "an ordinary RNN causes vanishing and exploding gradients, which makes it hard for
          the RNN to learn long-distance information"
    004  "LSTM turns the product in the gradient into a linear sum, so the gradient keeps
          flowing for a long time: this effectively solves the problem"

(004's "the CEC makes the error flow as a constant" is measured on the cell state itself, in
gates.py.)
Measured on the long-dependency task (long_dependency.py), on sequences whose answer is at
the FIRST step: ||d loss / d x_t|| for every t, before and after training. If the gradient
vanishes, the early steps get (almost) nothing: the ratio first step / last step is tiny.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.claims.figures import QUICK_VERDICT, pyplot, save, verdict_title
from tf1_lstm.claims.long_dependency import LONG_LAG, UNITS
from tf1_lstm.claims.verdict import ClaimResult, Verdict, holds_if, scientific

PLOT = "gradient_norms.png"
VANISHED = 1e-3  # first-step gradient below 1/1000 of the last step's: it has vanished


def first_to_last(norms: np.ndarray) -> float:
    """How much of the last step's gradient reaches the first step."""
    return float(norms[0] / norms[-1]) if norms[-1] > 0 else float("nan")


def gradient_claims(lstm, rnn, quick: bool) -> list[ClaimResult]:
    """``lstm``, ``rnn``: TaskRuns of long_dependency.train_on_task."""
    T = lstm.time_steps
    rnn_init = first_to_last(rnn.gradient_norms_initial)
    rnn_trained = first_to_last(rnn.gradient_norms_trained)
    lstm_init = first_to_last(lstm.gradient_norms_initial)
    lstm_trained = first_to_last(lstm.gradient_norms_trained)
    measured_on = (f"||d loss / d x_1|| / ||d loss / d x_{T}|| on {T}-step sequences whose "
                   f"answer is at step 1")
    quick_note = " --quick: too little training to judge; run without it." if quick else ""
    vanished = "vanished" if rnn_trained < VANISHED else "not vanished"
    init_ratio = lstm_init / rnn_init
    init_order = ("about the same as" if 0.5 <= init_ratio <= 2 else
                  "smaller than" if init_ratio < 1 else "larger than")
    verdicts = [holds_if(rnn_trained < VANISHED),
                holds_if(lstm_trained > 100 * rnn_trained and lstm.first_step_accuracy > 0.9)]
    if quick:
        verdicts = [Verdict.CANNOT_CHECK] * 2
    return [
        ClaimResult(
            "rnn_gradients_vanish", "004",
            "A simple RNN's gradients vanish, so it cannot learn long-distance information",
            f"{measured_on}: simple RNN {scientific(rnn_init)} at initialisation, "
            f"{scientific(rnn_trained)} after training ({vanished}: the line is {VANISHED:g}); "
            f"it answers {100 * rnn.long_lag_accuracy:.0f}% right when the answer is "
            f"{LONG_LAG} or more steps back (50% = chance).{quick_note}",
            verdicts[0], f"x_1/x_{T} gradient {scientific(rnn_trained)}", PLOT),
        ClaimResult(
            "lstm_solves_vanishing_gradients", "004",
            "An LSTM solves the vanishing-gradient problem: its gradient keeps flowing back "
            "a long way",
            f"{measured_on}: after training LSTM {scientific(lstm_trained)} vs simple RNN "
            f"{scientific(rnn_trained)}, and the LSTM answers "
            f"{100 * lstm.first_step_accuracy:.0f}% right from step 1. At initialisation the "
            f"LSTM has no such advantage: {scientific(lstm_init)}, {init_order} the RNN's "
            f"{scientific(rnn_init)} (its forget gates start near sigmoid(1) = 0.73, shrinking "
            f"the memory at each step): the LSTM learns to keep the gradient.{quick_note}",
            verdicts[1], f"trained: LSTM {scientific(lstm_trained)}, RNN "
                         f"{scientific(rnn_trained)}", PLOT),
    ]


def plot_gradient_norms(lstm, rnn, claims: list[ClaimResult], path: Path) -> Path:
    plt = pyplot()
    T = lstm.time_steps
    steps = np.arange(1, T + 1)
    figure, panels = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True)
    for axes, when in zip(panels, ("initial", "trained"), strict=True):
        for run in (rnn, lstm):
            norms, kind = getattr(run, f"gradient_norms_{when}"), cell_kind(run.cell)
            axes.semilogy(steps, norms, color=kind.color, marker=".",
                          label=f"{kind.display_name}: step 1 gets {first_to_last(norms):.1e}"
                                f" of step {T}'s")
        axes.set_xlabel(f"time step t of the input (1 = first, holds the answer; {T} = last)")
        axes.legend(fontsize=8.5, loc="lower right" if when == "initial" else "upper center")
        axes.set_title("at initialisation (before any training)" if when == "initial" else
                       f"after {lstm.log.steps[-1]} training steps (accuracy from step 1: "
                       f"LSTM {100 * lstm.first_step_accuracy:.0f}%, RNN "
                       f"{100 * rnn.first_step_accuracy:.0f}%)")
    solve = next(c for c in claims if c.key == "lstm_solves_vanishing_gradients")
    if solve.verdict is not Verdict.CANNOT_CHECK:  # a trained model: say what the dip means
        panels[1].annotate("Step 1 holds the answer: the trained LSTM's loss still\n"
                           "responds to it. The noise steps in between matter far less.",
                           (0.12, 0.62), xycoords="axes fraction", fontsize=8,
                           bbox={"facecolor": "white", "edgecolor": "#999999", "alpha": 0.9})
    for axes in panels:
        axes.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    panels[0].set_ylabel("||d loss / d x_t||  (gradient norm, log scale)")
    vanish = next(c for c in claims if c.key == "rnn_gradients_vanish")
    verdict_title(figure, "How much gradient reaches each input step: simple RNN vs LSTM "
                          f"({UNITS} units each, long-dependency task)", solve.verdict,
                  QUICK_VERDICT if solve.verdict is Verdict.CANNOT_CHECK else
                  f"'RNN gradients vanish' {vanish.verdict}; 'LSTM solves it' {solve.verdict} "
                  "(after training; not at initialisation)")
    figure.tight_layout()
    return save(figure, path)

