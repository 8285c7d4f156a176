"""What the fast path's equality tests share: run a cell the way a case says, with a loss that
reaches every output and state, and compare the fast graph with the built-in one from ONE
checkpoint the built-in graph wrote.

A case has ``mode`` ("static" | "dynamic" | "time_major"), ``batch``, ``steps``, ``inputs``,
``units``, ``dtype``, ``lengths``, ``shards``; ``build(case, implementation)``
(implementation "built-in" or "fast", usually a ``build_graph`` call) returns
``(graph, x, outputs, states, variables, gradients)`` as ``unroll_with_gradients`` does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.compat import rnn, tf
from tf1_lstm.fast.rnn import dynamic_rnn as fast_dynamic_rnn
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn


@dataclass(frozen=True)
class Sizes:
    """What every equality case has; a test's Case adds its cells (``layers``, ...)."""

    batch: int = 3
    steps: int = 5
    inputs: int = 4
    units: int = 6
    lengths: tuple[int, ...] | None = None
    mode: str = "static"             # static | dynamic | time_major
    shards: int | None = 2
    unknown_batch: bool = True
    dtype: str = "float32"


def build_graph(case, make_cells: Callable[[], list], fast_path: bool):
    """The case's graph in a new tf.Graph: ``make_cells()`` (called inside it; one cell, or
    several for a MultiRNNCell) over a placeholder x [B, T, I] (B unknown unless the case has
    ``unknown_batch=False``), unrolled by the fast path's static_rnn / dynamic_rnn (with the
    case's ``shards``) or by TF's own. Returns ``(graph, x, outputs, states, variables,
    gradients)``, the last four as ``unroll_with_gradients`` gives them."""
    dtype = tf.as_dtype(case.dtype)
    graph = tf.Graph()
    with graph.as_default():
        batch = None if case.unknown_batch else case.batch
        x = tf.placeholder(dtype, [batch, case.steps, case.inputs])
        lengths = None if case.lengths is None else tf.constant(case.lengths, tf.int32)
        if fast_path:
            static_rnn, dynamic_rnn, extra = (fast_static_rnn, fast_dynamic_rnn,
                                              {"shards": case.shards})
        else:
            static_rnn, dynamic_rnn, extra = rnn.static_rnn, tf.nn.dynamic_rnn, {}
        cells = make_cells()
        cell = cells[0] if len(cells) == 1 else rnn.MultiRNNCell(cells)
        outputs, states, variables, gradients = unroll_with_gradients(
            case, cell, x, lengths, dtype, static_rnn, dynamic_rnn, extra)
    return graph, x, outputs, states, variables, gradients


def unroll_with_gradients(case, cell, x, lengths, dtype, static_rnn: Callable,
                          dynamic_rnn: Callable, extra: dict):
    """``cell`` over x [B, T, I] in the case's mode: (outputs [B, T, H], final-state tensors,
    {name: variable}, {"inputs" and each variable name: gradient of a fixed random loss})."""
    if case.mode == "static":
        outputs, state = static_rnn(cell, tf.unstack(x, case.steps, 1), dtype=dtype,
                                    sequence_length=lengths, **extra)
        outputs = tf.stack(outputs, 1)
    elif case.mode == "dynamic":
        outputs, state = dynamic_rnn(cell, x, dtype=dtype, sequence_length=lengths, **extra)
    else:
        outputs, state = dynamic_rnn(cell, tf.transpose(x, [1, 0, 2]), dtype=dtype,
                                     sequence_length=lengths, time_major=True, **extra)
        outputs = tf.transpose(outputs, [1, 0, 2])
    states = tf.nest.flatten(state)
    # Fixed random coefficients: the gradient reaches every output and every c and h.
    rng = np.random.default_rng(7)
    loss = tf.reduce_sum(outputs * rng.normal(size=(case.batch, case.steps, case.units)))
    for s in states:
        loss += tf.reduce_sum(s * rng.normal(size=(case.batch, case.units)))
    variables = {v.op.name: v for v in tf.global_variables()}
    gradients = dict(zip(["inputs", *variables],
                         tf.gradients(loss, [x, *variables.values()]), strict=True))
    return outputs, states, variables, gradients


def max_differences(case, checkpoint: Path, build: Callable) -> dict[str, float]:
    """The built-in graph's random values saved, restored into the fast graph (same names and
    shapes, checked), both run on one input: max |diff| of outputs and states, and of each
    gradient relative to its largest entry (absolute where the built-in one is all 0)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(case.batch, case.steps, case.inputs))
    graph, x_in, outputs, states, variables, gradients = build(case, "built-in")
    with tf.Session(graph=graph) as sess:
        sess.run(tf.variables_initializer(list(variables.values())))
        for v in variables.values():
            v.load(rng.normal(scale=0.5, size=v.shape.as_list()), sess)
        tf.train.Saver().save(sess, str(checkpoint), write_meta_graph=False)
        expected = sess.run([outputs, states, gradients], {x_in: x})
    graph, x_in, outputs, states, variables, gradients = build(case, "fast")
    assert dict(tf.train.list_variables(str(checkpoint))) == {
        name: v.shape.as_list() for name, v in variables.items()}  # names and shapes agree
    with tf.Session(graph=graph) as sess:
        tf.train.Saver().restore(sess, str(checkpoint))
        actual = sess.run([outputs, states, gradients], {x_in: x})
    assert actual[2].keys() == expected[2].keys()
    return {
        "outputs": float(np.max(np.abs(actual[0] - expected[0]))),
        "states": max(float(np.max(np.abs(a - e))) for a, e in
                      zip(actual[1], expected[1], strict=True)),
        # with T = 1 and c_0 = 0, w_i_diag's and w_f_diag's gradients are all 0
        "gradients": max(float(np.max(np.abs(actual[2][k] - e)) / (np.max(np.abs(e)) or 1.0))
                         for k, e in expected[2].items()),
    }
