"""tf.contrib.seq2seq attention on TF 2.21: TF 1.15's variable names, shapes, initial values
and gradients.

TF 1.15 builds ``memory_layer/kernel`` where the mechanism is constructed (its ``__init__``
calls the layer), and everything else on the wrapper's first step, under its scope: the
cell's variables, then each mechanism's (``bahdanau_attention/query_layer/kernel``,
``attention_v``, ``attention_g``, ``attention_b``; ``luong_attention/attention_g``), then
``attention_layer/kernel``. Public TF1 variable listings show the same, e.g.
``decoder/attention_wrapper/bahdanau_attention/query_layer/kernel:0 (640, 640)`` and
``decoder/attention_wrapper/attention_layer/kernel:0 (1920, 640)``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from contrib_support import initialize_randomly, names_and_shapes

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib.seq2seq import attention_mechanisms as am
from tf1_lstm.contrib.seq2seq import attention_wrapper as wrapper
from tf1_lstm.contrib.seq2seq import basic_decoder, decoder
from tf1_lstm.contrib.seq2seq import helper as helper_py
from tf1_lstm.contrib.seq2seq.monotonic_mechanisms import (
    BahdanauMonotonicAttention,
    LuongMonotonicAttention,
)

B, T, D, STEPS, I, H, U, A = 2, 3, 4, 4, 3, 5, 7, 6   # noqa: E741
LENGTHS = [3, 2]


def graph_inputs(dtype=tf.float32):
    rng = np.random.default_rng(0)
    memory = tf.constant(rng.normal(size=(B, T, D)), dtype)
    inputs = tf.constant(rng.normal(size=(B, STEPS, I)), dtype)
    return memory, inputs


def bahdanau_normalized_wrapper(memory):
    mechanism = am.BahdanauAttention(U, memory, memory_sequence_length=LENGTHS, normalize=True)
    return wrapper.AttentionWrapper(rnn.BasicLSTMCell(H), mechanism, attention_layer_size=A)


def luong_scaled_wrapper(memory):
    mechanism = am.LuongAttention(H, memory, memory_sequence_length=LENGTHS, scale=True)
    return wrapper.AttentionWrapper(rnn.BasicLSTMCell(H), mechanism, attention_layer_size=A)


def unrolled(make_wrapper, dtype=tf.float32):
    memory, inputs = graph_inputs(dtype)
    cell = make_wrapper(memory)
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=dtype)
    return cell, outputs, state


LSTM_VARIABLES = [
    ("rnn/attention_wrapper/basic_lstm_cell/kernel", [I + A + H, 4 * H]),
    ("rnn/attention_wrapper/basic_lstm_cell/bias", [4 * H]),
]


def test_bahdanau_normalized_variables_are_tf115s():
    reset_graph()
    unrolled(bahdanau_normalized_wrapper)
    assert names_and_shapes() == [
        ("memory_layer/kernel", [D, U]),
        *LSTM_VARIABLES,
        ("rnn/attention_wrapper/bahdanau_attention/query_layer/kernel", [H, U]),
        ("rnn/attention_wrapper/bahdanau_attention/attention_v", [U]),
        ("rnn/attention_wrapper/bahdanau_attention/attention_g", []),
        ("rnn/attention_wrapper/bahdanau_attention/attention_b", [U]),
        ("rnn/attention_wrapper/attention_layer/kernel", [H + D, A]),
    ]


def test_luong_scaled_variables_are_tf115s():
    reset_graph()
    unrolled(luong_scaled_wrapper)
    assert names_and_shapes() == [
        ("memory_layer/kernel", [D, H]),
        *LSTM_VARIABLES,
        ("rnn/attention_wrapper/luong_attention/attention_g", []),
        ("rnn/attention_wrapper/attention_layer/kernel", [H + D, A]),
    ]


def test_two_mechanisms_get_numbered_layers():
    reset_graph()
    memory, inputs = graph_inputs()
    mechanisms = [am.BahdanauAttention(U, memory), am.LuongAttention(H, memory, scale=True)]
    cell = wrapper.AttentionWrapper(rnn.BasicLSTMCell(H), mechanisms, attention_layer_size=[A, 2])
    tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    assert names_and_shapes() == [
        ("memory_layer/kernel", [D, U]),
        ("memory_layer_1/kernel", [D, H]),
        ("rnn/attention_wrapper/basic_lstm_cell/kernel", [I + A + 2 + H, 4 * H]),
        ("rnn/attention_wrapper/basic_lstm_cell/bias", [4 * H]),
        ("rnn/attention_wrapper/bahdanau_attention/query_layer/kernel", [H, U]),
        ("rnn/attention_wrapper/bahdanau_attention/attention_v", [U]),
        ("rnn/attention_wrapper/attention_layer/kernel", [H + D, A]),
        ("rnn/attention_wrapper/luong_attention/attention_g", []),
        ("rnn/attention_wrapper/attention_layer_1/kernel", [H + D, 2]),
    ]


def test_monotonic_mechanisms_add_the_score_bias():
    reset_graph()
    memory, inputs = graph_inputs()
    mechanisms = [BahdanauMonotonicAttention(U, memory, score_bias_init=-1.5),
                  LuongMonotonicAttention(H, memory, scale=True, score_bias_init=2.0)]
    cell = wrapper.AttentionWrapper(rnn.BasicLSTMCell(H), mechanisms)
    tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    scope = "rnn/attention_wrapper/"
    assert [(n, s) for n, s in names_and_shapes() if "monotonic" in n] == [
        (scope + "bahdanau_monotonic_attention/query_layer/kernel", [H, U]),
        (scope + "bahdanau_monotonic_attention/attention_v", [U]),
        (scope + "bahdanau_monotonic_attention/attention_score_bias", []),
        (scope + "luong_monotonic_attention/attention_g", []),
        (scope + "luong_monotonic_attention/attention_score_bias", []),
    ]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        bias = {v.op.name: v for v in tf.global_variables() if "score_bias" in v.op.name}
        assert session.run(bias[scope + "bahdanau_monotonic_attention/attention_score_bias"]) \
            == np.float32(-1.5)
        assert session.run(bias[scope + "luong_monotonic_attention/attention_score_bias"]) == 2


def test_dynamic_decode_puts_them_under_decoder():
    reset_graph()
    memory, inputs = graph_inputs()
    cell = bahdanau_normalized_wrapper(memory)
    helper = helper_py.TrainingHelper(inputs, [STEPS, 2])
    decoder.dynamic_decode(basic_decoder.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32)))
    names = [name for name, _ in names_and_shapes()]
    assert names[0] == "memory_layer/kernel"
    assert all(name.startswith("decoder/attention_wrapper/") for name in names[1:])
    assert "decoder/attention_wrapper/bahdanau_attention/query_layer/kernel" in names


def test_static_rnn_reuses_the_variables_at_every_step():
    reset_graph()
    memory, inputs = graph_inputs()
    cell = luong_scaled_wrapper(memory)
    rnn.static_rnn(cell, tf.unstack(inputs, STEPS, 1), dtype=tf.float32)
    assert [name for name, _ in names_and_shapes()] == [
        "memory_layer/kernel", "rnn/attention_wrapper/basic_lstm_cell/kernel",
        "rnn/attention_wrapper/basic_lstm_cell/bias",
        "rnn/attention_wrapper/luong_attention/attention_g",
        "rnn/attention_wrapper/attention_layer/kernel"]


def test_initial_values_of_g_and_b_are_tf115s():
    reset_graph()
    unrolled(bahdanau_normalized_wrapper)
    values = dict(zip([v.op.name for v in tf.global_variables()],
                      tf.Session().run([v.initialized_value() for v in tf.global_variables()]),
                      strict=True))
    scope = "rnn/attention_wrapper/bahdanau_attention/"
    np.testing.assert_allclose(values[scope + "attention_g"], math.sqrt(1 / U), rtol=1e-7)
    np.testing.assert_array_equal(values[scope + "attention_b"], np.zeros(U))
    reset_graph()
    unrolled(luong_scaled_wrapper)
    g, = [v for v in tf.global_variables() if v.op.name.endswith("luong_attention/attention_g")]
    assert tf.Session().run(g.initialized_value()) == 1


@pytest.mark.parametrize("make_wrapper", [bahdanau_normalized_wrapper, luong_scaled_wrapper])
def test_every_variable_gets_a_gradient(make_wrapper):
    reset_graph()
    _, outputs, state = unrolled(make_wrapper)
    loss = tf.reduce_sum(outputs ** 2) + tf.reduce_sum(state.cell_state.h)
    variables = tf.trainable_variables()
    gradients = tf.gradients(loss, variables)
    assert all(g is not None for g in gradients)
    with tf.Session() as session:
        initialize_randomly(session, variables)
        values = session.run(gradients)
    for variable, value in zip(variables, values, strict=True):
        assert np.all(np.isfinite(value)) and np.abs(value).max() > 0, variable.op.name


def test_float64_memory_makes_float64_variables():
    reset_graph()
    memory, inputs = graph_inputs(tf.float64)
    mechanism = am.BahdanauAttention(U, memory, normalize=True, dtype=tf.float64)
    cell = wrapper.AttentionWrapper(rnn.BasicLSTMCell(H, dtype=tf.float64), mechanism,
                                    attention_layer_size=A)
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float64)
    assert outputs.dtype == tf.float64
    assert {v.dtype.base_dtype for v in tf.global_variables()} == {tf.float64}
