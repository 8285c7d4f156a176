"""Next-frame prediction of a bouncing square with a stacked convolutional LSTM.

In the manner of 2017-2018 "moving MNIST"-style ConvLSTM scripts (after Shi et al.,
"Convolutional LSTM Network"), shrunk to 8x8 frames: a tf.contrib.rnn.ConvLSTMCell
(conv_ndims=2) under a tf.contrib.rnn.Conv2DLSTMCell in a MultiRNNCell, tf.nn.dynamic_rnn
over [batch, time, height, width, channels] inputs, a 1x1 tf.layers.conv2d to one channel,
sigmoid cross-entropy against the next frame. Checked against the copy-the-last-frame
baseline.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

SIZE, T, BATCH = 8, 8, 16


def bouncing_squares(rng, n):
    frames = np.zeros((n, T + 1, SIZE, SIZE, 1), dtype=np.float32)
    for i in range(n):
        r, c = rng.randint(0, SIZE - 1, size=2)
        dr, dc = rng.choice([-1, 1], size=2)
        for t in range(T + 1):
            frames[i, t, r:r + 2, c:c + 2, 0] = 1.0
            if not 0 <= r + dr <= SIZE - 2:
                dr = -dr
            if not 0 <= c + dc <= SIZE - 2:
                dc = -dc
            r, c = r + dr, c + dc
    return frames[:, :-1], frames[:, 1:]


rng = np.random.RandomState(17)
test_in, test_out = bouncing_squares(rng, 64)
tf.set_random_seed(17)

inputs = tf.placeholder(tf.float32, [None, T, SIZE, SIZE, 1])
targets = tf.placeholder(tf.float32, [None, T, SIZE, SIZE, 1])

cell = tf.contrib.rnn.MultiRNNCell([
    tf.contrib.rnn.ConvLSTMCell(conv_ndims=2, input_shape=[SIZE, SIZE, 1], output_channels=12,
                                kernel_shape=[3, 3]),
    tf.contrib.rnn.Conv2DLSTMCell(input_shape=[SIZE, SIZE, 12], output_channels=12,
                                  kernel_shape=[3, 3]),
])
outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
flat = tf.reshape(outputs, [-1, SIZE, SIZE, 12])
logits = tf.reshape(tf.layers.conv2d(flat, 1, 1, name="to_frame"), [-1, T, SIZE, SIZE, 1])
loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=targets, logits=logits))
mse = tf.reduce_mean(tf.square(tf.sigmoid(logits) - targets))
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)

# Predicting "the next frame is the current one" is wrong on the square's moving edges.
copy_mse = float(np.mean((test_in[:, 1:] - test_out[:, 1:]) ** 2))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first_loss = sess.run(loss, {inputs: test_in, targets: test_out})
    for step in range(200):
        x, y = bouncing_squares(rng, BATCH)
        _, batch_loss = sess.run([train_op, loss], {inputs: x, targets: y})
        if step % 40 == 0:
            print("step %d, loss %.4f" % (step, batch_loss))
    last_loss, pred = sess.run([loss, tf.sigmoid(logits)], {inputs: test_in, targets: test_out})

# From the second frame on the model has seen the motion (the first step cannot know it).
model_mse = float(np.mean((pred[:, 1:] - test_out[:, 1:]) ** 2))
print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
print("next-frame mse from step 2: model %.4f, copy-last-frame %.4f" % (model_mse, copy_mse))
if not last_loss < 0.3 * first_loss:
    sys.exit("CHECK FAILED: loss did not fall (%.4f -> %.4f)" % (first_loss, last_loss))
if not model_mse < 0.5 * copy_mse:
    sys.exit("CHECK FAILED: the ConvLSTM does not beat copying the last frame")
print("CHECK OK")
