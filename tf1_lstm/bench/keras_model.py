"""The Keras 3 job (TF2 world): the models as ``keras.layers`` recurrent layers.

    002   Input(28, 28) -> LSTM(128) -> Dense(10); categorical cross-entropy on one-hot y
    001   Input(28, 28) -> LSTM(150, return_sequences) x 2 -> LSTM(150) -> Dense(10);
          sparse categorical cross-entropy on class ids
    gru   Input(28, 28) -> GRU(128, reset_after=False) -> Dense(10), as 002
    bidirectional   Input(28, 28) -> Bidirectional(LSTM(128)) -> Dense(10), as 002: the
          forward and backward last outputs concatenated, [B, 256]

``GRU(reset_after=False)`` is TF1's GRUCell (the reset gate on h before the candidate's
matmul; Keras 3's default multiplies after it, as cuDNN does). Keras 3 has no peephole LSTM:
the peephole model has no Keras row. Adam(0.001), ``model.compile`` defaults (what a Keras
user gets), ``unit_forget_bias`` as BasicLSTMCell's forget_bias=1. A training step is
``train_on_batch``, inference ``predict_on_batch`` with 1024 rows (and one row for latency).
Runs in a process without ``TF_USE_LEGACY_KERAS`` (Keras 3 and TF1 graph mode cannot share a
process); never imports tf1_lstm.compat.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from tf1_lstm.bench.jobs import MODELS, TRAIN, ModelSpec, thread_settings
from tf1_lstm.bench.timing import time_blocks

WORLD = "tf2"  # a tf1_lstm.worlds task: never loads the TF1 bootstrap


def build_model(spec: ModelSpec, keras):
    """The model's Keras 3 layers, compiled with Adam(0.001) and its loss."""
    def recurrent(return_sequences: bool):
        if spec.cell == "lstm":
            layer = keras.layers.LSTM(spec.units, return_sequences=return_sequences)
        elif spec.cell == "gru":
            layer = keras.layers.GRU(spec.units, reset_after=False,
                                     return_sequences=return_sequences)
        else:
            raise ValueError(f"Keras 3 has no {spec.cell} layer: the {spec.name} model has no "
                             f"Keras row")
        return keras.layers.Bidirectional(layer) if spec.directions == 2 else layer

    layers = [keras.Input((spec.steps, spec.inputs))]
    layers += [recurrent(k < spec.layers - 1) for k in range(spec.layers)]
    model = keras.Sequential([*layers, keras.layers.Dense(spec.classes)])
    loss = (keras.losses.SparseCategoricalCrossentropy(from_logits=True) if spec.sparse_labels
            else keras.losses.CategoricalCrossentropy(from_logits=True))
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss=loss)
    return model


def run_paths(job: dict) -> dict:
    import tensorflow as tf

    intra, inter = thread_settings(job["threads"], job["cores"])
    tf.config.threading.set_intra_op_parallelism_threads(intra)  # before any op runs
    tf.config.threading.set_inter_op_parallelism_threads(inter)
    import keras

    spec, effort = MODELS[job["model"]], job["effort"]
    keras.utils.set_random_seed(42)
    model = build_model(spec, keras)

    def data(batch: int):
        rng = np.random.default_rng(0)
        x = rng.random((batch, spec.steps, spec.inputs), dtype=np.float32)
        labels = rng.integers(0, spec.classes, batch)
        y = labels if spec.sparse_labels else np.eye(spec.classes, dtype=np.float32)[labels]
        return tf.constant(x), tf.constant(y)

    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    result = {}
    for mode in job["modes"]:
        batch = spec.batch_of(mode)
        x, y = data(batch)
        step = (partial(model.train_on_batch, x, y) if mode == TRAIN
                else partial(model.predict_on_batch, x))
        result[mode] = {"batch": batch, "seconds": time_blocks(step, **timing)}
    notes = {"keras": keras.__version__, "jit_compile": str(model.jit_compile)}
    return result | {"notes": notes}


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one bench job."""
    return run_paths(job), {}
