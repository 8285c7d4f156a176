"""tf.contrib.seq2seq attention on TF 2.21: the wrapper's API, state, checks and errors.

TF 1.15's structural tests of ``attention_wrapper_test.py`` (testAttentionWrapperState,
testAttentionWrapperStateShapePropgation, testBahdanauNormalizedDType, testLuongScaledDType,
testCustomizedAttention) and TF 1.15's argument errors and batch-size assertions, with its
messages. The numbers are in ``test_contrib_seq2seq_attention_tf115_*.py``, the variables in
``..._variables.py``, a float64 NumPy reference in ``..._numpy.py``, the monotonic attention
in ``..._monotonic.py``.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import attention_mechanisms as am
from tf1_lstm.contrib.seq2seq import attention_wrapper as wrapper
from tf1_lstm.contrib.seq2seq import basic_decoder, decoder
from tf1_lstm.contrib.seq2seq import helper as helper_py

B, T, D, H = 2, 3, 4, 5   # batch, memory time, memory depth, cell units


def run(fetches, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches, feed)


def memory(batch=B, time=T):
    return tf.constant(np.random.default_rng(0).normal(size=(batch, time, D)), tf.float32)


def luong_wrapper(**kwargs):
    return wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H),
                                    am.LuongAttention(H, memory()), **kwargs)


# --- TF 1.15's structural tests -------------------------------------------------------------

def test_state_clone_replaces_one_field():
    """testAttentionWrapperState."""
    state = wrapper.AttentionWrapperState(*([None] * len(wrapper.AttentionWrapperState._fields)))
    new_state = state.clone(time=1)
    assert state.time is None
    assert new_state.time == 1


def test_state_clone_keeps_the_static_shapes():
    """testAttentionWrapperStateShapePropgation."""
    reset_graph()
    batch_size = max_time = num_units = 5
    memory_ = tf.random_uniform([batch_size, max_time, num_units], seed=1)
    cell = wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(num_units),
                                    am.LuongAttention(num_units, memory_))
    static_state = cell.zero_state(batch_size, tf.float32)
    state = cell.zero_state(tf.shape(memory_)[0], tf.float32)
    state = static_state.clone(cell_state=state.cell_state, attention=state.attention)
    assert state.cell_state.c.shape == static_state.cell_state.c.shape
    assert state.cell_state.h.shape == static_state.cell_state.h.shape
    assert state.attention.shape == static_state.attention.shape


def test_state_clone_checks_the_shape_at_run_time():
    reset_graph()
    cell = luong_wrapper()
    state = cell.zero_state(B, tf.float32)
    wrong = tf.placeholder(tf.float32, [None, D])   # the attention is the context [B, D]
    cloned = state.clone(attention=wrong)
    assert cloned.attention.shape.as_list() == [B, D]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Wrong shape"):
        run(cloned.attention, {wrong: np.zeros((B + 1, D))})
    with pytest.raises(ValueError, match="Invalid shape"):
        state.clone(attention=tf.zeros([B, D + 1]))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("mechanism", ["bahdanau_normalized", "luong_scaled"])
def test_outputs_follow_the_mechanisms_dtype(mechanism, dtype):
    """testBahdanauNormalizedDType and testLuongScaledDType (GitHub issue 18099)."""
    reset_graph()
    num_units, batch_size = 128, 64
    encoder_outputs = tf.placeholder(dtype, shape=[batch_size, None, 256])
    encoder_sequence_length = tf.placeholder(tf.int32, shape=[batch_size])
    decoder_inputs = tf.placeholder(dtype, shape=[batch_size, None, 128])
    decoder_sequence_length = tf.placeholder(tf.int32, shape=[batch_size])
    if mechanism == "bahdanau_normalized":
        attention_mechanism = am.BahdanauAttention(
            num_units=num_units, memory=encoder_outputs,
            memory_sequence_length=encoder_sequence_length, normalize=True, dtype=dtype)
    else:
        attention_mechanism = am.LuongAttention(
            num_units=num_units, memory=encoder_outputs,
            memory_sequence_length=encoder_sequence_length, scale=True, dtype=dtype)
    cell = wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(num_units), attention_mechanism)
    my_decoder = basic_decoder.BasicDecoder(
        cell=cell, helper=helper_py.TrainingHelper(decoder_inputs, decoder_sequence_length),
        initial_state=cell.zero_state(dtype=dtype, batch_size=batch_size))
    final_outputs, final_state, _ = decoder.dynamic_decode(my_decoder)
    assert isinstance(final_outputs, basic_decoder.BasicDecoderOutput)
    assert final_outputs.rnn_output.dtype == dtype
    assert isinstance(final_state, wrapper.AttentionWrapperState)
    assert isinstance(final_state.cell_state, tf.nn.rnn_cell.LSTMStateTuple)


def test_customized_attention_fn_replaces_the_attention():
    """testCustomizedAttention: attention_fn's ones become the attention and alignments."""
    reset_graph()
    batch_size, max_time, num_units = 2, 3, 2
    memory_ = tf.constant([[[1., 1.], [2., 2.], [3., 3.]], [[4., 4.], [5., 5.], [6., 6.]]])
    mechanism = am.BahdanauAttention(num_units, memory_, tf.constant([3, 2]))

    def customized_attention(unused_mechanism, unused_cell_output, unused_state,
                             unused_layer):
        alignments = tf.ones([batch_size, max_time])
        return tf.ones([batch_size, num_units]), alignments, alignments

    cell = wrapper.AttentionWrapper(
        tf.nn.rnn_cell.LSTMCell(2), mechanism, attention_layer_size=None,
        output_attention=False, alignment_history=(), attention_fn=customized_attention,
        name="attention")
    assert cell.output_size == num_units
    output, state = tf.nn.dynamic_rnn(
        cell, inputs=tf.ones([2, 3, 2]), sequence_length=tf.constant([3, 2]),
        initial_state=cell.zero_state(batch_size=2, dtype=tf.float32), dtype=tf.float32)
    output_value, state_value = run([output, state])
    assert output_value.shape == (2, 3, 2)
    np.testing.assert_allclose(state_value.attention, np.ones((2, 2)))
    np.testing.assert_allclose(state_value.alignments, np.ones((2, 3)))
    np.testing.assert_allclose(state_value.attention_state, np.ones((2, 3)))


# --- sizes and the zero state ---------------------------------------------------------------

def test_sizes_and_zero_state_of_one_mechanism():
    reset_graph()
    cell = luong_wrapper(attention_layer_size=7, alignment_history=True)
    assert cell.output_size == 7
    size = cell.state_size
    assert (size.attention, size.alignments, size.attention_state, size.alignment_history) == (
        7, T, T, T)
    assert size.time == tf.TensorShape([])
    state = cell.zero_state(B, tf.float32)
    assert state.time.dtype == tf.int32
    assert isinstance(state.alignment_history, tf.TensorArray)
    time, attention, alignments = run([state.time, state.attention, state.alignments])
    assert time == 0
    np.testing.assert_array_equal(attention, np.zeros((B, 7)))
    np.testing.assert_array_equal(alignments, np.zeros((B, T)))


def test_a_list_of_mechanisms_gives_tuples_and_summed_depths():
    reset_graph()
    mechanisms = [am.LuongAttention(H, memory()), am.BahdanauAttention(3, memory())]
    cell = wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H), mechanisms)
    assert cell.output_size == 2 * D             # no attention layer: the contexts
    size = cell.state_size
    assert size.alignments == (T, T) and size.alignment_history == ((), ())
    state = cell.zero_state(B, tf.float32)
    assert len(state.alignments) == len(state.attention_state) == 2
    assert state.alignment_history == ((), ())


def test_output_attention_false_outputs_the_cell_output():
    reset_graph()
    cell = luong_wrapper(attention_layer_size=7, output_attention=False)
    assert cell.output_size == H
    output, state = cell(tf.ones([B, 3]), cell.zero_state(B, tf.float32))
    assert output.shape.as_list() == [B, H]
    out, h, attention = run([output, state.cell_state.h, state.attention])
    np.testing.assert_array_equal(out, h)
    assert attention.shape == (B, 7)


def test_initial_cell_state_is_the_zero_states_cell_state():
    reset_graph()
    initial = tf.nn.rnn_cell.LSTMStateTuple(tf.fill([B, H], 0.5), tf.fill([B, H], -0.5))
    cell = wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H), am.LuongAttention(H, memory()),
                                    initial_cell_state=initial)
    c, h = run(cell.zero_state(B, tf.float32).cell_state)
    np.testing.assert_array_equal(c, np.full((B, H), 0.5))
    np.testing.assert_array_equal(h, np.full((B, H), -0.5))


# --- TF 1.15's errors -----------------------------------------------------------------------

def test_argument_errors_are_tf115s():
    reset_graph()
    cell, mechanism = tf.nn.rnn_cell.LSTMCell(H), am.LuongAttention(H, memory())
    with pytest.raises(TypeError, match="attention_mechanism must be an AttentionMechanism or "
                                        "list of multiple AttentionMechanism instances, saw "
                                        "type: str"):
        wrapper.AttentionWrapper(cell, "luong")
    with pytest.raises(TypeError, match="must contain only instances of AttentionMechanism, "
                                        "saw type: int"):
        wrapper.AttentionWrapper(cell, [mechanism, 3])
    with pytest.raises(TypeError, match="The argument 'cell' .* is not an RNNCell"):
        wrapper.AttentionWrapper("cell", mechanism)
    with pytest.raises(TypeError, match="cell_input_fn must be callable, saw type: int"):
        wrapper.AttentionWrapper(cell, mechanism, cell_input_fn=1)
    with pytest.raises(ValueError, match="Only one of attention_layer_size and "
                                         "attention_layer should be set"):
        wrapper.AttentionWrapper(cell, mechanism, attention_layer_size=3,
                                 attention_layer=tf.layers.Dense(3))
    with pytest.raises(ValueError, match="attention_layer_size must contain exactly one "
                                         "integer per attention_mechanism, saw: 2 vs 1"):
        wrapper.AttentionWrapper(cell, mechanism, attention_layer_size=[3, 4])
    with pytest.raises(ValueError, match="attention_layer must contain exactly one layer per "
                                         "attention_mechanism, saw: 2 vs 1"):
        wrapper.AttentionWrapper(cell, mechanism,
                                 attention_layer=[tf.layers.Dense(3), tf.layers.Dense(4)])
    with pytest.raises(TypeError, match="Expected state to be instance of "
                                        "AttentionWrapperState"):
        wrapper.AttentionWrapper(cell, mechanism)(tf.ones([B, 3]), (tf.zeros([B, H]),) * 2)


def test_mechanism_errors_are_tf115s():
    reset_graph()
    dense = tf.layers.Dense(H, use_bias=False)
    with pytest.raises(TypeError, match="query_layer is not a Layer: str"):
        am._BaseAttentionMechanism("query", memory(), lambda s, p: s, memory_layer=dense)
    with pytest.raises(TypeError, match="memory_layer is not a Layer: int"):
        am._BaseAttentionMechanism(None, memory(), lambda s, p: s, memory_layer=3)
    with pytest.raises(TypeError, match="probability_fn must be callable, saw type: float"):
        am._BaseAttentionMechanism(None, memory(), 1.0, memory_layer=dense)
    with pytest.raises(ValueError, match="to have fully defined inner dims"):
        am.LuongAttention(H, tf.placeholder(tf.float32, [B, T, None]))
    luong = am.LuongAttention(H + 1, memory())
    with pytest.raises(ValueError, match="Incompatible or unknown inner dimensions between "
                                         "query and keys"):
        luong(tf.ones([B, H]), luong.initial_state(B, tf.float32))


# --- TF 1.15's batch-size and length assertions ---------------------------------------------

BEAM_HINT = re.escape("Are you using the BeamSearchDecoder?")


def test_zero_state_of_another_batch_size_is_refused():
    reset_graph()
    cell = luong_wrapper()
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="When calling zero_state of AttentionWrapper attention_wrapper: "
                             "Non-matching batch sizes between the memory \\(encoder output\\) "
                             "and the requested batch size.  " + BEAM_HINT):
        cell.zero_state(B + 1, tf.float32)
    batch_size = tf.placeholder(tf.int32, [])
    state = cell.zero_state(batch_size, tf.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="When calling zero_state"):
        run(state.cell_state.h, {batch_size: B + 1})


def test_initial_cell_state_of_another_batch_size_is_refused():
    reset_graph()
    initial = tf.nn.rnn_cell.LSTMStateTuple(tf.zeros([B + 1, H]), tf.zeros([B + 1, H]))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="When constructing AttentionWrapper attention_wrapper: "
                             "Non-matching batch sizes between the memory \\(encoder output\\) "
                             "and initial_cell_state.  " + BEAM_HINT + "  You may need to tile "
                             "your initial state via the tf.contrib.seq2seq.tile_batch"):
        wrapper.AttentionWrapper(tf.nn.rnn_cell.LSTMCell(H), am.LuongAttention(H, memory()),
                                 initial_cell_state=initial)


def test_a_query_of_another_batch_size_is_refused():
    reset_graph()
    cell = luong_wrapper()
    state = cell.zero_state(B, tf.float32)
    bigger = state._replace(
        cell_state=tf.nn.rnn_cell.LSTMStateTuple(*[tf.zeros([2 * B, H])] * 2),
        attention=tf.zeros([2 * B, D]))
    # As TF 1.15, the message names the layer (tf.layers names it attention_wrapper_1 on its
    # first call) where zero_state's names the base name.
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape(f"When applying AttentionWrapper {cell.name}: ")
                       + "Non-matching batch sizes between the memory \\(encoder output\\) "
                       "and the query \\(decoder output\\).  " + BEAM_HINT + "  You may need "
                       "to tile your memory input"):
        cell(tf.ones([2 * B, 3]), bigger)


def test_memory_sequence_length_must_be_positive():
    reset_graph()
    lengths = tf.placeholder(tf.int32, [B])
    mechanism = am.BahdanauAttention(3, memory(), memory_sequence_length=lengths)
    alignments, _ = mechanism(tf.ones([B, H]), mechanism.initial_state(B, tf.float32))
    run(alignments, {lengths: [1, T]})
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="All values in memory_sequence_length must be greater than zero."):
        run(alignments, {lengths: [0, T]})


def test_private_memory_helpers_take_lengths_or_a_mask():
    """TF 1.15's _prepare_memory and _maybe_mask_score (custom mechanisms call them)."""
    reset_graph()
    mask = np.array([[True, True, False], [True, False, False]])
    lengths = mask.sum(1)
    by_mask = am._prepare_memory(memory(), memory_mask=mask)
    by_lengths = am._prepare_memory(memory(), memory_sequence_length=lengths)
    score = tf.ones([B, T])
    scores = [am._maybe_mask_score(score, memory_mask=mask, score_mask_value=-9.0),
              am._maybe_mask_score(score, memory_sequence_length=lengths, score_mask_value=-9.0)]
    masked, same, mask_scores, length_scores = run([by_mask, by_lengths] + scores)
    np.testing.assert_array_equal(masked, same)
    np.testing.assert_array_equal(masked[~mask], 0)
    np.testing.assert_array_equal(mask_scores, np.where(mask, 1, -9))
    np.testing.assert_array_equal(length_scores, mask_scores)
    with pytest.raises(ValueError, match="can't be provided at same time"):
        am._prepare_memory(memory(), memory_sequence_length=lengths, memory_mask=mask)
