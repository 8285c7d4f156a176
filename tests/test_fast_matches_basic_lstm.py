"""The fast path computes what BasicLSTMCell computes: the same outputs, final states and
gradients (w.r.t. the inputs and every weight), from ONE checkpoint the built-in graph wrote.

Each case builds BasicLSTMCell under rnn.static_rnn / tf.nn.dynamic_rnn, gives every variable
random values (the biases too, so every gate column matters), saves a checkpoint, restores it
into FastLSTMCell under the fast static_rnn / dynamic_rnn, and compares. Tolerance 1e-5 in
float32: max |diff| for values, max |diff| / max |gradient| for gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from fast_compare_support import Sizes, build_graph, max_differences

from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.cell import FastLSTMCell

TOLERANCE = {"float32": 1e-5, "float64": 1e-10}


@dataclass(frozen=True)
class Case(Sizes):
    layers: int = 1
    forget_bias: float = 1.0


def build(case: Case, implementation: str):
    """(graph, x, outputs [B, T, H], final-state tensors, {name: variable}, {name: gradient})."""
    fast = implementation == "fast"
    make = FastLSTMCell if fast else rnn.BasicLSTMCell
    return build_graph(case, lambda: [make(case.units, forget_bias=case.forget_bias)
                                      for _ in range(case.layers)], fast_path=fast)



CASES = {
    "static, forget_bias 1, 2 shards": Case(),
    "static, forget_bias 0, 1 shard": Case(forget_bias=0.0, shards=1),
    "dynamic, 3 layers, 2 shards": Case(mode="dynamic", layers=3),
    "dynamic, 3 layers, sequence_length, 3 uneven shards": Case(
        mode="dynamic", layers=3, batch=5, lengths=(5, 3, 0, 1, 5), shards=3),
    "static, sequence_length, known batch": Case(lengths=(5, 2, 0), unknown_batch=False),
    "time-major dynamic, forget_bias 0": Case(mode="time_major", forget_bias=0.0),
    "batch 1 (one shard left)": Case(batch=1, unknown_batch=False, layers=3),
    "batch 1, unknown batch (an empty shard)": Case(batch=1, lengths=(3,)),
    "T = 1": Case(steps=1, mode="dynamic"),
    "float64: the backward pass written as ops": Case(dtype="float64", layers=3,
                                                      lengths=(5, 2, 0)),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_fast_path_equals_basic_lstm_cell_from_one_checkpoint(case, tmp_path):
    differences = max_differences(case, tmp_path / "model.ckpt", build)
    assert max(differences.values()) <= TOLERANCE[case.dtype], differences


def test_fast_lstm_cell_runs_under_core_static_rnn_with_basic_lstm_cell_names():
    # Not fast there, but a drop-in: rnn.static_rnn accepts it and names its variables alike.
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 3])
        rnn.static_rnn(FastLSTMCell(5), tf.unstack(x, 4, 1), dtype=tf.float32)
        names = sorted(v.op.name for v in tf.global_variables())
    assert names == ["rnn/basic_lstm_cell/bias", "rnn/basic_lstm_cell/kernel"]


def test_a_fast_checkpoint_restores_into_basic_lstm_cell(tmp_path):
    """The other direction: variables the fast path created and trained, read by TF's cell."""
    case = Case(mode="dynamic", layers=3, lengths=(5, 2, 0))
    rng = np.random.default_rng(3)
    x = rng.normal(size=(case.batch, case.steps, case.inputs))
    graph, x_in, outputs, states, variables, _ = build(case, "fast")
    with graph.as_default():
        loss = tf.reduce_sum(tf.square(outputs))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()
    with tf.Session(graph=graph) as sess:
        sess.run(init)
        for _ in range(3):
            sess.run(train, {x_in: x})
        tf.train.Saver(list(variables.values())).save(sess, str(tmp_path / "fast.ckpt"),
                                                       write_meta_graph=False)
        expected = sess.run([outputs, states], {x_in: x})
    graph, x_in, outputs, states, variables, _ = build(case, "built-in")
    with tf.Session(graph=graph) as sess:
        tf.train.Saver().restore(sess, str(tmp_path / "fast.ckpt"))
        actual = sess.run([outputs, states], {x_in: x})
    np.testing.assert_allclose(actual[0], expected[0], rtol=0, atol=1e-5)
    for a, e in zip(actual[1], expected[1], strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-5)
