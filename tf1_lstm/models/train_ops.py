"""The training op, one of every builder's parameters: what one training step runs.

A builder takes ``train_op`` as an optimizer or as a function ``loss -> train op``:

    adam(0.001)           AdamOptimizer(0.001).minimize(loss)          documents 001, 002
    rmsprop(0.001, 0.9)   RMSPropOptimizer(0.001, 0.9).minimize(loss)  document 000
    an optimizer          optimizer.minimize(loss)
    any function          e.g. Adam on gradients clipped to a global norm (claims.long_dependency)

The functions ``adam`` and ``rmsprop`` return make a new optimizer in the loss's graph at each
call, so one of them can be a builder's default for every graph it builds.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.compat import tf

TrainOp = Callable[[tf.Tensor], tf.Operation]  # loss -> the op one training step runs


def adam(learning_rate: float = 0.001) -> TrainOp:
    """``tf.train.AdamOptimizer(learning_rate).minimize(loss)``."""
    return lambda loss: tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(loss)


def rmsprop(learning_rate: float, decay: float) -> TrainOp:
    """``tf.train.RMSPropOptimizer(learning_rate, decay).minimize(loss)``."""
    return lambda loss: tf.train.RMSPropOptimizer(learning_rate, decay).minimize(loss)


def training_step(train_op: TrainOp | tf.train.Optimizer, loss: tf.Tensor) -> tf.Operation:
    """The op of one training step on ``loss``: the optimizer's minimize, or the function's."""
    if isinstance(train_op, tf.train.Optimizer):
        return train_op.minimize(loss)
    return train_op(loss)
