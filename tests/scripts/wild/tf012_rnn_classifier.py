'''
A Recurrent Neural Network (LSTM) written against TensorFlow 0.12.

In the manner of the 2016 TensorFlow-Examples recurrent_network.py: the input reshaped and
split into a list of n_steps tensors for tf.nn.rnn, a tf.nn.rnn_cell.BasicLSTMCell, weights and
biases in dicts, TF 0.12's argument orders (tf.concat(1, ...), tf.split(0, n, x),
softmax_cross_entropy_with_logits(pred, y) positional), tf.mul for the weight decay,
tf.initialize_all_variables, and TF 0.12's summaries (tf.scalar_summary,
tf.merge_all_summaries, tf.train.SummaryWriter).

The task: is the sum of a noisy sequence's first three values positive? (synthetic data)
'''
from __future__ import print_function

import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf

# Parameters
learning_rate = 0.01
training_iters = 9600
batch_size = 64
display_step = 25

# Network Parameters
n_input = 2
n_steps = 8
n_hidden = 32
n_classes = 2

rng = np.random.RandomState(1234)
tf.set_random_seed(1234)  # the initial weights too: the first accuracy is then always near chance


def next_batch(size):
    xs = rng.randn(size, n_steps, n_input).astype(np.float32)
    label = (xs[:, :3, 0].sum(axis=1) > 0).astype(np.int64)
    ys = np.eye(n_classes, dtype=np.float32)[label]
    return xs, ys


# tf Graph input
x = tf.placeholder("float", [None, n_steps, n_input])
y = tf.placeholder("float", [None, n_classes])

# Define weights
weights = {
    'out': tf.Variable(tf.random_normal([2 * n_hidden, n_classes]))
}
biases = {
    'out': tf.Variable(tf.random_normal([n_classes]))
}


def RNN(x, weights, biases):
    # Permuting batch_size and n_steps
    x = tf.transpose(x, [1, 0, 2])
    # Reshaping to (n_steps*batch_size, n_input)
    x = tf.reshape(x, [-1, n_input])
    # Split to get a list of 'n_steps' tensors of shape (batch_size, n_input)
    x = tf.split(0, n_steps, x)

    # Define a lstm cell with tensorflow
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden, forget_bias=1.0, state_is_tuple=True)

    # Get lstm cell output
    outputs, states = tf.nn.rnn(lstm_cell, x, dtype=tf.float32)

    # Linear activation, using the last output and the mean of all outputs
    features = tf.concat(1, [outputs[-1], tf.reduce_mean(tf.pack(outputs), 0)])
    return tf.matmul(features, weights['out']) + biases['out']


pred = RNN(x, weights, biases)

# Define loss and optimizer
cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(pred, y))
weight_decay = tf.mul(0.0001, tf.nn.l2_loss(weights['out']))
cost = tf.add(cross_entropy, weight_decay)
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

# Evaluate model
correct_pred = tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

tf.scalar_summary("cost", cost)
tf.scalar_summary("accuracy", accuracy)
merged = tf.merge_all_summaries()

# Initializing the variables
init = tf.initialize_all_variables()
logs_path = tempfile.mkdtemp(prefix="tf012_logs_")

test_data, test_label = next_batch(500)

# Launch the graph
with tf.Session() as sess:
    sess.run(init)
    summary_writer = tf.train.SummaryWriter(logs_path, graph=sess.graph)
    first_loss, first_acc = sess.run([cross_entropy, accuracy],
                                     feed_dict={x: test_data, y: test_label})
    step = 1
    # Keep training until reach max iterations
    while step * batch_size < training_iters:
        batch_x, batch_y = next_batch(batch_size)
        _, summary = sess.run([optimizer, merged], feed_dict={x: batch_x, y: batch_y})
        summary_writer.add_summary(summary, step)
        if step % display_step == 0:
            acc, loss = sess.run([accuracy, cost], feed_dict={x: batch_x, y: batch_y})
            print("Iter " + str(step * batch_size) + ", Minibatch Loss= " +
                  "{:.6f}".format(loss) + ", Training Accuracy= " + "{:.5f}".format(acc))
        step += 1
    print("Optimization Finished!")
    summary_writer.close()

    last_loss, last_acc = sess.run([cross_entropy, accuracy],
                                   feed_dict={x: test_data, y: test_label})
    print("Testing Accuracy:", last_acc)

events = [f for f in tf.gfile.ListDirectory(logs_path) if "tfevents" in f]
shutil.rmtree(logs_path, ignore_errors=True)
print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
print("first accuracy: %.4f" % first_acc)
print("last accuracy: %.4f" % last_acc)
if not events:
    sys.exit("CHECK FAILED: no event file written by tf.train.SummaryWriter")
if not (last_loss < 0.5 * first_loss and last_acc > 0.9):
    sys.exit("CHECK FAILED: did not learn (loss %.3f -> %.3f, accuracy %.3f)"
             % (first_loss, last_loss, last_acc))
print("CHECK OK")
