"""tf.contrib.legacy_seq2seq's rnn_decoder and attention_decoder on TF 2.21.

1. TF 1.15's seq2seq_test.py: testRNNDecoder, testAttentionDecoder1/2,
   testDynamicAttentionDecoder1/2, testAttentionDecoderStateIsTuple,
   testDynamicAttentionDecoderStateIsTuple (its inputs, constant_initializer(0.5), its shapes).
2. An independent float64 NumPy reference of the attention decoder (two steps, two heads,
   every weight random): attention weights and outputs, with and without
   initial_state_attention, and TF 1.15's float32 softmax inside a float64 decoder.
3. TF 1.15's variable names and shapes, its loop_function contract and its errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from legacy_seq2seq_support import root_scope, run

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib import legacy_seq2seq as seq2seq_lib


def static_attention_states(cell, enc_outputs):
    """seq2seq_test.py's concat of the encoder outputs: [B, T_enc, cell.output_size]."""
    return tf.concat([tf.reshape(e, [-1, 1, cell.output_size]) for e in enc_outputs], 1)


# --- 1. TF 1.15's seq2seq_test.py ---------------------------------------------------------------

def test_rnn_decoder_is_tf115_testRNNDecoder():
    reset_graph()
    with root_scope():
        inp = [tf.constant(0.5, shape=[2, 2])] * 2
        _, enc_state = rnn.static_rnn(rnn.GRUCell(2), inp, dtype=tf.float32)
        dec_inp = [tf.constant(0.4, shape=[2, 2])] * 3
        cell = rnn.OutputProjectionWrapper(rnn.GRUCell(2), 4)
        dec, mem = seq2seq_lib.rnn_decoder(dec_inp, enc_state, cell)
        res, mem_value = run((dec, mem))
    assert len(res) == 3 and res[0].shape == (2, 4)
    assert mem_value.shape == (2, 2)


ATTENTION_CASES = {
    # TF 1.15 test: (encoder, num_heads, state is a tuple)
    "testAttentionDecoder1": ("static", 1, False),
    "testAttentionDecoder2": ("static", 2, False),
    "testDynamicAttentionDecoder1": ("dynamic", 1, False),
    "testDynamicAttentionDecoder2": ("dynamic", 2, False),
    "testAttentionDecoderStateIsTuple": ("static", 1, True),
    "testDynamicAttentionDecoderStateIsTuple": ("static", 1, True),  # static in TF 1.15 too
}


@pytest.mark.parametrize("tf115_test", ATTENTION_CASES)
def test_attention_decoder_is_tf115s(tf115_test):
    encoder, num_heads, tuple_state = ATTENTION_CASES[tf115_test]
    reset_graph()
    with root_scope():
        if tuple_state:  # MultiRNNCell of two BasicLSTMCell(2), state_is_tuple=True
            def cell_fn():
                return rnn.MultiRNNCell([rnn.BasicLSTMCell(2, state_is_tuple=True)
                                         for _ in range(2)], state_is_tuple=True)
        else:
            def cell_fn():
                return rnn.GRUCell(2)
        cell = cell_fn()
        if encoder == "static":
            inp = [tf.constant(0.5, shape=[2, 2])] * 2
            enc_outputs, enc_state = rnn.static_rnn(cell, inp, dtype=tf.float32)
            attn_states = static_attention_states(cell, enc_outputs)
        else:
            inp = tf.constant(0.5, shape=[2, 2, 2])
            attn_states, enc_state = tf.nn.dynamic_rnn(cell, inp, dtype=tf.float32)
        dec_inp = [tf.constant(0.4, shape=[2, 2])] * 3
        # A new cell for the decoder, since it uses a different variable scope.
        dec, mem = seq2seq_lib.attention_decoder(dec_inp, enc_state, attn_states, cell_fn(),
                                                 output_size=4, num_heads=num_heads)
        res, mem_value = run((dec, mem))
    assert len(res) == 3 and res[0].shape == (2, 4)
    if tuple_state:
        assert len(mem_value) == 2
        for layer in mem_value:
            assert layer.c.shape == (2, 2) and layer.h.shape == (2, 2)
    else:
        assert mem_value.shape == (2, 2)


# --- 2. a float64 NumPy reference --------------------------------------------------------------

# batch, attention length and size, input, cell units, heads, output size (A != H on purpose)
B, L, A, I, H, K, OUT = 2, 3, 3, 2, 4, 2, 5  # noqa: E741 - the docstring's letters


def softmax_float32(scores):
    """TF 1.15's attention softmax: in float32, whatever the decoder's dtype."""
    scores = scores.astype(np.float32)
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def numpy_attention_decoder(inputs, state, hidden, w, initial_state_attention):
    """Every step of attention_decoder over BasicRNNCell(H), from the module's equations.

    w maps TF 1.15's variable names (relative to attention_decoder/) to float64 arrays.
    Returns the outputs and each read's attention weights, in the order they are computed.
    """
    weights_seen = []

    def read(query):
        reads = []
        for k in range(K):
            y = query @ w[f"Attention_{k}/kernel"] + w[f"Attention_{k}/bias"]          # [B, A]
            features = hidden @ w[f"AttnW_{k}"][0, 0]                                  # [B, L, A]
            scores = (w[f"AttnV_{k}"] * np.tanh(features + y[:, None, :])).sum(-1)  # [B, L]
            a = softmax_float32(scores)
            weights_seen.append(a)
            reads.append((a.astype(np.float64)[:, :, None] * hidden).sum(1))          # [B, A]
        return reads

    attns = read(state) if initial_state_attention else [np.zeros((B, A))] * K
    outputs = []
    for inp in inputs:
        x = np.concatenate([inp, *attns], 1) @ w["kernel"] + w["bias"]                # [B, I]
        state = np.tanh(np.concatenate([x, state], 1) @ w["basic_rnn_cell/kernel"]
                        + w["basic_rnn_cell/bias"])                                   # [B, H]
        attns = read(state)
        outputs.append(np.concatenate([state, *attns], 1) @ w["AttnOutputProjection/kernel"]
                       + w["AttnOutputProjection/bias"])                              # [B, OUT]
    return outputs, weights_seen


def random_problem(seed=3):
    rng = np.random.default_rng(seed)
    return (list(rng.normal(size=(2, B, I))), rng.normal(size=(B, H)),
            rng.normal(size=(B, L, A)))


@pytest.mark.parametrize("dtype", [tf.float64, tf.float32])
@pytest.mark.parametrize("initial_state_attention", [False, True])
def test_attention_decoder_matches_a_float64_numpy_reference(dtype, initial_state_attention):
    reset_graph()
    inputs, state, hidden = random_problem()
    as_dtype = dtype.as_numpy_dtype
    outputs, _ = seq2seq_lib.attention_decoder(
        [tf.constant(x.astype(as_dtype)) for x in inputs], tf.constant(state.astype(as_dtype)),
        tf.constant(hidden.astype(as_dtype)), rnn.BasicRNNCell(H, dtype=dtype),
        output_size=OUT, num_heads=K, dtype=dtype,
        initial_state_attention=initial_state_attention)
    softmaxes = [op.outputs[0] for op in tf.get_default_graph().get_operations()
                 if op.type == "Softmax"]
    rng = np.random.default_rng(11)
    prefix = "attention_decoder/"
    weights = {v.op.name[len(prefix):]: rng.normal(scale=0.7, size=v.shape.as_list())
               for v in tf.global_variables()}
    with tf.Session() as session:
        for v in tf.global_variables():
            v.load(weights[v.op.name[len(prefix):]].astype(as_dtype), session)
        got_outputs, got_weights = session.run((outputs, softmaxes))
    want_outputs, want_weights = numpy_attention_decoder(inputs, state, hidden, weights,
                                                         initial_state_attention)
    assert len(got_weights) == len(want_weights) == K * (2 + initial_state_attention)
    tolerance = dict(rtol=1e-6, atol=1e-6) if dtype == tf.float64 else dict(rtol=0, atol=2e-5)
    np.testing.assert_allclose(got_weights, want_weights, **tolerance)
    np.testing.assert_allclose(got_outputs, want_outputs, **tolerance)
    # The weights do depend on the state: rows of the two batch entries differ.
    assert np.abs(want_weights[-1][0] - want_weights[-1][1]).max() > 1e-3


def test_a_float64_decoder_computes_its_attention_softmax_in_float32_as_tf115_did():
    reset_graph()
    inputs, state, hidden = random_problem()
    outputs, _ = seq2seq_lib.attention_decoder(
        [tf.constant(x) for x in inputs], tf.constant(state), tf.constant(hidden),
        rnn.BasicRNNCell(H, dtype=tf.float64), output_size=OUT, dtype=tf.float64)
    softmaxes = [op for op in tf.get_default_graph().get_operations() if op.type == "Softmax"]
    assert [op.outputs[0].dtype for op in softmaxes] == [tf.float32, tf.float32]
    assert outputs[0].dtype == tf.float64


# --- 3. variables, loop_function, errors -------------------------------------------------------

def test_attention_decoder_variables_are_tf115s_names_and_shapes():
    reset_graph()
    inputs, state, hidden = random_problem()
    seq2seq_lib.attention_decoder(
        [tf.constant(x, tf.float32) for x in inputs], tf.constant(state, tf.float32),
        tf.constant(hidden, tf.float32), rnn.GRUCell(H), output_size=OUT, num_heads=K)
    got = [(v.op.name, v.shape.as_list()) for v in tf.global_variables()]
    # From TF 1.15's attention_decoder: AttnW_k/AttnV_k first, then step 0's input Linear,
    # the cell, each head's query Linear, the output Linear; later steps reuse them.
    assert got == [
        ("attention_decoder/AttnW_0", [1, 1, A, A]), ("attention_decoder/AttnV_0", [A]),
        ("attention_decoder/AttnW_1", [1, 1, A, A]), ("attention_decoder/AttnV_1", [A]),
        ("attention_decoder/kernel", [I + K * A, I]), ("attention_decoder/bias", [I]),
        ("attention_decoder/gru_cell/gates/kernel", [I + H, 2 * H]),
        ("attention_decoder/gru_cell/gates/bias", [2 * H]),
        ("attention_decoder/gru_cell/candidate/kernel", [I + H, H]),
        ("attention_decoder/gru_cell/candidate/bias", [H]),
        ("attention_decoder/Attention_0/kernel", [H, A]),
        ("attention_decoder/Attention_0/bias", [A]),
        ("attention_decoder/Attention_1/kernel", [H, A]),
        ("attention_decoder/Attention_1/bias", [A]),
        ("attention_decoder/AttnOutputProjection/kernel", [H + K * A, OUT]),
        ("attention_decoder/AttnOutputProjection/bias", [OUT]),
    ]


@pytest.mark.parametrize("decoder", ["rnn_decoder", "attention_decoder"])
def test_loop_function_gets_each_previous_output_and_step_under_a_reusing_scope(decoder):
    reset_graph()
    calls = []

    def loop_function(prev, i):
        scope = tf.get_variable_scope()
        calls.append((prev, i, scope.name, scope.reuse))
        return 2.0 * prev

    with root_scope():
        dec_inp = [tf.constant(0.4, shape=[2, 2])] * 3
        state = tf.constant(0.1, shape=[2, 2])
        if decoder == "rnn_decoder":
            outputs, _ = seq2seq_lib.rnn_decoder(dec_inp, state, rnn.GRUCell(2),
                                                 loop_function=loop_function)
        else:
            hidden = tf.constant(0.3, shape=[2, 3, 2])
            outputs, _ = seq2seq_lib.attention_decoder(dec_inp, state, hidden, rnn.GRUCell(2),
                                                       loop_function=loop_function)
    assert [i for _, i, _, _ in calls] == [1, 2]
    assert [prev for prev, _, _, _ in calls] == outputs[:2]
    assert {(name, reuse) for _, _, name, reuse in calls} == {(f"root/{decoder}/loop_function",
                                                               True)}


def test_attention_reads_an_attention_length_unknown_until_run_time():
    reset_graph()
    hidden = tf.placeholder(tf.float32, [None, None, 2])
    outputs, _ = seq2seq_lib.attention_decoder([tf.ones([2, 2])] * 2, tf.zeros([2, 3]),
                                               hidden, rnn.GRUCell(3), output_size=4)
    values = run(outputs, {hidden: np.ones((2, 5, 2), np.float32)})
    assert [v.shape for v in values] == [(2, 4), (2, 4)]


@pytest.mark.parametrize("case, message", [
    ("no inputs", "Must provide at least 1 input to attention decoder."),
    ("no heads", "With less than 1 heads, use a non-attention decoder."),
    ("unknown attention size", r"Shape\[2\] of attention_states must be known: \(2, 3, \?\)"),
    ("unknown input width", "Could not infer input size from input: Placeholder"),
])
def test_attention_decoder_raises_tf115s_value_errors(case, message):
    reset_graph()
    inputs = [tf.ones([2, 2])]
    hidden, num_heads = tf.ones([2, 3, 2]), 1
    if case == "no inputs":
        inputs = []
    elif case == "no heads":
        num_heads = 0
    elif case == "unknown attention size":
        hidden = tf.placeholder(tf.float32, [2, 3, None])
    else:
        inputs = [tf.placeholder(tf.float32, [2, None])]
    with pytest.raises(ValueError, match=message):
        seq2seq_lib.attention_decoder(inputs, tf.zeros([2, 3]), hidden, rnn.GRUCell(3),
                                      num_heads=num_heads)
