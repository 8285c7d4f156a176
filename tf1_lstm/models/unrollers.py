"""How a builder runs its cell over the batch: the unroller, one of every builder's parameters.

An unroller is called as ``unroll(cell, x, dtype=tf.float32) -> (outputs, states)``, the
signature of ``tf.nn.dynamic_rnn``, with x [B, T, I] (T known) and ``cell`` what the builder
made: one cell (documents 002, 000) or the MultiRNNCell of document 001's layers.

    static_rnn_unstack      rnn.static_rnn(cell, tf.unstack(x, T, 1))   outputs: T x [B, H]
    over_unstack(f)         the same with another static_rnn f (tf1_lstm.fast.rnn.static_rnn)
    dynamic_rnn             tf.nn.dynamic_rnn(cell, x)                  outputs: [B, T, H]
    hand_whole_sequence     cells.lstm.whole_sequence, or stacked_whole_sequence for a
                            MultiRNNCell: all T input projections in one matmul, tf.scan
    block_fused_layers      LSTMBlockFusedCell layers, one BlockLSTM op each (time-major)

``states`` is always the state after the last step: one cell's, or a tuple of one per layer
for a MultiRNNCell. Any function of that form is an unroller as it is:
``tf1_lstm.fast.rnn.dynamic_rnn`` (``functools.partial(..., shards=1)`` to fix its shards),
``tf1_lstm.cells.lstm.whole_sequence`` for one HandLSTMCell.

Document 000 is the exception: its unroller is a static_rnn over its own X_split list
(``rnn.static_rnn``, or ``tf1_lstm.fast.rnn.static_rnn``), which the document is about.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.cells.lstm import stacked_whole_sequence, whole_sequence
from tf1_lstm.compat import rnn, tf

Unroller = Callable[..., tuple]  # (cell, x [B, T, I], dtype=...) -> (outputs, states)


def layers_of(cell) -> list:
    """A MultiRNNCell's layer cells, bottom first, or ``[cell]``."""
    return list(cell._cells) if isinstance(cell, rnn.MultiRNNCell) else [cell]


def over_unstack(static_rnn: Callable = rnn.static_rnn) -> Unroller:
    """``static_rnn(cell, tf.unstack(x, T, 1), dtype)``: document 002's route into static_rnn."""
    def unroll(cell, x, dtype=tf.float32):
        steps = tf.compat.dimension_value(x.shape[1])
        return static_rnn(cell, tf.unstack(x, steps, 1), dtype=dtype)  # T x [B, I] in
    return unroll


static_rnn_unstack = over_unstack(rnn.static_rnn)


def dynamic_rnn(cell, x, dtype=tf.float32) -> tuple:
    """``tf.nn.dynamic_rnn(cell, x, dtype=dtype)``: document 001's while loop."""
    return tf.nn.dynamic_rnn(cell, x, dtype=dtype)


def hand_whole_sequence(cell, x, dtype=tf.float32) -> tuple:
    """HandLSTMCells with the input projection of all steps in one matmul: ``whole_sequence``
    for one cell, ``stacked_whole_sequence`` (MultiRNNCell's variable names) for a stack."""
    if isinstance(cell, rnn.MultiRNNCell):
        return stacked_whole_sequence(layers_of(cell), x, dtype=dtype)
    return whole_sequence(cell, x, dtype=dtype)


def block_fused_layers(cell, x, dtype=tf.float32) -> tuple:
    """LSTMBlockFusedCell layers (one, or a MultiRNNCell holding them), each one BlockLSTM op
    over the whole sequence, its variables under ``layer_k/lstm_fused_cell/``.

    A fused cell is not an RNNCell (it reads the whole time-major sequence at once), so a
    MultiRNNCell only holds the layers here: each reads the one below's outputs.
    """
    layer_input = tf.transpose(x, [1, 0, 2])                                # [T, B, I]
    states = []
    for k, layer in enumerate(layers_of(cell)):
        with tf.variable_scope(f"layer_{k}"):
            layer_input, state = layer(layer_input, dtype=dtype)             # [T, B, H]
        states.append(state)
    outputs = tf.transpose(layer_input, [1, 0, 2])                          # [B, T, H]
    return outputs, (tuple(states) if isinstance(cell, rnn.MultiRNNCell) else states[0])
