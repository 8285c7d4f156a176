"""tf.contrib.crf in use: imported before anything else, and a BiLSTM-CRF tagger that trains.

The tagger's negative log-likelihood falls, and crf_decode (in the graph) agrees with
viterbi_decode (NumPy) on every row. The numbers of each function: ``test_contrib_crf.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_python

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import crf

TAGS = 3


@pytest.mark.slow  # a fresh interpreter
def test_crf_module_can_be_imported_before_anything_else():
    result = run_python("""
        from tf1_lstm.contrib import crf
        import numpy as np
        from tf1_lstm.compat import tf
        tags, score = crf.crf_decode(np.ones([1, 3, 2], np.float32), np.eye(2, dtype=np.float32),
                                     np.array([3]))
        with tf.Session() as session:
            print(session.run(tags).tolist())
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[[0, 0, 0]]"


@pytest.mark.slow  # trains
def test_bilstm_crf_tagger_learns_and_crf_decode_agrees_with_viterbi_decode():
    # Tag rule that needs both neighbours: tag_t = (word_{t-1} + word_t + word_{t+1}) % 3.
    reset_graph(0)
    rng = np.random.default_rng(0)
    vocab, batch, max_len = 6, 16, 6
    words = rng.integers(0, vocab, (batch, max_len))
    lengths = rng.integers(2, max_len + 1, batch)
    padded = np.pad(words, ((0, 0), (1, 1)))
    gold = (padded[:, :-2] + padded[:, 1:-1] + padded[:, 2:]) % TAGS
    valid = np.arange(max_len)[None, :] < lengths[:, None]                  # [B, T]
    gold[~valid] = 0

    word_ids = tf.placeholder(tf.int32, [None, None])
    tag_ids = tf.placeholder(tf.int32, [None, None])
    sequence_lengths = tf.placeholder(tf.int32, [None])
    embedded = tf.nn.embedding_lookup(tf.get_variable("embeddings", [vocab, 8]), word_ids)
    (forward, backward), _ = tf.nn.bidirectional_dynamic_rnn(
        rnn.LSTMCell(16), rnn.LSTMCell(16), embedded, sequence_length=sequence_lengths,
        dtype=tf.float32)
    logits = tf.layers.dense(tf.concat([forward, backward], -1), TAGS)       # [B, T, N]
    log_likelihood, transitions = crf.crf_log_likelihood(logits, tag_ids, sequence_lengths)
    loss = tf.reduce_mean(-log_likelihood)
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    decoded, best_score = crf.crf_decode(logits, transitions, sequence_lengths)

    feed = {word_ids: words, tag_ids: gold, sequence_lengths: lengths}
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        first_loss = session.run(loss, feed)
        for _ in range(40):
            session.run(train, feed)
        last_loss, got_tags, got_scores, got_logits, got_transitions = session.run(
            (loss, decoded, best_score, logits, transitions), feed)

    assert last_loss < 0.1 * first_loss, (first_loss, last_loss)
    for b, length in enumerate(lengths):
        viterbi, viterbi_score = crf.viterbi_decode(got_logits[b, :length], got_transitions)
        assert list(got_tags[b, :length]) == viterbi
        assert not got_tags[b, length:].any()
        np.testing.assert_allclose(got_scores[b], viterbi_score, rtol=1e-5)
    assert (got_tags == gold)[valid].mean() > 0.9
