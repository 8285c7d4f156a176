"""tf.contrib.legacy_seq2seq's models without attention on TF 2.21.

1. TF 1.15's seq2seq_test.py: testBasicRNNSeq2Seq, testTiedRNNSeq2Seq,
   testEmbeddingRNNDecoder, testEmbeddingRNNSeq2Seq, testEmbeddingTiedRNNSeq2Seq,
   testOne2ManyRNNSeq2Seq (inputs, constant_initializer(0.5), shapes, and the feed_previous
   comparisons with assertAllClose's rtol = atol = 1e-6).
2. The variables each model makes, against the names and shapes TF 1.15's code makes.
3. The encoder's deep copy of the cell (and the clear TypeError when it cannot be copied),
   and TF 1.15's errors for a wrong output projection and for cells that are not RNNCells.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from contrib_support import names_and_shapes
from legacy_seq2seq_support import TF_TOL, ids, root_scope, run

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib
from tf1_lstm.contrib.legacy_seq2seq.encoder_cell import CellCopyError
from tf1_lstm.errors import Tf1LstmError


def lstm(units=2, state_is_tuple=True):
    return rnn.BasicLSTMCell(units, state_is_tuple=state_is_tuple)


# --- 1. TF 1.15's seq2seq_test.py ---------------------------------------------------------------

@pytest.mark.parametrize("model", ["basic_rnn_seq2seq", "tied_rnn_seq2seq"])
def test_vector_models_are_tf115_testBasicRNNSeq2Seq_and_testTiedRNNSeq2Seq(model):
    reset_graph()
    with root_scope():
        inp = [tf.constant(0.5, shape=[2, 2])] * 2
        dec_inp = [tf.constant(0.4, shape=[2, 2])] * 3
        cell = rnn.OutputProjectionWrapper(rnn.GRUCell(2), 4)
        dec, mem = getattr(seq2seq_lib, model)(inp, dec_inp, cell)
        res, mem_value = run((dec, mem))
    assert len(res) == 3 and res[0].shape == (2, 4)
    assert mem_value.shape == (2, 2)


def test_embedding_rnn_decoder_is_tf115_testEmbeddingRNNDecoder():
    reset_graph()
    with root_scope():
        inp = [tf.constant(0.5, shape=[2, 2])] * 2
        _, enc_state = rnn.static_rnn(lstm(), inp, dtype=tf.float32)
        dec, mem = seq2seq_lib.embedding_rnn_decoder(ids(lambda i: i, 3), enc_state, lstm(),
                                                     num_symbols=4, embedding_size=2)
        res, mem_value = run((dec, mem))
    assert len(res) == 3 and res[0].shape == (2, 2)
    assert mem_value.c.shape == (2, 2) and mem_value.h.shape == (2, 2)


def test_embedding_rnn_seq2seq_is_tf115_testEmbeddingRNNSeq2Seq():
    reset_graph()
    model = functools.partial(seq2seq_lib.embedding_rnn_seq2seq, num_encoder_symbols=2,
                              num_decoder_symbols=5, embedding_size=2)
    with root_scope():
        enc_inp, dec_inp = ids(lambda i: 1, 2), ids(lambda i: i, 3)
        dec, mem = model(enc_inp, dec_inp, lstm())
        with tf.variable_scope("no_tuple"):
            dec_nt, mem_nt = model(enc_inp, dec_inp, lstm(state_is_tuple=False))
        # An output projection given from outside: the outputs stay the cell's.
        w = tf.get_variable("proj_w", [2, 5])
        b = tf.get_variable("proj_b", [5])
        with tf.variable_scope("proj_seq2seq"):
            dec_proj, _ = model(enc_inp, dec_inp, lstm(), output_projection=(w, b))
        # Feeding previous outputs ignores the decoder inputs after the first.
        dec_inp2 = ids(lambda i: 0, 3)
        with tf.variable_scope("other"):
            d3, _ = model(enc_inp, dec_inp2, lstm(), feed_previous=tf.constant(True))
        with tf.variable_scope("other_2"):
            d1, _ = model(enc_inp, dec_inp, lstm(), feed_previous=True)
        with tf.variable_scope("other_3"):
            d2, _ = model(enc_inp, dec_inp2, lstm(), feed_previous=True)
        res, mem_value, res_nt, mem_nt_value, res_proj, res1, res2, res3 = run(
            (dec, mem, dec_nt, mem_nt, dec_proj, d1, d2, d3))
    assert len(res) == 3 and res[0].shape == (2, 5)
    assert mem_value.c.shape == (2, 2) and mem_value.h.shape == (2, 2)
    assert len(res_nt) == 3 and res_nt[0].shape == (2, 5) and mem_nt_value.shape == (2, 4)
    assert len(res_proj) == 3 and res_proj[0].shape == (2, 2)
    np.testing.assert_allclose(res1, res2, **TF_TOL)
    np.testing.assert_allclose(res1, res3, **TF_TOL)


def test_embedding_tied_rnn_seq2seq_is_tf115_testEmbeddingTiedRNNSeq2Seq():
    reset_graph()
    model = functools.partial(seq2seq_lib.embedding_tied_rnn_seq2seq, num_symbols=5,
                              embedding_size=2)
    with root_scope():
        enc_inp, dec_inp = ids(lambda i: 1, 2), ids(lambda i: i, 3)
        dec, mem = model(enc_inp, dec_inp, lstm())
        # With num_decoder_symbols, the logits cover only those symbols.
        with tf.variable_scope("decoder_symbols_seq2seq"):
            dec_symbols, _ = model(enc_inp, dec_inp, lstm(), num_decoder_symbols=3)
        w = tf.get_variable("proj_w", [2, 5])
        b = tf.get_variable("proj_b", [5])
        with tf.variable_scope("proj_seq2seq"):
            dec_proj, _ = model(enc_inp, dec_inp, lstm(), output_projection=(w, b))
        dec_inp2 = [tf.constant(0, tf.int32, shape=[2])] * 3
        with tf.variable_scope("other"):
            d3, _ = model(enc_inp, dec_inp2, lstm(), feed_previous=tf.constant(True))
        with tf.variable_scope("other_2"):
            d1, _ = model(enc_inp, dec_inp, lstm(), feed_previous=True)
        with tf.variable_scope("other_3"):
            d2, _ = model(enc_inp, dec_inp2, lstm(), feed_previous=True)
        res, mem_value, res_symbols, res_proj, res1, res2, res3 = run(
            (dec, mem, dec_symbols, dec_proj, d1, d2, d3))
    assert len(res) == 3 and res[0].shape == (2, 5)
    assert mem_value.c.shape == (2, 2) and mem_value.h.shape == (2, 2)
    assert len(res_symbols) == 3 and res_symbols[0].shape == (2, 3)
    assert len(res_proj) == 3 and res_proj[0].shape == (2, 2)
    np.testing.assert_allclose(res1, res2, **TF_TOL)
    np.testing.assert_allclose(res1, res3, **TF_TOL)


def test_one2many_rnn_seq2seq_is_tf115_testOne2ManyRNNSeq2Seq():
    reset_graph()
    dec_symbols_dict = {"0": 5, "1": 6}

    def dec_cells():
        return {k: lstm() for k in dec_symbols_dict}

    def model(dec_inp_dict, **kwargs):
        return seq2seq_lib.one2many_rnn_seq2seq(enc_inp, dec_inp_dict, lstm(), dec_cells(), 2,
                                                dec_symbols_dict, embedding_size=2, **kwargs)

    with root_scope():
        enc_inp = ids(lambda i: 1, 2)
        dec_inp_dict = {"0": ids(lambda i: i, 3), "1": ids(lambda i: i, 4)}
        outputs_dict, state_dict = model(dec_inp_dict)
        # Feeding previous outputs ignores the decoder inputs after the first.
        dec_inp_dict2 = {"0": ids(lambda i: 0, 3), "1": ids(lambda i: 0, 4)}
        with tf.variable_scope("other"):
            outputs_dict3, _ = model(dec_inp_dict2, feed_previous=tf.constant(True))
        with tf.variable_scope("other_2"):
            outputs_dict1, _ = model(dec_inp_dict, feed_previous=True)
        with tf.variable_scope("other_3"):
            outputs_dict2, _ = model(dec_inp_dict2, feed_previous=True)
        res0, res1_, state0, state1, res1, res2, res3 = run(
            (outputs_dict["0"], outputs_dict["1"], state_dict["0"], state_dict["1"],
             outputs_dict1["0"], outputs_dict2["0"], outputs_dict3["0"]))
    assert len(res0) == 3 and res0[0].shape == (2, 5)
    assert len(res1_) == 4 and res1_[0].shape == (2, 6)
    for state in (state0, state1):
        assert state.c.shape == (2, 2) and state.h.shape == (2, 2)
    np.testing.assert_allclose(res1, res2, **TF_TOL)
    np.testing.assert_allclose(res1, res3, **TF_TOL)


# --- 2. TF 1.15's variables --------------------------------------------------------------------

GRU_2 = [("gates/kernel", [4, 4]), ("gates/bias", [4]), ("candidate/kernel", [4, 2]),
         ("candidate/bias", [2])]
LSTM_2 = [("basic_lstm_cell/kernel", [4, 8]), ("basic_lstm_cell/bias", [8])]


def under(prefix, names_shapes):
    return [(f"{prefix}/{name}", shape) for name, shape in names_shapes]


def projected_gru(prefix, size=4):
    wrapper = f"{prefix}/output_projection_wrapper"
    return (under(f"{wrapper}/gru_cell", GRU_2)
            + [(f"{wrapper}/kernel", [2, size]), (f"{wrapper}/bias", [size])])


def projected_lstm(prefix, size):
    wrapper = f"{prefix}/output_projection_wrapper"
    return (under(wrapper, LSTM_2)
            + [(f"{wrapper}/kernel", [2, size]), (f"{wrapper}/bias", [size])])


def embedded_encoder(prefix, symbols=2):
    wrapper = f"{prefix}/rnn/embedding_wrapper"
    return [(f"{wrapper}/embedding", [symbols, 2])] + under(wrapper, LSTM_2)


# What TF 1.15's code makes (read from its seq2seq.py, core_rnn_cell.py and rnn.py), in order.
TF115_VARIABLES = {
    "basic_rnn_seq2seq": (projected_gru("basic_rnn_seq2seq/rnn")
                          + projected_gru("basic_rnn_seq2seq/rnn_decoder")),
    "tied_rnn_seq2seq": projected_gru("combined_tied_rnn_seq2seq/tied_rnn_seq2seq"),
    "embedding_rnn_seq2seq": (
        embedded_encoder("embedding_rnn_seq2seq")
        + [("embedding_rnn_seq2seq/embedding_rnn_decoder/embedding", [5, 2])]
        + projected_lstm("embedding_rnn_seq2seq/embedding_rnn_decoder/rnn_decoder", 5)),
    "embedding_tied_rnn_seq2seq": (
        [("embedding_tied_rnn_seq2seq/embedding", [5, 2])]
        + projected_lstm("embedding_tied_rnn_seq2seq/combined_tied_rnn_seq2seq/"
                         "tied_rnn_seq2seq", 5)),
    "one2many_rnn_seq2seq": embedded_encoder("one2many_rnn_seq2seq") + [
        entry for name, size in (("0", 5), ("1", 6)) for entry in (
            [(f"one2many_rnn_seq2seq/one2many_decoder_{name}/embedding_rnn_decoder/embedding",
              [size, 2])]
            + projected_lstm(f"one2many_rnn_seq2seq/one2many_decoder_{name}/"
                             "embedding_rnn_decoder/rnn_decoder", size))],
}


def build(model: str):
    enc_ids, dec_ids = ids(lambda i: 1, 2), ids(lambda i: i, 3)
    if model in ("basic_rnn_seq2seq", "tied_rnn_seq2seq"):
        vectors = [tf.constant(0.5, shape=[2, 2])] * 2
        cell = rnn.OutputProjectionWrapper(rnn.GRUCell(2), 4)
        return getattr(seq2seq_lib, model)(vectors, vectors, cell)
    if model == "embedding_rnn_seq2seq":
        return seq2seq_lib.embedding_rnn_seq2seq(enc_ids, dec_ids, lstm(), 2, 5, 2)
    if model == "embedding_tied_rnn_seq2seq":
        return seq2seq_lib.embedding_tied_rnn_seq2seq(enc_ids, dec_ids, lstm(), 5, 2)
    return seq2seq_lib.one2many_rnn_seq2seq(enc_ids, {"0": dec_ids, "1": dec_ids}, lstm(),
                                            {"0": lstm(), "1": lstm()}, 2, {"0": 5, "1": 6}, 2)


@pytest.mark.parametrize("model", TF115_VARIABLES)
def test_models_make_tf115s_variable_names_and_shapes(model):
    reset_graph()
    build(model)
    assert names_and_shapes() == TF115_VARIABLES[model]


# --- 3. the encoder's copy of the cell, and errors ---------------------------------------------

def test_the_encoder_runs_a_copy_of_the_cell_and_the_decoder_the_cell_itself():
    reset_graph()
    cell = rnn.GRUCell(2)
    vectors = [tf.constant(0.5, shape=[2, 2])] * 2
    seq2seq_lib.basic_rnn_seq2seq(vectors, vectors, cell)
    assert cell.built  # the decoder's
    decoder_variables = {v.op.name for v in cell.variables}
    assert decoder_variables == {f"basic_rnn_seq2seq/rnn_decoder/gru_cell/{name}"
                                 for name, _ in GRU_2}


@pytest.mark.parametrize("model", ["basic_rnn_seq2seq", "embedding_rnn_seq2seq",
                                   "embedding_attention_seq2seq"])
def test_a_cell_that_already_ran_cannot_be_copied_and_the_error_says_what_to_do(model):
    reset_graph()
    cell = lstm()
    call = {
        "basic_rnn_seq2seq": lambda: seq2seq_lib.basic_rnn_seq2seq(
            [tf.ones([2, 2])] * 2, [tf.ones([2, 2])] * 2, cell),
        "embedding_rnn_seq2seq": lambda: seq2seq_lib.embedding_rnn_seq2seq(
            ids(lambda i: 1, 2), ids(lambda i: i, 3), cell, 2, 5, 2),
        "embedding_attention_seq2seq": lambda: seq2seq_lib.embedding_attention_seq2seq(
            ids(lambda i: 1, 2), ids(lambda i: i, 3), cell, 2, 5, 2),
    }[model]
    with tf.variable_scope("first"):
        call()
    with tf.variable_scope("second"), pytest.raises(CellCopyError) as raised:
        call()
    assert isinstance(raised.value, TypeError) and isinstance(raised.value, Tf1LstmError)
    message = str(raised.value)
    assert f"legacy_seq2seq.{model} deep-copies the cell" in message
    assert "BasicLSTMCell cannot be copied" in message and "model_with_buckets" in message


def test_a_dropout_wrapper_copies_for_the_encoder_sharing_its_keep_prob_placeholder():
    reset_graph()
    keep = tf.placeholder(tf.float32, [])
    cell = rnn.DropoutWrapper(lstm(), output_keep_prob=keep)
    dec, _ = seq2seq_lib.embedding_rnn_seq2seq(ids(lambda i: 1, 2), ids(lambda i: i, 3), cell,
                                               2, 5, 2)
    values = run(dec, {keep: 1.0})
    assert [v.shape for v in values] == [(2, 5)] * 3


@pytest.mark.parametrize("model", ["embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq"])
def test_an_output_projection_of_the_wrong_width_is_tf115s_shape_error(model):
    reset_graph()
    w, b = tf.zeros([2, 4]), tf.zeros([4])  # 4 symbols where 5 are decoded
    with pytest.raises(ValueError, match=r"Shapes \(2, 4\) and \(\?, 5\) are incompatible"):
        if model == "embedding_rnn_seq2seq":
            seq2seq_lib.embedding_rnn_seq2seq(ids(lambda i: 1, 2), ids(lambda i: i, 3), lstm(),
                                              2, 5, 2, output_projection=(w, b))
        else:
            seq2seq_lib.embedding_tied_rnn_seq2seq(ids(lambda i: 1, 2), ids(lambda i: i, 3),
                                                   lstm(), 5, 2, output_projection=(w, b))


@pytest.mark.parametrize("bad, error, message", [
    ("enc_cell", TypeError, "enc_cell is not an RNNCell: <class 'str'>"),
    ("keys", ValueError, "keys of dec_cells_dict != keys of decodre_inputs_dict"),
    ("dec_cell", TypeError, "dec_cell is not an RNNCell: <class 'int'>"),
])
def test_one2many_checks_its_cells_and_keys_as_tf115_did(bad, error, message):
    reset_graph()
    enc_cell = "lstm" if bad == "enc_cell" else lstm()
    dec_cells = {"a": 3} if bad == "dec_cell" else {"a": lstm()}
    if bad == "keys":
        dec_cells = {"b": lstm()}
    with pytest.raises(error, match=message):
        seq2seq_lib.one2many_rnn_seq2seq(ids(lambda i: 1, 2), {"a": ids(lambda i: 0, 2)},
                                         enc_cell, dec_cells, 2, {"a": 3, "b": 3}, 2)
    assert tf.global_variables() == []  # checked before anything is built


def test_the_module_serves_tf115s_thirteen_names_and_explains_any_other():
    tf115_names = {  # TF 1.15's tensorflow/contrib/legacy_seq2seq/__init__.py @@ list
        "attention_decoder", "basic_rnn_seq2seq", "embedding_attention_decoder",
        "embedding_attention_seq2seq", "embedding_rnn_decoder", "embedding_rnn_seq2seq",
        "embedding_tied_rnn_seq2seq", "model_with_buckets", "one2many_rnn_seq2seq",
        "rnn_decoder", "sequence_loss", "sequence_loss_by_example", "tied_rnn_seq2seq"}
    assert set(seq2seq_lib.__all__) == tf115_names
    assert all(callable(getattr(seq2seq_lib, name)) for name in tf115_names)
    with pytest.raises(AttributeError) as raised:
        seq2seq_lib.beam_search_decoder  # noqa: B018
    assert type(raised.value).__name__ == "ContribNameError"
    assert str(raised.value).startswith("tf.contrib.legacy_seq2seq.beam_search_decoder is not "
                                        "provided by tf1-lstm")
    assert "sequence_loss" in str(raised.value)
