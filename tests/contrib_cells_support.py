"""Shared harness of the long-tail contrib cell tests: TF1's fixtures, a NumPy unroll, grads.

- ``tf115_fixture_run``: TF 1.15's own test set-up (a ``root`` scope with a constant
  initializer), so the ported expected numbers apply unchanged.
- ``assert_matches_numpy``: unroll a cell for T steps under ``static_rnn`` or ``dynamic_rnn``
  with random weights, and compare with a float64 NumPy step run on the same weights.
- ``gradients_by_name``: d(sum of outputs and final state) / d(each trainable variable).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from contrib_support import T, assert_all_close, initialize_randomly, inputs_batch_major, unroll

from tf1_lstm.compat import reset_graph, tf


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def layer_norm(x, gamma, beta, epsilon: float = 1e-12):
    """contrib.layers.layer_norm over the last axis, in NumPy."""
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


def tf115_fixture_run(build: Callable, initializer: float | None = 0.5):
    """Run ``build()``'s fetches as TF 1.15's tests did: built under ``root`` with a
    constant initializer (``None``: the cells' own), after global_variables_initializer.
    TF fed its inputs into zero tensors; ``build`` makes them constants instead."""
    reset_graph()
    init = None if initializer is None else tf.constant_initializer(initializer)
    with tf.variable_scope("root", initializer=init):
        fetches = build()
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches)


def cell_variables(session) -> dict[str, np.ndarray]:
    """{name below ``rnn/<cell scope>/``: float64 value} of every global variable."""
    return {v.op.name.split("/", 2)[2]: session.run(v).astype(np.float64)
            for v in tf.global_variables()}


def assert_matches_numpy(kind: str, make_cell: Callable, numpy_step: Callable,
                         zero_state: Callable[[int], object], x_scale: float = 1.0) -> None:
    """TF (float32) == NumPy (float64) over T steps from the zero state, within 1e-5.

    ``numpy_step(x_t [B, I], state, weights) -> (output, new_state)``;
    ``zero_state(batch)`` is the NumPy zero state.
    """
    reset_graph()
    x = inputs_batch_major(scale=x_scale)                                    # [B, T, I]
    actual = unroll(kind, make_cell(), tf.constant(x))
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        actual = session.run(actual)
        weights = cell_variables(session)
    state, outputs = zero_state(x.shape[0]), []
    for t in range(T):
        output, state = numpy_step(x[:, t].astype(np.float64), state, weights)
        outputs.append(output)
    assert_all_close(actual, (np.stack(outputs, 1), state))


def gradients_by_name(make_cell: Callable) -> dict[str, np.ndarray | None]:
    """{variable name: gradient value, or None where no gradient reaches it}."""
    reset_graph()
    outputs, state = unroll("dynamic", make_cell(), tf.constant(inputs_batch_major()))
    loss = tf.reduce_sum(outputs) + tf.add_n([tf.reduce_sum(s) for s in tf.nest.flatten(state)])
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables)
    with tf.Session() as session:
        initialize_randomly(session, variables)
        values = session.run([g for g in grads if g is not None])
    found = iter(values)
    return {v.op.name: (None if g is None else next(found))
            for v, g in zip(variables, grads, strict=True)}


def assert_every_variable_gets_a_gradient(make_cell: Callable, unused: tuple = ()) -> None:
    """A finite, non-zero gradient reaches every trainable variable but those in ``unused``."""
    grads = gradients_by_name(make_cell)
    assert grads
    for name, grad in grads.items():
        if name.endswith(unused):
            assert grad is None, f"{name} should get no gradient (TF1 never used it)"
        else:
            assert grad is not None, f"no gradient reaches {name}"
            assert np.isfinite(grad).all() and np.abs(grad).max() > 0, name
