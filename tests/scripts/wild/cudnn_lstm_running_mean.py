"""Train a two-layer CudnnLSTM, then serve it on CPU through CudnnCompatibleLSTMCell.

In the manner of 2018 scripts that trained tf.contrib.cudnn_rnn.CudnnLSTM on a GPU and
shipped the checkpoint to CPU inference: time-major inputs [time, batch, depth] into the
CudnnLSTM layer (training=True), a dense read-out, tf.train.Saver; then a new graph where
MultiRNNCell([CudnnCompatibleLSTMCell(...)]) runs under tf.nn.dynamic_rnn inside
tf.variable_scope("cudnn_lstm") and restores the same checkpoint, as the TF 1.x docs
describe. The task: predict the running mean of a noisy sequence at every step.
"""
from __future__ import print_function

import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf

NUM_LAYERS = 2
NUM_UNITS = 32
TIME_STEPS = 12
BATCH = 32


def make_batch(rng, n):
    x = rng.randn(TIME_STEPS, n, 1).astype(np.float32)
    y = np.cumsum(x, axis=0) / np.arange(1, TIME_STEPS + 1)[:, None, None]
    return x, y.astype(np.float32)


rng = np.random.RandomState(21)
test_x, test_y = make_batch(rng, 256)
model_dir = tempfile.mkdtemp(prefix="cudnn_lstm_")
save_path = os.path.join(model_dir, "model.ckpt")

# --- training graph (what ran on the GPU) -----------------------------------------------
with tf.Graph().as_default():
    tf.set_random_seed(21)
    inputs = tf.placeholder(tf.float32, [TIME_STEPS, None, 1])
    targets = tf.placeholder(tf.float32, [TIME_STEPS, None, 1])
    lstm = tf.contrib.cudnn_rnn.CudnnLSTM(NUM_LAYERS, NUM_UNITS, direction="unidirectional")
    outputs, (h, c) = lstm(inputs, training=True)
    predictions = tf.layers.dense(outputs, 1, name="readout")
    loss = tf.losses.mean_squared_error(targets, predictions)
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first_loss = sess.run(loss, {inputs: test_x, targets: test_y})
        for step in range(150):
            bx, by = make_batch(rng, BATCH)
            _, batch_loss = sess.run([train_op, loss], {inputs: bx, targets: by})
            if step % 50 == 0:
                print("step %d, mse %.5f" % (step, batch_loss))
        last_loss, train_pred = sess.run([loss, predictions], {inputs: test_x, targets: test_y})
        saver.save(sess, save_path)
    print("opaque params:", [v.op.name for v in tf.trainable_variables()])

# --- inference graph (CPU, no cuDNN) ----------------------------------------------------
with tf.Graph().as_default():
    inputs = tf.placeholder(tf.float32, [TIME_STEPS, None, 1])
    cell = tf.nn.rnn_cell.MultiRNNCell(
        [tf.contrib.cudnn_rnn.CudnnCompatibleLSTMCell(NUM_UNITS) for _ in range(NUM_LAYERS)])
    with tf.variable_scope("cudnn_lstm"):
        outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32, time_major=True)
    predictions = tf.layers.dense(outputs, 1, name="readout")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        saver.restore(sess, save_path)
        cpu_pred = sess.run(predictions, {inputs: test_x})
    print("canonical params:", [v.op.name for v in tf.trainable_variables()])
shutil.rmtree(model_dir, ignore_errors=True)

cpu_loss = float(np.mean((cpu_pred - test_y) ** 2))
print("first loss: %.5f" % first_loss)
print("last loss: %.5f" % last_loss)
print("restored-cell loss: %.5f (max |difference| %.2e)"
      % (cpu_loss, np.abs(cpu_pred - train_pred).max()))
if not last_loss < 0.2 * first_loss:
    sys.exit("CHECK FAILED: mse did not fall (%.4f -> %.4f)" % (first_loss, last_loss))
if not np.allclose(cpu_pred, train_pred, atol=1e-4):
    sys.exit("CHECK FAILED: the CudnnCompatibleLSTMCell graph does not reproduce CudnnLSTM")
print("CHECK OK")
