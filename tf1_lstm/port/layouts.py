"""TF1 cell weights -> Keras 3 and PyTorch layouts (pure NumPy).

Three things differ between TF1 and the targets, and each one alone gives a model that runs,
trains, and computes something else.

**1. One kernel or two.** TF1 multiplies the concatenation [x_t, h_{t-1}] by one kernel
[I + H, nH]: its first I rows read the input, its last H rows the previous output. Keras keeps
``kernel`` [I, nH] and ``recurrent_kernel`` [H, nH]; PyTorch ``weight_ih`` [nH, I] and
``weight_hh`` [nH, H], transposed (it computes W @ x, not x @ W).

**2. Gate order** (blocks of H columns in TF1/Keras, of H rows in PyTorch)::

    TF1 BasicLSTMCell/LSTMCell   i, j, f, o   (j is the candidate, tanh)
    Keras 3 LSTM                 i, f, c, o   (c is TF1's j)
    PyTorch nn.LSTM              i, f, g, o   (g is TF1's j)

so both take TF1's blocks in the order (0, 2, 1, 3)::

    TF1 GRUCell                  gates/kernel r, u  +  candidate/kernel (its own [I + H, H])
    Keras 3 GRU                  z, r, h      (z is TF1's u; h is TF1's candidate)

**3. forget_bias.** TF1 computes f = sigmoid(z_f + forget_bias) with forget_bias a Python
float given to the cell's constructor: it is not a variable, so it is not in the checkpoint.
Keras and PyTorch have no such constant, so it is folded into the f block of the bias::

    sigmoid(x W_f + h U_f + b_f + forget_bias) == sigmoid(x W_f + h U_f + (b_f + forget_bias))

PyTorch adds two biases (bias_ih + bias_hh) everywhere; the TF1 bias goes into bias_ih and
bias_hh is zeros. Where PyTorch has no layer with TF1's equations (the GRU, the peephole
LSTM), ``torch_standalone`` writes them out and keeps TF1's arrays as they are.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.cells.kinds import cell_kind, is_lstm
from tf1_lstm.port.tf1_rnn import Tf1Layer, Tf1Rnn

LSTM_TF1_TO_TARGET = (0, 2, 1, 3)  # TF1 blocks (i, j, f, o) -> (i, f, j, o): Keras, PyTorch
FORGET_BLOCK = 1  # f's block in the target order (i, f, c/g, o)
TF1_FORGET_BLOCK = 2  # f's block in TF1's order (i, j, f, o)


def uses_forget_bias(rnn: Tf1Rnn) -> bool:
    return any(is_lstm(layer.kind) for layer in rnn.all_layers)  # the LSTMs take a forget_bias


def split_kernel(kernel: np.ndarray, input_size: int) -> tuple[np.ndarray, np.ndarray]:
    """TF1's [I + H, nH] kernel -> (input part [I, nH], recurrent part [H, nH])."""
    return kernel[:input_size], kernel[input_size:]


def reorder_blocks(array: np.ndarray, order: tuple[int, ...]) -> np.ndarray:
    """Permute the len(order) equal blocks of the last axis: block k of the result is
    block order[k] of ``array``."""
    blocks = np.split(array, len(order), axis=-1)
    return np.concatenate([blocks[k] for k in order], axis=-1)


def lstm_gates_for_target(layer: Tf1Layer) -> dict[str, np.ndarray]:
    """An LSTM layer in target gate order (i, f, c, o), x @ W convention, its forget_bias
    folded.

    Returns kernel [I, 4H], recurrent_kernel [H, 4H], bias [4H].
    """
    kernel = reorder_blocks(layer.arrays["kernel"], LSTM_TF1_TO_TARGET)  # [I + H, 4H]
    kernel_x, kernel_h = split_kernel(kernel, layer.input_size)  # [I, 4H], [H, 4H]
    bias = reorder_blocks(layer.arrays["bias"], LSTM_TF1_TO_TARGET).copy()  # [4H]
    h = layer.units
    bias[FORGET_BLOCK * h:(FORGET_BLOCK + 1) * h] += np.float32(layer.forget_bias)
    return {"kernel": kernel_x, "recurrent_kernel": kernel_h, "bias": bias}


# ---- Keras 3 ------------------------------------------------------------------------------

def keras_layer_name(k: int, kind: str) -> str:
    """Layer k's name in the Keras model: lstm_0, peephole_lstm_1, gru_0, simple_rnn_0."""
    return f"{cell_kind(kind).keras_layer}_{k}"


def keras_cell_prefix(k: int, kind: str, direction: str, merge: str | None,
                      paired: bool = True) -> str:
    """Where layer k's weights live in the Keras model, as ``keras_target.set_weights``
    names them: ``lstm_0``; bidirectional per layer ``bidirectional_0/forward`` (and
    ``/backward``), merged at the top ``bidirectional/forward/cell_0``; with different cells
    each way (not ``paired``), ``forward_0`` / ``backward_0`` and ``forward/cell_0``."""
    if merge is None:
        return keras_layer_name(k, kind)
    if not paired:
        return f"{direction}_{k}" if merge == "per_layer" else f"{direction}/cell_{k}"
    if merge == "per_layer":
        return f"bidirectional_{k}/{direction}"
    return f"bidirectional/{direction}/cell_{k}"


def same_both_ways(architecture: dict) -> bool:
    """Whether a bidirectional RNN's two directions have the same cells layer by layer, so
    that Keras' ``Bidirectional`` (one layer, copied for the backward way) holds it."""
    def cell(spec: dict) -> dict:
        return {key: value for key, value in spec.items() if key != "input_size"}
    return all(cell(fw) == cell(bw) for fw, bw in zip(
        architecture["layers"], architecture.get("backward") or [], strict=False))


def keras_custom_cells(rnn: Tf1Rnn) -> set[str]:
    """The cells of tf1-lstm the Keras model uses, which a .keras file needs beside it:
    "lstm_cell" (TF1LSTMCell: peepholes, a projection, a clip), "layer_norm"."""
    cells = set()
    for layer in rnn.all_layers:
        if layer.kind == "peephole" or (layer.kind == "lstm" and (layer.projection or
                                                                   layer.cell_clip)):
            cells.add("lstm_cell")
        if layer.kind == "layer_norm_lstm":
            cells.add("layer_norm")
    return cells


def keras_weights(rnn: Tf1Rnn) -> dict[str, np.ndarray]:
    """Every weight of the Keras model, keyed "PREFIX/WEIGHT" (e.g. "lstm_0/recurrent_kernel",
    "bidirectional_0/backward/kernel", "embedding/embeddings", "dense/kernel")."""
    weights = {}
    if rnn.embedding:
        weights["embedding/embeddings"] = rnn.embedding.table  # [V, E], x = table[ids]
    paired = same_both_ways(rnn.architecture())
    for direction, layers in (("forward", rnn.layers), ("backward", rnn.backward or ())):
        for k, layer in enumerate(layers):
            prefix = keras_cell_prefix(k, layer.kind, direction, rnn.merge, paired)
            for weight, value in _keras_layer_weights(layer).items():
                weights[f"{prefix}/{weight}"] = value
    if rnn.dense:
        weights["dense/kernel"] = rnn.dense.kernel  # [H, n]: Keras' Dense is x @ W too
        weights["dense/bias"] = rnn.dense.bias
    return {key: np.ascontiguousarray(value, dtype=np.float32) for key, value in weights.items()}


def _keras_layer_weights(layer: Tf1Layer) -> dict[str, np.ndarray]:
    a = layer.arrays
    projection = {"projection_kernel": a["projection/kernel"]} if layer.projection else {}
    match layer.kind:
        case "lstm":  # keras.layers.LSTM (keras_lstm_cell.TF1LSTMCell with num_proj=P)
            return {**lstm_gates_for_target(layer), **projection}
        case "peephole":  # keras_lstm_cell.TF1LSTMCell(use_peepholes=True): + w_*_diag
            return {**lstm_gates_for_target(layer),
                    "input_peephole": a["w_i_diag"], "forget_peephole": a["w_f_diag"],
                    "output_peephole": a["w_o_diag"], **projection}
        case "gru":  # keras.layers.GRU(reset_after=False): one bias, reset before the matmul
            gates_x, gates_h = split_kernel(a["gates/kernel"], layer.input_size)  # r, u
            cand_x, cand_h = split_kernel(a["candidate/kernel"], layer.input_size)
            r, u = (0, 1)
            return {  # Keras order z, r, h with z = TF1's u
                "kernel": np.concatenate([_block(gates_x, u, 2), _block(gates_x, r, 2),
                                          cand_x], axis=1),  # [I, 3H]
                "recurrent_kernel": np.concatenate([_block(gates_h, u, 2),
                                                    _block(gates_h, r, 2), cand_h], axis=1),
                "bias": np.concatenate([_block(a["gates/bias"], u, 2),
                                        _block(a["gates/bias"], r, 2), a["candidate/bias"]]),
            }
        case "rnn":  # keras.layers.SimpleRNN
            kernel_x, kernel_h = split_kernel(a["kernel"], layer.input_size)
            return {"kernel": kernel_x, "recurrent_kernel": kernel_h, "bias": a["bias"]}
        case "layer_norm_lstm":  # keras_layer_norm.LayerNormLSTMCell: TF1's arrays as saved
            return layer_norm_arrays(layer)
        case "cudnn_gru":  # keras.layers.GRU(reset_after=True): z, r, h; two bias rows
            x, h, b_x, b_h = reset_after_gru(layer, ("u", "r"))
            return {"kernel": x, "recurrent_kernel": h, "bias": np.stack([b_x, b_h])}
    raise ValueError(f"unknown layer kind {layer.kind!r}")


def reset_after_gru(layer: Tf1Layer, order: tuple[str, str]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A CudnnCompatibleGRUCell as a reset-after GRU's input kernel [I, 3H], recurrent kernel
    [H, 3H], input bias [3H] and recurrent bias [3H], gates in ``order`` then the candidate.

    TF1: r, u = sigmoid([x, h] @ gates/kernel + gates/bias), candidate = tanh(x @
    input_projection/kernel + input_projection/bias + r * (h @ hidden_projection/kernel +
    hidden_projection/bias)); the gates' one bias goes to the input side, zeros recurrent.
    """
    a = layer.arrays
    gates_x, gates_h = split_kernel(a["gates/kernel"], layer.input_size)  # r, u
    blocks = {"r": 0, "u": 1}
    pick = [blocks[gate] for gate in order]
    bias = a["gates/bias"]
    zeros = np.zeros(layer.units, np.float32)
    return (np.concatenate([*(_block(gates_x, k, 2) for k in pick),
                            a["candidate/input_projection/kernel"]], axis=1),
            np.concatenate([*(_block(gates_h, k, 2) for k in pick),
                            a["candidate/hidden_projection/kernel"]], axis=1),
            np.concatenate([*(_block(bias, k, 2) for k in pick),
                            a["candidate/input_projection/bias"]]),
            np.concatenate([zeros, zeros, a["candidate/hidden_projection/bias"]]))


def layer_norm_arrays(layer: Tf1Layer) -> dict[str, np.ndarray]:
    """A LayerNormBasicLSTMCell's arrays as its Keras and PyTorch cells name them: ``kernel``
    [I + H, 4H] (i, j, f, o), ``input/gamma`` -> ``input_gamma`` [H], ..."""
    return {name.replace("/", "_"): value for name, value in layer.arrays.items()}


def _block(array: np.ndarray, k: int, n: int) -> np.ndarray:
    """Block k of n equal blocks along the last axis."""
    return np.split(array, n, axis=-1)[k]


# ---- PyTorch ------------------------------------------------------------------------------

def torch_state_dict(rnn: Tf1Rnn) -> dict[str, np.ndarray]:
    """The state_dict of ``torch_standalone.TF1Rnn``: ``embedding``, one module per layer
    (``layers.K``, bidirectional ``backward.K`` too), ``head`` last.

    ``lstm``/``rnn`` layers are ``nn.LSTM``/``nn.RNN`` of one layer (weights transposed: it
    computes W @ x); ``gru`` and ``peephole`` keep TF1's own arrays and layout.
    """
    state = {}
    if rnn.embedding:
        state["embedding.weight"] = rnn.embedding.table  # nn.Embedding: [V, E], as TF1's
    for direction, layers in (("layers", rnn.layers), ("backward", rnn.backward or ())):
        for k, layer in enumerate(layers):
            for name, value in _torch_layer_weights(layer).items():
                state[f"{direction}.{k}.{name}"] = value
    if rnn.dense:
        state["head.weight"] = rnn.dense.kernel.T  # nn.Linear computes x @ weight.T: [n, H]
        state["head.bias"] = rnn.dense.bias
    return {key: np.ascontiguousarray(value, dtype=np.float32) for key, value in state.items()}


def _torch_layer_weights(layer: Tf1Layer) -> dict[str, np.ndarray]:
    a = layer.arrays
    if layer.kind == "lstm" and layer.cell_clip:  # TF1LSTMCell without peepholes
        return _tf1_lstm_cell_weights(layer)
    match layer.kind:
        case "lstm":  # nn.LSTM: i, f, g, o
            gates = lstm_gates_for_target(layer)
            weight_ih, weight_hh, bias = gates["kernel"].T, gates["recurrent_kernel"].T, \
                gates["bias"]  # [4H, I], [4H, H or P], [4H]
            if layer.projection:  # nn.LSTM(proj_size=P): h = weight_hr @ (o * tanh(c))
                return {**_torch_lstm(weight_ih, weight_hh, bias),
                        "layer.weight_hr_l0": a["projection/kernel"].T}  # [P, H]
        case "rnn":  # nn.RNN(nonlinearity="tanh")
            kernel_x, kernel_h = split_kernel(a["kernel"], layer.input_size)
            weight_ih, weight_hh, bias = kernel_x.T, kernel_h.T, a["bias"]
        case "layer_norm_lstm":  # TF1LayerNormLSTM: TF1's arrays as saved
            return layer_norm_arrays(layer)
        case "cudnn_gru":  # nn.GRU: r, z, n, the reset after the matmul as cuDNN's
            x, h, b_x, b_h = reset_after_gru(layer, ("r", "u"))
            return {"layer.weight_ih_l0": x.T, "layer.weight_hh_l0": h.T,
                    "layer.bias_ih_l0": b_x, "layer.bias_hh_l0": b_h}
        case "gru":  # TF1GRU: TF1's arrays as saved
            return {"gates_kernel": a["gates/kernel"], "gates_bias": a["gates/bias"],
                    "candidate_kernel": a["candidate/kernel"],
                    "candidate_bias": a["candidate/bias"]}
        case "peephole":  # TF1LSTMCell with its peepholes
            return {**_tf1_lstm_cell_weights(layer), "w_i_diag": a["w_i_diag"],
                    "w_f_diag": a["w_f_diag"], "w_o_diag": a["w_o_diag"]}
        case _:
            raise ValueError(f"unknown layer kind {layer.kind!r}")
    return _torch_lstm(weight_ih, weight_hh, bias)


def _tf1_lstm_cell_weights(layer: Tf1Layer) -> dict[str, np.ndarray]:
    """TF1LSTMCell's kernel and bias: TF1's i, j, f, o, forget_bias folded into f; and the
    projection [H, P] if there is one."""
    a, h = layer.arrays, layer.units
    bias = a["bias"].copy()
    bias[TF1_FORGET_BLOCK * h:(TF1_FORGET_BLOCK + 1) * h] += np.float32(layer.forget_bias)
    projection = {"projection_kernel": a["projection/kernel"]} if layer.projection else {}
    return {"kernel": a["kernel"], "bias": bias, **projection}


def _torch_lstm(weight_ih: np.ndarray, weight_hh: np.ndarray,
                bias: np.ndarray) -> dict[str, np.ndarray]:
    """One nn.LSTM / nn.RNN layer; PyTorch adds two biases: the TF1 bias and zeros."""
    return {"layer.weight_ih_l0": weight_ih, "layer.weight_hh_l0": weight_hh,
            "layer.bias_ih_l0": bias, "layer.bias_hh_l0": np.zeros_like(bias)}
