"""Sequence autoencoder: LSTMBlockFusedCell encoder/decoder with a batch-normalised code.

In the manner of 2017-2018 LSTM-autoencoder scripts (anomaly detection on sensor series):
the fast fused LSTM kernel tf.contrib.rnn.LSTMBlockFusedCell on time-major inputs,
the encoder's final h through tf.contrib.layers.batch_norm with an is_training placeholder,
the train op built under tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS))
so the moving statistics update, and the decoder reconstructing the sequence from the code
repeated at every step. Evaluated in inference mode (is_training=False) at the end.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

T, N_FEATURES, N_UNITS, CODE = 10, 2, 32, 8


def make_batch(rng, n):
    t = np.arange(T)[:, None, None]
    amp = rng.uniform(0.5, 2.0, size=(1, n, 1))
    phase = rng.uniform(0, 2 * np.pi, size=(1, n, 1))
    offset = rng.uniform(2.0, 4.0, size=(1, n, 1))
    wave = np.concatenate([amp * np.sin(0.6 * t + phase), amp * np.cos(0.6 * t + phase)], 2)
    return (wave + offset).astype(np.float32)  # [T, n, N_FEATURES]


rng = np.random.RandomState(8)
test_x = make_batch(rng, 200)
tf.set_random_seed(8)

inputs = tf.placeholder(tf.float32, [T, None, N_FEATURES], name="inputs")
is_training = tf.placeholder(tf.bool, name="is_training")

with tf.variable_scope("encoder"):
    enc_cell = tf.contrib.rnn.LSTMBlockFusedCell(N_UNITS)
    _, (enc_c, enc_h) = enc_cell(inputs, dtype=tf.float32)
    code = tf.contrib.layers.fully_connected(enc_h, CODE, activation_fn=None)
    code = tf.contrib.layers.batch_norm(code, decay=0.9, center=True, scale=True,
                                        is_training=is_training, scope="bn")
    code = tf.nn.tanh(code)

with tf.variable_scope("decoder"):
    dec_inputs = tf.tile(tf.expand_dims(code, 0), [T, 1, 1])
    dec_cell = tf.contrib.rnn.LSTMBlockFusedCell(N_UNITS)
    dec_out, _ = dec_cell(dec_inputs, dtype=tf.float32)
    flat = tf.reshape(dec_out, [-1, N_UNITS])
    recon = tf.reshape(tf.contrib.layers.fully_connected(flat, N_FEATURES, activation_fn=None),
                       [T, -1, N_FEATURES])

loss = tf.reduce_mean(tf.square(recon - inputs))
update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
with tf.control_dependencies(update_ops):
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
moving_mean = [v for v in tf.global_variables() if v.op.name.endswith("bn/moving_mean")][0]
print("update ops:", len(update_ops))

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first_loss = sess.run(loss, {inputs: test_x, is_training: False})
    for step in range(450):
        _, batch_loss = sess.run([train_op, loss], {inputs: make_batch(rng, 32), is_training: True})
        if step % 75 == 0:
            print("step %d, reconstruction mse %.4f" % (step, batch_loss))
    last_train_mode = sess.run(loss, {inputs: test_x, is_training: True})
    last_loss = sess.run(loss, {inputs: test_x, is_training: False})
    mm = sess.run(moving_mean)

print("moving mean of the code:", np.round(mm, 3))
print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
print("last loss (batch statistics): %.4f" % last_train_mode)
# A model that outputs each feature's mean would score the data's variance.
variance = float(np.mean(np.var(test_x.reshape(-1, N_FEATURES), axis=0)))
print("variance of the data: %.4f" % variance)
if not np.abs(mm).max() > 0.05:
    sys.exit("CHECK FAILED: batch_norm's moving mean never moved (UPDATE_OPS not run?)")
if not last_loss < 0.25 * variance:
    sys.exit("CHECK FAILED: inference-mode reconstruction mse %.4f is not below a quarter "
             "of the data's variance %.4f" % (last_loss, variance))
print("CHECK OK")
