"""BeamSearchDecoder with an AttentionWrapper on TF 2.21: TF 1.15's tests, the coverage penalty.

1. TF 1.15's ``BeamSearchDecoderTest.testDynamicDecodeRNNBatchMajorYesAttention`` and
   ``...WithAlignmentHistory``: BahdanauAttention over tiled memory, coverage weight 0.2,
   the static and run-time shapes.
2. ``reorder_tensor_arrays``: the alignment history comes out reordered along each final
   beam's ancestry (checked in NumPy against the same decode left unordered).
3. The coverage penalty of one step against ``beam_search_reference.beam_step`` (float64),
   with two attention mechanisms (averaged), and the averaging over several wrappers.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from beam_search_reference import Beams, beam_step, kernel_gather_tree

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import beam_search_decoder
from tf1_lstm.contrib.seq2seq.attention_mechanisms import BahdanauAttention
from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapper, AttentionWrapperState
from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults

# TF 1.15's _testDynamicDecodeRNN sizes.
ENCODER_SEQUENCE_LENGTH = np.array([3, 2, 3, 1, 1])
BATCH_SIZE, DECODER_MAX_TIME, INPUT_DEPTH, CELL_DEPTH = 5, 4, 7, 9
ATTENTION_DEPTH, VOCAB_SIZE, EMBEDDING_DIM, BEAM_WIDTH = 6, 20, 50, 3
MAX_OUT = max([2, 0, 1, 2, 3])           # decoder_sequence_length


def attention_beam_search(with_alignment_history, reorder_tensor_arrays=(True,), seed=1):
    """TF 1.15's attention graph; one BeamSearchDecoder per ``reorder_tensor_arrays`` value,
    all on the same cell, attention and output layer (so on the same variables)."""
    rng = np.random.default_rng(seed)
    batch_size_tensor = tf.constant(BATCH_SIZE)
    embedding = rng.normal(size=(VOCAB_SIZE, EMBEDDING_DIM)).astype(np.float32)
    cell = tf.nn.rnn_cell.LSTMCell(CELL_DEPTH)
    initial_state = cell.zero_state(BATCH_SIZE, tf.float32)
    inputs = tf.placeholder_with_default(
        rng.normal(size=(BATCH_SIZE, DECODER_MAX_TIME, INPUT_DEPTH)).astype(np.float32),
        shape=(None, None, INPUT_DEPTH))
    tiled_inputs = beam_search_decoder.tile_batch(inputs, multiplier=BEAM_WIDTH)
    tiled_sequence_length = beam_search_decoder.tile_batch(ENCODER_SEQUENCE_LENGTH,
                                                           multiplier=BEAM_WIDTH)
    attention_mechanism = BahdanauAttention(num_units=ATTENTION_DEPTH, memory=tiled_inputs,
                                            memory_sequence_length=tiled_sequence_length)
    initial_state = beam_search_decoder.tile_batch(initial_state, multiplier=BEAM_WIDTH)
    cell = AttentionWrapper(cell=cell, attention_mechanism=attention_mechanism,
                            attention_layer_size=ATTENTION_DEPTH,
                            alignment_history=with_alignment_history)
    output_layer = tf.layers.Dense(VOCAB_SIZE, use_bias=True, activation=None)
    decodes = []
    for reorder in reorder_tensor_arrays:
        # A zero_state per decode: each needs TensorArrays of its own for the history.
        cell_state = cell.zero_state(dtype=tf.float32,
                                     batch_size=batch_size_tensor * BEAM_WIDTH)
        cell_state = cell_state.clone(cell_state=initial_state)
        bsd = beam_search_decoder.BeamSearchDecoder(
            cell=cell, embedding=embedding, start_tokens=tf.fill([batch_size_tensor], 0),
            end_token=VOCAB_SIZE - 1, initial_state=cell_state, beam_width=BEAM_WIDTH,
            output_layer=output_layer, length_penalty_weight=0.0,
            coverage_penalty_weight=0.2, reorder_tensor_arrays=reorder)
        decodes.append(dynamic_decode(bsd, output_time_major=False, maximum_iterations=MAX_OUT))
    return decodes


@functools.cache
def decoded(with_alignment_history):
    """The attention decode(s) run once (cached: two tests read the history run).

    Returns (static shapes, results); with the history, a second decode of the same
    variables with ``reorder_tensor_arrays=False`` is in ``results["plain"]``.
    """
    reset_graph()
    reorder = (True, False) if with_alignment_history else (True,)
    decodes = attention_beam_search(with_alignment_history, reorder_tensor_arrays=reorder)
    final_outputs, final_state, final_sequence_lengths = decodes[0]
    assert isinstance(final_outputs, beam_search_decoder.FinalBeamSearchDecoderOutput)
    assert isinstance(final_state, beam_search_decoder.BeamSearchDecoderState)
    static_shapes = [tuple(final_outputs.beam_search_decoder_output.scores.shape.as_list()),
                     tuple(final_outputs.predicted_ids.shape.as_list())]
    fetches = {"final_outputs": final_outputs, "final_state": final_state,
               "final_sequence_lengths": final_sequence_lengths}
    if with_alignment_history:
        plain, plain_state, _ = decodes[1]
        assert isinstance(plain_state.cell_state.alignment_history, tf.TensorArray)
        fetches["plain"] = dict(history=plain_state.cell_state.alignment_history.stack(),
                                outputs=plain, lengths=plain_state.lengths)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return static_shapes, session.run(fetches)


# --- 1. TF 1.15's tests ---------------------------------------------------------------------

@pytest.mark.parametrize("with_alignment_history", [False, True])
def test_dynamic_decode_shapes_are_tf115_testDynamicDecodeRNNBatchMajorYesAttention(
        with_alignment_history):
    """...YesAttention and ...YesAttentionWithAlignmentHistory."""
    static_shapes, results = decoded(with_alignment_history)
    assert static_shapes == [(BATCH_SIZE, None, BEAM_WIDTH)] * 2
    max_sequence_length = np.max(results["final_sequence_lengths"])
    output = results["final_outputs"].beam_search_decoder_output
    assert output.scores.shape == (BATCH_SIZE, max_sequence_length, BEAM_WIDTH)
    assert output.predicted_ids.shape == (BATCH_SIZE, max_sequence_length, BEAM_WIDTH)
    accumulated = results["final_state"].accumulated_attention_probs
    assert accumulated.shape == (BATCH_SIZE, BEAM_WIDTH, DECODER_MAX_TIME)
    if with_alignment_history:          # reordered and stacked: [T, B * W, T_enc]
        history = results["final_state"].cell_state.alignment_history
        assert history.shape == (max_sequence_length, BATCH_SIZE * BEAM_WIDTH,
                                 DECODER_MAX_TIME)


# --- 2. reorder_tensor_arrays ---------------------------------------------------------------

def test_alignment_history_is_reordered_along_each_final_beams_ancestry():
    _, results = decoded(True)
    got = results["final_state"].cell_state.alignment_history
    plain = results["plain"]
    history, lengths = plain["history"], plain["lengths"]
    np.testing.assert_array_equal(plain["outputs"].predicted_ids,      # the same decode twice
                                  results["final_outputs"].predicted_ids)
    max_time = len(history)
    parents = plain["outputs"].beam_search_decoder_output.parent_ids.transpose([1, 0, 2])
    beam_ids = np.broadcast_to(np.arange(BEAM_WIDTH), parents.shape).astype(np.int32)
    ancestors = kernel_gather_tree(beam_ids, parents, lengths.max(1), BEAM_WIDTH + 1)
    in_bounds = np.arange(max_time)[:, None, None] < lengths[None]         # [T, B, W]
    ancestors = np.where(in_bounds, ancestors, beam_ids)
    assert (ancestors != beam_ids).any()                                   # beams did move
    by_beam = history.reshape(max_time, BATCH_SIZE, BEAM_WIDTH, -1)
    expected = np.take_along_axis(by_beam, ancestors[..., None], axis=2)
    np.testing.assert_array_equal(got, expected.reshape(history.shape))


# --- 3. the coverage penalty ----------------------------------------------------------------

def attention_state(alignments):
    """An AttentionWrapperState carrying only what the coverage penalty reads."""
    return AttentionWrapperState(cell_state=tf.zeros([2, 3, 4]), attention=tf.zeros([2, 3, 1]),
                                 time=tf.constant(1), alignments=alignments,
                                 alignment_history=(), attention_state=())


def test_one_step_with_coverage_matches_the_float64_reference():
    reset_graph()
    rng = np.random.default_rng(2)
    batch_size, beam_width, vocab_size, source_len = 2, 3, 5, 4
    logits = (2 * rng.normal(size=(batch_size, beam_width, vocab_size))).astype(np.float32)
    first, second = rng.uniform(0, 1, (2, batch_size, beam_width, source_len)).astype(
        np.float32)
    first[:, :, -1] = second[:, :, -1] = 0.0                      # a padded source position
    beams = Beams(log_probs=-rng.uniform(1, 3, (batch_size, beam_width)),
                  finished=np.array([[True, False, False], [False, True, True]]),
                  lengths=rng.integers(1, 4, (batch_size, beam_width)),
                  cell_state=np.zeros((batch_size, beam_width, 4)),
                  accumulated_attention=rng.uniform(0, 1.5, (batch_size, beam_width,
                                                             source_len)))
    beams.accumulated_attention[:, :, -1] = 0.0
    beams.log_probs = beams.log_probs.astype(np.float32).astype(np.float64)
    beams.accumulated_attention = beams.accumulated_attention.astype(np.float32).astype(float)
    state = beam_search_decoder.BeamSearchDecoderState(
        cell_state=tf.zeros([batch_size, beam_width, 4]),
        log_probs=tf.constant(beams.log_probs, tf.float32),
        finished=tf.constant(beams.finished), lengths=tf.constant(beams.lengths),
        accumulated_attention_probs=tf.constant(beams.accumulated_attention, tf.float32))
    outputs, next_state = beam_search_decoder._beam_search_step(
        time=1, logits=tf.constant(logits),
        next_cell_state=attention_state((tf.constant(first), tf.constant(second))),
        beam_state=state, batch_size=tf.constant(batch_size), beam_width=beam_width,
        end_token=0, length_penalty_weight=0.6, coverage_penalty_weight=0.2)
    with tf.Session() as session:
        got_outputs, got_state = session.run([outputs, next_state])
    scores, words, parents, expected, margin = beam_step(
        logits, beams, beams.cell_state, 0, 0.6, coverage_penalty_weight=0.2,
        attention=(first.astype(float) + second) / 2)
    assert margin > 1e-4
    np.testing.assert_array_equal(got_outputs.predicted_ids, words)
    np.testing.assert_array_equal(got_outputs.parent_ids, parents)
    np.testing.assert_allclose(got_outputs.scores, scores, **TF_TOL)
    np.testing.assert_allclose(got_state.accumulated_attention_probs,
                               expected.accumulated_attention, **TF_TOL)
    np.testing.assert_allclose(got_state.log_probs, expected.log_probs, **TF_TOL)


def test_attention_probs_average_over_the_attentional_members_of_a_tuple_state():
    reset_graph()
    first, second = np.random.default_rng(3).uniform(size=(2, 2, 3, 4)).astype(np.float32)
    mixed = (attention_state(tf.constant(first)), tf.nn.rnn_cell.LSTMStateTuple(1.0, 2.0),
             attention_state(tf.constant(second)))
    probs = beam_search_decoder.get_attention_probs(mixed, 0.5)
    with tf.Session() as session:
        np.testing.assert_allclose(session.run(probs), (first + second) / 2, **TF_TOL)
    assert beam_search_decoder.get_attention_probs(mixed, 0.0) is None
