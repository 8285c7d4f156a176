"""The TF1-world jobs: each path's graph for a document's model, timed in a session.

Every path gets the same graph around its LSTM, the document's, built by its builder in
tf1_lstm.models:

    002   x [B, 28, 28] -> LSTM(128) -> last h @ out_weights + out_bias (random_normal)
          -> softmax_cross_entropy_with_logits_v2 against one-hot y -> Adam(0.001)
    001   X [B, 28, 28] -> 3 x LSTM(150) -> states[-1].h -> tf.layers.dense(10)
          -> sparse_softmax_cross_entropy_with_logits against class ids -> Adam(0.001)

and only the LSTM differs: the cell factory and the unroller the builder gets
(``path_lstm``). A training step is ``sess.run(train_op)`` with a feed of batch B; inference
is ``sess.run(logits)`` with a batch of 1024 on the same graph (its placeholders have an
unknown batch), so only the forward ops run.
Run only as a task of ``tf1_lstm.worlds`` in a process of the TF1 world (``run_task``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from tf1_lstm.bench.jobs import INFER, INFERENCE_BATCH, MODELS, TRAIN, ModelSpec, thread_settings
from tf1_lstm.bench.timing import time_blocks
from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.cell import FastLSTMCell
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn
from tf1_lstm.models import unrollers
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.models.static_rnn_mnist import build_static_rnn_mnist

WORLD = "tf1"  # a tf1_lstm.worlds task: graph mode, the v1 cells


@dataclass
class BenchGraph:
    graph: tf.Graph
    x: tf.Tensor          # placeholder [None, T, I]
    y: tf.Tensor          # placeholder: one-hot [None, 10] (002) or class ids [None] (001)
    logits: tf.Tensor     # [None, 10]
    train_op: tf.Operation
    init: tf.Operation    # initialises every variable


def path_lstm(path: str, spec: ModelSpec) -> dict:
    """``path``'s cell factory and unroller, as the builders of ``tf1_lstm.models`` take them
    (no unroller: the document's own, static_rnn over unstack for 002, dynamic_rnn for 001)."""
    static = spec.unroller == "static"
    match path:
        case "static_rnn":
            return {"cell": rnn.BasicLSTMCell, "unroll": unrollers.static_rnn_unstack}
        case "dynamic_rnn":
            return {"cell": rnn.BasicLSTMCell, "unroll": unrollers.dynamic_rnn}
        case "hand":
            return {"cell": HandLSTMCell}
        case "block_cell":
            return {"cell": rnn.LSTMBlockCell}
        case "hand_projected":
            return {"cell": HandLSTMCell, "unroll": unrollers.hand_whole_sequence}
        case "fast" | "fast_1shard":
            shards = 1 if path == "fast_1shard" else None
            unroll = (unrollers.over_unstack(partial(fast_static_rnn, shards=shards)) if static
                      else partial(fast_dynamic_rnn, shards=shards))
            return {"cell": FastLSTMCell, "unroll": unroll}
        case "block_fused":
            return {"cell": rnn.LSTMBlockFusedCell, "unroll": unrollers.block_fused_layers}
    raise ValueError(f"unknown TF1 path {path!r}")


def build(path: str, spec: ModelSpec, steps: int | None = None) -> BenchGraph:
    """The document's graph (its builder in tf1_lstm.models) with ``path``'s LSTM, in a new
    tf.Graph."""
    steps = steps or spec.steps
    lstm = path_lstm(path, spec)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(42)
        if spec.name == "002":
            model = build_static_rnn_mnist(steps, spec.inputs, spec.units, spec.classes, **lstm)
            logits = model.prediction
        else:
            model = build_stacked_lstm_mnist(steps, spec.inputs, spec.units, spec.classes,
                                             spec.layers, **lstm)
            logits = model.logits
        init = tf.global_variables_initializer()
    return BenchGraph(graph, model.x, model.y, logits, model.opt, init)


def feed(bench: BenchGraph, spec: ModelSpec, batch: int, steps: int | None = None) -> dict:
    """Random MNIST-like rows (pixels in [0, 1)) and labels; the same in every world."""
    rng = np.random.default_rng(0)
    x = rng.random((batch, steps or spec.steps, spec.inputs), dtype=np.float32)
    labels = rng.integers(0, spec.classes, batch)
    y = np.eye(spec.classes, dtype=np.float32)[labels] if spec.name == "002" else labels
    return {bench.x: x, bench.y: y}


def session(graph: tf.Graph, threads: str, cores: int) -> tf.Session:
    intra, inter = thread_settings(threads, cores)
    config = tf.ConfigProto(intra_op_parallelism_threads=intra,
                            inter_op_parallelism_threads=inter)
    return tf.Session(graph=graph, config=config)


def run_paths(job: dict) -> dict:
    """Training and inference steps of one path on one model: seconds per step per block."""
    spec, effort = MODELS[job["model"]], job["effort"]
    bench = build(job["path"], spec)
    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    with session(bench.graph, job["threads"], job["cores"]) as sess:
        sess.run(bench.init)
        train_feed = feed(bench, spec, spec.batch)
        train = time_blocks(lambda: sess.run(bench.train_op, train_feed), **timing)
        infer_feed = feed(bench, spec, INFERENCE_BATCH)
        infer = time_blocks(lambda: sess.run(bench.logits, infer_feed), **timing)
    return {TRAIN: {"batch": spec.batch, "seconds": train},
            INFER: {"batch": INFERENCE_BATCH, "seconds": infer}}


def run_construction(job: dict) -> dict:
    """Document 002's model unrolled over T steps: build time, op count, first and later steps."""
    spec, steps = MODELS["002"], job["steps"]
    started = time.perf_counter()
    bench = build(job["path"], spec, steps)
    build_seconds = time.perf_counter() - started
    with session(bench.graph, job["threads"], job["cores"]) as sess:
        sess.run(bench.init)
        train_feed = feed(bench, spec, spec.batch, steps)
        started = time.perf_counter()
        sess.run(bench.train_op, train_feed)       # Grappler optimises the graph here
        first_step = time.perf_counter() - started
        later = []
        for _ in range(3):
            started = time.perf_counter()
            sess.run(bench.train_op, train_feed)
            later.append(time.perf_counter() - started)
    return {"build_seconds": build_seconds, "ops": len(bench.graph.get_operations()),
            "first_step_seconds": first_step, "step_seconds": float(np.median(later))}


def run_ceiling(job: dict) -> dict:
    """GFLOP/s of one 2048^3 float32 tf.matmul on all cores: what this machine can do."""
    size = 2048
    graph = tf.Graph()
    with graph.as_default():
        a = tf.Variable(tf.random_uniform([size, size]))
        b = tf.Variable(tf.random_uniform([size, size]))
        product = tf.matmul(a, b)
        init = tf.global_variables_initializer()
    with tf.Session(graph=graph) as sess:  # TF's default threads: every core
        sess.run(init)
        sess.run(product.op)
        # The best of many: one quiet moment is enough to see what the cores can do.
        best = min(_timed(lambda: sess.run(product.op)) for _ in range(20))
    return {"size": size, "seconds": best, "gflops": 2.0 * size**3 / best / 1e9}


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one bench job of kind ceiling, paths or construction."""
    run = {"ceiling": run_ceiling, "paths": run_paths, "construction": run_construction}
    return run[job["kind"]](job), {}


def _timed(step) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started
