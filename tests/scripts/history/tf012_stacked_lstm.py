"""A stacked LSTM as TF 0.12 tutorials wrote it: tf.nn.rnn, MultiRNNCell([cell] * 2), tf.pack,
tf.concat(axis, values), positional softmax_cross_entropy_with_logits(logits, labels),
tf.scalar_summary and tf.train.SummaryWriter. Prints its numbers as JSON; argv[1] is the log dir.
"""
import json
import sys

import numpy as np
import tensorflow as tf

log_dir = sys.argv[1]
batch_size, n_steps, n_input, n_hidden = 2, 3, 3, 4

x = tf.placeholder(tf.float32, [None, n_steps, n_input])
y = tf.placeholder(tf.float32, [None, 2])
w = tf.Variable(tf.random_normal([n_hidden, 2], seed=1))

cell = tf.nn.rnn_cell.BasicLSTMCell(n_hidden, forget_bias=1.0, state_is_tuple=True)
stack = tf.nn.rnn_cell.MultiRNNCell([cell] * 2, state_is_tuple=True)
inputs = tf.unpack(tf.transpose(x, [1, 0, 2]))  # n_steps tensors [batch, n_input]
outputs, states = tf.nn.rnn(stack, inputs, dtype=tf.float32)
top = tf.pack(outputs, axis=1)

both = tf.concat(1, [outputs[-1], states[-1].h])
first, second = tf.split(1, 2, both)
logits = tf.matmul(tf.sub(tf.mul(tf.mul(first, 1.0), 2.0), tf.neg(second)), w)
loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits, y))
with tf.name_scope("train"):
    tf.scalar_summary("loss", loss)
merged = tf.merge_all_summaries()

init = tf.initialize_all_variables()
rng = np.random.RandomState(0)
batch_x = rng.randn(batch_size, n_steps, n_input).astype("float32")
batch_y = np.eye(2)[[0, 1]].astype("float32")
with tf.Session() as sess:
    sess.run(init)
    writer = tf.train.SummaryWriter(log_dir, sess.graph)
    top_v, logits_v, loss_v, summary = sess.run([top, logits, loss, merged],
                                                {x: batch_x, y: batch_y})
    writer.add_summary(summary, 0)
    writer.close()
    variables = {v.name: sess.run(v).tolist() for v in tf.trainable_variables()}

print(json.dumps({"x": batch_x.tolist(), "y": batch_y.tolist(), "top": top_v.tolist(),
                  "logits": logits_v.tolist(), "loss": float(loss_v), "variables": variables}))
