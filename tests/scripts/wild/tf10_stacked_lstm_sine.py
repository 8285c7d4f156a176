"""Three-layer LSTM that predicts the next value of a sine wave, written for TensorFlow 1.0.

In the manner of the early-2017 time-series tutorials: one BasicLSTMCell object repeated with
MultiRNNCell([lstm_cell] * num_layers) (on TF 1.0 each layer still got its own weights),
one input feature into 24 units, tf.nn.dynamic_rnn, the last output through a dense layer,
mean squared error, RMSProp.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn

num_layers = 3
num_units = 24
seq_len = 20
batch_size = 32
train_steps = 300


def generate_data(n, rng):
    start = rng.uniform(0, 2 * np.pi, size=(n, 1))
    freq = rng.uniform(0.5, 1.5, size=(n, 1))
    t = start + 0.3 * freq * np.arange(seq_len + 1)[None, :]
    wave = np.sin(t)
    return wave[:, :-1, None].astype(np.float32), wave[:, -1:].astype(np.float32)


rng = np.random.RandomState(42)
train_x, train_y = generate_data(2000, rng)
test_x, test_y = generate_data(200, rng)
tf.set_random_seed(42)

inputs = tf.placeholder(tf.float32, [None, seq_len, 1], name="inputs")
targets = tf.placeholder(tf.float32, [None, 1], name="targets")

lstm_cell = rnn.BasicLSTMCell(num_units, forget_bias=1.0, state_is_tuple=True)
cell = rnn.MultiRNNCell([lstm_cell] * num_layers, state_is_tuple=True)
outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
last = outputs[:, -1, :]

W = tf.Variable(tf.truncated_normal([num_units, 1], stddev=0.1))
b = tf.Variable(tf.constant(0.0, shape=[1]))
prediction = tf.matmul(last, W) + b
loss = tf.reduce_mean(tf.square(prediction - targets))
train_op = tf.train.RMSPropOptimizer(0.005).minimize(loss)

for v in tf.trainable_variables():
    print(v.name, v.get_shape().as_list())
n_kernels = len([v for v in tf.trainable_variables() if "kernel" in v.name])

sess = tf.Session()
sess.run(tf.global_variables_initializer())
first_loss = sess.run(loss, {inputs: test_x, targets: test_y})
for step in range(train_steps):
    idx = rng.randint(0, len(train_x), batch_size)
    _, batch_loss = sess.run([train_op, loss], {inputs: train_x[idx], targets: train_y[idx]})
    if step % 50 == 0:
        print("step %d, mse %.5f" % (step, batch_loss))
last_loss = sess.run(loss, {inputs: test_x, targets: test_y})
sess.close()

print("first loss: %.5f" % first_loss)
print("last loss: %.5f" % last_loss)
if n_kernels != num_layers:
    sys.exit("CHECK FAILED: expected one kernel per layer, got %d" % n_kernels)
if not last_loss < 0.1 * first_loss:
    sys.exit("CHECK FAILED: test mse did not fall (%.4f -> %.4f)" % (first_loss, last_loss))
print("CHECK OK")
