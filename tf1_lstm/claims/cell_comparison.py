"""LSTM vs simple RNN vs GRU on the same tasks: documents 001 and 003's performance claims.

    001  "it will perform much better; training will converge faster and it will detect
          long-term dependencies in the data"                       (LSTM vs a simple RNN)
    003  "GRU ... performs about as well as LSTM"
    003  "... so it is less prone to overfitting"

Two tasks, each with one model for all three cells (document 001's builder, one layer, a
dense layer on the top h; same units, batches, optimizer and steps):

    MNIST rows      128 units, 28 rows of 28 pixels, Adam 0.001, batch 128
    long dependency 32 units, the marked-value task of long_dependency.py, Adam 0.01, batch 64

"Converges faster": fewer steps until the training-batch accuracy, averaged over 5 logged
steps (50 steps), first reaches 80% (MNIST) or 90% (long dependency). "Much better": at
least 5 points more test accuracy. "About as well": within 2 points.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.claims.figures import QUICK_VERDICT, pyplot, save, verdict_title
from tf1_lstm.claims.long_dependency import LONG_LAG, TaskRun
from tf1_lstm.claims.mnist_data import MnistSource
from tf1_lstm.claims.mnist_programs import MnistRun, train_mnist_model
from tf1_lstm.claims.verdict import ClaimResult, Verdict, holds_if, percent
from tf1_lstm.data.mnist import Datasets
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.train import TrainLog

PLOT = "lstm_vs_rnn.png"
CELLS = ("lstm", "gru", "rnn")
MNIST_UNITS = 128
MNIST_STEPS = 500
MNIST_TARGET, TASK_TARGET = 0.8, 0.9  # batch accuracy that counts as "converged"
WINDOW = 5  # logged points averaged (every 10 steps: 50 steps)
STYLES = {"lstm": {"linestyle": "-", "marker": "o", "linewidth": 2.5},  # GRU's line lies on it
          "gru": {"linestyle": "--", "marker": "s", "linewidth": 1.5, "markersize": 4},
          "rnn": {"linestyle": "-", "marker": "^", "linewidth": 1.5}}
MUCH_BETTER = 0.05
ABOUT_AS_WELL = 0.02


def train_mnist_rows(mnist: Datasets, seed: int, steps: int, run_dir: Path | None
                     ) -> dict[str, MnistRun]:
    """Each cell, one layer of 128 units over dynamic_rnn, on the same MNIST batches."""

    runs = {}
    for cell in CELLS:
        def build(cell: str = cell):
            return build_stacked_lstm_mnist(n_neurons=MNIST_UNITS, n_layers=1, cell=cell)

        runs[cell] = train_mnist_model(
            f"mnist rows {cell}", f"{cell_kind(cell).display_name}, {MNIST_UNITS} units", build,
            mnist,
            steps, 128, seed, sparse=True, run_dir=run_dir,
            graph_name=f"mnist_rows_{cell}_dynamic_rnn")
    return runs


def steps_to_reach(log: TrainLog, target: float, window: int = WINDOW) -> int | None:
    """The first logged step where the mean batch accuracy of the last ``window`` logs >= target."""
    for end in range(window, len(log.accuracy) + 1):
        if np.mean(log.accuracy[end - window:end]) >= target:
            return log.steps[end - 1]
    return None


def _reached(steps: int | None) -> str:
    return f"step {steps}" if steps is not None else "never"


def _faster(lstm: int | None, rnn: int | None) -> bool:
    return lstm is not None and (rnn is None or lstm < rnn)


def comparison_claims(mnist_rows: dict[str, MnistRun], task: dict[str, TaskRun],
                      source: MnistSource, quick: bool) -> list[ClaimResult]:
    lstm, gru, rnn = (mnist_rows[cell] for cell in CELLS)
    t_lstm, t_gru, t_rnn = (task[cell] for cell in CELLS)
    mnist_steps = {c: steps_to_reach(mnist_rows[c].log, MNIST_TARGET) for c in CELLS}
    task_steps = {c: steps_to_reach(task[c].log, TASK_TARGET) for c in CELLS}
    on = f"{lstm.steps} steps on {source.short}"
    faster = _faster(mnist_steps["lstm"], mnist_steps["rnn"]) and _faster(task_steps["lstm"],
                                                                          task_steps["rnn"])
    better = (lstm.test_accuracy - rnn.test_accuracy >= MUCH_BETTER
              and t_lstm.long_lag_accuracy - t_rnn.long_lag_accuracy >= MUCH_BETTER)
    long_term = t_lstm.long_lag_accuracy >= 0.9 and (
        t_lstm.long_lag_accuracy - t_rnn.long_lag_accuracy >= 0.2)
    as_well = (abs(gru.test_accuracy - lstm.test_accuracy) <= ABOUT_AS_WELL
               and abs(t_gru.long_lag_accuracy - t_lstm.long_lag_accuracy) <= ABOUT_AS_WELL)
    gaps = {c: mnist_rows[c].train_accuracy - mnist_rows[c].test_accuracy for c in CELLS}
    T = t_lstm.time_steps
    long_text = (f"answer {LONG_LAG}-{T - 1} steps back (mean over the tested lags): LSTM "
                 f"{percent(t_lstm.long_lag_accuracy, 0)}, GRU "
                 f"{percent(t_gru.long_lag_accuracy, 0)}, simple RNN "
                 f"{percent(t_rnn.long_lag_accuracy, 0)} (50% = chance)")

    def judged(verdict: Verdict) -> Verdict:
        return Verdict.CANNOT_CHECK if quick else verdict

    quick_note = " --quick trains only a few steps: run without it." if quick else ""
    return [
        ClaimResult(
            "lstm_converges_faster", "001",
            "Compared with a simple RNN, LSTM training converges faster",
            f"Steps until the training accuracy (mean of {WINDOW} logged batches) reaches "
            f"{percent(MNIST_TARGET, 0)} on MNIST rows: LSTM {_reached(mnist_steps['lstm'])}, "
            f"simple RNN {_reached(mnist_steps['rnn'])} ({on}); {percent(TASK_TARGET, 0)} on "
            f"the long-dependency task: LSTM {_reached(task_steps['lstm'])}, simple RNN "
            f"{_reached(task_steps['rnn'])}.{quick_note}",
            judged(holds_if(faster)), f"{percent(MNIST_TARGET, 0)} at: LSTM "
            f"{_reached(mnist_steps['lstm'])}, RNN {_reached(mnist_steps['rnn'])}", PLOT),
        ClaimResult(
            "lstm_performs_much_better", "001",
            "An LSTM performs much better than a simple RNN",
            f"Test accuracy on MNIST rows after {on}: LSTM {percent(lstm.test_accuracy)}, "
            f"simple RNN {percent(rnn.test_accuracy)}; long-dependency task, {long_text}. "
            f"'Much better' = at least {100 * MUCH_BETTER:.0f} points on both.{quick_note}",
            judged(holds_if(better)),
            f"LSTM-RNN: MNIST {100 * (lstm.test_accuracy - rnn.test_accuracy):+.1f}, long "
            f"{100 * (t_lstm.long_lag_accuracy - t_rnn.long_lag_accuracy):+.0f} pts",
            PLOT),
        ClaimResult(
            "lstm_detects_long_term_dependencies", "001",
            "An LSTM detects long-term dependencies in the data (a simple RNN does not)",
            f"Long-dependency task, {T} steps, {t_lstm.log.steps[-1]} training steps each: "
            f"{long_text}; with the answer at the very first step: LSTM "
            f"{percent(t_lstm.first_step_accuracy, 0)}, simple RNN "
            f"{percent(t_rnn.first_step_accuracy, 0)}.{quick_note}",
            judged(holds_if(long_term)), f"{LONG_LAG}+ steps back: LSTM "
            f"{percent(t_lstm.long_lag_accuracy, 0)}, RNN {percent(t_rnn.long_lag_accuracy, 0)}",
            PLOT),
        ClaimResult(
            "gru_performs_about_as_well_as_lstm", "003",
            "A GRU performs about as well as an LSTM",
            f"Test accuracy on MNIST rows after {on}: GRU {percent(gru.test_accuracy)}, LSTM "
            f"{percent(lstm.test_accuracy)}; long-dependency task: GRU "
            f"{percent(t_gru.long_lag_accuracy, 0)}, LSTM {percent(t_lstm.long_lag_accuracy, 0)}"
            f". 'About as well' = within {100 * ABOUT_AS_WELL:.0f} points on both.{quick_note}",
            judged(holds_if(as_well)), f"MNIST GRU {percent(gru.test_accuracy)} vs LSTM "
                                       f"{percent(lstm.test_accuracy)}", PLOT),
        ClaimResult(
            "gru_overfits_less", "003",
            "A GRU, having fewer parameters, is less prone to overfitting",
            f"Training minus test accuracy after {on}: GRU {100 * gaps['gru']:+.1f} points, "
            f"LSTM {100 * gaps['lstm']:+.1f}, simple RNN {100 * gaps['rnn']:+.1f}. One short "
            "run per cell cannot show a tendency: overfitting needs training to convergence, "
            "several seeds and data sizes.",
            Verdict.CANNOT_CHECK, f"gap GRU {100 * gaps['gru']:+.1f}, LSTM "
                                  f"{100 * gaps['lstm']:+.1f} points"),
    ]


def plot_lstm_vs_rnn(mnist_rows: dict[str, MnistRun], task: dict[str, TaskRun],
                     claims: list[ClaimResult], path: Path) -> Path:
    plt = pyplot()
    figure, (lags, task_loss, mnist) = plt.subplots(1, 3, figsize=(16, 5))
    for cell in CELLS:
        run, color, name = task[cell], cell_kind(cell).color, cell_kind(cell).display_name
        lag_values = sorted(run.lag_accuracy)
        lags.plot(lag_values, [100 * run.lag_accuracy[lag] for lag in lag_values],
                  color=color, label=name, **STYLES[cell])
        task_loss.plot(run.log.steps, run.log.loss, color=color, label=name)
        mnist_run = mnist_rows[cell]
        mnist.plot(mnist_run.log.steps, np.multiply(mnist_run.log.accuracy, 100), color=color,
                   label=f"{name}: test {percent(mnist_run.test_accuracy)}")
        mnist.plot([mnist_run.steps], [100 * mnist_run.test_accuracy], marker="*",
                   markersize=14, color=color, markeredgecolor="black", linestyle="none")
    T = task["lstm"].time_steps
    lags.axhline(50, color="gray", linestyle=":", label="chance (50%)")
    lags.set_xlabel(f"lag: steps between the marked value and the end (lag {T - 1} = first "
                    f"of {T} steps)")
    lags.set_ylabel("test accuracy at that lag (%)")
    lags.set_ylim(0, 105)
    lags.set_title(f"Long-dependency task: can it recall a value from {T - 1} steps ago?")
    task_loss.set_yscale("log")
    task_loss.set_xlabel("training step")
    task_loss.set_ylabel("cross-entropy loss on the training batch (nats, log scale)")
    task_loss.set_title("Long-dependency task: training loss")
    mnist.set_xlabel("training step")
    mnist.set_ylabel("accuracy on the training batch (%); star: test accuracy")
    mnist.set_ylim(20, 101)
    mnist.set_title(f"MNIST rows, {MNIST_UNITS} units each: training accuracy")
    for axes in (lags, task_loss, mnist):
        axes.legend(fontsize=8, loc="lower right" if axes is not task_loss else "upper right")
    verdicts = {c.key: c.verdict for c in claims}
    detect = verdicts["lstm_detects_long_term_dependencies"]
    verdict_text = (QUICK_VERDICT if detect is Verdict.CANNOT_CHECK else
                    f"'detects long-term dependencies' {detect}; 'converges faster' "
                    f"{verdicts['lstm_converges_faster']}; 'GRU about as well as LSTM' "
                    f"{verdicts['gru_performs_about_as_well_as_lstm']}")
    verdict_title(figure, "LSTM vs simple RNN (and GRU), same model size, data, optimizer and "
                          "steps", detect, verdict_text)
    figure.tight_layout()
    return save(figure, path)
