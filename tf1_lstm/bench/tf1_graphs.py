"""The TF1-world jobs: each path's graph for a model, timed in a session.

Every path gets the same graph around its cells, the document's, built by its builder in
tf1_lstm.models where one fits (``ModelSpec.graph``):

    002   x [B, 28, 28] -> LSTM(128) -> last h @ out_weights + out_bias (random_normal)
          -> softmax_cross_entropy_with_logits_v2 against one-hot y -> Adam(0.001)
          (the peephole and gru models too: LSTMCell(use_peepholes=True), GRUCell)
    001   X [B, 28, 28] -> 3 x LSTM(150) -> states[-1].h -> tf.layers.dense(10)
          -> sparse_softmax_cross_entropy_with_logits against class ids -> Adam(0.001)
    bidirectional   x [B, 28, 28] -> bidirectional_dynamic_rnn(LSTM(128), LSTM(128))
          -> [h_fw, h_bw] [B, 256] @ out_weights + out_bias, then 002's loss and Adam
          (``build_bidirectional_mnist``)

and only the cells differ: the cell factory and the unroller the builder gets
(``path_lstm``). A training step is ``sess.run(train_op)`` with a feed of the model's batch;
inference is ``sess.run(logits)`` with a batch of 1024, and latency the same with one
sequence, on the same graph (its placeholders have an unknown batch), so only the forward
ops run. A job of threads ``ONE_CORE`` pins its process to one core before the graph is
built (so the fast path, which cuts the batch into one shard per usable core, runs 1 shard).
Run only as a task of ``tf1_lstm.worlds`` in a process of the TF1 world (``run_task``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial

import numpy as np

from tf1_lstm.bench.jobs import MODELS, ONE_CORE, TRAIN, ModelSpec, thread_settings
from tf1_lstm.bench.machine import pin_to_one_core
from tf1_lstm.bench.timing import time_blocks
from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.bidirectional import bidirectional_dynamic_rnn as fast_bidirectional_rnn
from tf1_lstm.fast.cell import FastLSTMCell, FastPeepholeLSTMCell
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn
from tf1_lstm.models import unrollers
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.models.static_rnn_mnist import DOCUMENT_TRAIN_OP, build_static_rnn_mnist
from tf1_lstm.models.train_ops import training_step

WORLD = "tf1"  # a tf1_lstm.worlds task: graph mode, the v1 cells


@dataclass
class BenchGraph:
    graph: tf.Graph
    x: tf.Tensor          # placeholder [None, T, I]
    y: tf.Tensor          # placeholder: one-hot [None, 10] (002) or class ids [None] (001)
    logits: tf.Tensor     # [None, 10]
    train_op: tf.Operation
    init: tf.Operation    # initialises every variable
    loss: tf.Tensor       # scalar


def fast_gru_cell():
    """``tf1_lstm.fast.gru.FastGRUCell``, imported when the GRU fast path is built (the module
    is newer than the bench); a clear ImportError while it is missing."""
    try:
        from tf1_lstm.fast.gru import FastGRUCell
    except ImportError as error:
        raise ImportError(f"the GRU fast path needs tf1_lstm.fast.gru.FastGRUCell, which "
                          f"this checkout does not have yet ({error})") from error
    return FastGRUCell


def path_lstm(path: str, spec: ModelSpec) -> dict:
    """``path``'s cell factory and unroller, as the builders of ``tf1_lstm.models`` take them
    (no unroller: the document's own, static_rnn over unstack for 002, dynamic_rnn for 001);
    for the bidirectional model the two-direction function instead (``bidirectional``)."""
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
        case "peephole_static":
            return {"cell": "peephole"}       # LSTMCell(use_peepholes=True), forget_bias 1
        case "peephole_fast":
            return {"cell": partial(FastPeepholeLSTMCell, use_peepholes=True),
                    "unroll": unrollers.over_unstack(fast_static_rnn)}
        case "gru_static":
            return {"cell": "gru"}            # GRUCell(num_units)
        case "gru_block":
            return {"cell": rnn.GRUBlockCell}
        case "gru_fast":
            return {"cell": fast_gru_cell(), "unroll": unrollers.over_unstack(fast_static_rnn)}
        case "bidi_dynamic":
            return {"cell": rnn.BasicLSTMCell, "bidirectional": tf.nn.bidirectional_dynamic_rnn}
        case "bidi_fast":
            return {"cell": FastLSTMCell, "bidirectional": fast_bidirectional_rnn}
    raise ValueError(f"unknown TF1 path {path!r}")


@dataclass(frozen=True)
class BidirectionalMnist:
    """The bidirectional graph's handles, named as document 002's."""

    x: tf.Tensor             # placeholder [None, T, I]
    y: tf.Tensor             # placeholder [None, n_classes], one-hot
    prediction: tf.Tensor    # logits [B, n_classes]
    loss: tf.Tensor          # scalar
    opt: tf.Operation        # one training step (Adam)


def build_bidirectional_mnist(time_steps: int = 28, n_input: int = 28, num_units: int = 128,
                              n_classes: int = 10, *, cell=rnn.BasicLSTMCell,
                              bidirectional=tf.nn.bidirectional_dynamic_rnn
                              ) -> BidirectionalMnist:
    """Document 002's graph with a bidirectional LSTM, in the current default graph.

        x                 [B, T, I]
        out_fw, out_bw    [B, T, H] each: cell(H) over x, and another cell(H) over x
                          reversed in time, its outputs reversed back
        last              [state_fw.h, state_bw.h]  [B, 2H]: each direction's last output,
                          forward's at t = T - 1, backward's at t = 0 (Keras 3's
                          Bidirectional(LSTM) output, PyTorch's h_n of both directions)
        prediction        last @ out_weights [2H, 10] + out_bias (random_normal, as 002's)
        loss              softmax cross-entropy against one-hot y [B, 10], Adam(0.001)

    The head reads the final states, not ``outputs[-1]``: the backward direction's output at
    the last time step has seen one input, and a head on it would leave the rest of that
    direction out of the training step (an unrolled graph prunes it, a while loop cannot).
    Variables: ``bidirectional_rnn/fw/<cell>/kernel``, ``.../bw/...``, as TF1 names them.
    """
    out_weights = tf.Variable(tf.random_normal([2 * num_units, n_classes]), name="out_weights")
    out_bias = tf.Variable(tf.random_normal([n_classes]), name="out_bias")
    x = tf.placeholder(tf.float32, [None, time_steps, n_input], name="x")
    y = tf.placeholder(tf.float32, [None, n_classes], name="y")
    _, (state_fw, state_bw) = bidirectional(cell(num_units), cell(num_units), x,
                                            dtype=tf.float32)
    last = tf.concat([state_fw.h, state_bw.h], 1)                       # [B, 2H]
    prediction = tf.matmul(last, out_weights) + out_bias                # [B, n_classes]
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=prediction,
                                                                     labels=y))
    opt = training_step(DOCUMENT_TRAIN_OP, loss)
    return BidirectionalMnist(x, y, prediction, loss, opt)


def build(path: str, spec: ModelSpec, steps: int | None = None) -> BenchGraph:
    """The model's graph (its builder) with ``path``'s cells, in a new tf.Graph."""
    steps = steps or spec.steps
    lstm = path_lstm(path, spec)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(42)
        if spec.graph == "stacked_lstm_mnist":
            model = build_stacked_lstm_mnist(steps, spec.inputs, spec.units, spec.classes,
                                             spec.layers, **lstm)
            logits = model.logits
        else:
            builder = (build_bidirectional_mnist if spec.graph == "bidirectional"
                       else build_static_rnn_mnist)
            model = builder(steps, spec.inputs, spec.units, spec.classes, **lstm)
            logits = model.prediction
        init = tf.global_variables_initializer()
    return BenchGraph(graph, model.x, model.y, logits, model.opt, init, model.loss)


def feed(bench: BenchGraph, spec: ModelSpec, batch: int, steps: int | None = None) -> dict:
    """Random MNIST-like rows (pixels in [0, 1)) and labels; the same in every world."""
    rng = np.random.default_rng(0)
    x = rng.random((batch, steps or spec.steps, spec.inputs), dtype=np.float32)
    labels = rng.integers(0, spec.classes, batch)
    y = labels if spec.sparse_labels else np.eye(spec.classes, dtype=np.float32)[labels]
    return {bench.x: x, bench.y: y}


def session(graph: tf.Graph, threads: str, cores: int) -> tf.Session:
    intra, inter = thread_settings(threads, cores)
    config = tf.ConfigProto(intra_op_parallelism_threads=intra,
                            inter_op_parallelism_threads=inter)
    return tf.Session(graph=graph, config=config)


def run_paths(job: dict) -> dict:
    """The job's modes (training step, inference at 1024, latency at 1) of one path on one
    model: seconds per step per block, and the batch of each."""
    spec, effort = MODELS[job["model"]], job["effort"]
    notes = {"core": pin_to_one_core()} if job["threads"] == ONE_CORE else {}
    bench = build(job["path"], spec)
    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    result = {}
    with session(bench.graph, job["threads"], job["cores"]) as sess:
        sess.run(bench.init)
        for mode in job["modes"]:
            batch = spec.batch_of(mode)
            fetch = bench.train_op if mode == TRAIN else bench.logits
            data = feed(bench, spec, batch)
            result[mode] = {"batch": batch,
                            "seconds": time_blocks(partial(sess.run, fetch, data), **timing)}
    return result | {"notes": notes}


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
