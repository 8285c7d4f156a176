"""The documents' MNIST programs trained here: their curves, and document 002's 99.21%.

    000  BasicLSTMCell(28), static_rnn over transpose-split rows, RMSProp(0.001, 0.9), batch 128
    001  3 x BasicLSTMCell(150) in a MultiRNNCell, dynamic_rnn, Adam 0.001, 10 epochs of 150
    002  BasicLSTMCell(128), static_rnn over unstack(x, 28, 1), Adam 0.001, 800 steps of 128
         "the model's test accuracy was 99.21%" (on the first 128 test digits of full MNIST)

Run lengths are the documents' where they fit in a few minutes on 2 cores: 002's 800 steps;
001's 10 epochs (240 steps on the subset; capped at 600 on full MNIST, where 10 epochs are
3,660 steps); 000 shows no loop, so 800 steps like 002. ``--quick`` runs a few steps of each.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tf1_lstm.claims.figures import pyplot, save, verdict_title
from tf1_lstm.claims.mnist_data import MnistSource, fresh_dataset
from tf1_lstm.claims.verdict import ClaimResult, Verdict, holds_if, percent
from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.data.mnist import Datasets
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.models.static_rnn_mnist import build_static_rnn_mnist
from tf1_lstm.models.transpose_split_mnist import build_transpose_split_mnist
from tf1_lstm.train import TrainLog, evaluate, open_summary_writer, train

PLOT = "training_curves.png"
DOCUMENT_002_ACCURACY = 0.9921  # = 127/128 correct, printed as 99.21%
MAX_STEPS_001 = 600  # 10 epochs of full MNIST would be 3,660 steps of a 3 x 150 LSTM


@dataclass(frozen=True)
class MnistRun:
    """One trained model: its curve and its accuracies (and weights, for the gate heatmaps)."""

    name: str  # "002", "001", "mnist rows lstm", ...
    title: str  # what was trained, in a few words
    log: TrainLog
    batch_size: int
    test_accuracy: float  # on the whole test set
    test_accuracy_first_128: float  # document 002's measurement
    train_accuracy: float = float("nan")  # on 1,000 training digits (the overfitting gap)
    seconds: float = 0.0
    weights: dict[str, np.ndarray] = field(default_factory=dict, compare=False)

    @property
    def steps(self) -> int:
        return self.log.steps[-1] if self.log.steps else 0


def train_mnist_model(name: str, title: str, build: Callable[[], object], mnist: Datasets,
                      steps: int, batch_size: int, seed: int, sparse: bool,
                      run_dir: Path | None = None, graph_name: str | None = None,
                      keep_weights: bool = False) -> MnistRun:
    """Build ``build()`` in a fresh graph, train it on its own shuffle of mnist.train, test it.

    With ``run_dir``, TensorBoard gets the graph and the curves in ``run_dir/graph_name``.
    """

    reset_graph(seed)
    model = build()
    data = fresh_dataset(mnist.train, seed, sparse)
    test = fresh_dataset(mnist.test, seed, sparse)
    train_images, train_labels = data.images[:1000], data.labels[:1000]
    started = time.perf_counter()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        writer = (open_summary_writer(run_dir, graph_name or name.replace(" ", "_"),
                                      session.graph) if run_dir else None)
        log = train(session, model, data, steps=steps, batch_size=batch_size,
                    description=name, summary_writer=writer)
        if writer:
            writer.close()
        test_accuracy = evaluate(session, model, test.images, test.labels)
        first_128 = evaluate(session, model, test.images[:128], test.labels[:128])
        train_accuracy = evaluate(session, model, train_images, train_labels)
        weights = ({v.op.name: value for v, value in zip(
            tf.trainable_variables(), session.run(tf.trainable_variables()), strict=True)}
            if keep_weights else {})
    return MnistRun(name, title, log, batch_size, test_accuracy, first_128, train_accuracy,
                    time.perf_counter() - started, weights)


def steps_001(train_examples: int, quick: bool) -> int:
    """Document 001's 10 epochs of batch 150, capped (see the module docstring)."""
    return 10 if quick else min(10 * (train_examples // 150), MAX_STEPS_001)


def train_document_programs(mnist: Datasets, seed: int, quick: bool, run_dir: Path | None,
                            trained_002: MnistRun | None = None) -> dict[str, MnistRun]:
    """Train 002, 001 and 000 as the documents set them up (002 may come ready-trained)."""

    short = 30
    runs = {"002": trained_002 or train_mnist_model(
        "002", "002: BasicLSTMCell(128), static_rnn, Adam", build_static_rnn_mnist, mnist,
        short if quick else 800, 128, seed, sparse=False, run_dir=run_dir,
        graph_name="002_static_rnn", keep_weights=True)}
    runs["001"] = train_mnist_model(
        "001", "001: 3 x BasicLSTMCell(150), dynamic_rnn, Adam", build_stacked_lstm_mnist, mnist,
        steps_001(mnist.train.num_examples, quick), 150, seed, sparse=True, run_dir=run_dir,
        graph_name="001_dynamic_rnn")
    runs["000"] = train_mnist_model(
        "000", "000: BasicLSTMCell(28), transpose-split, RMSProp",
        build_transpose_split_mnist, mnist, short if quick else 800, 128, seed, sparse=False,
        run_dir=run_dir, graph_name="000_static_rnn_transpose_split")
    return runs


def accuracy_claim(run: MnistRun, source: MnistSource, quick: bool) -> ClaimResult:
    """Document 002's 99.21% on the first 128 test digits of full MNIST."""
    correct = round(run.test_accuracy_first_128 * 128)
    ours = (f"{run.steps} steps of batch {run.batch_size} on {source.short} reach "
            f"{percent(run.test_accuracy_first_128, 2)} on the first 128 test digits "
            f"({correct}/128) and {percent(run.test_accuracy)} on all {source.sizes[2]:,}. "
            "99.21% is 127/128 correct: one digit wrong, each digit being 0.78 points.")
    if quick:
        verdict, why = Verdict.CANNOT_CHECK, " --quick trains only a few steps: run without it."
    elif not source.full:
        verdict, why = Verdict.CANNOT_CHECK, (
            " The document trained on full MNIST's 55,000 digits; only the subset's "
            f"{source.sizes[0]:,} are here (put the four IDX files in --data-dir).")
    else:  # within one digit of the document's 127/128
        verdict, why = holds_if(correct >= 126), ""
    return ClaimResult(
        "test_accuracy_99_21", "002",
        "Document 002's model reaches 99.21% test accuracy (first 128 test digits)",
        ours + why, verdict, f"{percent(run.test_accuracy_first_128, 2)} on first 128 "
                            f"({'full MNIST' if source.full else 'subset'})", PLOT)


def plot_training_curves(runs: dict[str, MnistRun], source: MnistSource, claim: ClaimResult,
                         path: Path) -> Path:
    plt = pyplot()
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(12, 5.4))
    for key, color in (("002", "#0969da"), ("001", "#8250df"), ("000", "#d4700a")):
        run = runs[key]
        label = (f"{run.title}: {run.steps} steps; test accuracy {percent(run.test_accuracy)} "
                 f"(first 128 digits: {percent(run.test_accuracy_first_128)})")
        loss_axes.plot(run.log.steps, run.log.loss, color=color, label=label)
        accuracy_axes.plot(run.log.steps, np.multiply(run.log.accuracy, 100), color=color)
        accuracy_axes.plot([run.steps], [100 * run.test_accuracy], marker="*", markersize=14,
                           color=color, markeredgecolor="black", linestyle="none")
    loss_axes.plot([], [], marker="*", markersize=12, color="white", markeredgecolor="black",
                   linestyle="none", label="star: accuracy on the whole test set after training")
    loss_axes.plot([], [], color="#cf222e", linestyle="--",
                   label="document 002's claim: 99.21% test accuracy (full MNIST)")
    accuracy_axes.axhline(99.21, color="#cf222e", linestyle="--", linewidth=1)
    loss_axes.set_yscale("log")
    loss_axes.set_ylabel("cross-entropy loss on the training batch (nats, log scale)")
    accuracy_axes.set_ylabel("accuracy on the training batch (%)")
    accuracy_axes.set_ylim(0, 103)
    for axes in (loss_axes, accuracy_axes):
        axes.set_xlabel("training step (one optimizer update on one batch)")
    figure.legend(*loss_axes.get_legend_handles_labels(), loc="lower center", ncol=2,
                  fontsize=8.5, bbox_to_anchor=(0.5, -0.02))
    verdict_title(figure, f"Training curves of the documents' MNIST programs, trained here on "
                          f"{source.short}", claim.verdict,
                  f"002's 99.21% {claim.verdict}: {claim.evidence}")
    figure.tight_layout(rect=(0, 0.1, 1, 1))
    return save(figure, path)
