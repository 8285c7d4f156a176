"""NTMCell: TF 1.15's numbers, names, the docstring's equations, gradients.

TF 1.15's testNTMCell numbers depend on six random initial values drawn under graph seed
1234. TF1 gave each initializer op the op seed "number of ops in the graph so far"; a search
over op seeds found 30 (parameters_kernel), 56 (initial_read_vector_0), 66
(initial_address_weights_0) and 116 (the controller's kernel) from the read head's weights
alone, to 4e-8. Counting the ops TF1 makes between two variables predicted the other two,
43 (output_kernel) and 76 (initial_address_weights_1), and with them every other number of
the test comes out too. The test loads those draws into our variables, then compares.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import B, I, T, inputs_batch_major, sigmoid

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn.ntm_cell import NotAnRNNCellError, NTMCell, NTMControllerState

# --- TF 1.15's own test -----------------------------------------------------------------------

TF115_DRAWS = {   # variable: (TF 1.15's initializer, its op seed in testNTMCell's graph)
    "parameters_kernel": (tf.truncated_normal_initializer(stddev=1 / np.sqrt(4), seed=30)),
    "output_kernel": (tf.truncated_normal_initializer(stddev=1 / np.sqrt(8), seed=43)),
    "initial_read_vector_0": tf.glorot_uniform_initializer(seed=56),
    "initial_address_weights_0": tf.glorot_uniform_initializer(seed=66),
    "initial_address_weights_1": tf.glorot_uniform_initializer(seed=76),
    "lstm_cell/kernel": tf.glorot_uniform_initializer(seed=116),
}


def trainable(scope: str) -> dict:
    """{name relative to scope: variable}."""
    return {v.op.name[len(scope) + 1:]: v
            for v in tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope=scope)}


def test_ntm_cell_matches_tf115_numbers():
    """testNTMCell: output, read vectors, both heads' weightings, memory (TF's tolerance)."""
    reset_graph(1234)
    with tf.variable_scope("root"):
        inputs = tf.random_uniform((4, 4), 0.0, 1.0, seed=1235)
        cell = NTMCell(controller=tf.nn.rnn_cell.LSTMCell(num_units=4), memory_size=5,
                       memory_vector_dim=4, read_head_num=1, write_head_num=1)
        output, state = cell(inputs, cell.zero_state(4, tf.float32))
    variables = trainable("root/ntm_cell")
    draws = [tf.assign(variables[name], initializer(variables[name].shape))
             for name, initializer in TF115_DRAWS.items()]     # made with the graph seed set
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(draws)
        output, reads, w_list, M = session.run(
            [output, state.read_vector_list, state.w_list, state.M])
    close = dict(rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(output, [[-0.04973561, -0.00020032, -0.09586009, -0.05049511],
                                        [-0.02199885, 0.02302885, -0.05558189, -0.02051288],
                                        [-0.01399924, 0.02543444, -0.06975862, -0.03782758],
                                        [-0.02238393, 0.0135776, -0.09102941, -0.05594013]],
                               **close)
    np.testing.assert_allclose(reads[0], np.full((4, 4), 1e-6), **close)
    np.testing.assert_allclose(w_list, [
        [[0.15837428, 0.21354634, 0.22115856, 0.21117255, 0.19574821],
         [0.15826838, 0.2150458, 0.2228198, 0.20747298, 0.19639312],
         [0.15750293, 0.21550071, 0.22280747, 0.20737495, 0.19681393],
         [0.15763053, 0.21473582, 0.22187267, 0.20920397, 0.19655706]],
        [[0.21703579, 0.19425659, 0.22143759, 0.18024713, 0.18702294],
         [0.2164267, 0.19451937, 0.22112325, 0.18051708, 0.18741359],
         [0.21567065, 0.1947548, 0.22107735, 0.18058982, 0.18790732],
         [0.2163743, 0.194361, 0.22131558, 0.18042919, 0.1875199]]], **close)
    np.testing.assert_allclose(M[0], [[-0.00553495, -0.01089884, 0.00683121, -0.00273276],
                                      [-0.00495392, -0.00975483, 0.00611433, -0.00244583],
                                      [-0.00564722, -0.0111199, 0.00696973, -0.0027882],
                                      [-0.00459658, -0.00905126, 0.00567345, -0.00226937],
                                      [-0.00476941, -0.00939155, 0.00588669, -0.00235472]],
                               **close)


# --- a bigger machine under dynamic_rnn: variables, equations, gradients ------------------------

N, D, R, W, S, C, Y = 6, 3, 2, 1, 1, 5, 4   # memory N x D, R read / W write heads, shift S,
PER_HEAD = D + 2 * S + 4                    # controller units C, output_dim Y


def run_ntm(steps: int = T):
    cell = NTMCell(tf.nn.rnn_cell.LSTMCell(C), memory_size=N, memory_vector_dim=D,
                   read_head_num=R, write_head_num=W, shift_range=S, output_dim=Y)
    x = tf.constant(inputs_batch_major()[:, :steps])
    return tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)


def test_ntm_variables_have_tf115_names_and_shapes():
    reset_graph()
    outputs, state = run_ntm()
    assert [(v.op.name, v.shape.as_list()) for v in tf.global_variables()] == [
        (f"rnn/ntm_cell/{name}", shape) for name, shape in [
            ("parameters_kernel", [C, (R + W) * PER_HEAD + 2 * W * D]),
            ("parameters_bias", [(R + W) * PER_HEAD + 2 * W * D]),
            ("output_kernel", [C + R * D, Y]), ("output_bias", [Y]),
            ("initial_read_vector_0", [1, D]), ("initial_read_vector_1", [1, D]),
            ("initial_address_weights_0", [1, N]), ("initial_address_weights_1", [1, N]),
            ("initial_address_weights_2", [1, N]), ("memory", [N, D]),
            ("lstm_cell/kernel", [I + R * D + C, 4 * C]), ("lstm_cell/bias", [4 * C])]]
    assert isinstance(state, NTMControllerState)
    assert outputs.shape.as_list() == [B, T, Y] and state.M.shape.as_list() == [B, N, D]


def test_ntm_output_dim_defaults_to_the_input_depth_when_called_directly():
    # As in TF 1.15, output_size is None until the first call builds the cell; dynamic_rnn
    # reads output_size before that, so under dynamic_rnn give output_dim.
    reset_graph()
    cell = NTMCell(tf.nn.rnn_cell.LSTMCell(C), memory_size=N, memory_vector_dim=D,
                   read_head_num=R, write_head_num=W)
    assert cell.output_size is None
    output, _ = cell(tf.zeros([B, I]), cell.zero_state(B, tf.float32))
    assert cell.output_size == I and output.shape.as_list() == [B, I]


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def softplus(z):
    return np.log1p(np.exp(z))


def numpy_address(p, M, w_prev):
    """One head's weighting: content (cosine, eps 1e-8), interpolate, shift, sharpen."""
    k, beta, g = np.tanh(p[:, :D]), softplus(p[:, D:D + 1]), sigmoid(p[:, D + 1:D + 2])
    s, gamma = softmax(p[:, D + 2:D + 3 + 2 * S]), softplus(p[:, -1:]) + 1
    cosine = np.einsum("bnd,bd->bn", M, k) / (
        np.linalg.norm(M, axis=2) * np.linalg.norm(k, axis=1, keepdims=True) + 1e-8)
    w_g = g * softmax(beta * cosine) + (1 - g) * w_prev
    # s = [shift 0, +1 .. +S, -S .. -1]; np.roll(w, d)[i] = w[i - d]
    shifts = [*range(S + 1), *range(-S, 0)]
    w = sum(s[:, [n]] * np.roll(w_g, d, axis=1) for n, d in enumerate(shifts))
    return w ** gamma / (w ** gamma).sum(1, keepdims=True)


def numpy_ntm(x, v):
    """The module docstring's NTM over T steps; v: {variable name: value}."""
    reads = [np.tile(np.tanh(v[f"initial_read_vector_{i}"]), (B, 1)) for i in range(R)]
    ws = [np.tile(softmax(v[f"initial_address_weights_{i}"]), (B, 1)) for i in range(R + W)]
    M = np.tile(v["memory"], (B, 1, 1))
    c = h = np.zeros((B, C))
    outputs = []
    for step in range(T):
        i, j, f, o = np.split(np.concatenate([x[:, step], *reads, h], 1) @ v["lstm_cell/kernel"]
                              + v["lstm_cell/bias"], 4, axis=1)
        c = sigmoid(f + 1.0) * c + sigmoid(i) * np.tanh(j)
        h = sigmoid(o) * np.tanh(c)
        p = np.clip(h @ v["parameters_kernel"] + v["parameters_bias"], -20, 20)
        heads = np.split(p[:, :(R + W) * PER_HEAD], R + W, axis=1)
        erase_add = np.split(p[:, (R + W) * PER_HEAD:], 2 * W, axis=1)
        ws = [numpy_address(head, M, w_prev) for head, w_prev in zip(heads, ws, strict=True)]
        reads = [np.einsum("bn,bnd->bd", w, M) for w in ws[:R]]
        for n, w in enumerate(ws[R:]):
            erase, add = sigmoid(erase_add[2 * n]), np.tanh(erase_add[2 * n + 1])
            M = M * (1 - w[:, :, None] * erase[:, None]) + w[:, :, None] * add[:, None]
        outputs.append(np.clip(np.concatenate([h, *reads], 1) @ v["output_kernel"]
                               + v["output_bias"], -20, 20))
    return np.stack(outputs, 1), reads, ws, M


def test_ntm_under_dynamic_rnn_follows_the_docstring_equations():
    # Float32 cell (TF1's zero_state is float32 only) against float64 NumPy, random weights
    # everywhere (memory too, so that content addressing tells locations apart).
    reset_graph()
    outputs, state = run_ntm()
    variables = trainable("rnn/ntm_cell")
    rng = np.random.default_rng(3)
    values = {name: rng.normal(scale=0.5, size=var.shape.as_list()).astype(np.float32)
              for name, var in variables.items()}
    with tf.Session() as session:
        session.run([tf.assign(variables[name], value) for name, value in values.items()])
        outputs, state = session.run((outputs, state))
    expected_outputs, reads, ws, M = numpy_ntm(
        inputs_batch_major().astype(np.float64),
        {name: value.astype(np.float64) for name, value in values.items()})
    close = dict(rtol=0, atol=1e-5)
    np.testing.assert_allclose(outputs, expected_outputs, **close)
    np.testing.assert_allclose(state.read_vector_list, reads, **close)
    np.testing.assert_allclose(state.w_list, ws, **close)
    np.testing.assert_allclose(state.M, M, **close)
    assert state.time == T
    assert np.abs(np.diff(ws[0], axis=1)).max() > 0.01      # the heads really address


def test_ntm_gradients_reach_every_trainable_variable():
    # The learned initial reads, weightings and memory only act at time 0: still trained.
    # Two steps: time 0 (the learned initial values) and a step that reads the state.
    reset_graph()
    outputs, state = run_ntm(steps=2)
    loss = tf.reduce_sum(outputs ** 2) + tf.reduce_sum(state.M ** 2)
    variables = tf.trainable_variables()
    gradients = tf.gradients(loss, variables)
    assert len(variables) == 12 and all(g is not None for g in gradients)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        norms = [np.abs(g).max() for g in session.run(gradients)]
    assert min(norms) > 0, dict(zip([v.op.name for v in variables], norms, strict=True))


def test_ntm_controller_must_be_an_rnn_cell():
    with pytest.raises(NotAnRNNCellError, match="controller must be an RNN cell"):
        NTMCell(controller=tf.layers.Dense(4), memory_size=5, memory_vector_dim=4,
                read_head_num=1, write_head_num=1)
    with pytest.raises(TypeError):
        NTMCell(controller=None, memory_size=5, memory_vector_dim=4, read_head_num=1,
                write_head_num=1)
