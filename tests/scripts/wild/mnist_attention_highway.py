'''
Row-by-row MNIST classifier: an attention LSTM under a highway LSTM, statically unrolled.

In the manner of the 2017 TensorFlow-Examples recurrent_network.py and its many variants:
input_data.read_data_sets("/tmp/data/", one_hot=True), each image fed as 28 rows of 28
pixels through tf.unstack, rnn.static_rnn, the last output into a softmax layer. The
variant: the first layer is rnn.AttentionCellWrapper (attention over its last 5 outputs),
the second rnn.HighwayWrapper around a BasicLSTMCell, stacked with rnn.MultiRNNCell.
'''
from __future__ import print_function

import sys

import tensorflow as tf
from tensorflow.contrib import rnn
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)

# Training Parameters
learning_rate = 0.005
training_steps = 100
batch_size = 64
display_step = 20

# Network Parameters
num_input = 28  # MNIST data input (img shape: 28*28)
timesteps = 28  # timesteps
num_hidden = 32  # hidden layer num of features
num_classes = 10  # MNIST total classes (0-9 digits)

tf.set_random_seed(1)
X = tf.placeholder("float", [None, timesteps, num_input])
Y = tf.placeholder("float", [None, num_classes])

weights = {'out': tf.Variable(tf.random_normal([num_hidden, num_classes], stddev=0.1))}
biases = {'out': tf.Variable(tf.zeros([num_classes]))}


def RNN(x, weights, biases):
    # Unstack to get a list of 'timesteps' tensors of shape (batch_size, num_input)
    x = tf.unstack(x, timesteps, 1)
    attention_cell = rnn.AttentionCellWrapper(rnn.BasicLSTMCell(num_hidden, forget_bias=1.0),
                                              attn_length=5, state_is_tuple=True)
    highway_cell = rnn.HighwayWrapper(rnn.BasicLSTMCell(num_hidden, forget_bias=1.0))
    cell = rnn.MultiRNNCell([attention_cell, highway_cell])
    outputs, states = rnn.static_rnn(cell, x, dtype=tf.float32)
    return tf.matmul(outputs[-1], weights['out']) + biases['out']


logits = RNN(X, weights, biases)
prediction = tf.nn.softmax(logits)

loss_op = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate)
train_op = optimizer.minimize(loss_op)

correct_pred = tf.equal(tf.argmax(prediction, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_pred, tf.float32))

init = tf.global_variables_initializer()

test_len = 300
test_data = mnist.test.images[:test_len].reshape((-1, timesteps, num_input))
test_label = mnist.test.labels[:test_len]

with tf.Session() as sess:
    sess.run(init)
    first_loss, first_acc = sess.run([loss_op, accuracy], feed_dict={X: test_data, Y: test_label})
    for step in range(1, training_steps + 1):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        batch_x = batch_x.reshape((batch_size, timesteps, num_input))
        sess.run(train_op, feed_dict={X: batch_x, Y: batch_y})
        if step % display_step == 0 or step == 1:
            loss, acc = sess.run([loss_op, accuracy], feed_dict={X: batch_x, Y: batch_y})
            print("Step " + str(step) + ", Minibatch Loss= " +
                  "{:.4f}".format(loss) + ", Training Accuracy= " +
                  "{:.3f}".format(acc))
    print("Optimization Finished!")
    last_loss, last_acc = sess.run([loss_op, accuracy], feed_dict={X: test_data, Y: test_label})
    print("Testing Accuracy:", last_acc)

print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
print("first accuracy: %.4f" % first_acc)
print("last accuracy: %.4f" % last_acc)
if not (last_loss < 0.5 * first_loss and last_acc > 0.7):
    sys.exit("CHECK FAILED: test loss %.3f -> %.3f, accuracy %.3f" % (first_loss, last_loss,
                                                                       last_acc))
print("CHECK OK")
