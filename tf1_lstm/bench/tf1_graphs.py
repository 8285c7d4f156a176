"""The TF1-world jobs: each path's graph for a document's model, timed in a session.

Every path gets the same graph around its LSTM, the document's (see tf1_lstm.models):

    002   x [B, 28, 28] -> LSTM(128) -> last h @ out_weights + out_bias (random_normal)
          -> softmax_cross_entropy_with_logits_v2 against one-hot y -> Adam(0.001)
    001   X [B, 28, 28] -> 3 x LSTM(150) -> states[-1].h -> tf.layers.dense(10)
          -> sparse_softmax_cross_entropy_with_logits against class ids -> Adam(0.001)

and only the LSTM differs (``top_layer_h``). A training step is ``sess.run(train_op)`` with a
feed of batch B; inference is ``sess.run(logits)`` with a batch of 1024 on the same graph
(its placeholders have an unknown batch), so only the forward ops run.
Run only as a task of ``tf1_lstm.worlds`` in a process of the TF1 world (``run_task``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from tf1_lstm.bench.jobs import INFER, INFERENCE_BATCH, MODELS, TRAIN, ModelSpec, thread_settings
from tf1_lstm.bench.timing import time_blocks
from tf1_lstm.cells.lstm import HandLSTMCell, stacked_whole_sequence, whole_sequence
from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.cell import FastLSTMCell
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn

WORLD = "tf1"  # a tf1_lstm.worlds task: graph mode, the v1 cells


@dataclass
class BenchGraph:
    graph: tf.Graph
    x: tf.Tensor          # placeholder [None, T, I]
    y: tf.Tensor          # placeholder: one-hot [None, 10] (002) or class ids [None] (001)
    logits: tf.Tensor     # [None, 10]
    train_op: tf.Operation
    init: tf.Operation    # initialises every variable


def _cells(make, spec: ModelSpec):
    layers = [make() for _ in range(spec.layers)]
    return layers[0] if spec.layers == 1 else rnn.MultiRNNCell(layers)


def _unroll(cell, x, spec: ModelSpec, steps: int):
    """The document's unroller; returns the top layer's last h [B, H]."""
    if spec.unroller == "static":
        outputs, _ = rnn.static_rnn(cell, tf.unstack(x, steps, 1), dtype=tf.float32)
        return outputs[-1]
    _, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return (state[-1] if spec.layers > 1 else state).h


def top_layer_h(path: str, spec: ModelSpec, x, steps: int):
    """The LSTM of ``path`` over x [B, T, I]; returns the top layer's last h [B, H]."""
    units = spec.units
    match path:
        case "static_rnn":
            outputs, _ = rnn.static_rnn(_cells(lambda: rnn.BasicLSTMCell(units), spec),
                                        tf.unstack(x, steps, 1), dtype=tf.float32)
            return outputs[-1]
        case "dynamic_rnn":
            _, state = tf.nn.dynamic_rnn(_cells(lambda: rnn.BasicLSTMCell(units), spec), x,
                                         dtype=tf.float32)
            return (state[-1] if spec.layers > 1 else state).h
        case "hand":
            return _unroll(_cells(lambda: HandLSTMCell(units), spec), x, spec, steps)
        case "block_cell":
            return _unroll(_cells(lambda: rnn.LSTMBlockCell(units), spec), x, spec, steps)
        case "hand_projected":
            cells = [HandLSTMCell(units) for _ in range(spec.layers)]
            if spec.layers == 1:
                return whole_sequence(cells[0], x, dtype=tf.float32)[1].h
            return stacked_whole_sequence(cells, x, dtype=tf.float32)[1][-1].h
        case "fast" | "fast_1shard":
            shards = 1 if path == "fast_1shard" else None
            cell = _cells(lambda: FastLSTMCell(units), spec)
            if spec.unroller == "static":
                outputs, _ = fast_static_rnn(cell, tf.unstack(x, steps, 1), dtype=tf.float32,
                                             shards=shards)
                return outputs[-1]
            _, state = fast_dynamic_rnn(cell, x, dtype=tf.float32, shards=shards)
            return (state[-1] if spec.layers > 1 else state).h
        case "block_fused":
            layer_input = tf.transpose(x, [1, 0, 2])                         # [T, B, I]
            for k in range(spec.layers):
                with tf.variable_scope(f"layer_{k}"):
                    layer_input, state = rnn.LSTMBlockFusedCell(units)(layer_input,
                                                                       dtype=tf.float32)
            return state.h
    raise ValueError(f"unknown TF1 path {path!r}")


def build(path: str, spec: ModelSpec, steps: int | None = None) -> BenchGraph:
    """The document's graph with ``path``'s LSTM, in a new tf.Graph."""
    steps = steps or spec.steps
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(42)
        x = tf.placeholder(tf.float32, [None, steps, spec.inputs], name="x")
        h = top_layer_h(path, spec, x, steps)                                 # [B, H]
        if spec.name == "002":
            y = tf.placeholder(tf.float32, [None, spec.classes], name="y")
            out_weights = tf.Variable(tf.random_normal([spec.units, spec.classes]))
            out_bias = tf.Variable(tf.random_normal([spec.classes]))
            logits = tf.matmul(h, out_weights) + out_bias
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
                                                                             labels=y))
        else:
            y = tf.placeholder(tf.int32, [None], name="y")
            logits = tf.layers.dense(h, spec.classes, name="softmax")
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y,
                                                                                 logits=logits))
        train_op = tf.train.AdamOptimizer(learning_rate=0.001).minimize(loss)
        init = tf.global_variables_initializer()
    return BenchGraph(graph, x, y, logits, train_op, init)


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
