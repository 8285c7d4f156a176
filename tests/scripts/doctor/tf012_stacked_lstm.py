"""A stacked LSTM as TF 0.12 tutorials wrote it, with a streaming metric of TF 1.x's contrib.

Never run: tf1-lstm doctor reads it. Every TF1 name here is one the doctor tests expect.
"""
import numpy as np
import tensorflow as tf
from tensorflow.contrib.rnn import LSTMCell

n_steps, n_input, n_hidden = 3, 3, 4
x = tf.placeholder(tf.float32, [None, n_steps, n_input])
cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden, state_is_tuple=True)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2, state_is_tuple=True)
inputs = tf.unpack(tf.transpose(x, [1, 0, 2]))
outputs, states = tf.nn.rnn(stack, inputs, dtype=tf.float32)
both = tf.concat(1, [outputs[-1], states[-1].h])
scaled = tf.mul(tf.mul(both, 2.0), np.float(0.5))
decoder_cell = LSTMCell(n_hidden)
accuracy = tf.contrib.metrics.streaming_accuracy(outputs[-1], outputs[-1])
writer = tf.train.SummaryWriter("/tmp/logs")
merged = tf.concat([both, scaled], 1)
