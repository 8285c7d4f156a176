"""Multi-layer character-level LSTM language model, trained, saved, restored and sampled.

In the manner of the 2016-2017 char-rnn ports (sherjilozair/char-rnn-tensorflow): a Model
class built twice from the same args (a training graph, then a one-character sampling graph
that restores the checkpoint), MultiRNNCell of BasicLSTMCells, an embedding matrix,
tf.clip_by_global_norm, a learning-rate variable decayed with tf.assign, tf.train.Saver,
six.moves.cPickle for the config and vocabulary. The corpus is embedded: two short lines
repeated.
"""
from __future__ import print_function

import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import tensorflow as tf
from six.moves import cPickle
from tensorflow.contrib import rnn

TEXT = ("the cat sat on the mat. the dog sat on the log. " * 40)


class TextLoader(object):
    def __init__(self, text, batch_size, seq_length):
        self.batch_size = batch_size
        self.seq_length = seq_length
        self.chars = sorted(set(text))
        self.vocab_size = len(self.chars)
        self.vocab = dict(zip(self.chars, range(len(self.chars))))
        self.tensor = np.array(list(map(self.vocab.get, text)))
        self.create_batches()
        self.reset_batch_pointer()

    def create_batches(self):
        self.num_batches = int(self.tensor.size / (self.batch_size * self.seq_length))
        self.tensor = self.tensor[:self.num_batches * self.batch_size * self.seq_length]
        xdata = self.tensor
        ydata = np.copy(self.tensor)
        ydata[:-1] = xdata[1:]
        ydata[-1] = xdata[0]
        self.x_batches = np.split(xdata.reshape(self.batch_size, -1), self.num_batches, 1)
        self.y_batches = np.split(ydata.reshape(self.batch_size, -1), self.num_batches, 1)

    def next_batch(self):
        x, y = self.x_batches[self.pointer], self.y_batches[self.pointer]
        self.pointer += 1
        return x, y

    def reset_batch_pointer(self):
        self.pointer = 0


class Model(object):
    def __init__(self, args, training=True):
        self.args = args
        if not training:
            args.batch_size = 1
            args.seq_length = 1

        cells = []
        for _ in range(args.num_layers):
            cell = rnn.BasicLSTMCell(args.rnn_size)
            if training and (args.output_keep_prob < 1.0 or args.input_keep_prob < 1.0):
                cell = rnn.DropoutWrapper(cell, input_keep_prob=args.input_keep_prob,
                                          output_keep_prob=args.output_keep_prob)
            cells.append(cell)
        self.cell = cell = rnn.MultiRNNCell(cells, state_is_tuple=True)

        self.input_data = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.targets = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.initial_state = cell.zero_state(args.batch_size, tf.float32)

        with tf.variable_scope('rnnlm'):
            softmax_w = tf.get_variable("softmax_w", [args.rnn_size, args.vocab_size])
            softmax_b = tf.get_variable("softmax_b", [args.vocab_size])

        embedding = tf.get_variable("embedding", [args.vocab_size, args.rnn_size])
        inputs = tf.nn.embedding_lookup(embedding, self.input_data)
        inputs = tf.split(inputs, args.seq_length, 1)
        inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

        outputs, last_state = rnn.static_rnn(cell, inputs, initial_state=self.initial_state,
                                             scope='rnnlm')
        output = tf.reshape(tf.concat(outputs, 1), [-1, args.rnn_size])

        self.logits = tf.matmul(output, softmax_w) + softmax_b
        self.probs = tf.nn.softmax(self.logits)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(self.targets, [-1]), logits=self.logits)
        with tf.name_scope('cost'):
            self.cost = tf.reduce_sum(loss) / args.batch_size / args.seq_length
        self.final_state = last_state
        self.lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), args.grad_clip)
        with tf.name_scope('optimizer'):
            optimizer = tf.train.AdamOptimizer(self.lr)
        self.train_op = optimizer.apply_gradients(zip(grads, tvars))

    def sample(self, sess, chars, vocab, num=200, prime='the ', sampling_type=1):
        state = sess.run(self.cell.zero_state(1, tf.float32))
        for char in prime[:-1]:
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            state = sess.run(self.final_state, {self.input_data: x, self.initial_state: state})

        def weighted_pick(weights):
            t = np.cumsum(weights)
            s = np.sum(weights)
            return int(np.searchsorted(t, np.random.rand(1) * s))

        ret = prime
        char = prime[-1]
        for _ in range(num):
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            probs, state = sess.run([self.probs, self.final_state],
                                    {self.input_data: x, self.initial_state: state})
            p = probs[0]
            sample = np.argmax(p) if sampling_type == 0 else weighted_pick(p)
            char = chars[sample]
            ret += char
        return ret


def train(args, data_loader):
    model = Model(args)
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        saver = tf.train.Saver(tf.global_variables())
        for e in range(args.num_epochs):
            sess.run(tf.assign(model.lr, args.learning_rate * (args.decay_rate ** e)))
            data_loader.reset_batch_pointer()
            state = sess.run(model.initial_state)
            for _ in range(data_loader.num_batches):
                x, y = data_loader.next_batch()
                feed = {model.input_data: x, model.targets: y}
                for i, (c, h) in enumerate(model.initial_state):
                    feed[c] = state[i].c
                    feed[h] = state[i].h
                train_loss, state, _ = sess.run([model.cost, model.final_state, model.train_op],
                                                feed)
                losses.append(train_loss)
            print("epoch {}/{}, train_loss = {:.3f}".format(e + 1, args.num_epochs, train_loss))
        checkpoint_path = os.path.join(args.save_dir, 'model.ckpt')
        saver.save(sess, checkpoint_path, global_step=args.num_epochs * data_loader.num_batches)
        print("model saved to {}".format(checkpoint_path))
    return losses


def sample(args, chars, vocab):
    model = Model(args, training=False)
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        saver = tf.train.Saver(tf.global_variables())
        ckpt = tf.train.get_checkpoint_state(args.save_dir)
        if ckpt and ckpt.model_checkpoint_path:
            saver.restore(sess, ckpt.model_checkpoint_path)
            return model.sample(sess, chars, vocab, 48, 'the ', 0)
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--save_dir', type=str, default=None)
    parser.add_argument('--rnn_size', type=int, default=48)
    parser.add_argument('--num_layers', type=int, default=2)
    parser.add_argument('--batch_size', type=int, default=10)
    parser.add_argument('--seq_length', type=int, default=24)
    parser.add_argument('--num_epochs', type=int, default=12)
    parser.add_argument('--grad_clip', type=float, default=5.)
    parser.add_argument('--learning_rate', type=float, default=0.01)
    parser.add_argument('--decay_rate', type=float, default=0.97)
    parser.add_argument('--output_keep_prob', type=float, default=1.0)
    parser.add_argument('--input_keep_prob', type=float, default=1.0)
    args = parser.parse_args()
    own_dir = args.save_dir is None
    if own_dir:
        args.save_dir = tempfile.mkdtemp(prefix="char_rnn_")

    np.random.seed(0)
    tf.set_random_seed(0)
    data_loader = TextLoader(TEXT, args.batch_size, args.seq_length)
    args.vocab_size = data_loader.vocab_size
    with open(os.path.join(args.save_dir, 'config.pkl'), 'wb') as f:
        cPickle.dump(args, f)
    with open(os.path.join(args.save_dir, 'chars_vocab.pkl'), 'wb') as f:
        cPickle.dump((data_loader.chars, data_loader.vocab), f)
    losses = train(args, data_loader)

    tf.reset_default_graph()
    with open(os.path.join(args.save_dir, 'config.pkl'), 'rb') as f:
        saved_args = cPickle.load(f)
    with open(os.path.join(args.save_dir, 'chars_vocab.pkl'), 'rb') as f:
        chars, vocab = cPickle.load(f)
    text = sample(saved_args, chars, vocab)
    if own_dir:
        shutil.rmtree(args.save_dir, ignore_errors=True)
    print("sample: %r" % text)
    print("first loss: %.4f" % losses[0])
    print("last loss: %.4f" % losses[-1])
    if not losses[-1] < 0.5 * losses[0]:
        sys.exit("CHECK FAILED: loss did not fall enough (%.3f -> %.3f)" % (losses[0], losses[-1]))
    if text is None or "sat on the" not in text:
        sys.exit("CHECK FAILED: the restored model does not sample the corpus: %r" % text)
    print("CHECK OK")


if __name__ == '__main__':
    main()
