"""tf.contrib.legacy_seq2seq's attention models on TF 2.21.

1. TF 1.15's seq2seq_test.py: testEmbeddingAttentionDecoder, testEmbeddingAttentionSeq2Seq
   (inputs, constant_initializer(0.5), shapes), and the feed_previous comparison TF 1.15 had
   commented out there ("re-enable once RNNCells allow reuse"), which works here.
2. embedding_attention_seq2seq's variables, name by name and shape by shape, against what
   TF 1.15's code makes: the tutorial's set-up (MultiRNNCell of GRUs, an output projection,
   the names TF1 programs looked up to load pretrained embeddings) and the test's.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from contrib_support import names_and_shapes
from legacy_seq2seq_support import TF_TOL, ids, root_scope, run

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib

# --- 1. TF 1.15's seq2seq_test.py ---------------------------------------------------------------

def test_embedding_attention_decoder_is_tf115_testEmbeddingAttentionDecoder():
    reset_graph()
    with root_scope():
        inp = [tf.constant(0.5, shape=[2, 2])] * 2
        cell = rnn.GRUCell(2)
        enc_outputs, enc_state = rnn.static_rnn(cell, inp, dtype=tf.float32)
        attn_states = tf.concat([tf.reshape(e, [-1, 1, cell.output_size])
                                 for e in enc_outputs], 1)
        dec, mem = seq2seq_lib.embedding_attention_decoder(
            ids(lambda i: i, 3), enc_state, attn_states, rnn.GRUCell(2), num_symbols=4,
            embedding_size=2, output_size=3)
        res, mem_value = run((dec, mem))
    assert len(res) == 3 and res[0].shape == (2, 3)
    assert mem_value.shape == (2, 2)


def test_embedding_attention_seq2seq_is_tf115_testEmbeddingAttentionSeq2Seq():
    reset_graph()
    model = functools.partial(seq2seq_lib.embedding_attention_seq2seq, num_encoder_symbols=2,
                              num_decoder_symbols=5, embedding_size=2)
    with root_scope():
        enc_inp, dec_inp = ids(lambda i: 1, 2), ids(lambda i: i, 3)
        dec, mem = model(enc_inp, dec_inp, rnn.BasicLSTMCell(2))
        with tf.variable_scope("no_tuple"):
            cell_fn = functools.partial(rnn.BasicLSTMCell, 2, state_is_tuple=False)
            dec_nt, mem_nt = model(enc_inp, dec_inp, cell_fn())
        # An output projection given from outside: the outputs stay the cell's.
        w = tf.get_variable("proj_w", [2, 5])
        b = tf.get_variable("proj_b", [5])
        with tf.variable_scope("proj_seq2seq"):
            dec_proj, _ = model(enc_inp, dec_inp, cell_fn(), output_projection=(w, b))
        res, mem_value, res_nt, mem_nt_value, res_proj = run(
            (dec, mem, dec_nt, mem_nt, dec_proj))
    assert len(res) == 3 and res[0].shape == (2, 5)
    assert mem_value.c.shape == (2, 2) and mem_value.h.shape == (2, 2)
    assert len(res_nt) == 3 and res_nt[0].shape == (2, 5) and mem_nt_value.shape == (2, 4)
    assert len(res_proj) == 3 and res_proj[0].shape == (2, 2)


@pytest.mark.parametrize("state_is_tuple", [True])
def test_a_boolean_tensor_feed_previous_decodes_as_feed_previous_true(state_is_tuple):
    """The part of testEmbeddingAttentionSeq2Seq that TF 1.15 had commented out, each
    model in its own scope: feeding previous outputs ignores the inputs after the first.

    Under TF's constant 0.5 every embedding row is the same, so greedy and fed decoders
    cannot differ; a seeded random initializer gives every scope the same random weights,
    and the cond's two branches can be told apart."""
    reset_graph()
    model = functools.partial(seq2seq_lib.embedding_attention_seq2seq, num_encoder_symbols=2,
                              num_decoder_symbols=5, embedding_size=2)
    with tf.variable_scope("root", initializer=tf.random_uniform_initializer(-1, 1, seed=7)):
        enc_inp, dec_inp, dec_inp2 = ids(lambda i: 1, 2), ids(lambda i: i, 3), ids(
            lambda i: 0, 3)
        cell_fn = functools.partial(rnn.BasicLSTMCell, 2, state_is_tuple=state_is_tuple)
        with tf.variable_scope("other"):
            d3, s3 = model(enc_inp, dec_inp2, cell_fn(), feed_previous=tf.constant(True))
        with tf.variable_scope("other_2"):
            d1, s1 = model(enc_inp, dec_inp, cell_fn(), feed_previous=True)
        with tf.variable_scope("other_3"):
            d2, _ = model(enc_inp, dec_inp2, cell_fn(), feed_previous=True)
        with tf.variable_scope("other_4"):
            d4, _ = model(enc_inp, dec_inp, cell_fn(), feed_previous=tf.constant(False))
        with tf.variable_scope("other_5"):
            d5, _ = model(enc_inp, dec_inp, cell_fn(), feed_previous=False)
        res1, res2, res3, res4, res5, state1, state3 = run((d1, d2, d3, d4, d5, s1, s3))
    np.testing.assert_allclose(res1, res2, **TF_TOL)
    np.testing.assert_allclose(res1, res3, **TF_TOL)
    np.testing.assert_allclose(res4, res5, **TF_TOL)  # the cond's other branch: fed inputs
    assert np.abs(np.array(res1) - np.array(res5)).max() > 1e-3  # which do differ here
    assert type(state3) is type(state1)  # the state keeps its structure through the cond
    np.testing.assert_allclose(state3, state1, **TF_TOL)


# --- 2. TF 1.15's variables --------------------------------------------------------------------

DECODER = "embedding_attention_seq2seq/embedding_attention_decoder"
ATTENTION = f"{DECODER}/attention_decoder"


def test_embedding_attention_seq2seq_variables_are_tf115s_in_the_tests_set_up():
    """BasicLSTMCell(2), 2 encoder and 5 decoder symbols, embedding size 2, one head: the
    list TF 1.15's code makes, in order (encoder, decoder embedding, AttnW/AttnV, step 0's
    input Linear, the wrapped cell and its projection, the query Linear, the output Linear)."""
    reset_graph()
    seq2seq_lib.embedding_attention_seq2seq(ids(lambda i: 1, 2), ids(lambda i: i, 3),
                                            rnn.BasicLSTMCell(2), 2, 5, 2)
    wrapper = f"{ATTENTION}/output_projection_wrapper"
    assert names_and_shapes() == [
        ("embedding_attention_seq2seq/rnn/embedding_wrapper/embedding", [2, 2]),
        ("embedding_attention_seq2seq/rnn/embedding_wrapper/basic_lstm_cell/kernel", [4, 8]),
        ("embedding_attention_seq2seq/rnn/embedding_wrapper/basic_lstm_cell/bias", [8]),
        (f"{DECODER}/embedding", [5, 2]),
        (f"{ATTENTION}/AttnW_0", [1, 1, 2, 2]),
        (f"{ATTENTION}/AttnV_0", [2]),
        (f"{ATTENTION}/kernel", [2 + 2, 2]),                 # [input + read, input]
        (f"{ATTENTION}/bias", [2]),
        (f"{wrapper}/basic_lstm_cell/kernel", [4, 8]),
        (f"{wrapper}/basic_lstm_cell/bias", [8]),
        (f"{wrapper}/kernel", [2, 5]),
        (f"{wrapper}/bias", [5]),
        (f"{ATTENTION}/Attention_0/kernel", [4, 2]),         # the query: [c, h]
        (f"{ATTENTION}/Attention_0/bias", [2]),
        (f"{ATTENTION}/AttnOutputProjection/kernel", [5 + 2, 5]),  # [logits + read, logits]
        (f"{ATTENTION}/AttnOutputProjection/bias", [5]),
    ]


def gru_layers(prefix, layers, inputs, units):
    names = []
    for layer in range(layers):
        width = (inputs if layer == 0 else units) + units
        cell = f"{prefix}/multi_rnn_cell/cell_{layer}/gru_cell"
        names += [(f"{cell}/gates/kernel", [width, 2 * units]),
                  (f"{cell}/gates/bias", [2 * units]),
                  (f"{cell}/candidate/kernel", [width, units]),
                  (f"{cell}/candidate/bias", [units])]
    return names


@pytest.mark.parametrize("num_heads", [1, 2])
def test_the_tutorials_translation_model_has_tf115s_variables(num_heads):
    """The seq2seq tutorial's model: MultiRNNCell of GRUs, a sampled-softmax projection kept
    outside (so no OutputProjectionWrapper). The embedding names are those TF1 programs
    looked up (DeepQA's loadEmbedding: ``embedding_attention_seq2seq/rnn/embedding_wrapper``
    and ``embedding_attention_seq2seq/embedding_attention_decoder``, variable "embedding")."""
    reset_graph()
    layers, units, embed, source, target = 2, 6, 3, 7, 9
    w = tf.get_variable("proj_w", [units, target])
    b = tf.get_variable("proj_b", [target])
    cell = rnn.MultiRNNCell([rnn.GRUCell(units) for _ in range(layers)])
    outputs, _ = seq2seq_lib.embedding_attention_seq2seq(
        ids(lambda i: 1, 3), ids(lambda i: i, 2), cell, source, target, embed,
        num_heads=num_heads, output_projection=(w, b))
    assert [o.shape.as_list() for o in outputs] == [[2, units]] * 2
    heads = range(num_heads)
    query = layers * units  # both layers' states, concatenated
    assert names_and_shapes() == (
        [("proj_w", [units, target]), ("proj_b", [target]),
         ("embedding_attention_seq2seq/rnn/embedding_wrapper/embedding", [source, embed])]
        + gru_layers("embedding_attention_seq2seq/rnn/embedding_wrapper", layers, embed, units)
        + [(f"{DECODER}/embedding", [target, embed])]
        + [entry for k in heads for entry in ((f"{ATTENTION}/AttnW_{k}", [1, 1, units, units]),
                                              (f"{ATTENTION}/AttnV_{k}", [units]))]
        + [(f"{ATTENTION}/kernel", [embed + num_heads * units, embed]),
           (f"{ATTENTION}/bias", [embed])]
        + gru_layers(ATTENTION, layers, embed, units)
        + [entry for k in heads for entry in ((f"{ATTENTION}/Attention_{k}/kernel",
                                               [query, units]),
                                              (f"{ATTENTION}/Attention_{k}/bias", [units]))]
        + [(f"{ATTENTION}/AttnOutputProjection/kernel", [units + num_heads * units, units]),
           (f"{ATTENTION}/AttnOutputProjection/bias", [units])])


def test_initial_state_attention_reads_the_encoder_state_first_with_the_same_variables():
    reset_graph()
    model = functools.partial(seq2seq_lib.embedding_attention_seq2seq, num_encoder_symbols=3,
                              num_decoder_symbols=4, embedding_size=2)
    enc_inp, dec_inp = ids(lambda i: i, 3), ids(lambda i: 3 - i, 2)
    with tf.variable_scope("zero_reads", initializer=tf.random_normal_initializer(seed=1)):
        plain, _ = model(enc_inp, dec_inp, rnn.GRUCell(3))
    with tf.variable_scope("state_reads"):
        resumed, _ = model(enc_inp, dec_inp, rnn.GRUCell(3), initial_state_attention=True)
    by_name = {}
    for v in tf.global_variables():
        scope, name = v.op.name.split("/", 1)
        by_name.setdefault(name, {})[scope] = v
    # The same variables; only their order differs (TF 1.15 made Attention_0 first here).
    assert all(set(pair) == {"zero_reads", "state_reads"} for pair in by_name.values())
    order = [v.op.name for v in tf.global_variables()]
    for scope, query_first in (("zero_reads", False), ("state_reads", True)):
        query = order.index(f"{scope}/{ATTENTION}/Attention_0/kernel")
        assert (query < order.index(f"{scope}/{ATTENTION}/kernel")) is query_first
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for pair in by_name.values():
            session.run(tf.assign(pair["state_reads"], pair["zero_reads"]))
        first_plain, first_resumed, last_plain, last_resumed = session.run(
            (plain[0], resumed[0], plain[-1], resumed[-1]))
    assert np.abs(first_plain - first_resumed).max() > 1e-4  # step 0 saw different reads
    assert np.abs(last_plain - last_resumed).max() > 1e-6
