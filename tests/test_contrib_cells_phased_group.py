"""PhasedLSTMCell and GLSTMCell: TF 1.15's numbers, names, equations, gradients.

TF 1.15's testPhasedLSTMCell numbers depend on the random ``period`` and ``phase`` it drew
under the test case's graph seed 87654321. TF1 gave each initializer op the op seed "number
of ops in the graph so far"; a search over op seeds found the two that reproduce TF's
numbers to 1e-8: 56 for period and 66 for phase (10 ops apart, as the graph between the two
draws has). The test loads those draws into our variables, then compares.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import B, H, I, T, inputs_batch_major, sigmoid

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn.group_cells import GLSTMCell, GroupSizeError
from tf1_lstm.contrib.rnn.phased_cells import PhasedLSTMCell
from tf1_lstm.errors import Tf1LstmError

TF_TEST_GRAPH_SEED = 87654321  # tensorflow.python.framework.random_seed.DEFAULT_GRAPH_SEED


def trainable(scope: str) -> dict:
    """{name relative to scope: variable}."""
    return {v.op.name[len(scope) + 1:]: v
            for v in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope=scope)}


def randomize(session, variables: dict, seed: int = 7) -> dict:
    """Normal(0, 0.5) values in every variable (biases too); returns {name: value}."""
    rng = np.random.default_rng(seed)
    values = {name: rng.normal(scale=0.5, size=v.shape.as_list()).astype(
        v.dtype.base_dtype.as_numpy_dtype) for name, v in variables.items()}
    session.run([tf.assign(variables[name], value) for name, value in values.items()])
    return values


def assert_gradients_reach_every_trainable_variable(outputs, state, count: int) -> None:
    loss = tf.reduce_sum(outputs ** 2) + sum(tf.reduce_sum(s ** 2) for s in tf.nest.flatten(state))
    variables = tf.trainable_variables()
    gradients = tf.gradients(loss, variables)
    assert len(variables) == count and all(g is not None for g in gradients)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        norms = [np.abs(g).max() for g in session.run(gradients)]
    assert min(norms) > 0, dict(zip([v.op.name for v in variables], norms, strict=True))


# --- PhasedLSTMCell ---------------------------------------------------------------------------

def test_phased_lstm_cell_matches_tf115_numbers():
    """testPhasedLSTMCell, with TF's period and phase draws (op seeds 56 and 66)."""
    reset_graph(TF_TEST_GRAPH_SEED)
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        t = tf.zeros([3, 1], dtype=tf.float64)
        x = tf.zeros([3, 4])
        state0 = tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([3, 2]), tf.zeros([3, 2]))
        output, state = PhasedLSTMCell(num_units=2)((t, x), state0)
    variables = trainable("root/phased_lstm_cell")
    period_draw = tf.exp(tf.random_uniform([2], tf.log(1.0), tf.log(1000.0), seed=56))
    phase_draw = tf.random_uniform([2], 0.0, period_draw, seed=66)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run([tf.assign(variables["period"], period_draw),
                     tf.assign(variables["phase"], phase_draw)])
        output, state = session.run(
            [output, state], {t: [[1.0], [2.0], [3.0]], x: np.repeat([[1.0], [2.0], [3.0]], 4, 1)})
    np.testing.assert_allclose(output, state.h, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(state.c, [[0.00072015, 0.00036633], [0.00083481, 0.00047266],
                                         [0.00085111, 0.00053054]], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(state.h, [[0.0005159, 0.00026243], [0.00062958, 0.00035646],
                                         [0.00064732, 0.00040351]], rtol=1e-6, atol=1e-6)


def phased_inputs(seed: int = 0):
    """(times [B, T, 1] float64, increasing at uneven steps; x [B, T, I] float32)."""
    steps = np.random.default_rng(seed).uniform(0.2, 1.5, size=(B, T, 1))
    return np.cumsum(steps, axis=1), inputs_batch_major(seed)


def run_phased(use_peepholes: bool, trainable_ratio_on: bool = True):
    times, x = phased_inputs()
    cell = PhasedLSTMCell(H, use_peepholes=use_peepholes, ratio_on=0.4, period_init_min=2.0,
                          period_init_max=6.0, trainable_ratio_on=trainable_ratio_on)
    return tf.nn.dynamic_rnn(cell, (tf.constant(times), tf.constant(x)), dtype=tf.float32)


@pytest.mark.parametrize("use_peepholes", [False, True])
def test_phased_lstm_variables_have_tf115_names_and_shapes(use_peepholes):
    reset_graph()
    run_phased(use_peepholes, trainable_ratio_on=False)
    peep = H if use_peepholes else 0        # TF1's peepholes are extra kernel rows
    assert [(v.op.name, v.shape.as_list()) for v in tf.global_variables()] == [
        (f"rnn/phased_lstm_cell/{name}", shape) for name, shape in [
            ("mask_gates/kernel", [I + H + peep, 2 * H]), ("mask_gates/bias", [2 * H]),
            ("new_input/kernel", [I + H, H]), ("new_input/bias", [H]),
            ("output_gate/kernel", [I + H + peep, H]), ("output_gate/bias", [H]),
            ("period", [H]), ("phase", [H]), ("ratio_on", [H])]]
    assert "rnn/phased_lstm_cell/ratio_on" not in [v.op.name for v in tf.trainable_variables()]


def test_phased_lstm_time_gate_starts_as_tf1_drew_it():
    reset_graph()
    run_phased(use_peepholes=False)
    variables = trainable("rnn/phased_lstm_cell")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        period, phase, ratio_on = session.run([variables[n] for n in ("period", "phase",
                                                                      "ratio_on")])
    assert np.all((2.0 <= period) & (period <= 6.0))
    assert np.all((0.0 <= phase) & (phase <= period))
    assert np.all(ratio_on == np.float32(0.4))


def numpy_phased_lstm(times, x, w, use_peepholes: bool, leak: float = 0.001):
    """The module docstring's step over T steps; also counts the time gate's regimes."""
    c = h = np.zeros((B, H))
    regimes = np.zeros(3, int)
    outputs = []
    for step in range(T):
        xt, t = x[:, step], times[:, step]
        peep = [c] if use_peepholes else []
        i, f = np.split(sigmoid(np.concatenate([xt, h, *peep], 1) @ w["mask_gates/kernel"]
                                + w["mask_gates/bias"]), 2, axis=1)
        j = np.tanh(np.concatenate([xt, h], 1) @ w["new_input/kernel"] + w["new_input/bias"])
        c_tilde = f * c + i * j
        peep = [c_tilde] if use_peepholes else []
        o = sigmoid(np.concatenate([xt, h, *peep], 1) @ w["output_gate/kernel"]
                    + w["output_gate/bias"])
        h_tilde = np.tanh(c_tilde) * o
        phi = np.mod(t - w["phase"], w["period"]) / w["period"]           # [B, H]
        r_on = w["ratio_on"]
        regime = np.where(phi < r_on / 2, 0, np.where(phi < r_on, 1, 2))
        k = np.choose(regime, [2 * phi / r_on, 2 - 2 * phi / r_on, leak * phi])
        regimes += np.bincount(regime.ravel(), minlength=3)
        c, h = k * c_tilde + (1 - k) * c, k * h_tilde + (1 - k) * h
        outputs.append(h)
    return np.stack(outputs, 1), (c, h), regimes


@pytest.mark.parametrize("use_peepholes", [False, True])
def test_phased_lstm_under_dynamic_rnn_follows_the_docstring_equations(use_peepholes):
    # Float32 cell (TF1's time-gate variables are float32) against float64 NumPy.
    reset_graph()
    outputs, state = run_phased(use_peepholes)
    variables = trainable("rnn/phased_lstm_cell")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        weights = {name: session.run(v).astype(np.float64) for name, v in variables.items()
                   if name in ("period", "phase", "ratio_on")}
        weights.update(randomize(session, {n: v for n, v in variables.items()
                                           if n not in weights}))
        outputs, state = session.run((outputs, state))
    times, x = phased_inputs()
    expected_outputs, expected_state, regimes = numpy_phased_lstm(
        times, x.astype(np.float64), {n: np.float64(v) for n, v in weights.items()},
        use_peepholes)
    assert regimes.min() > 0, f"every time-gate regime should occur: {regimes}"
    np.testing.assert_allclose(outputs, expected_outputs, rtol=0, atol=2e-6)
    np.testing.assert_allclose(state.c, expected_state[0], rtol=0, atol=2e-6)
    np.testing.assert_allclose(state.h, expected_state[1], rtol=0, atol=2e-6)


def test_phased_lstm_gradients_reach_every_variable_period_and_phase_included():
    reset_graph()
    assert_gradients_reach_every_trainable_variable(*run_phased(use_peepholes=True), count=9)


# --- GLSTMCell --------------------------------------------------------------------------------

@pytest.mark.parametrize("num_inputs", [4, 5])
def test_glstm_with_one_group_is_lstm_cell(num_inputs):
    """testGLSTMCell, first half: number_of_groups=1 equals LSTMCell (rtol 1e-5)."""
    reset_graph()
    with tf.variable_scope(f"root1_{num_inputs}", initializer=tf.constant_initializer(0.5)):
        x = tf.ones([2, num_inputs])
        gcell = GLSTMCell(num_units=4, number_of_groups=1)
        assert isinstance(gcell.state_size, tuple)
        zero_state = gcell.zero_state(batch_size=2, dtype=tf.float32)
        glstm = gcell(x, zero_state)
        lstm = tf.nn.rnn_cell.LSTMCell(num_units=4)(x, zero_state)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        glstm, lstm = session.run((glstm, lstm))
    for actual, expected in zip(tf.nest.flatten(glstm), tf.nest.flatten(lstm), strict=True):
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("num_inputs", [4, 6])
def test_glstm_groups_act_as_separate_smaller_lstms(num_inputs):
    """testGLSTMCell, second half: each of 2 groups equals an LSTMCell of half the size."""
    reset_graph()
    with tf.variable_scope(f"root2_{num_inputs}", initializer=tf.constant_initializer(0.5)):
        gcell = GLSTMCell(num_units=4, number_of_groups=2)
        gh, _ = gcell(tf.ones([2, num_inputs]), gcell.zero_state(batch_size=2, dtype=tf.float32))
        cell = tf.nn.rnn_cell.LSTMCell(num_units=2)
        h, _ = cell(tf.ones([2, num_inputs // 2]), cell.zero_state(batch_size=2, dtype=tf.float32))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        gh, h = session.run((gh, h))
    np.testing.assert_allclose(gh[:, :2], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gh[:, 2:], h, rtol=1e-5, atol=1e-6)


def test_glstm_rejects_sizes_it_cannot_cut_into_groups():
    """testGLSTMCellFailure, and the constructor's checks."""
    reset_graph()
    with tf.variable_scope("glstm_failure", initializer=tf.constant_initializer(0.5)):
        gcell = GLSTMCell(num_units=4, number_of_groups=2)
        zero_state = gcell.zero_state(batch_size=2, dtype=tf.float32)
        with pytest.raises(ValueError, match="input size must be statically known"):
            gcell(tf.placeholder(tf.float32, shape=[2, None]), zero_state)
        with pytest.raises(ValueError,
                           match=r"input size \(3\) must be divisible by number_of_groups \(2\)"):
            gcell(tf.placeholder(tf.float32, shape=[2, 3]), zero_state)
    with pytest.raises(GroupSizeError, match="num_units"):
        GLSTMCell(num_units=5, number_of_groups=2)
    with pytest.raises(Tf1LstmError, match="num_proj"):
        GLSTMCell(num_units=4, num_proj=3, number_of_groups=2)


P, G = 4, 2   # num_proj and number_of_groups of the cases below (H = 6 and I = 4 split in 2)


def run_glstm(activation=tf.tanh, dtype=tf.float32, initializer=None):
    x = tf.constant(inputs_batch_major().astype(dtype.as_numpy_dtype))
    cell = GLSTMCell(H, initializer=initializer, num_proj=P, number_of_groups=G,
                     activation=activation)
    return tf.nn.dynamic_rnn(cell, x, dtype=dtype)


def test_glstm_variables_have_tf115_names_and_shapes():
    reset_graph()
    run_glstm()
    assert [(v.op.name, v.shape.as_list()) for v in tf.global_variables()] == [
        (f"rnn/glstm_cell/{name}", shape) for name, shape in [
            ("group0/kernel", [I // G + P // G, 4 * H // G]),
            ("group1/kernel", [I // G + P // G, 4 * H // G]),
            ("bias_i", [H]), ("bias_j", [H]), ("bias_f", [H]), ("bias_o", [H]),
            ("projection/kernel", [H, P])]]


def test_glstm_initializer_reaches_the_group_kernels_but_not_the_projection():
    # TF 1.15 made the projection after leaving the `initializer` scope.
    reset_graph()
    with tf.variable_scope("outer", initializer=tf.constant_initializer(0.5)):
        run_glstm(initializer=tf.constant_initializer(0.25))
    variables = trainable("outer/rnn/glstm_cell")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        values = {name: session.run(v) for name, v in variables.items()}
    assert np.all(values["group0/kernel"] == 0.25) and np.all(values["group1/kernel"] == 0.25)
    assert np.all(values["projection/kernel"] == 0.5)
    assert all(np.all(values[f"bias_{gate}"] == 0) for gate in "ijfo")


def numpy_glstm(x, w, activation, forget_bias: float = 1.0):
    """The module docstring's step over T steps (num_proj P, G groups)."""
    c, m = np.zeros((B, H)), np.zeros((B, P))
    outputs = []
    for step in range(T):
        xs, ms = np.split(x[:, step], G, axis=1), np.split(m, G, axis=1)
        gates = [np.split(np.concatenate([xs[g], ms[g]], 1) @ w[f"group{g}/kernel"], 4, 1)
                 for g in range(G)]
        i, j, f, o = (np.concatenate([gate[n] for gate in gates], 1) + w[f"bias_{name}"]
                      for n, name in enumerate("ijfo"))
        c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)   # tanh, not activation
        m = (sigmoid(o) * activation(c)) @ w["projection/kernel"]
        outputs.append(m)
    return np.stack(outputs, 1), (c, m)


def test_glstm_under_dynamic_rnn_follows_the_docstring_equations_in_float64():
    # softsign as the activation: only m uses it, the candidate j keeps tanh (TF 1.15).
    reset_graph()
    outputs, state = run_glstm(activation=tf.nn.softsign, dtype=tf.float64)
    with tf.Session() as session:
        weights = randomize(session, trainable("rnn/glstm_cell"))
        outputs, state = session.run((outputs, state))
    softsign = lambda z: z / (1 + np.abs(z))  # noqa: E731
    expected_outputs, (c, m) = numpy_glstm(inputs_batch_major().astype(np.float64), weights,
                                           softsign)
    np.testing.assert_allclose(outputs, expected_outputs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(state.c, c, rtol=0, atol=1e-12)
    np.testing.assert_allclose(state.h, m, rtol=0, atol=1e-12)


def test_glstm_gradients_reach_every_trainable_variable():
    reset_graph()
    assert_gradients_reach_every_trainable_variable(*run_glstm(), count=7)
