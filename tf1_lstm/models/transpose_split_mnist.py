"""Document 000's model: BasicLSTMCell(lstm_size) over static_rnn, inputs by transpose-split.

    X         [B, 28, 28]                                 placeholder, one image row per step
    X_split   28 x [B, 28]                                transpose -> reshape -> split
    outputs   28 x [B, lstm_size]                         static_rnn(lstm, X_split)
    py_x      outputs[-1] @ W + B    W [lstm_size, 10], B [10], tf.random_normal(stddev=0.01)
    cost      softmax cross-entropy on one-hot Y, RMSProp(0.001, 0.9)

The cell, its unroller and the training step are parameters, the document's by default:
``cell`` a kind or a cell factory (``models.cells``), ``unroll`` a static_rnn over the
document's X_split list (``rnn.static_rnn``, or ``tf1_lstm.fast.rnn.static_rnn``: this model
is about that list, so its unroller takes the list), ``train_op`` an optimizer or a function
loss -> train op (``models.train_ops``).

The document also returns ``lstm.state_size``; we keep it. ``tf1-lstm claims`` checks its words
against this graph (what time_step_size is, what B's shape is, whether there is a tanh).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tf1_lstm.compat import rnn, tf
from tf1_lstm.models.cells import CellFactory, cell_factory
from tf1_lstm.models.static_rnn_inputs import static_rnn_inputs_by_transpose_split
from tf1_lstm.models.train_ops import TrainOp, rmsprop, training_step

DOCUMENT_TRAIN_OP = rmsprop(0.001, 0.9)  # RMSProp(0.001, 0.9), the document's train_op


@dataclass(frozen=True)
class TransposeSplitMnist:
    """The graph's handles, named as in the document (plus what the training loop needs)."""

    x: tf.Tensor  # X [None, time_step_size, input_vec_size]
    y: tf.Tensor  # Y [None, 10], one-hot
    X_split: list  # time_step_size x [B, input_vec_size]
    outputs: list  # time_step_size x [B, lstm_size]
    state_size: rnn.LSTMStateTuple
    W: tf.Variable
    B: tf.Variable
    py_x: tf.Tensor  # logits [B, 10]
    loss: tf.Tensor  # the document's cost
    opt: tf.Operation  # its train_op
    accuracy: tf.Tensor


def build_transpose_split_mnist(time_step_size: int = 28, input_vec_size: int = 28,
                                lstm_size: int = 28, *, cell: str | CellFactory = "lstm",
                                unroll: Callable = rnn.static_rnn,
                                train_op: TrainOp | tf.train.Optimizer = DOCUMENT_TRAIN_OP,
                                ) -> TransposeSplitMnist:
    """Build document 000's graph in the current default graph and return its handles."""
    x = tf.placeholder(tf.float32, [None, time_step_size, input_vec_size], name="X")
    y = tf.placeholder(tf.float32, [None, 10], name="Y")
    W = tf.Variable(tf.random_normal([lstm_size, 10], stddev=0.01), name="W")
    B = tf.Variable(tf.random_normal([10], stddev=0.01), name="B")

    # The document reshapes by lstm_size, which only works because it equals input_vec_size.
    X_split = static_rnn_inputs_by_transpose_split(x, time_step_size, input_vec_size)
    lstm = cell_factory(cell)(lstm_size)  # BasicLSTMCell(lstm_size, forget_bias=1.0)
    outputs, _states = unroll(lstm, X_split, dtype=tf.float32)
    py_x = tf.matmul(outputs[-1], W) + B  # no tanh, whatever the document's comment says

    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=py_x, labels=y))
    step = training_step(train_op, cost)  # the document's train_op
    correct = tf.equal(tf.argmax(py_x, 1), tf.argmax(y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
    return TransposeSplitMnist(x, y, X_split, outputs, lstm.state_size, W, B, py_x, cost,
                               step, accuracy)
