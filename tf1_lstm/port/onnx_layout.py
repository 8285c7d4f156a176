"""TF1 cell weights -> the inputs of ONNX's LSTM, GRU and RNN operators (pure NumPy).

ONNX's recurrent operators have TF1's equations, peepholes and GRU reset placement included,
so a TF1 stack is one operator per layer (time major inside the graph: ONNX Runtime runs
only ``layout=0``). What each wants (one direction, so the leading axis is 1)::

    LSTM  W [1, 4H, I], R [1, 4H, H], B [1, 8H] (W's bias, R's bias), P [1, 3H]
          gate blocks i, o, f, c  (TF1: i, j, f, o with j = c);  peepholes i, o, f
          o uses the NEW memory c_t, as TF1's LSTMCell does
    GRU   W [1, 3H, I], R [1, 3H, H], B [1, 6H];  blocks z, r, h  (TF1's u, r, candidate)
          linear_before_reset=0: h_t = tanh(x W_h + (r * h) R_h + b), TF1's reset placement
    RNN   W [1, H, I], R [1, H, H], B [1, 2H];  tanh

W and R are transposed against TF1's kernel halves (ONNX computes x W^T). TF1's one bias goes
into W's half of B (``forget_bias`` folded into f), R's half is zeros. TF1's GRU has two
biases, ``gates/bias`` (r, u) and ``candidate/bias``, which fill W's half the same way.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.port.layouts import TF1_FORGET_BLOCK, reorder_blocks, reset_after_gru, split_kernel
from tf1_lstm.port.tf1_rnn import Tf1Layer, Tf1Rnn

OPSET = 21  # the operator set the model declares
IR_VERSION = 10  # the file format opset 21 came with: ONNX Runtime 1.31 reads up to IR 13,
# while onnx 1.23 writes 14 unless told
LSTM_TF1_TO_ONNX = (0, 3, 2, 1)  # TF1 blocks (i, j, f, o) -> ONNX (i, o, f, c)
ONNX_OPERATOR = {"lstm": "LSTM", "peephole": "LSTM", "gru": "GRU", "rnn": "RNN",
                 "cudnn_gru": "GRU"}  # the last with linear_before_reset=1


def needs_scan(layer: dict) -> bool:
    """A layer (``Tf1Layer.spec()``) ONNX's recurrent operators cannot hold: a projection,
    a clipped memory, layer norm. ``onnx_scan`` writes its step out."""
    return bool(layer.get("projection") or layer.get("cell_clip")
                or layer["kind"] == "layer_norm_lstm")


def scan_weights(layer: Tf1Layer) -> dict[str, np.ndarray]:
    """A Scan layer's arrays in TF1's layout: kernel [I + H, 4H] (i, j, f, o), bias with
    forget_bias folded (layer norm: none, forget_bias [] on its own, the gammas and betas),
    w_*_diag, projection_kernel [H, P], clip_min and clip_max."""
    a = layer.arrays
    if layer.kind == "layer_norm_lstm":
        return {"kernel": a["kernel"], "forget_bias": np.float32(layer.forget_bias),
                **{name.replace("/", "_"): value for name, value in a.items()
                   if name != "kernel"}}
    weights = {"kernel": a["kernel"], "bias": _with_forget_bias(layer)}
    weights |= {name: a[name] for name in ("w_i_diag", "w_f_diag", "w_o_diag") if name in a}
    if layer.projection:
        weights["projection_kernel"] = a["projection/kernel"]
    if layer.cell_clip:
        weights |= {"clip_min": np.float32(-layer.cell_clip),
                    "clip_max": np.float32(layer.cell_clip)}
    return weights


def onnx_weights(rnn: Tf1Rnn) -> dict[str, np.ndarray]:
    """Every initializer of the ONNX model: "layer_K/W", "layer_K/R", ... (the backward
    direction's "layer_K_bw/W", ...), "embedding", "head/kernel", "head/bias"."""
    weights = {}
    if rnn.embedding:
        weights["embedding"] = rnn.embedding.table  # [V, E]: Gather(embedding, ids)
    for direction, layers in (("", rnn.layers), ("_bw", rnn.backward or ())):
        for k, layer in enumerate(layers):
            if needs_scan(layer.spec()):
                weights |= {f"layer_{k}{direction}/{name}": value
                            for name, value in scan_weights(layer).items()}
                continue
            for name, value in _layer_inputs(layer).items():
                weights[f"layer_{k}{direction}/{name}"] = value[None]  # one direction: [1, ...]
    if rnn.dense:
        weights["head/kernel"] = rnn.dense.kernel  # [H, n]: MatMul(h, kernel), as TF1
        weights["head/bias"] = rnn.dense.bias
    return {name: np.ascontiguousarray(value, dtype=np.float32)
            for name, value in weights.items()}


def _with_forget_bias(layer: Tf1Layer) -> np.ndarray:
    bias = layer.arrays["bias"].astype(np.float32).copy()  # TF1 order i, j, f, o
    h = layer.units
    bias[TF1_FORGET_BLOCK * h:(TF1_FORGET_BLOCK + 1) * h] += np.float32(layer.forget_bias)
    return bias


def _layer_inputs(layer: Tf1Layer) -> dict[str, np.ndarray]:
    """W, R, B (and P) of one layer, without the leading direction axis."""
    a, h = layer.arrays, layer.units
    if layer.kind in ("lstm", "peephole"):
        kernel = reorder_blocks(a["kernel"], LSTM_TF1_TO_ONNX)  # [I + H, 4H]: i, o, f, c
        kernel_x, kernel_h = split_kernel(kernel, layer.input_size)
        bias = reorder_blocks(_with_forget_bias(layer), LSTM_TF1_TO_ONNX)
        inputs = {"W": kernel_x.T, "R": kernel_h.T, "B": np.concatenate([bias, 0 * bias])}
        if layer.kind == "peephole":
            inputs["P"] = np.concatenate([a["w_i_diag"], a["w_o_diag"], a["w_f_diag"]])
        return inputs
    if layer.kind == "gru":
        gates_x, gates_h = split_kernel(a["gates/kernel"], layer.input_size)  # r, u
        cand_x, cand_h = split_kernel(a["candidate/kernel"], layer.input_size)
        order = (1, 0)  # TF1 (r, u) -> ONNX (z = u, r)
        bias = np.concatenate([reorder_blocks(a["gates/bias"], order), a["candidate/bias"]])
        return {"W": np.concatenate([reorder_blocks(gates_x, order), cand_x], axis=1).T,
                "R": np.concatenate([reorder_blocks(gates_h, order), cand_h], axis=1).T,
                "B": np.concatenate([bias, np.zeros(3 * h, np.float32)])}
    if layer.kind == "cudnn_gru":  # z, r, h with the reset after R_h's matmul
        x, h_kernel, b_x, b_h = reset_after_gru(layer, ("u", "r"))
        return {"W": x.T, "R": h_kernel.T, "B": np.concatenate([b_x, b_h])}
    kernel_x, kernel_h = split_kernel(a["kernel"], layer.input_size)  # BasicRNNCell
    return {"W": kernel_x.T, "R": kernel_h.T,
            "B": np.concatenate([a["bias"], np.zeros(h, np.float32)])}
