"""Document 001's model: three BasicLSTMCell(150) in a MultiRNNCell under ``dynamic_rnn``.

    X                [B, 28, 28]            one image row per time step
    outputs          [B, 28, 150]           the TOP layer's h at every step (one tensor)
    states           tuple of 3 LSTMStateTuple(c [B, 150], h [B, 150]), one per layer
    top_layer_h      states[-1][1]          == outputs[:, -1, :] (full-length sequences)
    logits           dense(top_layer_h, 10, name="softmax")
    loss             sparse softmax cross-entropy against class ids y [B], Adam 0.001
    accuracy         mean of in_top_k(logits, y, 1)

``cell`` picks the layer cell (a kind of ``tf1_lstm.cells.kinds``): "lstm" (the document's
BasicLSTMCell), or the variants documents 001 and 004 name, "peephole" and "gru"; or it is a
cell factory (``models.cells``: ``rnn.LSTMBlockCell``, ``HandLSTMCell``, ...). The cells
are always in a MultiRNNCell, one layer too (the document's variable names).
``unroll`` (``models.unrollers``, dynamic_rnn by default) runs them over X, and ``train_op``
(``models.train_ops``, Adam 0.001 by default) is the training step: an optimizer, or a
function loss -> train op.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_lstm.compat import rnn, tf
from tf1_lstm.models.cells import CellFactory, cell_factory, top_layer_h
from tf1_lstm.models.train_ops import TrainOp, adam, training_step
from tf1_lstm.models.unrollers import Unroller, dynamic_rnn

DOCUMENT_TRAIN_OP = adam(0.001)  # Adam 0.001, as the document trains


@dataclass(frozen=True)
class StackedRnnMnist:
    """The graph's handles, named as in the document."""

    x: tf.Tensor  # placeholder [None, n_steps, n_inputs]
    y: tf.Tensor  # placeholder [None], int32 class ids
    outputs: tf.Tensor  # [B, n_steps, n_neurons], top layer only (static_rnn: a list of T)
    states: tuple  # one state per layer
    top_layer_h: tf.Tensor  # [B, n_neurons]
    logits: tf.Tensor  # [B, n_outputs]
    loss: tf.Tensor
    opt: tf.Operation
    accuracy: tf.Tensor


def build_stacked_lstm_mnist(
    n_steps: int = 28,
    n_inputs: int = 28,
    n_neurons: int = 150,
    n_outputs: int = 10,
    n_layers: int = 3,
    *,
    cell: str | CellFactory = "lstm",
    unroll: Unroller = dynamic_rnn,
    train_op: TrainOp | tf.train.Optimizer = DOCUMENT_TRAIN_OP,
) -> StackedRnnMnist:
    """Build document 001's graph in the current default graph and return its handles."""
    x = tf.placeholder(tf.float32, [None, n_steps, n_inputs], name="X")
    y = tf.placeholder(tf.int32, [None], name="y")

    make_layer = cell_factory(cell)
    layers = [make_layer(n_neurons) for _ in range(n_layers)]
    multi_cell = rnn.MultiRNNCell(layers)
    outputs, states = unroll(multi_cell, x, dtype=tf.float32)  # tf.nn.dynamic_rnn by default
    top_layer_h_state = top_layer_h(states, stacked=True)  # states[-1][1]; GRU: states[-1]

    logits = tf.layers.dense(top_layer_h_state, n_outputs, name="softmax")
    xentropy = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
    loss = tf.reduce_mean(xentropy, name="loss")
    opt = training_step(train_op, loss)
    correct = tf.nn.in_top_k(logits, y, 1)
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return StackedRnnMnist(x, y, outputs, states, top_layer_h_state, logits, loss, opt,
                           accuracy)
