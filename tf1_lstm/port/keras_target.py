"""The Keras 3 side of the port (TF2 world): build the model, write it, load it back, run it.

The model is the TF1 graph in idiomatic Keras 3, one layer per TF1 cell::

    x      = keras.Input((None, I))                       # [B, T, I], batch first, any T
    seq, h, c = keras.layers.LSTM(H, return_sequences=True, return_state=True)(x)
    ...                                                   # one such layer per MultiRNNCell cell
    logits = keras.layers.Dense(n_classes)(h)             # h of the top layer = states[-1][1]

(``GRU(H, reset_after=False)``, ``SimpleRNN(H)`` or ``RNN(PeepholeLSTMCell(H))`` in place of
``LSTM`` for the other cells.) Without a dense head the model's output is ``seq``.
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from tf1_lstm.port.keras_peephole import PeepholeLSTMCell
from tf1_lstm.port.layouts import keras_layer_name
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap


def build_keras_model(architecture: dict) -> keras.Model:
    """The Keras model for ``Tf1Rnn.architecture()`` (untrained weights)."""
    layers = architecture["layers"]
    x = keras.Input(shape=(None, layers[0]["input_size"]), name="x")  # [B, T, I]
    seq, state = x, []
    for k, spec in enumerate(layers):
        seq, *state = _rnn_layer(k, spec["kind"], spec["units"])(seq)  # [B, T, H], [h(, c)]
    if architecture["classes"]:
        top_h = state[0]  # Keras returns [h, c]: h first (TF1's LSTMStateTuple is (c, h))
        head = keras.layers.Dense(architecture["classes"], name="dense")(top_h)
    else:
        head = seq
    return keras.Model(x, head, name="tf1_port")


def _rnn_layer(k: int, kind: str, units: int) -> keras.layers.Layer:
    common = {"return_sequences": True, "return_state": True, "name": keras_layer_name(k, kind)}
    match kind:
        case "lstm":
            return keras.layers.LSTM(units, **common)
        case "peephole":
            return keras.layers.RNN(PeepholeLSTMCell(units), **common)
        case "gru":  # reset_after=False: the reset gate before the matmul, as TF1's GRUCell
            return keras.layers.GRU(units, reset_after=False, **common)
        case "rnn":
            return keras.layers.SimpleRNN(units, **common)
    raise ValueError(f"unknown layer kind {kind!r}")


def set_weights(model: keras.Model, weights: dict[str, np.ndarray]) -> None:
    """Assign ``weights`` ("LAYER/WEIGHT" -> array) to the model; every key used exactly once."""
    unused = dict(weights)
    for layer in model.layers:
        for variable in layer.weights:
            key = f"{layer.name}/{variable.name}"  # lstm_0/recurrent_kernel
            value = unused.pop(key)
            if tuple(variable.shape) != value.shape:
                raise ValueError(f"{key}: model wants {tuple(variable.shape)}, got {value.shape}")
            variable.assign(value)
    if unused:
        raise ValueError(f"weights the model has no place for: {', '.join(unused)}")


def write_and_run(architecture: dict, weights: dict[str, np.ndarray], x: np.ndarray,
                  path: Path) -> dict[str, np.ndarray]:
    """Build, fill, write ``path`` (.keras or .weights.h5), read it back, run it on ``x``."""
    model = build_keras_model(architecture)
    set_weights(model, weights)
    if path.name.endswith(".weights.h5"):
        model.save_weights(path)
        loaded = build_keras_model(architecture)
        loaded.load_weights(path)
    else:
        model.save(path)
        loaded = keras.models.load_model(path)
    return run(loaded, architecture, x)


def run(model: keras.Model, architecture: dict, x: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs and final states layer by layer, named as the TF1 source names them."""
    result = {}
    seq = keras.ops.convert_to_tensor(x)
    for k, spec in enumerate(architecture["layers"]):
        seq, *state = model.get_layer(keras_layer_name(k, spec["kind"]))(seq)
        result[f"state_{k}_h"] = state[0]
        if len(state) == 2:  # LSTM: [h, c]
            result[f"state_{k}_c"] = state[1]
    result["outputs"] = seq
    result["logits" if architecture["classes"] else "outputs"] = model(x)  # what users call
    return {name: keras.ops.convert_to_numpy(value) for name, value in result.items()}


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
