"""Shared helpers of the legacy_seq2seq tests: TF 1.15's harness (seq2seq_test.py)."""

from __future__ import annotations

from tf1_lstm.compat import tf

TF_TOL = dict(rtol=1e-6, atol=1e-6)  # tf.test.TestCase.assertAllClose's defaults


def run(fetches, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches, feed)


def root_scope():
    """TF 1.15's tests build everything under "root" with every weight 0.5."""
    return tf.variable_scope("root", initializer=tf.constant_initializer(0.5))


def ids(value, n, batch=2):
    return [tf.constant(value(i), tf.int32, shape=[batch]) for i in range(n)]
