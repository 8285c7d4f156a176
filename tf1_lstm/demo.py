"""``make demo``: document 002's program, trained on whatever MNIST is here, in under a minute.

One BasicLSTMCell(128) over ``static_rnn``, Adam 0.001, batch 128, 800 steps (the document
loops ``while iter < 800`` from 1, i.e. 799 steps; we run the round number). It reports the
test accuracy on the first 128 test images, as the document does, and on the whole test set,
which is the number to trust: 128 images give a +-2.5-point noise band at 95%.

Then it shows the documents' main lesson, what ``outputs`` and ``states`` are, with the
``tf1-lstm inspect`` tree of document 001's three-layer LSTM, and ends with the documents'
claims checked the quick way (``tf1-lstm claims --quick``, reusing the model just trained):
a short table, and the plots in ``reports/demo/``.

With ``logdir`` it also writes TensorBoard files into a new run folder there: the trained
static_rnn graph with its loss and accuracy curves (``static_rnn/``), and the same cell over
dynamic_rnn (``dynamic_rnn/``, graph only), so the 28 unrolled copies of the cell can be
compared with dynamic_rnn's single while loop.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from tf1_lstm.claims.mnist_programs import MnistRun
from tf1_lstm.claims.report import ClaimsReport, format_short_table, summary_line
from tf1_lstm.claims.run import run_claims
from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.data.mnist import read_data_sets
from tf1_lstm.inspect import format_inspection, inspect_rnn
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.models.static_rnn_mnist import build_static_rnn_mnist
from tf1_lstm.train import TrainLog, evaluate, new_run_dir, open_summary_writer, train

DEMO_CLAIMS_OUT = "reports/demo"  # where the demo's quick claims report and plots go


@dataclass(frozen=True)
class DemoResult:
    steps: int
    train_examples: int
    test_examples: int
    test_accuracy: float  # on the whole test set
    test_accuracy_first_128: float  # the document's measurement
    final_batch_loss: float
    seconds: float
    batch_size: int = 128
    log: TrainLog | None = field(default=None, compare=False, repr=False)  # the curve
    weights: dict = field(default_factory=dict, compare=False, repr=False)  # trained, by name
    logdir: str | None = None  # the TensorBoard run folder written, if any


def run_demo(data_dir: str = "/tmp/data/", steps: int = 800, batch_size: int = 128,
             seed: int = 42, logdir: str | None = None) -> DemoResult:
    """Train document 002's model and return what was measured (prints progress and a summary).

    ``logdir``: write TensorBoard graphs and curves into a new run folder under it.
    """

    mnist = read_data_sets(data_dir, one_hot=True, seed=seed)
    run_dir = new_run_dir(logdir, "demo") if logdir else None
    reset_graph(seed)
    model = build_static_rnn_mnist()
    started = time.perf_counter()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        writer = open_summary_writer(run_dir, "static_rnn", session.graph) if run_dir else None
        log = train(session, model, mnist.train, steps=steps, batch_size=batch_size,
                    description="document 002", summary_writer=writer)
        if writer:
            writer.close()
        test_accuracy = evaluate(session, model, mnist.test.images, mnist.test.labels)
        first_128 = evaluate(session, model, mnist.test.images[:128], mnist.test.labels[:128])
        variables = tf.trainable_variables()
        weights = dict(zip((v.op.name for v in variables), session.run(variables), strict=True))
    seconds = time.perf_counter() - started
    if run_dir:
        _write_dynamic_rnn_graph(run_dir)
    return DemoResult(
        steps=steps,
        train_examples=mnist.train.num_examples,
        test_examples=mnist.test.num_examples,
        test_accuracy=test_accuracy,
        test_accuracy_first_128=first_128,
        final_batch_loss=log.loss[-1],
        seconds=seconds,
        batch_size=batch_size,
        log=log,
        weights=weights,
        logdir=str(run_dir) if run_dir else None,
    )


def _write_dynamic_rnn_graph(run_dir) -> None:
    """The same BasicLSTMCell(128) over dynamic_rnn (document 001's builder, one layer)."""

    with tf.Graph().as_default() as graph:
        build_stacked_lstm_mnist(n_neurons=128, n_layers=1)
        open_summary_writer(run_dir, "dynamic_rnn", graph).close()


def print_report(result: DemoResult) -> None:
    print(f"Document 002: BasicLSTMCell(128) over static_rnn, {result.steps} Adam steps of "
          f"batch 128 on {result.train_examples:,} training digits ({result.seconds:.0f} s).")
    print(f"  final training-batch loss      {result.final_batch_loss:.4f}")
    print(f"  test accuracy, first 128 digits {result.test_accuracy_first_128:.2%}"
          "  (the document's measurement)")
    print(f"  test accuracy, all {result.test_examples:,} digits  {result.test_accuracy:.2%}")
    print("  (document 002 reports 99.21% on full MNIST's first 128 test digits; chance is 10%)")
    if result.logdir:
        print(f"  TensorBoard: tensorboard --logdir {result.logdir}  (static_rnn: the trained "
              "graph, 28 unrolled cells, and its curves; dynamic_rnn: the same cell in a while "
              "loop)")


def print_outputs_and_states() -> int:
    """Print the inspect tree of document 001's model; 1 if a verified equality failed."""

    print("\nWhat outputs and states are, for document 001's 3 x BasicLSTMCell(150) "
          "(tf1-lstm inspect --help for your own):\n")
    inspection = inspect_rnn(cell="lstm", layers=3, units=150, steps=28, inputs=28,
                             unknown_batch=True)
    print(format_inspection(inspection))
    return 0 if inspection.passed else 1


def print_claims(result: DemoResult, data_dir: str = "/tmp/data/", seed: int = 42,
                 out: str = DEMO_CLAIMS_OUT) -> ClaimsReport:
    """The documents' claims, quick (reusing the model just trained): table and plots' folder."""

    trained = MnistRun("002", "002: BasicLSTMCell(128), static_rnn, Adam", result.log,
                       result.batch_size, result.test_accuracy, result.test_accuracy_first_128,
                       seconds=result.seconds, weights=result.weights)
    print("\nThe documents' claims, measured here (tf1-lstm claims --quick, with the model "
          "above):\n")
    report = run_claims(out=out, quick=True, data_dir=data_dir, seed=seed,
                        trained_002=trained, announce_data=False)
    print(format_short_table(report.results))
    print(f"\n{summary_line(report)}")
    print(f"Plots and the full table: {out}/claims.md ({', '.join(report.plots)}). "
          "The verdicts that need longer training: tf1-lstm claims.")
    return report
