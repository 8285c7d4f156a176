"""Build one case's RNN graph, with the built-in cells or the hand-written ones.

Both graphs are built the same way, so every variable gets the same name in both and one
``tf.train.Saver`` checkpoint moves the weights across:

    X = tf.placeholder(dtype, [B, T, I])
    cell = Cell(H) or MultiRNNCell([Cell(H) for _ in range(layers)])
    static     outputs, states = rnn.static_rnn(cell, tf.unstack(X, T, 1), ...)
    dynamic    outputs, states = tf.nn.dynamic_rnn(cell, X, ...)
    projected  built-in: dynamic_rnn as above; hand: cells.lstm.whole_sequence
               (input projection of every step in one matmul), stacked layer by layer
    loss = sum(outputs * A) + sum over every final-state tensor S_k of sum(S_k * B_k)

A and B_k are fixed random coefficients (the same in both graphs), so the gradient of the
scalar loss reaches every output, every layer's c and h, and every weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tf1_lstm.cells.hand import make_hand_cell
from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.cells.lstm import stacked_whole_sequence, whole_sequence
from tf1_lstm.compat import rnn, tf
from tf1_lstm.models.cells import make_cell, stack_cells
from tf1_lstm.verify.matrix import Case

IMPLEMENTATIONS = ("built-in", "hand")


@dataclass
class RnnGraph:
    graph: tf.Graph
    inputs: tf.Tensor                  # placeholder [B, T, I]
    outputs: tf.Tensor                 # [B, T, H], static_rnn's list stacked on axis 1
    states: list[tf.Tensor]            # every final-state tensor, bottom layer first, c then h
    loss: tf.Tensor                    # scalar
    variables: dict[str, tf.Variable]  # by name, e.g. "rnn/basic_lstm_cell/kernel"
    gradients: dict[str, tf.Tensor]    # d loss / d "inputs" and / d each variable name


def _cell(case: Case, implementation: str) -> rnn.RNNCell:
    """TensorFlow's own cell for the case (as the documents construct it), or its hand twin."""
    make = make_cell if implementation == "built-in" else make_hand_cell
    forget_bias = 1.0 if case.forget_bias is None else case.forget_bias  # None: no forget gate
    return make(case.cell, case.shape.units, forget_bias)


def _unroll(case: Case, implementation: str, x: tf.Tensor, dtype):
    """(outputs [B, T, H], final state in the cell's own structure)."""
    lengths = None if case.lengths is None else tf.constant(case.lengths, tf.int32)  # [B]
    cells = [_cell(case, implementation) for _ in range(case.layers)]
    if case.mode == "projected" and implementation == "hand":
        if case.layers == 1:
            return whole_sequence(cells[0], x, sequence_length=lengths, dtype=dtype)
        return stacked_whole_sequence(cells, x, sequence_length=lengths, dtype=dtype)
    cell = stack_cells(cells)
    if case.mode == "static":
        outputs, state = rnn.static_rnn(cell, tf.unstack(x, case.shape.steps, 1), dtype=dtype,
                                        sequence_length=lengths)
        return tf.stack(outputs, 1), state                                    # [B, T, H]
    return tf.nn.dynamic_rnn(cell, x, dtype=dtype, sequence_length=lengths)


def loss_coefficients(case: Case) -> tuple[np.ndarray, list[np.ndarray]]:
    """A [B, T, H] for the outputs and one [B, H] per final-state tensor."""
    rng = np.random.default_rng(case.seed + 1)
    b, t, h = case.shape.batch, case.shape.steps, case.shape.units
    per_layer = len(cell_kind(case.cell).state_parts)  # (c, h), or h
    return (rng.normal(size=(b, t, h)),
            [rng.normal(size=(b, h)) for _ in range(per_layer * case.layers)])


def build_rnn(case: Case, implementation: str) -> RnnGraph:
    """The case's graph in a new tf.Graph; ``implementation`` is "built-in" or "hand"."""
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(f"implementation must be one of {IMPLEMENTATIONS}")
    dtype = tf.as_dtype(case.dtype)
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(dtype, [case.shape.batch, case.shape.steps, case.shape.inputs])
        outputs, state = _unroll(case, implementation, x, dtype)
        states = tf.nest.flatten(state)
        output_weights, state_weights = loss_coefficients(case)
        loss = tf.reduce_sum(outputs * tf.constant(output_weights, dtype))
        for s, w in zip(states, state_weights, strict=True):
            loss += tf.reduce_sum(s * tf.constant(w, dtype))
        variables = {v.op.name: v for v in tf.global_variables()}
        names = ["inputs", *variables]
        gradients = tf.gradients(loss, [x, *variables.values()])
    return RnnGraph(graph, x, outputs, states, loss, variables,
                    dict(zip(names, gradients, strict=True)))
