"""The Keras 3 job (TF2 world): the same two models as ``keras.layers.LSTM`` layers.

    002   Input(28, 28) -> LSTM(128) -> Dense(10); categorical cross-entropy on one-hot y
    001   Input(28, 28) -> LSTM(150, return_sequences) x 2 -> LSTM(150) -> Dense(10);
          sparse categorical cross-entropy on class ids

Adam(0.001), ``model.compile`` defaults (what a Keras user gets), ``unit_forget_bias`` as
BasicLSTMCell's forget_bias=1. A training step is ``train_on_batch``, inference
``predict_on_batch`` with 1024 rows. Runs in a process without ``TF_USE_LEGACY_KERAS``
(Keras 3 and TF1 graph mode cannot share a process); never imports tf1_lstm.compat.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.bench.jobs import INFER, INFERENCE_BATCH, MODELS, TRAIN, thread_settings
from tf1_lstm.bench.timing import time_blocks

WORLD = "tf2"  # a tf1_lstm.worlds task: never loads the TF1 bootstrap


def run_paths(job: dict) -> dict:
    import tensorflow as tf

    intra, inter = thread_settings(job["threads"], job["cores"])
    tf.config.threading.set_intra_op_parallelism_threads(intra)  # before any op runs
    tf.config.threading.set_inter_op_parallelism_threads(inter)
    import keras

    spec, effort = MODELS[job["model"]], job["effort"]
    keras.utils.set_random_seed(42)
    layers = [keras.Input((spec.steps, spec.inputs))]
    layers += [keras.layers.LSTM(spec.units, return_sequences=k < spec.layers - 1)
               for k in range(spec.layers)]
    model = keras.Sequential([*layers, keras.layers.Dense(spec.classes)])
    one_hot = spec.name == "002"
    loss = (keras.losses.CategoricalCrossentropy(from_logits=True) if one_hot
            else keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.compile(optimizer=keras.optimizers.Adam(0.001), loss=loss)

    def data(batch: int):
        rng = np.random.default_rng(0)
        x = rng.random((batch, spec.steps, spec.inputs), dtype=np.float32)
        labels = rng.integers(0, spec.classes, batch)
        y = np.eye(spec.classes, dtype=np.float32)[labels] if one_hot else labels
        return tf.constant(x), tf.constant(y)

    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    x, y = data(spec.batch)
    train = time_blocks(lambda: model.train_on_batch(x, y), **timing)
    x_infer, _ = data(INFERENCE_BATCH)
    infer = time_blocks(lambda: model.predict_on_batch(x_infer), **timing)
    return {TRAIN: {"batch": spec.batch, "seconds": train},
            INFER: {"batch": INFERENCE_BATCH, "seconds": infer},
            "notes": {"keras": keras.__version__, "jit_compile": str(model.jit_compile)}}


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one bench job."""
    return run_paths(job), {}
