"""Phased LSTM on irregularly sampled sine waves, imported from TensorFlow's source tree.

In the manner of 2017 Phased LSTM experiments (Neil et al.'s frequency-discrimination task):
tf.contrib.rnn's files imported directly (rnn_cell for PhasedLSTMCell, core_rnn_cell for the
private _linear read-out), TensorFlow's own rnn and rnn_cell_impl modules for dynamic_rnn
and LSTMStateTuple, the cell fed (time, x) pairs so the samples need not be evenly spaced.
The task: is a wave's period short (2.5-3.5) or long (7-9)? Each wave is sampled at 24
random, sorted instants of a 30-unit window.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib.rnn.python.ops import core_rnn_cell
from tensorflow.contrib.rnn.python.ops import rnn_cell as contrib_rnn_cell
from tensorflow.python.ops import rnn, rnn_cell_impl

n_steps = 24
n_hidden = 24
n_classes = 2
batch_size = 32


def gen_async_sin(rng, n):
    times = np.sort(rng.uniform(0, 30, size=(n, n_steps)), axis=1)
    labels = rng.randint(0, 2, size=n)
    period = np.where(labels == 1, rng.uniform(2.5, 3.5, n), rng.uniform(7, 9, n))
    shift = rng.uniform(0, 2 * np.pi, size=n)
    values = np.sin(2 * np.pi * times / period[:, None] + shift[:, None])
    return (times[:, :, None].astype(np.float32), values[:, :, None].astype(np.float32),
            labels.astype(np.int32))


rng = np.random.RandomState(0)
test_t, test_x, test_y = gen_async_sin(rng, 400)
tf.set_random_seed(0)

x = tf.placeholder(tf.float32, [None, n_steps, 1])
t = tf.placeholder(tf.float32, [None, n_steps, 1])
y = tf.placeholder(tf.int32, [None])

cell = contrib_rnn_cell.PhasedLSTMCell(n_hidden, use_peepholes=True,
                                       period_init_min=1.0, period_init_max=20.0)
outputs, state = rnn.dynamic_rnn(cell, (t, x), dtype=tf.float32)
if not isinstance(state, rnn_cell_impl.LSTMStateTuple):
    sys.exit("CHECK FAILED: the phased LSTM state is not an LSTMStateTuple: %r" % (state,))

with tf.variable_scope("softmax"):
    logits = core_rnn_cell._linear(state.h, n_classes, True)
loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.cast(tf.argmax(logits, 1), tf.int32), y),
                                  tf.float32))
print("variables:", [v.op.name for v in tf.trainable_variables()])

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    test_feed = {t: test_t, x: test_x, y: test_y}
    first_loss, first_acc = sess.run([loss, accuracy], test_feed)
    for step in range(150):
        bt, bx, by = gen_async_sin(rng, batch_size)
        _, batch_loss = sess.run([train_op, loss], {t: bt, x: bx, y: by})
        if step % 30 == 0:
            print("step %d, loss %.4f" % (step, batch_loss))
    last_loss, last_acc = sess.run([loss, accuracy], test_feed)

print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
print("first accuracy: %.4f" % first_acc)
print("last accuracy: %.4f" % last_acc)
if not (last_loss < 0.5 * first_loss and last_acc > 0.85):
    sys.exit("CHECK FAILED: did not learn to tell the periods apart")
print("CHECK OK")
