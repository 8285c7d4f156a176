"""tf.contrib.legacy_seq2seq.model_with_buckets on TF 2.21.

1. TF 1.15's testModelWithBucketsScopeAndLoss, which TF 1.15 had commented out ("re-enable
   once RNNCells allow reuse"); it works here: the caller's reuse flag survives, the loss is
   a scalar, or [None] per example.
2. The buckets share one set of variables; TF 1.15's ValueErrors for inputs shorter than
   the last bucket.
3. A tiny copy task over two buckets whose losses fall when it trains.
(TF 1.15's testModelWithBuckets, its training with a sampled softmax, and tf.nn.seq2seq
through ``tf1-lstm run``: ``test_contrib_legacy_seq2seq_buckets_training.py``.)
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib

# Grappler would spend longer rewriting these graphs than the test spends running them.
NO_GRAPPLER = tf.ConfigProto(graph_options=tf.GraphOptions(
    rewrite_options={"disable_meta_optimizer": True}))


def int_placeholders(n):
    return [tf.placeholder(tf.int32, shape=[None]) for _ in range(n)]


# --- 1. TF 1.15's testModelWithBucketsScopeAndLoss ----------------------------------------------

def test_model_with_buckets_keeps_the_scope_and_gives_tf115s_loss_shapes():
    """TF 1.15's test, as it stood commented out: 10 classes, buckets (4, 4) and (8, 8), two
    GRU(24) layers under embedding_attention_seq2seq, the copy task's shifted targets."""
    reset_graph()
    classes = 10
    buckets = [(4, 4), (8, 8)]

    def sample_gru_seq2seq(enc_inp, dec_inp, weights, per_example_loss):
        def gru_seq2seq(enc_inp, dec_inp):
            cell = rnn.MultiRNNCell([rnn.GRUCell(24) for _ in range(2)])
            return seq2seq_lib.embedding_attention_seq2seq(
                enc_inp, dec_inp, cell, num_encoder_symbols=classes,
                num_decoder_symbols=classes, embedding_size=24)

        targets = [dec_inp[i + 1] for i in range(len(dec_inp) - 1)] + [0]
        return seq2seq_lib.model_with_buckets(enc_inp, dec_inp, targets, weights, buckets,
                                              gru_seq2seq, per_example_loss=per_example_loss)

    inp, out = int_placeholders(8), int_placeholders(8)
    weights = [tf.ones_like(inp[0], dtype=tf.float32) for _ in range(8)]
    with tf.variable_scope("root"):
        _, losses1 = sample_gru_seq2seq(inp, out, weights, per_example_loss=False)
        # Now check that we did not accidentally set reuse.
        assert tf.get_variable_scope().reuse is False
    with tf.variable_scope("new"):
        _, losses2 = sample_gru_seq2seq(inp, out, weights, per_example_loss=True)
    # First loss is scalar, the second one is a 1-dimensional tensor.
    assert losses1[0].get_shape().as_list() == []
    assert losses2[0].get_shape().as_list() == [None]


# --- 2. shared variables, errors ----------------------------------------------------------------

def basic_model(cell_units=3, symbols=5):
    def model(enc_inp, dec_inp):
        cell = rnn.GRUCell(cell_units)
        return seq2seq_lib.embedding_rnn_seq2seq(enc_inp, dec_inp, cell, symbols, symbols,
                                                 embedding_size=2)
    return model


def ancestors(tensor) -> set:
    """Every tensor ``tensor`` is computed from (its graph, walked backwards)."""
    seen, todo = set(), [tensor.op]
    while todo:
        op = todo.pop()
        for t in op.inputs:
            if t not in seen:
                seen.add(t)
                todo.append(t.op)
    return seen


def test_every_bucket_builds_the_model_on_its_prefix_with_the_first_buckets_variables():
    reset_graph()
    enc, dec, targets = int_placeholders(4), int_placeholders(5), int_placeholders(5)
    weights = [tf.ones([2]) for _ in range(5)]
    outputs, losses = seq2seq_lib.model_with_buckets(enc, dec, targets, weights,
                                                     [(2, 3), (4, 5)], basic_model())
    bucketed = [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]
    reset_graph()
    basic_model()(int_placeholders(2), int_placeholders(3))
    assert bucketed == [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]
    assert len(bucketed) == 12  # 2 embeddings, 2 GRUs (4 each), the output projection (2)

    assert [len(o) for o in outputs] == [3, 5]
    first, second = ancestors(losses[0]), ancestors(losses[1])
    assert [t in first for t in enc + dec + targets] == (
        [True] * 2 + [False] * 2 + [True] * 3 + [False] * 2 + [True] * 3 + [False] * 2)
    assert all(t in second for t in enc + dec + targets)
    assert losses[0].shape.as_list() == [] and losses[0].op.name.startswith(
        "model_with_buckets/sequence_loss/")


@pytest.mark.parametrize("short, message", [
    ("encoder_inputs", r"Length of encoder_inputs \(3\) must be at least that of last "
                       r"bucket \(4\)\."),
    ("targets", r"Length of targets \(4\) must be at least that of last bucket \(5\)\."),
    ("weights", r"Length of weights \(4\) must be at least that of last bucket \(5\)\."),
])
def test_inputs_shorter_than_the_last_bucket_raise_tf115s_value_errors(short, message):
    reset_graph()
    lists = {"encoder_inputs": int_placeholders(4), "targets": int_placeholders(5),
             "weights": [tf.ones([2]) for _ in range(5)]}
    lists[short] = lists[short][:-1]
    with pytest.raises(ValueError, match=message):
        seq2seq_lib.model_with_buckets(lists["encoder_inputs"], int_placeholders(5),
                                       lists["targets"], lists["weights"], [(2, 3), (4, 5)],
                                       basic_model())
    assert tf.global_variables() == []


# --- 3. a tiny training --------------------------------------------------------------------------

def copy_batch(rng, encoder_length, decoder_length, batch=6, symbols=6):
    """The copy task: encoder ids in 1..symbols-1; the decoder reads GO (0) and the same ids,
    then 0s, one more row than it has steps (its targets are the rows shifted by one)."""
    source = rng.integers(1, symbols, size=(encoder_length, batch)).astype(np.int32)
    padding = np.zeros((decoder_length - encoder_length, batch), np.int32)
    decoder = np.concatenate([np.zeros((1, batch), np.int32), source, padding], 0)
    return source, decoder                            # [T_enc, B], [T_dec + 1, B]


def test_a_tiny_two_bucket_copy_model_lowers_both_losses_as_it_trains():
    reset_graph(seed=3)
    buckets = [(2, 3), (4, 5)]
    enc, dec = int_placeholders(4), int_placeholders(6)
    targets = dec[1:]                                  # predict the next decoder symbol
    weights = [tf.ones_like(enc[0], dtype=tf.float32) for _ in range(5)]
    _, losses = seq2seq_lib.model_with_buckets(enc, dec, targets, weights, buckets,
                                               basic_model(cell_units=16, symbols=6))
    optimizer = tf.train.AdamOptimizer(0.05)
    updates = [optimizer.minimize(loss) for loss in losses]
    rng = np.random.default_rng(0)
    feeds = []
    for encoder_length, decoder_length in buckets:
        source, decoder = copy_batch(rng, encoder_length, decoder_length)
        feed = dict(zip(enc[:encoder_length], source, strict=True))
        feed.update(zip(dec[:decoder_length + 1], decoder, strict=True))
        feeds.append(feed)
    with tf.Session(config=NO_GRAPPLER) as session:
        session.run(tf.global_variables_initializer())
        start = [session.run(loss, feed) for loss, feed in zip(losses, feeds, strict=True)]
        for _ in range(15):
            for update, feed in zip(updates, feeds, strict=True):
                session.run(update, feed)
        end = [session.run(loss, feed) for loss, feed in zip(losses, feeds, strict=True)]
    assert start[0] > 1.5 and start[1] > 1.5       # about log(6) = 1.79 untrained
    assert end[0] < 0.5 * start[0] and end[1] < 0.5 * start[1]
