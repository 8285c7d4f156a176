"""The cudnn_rnn tests' reference: cuDNN's equations in float64 NumPy, on cuDNN's buffer.

Written from cuDNN's documented equations and buffer layout, not from tf1_lstm's code: the
buffer is read by its own slicing (all matrices, then all biases; per pseudo-layer the gates'
input matrices, then their recurrent ones; gates i, f, c, o / r, z, h / one), every gate keeps
its two biases, and the GRU's reset gate multiplies (R_h h + bR_h).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from contrib_support import sigmoid

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import cudnn_rnn as cr

LAYERS = {"lstm": cr.CudnnLSTM, "gru": cr.CudnnGRU,
          "rnn_tanh": cr.CudnnRNNTanh, "rnn_relu": cr.CudnnRNNRelu}
COMPATIBLE_CELLS = {"lstm": cr.CudnnCompatibleLSTMCell, "gru": cr.CudnnCompatibleGRUCell,
                    "rnn_tanh": lambda h: rnn.BasicRNNCell(h, tf.tanh),
                    "rnn_relu": lambda h: rnn.BasicRNNCell(h, tf.nn.relu)}
CONVERTERS = {"lstm": cr.CudnnParamsFormatConverterLSTM, "gru": cr.CudnnParamsFormatConverterGRU,
              "rnn_tanh": cr.CudnnParamsFormatConverterTanh,
              "rnn_relu": cr.CudnnParamsFormatConverterRelu}
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}
DIRECTIONS = {1: cr.CUDNN_RNN_UNIDIRECTION, 2: cr.CUDNN_RNN_BIDIRECTION}


# --- the reference: cuDNN's equations on cuDNN's buffer, float64 ----------------------------

def unpack_opaque(opaque, mode, layers, dirs, input_size, units):
    """([per pseudo-layer: W_g.. then R_g..], [per pseudo-layer: bW_g.. then bR_g..])."""
    gates, position = GATES[mode], 0

    def take(*shape):
        nonlocal position
        size = int(np.prod(shape))
        position += size
        return opaque[position - size:position].reshape(shape)

    widths = [input_size if p < dirs else dirs * units for p in range(layers * dirs)]
    matrices = [[take(units, w) for _ in range(gates)] + [take(units, units) for _ in range(gates)]
                for w in widths]
    biases = [[take(units) for _ in range(2 * gates)] for _ in widths]
    assert position == opaque.size
    return matrices, biases


def numpy_step(mode, x, h, c, m, b):
    g = GATES[mode]
    pre = [x @ m[k].T + h @ m[g + k].T + b[k] + b[g + k] for k in range(g)]
    if mode == "lstm":
        i, f, c_tilde, o = sigmoid(pre[0]), sigmoid(pre[1]), np.tanh(pre[2]), sigmoid(pre[3])
        c = f * c + i * c_tilde
        return o * np.tanh(c), c
    if mode == "gru":   # cuDNN: r multiplies (R_h h + bR_h), after the recurrent matmul
        r, z = sigmoid(pre[0]), sigmoid(pre[1])
        h_tilde = np.tanh(x @ m[2].T + b[2] + r * (h @ m[5].T + b[5]))
        return (1 - z) * h_tilde + z * h, c
    return (np.tanh(pre[0]) if mode == "rnn_tanh" else np.maximum(pre[0], 0)), c


def numpy_cudnn(mode, opaque, x, h0, c0, layers, dirs):
    """outputs [T, B, D*H], h [L*D, B, H], c [L*D, B, H]."""
    matrices, biases = unpack_opaque(opaque, mode, layers, dirs, x.shape[2], h0.shape[-1])
    steps = [partial(numpy_step, mode, m=matrices[p], b=biases[p]) for p in range(layers * dirs)]
    return run_pseudo_layers(x, steps, list(zip(h0, c0, strict=True)), dirs)


def run_pseudo_layers(x, steps: list, initial: list, dirs: int):
    """A stack as cuDNN runs it, x [T, B, I]: pseudo-layer p = layer * dirs + d runs
    ``steps[p](x_t, h, c) -> (h, c)`` from ``initial[p] = (h, c)``, d = 1 backwards in time,
    and layer k + 1 reads layer k's [fw, bw] outputs. Returns outputs [T, B, D*H] and the
    final h and c [L*D, B, H]."""
    inputs, hs, cs = x, [], []
    for layer in range(len(steps) // dirs):
        outputs = []
        for d in range(dirs):
            p = layer * dirs + d
            (h, c), ys = initial[p], []
            for t in (range(len(x)) if d == 0 else reversed(range(len(x)))):
                h, c = steps[p](inputs[t], h, c)
                ys.append(h)
            outputs.append(np.stack(ys if d == 0 else ys[::-1]))
            hs.append(h)
            cs.append(c)
        inputs = np.concatenate(outputs, axis=2)
    return inputs, np.stack(hs), np.stack(cs)


def random_case(mode, layers, dirs, steps=5, batch=3, input_size=4, units=6, seed=0):
    rng = np.random.default_rng(seed)
    converter = CONVERTERS[mode](layers, units, input_size, direction=DIRECTIONS[dirs])
    opaque = rng.normal(scale=0.5, size=converter.opaque_size())
    x = rng.normal(size=(steps, batch, input_size))
    h0, c0 = rng.normal(size=(2, layers * dirs, batch, units))
    return converter, opaque, x, h0, c0


def run_layer(mode, opaque, x, h0, c0, layers, dirs, dtype=tf.float64, layer_kwargs=None,
              **call_kwargs):
    """(outputs, states) of a fresh layer whose buffer is ``opaque``."""
    reset_graph()
    layer = LAYERS[mode](layers, h0.shape[-1], direction=DIRECTIONS[dirs], dtype=dtype,
                         **(layer_kwargs or {}))
    state = (h0, c0) if mode == "lstm" else (h0,)
    outputs, states = layer(tf.constant(x, dtype), initial_state=tuple(
        tf.constant(s, dtype) for s in state), **call_kwargs)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(tf.assign(layer.kernel, opaque.astype(dtype.as_numpy_dtype),
                              validate_shape=False))
        return session.run((outputs, states))


def compatible_rnn(mode, layers, dirs, units, inputs, sequence_length=None):
    """TF 1.15's ``_CreateCudnnCompatibleCanonicalRNN``, states stacked as the layer's."""
    cells = [COMPATIBLE_CELLS[mode](units) for _ in range(layers * dirs)]
    common = dict(dtype=tf.float32, time_major=True, sequence_length=sequence_length)
    if dirs == 1:
        outputs, per_cell = tf.nn.dynamic_rnn(rnn.MultiRNNCell(cells), inputs, **common)
    else:
        outputs, fw, bw = rnn.stack_bidirectional_dynamic_rnn(cells[::2], cells[1::2], inputs,
                                                              **common)
        per_cell = [s for pair in zip(fw, bw, strict=True) for s in pair]
    if mode == "lstm":
        return outputs, (tf.stack([s.h for s in per_cell]), tf.stack([s.c for s in per_cell]))
    return outputs, (tf.stack(list(per_cell)),)


def save_random_layer(mode, layers, dirs, units, input_size, path):
    """A layer built by hand at the top (names without a prefix, as TF 1.15's CudnnTestModel),
    its buffer random (TF 1.15 trained 128 SGD steps to get there), saved by a plain Saver."""
    reset_graph()
    layer = LAYERS[mode](layers, units, direction=DIRECTIONS[dirs])
    layer.build([None, None, input_size])
    opaque = np.random.default_rng(0).normal(scale=0.5, size=layer.saveable.format_converter
                                             .opaque_size()).astype(np.float32)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(tf.assign(layer.kernel, opaque, validate_shape=False))
        tf.train.Saver().save(session, path)
