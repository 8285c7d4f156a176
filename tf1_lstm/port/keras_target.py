"""The Keras 3 side of the port (TF2 world): build the model, write it, load it back, run it.

The model is the TF1 graph in idiomatic Keras 3, one layer per TF1 cell::

    x      = keras.Input((None, I))                       # [B, T, I], batch first, any T
    seq, h, c = keras.layers.LSTM(H, return_sequences=True, return_state=True)(x)
    ...                                                   # one such layer per MultiRNNCell cell
    logits = keras.layers.Dense(n_classes)(h)             # h of the top layer = states[-1][1]

(``GRU(H, reset_after=False)``, ``SimpleRNN(H)``, ``RNN(TF1LSTMCell(H, use_peepholes, num_proj,
cell_clip))`` or ``RNN(LayerNormLSTMCell(H, forget_bias))`` in place of ``LSTM`` for the other
cells.) Without
a dense head the model's output is ``seq``. Around it::

    ids -> keras.layers.Embedding(V, E)                   # an embedding: x is ids [B, T]
    Bidirectional(LSTM(H, ...)) per layer                 # stack_bidirectional_dynamic_rnn
    Bidirectional(RNN(StackedRNNCells([...])))            # bidirectional_dynamic_rnn of two
                                                          # MultiRNNCells
    Dense(n)(seq) -> [B, T, n]                            # a head on every step
    Dense(n)(seq[:, -1]), Dense(n)(Concatenate([fw h, bw h]))   # bidirectional heads
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from tf1_lstm.port.keras_layer_norm import LayerNormLSTMCell
from tf1_lstm.port.keras_lstm_cell import TF1LSTMCell
from tf1_lstm.port.layouts import keras_layer_name
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap


def build_keras_model(architecture: dict) -> keras.Model:
    """The Keras model for ``Tf1Rnn.architecture()`` (untrained weights)."""
    layers = architecture["layers"]
    if architecture.get("embedding"):
        x = keras.Input(shape=(None,), dtype="int32", name="x")  # ids [B, T]
        seq = keras.layers.Embedding(*architecture["embedding"], name="embedding")(x)
    else:
        x = keras.Input(shape=(None, layers[0]["input_size"]), name="x")  # [B, T, I]
        seq = x
    merge = architecture.get("merge")
    top_h, final_states = None, None
    if merge is None:
        for k, spec in enumerate(layers):
            seq, *state = _rnn_layer(k, spec)(seq)  # [B, T, H], [h(, c)]
        top_h = state[0]  # Keras returns [h, c]: h first (TF1's LSTMStateTuple is (c, h))
    else:
        seq, fw_states, bw_states = _bidirectional_layers(architecture, seq)
        final_states = keras.layers.Concatenate(name="final_states")(
            [_h(fw_states[-1]), _h(bw_states[-1])])  # [B, H_fw + H_bw]
    classes = architecture["classes"]
    if not classes:
        return keras.Model(x, seq, name="tf1_port")
    head_input = {"last": top_h if top_h is not None else seq[:, -1],  # [B, H]
                  "every_step": seq,  # [B, T, H]: Dense applies to the last axis
                  "final_states": final_states}[architecture.get("head_reads", "last")]
    head = keras.layers.Dense(classes, name="dense")(head_input)
    return keras.Model(x, head, name="tf1_port")


def _bidirectional_layers(architecture: dict, seq):
    """Keras' ``Bidirectional`` over each layer (per_layer), or over one RNN of stacked cells
    (at_top): outputs [B, T, fw + bw] and each direction's states by layer."""
    layers = architecture["layers"]
    if architecture["merge"] == "per_layer":
        fw_states, bw_states = [], []
        for k, spec in enumerate(layers):
            seq, *states = keras.layers.Bidirectional(
                _rnn_layer(k, spec), name=f"bidirectional_{k}")(seq)
            half = len(states) // 2  # [fw h(, c), bw h(, c)]
            fw_states.append(states[:half])
            bw_states.append(states[half:])
        return seq, fw_states, bw_states
    cells = [_rnn_cell(spec) for spec in layers]
    seq, *states = keras.layers.Bidirectional(
        keras.layers.RNN(keras.layers.StackedRNNCells(cells), return_sequences=True,
                         return_state=True, name="stack"), name="bidirectional")(seq)
    return seq, states[:len(layers)], states[len(layers):]  # one [h(, c)] per cell and way


def _h(state):
    """h of one layer's Keras state: [h, c], [h] or h."""
    return state[0] if isinstance(state, list | tuple) else state


def _rnn_layer(k: int, spec: dict) -> keras.layers.Layer:
    kind, units = spec["kind"], spec["units"]
    common = {"return_sequences": True, "return_state": True, "name": keras_layer_name(k, kind)}
    match kind:
        case "lstm" if not (spec.get("projection") or spec.get("cell_clip")):
            return keras.layers.LSTM(units, **common)
        case "lstm" | "peephole":  # TF1's LSTMCell options Keras' LSTM lacks
            return keras.layers.RNN(_rnn_cell(spec), **common)
        case "gru":  # reset_after=False: the reset gate before the matmul, as TF1's GRUCell
            return keras.layers.GRU(units, reset_after=False, **common)
        case "rnn":
            return keras.layers.SimpleRNN(units, **common)
        case "layer_norm_lstm":
            return keras.layers.RNN(_rnn_cell(spec), **common)
        case "cudnn_gru":  # reset_after=True (Keras' default): the reset after the matmul
            return keras.layers.GRU(units, reset_after=True, **common)
    raise ValueError(f"unknown layer kind {kind!r}")


def _rnn_cell(spec: dict) -> keras.layers.Layer:
    kind, units = spec["kind"], spec["units"]
    match kind:
        case "lstm" if not (spec.get("projection") or spec.get("cell_clip")):
            return keras.layers.LSTMCell(units)
        case "lstm" | "peephole":
            return TF1LSTMCell(units, use_peepholes=kind == "peephole",
                               num_proj=spec.get("projection"), cell_clip=spec.get("cell_clip"))
        case "gru":
            return keras.layers.GRUCell(units, reset_after=False)
        case "rnn":
            return keras.layers.SimpleRNNCell(units)
        case "layer_norm_lstm":
            return LayerNormLSTMCell(units, forget_bias=spec["forget_bias"])
        case "cudnn_gru":
            return keras.layers.GRUCell(units, reset_after=True)
    raise ValueError(f"unknown layer kind {kind!r}")


def _cells_with_prefixes(model: keras.Model):
    """(prefix, Keras layer or cell) for everything that holds weights, named as
    ``layouts.keras_cell_prefix`` names them."""
    for layer in model.layers:
        if isinstance(layer, keras.layers.Bidirectional):
            for direction, sub in (("forward", layer.forward_layer),
                                   ("backward", layer.backward_layer)):
                if isinstance(sub.cell, keras.layers.StackedRNNCells):
                    for k, cell in enumerate(sub.cell.cells):
                        yield f"{layer.name}/{direction}/cell_{k}", cell
                else:
                    yield f"{layer.name}/{direction}", sub
        else:
            yield layer.name, layer


def set_weights(model: keras.Model, weights: dict[str, np.ndarray]) -> None:
    """Assign ``weights`` ("PREFIX/WEIGHT" -> array) to the model; every key used exactly
    once."""
    unused = dict(weights)
    for prefix, holder in _cells_with_prefixes(model):
        for variable in holder.weights:
            key = f"{prefix}/{variable.name}"  # lstm_0/recurrent_kernel
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
    if architecture.get("embedding"):
        seq = model.get_layer("embedding")(seq)
    layers, merge = architecture["layers"], architecture.get("merge")
    if merge is None:
        for k, spec in enumerate(layers):
            seq, *state = model.get_layer(keras_layer_name(k, spec["kind"]))(seq)
            result |= _state_results(k, "", state)
    elif merge == "per_layer":
        for k in range(len(layers)):
            seq, *states = model.get_layer(f"bidirectional_{k}")(seq)
            half = len(states) // 2
            result |= _state_results(k, "", states[:half]) | _state_results(k, "bw_",
                                                                            states[half:])
    else:
        seq, *states = model.get_layer("bidirectional")(seq)
        for k in range(len(layers)):
            result |= _state_results(k, "", states[k]) | _state_results(
                k, "bw_", states[len(layers) + k])
    result["outputs"] = seq
    result["logits" if architecture["classes"] else "outputs"] = model(x)  # what users call
    return {name: keras.ops.convert_to_numpy(value) for name, value in result.items()}


def _state_results(k: int, direction: str, state) -> dict:
    """Keras' [h, c] (or [h], or h) of layer k, named state_k_h, state_k_c (bw: state_k_bw_h)."""
    parts = list(state) if isinstance(state, list | tuple) else [state]
    return dict(zip((f"state_{k}_{direction}h", f"state_{k}_{direction}c"), parts,
                    strict=False))


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
