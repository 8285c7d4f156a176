"""Every claim's measurement, in order, then the report: ``run_claims``.

The cheap checks (parameter counts, shapes, outputs/states, batching, the 003 trace) take
seconds; the trained ones (MNIST programs, LSTM vs RNN vs GRU, the long-dependency task and
its gradients) take the rest (the README has the measured time). ``quick`` trains a few
steps of each, enough to draw every plot and make every cheap verdict (the trained ones then
say they cannot be checked). A progress bar (silent off a terminal) shows which stage is running.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tf1_lstm.claims import (
    batching,
    cell_comparison,
    gates,
    gradients,
    long_dependency,
    mnist_data,
    mnist_programs,
    parameters,
    peephole,
    shapes,
    states,
    trace_003,
)
from tf1_lstm.claims.report import ClaimsReport, ReportFolder, to_json, to_markdown
from tf1_lstm.claims.verdict import ClaimResult
from tf1_lstm.progress import progress_bar
from tf1_lstm.train import new_run_dir

PLOTS = {  # file -> what it shows (the report's captions)
    mnist_programs.PLOT: "Training curves (loss, accuracy) of documents 000, 001 and 002's "
                         "MNIST programs, with their test accuracy",
    cell_comparison.PLOT: "LSTM vs simple RNN vs GRU on the same tasks: recall from 0-59 "
                          "steps back, training loss, MNIST rows",
    gradients.PLOT: "||d loss / d x_t|| over the input steps for a simple RNN and an LSTM, "
                    "before and after training (the vanishing-gradient picture)",
    gates.PLOT: "Document 002's trained LSTM reading one digit: gates i, f, o and cell state c "
                "per unit over the 28 rows",
    trace_003.PLOT: "Document 003's hand-traced memory cell: gates, memory and output per step "
                    "vs the document's numbers",
    parameters.PLOT: "Parameters of a simple RNN, GRU, LSTM and peephole LSTM cell of the same "
                     "size",
}
DEFAULT_OUT = "reports/claims"


@dataclass(frozen=True)
class Budget:
    """How long each trained measurement runs (steps of the optimizer)."""

    quick: bool
    mnist_rows_steps: int
    task_time_steps: int
    task_steps: int

    @classmethod
    def for_mode(cls, quick: bool) -> Budget:
        if quick:
            return cls(True, 30, 20, 40)
        return cls(False, cell_comparison.MNIST_STEPS, long_dependency.TIME_STEPS,
                   long_dependency.TRAIN_STEPS)


def _document_order(results: list[ClaimResult]) -> list[ClaimResult]:
    """Sorted by the (first) document that makes the claim; stable within a document."""
    return sorted(results, key=lambda result: result.document.split(",")[0])


def run_claims(out: str | Path = DEFAULT_OUT, quick: bool = False, data_dir: str = "/tmp/data/",
               seed: int = 42, logdir: str | Path | None = None,
               trained_002: mnist_programs.MnistRun | None = None,
               announce_data: bool = True) -> ClaimsReport:
    """Measure every claim, draw the plots and write claims.md / claims.json into ``out``.

    ``trained_002``: document 002's model already trained (the demo passes its own run), so
    it is not trained again. Raises, before any work, ``ReportFolderError`` if ``out`` holds
    files with our names that we did not write, ``OutputPathError`` if it cannot be created
    or written.
    """

    folder = ReportFolder(out, PLOTS)
    run_dir = new_run_dir(logdir, "claims") if logdir else None
    budget = Budget.for_mode(quick)
    started = time.perf_counter()
    results: list[ClaimResult] = []
    stages = 11
    with progress_bar(stages, "claims", unit="stage") as bar:
        def stage(name: str) -> None:
            bar.set_description(f"claims: {name}")

        stage("parameter counts")
        counts = parameters.measure_parameters()
        parameter_results = parameters.parameter_claims(counts)
        results += parameter_results
        parameters.plot_parameters(counts, parameter_results, folder.path(parameters.PLOT))
        results.append(peephole.peephole_claim(peephole.measure_peephole(seed=seed)))
        bar.update()

        stage("shapes of documents 000 and 002")
        results += shapes.document_000_claims(shapes.measure_document_000(seed))
        results += shapes.document_002_claims(shapes.measure_document_002(seed))
        bar.update()

        stage("outputs and states (001)")
        results += states.states_claims(states.measure_states(seed))
        bar.update()

        stage("batching (004) and the hand trace (003)")
        results += batching.batching_claims(batching.measure_batching())
        trace = trace_003.measure_trace_003()
        trace_results = trace_003.trace_claims(trace)
        results += trace_results
        trace_003.plot_trace_003(trace, trace_results, folder.path(trace_003.PLOT))
        bar.update()

        stage("MNIST")
        mnist, source = mnist_data.load_mnist(data_dir, seed, announce=announce_data)
        results.append(mnist_data.mnist_sizes_claim(source))
        bar.update()

        stage("training the documents' MNIST programs")
        programs = mnist_programs.train_document_programs(mnist, seed, quick, run_dir,
                                                          trained_002)
        accuracy = mnist_programs.accuracy_claim(programs["002"], source, quick)
        results.append(accuracy)
        mnist_programs.plot_training_curves(programs, source, accuracy,
                                            folder.path(mnist_programs.PLOT))
        bar.update()

        stage("gates of the trained LSTM")
        digit, label = mnist.test.images[0], int(mnist.test.labels[0].argmax())
        gate_trace = gates.gate_trace(programs["002"].weights, digit, label,
                                      programs["002"].steps)
        gate_result, cec_result = gates.gates_claim(gate_trace), gates.cec_claim(gate_trace)
        results += [gate_result, cec_result]
        gates.plot_gates(gate_trace, gate_result, cec_result, folder.path(gates.PLOT))
        bar.update()

        stage("LSTM, GRU and simple RNN on MNIST rows")
        mnist_rows = cell_comparison.train_mnist_rows(mnist, seed, budget.mnist_rows_steps,
                                                      run_dir)
        bar.update()

        stage("the long-dependency task")
        task = {cell: long_dependency.train_on_task(cell, budget.task_time_steps,
                                                    budget.task_steps, seed, run_dir)
                for cell in cell_comparison.CELLS}
        bar.update()

        stage("plots")
        comparison = cell_comparison.comparison_claims(mnist_rows, task, source, quick)
        results += comparison
        cell_comparison.plot_lstm_vs_rnn(mnist_rows, task, comparison,
                                         folder.path(cell_comparison.PLOT))
        gradient_results = gradients.gradient_claims(task["lstm"], task["rnn"], quick)
        results += gradient_results
        gradients.plot_gradient_norms(task["lstm"], task["rnn"], gradient_results,
                                      folder.path(gradients.PLOT))
        bar.update()

        stage("report")
        report = ClaimsReport(
            _document_order(results), dict(PLOTS), source.description, quick, seed,
            time.perf_counter() - started, _settings(programs, budget),
            str(run_dir) if run_dir else None)
        folder.write_text("claims.md", to_markdown(report))
        folder.write_text("claims.json", to_json(report))
        bar.update()
    return report


def _settings(programs: dict[str, mnist_programs.MnistRun], budget: Budget) -> list[str]:
    runs = "; ".join(f"{run.title}: {run.steps} steps of {run.batch_size}"
                     for run in (programs["002"], programs["001"], programs["000"]))
    return [
        f"**Documents' programs**: {runs}.",
        f"**MNIST rows**: LSTM, GRU and simple RNN, one layer of {cell_comparison.MNIST_UNITS} "
        f"units over dynamic_rnn, {budget.mnist_rows_steps} steps of 128, Adam 0.001.",
        f"**Long-dependency task**: {budget.task_time_steps} time steps, "
        f"{long_dependency.UNITS} units, {budget.task_steps} steps of {long_dependency.BATCH}, "
        f"Adam {long_dependency.LEARNING_RATE}.",
    ]
