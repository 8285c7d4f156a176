"""tf.contrib.rnn's EmbeddingWrapper, HighwayWrapper and CompiledWrapper on TF 2.21: TF 1.15's
own test numbers (rnn_cell_test.py / core_rnn_cell_test.py), TF1's variable names, and
NumPy or the unwrapped cell where TF gives no numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from contrib_support import (
    B,
    I,
    T,
    assert_all_close,
    copy_weights,
    initialize_randomly,
    inputs_batch_major,
    names_and_shapes,
    sigmoid,
    variables,
)

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib.rnn.cell_wrappers import CompiledWrapper, EmbeddingWrapper, HighwayWrapper


def numpy_gru_rnn(w: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float64 GRUCell over x [B, T, I] from h = 0: (all h [B, T, H], last h)."""
    units = w["candidate/bias"].shape[0]
    h = np.zeros((x.shape[0], units))
    hs = []
    for t in range(x.shape[1]):
        r, u = np.split(sigmoid(np.concatenate([x[:, t], h], 1) @ w["gates/kernel"]
                                + w["gates/bias"]), 2, axis=1)
        c = np.tanh(np.concatenate([x[:, t], r * h], 1) @ w["candidate/kernel"]
                    + w["candidate/bias"])
        h = u * h + (1 - u) * c
        hs.append(h)
    return np.stack(hs, 1), h


def randomize(session, scope: str, seed: int = 1) -> dict:
    """Random values in every variable under scope; {name after scope: float64 value}."""
    initialize_randomly(session, variables(scope), seed)
    return {v.op.name[len(scope):]: session.run(v).astype(np.float64) for v in variables(scope)}


# --- EmbeddingWrapper ---------------------------------------------------------------------------

def test_embedding_wrapper_matches_tf115_number_and_names():
    """testEmbeddingWrapper: GRUCell(2), 3 classes of size 2, every weight 0.5, id 1,
    state 0.1 -> [[0.17139, 0.17139]] (TF's default tolerance, 1e-6)."""
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        x = tf.zeros([1, 1], dtype=tf.int32)
        m = tf.zeros([1, 2])
        cell = EmbeddingWrapper(rnn.GRUCell(2), embedding_classes=3, embedding_size=2)
        assert cell.output_size == 2
        output, new_m = cell(x, m)
    assert names_and_shapes() == [
        ("root/embedding_wrapper/embedding", [3, 2]),
        ("root/embedding_wrapper/gru_cell/gates/kernel", [4, 4]),
        ("root/embedding_wrapper/gru_cell/gates/bias", [4]),
        ("root/embedding_wrapper/gru_cell/candidate/kernel", [4, 2]),
        ("root/embedding_wrapper/gru_cell/candidate/bias", [2])]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        output, new_m = session.run((output, new_m), {x: [[1]], m: [[0.1, 0.1]]})
    assert new_m.shape == (1, 2)
    np.testing.assert_allclose(output, [[0.17139, 0.17139]], rtol=1e-6, atol=1e-6)


def test_embedding_wrapper_under_dynamic_rnn_is_the_cell_on_the_embedded_ids():
    """testEmbeddingWrapperWithDynamicRnn (int64 ids, float32 state, sequence_length), and
    the numbers: the same GRU run by dynamic_rnn on embedding[ids]."""
    reset_graph()
    ids = np.random.default_rng(0).integers(0, 7, size=(B, T, 1))
    lengths = np.array([T, 2, 0])
    with tf.variable_scope("wrapped"):
        actual = tf.nn.dynamic_rnn(EmbeddingWrapper(rnn.GRUCell(4), 7, 3),
                                   tf.constant(ids, tf.int64), sequence_length=lengths,
                                   dtype=tf.float32)
    embedded = tf.placeholder(tf.float32, [B, T, 3])
    with tf.variable_scope("reference"):
        expected = tf.nn.dynamic_rnn(rnn.GRUCell(4), embedded, sequence_length=lengths,
                                     dtype=tf.float32)
    with tf.Session() as session:
        table = randomize(session, "wrapped/rnn/embedding_wrapper/")["embedding"]
        copy_weights(session, "reference/rnn/gru_cell/", "wrapped/rnn/embedding_wrapper/gru_cell/")
        actual, expected = session.run((actual, expected), {embedded: table[ids[..., 0]]})
    assert_all_close(actual, expected)
    assert not actual[0][2].any()                                      # length 0: zeros


def test_embedding_initializer_is_the_argument_else_the_scope_else_uniform_sqrt3():
    reset_graph()
    state = tf.zeros([1, 2])
    ids = tf.zeros([1, 1], tf.int32)
    with tf.variable_scope("scoped", initializer=tf.constant_initializer(0.5)):
        with tf.variable_scope("given"):
            EmbeddingWrapper(rnn.GRUCell(2), 3, 2, initializer=tf.constant_initializer(0.3))(
                ids, state)
        with tf.variable_scope("from_scope"):
            EmbeddingWrapper(rnn.GRUCell(2), 3, 2)(ids, state)
    with tf.variable_scope("default"):
        EmbeddingWrapper(rnn.GRUCell(2), 400, 50)(ids, state)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        given, from_scope, default = session.run(
            [variables(f"{scope}/embedding_wrapper/embedding")[0]
             for scope in ("scoped/given", "scoped/from_scope", "default")])
    assert np.all(given == 0.3) and np.all(from_scope == 0.5)
    assert np.abs(default).max() <= math.sqrt(3) and np.abs(default).max() > 1.7
    assert default.var() == pytest.approx(1.0, abs=0.05)               # 20000 draws


def test_embedding_wrapper_rejects_what_tf115_rejected():
    with pytest.raises(ValueError, match="Both embedding_classes and embedding_size must be "
                                         r"> 0: 0, 2\."):
        EmbeddingWrapper(rnn.GRUCell(2), 0, 2)
    with pytest.raises(TypeError, match="is not an RNNCell"):
        EmbeddingWrapper(None, 3, 2)


# --- HighwayWrapper -----------------------------------------------------------------------------

def test_highway_wrapper_with_a_shut_carry_gate_is_its_cell():
    """testHighwayWrapper: carry_bias_init=-100 shuts the carry gate, so the output is the
    GRU's; the state is left untouched (TF's default tolerance, 1e-6)."""
    reset_graph()
    x = tf.placeholder(tf.float32, [1, 3])
    m = tf.placeholder(tf.float32, [1, 3])
    with tf.variable_scope("base_cell", initializer=tf.constant_initializer(0.5)):
        expected = rnn.GRUCell(3)(x, m)
    with tf.variable_scope("hw_cell", initializer=tf.constant_initializer(0.5)):
        actual = HighwayWrapper(rnn.GRUCell(3), carry_bias_init=-100.0)(x, m)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        feed = {x: [[1.0, 1.0, 1.0]], m: [[0.1, 0.1, 0.1]]}
        (output, state), (hw_output, hw_state) = session.run((expected, actual), feed)
    np.testing.assert_allclose(hw_output, output, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(hw_state, state, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("coupled", [True, False], ids=["coupled", "separate_gates"])
def test_highway_wrapper_equals_numpy_and_keeps_the_cells_state(coupled):
    reset_graph()
    x = inputs_batch_major()
    cell = HighwayWrapper(rnn.GRUCell(I), couple_carry_transform_gates=coupled,
                          carry_bias_init=0.7)
    outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(x), dtype=tf.float32)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        initial_biases = {n: session.run(v) for n, v in
                          (("carry", variables("rnn/carry_b")[0]),
                           ("transform", (variables("rnn/transform_b") or [None])[0]))
                          if v is not None}
        w = randomize(session, "rnn/")
        outputs, state = session.run((outputs, state))
    assert np.all(initial_biases["carry"] == np.float32(0.7))
    assert coupled or np.all(initial_biases["transform"] == np.float32(-0.7))
    gru = {k[len("gru_cell/"):]: v for k, v in w.items() if k.startswith("gru_cell/")}
    hs, last_h = numpy_gru_rnn(gru, x.astype(np.float64))
    carry = sigmoid(x @ w["carry_w"] + w["carry_b"])
    transform = 1 - carry if coupled else sigmoid(x @ w["transform_w"] + w["transform_b"])
    np.testing.assert_allclose(outputs, x * carry + hs * transform, rtol=0, atol=1e-5)
    np.testing.assert_allclose(state, last_h, rtol=0, atol=1e-5)      # not the highway output


def test_highway_wrapper_variables_sit_beside_the_cells_in_the_callers_scope():
    reset_graph()
    tf.nn.dynamic_rnn(HighwayWrapper(rnn.GRUCell(I), couple_carry_transform_gates=False),
                      tf.constant(inputs_batch_major()), dtype=tf.float32)
    assert names_and_shapes() == [
        ("rnn/gru_cell/gates/kernel", [2 * I, 2 * I]), ("rnn/gru_cell/gates/bias", [2 * I]),
        ("rnn/gru_cell/candidate/kernel", [2 * I, I]), ("rnn/gru_cell/candidate/bias", [I]),
        ("rnn/carry_w", [I, I]), ("rnn/carry_b", [I]),
        ("rnn/transform_w", [I, I]), ("rnn/transform_b", [I])]


def test_highway_wrapper_needs_the_cells_output_as_deep_as_its_input():
    reset_graph()
    with pytest.raises(ValueError, match="are incompatible"):
        HighwayWrapper(rnn.GRUCell(I + 1))(tf.zeros([B, I]), tf.zeros([B, I + 1]))


# --- CompiledWrapper ----------------------------------------------------------------------------

def _multi_lstm_ops(compiled: bool, batch=3, units=6, depth=4, layers=1, steps=3) -> dict:
    """TF's _create_multi_lstm_cell_ops (smaller sizes): outputs, state and their gradients."""
    with tf.variable_scope("root", initializer=tf.random_uniform_initializer(-0.1, 0.1, seed=2)):
        inputs = tf.get_variable("inputs", initializer=tf.random_uniform((steps, batch, depth),
                                                                          seed=1))
        cells = [rnn.LSTMCell(units) for _ in range(layers)]
        cell = rnn.MultiRNNCell([CompiledWrapper(c) for c in cells] if compiled else cells)
        initial_state = cell.zero_state(batch_size=batch, dtype=tf.float32)
        outputs, final_state = tf.nn.dynamic_rnn(cell, inputs, initial_state=initial_state,
                                                 time_major=True)
        wrt = tf.trainable_variables() + [inputs] + tf.nest.flatten(initial_state)
        flat_state = tf.nest.flatten(final_state)
        return {"outputs": outputs, "final_state": flat_state,
                "outputs_grad": tf.gradients([outputs], wrt),
                "final_state_grad": tf.gradients(flat_state, wrt)}


def test_compiled_wrapper_gives_the_cells_values_and_gradients():
    """testMultiRNNCellWithLSTMCellAndXLA (TF: batch 16, 32 units, depth 12, 2 layers, 20
    steps; here 3, 6, 4, 1 layer, 3 steps: XLA compiles each cluster for seconds), TF's
    tolerance: XLA-compiled == plain, outputs, final state and all gradients, atol 1e-5."""
    results, names = {}, {}
    for compiled in (True, False):
        reset_graph(1234)
        ops = _multi_lstm_ops(compiled)
        names[compiled] = names_and_shapes()
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            results[compiled] = session.run(ops)
    assert names[True] == names[False]                      # no scope of its own, as in TF1
    for key in results[False]:
        for xla, plain in zip(tf.nest.flatten(results[True][key]),
                              tf.nest.flatten(results[False][key]), strict=True):
            np.testing.assert_allclose(xla, plain, rtol=1e-6, atol=1e-5)


def _marked_for_xla(op) -> bool:
    return "_XlaCompile" in op.node_def.attr and op.node_def.attr["_XlaCompile"].b


@pytest.mark.parametrize("compile_stateful", [False, True])
def test_compiled_wrapper_leaves_stateful_ops_out_of_xla_unless_asked(compile_stateful):
    reset_graph()
    dropped = rnn.DropoutWrapper(rnn.GRUCell(3), output_keep_prob=0.5, seed=1)
    CompiledWrapper(dropped, compile_stateful=compile_stateful)(tf.zeros([B, I]),
                                                                tf.zeros([B, 3]))
    ops = tf.get_default_graph().get_operations()
    matmuls = [op for op in ops if op.type == "MatMul"]
    random = [op for op in ops if op.type == "RandomUniform"]
    assert matmuls and random
    assert all(_marked_for_xla(op) for op in matmuls)
    assert all(_marked_for_xla(op) == compile_stateful for op in random)
