"""``static_rnn`` and ``dynamic_rnn`` for the fast cells: TF1's contract, a faster graph.

    from tf1_lstm.fast.cell import FastLSTMCell, FastPeepholeLSTMCell
    from tf1_lstm.fast.gru import FastGRUCell
    from tf1_lstm.fast.rnn import dynamic_rnn, static_rnn
    cell = FastLSTMCell(128)                                       # was rnn.BasicLSTMCell(128)
    outputs, states = static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)

    cells = rnn.MultiRNNCell([FastPeepholeLSTMCell(150, use_peepholes=True)  # rnn.LSTMCell
                              for _ in range(3)])
    outputs, states = dynamic_rnn(cells, X, dtype=tf.float32)      # was tf.nn.dynamic_rnn

    outputs, state = static_rnn(FastGRUCell(128), steps, dtype=tf.float32)  # rnn.GRUCell

Same arguments, same ``outputs`` and ``states`` (with ``sequence_length``: outputs 0 past a
row's end, its state copied through; a state per layer, h for a GRU as GRUCell's, an
LSTMStateTuple(c, h) for an LSTM), same variable names (``rnn/basic_lstm_cell/...``,
``rnn/gru_cell/gates/kernel``, ``rnn/multi_rnn_cell/cell_k/lstm_cell/...``), so a
BasicLSTMCell, LSTMCell or GRUCell checkpoint restores. A MultiRNNCell may mix
FastLSTMCells, FastPeepholeLSTMCells and FastGRUCells (``tf1_lstm.fast.gru``).

Two things make it faster (measured in BENCHMARKS.md):

1. Each layer is ``tf1_lstm.fast.sequence.lstm_layer`` (``gru_sequence.gru_layer`` for a
   GRU): a hand-written backward pass with one weight-gradient matmul over all steps and
   about half the ops per step.
2. **Batch shards.** The rows of a batch are independent, so the batch is cut into
   ``shards`` parts that run as separate chains of ops; TensorFlow's inter-op threads run
   them at the same time, one per core. An unrolled LSTM is otherwise one long chain of small
   ops that keeps one core busy while the others wait. The weight gradients of the shards
   are summed (TensorFlow adds them), so the result is the same up to float rounding.

The number of time steps must be known when the graph is built (the layers are unrolled);
the batch may be unknown.
"""

from __future__ import annotations

import contextlib
import os

from tf1_lstm.cells.base import create_cell_variables
from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.cell import FastCell
from tf1_lstm.fast.errors import FastPathError
from tf1_lstm.fast.gru import FastGRUCell
from tf1_lstm.fast.gru_sequence import gru_layer
from tf1_lstm.fast.sequence import lstm_layer

MAX_DEFAULT_SHARDS = 4  # more chains than this mostly adds ops: rows per matmul shrink


def default_shards() -> int:
    """One shard per core this process may use, at most MAX_DEFAULT_SHARDS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_SHARDS))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None,
               shards: int | None = None):
    """``rnn.static_rnn`` for a fast cell (``tf1_lstm.fast.cell``, ``tf1_lstm.fast.gru``) or a
    MultiRNNCell of them.

    inputs: a list of T tensors [B, I]. Returns ``(outputs, state)``: outputs a list of T
    tensors [B, H] (the top layer's h), state per layer an ``LSTMStateTuple(c, h)`` for an
    LSTM, h [B, H] for a GRU (a tuple of them for a MultiRNNCell). ``initial_state`` in the
    same forms (None: zeros, then ``dtype`` is needed). ``shards``: how many parts the batch
    is cut into (default: ``default_shards()``; 1 turns it off).
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("static_rnn: inputs must be a non-empty list of [batch, input] tensors")
    inputs = [tf.convert_to_tensor(x) for x in inputs]
    rows = _shard_rows(inputs[0], shards)
    shard_outputs, state = _run(cell, _shard_steps(inputs, rows), rows, initial_state, dtype,
                                sequence_length, scope)
    outputs = [_join_rows([outs[t] for outs in shard_outputs]) for t in range(len(inputs))]
    return outputs, state


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None,
                shards: int | None = None):
    """``tf.nn.dynamic_rnn`` for a fast cell or a MultiRNNCell of them.

    inputs [B, T, I] ([T, B, I] with ``time_major``); outputs [B, T, H] ([T, B, H]), the top
    layer's h at every step; state as ``static_rnn``'s. T must be known when the graph is
    built. ``parallel_iterations`` and ``swap_memory`` are accepted and ignored: there is no
    while loop. ``shards`` as in ``static_rnn``.
    """
    del parallel_iterations, swap_memory  # no tf.while_loop here
    inputs = tf.convert_to_tensor(inputs)
    time_axis = 0 if time_major else 1
    steps = tf.compat.dimension_value(inputs.shape[time_axis]) if inputs.shape.rank else None
    if inputs.shape.rank != 3 or steps is None:
        raise FastPathError(
            f"fast.dynamic_rnn needs inputs of rank 3 with the number of time steps known when "
            f"the graph is built (it unrolls them); got shape {inputs.shape}. Give the "
            f"placeholder a fixed T, or use tf.nn.dynamic_rnn for sequences of unknown length.")
    if time_major:  # [T, B, I] -> T x [B, I], each cut into shards
        per_step = tf.unstack(inputs, steps, 0)
        rows = _shard_rows(per_step[0], shards)
        per_shard = _shard_steps(per_step, rows)
    else:  # cut the batch first (contiguous rows), then each part's T steps
        rows = _shard_rows(inputs, shards)
        per_shard = [tf.unstack(part, steps, 1) for part in _split_rows(inputs, rows)]
    shard_outputs, state = _run(cell, per_shard, rows, initial_state, dtype, sequence_length,
                                scope)
    outputs = _join_rows([tf.stack(outs, 1) for outs in shard_outputs])  # [B, T, H]
    return (tf.transpose(outputs, [1, 0, 2]) if time_major else outputs), state


# --- the layers over every shard ------------------------------------------------------------

def _run(cell, per_shard: list, rows: list, initial_state, dtype, sequence_length, scope):
    """Run every layer on every shard; return (per-shard top outputs, the joined state)."""
    cells, multi = _fast_cells(cell)
    x0 = per_shard[0][0]
    dtype = tf.as_dtype(dtype) if dtype is not None else None
    if initial_state is None and dtype is None:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    dtype = dtype or x0.dtype
    input_depth = tf.compat.dimension_value(x0.shape[-1])
    if input_depth is None:
        raise FastPathError(f"the fast path needs the input depth known when the graph is "
                            f"built; got inputs of shape {x0.shape}")

    weights = []
    # static_rnn's / dynamic_rnn's names: rnn/basic_lstm_cell/, rnn/lstm_cell/ or
    # rnn/gru_cell/, rnn/multi_rnn_cell/cell_k/...; ``scope`` a name or a VariableScope, as
    # TF1's take it
    with tf.variable_scope(scope or "rnn"):
        for k, layer in enumerate(cells):
            with contextlib.ExitStack() as scopes:
                if multi:
                    scopes.enter_context(tf.variable_scope("multi_rnn_cell"))
                    scopes.enter_context(tf.variable_scope(f"cell_{k}"))
                create_cell_variables(layer, input_depth, dtype)
            weights.append(layer.gru_weights() if _is_gru(layer) else
                           (*layer.kernel_and_bias(), layer.peepholes()))
            input_depth = layer.output_size

    initial = _initial_states(cells, multi, initial_state, rows, x0, dtype)  # shards x layers
    masks = _masks(sequence_length, rows, len(per_shard[0]))           # shards x (T or None)
    shard_outputs, final = [], []
    for s, xs in enumerate(per_shard):
        layer_final = []
        for k, layer in enumerate(cells):
            xs, state = _run_layer(layer, weights[k], xs, initial[s][k], masks[s])
            layer_final.append(state)
        shard_outputs.append(xs)
        final.append(layer_final)
    states = tuple(_join_state(layer, [f[k] for f in final]) for k, layer in enumerate(cells))
    return shard_outputs, (states if multi else states[0])


def _is_gru(layer) -> bool:
    return isinstance(layer, FastGRUCell)


def _run_layer(layer, weights: tuple, xs: list, state, masks) -> tuple:
    """One layer over one shard's T steps: (T outputs [b, H], its final state: h for a GRU,
    (c, h) for an LSTM)."""
    if _is_gru(layer):
        return gru_layer(xs, *weights, state, masks)
    kernel, bias, peepholes = weights
    c0, h0 = state
    outputs, c, h = lstm_layer(xs, kernel, bias, c0, h0, layer.forget_bias, masks, peepholes)
    return outputs, (c, h)


def _join_state(layer, parts: list):
    """A layer's final state from its shards' parts: h [B, H] for a GRU (as GRUCell's), an
    LSTMStateTuple(c, h) for an LSTM."""
    if _is_gru(layer):
        return _join_rows(parts)
    return rnn.LSTMStateTuple(_join_rows([c for c, _ in parts]), _join_rows([h for _, h in parts]))


def _fast_cells(cell) -> tuple[list, bool]:
    """(the fast cells, one a layer; whether they sit in a MultiRNNCell), or a FastPathError."""
    multi = isinstance(cell, rnn.MultiRNNCell)
    cells = list(getattr(cell, "_cells", [])) if multi else [cell]
    wrong = [type(c).__name__ for c in cells if not isinstance(c, FastCell | FastGRUCell)]
    if not cells or wrong:
        found = f"a MultiRNNCell of {', '.join(wrong) or 'no cells'}" if multi else wrong[0]
        raise FastPathError(
            f"the fast path runs FastLSTMCell, FastPeepholeLSTMCell and FastGRUCell, or a "
            f"MultiRNNCell of them; got {found}. Replace rnn.BasicLSTMCell(n, forget_bias=b) "
            f"with tf1_lstm.fast.cell.FastLSTMCell(n, forget_bias=b), rnn.LSTMCell(n, "
            f"use_peepholes=p, forget_bias=b) with tf1_lstm.fast.cell.FastPeepholeLSTMCell("
            f"n, use_peepholes=p, forget_bias=b), rnn.GRUCell(n) with "
            f"tf1_lstm.fast.gru.FastGRUCell(n): same variables, so the same checkpoints "
            f"restore. Other cells run with rnn.static_rnn / tf.nn.dynamic_rnn.")
    if multi and not getattr(cell, "_state_is_tuple", True):
        raise FastPathError("the fast path needs MultiRNNCell(..., state_is_tuple=True), "
                            "the default")
    return cells, multi


# --- cutting the batch into shards and joining it again -------------------------------------

def _shard_rows(batch_major, shards: int | None) -> list:
    """Rows per shard of a tensor whose axis 0 is the batch: ints if the batch is known
    (never an empty shard), else scalar tensors computed when the graph runs."""
    shards = default_shards() if shards is None else int(shards)
    if shards < 1:
        raise ValueError(f"shards must be at least 1, got {shards}")
    batch = tf.compat.dimension_value(batch_major.shape[0])
    if batch is not None:
        shards = max(1, min(shards, batch))
        return [batch // shards + (1 if k < batch % shards else 0) for k in range(shards)]
    batch = tf.shape(batch_major)[0]
    return [(batch + shards - 1 - k) // shards for k in range(shards)]


def _split_rows(tensor, rows: list) -> list:
    """``tensor`` cut along axis 0 into len(rows) parts (the tensor itself for one part)."""
    if len(rows) == 1:
        return [tensor]
    sizes = rows if all(isinstance(r, int) for r in rows) else tf.stack(rows)
    return tf.split(tensor, sizes, axis=0, num=len(rows))


def _shard_steps(steps: list, rows: list) -> list:
    """T tensors [B, I] -> shards x T tensors [b, I]."""
    return [list(part) for part in zip(*(_split_rows(x, rows) for x in steps), strict=True)]


def _join_rows(parts: list):
    return parts[0] if len(parts) == 1 else tf.concat(parts, 0)


def _initial_states(cells, multi: bool, initial_state, rows: list, x0, dtype) -> list:
    """shards x layers of each layer's state: h0 [b, H] for a GRU, (c0, h0) for an LSTM."""
    if initial_state is None:
        counts = [tf.shape(x0)[0] if len(rows) == 1 else r for r in rows]
        zeros = [[tf.zeros(tf.stack([n, c.output_size]), dtype) for c in cells] for n in counts]
        return [[z if _is_gru(c) else (z, z) for c, z in zip(cells, shard, strict=True)]
                for shard in zeros]
    layers = tuple(initial_state) if multi else (initial_state,)
    if len(layers) != len(cells) or not all(
            _is_state_of(cell, state) for cell, state in zip(cells, layers, strict=True)):
        raise ValueError("initial_state must be, for each layer, a tensor h [batch, units] for "
                         "a GRU and an LSTMStateTuple(c, h) for an LSTM (a tuple of them, one "
                         "a layer, for a MultiRNNCell)")
    split = [_split_rows(tf.convert_to_tensor(state, dtype), rows) if _is_gru(cell) else
             list(zip(*(_split_rows(tf.convert_to_tensor(part, dtype), rows) for part in state),
                      strict=True))
             for cell, state in zip(cells, layers, strict=True)]     # layers x shards
    return [[split[k][s] for k in range(len(cells))] for s in range(len(rows))]


def _is_state_of(cell, state) -> bool:
    """A GRU layer's state is one tensor h; an LSTM layer's a pair (c, h)."""
    pair = isinstance(state, tuple | list)
    return not pair if _is_gru(cell) else pair and len(state) == 2


def _masks(sequence_length, rows: list, steps: int) -> list:
    """Per shard: None, or T bool tensors [b] (True while t < sequence_length[row])."""
    if sequence_length is None:
        return [None] * len(rows)
    lengths = tf.cast(sequence_length, tf.int32)                           # [B]
    return [tf.unstack(tf.sequence_mask(part, steps), steps, 1)            # T x [b]
            for part in _split_rows(lengths, rows)]
