"""Sensor-window activity classifier with early stopping, from the NumPy 1.1x years.

In the manner of 2017-2018 human-activity-recognition LSTM notebooks turned into scripts:
raw readings cast with .astype(np.float), windows and labels in np.int arrays, per-channel
standardisation, one-hot labels, best_loss = np.Inf for early stopping, np.asscalar to log
numbers, a two-layer GRU (tf.contrib.rnn) under tf.nn.dynamic_rnn and tf.layers.dense.
The data are synthetic three-axis "accelerometer" traces of three activities.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

N_CLASSES = 3
WINDOW = 16
N_CHANNELS = 3


def load_raw(n, rng):
    """Integer-valued readings (as a CSV would give them) and an activity per window."""
    activity = rng.randint(0, N_CLASSES, size=n)
    t = np.arange(WINDOW)
    raw = np.zeros((n, WINDOW, N_CHANNELS), dtype=np.int)
    for i, a in enumerate(activity):
        freq = [0.2, 0.6, 1.2][a]
        for c in range(N_CHANNELS):
            signal = 100 * np.sin(freq * t + rng.uniform(0, 6.28)) + 30 * rng.randn(WINDOW)
            raw[i, :, c] = (signal + 500).astype(np.int)
    return raw, activity


def preprocess(raw, labels, mean=None, std=None):
    x = raw.astype(np.float)
    if mean is None:
        mean = x.mean(axis=(0, 1))
        std = x.std(axis=(0, 1))
    x = (x - mean) / std
    y = np.zeros((len(labels), N_CLASSES), dtype=np.float)
    y[np.arange(len(labels)), labels.astype(np.int)] = 1.0
    return x.astype(np.float32), y.astype(np.float32), mean, std


rng = np.random.RandomState(11)
raw_train, lab_train = load_raw(600, rng)
raw_val, lab_val = load_raw(150, rng)
X_train, y_train, mean, std = preprocess(raw_train, lab_train)
X_val, y_val, _, _ = preprocess(raw_val, lab_val, mean, std)
print("train windows:", X_train.shape, "mean reading per channel:", np.round(mean, 1))

graph = tf.Graph()
with graph.as_default():
    tf.set_random_seed(11)
    inputs_ = tf.placeholder(tf.float32, [None, WINDOW, N_CHANNELS], name='inputs')
    labels_ = tf.placeholder(tf.float32, [None, N_CLASSES], name='labels')
    keep_prob_ = tf.placeholder(tf.float32, name='keep')
    cells = [tf.contrib.rnn.DropoutWrapper(tf.contrib.rnn.GRUCell(32),
                                           output_keep_prob=keep_prob_) for _ in range(2)]
    cell = tf.contrib.rnn.MultiRNNCell(cells)
    outputs, final_state = tf.nn.dynamic_rnn(cell, inputs_, dtype=tf.float32)
    logits = tf.layers.dense(outputs[:, -1], N_CLASSES, name='logits')
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits,
                                                                     labels=labels_))
    optimizer = tf.train.AdamOptimizer(0.005).minimize(cost)
    correct_pred = tf.equal(tf.argmax(logits, 1), tf.argmax(labels_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32), name='accuracy')


def get_batches(X, y, batch_size=50):
    n_batches = len(X) // batch_size
    for b in range(0, n_batches * batch_size, batch_size):
        yield X[b:b + batch_size], y[b:b + batch_size]


validation_loss, validation_acc = [], []
best_loss, patience, wait = np.Inf, 3, 0
with tf.Session(graph=graph) as sess:
    sess.run(tf.global_variables_initializer())
    first = sess.run([cost, accuracy], {inputs_: X_val, labels_: y_val, keep_prob_: 1.0})
    for e in range(8):
        for x, y in get_batches(X_train, y_train):
            sess.run(optimizer, {inputs_: x, labels_: y, keep_prob_: 0.8})
        val_loss, val_acc = sess.run([cost, accuracy],
                                     {inputs_: X_val, labels_: y_val, keep_prob_: 1.0})
        validation_loss.append(np.asscalar(np.array(val_loss)))
        validation_acc.append(np.asscalar(np.array(val_acc)))
        print("Epoch: {}/{}".format(e + 1, 8), "Validation loss: {:.6f}".format(val_loss),
              "Validation acc: {:.6f}".format(val_acc))
        if val_loss < best_loss:
            best_loss, wait = val_loss, 0
        else:
            wait += 1
            if wait >= patience:
                print("early stopping")
                break

print("first loss: %.4f" % first[0])
print("last loss: %.4f" % validation_loss[-1])
print("first accuracy: %.4f" % first[1])
print("last accuracy: %.4f" % validation_acc[-1])
if not validation_loss[-1] < 0.3 * first[0]:
    sys.exit("CHECK FAILED: validation loss did not fall")
if not validation_acc[-1] > 0.9:
    sys.exit("CHECK FAILED: validation accuracy %.3f" % validation_acc[-1])
print("CHECK OK")
