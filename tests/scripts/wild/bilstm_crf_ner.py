"""BiLSTM-CRF named-entity tagger on a tiny embedded corpus (IOB tags, padded batches).

In the manner of the 2017 sequence-tagging tutorials (guillaumegenthial's
"Sequence Tagging with Tensorflow"): word ids and lengths fed through placeholders,
embeddings from tf.contrib.layers.embed_sequence, tf.nn.bidirectional_dynamic_rnn over
LSTMCells, a projection, tf.contrib.crf.crf_log_likelihood for the loss, and both decoders:
tf.contrib.crf.crf_decode in the graph and tf.contrib.crf.viterbi_decode in NumPy.
"""
from __future__ import print_function

import random
import sys

import numpy as np
import tensorflow as tf

PEOPLE = ["john", "mary", "smith", "anna", "lee"]
PLACES = ["paris", "london", "york", "berlin"]
WORDS = ["went", "to", "met", "in", "saw", "the", "city", "and", "lives", "visited"]
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def make_sentence(rng):
    """A sentence with a person (one or two words) and a place (one or two words)."""
    person = rng.sample(PEOPLE, rng.choice([1, 2]))
    place = rng.sample(PLACES, rng.choice([1, 2]))
    words, tags = [], []
    for w in person:
        words.append(w)
        tags.append("I-PER" if tags and tags[-1] in ("B-PER", "I-PER") else "B-PER")
    for w in rng.sample(WORDS, rng.choice([1, 2, 3])):
        words.append(w)
        tags.append("O")
    for w in place:
        words.append(w)
        tags.append("I-LOC" if tags[-1] in ("B-LOC", "I-LOC") else "B-LOC")
    if rng.random() < 0.5:
        words.append(rng.choice(WORDS))
        tags.append("O")
    return words, tags


vocab = {w: i + 1 for i, w in enumerate(PEOPLE + PLACES + WORDS)}  # 0 is padding
tag2id = {t: i for i, t in enumerate(TAGS)}


def pad_sequences(sequences, pad_tok):
    max_length = max(map(lambda x: len(x), sequences))
    sequence_padded, sequence_length = [], []
    for seq in sequences:
        seq = list(seq)
        seq_ = seq[:max_length] + [pad_tok] * max(max_length - len(seq), 0)
        sequence_padded += [seq_]
        sequence_length += [min(len(seq), max_length)]
    return sequence_padded, sequence_length


def minibatches(data, minibatch_size):
    x_batch, y_batch = [], []
    for (x, y) in data:
        if len(x_batch) == minibatch_size:
            yield x_batch, y_batch
            x_batch, y_batch = [], []
        x_batch += [x]
        y_batch += [y]
    if len(x_batch) != 0:
        yield x_batch, y_batch


rng = random.Random(7)
train_data, test_data = [], []
for i in range(240):
    words, tags = make_sentence(rng)
    item = ([vocab[w] for w in words], [tag2id[t] for t in tags])
    (train_data if i < 200 else test_data).append(item)

ntags = len(TAGS)
hidden_size_lstm = 32
dim_word = 24
tf.set_random_seed(1)

word_ids = tf.placeholder(tf.int32, shape=[None, None], name="word_ids")
sequence_lengths = tf.placeholder(tf.int32, shape=[None], name="sequence_lengths")
labels = tf.placeholder(tf.int32, shape=[None, None], name="labels")
dropout = tf.placeholder(dtype=tf.float32, shape=[], name="dropout")
lr = tf.placeholder(dtype=tf.float32, shape=[], name="lr")

with tf.variable_scope("words"):
    word_embeddings = tf.contrib.layers.embed_sequence(
        word_ids, vocab_size=len(vocab) + 1, embed_dim=dim_word)
word_embeddings = tf.nn.dropout(word_embeddings, dropout)

with tf.variable_scope("bi-lstm"):
    cell_fw = tf.contrib.rnn.LSTMCell(hidden_size_lstm)
    cell_bw = tf.contrib.rnn.LSTMCell(hidden_size_lstm)
    (output_fw, output_bw), _ = tf.nn.bidirectional_dynamic_rnn(
        cell_fw, cell_bw, word_embeddings, sequence_length=sequence_lengths, dtype=tf.float32)
    output = tf.concat([output_fw, output_bw], axis=-1)
    output = tf.nn.dropout(output, dropout)

with tf.variable_scope("proj"):
    W = tf.get_variable("W", dtype=tf.float32, shape=[2 * hidden_size_lstm, ntags])
    b = tf.get_variable("b", shape=[ntags], dtype=tf.float32, initializer=tf.zeros_initializer())
    nsteps = tf.shape(output)[1]
    output = tf.reshape(output, [-1, 2 * hidden_size_lstm])
    pred = tf.matmul(output, W) + b
    logits = tf.reshape(pred, [-1, nsteps, ntags])

log_likelihood, trans_params = tf.contrib.crf.crf_log_likelihood(
    logits, labels, sequence_lengths)
loss = tf.reduce_mean(-log_likelihood)
tf.summary.scalar("loss", loss)
decode_tags, best_score = tf.contrib.crf.crf_decode(logits, trans_params, sequence_lengths)

optimizer = tf.train.AdamOptimizer(lr)
grads, vs = zip(*optimizer.compute_gradients(loss))
grads, gnorm = tf.clip_by_global_norm(grads, 5.0)
train_op = optimizer.apply_gradients(zip(grads, vs))


def feed_dict(words, tags=None, lr_=None, dropout_=1.0):
    ids, lengths = pad_sequences(words, 0)
    feed = {word_ids: ids, sequence_lengths: lengths, dropout: dropout_}
    if tags is not None:
        feed[labels] = pad_sequences(tags, 0)[0]
    if lr_ is not None:
        feed[lr] = lr_
    return feed, lengths


def run_evaluate(sess, data):
    correct, total, same_as_graph = 0., 0., True
    for words, tags in minibatches(data, 20):
        fd, lengths = feed_dict(words)
        logits_v, trans_v, graph_tags = sess.run([logits, trans_params, decode_tags], fd)
        for logit, length, lab, g in zip(logits_v, lengths, tags, graph_tags):
            logit = logit[:length]
            viterbi_seq, viterbi_score = tf.contrib.crf.viterbi_decode(logit, trans_v)
            same_as_graph = same_as_graph and list(viterbi_seq) == list(g[:length])
            correct += sum(a == b for a, b in zip(lab, viterbi_seq))
            total += length
    return correct / total, same_as_graph


with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first_acc, _ = run_evaluate(sess, test_data)
    losses = []
    for epoch in range(8):
        random.Random(epoch).shuffle(train_data)
        for words, tags in minibatches(train_data, 20):
            fd, _ = feed_dict(words, tags, 0.01, 0.8)
            _, train_loss = sess.run([train_op, loss], feed_dict=fd)
            losses.append(train_loss)
        acc, same = run_evaluate(sess, test_data)
        print("epoch %d: loss %.4f, dev acc %.2f" % (epoch + 1, train_loss, 100 * acc))
    trans_matrix = sess.run(trans_params)

print("first loss: %.4f" % losses[0])
print("last loss: %.4f" % losses[-1])
print("first accuracy: %.4f" % first_acc)
print("last accuracy: %.4f" % acc)
print("crf_decode == viterbi_decode: %s" % same)
# The CRF should learn that I-PER never follows O: its transition score is the lowest of O's row.
o_row = trans_matrix[tag2id["O"]]
if not losses[-1] < 0.2 * losses[0]:
    sys.exit("CHECK FAILED: loss did not fall (%.3f -> %.3f)" % (losses[0], losses[-1]))
if not acc > 0.95:
    sys.exit("CHECK FAILED: token accuracy %.3f" % acc)
if not same:
    sys.exit("CHECK FAILED: crf_decode and viterbi_decode disagree")
if np.argmin(o_row) not in (tag2id["I-PER"], tag2id["I-LOC"]):
    sys.exit("CHECK FAILED: transitions O->I-* not learnt as unlikely: %s" % o_row)
print("CHECK OK")
