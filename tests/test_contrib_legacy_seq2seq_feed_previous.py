"""tf.contrib.legacy_seq2seq's feed_previous=True trains like feeding the same symbols.

TF 1.15's testModelWithBooleanFeedPrevious, for its six models: a decoder fed its own
previous outputs (``feed_previous=True``, which updates the fed-back embeddings) and a
decoder given those same symbols as inputs (``feed_previous=False``) start from equal
weights, take one Adam step on the same targets, and must end with equal weights
(assertAllClose: rtol = atol = 1e-6). The greedy model's gradient runs through the
embedding rows it looked up, so it would fail if the loop function stopped it.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from legacy_seq2seq_support import TF_TOL

from tf1_lstm.compat import rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib

# Grappler would spend longer rewriting these graphs than the test spends running them.
NO_GRAPPLER = tf.ConfigProto(graph_options=tf.GraphOptions(
    rewrite_options={"disable_meta_optimizer": True}))
NUM_ENCODER_SYMBOLS, NUM_DECODER_SYMBOLS = 3, 5
BATCH_SIZE, NUM_ENC_TIMESTEPS, NUM_DEC_TIMESTEPS = 2, 2, 3


def embedding_rnn(state_is_tuple):
    def model(enc_inp, dec_inp, feed_previous):
        cell = rnn.BasicLSTMCell(2, state_is_tuple=state_is_tuple)
        return seq2seq_lib.embedding_rnn_seq2seq(
            enc_inp, dec_inp, cell, NUM_ENCODER_SYMBOLS, NUM_DECODER_SYMBOLS,
            embedding_size=2, feed_previous=feed_previous)
    return model


def embedding_tied_rnn(state_is_tuple):
    def model(enc_inp, dec_inp, feed_previous):
        cell = rnn.BasicLSTMCell(2, state_is_tuple=state_is_tuple)
        return seq2seq_lib.embedding_tied_rnn_seq2seq(
            enc_inp, dec_inp, cell, NUM_DECODER_SYMBOLS, embedding_size=2,
            feed_previous=feed_previous)
    return model


def embedding_attention(state_is_tuple):
    def model(enc_inp, dec_inp, feed_previous):
        cell = rnn.BasicLSTMCell(2, state_is_tuple=state_is_tuple)
        return seq2seq_lib.embedding_attention_seq2seq(
            enc_inp, dec_inp, cell, NUM_ENCODER_SYMBOLS, NUM_DECODER_SYMBOLS,
            embedding_size=2, feed_previous=feed_previous)
    return model


MODELS = {  # TF 1.15's six model functions
    "EmbeddingRNNSeq2SeqF": embedding_rnn(True),
    "EmbeddingRNNSeq2SeqNoTupleF": embedding_rnn(False),
    "EmbeddingTiedRNNSeq2Seq": embedding_tied_rnn(True),
    "EmbeddingTiedRNNSeq2SeqNoTuple": embedding_tied_rnn(False),
    "EmbeddingAttentionSeq2Seq": embedding_attention(True),
    "EmbeddingAttentionSeq2SeqNoTuple": embedding_attention(False),
}


@pytest.mark.parametrize("model", MODELS)
def test_feed_previous_true_trains_as_feeding_its_symbols_tf115_testModelWithBooleanFeedPrevious(
        model):
    seq2seq = MODELS[model]
    with tf.Graph().as_default(), tf.Session(config=NO_GRAPPLER) as sess:
        tf.set_random_seed(111)
        random.seed(111)
        np.random.seed(111)
        enc_inp = [tf.constant(i + 1, tf.int32, shape=[BATCH_SIZE])
                   for i in range(NUM_ENC_TIMESTEPS)]
        dec_inp_fp_true = [tf.constant(i, tf.int32, shape=[BATCH_SIZE])
                           for i in range(NUM_DEC_TIMESTEPS)]
        dec_inp_holder_fp_false = [tf.placeholder(tf.int32, shape=[BATCH_SIZE])
                                   for _ in range(NUM_DEC_TIMESTEPS)]
        targets = [tf.constant(i + 1, tf.int32, shape=[BATCH_SIZE])
                   for i in range(NUM_DEC_TIMESTEPS)]
        weights = [tf.constant(1.0, shape=[BATCH_SIZE]) for _ in range(NUM_DEC_TIMESTEPS)]

        def forward_backward(dec_inp, feed_previous):
            scope_name = f"fp_{feed_previous}"
            with tf.variable_scope(scope_name):
                dec_op, _ = seq2seq(enc_inp, dec_inp, feed_previous=feed_previous)
                net_variables = tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope_name)
            optimizer = tf.train.AdamOptimizer(0.03, epsilon=1e-5)
            update_op = optimizer.minimize(
                seq2seq_lib.sequence_loss(dec_op, targets, weights), var_list=net_variables)
            return dec_op, update_op, net_variables

        dec_op_fp_true, update_fp_true, variables_fp_true = forward_backward(
            dec_inp_fp_true, feed_previous=True)
        _, update_fp_false, variables_fp_false = forward_backward(
            dec_inp_holder_fp_false, feed_previous=False)
        sess.run(tf.global_variables_initializer())

        # Only the variables both models have (TF 1.15: those the loop function made in the
        # greedy one are left out; there are none).
        v_false_name_dict = {v.name.split("/", 1)[-1]: v for v in variables_fp_false}
        matched_variables = [(v, v_false_name_dict[v.name.split("/", 1)[-1]])
                             for v in variables_fp_true]
        assert len(matched_variables) == len(variables_fp_false) > 0
        sess.run([tf.assign(v_false, v_true) for v_true, v_false in matched_variables])

        # The greedy decoder's symbols become the fed decoder's inputs.
        dec_fp_true, go_symbols, start = sess.run(
            (dec_op_fp_true, dec_inp_fp_true[0], variables_fp_true))
        output_symbols_fp_true = np.argmax(dec_fp_true, axis=2)
        dec_inp_fp_false = np.vstack((go_symbols, output_symbols_fp_true[:-1]))
        # One run for both steps (TF 1.15 ran them one after the other): they share nothing.
        sess.run((update_fp_true, update_fp_false),
                 dict(zip(dec_inp_holder_fp_false, dec_inp_fp_false, strict=True)))
        trained = sess.run([(v_true, v_false) for v_true, v_false in matched_variables])
    for v_true, v_false in trained:
        np.testing.assert_allclose(v_true, v_false, **TF_TOL)
    moved = [np.abs(v_true - v0).max() for (v_true, _), v0 in zip(trained, start, strict=True)]
    assert max(moved) > 1e-3  # the step did change the weights
