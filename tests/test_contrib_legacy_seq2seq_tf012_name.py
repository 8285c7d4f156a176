"""``tf.nn.seq2seq``, TF 0.x's home of legacy_seq2seq, under ``tf1-lstm run``.

TF 1.0 moved ``tf.nn.seq2seq`` to ``tf.contrib.legacy_seq2seq`` by hand (not in the upgrade
script's table); ``tf1_lstm.legacy.history`` serves the old name as the contrib module we
serve, with one note. A TF 0.12-style char-rnn training step (``tf.nn.rnn``,
``tf.split(1, ...)``, ``tf.concat(1, ...)``, ``tf.initialize_all_variables``) runs in a fresh
interpreter, the one subprocess of the legacy_seq2seq tests: slow, left out of
``make test-fast``. Its cost is checked against NumPy on its own logits.
"""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pytest
from conftest import run_python

pytestmark = pytest.mark.slow  # a new interpreter


TF012_CHAR_RNN = textwrap.dedent('''\
    """A char-rnn training step as TF 0.12 wrote it: tf.nn.rnn, tf.concat(1, ...) and
    tf.nn.seq2seq.sequence_loss_by_example, as in the char-rnn programs of the time."""
    import json

    import numpy as np
    import tensorflow as tf

    batch, steps, vocab, units = 2, 3, 5, 8
    inputs = tf.placeholder(tf.int32, [batch, steps])
    targets = tf.placeholder(tf.int32, [batch, steps])
    embedding = tf.get_variable("embedding", [vocab, units])
    embedded = tf.split(1, steps, tf.nn.embedding_lookup(embedding, inputs))
    cell = tf.nn.rnn_cell.BasicLSTMCell(units, state_is_tuple=True)
    outputs, _ = tf.nn.rnn(cell, [tf.squeeze(x, [1]) for x in embedded], dtype=tf.float32)
    output = tf.reshape(tf.concat(1, outputs), [-1, units])
    softmax_w = tf.get_variable("softmax_w", [units, vocab])
    softmax_b = tf.get_variable("softmax_b", [vocab])
    logits = tf.matmul(output, softmax_w) + softmax_b
    loss = tf.nn.seq2seq.sequence_loss_by_example(
        [logits], [tf.reshape(targets, [-1])], [tf.ones([batch * steps])])
    cost = tf.reduce_sum(loss) / batch / steps
    train_op = tf.train.AdamOptimizer(0.05).minimize(cost)

    x = np.array([[0, 1, 2], [3, 4, 0]], np.int32)
    y = np.array([[1, 2, 3], [4, 0, 1]], np.int32)
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        first_logits, first_cost = sess.run([logits, cost], {inputs: x, targets: y})
        for _ in range(30):
            sess.run(train_op, {inputs: x, targets: y})
        last_cost = sess.run(cost, {inputs: x, targets: y})
    print(json.dumps({"logits": first_logits.tolist(), "cost": float(first_cost),
                      "last_cost": float(last_cost), "targets": y.reshape(-1).tolist(),
                      "loss_op": loss.op.name}))
''')


def test_tf012s_tf_nn_seq2seq_is_legacy_seq2seq_under_tf1_lstm_run(tmp_path):
    script = tmp_path / "char_rnn_tf012.py"
    script.write_text(TF012_CHAR_RNN)
    result = run_python("", "-m", "tf1_lstm", "run", str(script), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert ("tf1-lstm: note: tf.nn.seq2seq is TF 0.x; ran it as tf.contrib.legacy_seq2seq"
            in result.stderr.splitlines())
    got = json.loads(result.stdout)
    # The cost, recomputed from the script's own logits: mean cross-entropy over 6 symbols.
    logits = np.array(got["logits"], np.float64)
    log_probs = logits - logits.max(1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(1, keepdims=True))
    expected = -log_probs[np.arange(6), got["targets"]].mean()
    np.testing.assert_allclose(got["cost"], expected, rtol=1e-5)
    assert got["last_cost"] < 0.5 * got["cost"]  # and it trains
    assert got["loss_op"].startswith("sequence_loss_by_example/")
