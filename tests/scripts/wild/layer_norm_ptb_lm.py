"""Word-level LSTM language model with layer normalisation and recurrent dropout, PTB style.

In the manner of the TF 1.x PTB tutorial (tutorials/rnn/ptb/ptb_word_lm.py) as people
adapted it in 2017: a PTBModel class built under tf.variable_scope("Model") for training
(dropout on) and again with reuse=True for evaluation (dropout off), the time loop written
out with tf.get_variable_scope().reuse_variables(), state carried across batches, perplexity
reported per epoch. The cell is tf.contrib.rnn.LayerNormBasicLSTMCell with its own
recurrent dropout (dropout_keep_prob). The corpus is an embedded toy grammar.
"""
from __future__ import absolute_import, division, print_function

import sys
import time

import numpy as np
import tensorflow as tf

SENTENCES = [
    "the cat eats fish", "the dog eats meat", "a cat sees a dog", "a dog sees the cat",
    "the bird eats seeds", "a bird sees the fish", "the fish sees a bird",
]


def build_corpus(n_sentences, seed):
    rng = np.random.RandomState(seed)
    words = []
    for i in rng.randint(len(SENTENCES), size=n_sentences):
        words += SENTENCES[i].split() + ["<eos>"]
    vocab = sorted(set(" ".join(SENTENCES).split()) | {"<eos>"})
    word_to_id = dict(zip(vocab, range(len(vocab))))
    return [word_to_id[w] for w in words], len(vocab)


def ptb_iterator(raw_data, batch_size, num_steps):
    raw_data = np.array(raw_data, dtype=np.int32)
    data_len = len(raw_data)
    batch_len = data_len // batch_size
    data = np.zeros([batch_size, batch_len], dtype=np.int32)
    for i in range(batch_size):
        data[i] = raw_data[batch_len * i:batch_len * (i + 1)]
    epoch_size = (batch_len - 1) // num_steps
    if epoch_size == 0:
        raise ValueError("epoch_size == 0, decrease batch_size or num_steps")
    for i in range(epoch_size):
        x = data[:, i * num_steps:(i + 1) * num_steps]
        y = data[:, i * num_steps + 1:(i + 1) * num_steps + 1]
        yield (x, y)


class SmallConfig(object):
    init_scale = 0.1
    learning_rate = 0.5
    max_grad_norm = 5
    num_steps = 10
    hidden_size = 32
    max_epoch = 2
    max_max_epoch = 6
    keep_prob = 0.9
    lr_decay = 0.8
    batch_size = 8
    vocab_size = 10


class PTBModel(object):
    def __init__(self, is_training, config):
        self.batch_size = batch_size = config.batch_size
        self.num_steps = num_steps = config.num_steps
        size = config.hidden_size
        vocab_size = config.vocab_size

        self._input_data = tf.placeholder(tf.int32, [batch_size, num_steps])
        self._targets = tf.placeholder(tf.int32, [batch_size, num_steps])

        keep_prob = config.keep_prob if is_training else 1.0
        cell = tf.contrib.rnn.LayerNormBasicLSTMCell(size, forget_bias=0.0,
                                                     dropout_keep_prob=keep_prob)
        self._initial_state = cell.zero_state(batch_size, tf.float32)

        with tf.device("/cpu:0"):
            embedding = tf.get_variable("embedding", [vocab_size, size])
            inputs = tf.nn.embedding_lookup(embedding, self._input_data)

        outputs = []
        state = self._initial_state
        with tf.variable_scope("RNN"):
            for time_step in range(num_steps):
                if time_step > 0:
                    tf.get_variable_scope().reuse_variables()
                (cell_output, state) = cell(inputs[:, time_step, :], state)
                outputs.append(cell_output)

        output = tf.reshape(tf.concat(outputs, 1), [-1, size])
        softmax_w = tf.get_variable("softmax_w", [size, vocab_size])
        softmax_b = tf.get_variable("softmax_b", [vocab_size])
        logits = tf.matmul(output, softmax_w) + softmax_b
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(self._targets, [-1]), logits=logits)
        self._cost = cost = tf.reduce_sum(loss) / batch_size
        self._final_state = state

        if not is_training:
            return

        self._lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(cost, tvars), config.max_grad_norm)
        optimizer = tf.train.GradientDescentOptimizer(self.lr)
        self._train_op = optimizer.apply_gradients(zip(grads, tvars))

    def assign_lr(self, session, lr_value):
        session.run(tf.assign(self.lr, lr_value))

    @property
    def input_data(self):
        return self._input_data

    @property
    def targets(self):
        return self._targets

    @property
    def initial_state(self):
        return self._initial_state

    @property
    def cost(self):
        return self._cost

    @property
    def final_state(self):
        return self._final_state

    @property
    def lr(self):
        return self._lr

    @property
    def train_op(self):
        return self._train_op


def run_epoch(session, m, data, eval_op, verbose=False):
    epoch_size = ((len(data) // m.batch_size) - 1) // m.num_steps
    start_time = time.time()
    costs = 0.0
    iters = 0
    state = session.run(m.initial_state)
    for step, (x, y) in enumerate(ptb_iterator(data, m.batch_size, m.num_steps)):
        cost, state, _ = session.run([m.cost, m.final_state, eval_op],
                                     {m.input_data: x, m.targets: y, m.initial_state: state})
        costs += cost
        iters += m.num_steps
        if verbose and step % (epoch_size // 2) == 10:
            print("%.3f perplexity: %.3f speed: %.0f wps" %
                  (step * 1.0 / epoch_size, np.exp(costs / iters),
                   iters * m.batch_size / (time.time() - start_time)))
    return costs / iters


def main(_):
    train_data, vocab_size = build_corpus(300, 0)
    valid_data, _ = build_corpus(60, 1)
    config = SmallConfig()
    config.vocab_size = vocab_size
    eval_config = SmallConfig()
    eval_config.vocab_size = vocab_size

    with tf.Graph().as_default(), tf.Session() as session:
        tf.set_random_seed(0)
        initializer = tf.random_uniform_initializer(-config.init_scale, config.init_scale)
        with tf.variable_scope("Model", reuse=None, initializer=initializer):
            m = PTBModel(is_training=True, config=config)
        with tf.variable_scope("Model", reuse=True, initializer=initializer):
            mvalid = PTBModel(is_training=False, config=eval_config)

        tf.global_variables_initializer().run()
        first_valid = run_epoch(session, mvalid, valid_data, tf.no_op())
        print("Initial valid perplexity: %.3f" % np.exp(first_valid))
        train_costs = []
        for i in range(config.max_max_epoch):
            lr_decay = config.lr_decay ** max(i - config.max_epoch, 0.0)
            m.assign_lr(session, config.learning_rate * lr_decay)
            train_cost = run_epoch(session, m, train_data, m.train_op)
            train_costs.append(train_cost)
            valid_cost = run_epoch(session, mvalid, valid_data, tf.no_op())
            print("Epoch: %d Train Perplexity: %.3f Valid Perplexity: %.3f" %
                  (i + 1, np.exp(train_cost), np.exp(valid_cost)))
        n_variables = len(tf.trainable_variables())

    print("trainable variables: %d" % n_variables)
    print("first loss: %.4f" % first_valid)
    print("last loss: %.4f" % valid_cost)
    # Chance is log(vocab_size) ~ 2.4 nats a word; the grammar is far more predictable.
    if not valid_cost < 0.6 * first_valid:
        sys.exit("CHECK FAILED: valid loss did not fall (%.3f -> %.3f)" % (first_valid,
                                                                        valid_cost))
    print("CHECK OK")


if __name__ == "__main__":
    tf.app.run()
