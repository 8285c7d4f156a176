"""The TF1 model of nmt_like: an LSTM over dynamic_rnn, a private-path cell and a dense head."""
import numpy as np
import tensorflow as tf
from tensorflow.contrib.rnn.python.ops import rnn_cell as contrib_rnn_cell
from tensorflow.python.ops import rnn_cell_impl


def build_and_run(num_units):
  x = tf.placeholder(tf.float32, [None, 3, 2])
  cell = rnn_cell_impl.BasicLSTMCell(num_units)
  outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
  logits = tf.layers.dense(state.h, 2)
  with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    value = sess.run(logits, {x: np.ones((5, 3, 2))})
  return {
      "eager": tf.executing_eagerly(),
      "logits_shape": list(value.shape),
      "variables": [v.op.name for v in tf.trainable_variables()],
      "same_cell_classes": (contrib_rnn_cell.LSTMCell is tf.contrib.rnn.LSTMCell and
                            rnn_cell_impl.BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell),
  }


def divide_by_zero():
  return 1 / 0
