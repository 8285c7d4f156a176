"""A task that needs a long-term dependency, to test 001's "LSTM ... will detect long-term
dependencies in the data" against a simple RNN (and 004's vanishing-gradient claims).

The marked-value task. A sequence has T = 60 steps of two inputs, [value, marker]:

    value   Gaussian noise (std 1) at every step ...
    marker  0 at every step ...
    ... except at ONE step, where the marker is 1 and the value is +1 or -1.
    label   1 if that marked value is +1, else 0

The marked step is ``lag`` steps before the end: lag 0 is the last step (no memory needed),
lag T-1 the FIRST step (the answer must be carried across all 60 steps of noise). Training
draws the lag uniformly, so the short lags teach the task; the test fixes the lag.

Both cells get the same model (document 001's builder with one layer of 32 units and a dense
"softmax" layer on the top h), the same batches, Adam(0.01) and the same number of steps.
Gradients are clipped to a global norm of 1 for both (``adam_clipped``, the builder's training
step here), the usual guard against the exploding gradients document 004 also names: without
it the simple RNN at this learning rate often learns nothing at all, not even at lag 0, which
would make the comparison unfair to it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.train import TrainLog, evaluate, open_summary_writer, train

TIME_STEPS = 60
UNITS = 32
BATCH = 64
LEARNING_RATE = 0.01
NOISE = 1.0
CLIP_NORM = 1.0
TRAIN_STEPS = 500
TEST_SEQUENCES = 300  # per lag
GRADIENT_SEQUENCES = 256  # marked at the first step, for ||d loss / d x_t||
LONG_LAG = 10  # lags from here on need a memory of 10+ steps of noise: "long-term"


class MarkedValueTask:
    """Batches of the task, from a private generator; ``next_batch`` is what train() calls."""

    def __init__(self, time_steps: int = TIME_STEPS, seed: int = 0, noise: float = NOISE) -> None:
        self.time_steps = time_steps
        self.noise = noise
        self._rng = np.random.default_rng(seed)

    def batch(self, size: int, lag: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """x [size, T, 2] and labels [size]; ``lag=None`` draws each sequence's lag."""
        rng, steps = self._rng, self.time_steps
        labels = rng.integers(0, 2, size)
        x = np.zeros((size, steps, 2), np.float32)
        x[:, :, 0] = rng.normal(0.0, self.noise, (size, steps))
        lags = rng.integers(0, steps, size) if lag is None else np.full(size, lag)
        marked = steps - 1 - lags
        rows = np.arange(size)
        x[rows, marked, 0] = np.where(labels == 1, 1.0, -1.0)
        x[rows, marked, 1] = 1.0
        return x, labels.astype(np.int32)

    def next_batch(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        return self.batch(size)


def lags_to_test(time_steps: int) -> list[int]:
    """0 (the last step) ... time_steps - 1 (the first step), denser where memory starts."""
    candidates = [0, 1, 2, 3, 5, 10, 20, 30, 40, 50, time_steps - 1]
    return sorted({lag for lag in candidates if lag < time_steps})


@dataclass(frozen=True)
class TaskRun:
    cell: str
    time_steps: int
    log: TrainLog
    lag_accuracy: dict[int, float]  # lag -> accuracy on TEST_SEQUENCES fresh sequences
    gradient_norms_initial: np.ndarray  # [T] ||d loss / d x_t|| before training
    gradient_norms_trained: np.ndarray  # [T] ... after training
    seconds: float

    @property
    def first_step_accuracy(self) -> float:
        """Accuracy when the marked value is the first of the T steps."""
        return self.lag_accuracy[self.time_steps - 1]

    @property
    def long_lag_accuracy(self) -> float:
        """Mean accuracy over the tested lags of LONG_LAG steps or more."""
        return float(np.mean([a for lag, a in self.lag_accuracy.items() if lag >= LONG_LAG]))


def adam_clipped(loss: tf.Tensor) -> tf.Operation:
    """Adam(LEARNING_RATE) on the gradients clipped to a global norm of CLIP_NORM."""
    optimizer = tf.train.AdamOptimizer(LEARNING_RATE)
    gradients, variables = zip(*optimizer.compute_gradients(loss), strict=True)
    clipped, _ = tf.clip_by_global_norm(gradients, CLIP_NORM)
    return optimizer.apply_gradients(zip(clipped, variables, strict=True))


def gradient_norms_per_step(session, model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """||d loss / d x_t|| for each step t, over the batch and the inputs: shape [T]."""
    graph = model.loss.graph
    gradient = graph.get_collection("claims_input_gradient")
    if not gradient:  # build once per graph: tf.gradients adds ops every time it is called
        gradient = tf.gradients(model.loss, model.x)
        graph.add_to_collection("claims_input_gradient", gradient[0])
    values = session.run(gradient[0], {model.x: x, model.y: y})  # [B, T, I]
    return np.sqrt(np.sum(np.square(values.astype(np.float64)), axis=(0, 2)))


def train_on_task(cell: str, time_steps: int = TIME_STEPS, steps: int = TRAIN_STEPS,
                  seed: int = 0, run_dir: Path | None = None, units: int = UNITS) -> TaskRun:
    """Train one cell on the task; measure accuracy per lag and gradient norms per step."""
    reset_graph(seed)
    model = build_stacked_lstm_mnist(n_steps=time_steps, n_inputs=2, n_neurons=units,
                                     n_outputs=2, n_layers=1, cell=cell, train_op=adam_clipped)
    task = MarkedValueTask(time_steps, seed)
    probe = MarkedValueTask(time_steps, seed + 1000)  # held-out sequences, the same for all
    first_step = probe.batch(GRADIENT_SEQUENCES, lag=time_steps - 1)
    at_lag = {lag: probe.batch(TEST_SEQUENCES, lag=lag) for lag in lags_to_test(time_steps)}
    started = time.perf_counter()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        initial = gradient_norms_per_step(session, model, *first_step)
        writer = (open_summary_writer(run_dir, f"long_dependency_{cell}_dynamic_rnn",
                                      session.graph) if run_dir else None)
        log = train(session, model, task, steps=steps, batch_size=BATCH,
                    description=f"long dependency, {cell}", summary_writer=writer)
        if writer:
            writer.close()
        trained = gradient_norms_per_step(session, model, *first_step)
        lag_accuracy = {lag: evaluate(session, model, x, y) for lag, (x, y) in at_lag.items()}
    return TaskRun(cell, time_steps, log, lag_accuracy, initial, trained,
                   time.perf_counter() - started)
