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

from functools import partial
from pathlib import Path

import keras
import numpy as np

from tf1_lstm.port.keras_layer_norm import LayerNormLSTMCell
from tf1_lstm.port.keras_lstm_cell import TF1LSTMCell
from tf1_lstm.port.layouts import keras_layer_name, same_both_ways
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
    seq, fw_states, bw_states = _recurrent(architecture, seq, lambda name, make: make())
    classes = architecture["classes"]
    if not classes:
        return keras.Model(x, seq, name="tf1_port")
    reads = architecture.get("head_reads", "last")
    if reads == "final_states":
        head_input = keras.layers.Concatenate(name="final_states")(
            [_h(fw_states[-1]), _h(bw_states[-1])])  # [B, H_fw + H_bw]
    elif reads == "every_step":
        head_input = seq  # [B, T, H]: Dense applies to the last axis
    else:  # the last output; one way, the top layer's final h (Keras returns [h, c])
        head_input = seq[:, -1] if bw_states else _h(fw_states[-1])
    head = keras.layers.Dense(classes, name="dense")(head_input)
    return keras.Model(x, head, name="tf1_port")


def _recurrent(architecture: dict, seq, get):
    """The recurrent layers on ``seq``: outputs [B, T, H] and each direction's states by
    layer. ``get(name, make)`` gives the layer called ``name``: made, or the model's own.

    A bidirectional RNN whose two directions have the same cells is Keras' ``Bidirectional``
    (per layer, or over one RNN of stacked cells); otherwise each direction is its own layer,
    the backward one with ``go_backwards`` and its outputs flipped back in time.
    """
    layers, backward, merge = (architecture["layers"], architecture.get("backward"),
                               architecture.get("merge"))
    if merge is None:
        states = []
        for k, spec in enumerate(layers):
            name = keras_layer_name(k, spec["kind"])
            seq, *state = get(name, partial(_rnn_layer, spec, name))(seq)
            states.append(state)  # [B, T, H], [h(, c)]
        return seq, states, []
    paired = same_both_ways(architecture)
    if merge == "at_top":
        if paired:
            cells = keras.layers.StackedRNNCells([_rnn_cell(spec) for spec in layers])
            seq, *states = get("bidirectional", lambda: keras.layers.Bidirectional(
                keras.layers.RNN(cells, return_sequences=True, return_state=True,
                                 name="stack"), name="bidirectional"))(seq)
            return seq, states[:len(layers)], states[len(layers):]  # [h(, c)] per cell, way
        return _both_ways(get, "", [_stack(layers, "forward"), _stack(backward, "backward")],
                          seq)
    fw_states, bw_states = [], []
    for k, (fw, bw) in enumerate(zip(layers, backward, strict=True)):
        if paired:
            seq, *states = get(f"bidirectional_{k}", partial(_paired, k, fw))(seq)
            half = len(states) // 2  # [fw h(, c), bw h(, c)]
            fw_states.append(states[:half])
            bw_states.append(states[half:])
            continue
        seq, (fw_state,), (bw_state,) = _both_ways(
            get, f"_{k}", [partial(_rnn_layer, fw, f"forward_{k}"),
                           partial(_rnn_layer, bw, f"backward_{k}", go_backwards=True)], seq)
        fw_states.append(fw_state)
        bw_states.append(bw_state)
    return seq, fw_states, bw_states


def _paired(k: int, spec: dict) -> keras.layers.Bidirectional:
    """Keras' Bidirectional over layer k: the forward layer and its copy reading backwards."""
    return keras.layers.Bidirectional(_rnn_layer(spec, keras_layer_name(k, spec["kind"])),
                                      name=f"bidirectional_{k}")


def _both_ways(get, suffix: str, makers: list, seq):
    """Two recurrent layers on ``seq``, the second reading it backwards: their outputs
    [fw, bw flipped back], and each one's states (by cell, for stacked cells)."""
    forward, backward = (get(f"{way}{suffix}", make)
                         for way, make in zip(("forward", "backward"), makers, strict=True))
    fw_seq, *fw_states = forward(seq)
    bw_seq, *bw_states = backward(seq)
    both = get(f"concatenate{suffix}", lambda: keras.layers.Concatenate(
        name=f"concatenate{suffix}"))([fw_seq, keras.ops.flip(bw_seq, axis=1)])
    stacked = isinstance(forward.cell, keras.layers.StackedRNNCells)
    return both, (fw_states if stacked else [fw_states]), (bw_states if stacked else
                                                            [bw_states])


def _stack(layers: list[dict], name: str):
    """A maker of one RNN over stacked cells (one direction of a two-stack RNN)."""
    return lambda: keras.layers.RNN(
        keras.layers.StackedRNNCells([_rnn_cell(spec) for spec in layers]),
        return_sequences=True, return_state=True, go_backwards=name == "backward", name=name)


def _h(state):
    """h of one layer's Keras state: [h, c], [h] or h."""
    return state[0] if isinstance(state, list | tuple) else state


def _rnn_layer(spec: dict, name: str, go_backwards: bool = False) -> keras.layers.Layer:
    kind, units = spec["kind"], spec["units"]
    common = {"return_sequences": True, "return_state": True, "name": name,
              "go_backwards": go_backwards}
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
                yield from _cells_of(sub, f"{layer.name}/{direction}")
        else:
            yield from _cells_of(layer, layer.name)


def _cells_of(layer: keras.layers.Layer, prefix: str):
    if isinstance(getattr(layer, "cell", None), keras.layers.StackedRNNCells):
        for k, cell in enumerate(layer.cell.cells):
            yield f"{prefix}/cell_{k}", cell
    else:
        yield prefix, layer


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
    seq, fw_states, bw_states = _recurrent(architecture, seq, partial(_model_layer, model))
    for k, state in enumerate(fw_states):
        result |= _state_results(k, "", state)
    for k, state in enumerate(bw_states):
        result |= _state_results(k, "bw_", state)
    result["outputs"] = seq
    result["logits" if architecture["classes"] else "outputs"] = model(x)  # what users call
    return {name: keras.ops.convert_to_numpy(value) for name, value in result.items()}


def _model_layer(model: keras.Model, name: str, make):
    """The model's layer ``name``; a Concatenate the model left out (its head reads the final
    states, not the outputs) is made anew: it has no weights."""
    if name.startswith("concatenate") and name not in {layer.name for layer in model.layers}:
        return make()
    return model.get_layer(name)


def _state_results(k: int, direction: str, state) -> dict:
    """Keras' [h, c] (or [h], or h) of layer k, named state_k_h, state_k_c (bw: state_k_bw_h)."""
    parts = list(state) if isinstance(state, list | tuple) else [state]
    return dict(zip((f"state_{k}_{direction}h", f"state_{k}_{direction}c"), parts,
                    strict=False))


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
