"""Character-level language model over legacy_seq2seq.rnn_decoder, trained, saved, sampled.

In the manner of sherjilozair/char-rnn-tensorflow as of TF 1.0 - 1.2: a Model(args,
infer=False) built once for training and again (infer=True, in a fresh graph, restoring the
checkpoint) for sampling; rnn.MultiRNNCell of rnn.GRUCell; an embedding looked up and cut
into a per-step list with tf.split(inputs, seq_length, 1) + tf.squeeze; the unrolled decoder
legacy_seq2seq.rnn_decoder(inputs, initial_state, cell, loop_function=loop if infer else
None, scope='rnnlm'); the cost from legacy_seq2seq.sequence_loss_by_example; Adam on
clipped gradients with the learning rate a Variable decayed per epoch with tf.assign.

Two samplers: the script's weighted pick, one character per run (seq_length 1, the state fed
back), and the loop function: a graph of seq_length steps whose first input is the last
character of the prime, each next input the embedding of the previous step's argmax.
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
from tensorflow.contrib import legacy_seq2seq
from tensorflow.contrib import rnn

TEXT = "twinkle twinkle little star, how i wonder what you are. " * 30


class TextLoader():
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


class Model():
    def __init__(self, args, infer=False):
        self.args = args
        if infer:
            args.batch_size = 1
            args.seq_length = args.sample_length if args.loop_sampling else 1

        if args.model == 'rnn':
            cell_fn = rnn.BasicRNNCell
        elif args.model == 'gru':
            cell_fn = rnn.GRUCell
        elif args.model == 'lstm':
            cell_fn = rnn.BasicLSTMCell
        else:
            raise Exception("model type not supported: {}".format(args.model))

        cells = []
        for _ in range(args.num_layers):
            cells.append(cell_fn(args.rnn_size))
        self.cell = cell = rnn.MultiRNNCell(cells, state_is_tuple=True)

        self.input_data = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.targets = tf.placeholder(tf.int32, [args.batch_size, args.seq_length])
        self.initial_state = cell.zero_state(args.batch_size, tf.float32)

        with tf.variable_scope('rnnlm'):
            softmax_w = tf.get_variable("softmax_w", [args.rnn_size, args.vocab_size])
            softmax_b = tf.get_variable("softmax_b", [args.vocab_size])
            with tf.device("/cpu:0"):
                embedding = tf.get_variable("embedding", [args.vocab_size, args.rnn_size])
                inputs = tf.split(tf.nn.embedding_lookup(embedding, self.input_data),
                                  args.seq_length, 1)
                inputs = [tf.squeeze(input_, [1]) for input_ in inputs]

        def loop(prev, _):
            prev = tf.matmul(prev, softmax_w) + softmax_b
            prev_symbol = tf.stop_gradient(tf.argmax(prev, 1))
            return tf.nn.embedding_lookup(embedding, prev_symbol)

        outputs, last_state = legacy_seq2seq.rnn_decoder(
            inputs, self.initial_state, cell, loop_function=loop if infer else None,
            scope='rnnlm')
        output = tf.reshape(tf.concat(outputs, 1), [-1, args.rnn_size])
        self.logits = tf.matmul(output, softmax_w) + softmax_b
        self.probs = tf.nn.softmax(self.logits)
        loss = legacy_seq2seq.sequence_loss_by_example(
            [self.logits],
            [tf.reshape(self.targets, [-1])],
            [tf.ones([args.batch_size * args.seq_length])],
            args.vocab_size)
        self.cost = tf.reduce_sum(loss) / args.batch_size / args.seq_length
        self.final_state = last_state
        self.lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, tvars), args.grad_clip)
        optimizer = tf.train.AdamOptimizer(self.lr)
        self.train_op = optimizer.apply_gradients(zip(grads, tvars))

    def prime_state(self, sess, vocab, prime):
        state = sess.run(self.cell.zero_state(1, tf.float32))
        for char in prime[:-1]:
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            feed = {self.input_data: x, self.initial_state: state}
            [state] = sess.run([self.final_state], feed)
        return state

    def sample(self, sess, chars, vocab, num=200, prime='the '):
        state = self.prime_state(sess, vocab, prime)

        def weighted_pick(weights):
            t = np.cumsum(weights)
            s = np.sum(weights)
            return int(np.searchsorted(t, np.random.rand() * s))

        ret = prime
        char = prime[-1]
        for n in range(num):
            x = np.zeros((1, 1))
            x[0, 0] = vocab[char]
            feed = {self.input_data: x, self.initial_state: state}
            [probs, state] = sess.run([self.probs, self.final_state], feed)
            sample = weighted_pick(probs[0])
            char = chars[sample]
            ret += char
        return ret

    def sample_loop(self, chars, vocab, sess, state, prime):
        # Only the first input is read: the loop function feeds back each argmax.
        x = np.zeros((1, self.args.seq_length))
        x[0, 0] = vocab[prime[-1]]
        feed = {self.input_data: x, self.initial_state: state}
        probs = sess.run(self.probs, feed)
        return prime + ''.join(chars[i] for i in np.argmax(probs, 1))


def train(args):
    data_loader = TextLoader(TEXT, args.batch_size, args.seq_length)
    args.vocab_size = data_loader.vocab_size
    with open(os.path.join(args.save_dir, 'config.pkl'), 'wb') as f:
        cPickle.dump(args, f)
    with open(os.path.join(args.save_dir, 'chars_vocab.pkl'), 'wb') as f:
        cPickle.dump((data_loader.chars, data_loader.vocab), f)

    model = Model(args)
    losses = []
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        saver = tf.train.Saver(tf.global_variables())
        for e in range(args.num_epochs):
            sess.run(tf.assign(model.lr, args.learning_rate * (args.decay_rate ** e)))
            data_loader.reset_batch_pointer()
            state = sess.run(model.initial_state)
            for b in range(data_loader.num_batches):
                x, y = data_loader.next_batch()
                feed = {model.input_data: x, model.targets: y}
                for i, h in enumerate(model.initial_state):
                    feed[h] = state[i]
                train_loss, state, _ = sess.run(
                    [model.cost, model.final_state, model.train_op], feed)
                losses.append(train_loss)
            print("{}/{} (epoch {}), train_loss = {:.3f}".format(
                e * data_loader.num_batches + b, args.num_epochs * data_loader.num_batches,
                e, train_loss))
        checkpoint_path = os.path.join(args.save_dir, 'model.ckpt')
        saver.save(sess, checkpoint_path, global_step=args.num_epochs * data_loader.num_batches)
        print("model saved to {}".format(checkpoint_path))
    return losses


def sample(save_dir, prime, loop_sampling):
    with open(os.path.join(save_dir, 'config.pkl'), 'rb') as f:
        saved_args = cPickle.load(f)
    with open(os.path.join(save_dir, 'chars_vocab.pkl'), 'rb') as f:
        chars, vocab = cPickle.load(f)
    tf.reset_default_graph()
    if loop_sampling:
        # The state after the prime, from the one-character graph, then the loop graph.
        saved_args.loop_sampling = False
        stepper = Model(saved_args, True)
        with tf.Session() as sess:
            tf.train.Saver(tf.global_variables()).restore(
                sess, tf.train.get_checkpoint_state(save_dir).model_checkpoint_path)
            state = stepper.prime_state(sess, vocab, prime)
        tf.reset_default_graph()
        saved_args.loop_sampling = True
    model = Model(saved_args, True)
    with tf.Session() as sess:
        tf.global_variables_initializer().run()
        saver = tf.train.Saver(tf.global_variables())
        ckpt = tf.train.get_checkpoint_state(save_dir)
        if not (ckpt and ckpt.model_checkpoint_path):
            return None
        saver.restore(sess, ckpt.model_checkpoint_path)
        if loop_sampling:
            return model.sample_loop(chars, vocab, sess, state, prime)
        return model.sample(sess, chars, vocab, 40, prime)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--save_dir', type=str, default=None)
    parser.add_argument('--model', type=str, default='gru', help='rnn, gru, or lstm')
    parser.add_argument('--rnn_size', type=int, default=64)
    parser.add_argument('--num_layers', type=int, default=2)
    parser.add_argument('--batch_size', type=int, default=10)
    parser.add_argument('--seq_length', type=int, default=16)
    parser.add_argument('--num_epochs', type=int, default=6)
    parser.add_argument('--grad_clip', type=float, default=5.)
    parser.add_argument('--learning_rate', type=float, default=0.01)
    parser.add_argument('--decay_rate', type=float, default=0.95)
    parser.add_argument('--sample_length', type=int, default=40)
    parser.add_argument('--loop_sampling', action='store_true', default=False)
    args = parser.parse_args()
    own_dir = args.save_dir is None
    if own_dir:
        args.save_dir = tempfile.mkdtemp(prefix="char_rnn_legacy_")

    np.random.seed(0)
    tf.set_random_seed(0)
    losses = train(args)
    prime = 'twinkle '
    sampled = sample(args.save_dir, prime, loop_sampling=False)
    looped = sample(args.save_dir, prime, loop_sampling=True)
    if own_dir:
        shutil.rmtree(args.save_dir, ignore_errors=True)

    print("weighted pick sample: %r" % sampled)
    print("loop function sample: %r" % looped)
    print("first loss: %.4f" % losses[0])
    print("last loss: %.4f" % losses[-1])
    if not losses[-1] < 0.25 * losses[0]:
        sys.exit("CHECK FAILED: loss did not fall enough (%.3f -> %.3f)"
                 % (losses[0], losses[-1]))
    if sampled is None or looped is None:
        sys.exit("CHECK FAILED: no checkpoint to sample from")
    if "how i wonder" not in looped or len(looped) != len(prime) + args.sample_length:
        sys.exit("CHECK FAILED: the loop function does not generate the rhyme: %r" % looped)
    words = sampled.split()[:-1]  # the last word may be cut short
    known = np.mean([w in TEXT.split() for w in words]) if words else 0.0
    if len(sampled) != len(prime) + 40 or known < 0.6:
        sys.exit("CHECK FAILED: the weighted pick sample is not the rhyme's words: %r" % sampled)
    print("CHECK OK")


if __name__ == '__main__':
    main()
