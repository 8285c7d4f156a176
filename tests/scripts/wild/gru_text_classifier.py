"""GRU sentence classifier trained with tf.contrib.layers.optimize_loss.

In the manner of the 2017 tf.contrib text-classification examples: documents turned into
word ids by tf.contrib.learn.preprocessing.VocabularyProcessor, embedded with
tf.contrib.layers.embed_sequence, a DropoutWrapper'd tf.contrib.rnn.GRUCell under
tf.nn.dynamic_rnn with sequence lengths, the last relevant output into
tf.contrib.layers.fully_connected, and tf.contrib.layers.optimize_loss (Adam, gradient
clipping, learning-rate decay, summaries) as the training op. Embedded data: short
"reviews" whose label is whether good words outnumber bad ones.
"""
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf

MAX_DOCUMENT_LENGTH = 12
EMBEDDING_SIZE = 16
GOOD = ["good", "great", "fine"]
BAD = ["bad", "awful", "poor"]
FILLER = ["the", "movie", "plot", "was", "and", "actors", "music", "very", "quite", "a",
          "story", "film", "ending", "but", "it", "really", "so", "long", "cast", "scenes"]
COUNTS = [(1, 0), (0, 1), (2, 1), (1, 2), (2, 0), (0, 2)]


def make_reviews(n, rng):
    """Short "reviews": positive when they hold more good words than bad ones."""
    reviews, labels = [], []
    for _ in range(n):
        words = list(rng.choice(FILLER, rng.randint(4, MAX_DOCUMENT_LENGTH + 1)))
        n_good, n_bad = COUNTS[rng.randint(len(COUNTS))]
        slots = rng.choice(len(words), n_good + n_bad, replace=False)
        for k, s in enumerate(slots):
            words[s] = rng.choice(GOOD) if k < n_good else rng.choice(BAD)
        reviews.append(" ".join(words))
        labels.append(int(n_good > n_bad))
    return reviews, np.array(labels, dtype=np.int32)


def last_relevant(output, length):
    batch_size = tf.shape(output)[0]
    max_length = tf.shape(output)[1]
    out_size = int(output.get_shape()[2])
    index = tf.range(0, batch_size) * max_length + (length - 1)
    flat = tf.reshape(output, [-1, out_size])
    return tf.gather(flat, index)


def rnn_model(features, lengths, target, keep_prob, n_words):
    word_vectors = tf.contrib.layers.embed_sequence(
        features, vocab_size=n_words, embed_dim=EMBEDDING_SIZE, scope='words')
    cell = tf.contrib.rnn.GRUCell(EMBEDDING_SIZE * 2)
    cell = tf.contrib.rnn.DropoutWrapper(cell, output_keep_prob=keep_prob)
    output, encoding = tf.nn.dynamic_rnn(cell, word_vectors, sequence_length=lengths,
                                         dtype=tf.float32)
    last = last_relevant(output, lengths)
    hidden = tf.contrib.layers.fully_connected(last, 16, activation_fn=tf.nn.relu)
    logits = tf.contrib.layers.fully_connected(hidden, 2, activation_fn=None)
    loss = tf.losses.sparse_softmax_cross_entropy(labels=target, logits=logits)
    global_step = tf.Variable(0, name='global_step', trainable=False)
    train_op = tf.contrib.layers.optimize_loss(
        loss, global_step, optimizer='Adam', learning_rate=0.01, clip_gradients=5.0,
        learning_rate_decay_fn=lambda lr, gs: tf.train.exponential_decay(lr, gs, 100, 0.9),
        summaries=["loss", "learning_rate"])
    predictions = tf.argmax(logits, 1)
    return predictions, loss, train_op, global_step


def main():
    rng = np.random.RandomState(3)
    train_text, y_train = make_reviews(512, rng)
    test_text, y_test = make_reviews(200, rng)
    print("example: %r -> %d" % (train_text[0], y_train[0]))

    vocab_processor = tf.contrib.learn.preprocessing.VocabularyProcessor(MAX_DOCUMENT_LENGTH)
    x_train = np.array(list(vocab_processor.fit_transform(train_text)))
    x_test = np.array(list(vocab_processor.transform(test_text)))
    n_words = len(vocab_processor.vocabulary_)
    print("Total words: %d" % n_words)
    len_train = (x_train != 0).sum(axis=1).astype(np.int32)
    len_test = (x_test != 0).sum(axis=1).astype(np.int32)
    tf.set_random_seed(3)

    features = tf.placeholder(tf.int32, [None, MAX_DOCUMENT_LENGTH])
    lengths = tf.placeholder(tf.int32, [None])
    target = tf.placeholder(tf.int32, [None])
    keep_prob = tf.placeholder_with_default(1.0, [])
    predictions, loss, train_op, global_step = rnn_model(features, lengths, target, keep_prob,
                                                          n_words)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(predictions, tf.cast(target, tf.int64)),
                                      tf.float32))
    merged = tf.summary.merge_all()

    test_feed = {features: x_test, lengths: len_test, target: y_test}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first_acc = sess.run(accuracy, test_feed)
        losses = []
        for step in range(120):
            idx = rng.choice(len(x_train), 32, replace=False)
            _, batch_loss, summary = sess.run([train_op, loss, merged],
                                     {features: x_train[idx], lengths: len_train[idx],
                                      target: y_train[idx], keep_prob: 0.9})
            losses.append(batch_loss)
            if step % 40 == 0:
                print("Step %d, loss %.4f" % (step, batch_loss))
        last_acc, gs = sess.run([accuracy, global_step], test_feed)

    print("global step: %d" % gs)
    print("first loss: %.4f" % losses[0])
    print("last loss: %.4f" % np.mean(losses[-20:]))
    print("first accuracy: %.4f" % first_acc)
    print("last accuracy: %.4f" % last_acc)
    if gs != 120:
        sys.exit("CHECK FAILED: optimize_loss did not increment the global step (%d)" % gs)
    if not np.mean(losses[-20:]) < 0.5 * losses[0]:
        sys.exit("CHECK FAILED: loss did not fall")
    if not last_acc > 0.9:
        sys.exit("CHECK FAILED: test accuracy %.3f" % last_acc)
    print("CHECK OK")


if __name__ == '__main__':
    main()
