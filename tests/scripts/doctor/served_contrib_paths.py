"""TF 1.x code reaching contrib through aliases, private paths, slim, Keras 2 and the MNIST
reader: everything here is served by tf1-lstm run. Never run: tf1-lstm doctor reads it."""
import keras
import tensorflow as tf
import tensorflow.contrib.slim as slim
from keras.layers.recurrent import LSTM
from tensorflow.contrib import rnn
from tensorflow.contrib.rnn.python.ops import rnn_cell
from tensorflow.examples.tutorials.mnist import input_data
from tensorflow.python.ops import rnn_cell_impl

flags = tf.app.flags
flags.DEFINE_integer("batch_size", 128, "rows per step")
mnist = input_data.read_data_sets("/tmp/data/", one_hot=True)
cells = [rnn.BasicLSTMCell(64), rnn_cell.LayerNormBasicLSTMCell(64)]
stack = rnn.MultiRNNCell(cells)
net = slim.fully_connected(tf.zeros([2, 3]), 4, weights_regularizer=slim.l2_regularizer(0.1))
projection = rnn_cell_impl._linear
model = keras.models.Sequential([LSTM(8)])
