"""tf.contrib.legacy_seq2seq trained: TF 1.15's testModelWithBuckets.

Learning to copy 10 symbols in buckets (4, 4) and (8, 8) with two GRU(24) layers,
attention, an output projection kept outside for a sampled softmax (8 samples),
Adam(0.03, epsilon=1e-5), gradients clipped at 30, 6 steps on random buckets (seeds 111);
each bucket's last perplexity must be below 1.2 times its first (TF 1.15's 20% margin).
A large graph, trained: slow, so ``make test-fast`` leaves it out.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from tf1_lstm.compat import rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib

pytestmark = pytest.mark.slow  # a large graph, trained
# Grappler would spend longer rewriting these graphs than the test spends running them.
NO_GRAPPLER = tf.ConfigProto(graph_options=tf.GraphOptions(
    rewrite_options={"disable_meta_optimizer": True}))


def test_model_with_buckets_trains_as_tf115_testModelWithBuckets():
    classes = 10
    buckets = [(4, 4), (8, 8)]
    perplexities = [[], []]  # results for each bucket
    with tf.Graph().as_default(), tf.Session(config=NO_GRAPPLER) as sess:
        tf.set_random_seed(111)
        random.seed(111)
        np.random.seed(111)
        # A sampled softmax, so the output projection stays outside the model.
        w = tf.get_variable("proj_w", [24, classes])
        w_t = tf.transpose(w)
        b = tf.get_variable("proj_b", [classes])

        def sample_gru_seq2seq(enc_inp, dec_inp, weights):
            def gru_seq2seq(enc_inp, dec_inp):
                cell = rnn.MultiRNNCell([rnn.GRUCell(24) for _ in range(2)],
                                        state_is_tuple=True)
                return seq2seq_lib.embedding_attention_seq2seq(
                    enc_inp, dec_inp, cell, num_encoder_symbols=classes,
                    num_decoder_symbols=classes, embedding_size=24, output_projection=(w, b))

            targets = [dec_inp[i + 1] for i in range(len(dec_inp) - 1)] + [0]

            def sampled_loss(labels, logits):
                labels = tf.reshape(labels, [-1, 1])
                return tf.nn.sampled_softmax_loss(weights=w_t, biases=b, labels=labels,
                                                  inputs=logits, num_sampled=8,
                                                  num_classes=classes)

            return seq2seq_lib.model_with_buckets(enc_inp, dec_inp, targets, weights, buckets,
                                                  gru_seq2seq,
                                                  softmax_loss_function=sampled_loss)

        # Now we construct the copy model.
        batch_size = 8
        inp = [tf.placeholder(tf.int32, shape=[None]) for _ in range(8)]
        out = [tf.placeholder(tf.int32, shape=[None]) for _ in range(8)]
        weights = [tf.ones_like(inp[0], dtype=tf.float32) for _ in range(8)]
        with tf.variable_scope("root"):
            _, losses = sample_gru_seq2seq(inp, out, weights)
            updates = []
            params = tf.global_variables()
            optimizer = tf.train.AdamOptimizer(0.03, epsilon=1e-5)
            for i in range(len(buckets)):
                full_grads = tf.gradients(losses[i], params)
                grads, _ = tf.clip_by_global_norm(full_grads, 30.0)
                updates.append(optimizer.apply_gradients(zip(grads, params, strict=True)))
            sess.run([tf.global_variables_initializer()])
        steps = 6
        for _ in range(steps):
            bucket = random.choice(np.arange(len(buckets)))
            length = buckets[bucket][0]
            i = [np.array([np.random.randint(9) + 1 for _ in range(batch_size)],
                          dtype=np.int32) for _ in range(length)]
            # 0 is our "GO" symbol here.
            o = [np.array([0] * batch_size, dtype=np.int32)] + i
            feed = {}
            for i1, i2, o1, o2 in zip(inp[:length], i[:length], out[:length], o[:length],
                                      strict=True):
                feed[i1.name] = i2
                feed[o1.name] = o2
            if length < 8:  # For the 4-bucket, we need the 5th as target.
                feed[out[length].name] = o[length]
            res = sess.run([updates[bucket], losses[bucket]], feed)
            perplexities[bucket].append(math.exp(float(res[1])))
    assert sum(len(p) for p in perplexities) == steps
    for bucket in range(len(buckets)):
        if len(perplexities[bucket]) > 1:  # Assert that perplexity went down.
            assert perplexities[bucket][-1] < 1.2 * perplexities[bucket][0]  # 20% margin
