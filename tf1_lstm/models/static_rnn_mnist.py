"""Document 002's model: one BasicLSTMCell unrolled by ``static_rnn`` over the 28 rows of a digit.

    x            [B, 28, 28]          a batch of images, one row of 28 pixels per time step
    unstack      28 x [B, 28]         tf.unstack(x, time_steps, 1): static_rnn wants a list
    outputs      28 x [B, 128]        one output per time step; outputs[-1] is the last one
    prediction   [B, 10]              outputs[-1] @ out_weights + out_bias
    loss         softmax cross-entropy against one-hot y [B, 10], Adam(0.001)

Hyper-parameters are the document's: 128 units, forget_bias=1, Adam 0.001, batch 128,
weights from ``tf.random_normal`` (stddev 1, as written there).

The LSTM and the training step are parameters, the document's by default (``tf1-lstm bench``
times each path on this graph): ``cell`` a kind or a cell factory (``models.cells``),
``unroll`` an unroller (``models.unrollers``), ``train_op`` an optimizer or a function
loss -> train op (``models.train_ops``). With an unroller whose outputs are one [B, T, H]
tensor, the document's ``outputs[-1]`` is the final state's h (the same values: every
sequence is 28 steps long).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_lstm.compat import rnn, tf
from tf1_lstm.models.cells import CellFactory, cell_factory, top_layer_h
from tf1_lstm.models.train_ops import TrainOp, adam, training_step
from tf1_lstm.models.unrollers import Unroller, static_rnn_unstack

DOCUMENT_TRAIN_OP = adam(0.001)  # Adam 0.001, as the document trains


@dataclass(frozen=True)
class StaticRnnMnist:
    """The graph's handles, named as in the document."""

    x: tf.Tensor  # placeholder [None, time_steps, n_input]
    y: tf.Tensor  # placeholder [None, n_classes], one-hot
    outputs: list | tf.Tensor  # time_steps tensors [B, num_units]; [B, T, H] if not static
    states: rnn.LSTMStateTuple  # (c, h), each [B, num_units]
    prediction: tf.Tensor  # logits [B, n_classes]
    loss: tf.Tensor  # scalar
    opt: tf.Operation  # one training step (Adam)
    accuracy: tf.Tensor  # scalar, fraction of the batch right


def build_static_rnn_mnist(
    time_steps: int = 28,
    n_input: int = 28,
    num_units: int = 128,
    n_classes: int = 10,
    forget_bias: float = 1.0,
    *,
    cell: str | CellFactory = "lstm",
    unroll: Unroller = static_rnn_unstack,
    train_op: TrainOp | tf.train.Optimizer = DOCUMENT_TRAIN_OP,
) -> StaticRnnMnist:
    """Build document 002's graph in the current default graph and return its handles.

    ``forget_bias`` goes to a kind of cell; a factory makes its cell as it likes.
    """
    out_weights = tf.Variable(tf.random_normal([num_units, n_classes]), name="out_weights")
    out_bias = tf.Variable(tf.random_normal([n_classes]), name="out_bias")

    x = tf.placeholder(tf.float32, [None, time_steps, n_input], name="x")
    y = tf.placeholder(tf.float32, [None, n_classes], name="y")

    lstm_layer = cell_factory(cell, forget_bias)(num_units)
    # The document's unroller: rnn.static_rnn(lstm_layer, tf.unstack(x, time_steps, 1)).
    outputs, states = unroll(lstm_layer, x, dtype=tf.float32)
    # outputs[-1] as the document has it; the last step of a [B, T, H] tensor is states' h.
    last_output = (outputs[-1] if isinstance(outputs, list)
                   else top_layer_h(states, stacked=False))  # [B, num_units]

    prediction = tf.matmul(last_output, out_weights) + out_bias  # [B, n_classes]
    # The document calls softmax_cross_entropy_with_logits (deprecated in TF 1.5); _v2 computes
    # the same loss and differs only in letting gradients flow into labels, a placeholder here.
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=prediction, labels=y))
    opt = training_step(train_op, loss)

    correct_prediction = tf.equal(tf.argmax(prediction, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    return StaticRnnMnist(x, y, outputs, states, prediction, loss, opt, accuracy)
