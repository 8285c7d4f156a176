"""Peephole LSTM that learns the majority bit of a binary string, configured by tf.app.flags.

In the manner of the TF 1.x tutorials' command-line scripts (mnist_with_summaries.py):
FLAGS defined with tf.app.flags.DEFINE_*, a main(_) started by tf.app.run(), the log
directory wiped and re-created with tf.gfile, tf.summary.scalar / histogram merged and
written by train and test tf.summary.FileWriters, and tf.name_scope around each part.

    tf1-lstm run app_flags_majority.py --log_dir=/tmp/majority --max_steps=200
"""
from __future__ import absolute_import, division, print_function

import sys

import numpy as np
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_string("log_dir", "/tmp/tensorflow/majority/logs", "Summaries log directory")
flags.DEFINE_integer("max_steps", 200, "Number of steps to run trainer.")
flags.DEFINE_integer("seq_length", 9, "Bits per string (odd).")
flags.DEFINE_integer("num_units", 24, "LSTM units.")
flags.DEFINE_float("learning_rate", 0.01, "Initial learning rate.")
flags.DEFINE_boolean("use_peepholes", True, "Peephole connections in the LSTM.")
FLAGS = flags.FLAGS


def make_batch(rng, n):
    bits = rng.randint(0, 2, size=(n, FLAGS.seq_length)).astype(np.float32)
    label = (bits.sum(axis=1) > FLAGS.seq_length // 2).astype(np.int32)
    return bits[:, :, None], label


def train():
    rng = np.random.RandomState(5)
    tf.set_random_seed(5)
    with tf.name_scope("input"):
        x = tf.placeholder(tf.float32, [None, FLAGS.seq_length, 1], name="x-input")
        y_ = tf.placeholder(tf.int32, [None], name="y-input")

    with tf.name_scope("lstm"):
        cell = tf.nn.rnn_cell.LSTMCell(FLAGS.num_units, use_peepholes=FLAGS.use_peepholes)
        outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        tf.summary.histogram("final_h", state.h)

    with tf.name_scope("readout"):
        logits = tf.layers.dense(state.h, 2)

    with tf.name_scope("cross_entropy"):
        cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=y_, logits=logits)
    tf.summary.scalar("cross_entropy", cross_entropy)

    with tf.name_scope("train"):
        train_step = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(cross_entropy)

    with tf.name_scope("accuracy"):
        correct_prediction = tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y_)
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    tf.summary.scalar("accuracy", accuracy)

    merged = tf.summary.merge_all()
    sess = tf.InteractiveSession()
    train_writer = tf.summary.FileWriter(FLAGS.log_dir + "/train", sess.graph)
    test_writer = tf.summary.FileWriter(FLAGS.log_dir + "/test")
    tf.global_variables_initializer().run()

    test_x, test_y = make_batch(rng, 500)
    history = []
    for i in range(FLAGS.max_steps):
        if i % 20 == 0 or i == FLAGS.max_steps - 1:
            summary, acc, loss = sess.run([merged, accuracy, cross_entropy],
                                          feed_dict={x: test_x, y_: test_y})
            test_writer.add_summary(summary, i)
            history.append((loss, acc))
            print("Accuracy at step %s: %s" % (i, acc))
        else:
            bx, by = make_batch(rng, 64)
            summary, _ = sess.run([merged, train_step], feed_dict={x: bx, y_: by})
            train_writer.add_summary(summary, i)
    train_writer.close()
    test_writer.close()
    sess.close()
    return history


def main(_):
    if tf.gfile.Exists(FLAGS.log_dir):
        tf.gfile.DeleteRecursively(FLAGS.log_dir)
    tf.gfile.MakeDirs(FLAGS.log_dir)
    history = train()
    print("first loss: %.4f" % history[0][0])
    print("last loss: %.4f" % history[-1][0])
    print("first accuracy: %.4f" % history[0][1])
    print("last accuracy: %.4f" % history[-1][1])
    written = tf.gfile.ListDirectory(FLAGS.log_dir + "/train")
    if not any("tfevents" in name for name in written):
        sys.exit("CHECK FAILED: no train events in %s" % FLAGS.log_dir)
    if not (history[-1][0] < 0.5 * history[0][0] and history[-1][1] > 0.9):
        sys.exit("CHECK FAILED: did not learn the majority function")
    print("CHECK OK")


if __name__ == "__main__":
    tf.app.run()
