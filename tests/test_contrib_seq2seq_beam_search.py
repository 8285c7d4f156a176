"""tf.contrib.seq2seq.BeamSearchDecoder on TF 2.21: TF 1.15's test, a float64 beam search.

1. TF 1.15's ``BeamSearchDecoderTest.testDynamicDecodeRNNBatchMajorNoAttention`` (its
   sizes, the static and run-time shapes).
2. The decoder's ``predicted_ids``, step ids, parents, scores and final state against
   ``beam_search_reference.decode``: the same algorithm in float64 NumPy on the same
   BasicRNNCell + Dense weights, with and without a length penalty.
3. ``beam_width=1`` is greedy decoding (NumPy argmax, and the BasicDecoder with a
   GreedyEmbeddingHelper on the same variables).
4. TF 1.15's variable names and errors.
(With attention: ``test_contrib_seq2seq_beam_search_attention.py``.)
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from beam_search_reference import RnnDecoderWeights, decode, greedy_decode

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import beam_search_decoder
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder
from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode
from tf1_lstm.contrib.seq2seq.inference_helpers import GreedyEmbeddingHelper

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults
FLOAT64_TOL = dict(rtol=1e-5, atol=1e-5)   # float32 graph vs float64 NumPy over a few steps


# --- 1. TF 1.15's testDynamicDecodeRNN (no attention) ----------------------------------------

def test_dynamic_decode_shapes_are_tf115_testDynamicDecodeRNNBatchMajorNoAttention():
    reset_graph()
    time_major = False         # (the time-major layout is run by the float64 comparisons)
    batch_size, cell_depth, vocab_size, embedding_dim, beam_width = 5, 9, 20, 50, 3
    max_out = max([2, 0, 1, 2, 3])           # TF 1.15's decoder_sequence_length
    end_token, start_token = vocab_size - 1, 0
    batch_size_tensor = tf.constant(batch_size)
    embedding = np.random.default_rng(0).normal(size=(vocab_size, embedding_dim))
    cell = tf.nn.rnn_cell.LSTMCell(cell_depth)
    bsd = beam_search_decoder.BeamSearchDecoder(
        cell=cell, embedding=embedding.astype(np.float32),
        start_tokens=tf.fill([batch_size_tensor], start_token), end_token=end_token,
        initial_state=cell.zero_state(dtype=tf.float32, batch_size=batch_size_tensor * beam_width),
        beam_width=beam_width,
        output_layer=tf.layers.Dense(vocab_size, use_bias=True, activation=None),
        length_penalty_weight=0.0, coverage_penalty_weight=0.0)
    final_outputs, final_state, final_sequence_lengths = dynamic_decode(
        bsd, output_time_major=time_major, maximum_iterations=max_out)

    def _t(shape):
        return (shape[1], shape[0]) + shape[2:] if time_major else shape

    assert isinstance(final_outputs, beam_search_decoder.FinalBeamSearchDecoderOutput)
    assert isinstance(final_state, beam_search_decoder.BeamSearchDecoderState)
    output = final_outputs.beam_search_decoder_output
    assert tuple(output.scores.shape.as_list()) == _t((batch_size, None, beam_width))
    assert tuple(final_outputs.predicted_ids.shape.as_list()) == _t((batch_size, None,
                                                                     beam_width))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        results = session.run({"final_outputs": final_outputs, "final_state": final_state,
                               "final_sequence_lengths": final_sequence_lengths})
    max_sequence_length = np.max(results["final_sequence_lengths"])
    output = results["final_outputs"].beam_search_decoder_output
    assert output.scores.shape == _t((batch_size, max_sequence_length, beam_width))
    assert output.predicted_ids.shape == _t((batch_size, max_sequence_length, beam_width))


# --- 2. against float64 NumPy ---------------------------------------------------------------

BATCH, BEAM, VOCAB, EMBED, UNITS, END, MAX_ITERATIONS = 3, 3, 6, 4, 5, 1, 6
START_TOKENS = [0, 2, 4]


@functools.cache
def rnn_beam_search(beam_width, length_penalty_weight=0.0, seed=0):
    """A BeamSearchDecoder on a BasicRNNCell + Dense with random weights, run once (cached:
    several tests read the same run). Time-major outputs.

    Returns (results, weights, initial_h, variables): ``weights`` the values the graph
    used, ``variables`` its (name, shape) pairs.
    """
    reset_graph()
    rng = np.random.default_rng(seed)
    embedding = tf.constant(rng.normal(size=(VOCAB, EMBED)), tf.float32)
    initial_h = rng.normal(size=(BATCH, UNITS)).astype(np.float32)
    cell = tf.nn.rnn_cell.BasicRNNCell(UNITS)
    bsd = beam_search_decoder.BeamSearchDecoder(
        cell, embedding, START_TOKENS, END,
        beam_search_decoder.tile_batch(tf.constant(initial_h), beam_width), beam_width,
        output_layer=tf.layers.Dense(VOCAB), length_penalty_weight=length_penalty_weight)
    outputs, state, lengths = dynamic_decode(bsd, output_time_major=True,
                                             maximum_iterations=MAX_ITERATIONS)
    variables = {v.op.name: v for v in tf.global_variables()}
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for variable in variables.values():
            session.run(variable.assign(2.0 * rng.normal(size=variable.shape.as_list())))
        results, values, embedding = session.run(
            [dict(outputs=outputs, state=state, lengths=lengths), variables, embedding])
    weights = RnnDecoderWeights(
        embedding, values["decoder/basic_rnn_cell/kernel"], values["decoder/basic_rnn_cell/bias"],
        values["decoder/dense/kernel"], values["decoder/dense/bias"])
    names_and_shapes = sorted((name, list(value.shape)) for name, value in values.items())
    return results, weights, initial_h, names_and_shapes


# (seeds whose beams partly finish within MAX_ITERATIONS; 7 finishes fewer with the penalty)
@pytest.mark.parametrize("length_penalty_weight, seed", [(0.0, 1), (0.6, 7)])
def test_beam_search_matches_a_float64_numpy_beam_search(length_penalty_weight, seed):
    got, weights, initial_h, _ = rnn_beam_search(BEAM, length_penalty_weight, seed)
    expected = decode(weights, initial_h, START_TOKENS, END, BEAM, MAX_ITERATIONS,
                      length_penalty_weight)
    assert expected["margin"] > 1e-4        # no near-tie that float32 could order differently
    assert expected["beams"].finished.any() and not expected["beams"].finished.all()
    output = got["outputs"].beam_search_decoder_output
    np.testing.assert_array_equal(output.predicted_ids, expected["step_ids"])
    np.testing.assert_array_equal(output.parent_ids, expected["parent_ids"])
    np.testing.assert_array_equal(got["outputs"].predicted_ids, expected["predicted_ids"])
    np.testing.assert_allclose(output.scores, expected["scores"], **FLOAT64_TOL)
    state = got["state"]
    np.testing.assert_allclose(state.log_probs, expected["beams"].log_probs, **FLOAT64_TOL)
    np.testing.assert_array_equal(state.finished, expected["beams"].finished)
    np.testing.assert_array_equal(state.lengths, expected["beams"].lengths)
    np.testing.assert_allclose(state.cell_state, expected["beams"].cell_state, **FLOAT64_TOL)


def test_beams_come_out_best_first_and_the_final_state_is_the_last_steps():
    got, _, _, _ = rnn_beam_search(BEAM, 0.0, 1)
    last_scores = got["outputs"].beam_search_decoder_output.scores[-1]        # [B, W]
    assert (np.diff(last_scores, axis=1) <= 0).all()
    # Without a length penalty the score is the log probability of the whole beam.
    np.testing.assert_allclose(got["state"].log_probs, last_scores, **TF_TOL)
    assert got["lengths"].shape == (BATCH, BEAM) and got["lengths"].dtype == np.int32


# --- 3. beam_width = 1 is greedy decoding ---------------------------------------------------

def test_beam_width_one_is_greedy_decoding():
    got, weights, initial_h, _ = rnn_beam_search(1, 0.0, 6)
    ids, lengths = greedy_decode(weights, initial_h, START_TOKENS, END, MAX_ITERATIONS)
    assert (lengths < MAX_ITERATIONS).any()                     # some entry ended with EOS
    beam_ids = got["outputs"].predicted_ids[:, :, 0].T                       # [B, T]
    np.testing.assert_array_equal(got["lengths"][:, 0], lengths)
    np.testing.assert_array_equal(got["state"].lengths[:, 0], lengths)
    for b, length in enumerate(lengths):
        np.testing.assert_array_equal(beam_ids[b, :length], ids[b, :length])
        np.testing.assert_array_equal(beam_ids[b, length:], END)      # gather_tree's fill


def test_beam_width_one_gives_the_basic_decoders_greedy_ids_on_the_same_variables():
    reset_graph()
    embedding = tf.constant(np.random.default_rng(4).normal(size=(VOCAB, EMBED)), tf.float32)
    cell, dense = tf.nn.rnn_cell.BasicRNNCell(UNITS), tf.layers.Dense(VOCAB)
    initial_state = tf.constant(np.random.default_rng(5).normal(size=(BATCH, UNITS)),
                                tf.float32)
    with tf.variable_scope("decoding") as scope:
        bsd = beam_search_decoder.BeamSearchDecoder(cell, embedding, START_TOKENS, END,
                                                    initial_state, 1, output_layer=dense)
        beam, _, beam_lengths = dynamic_decode(bsd, maximum_iterations=MAX_ITERATIONS,
                                               scope=scope)
        scope.reuse_variables()
        helper = GreedyEmbeddingHelper(embedding, START_TOKENS, END)
        greedy, _, greedy_lengths = dynamic_decode(
            BasicDecoder(cell, helper, initial_state, output_layer=dense),
            maximum_iterations=MAX_ITERATIONS, scope=scope)
    assert len(tf.trainable_variables()) == 4
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for variable in tf.trainable_variables():
            session.run(variable.assign(2.0 * tf.random.normal(variable.shape, seed=6)))
        beam_ids, beam_lengths, greedy_ids, greedy_lengths = session.run(
            [beam.predicted_ids[:, :, 0], beam_lengths[:, 0], greedy.sample_id,
             greedy_lengths])
    np.testing.assert_array_equal(beam_lengths, greedy_lengths)
    for b, length in enumerate(greedy_lengths):
        np.testing.assert_array_equal(beam_ids[b, :length], greedy_ids[b, :length])


# --- 4. variables and errors ----------------------------------------------------------------

def test_variables_have_tf115s_names_under_the_decoder_scope():
    _, _, _, variables = rnn_beam_search(BEAM, 0.0, 1)
    assert variables == [
        ("decoder/basic_rnn_cell/bias", [UNITS]),
        ("decoder/basic_rnn_cell/kernel", [EMBED + UNITS, UNITS]),
        ("decoder/dense/bias", [VOCAB]), ("decoder/dense/kernel", [UNITS, VOCAB])]


def decoder_arguments(**changes):
    cell = tf.nn.rnn_cell.BasicRNNCell(UNITS)
    arguments = dict(cell=cell, embedding=tf.zeros([VOCAB, EMBED]), start_tokens=START_TOKENS,
                     end_token=END, initial_state=cell.zero_state(BATCH * BEAM, tf.float32),
                     beam_width=BEAM)
    arguments.update({key: value() if key == "initial_state" else value
                      for key, value in changes.items()})
    return arguments


@pytest.mark.parametrize("changes, error, message", [
    (dict(cell="lstm"), TypeError, "is not an RNNCell"),
    (dict(output_layer=lambda x: x), TypeError, "output_layer must be a Layer"),
    (dict(start_tokens=[[0, 2, 4]]), ValueError, "start_tokens must be a vector"),
    (dict(end_token=[1]), ValueError, "end_token must be a scalar"),
    (dict(initial_state=lambda: tf.zeros([BATCH * BEAM + 1, UNITS])), ValueError, "reshape"),
])
def test_bad_arguments_raise_tf115s_errors(changes, error, message):
    reset_graph()
    with pytest.raises(error, match=message):
        beam_search_decoder.BeamSearchDecoder(**decoder_arguments(**changes))


def test_a_state_with_unknown_rows_is_checked_against_batch_times_beam_width():
    reset_graph()
    state = tf.placeholder(tf.float32, [None, UNITS])
    bsd = beam_search_decoder.BeamSearchDecoder(**decoder_arguments(initial_state=lambda: state))
    outputs, _, _ = dynamic_decode(bsd, maximum_iterations=2)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError):
            session.run(outputs.predicted_ids, {state: np.zeros((BATCH, UNITS))})


def test_coverage_penalty_needs_an_attentional_cell():
    reset_graph()
    with pytest.raises(ValueError, match="coverage_penalty_weight must be 0.0 if no cell is "
                                         "attentional"):
        bsd = beam_search_decoder.BeamSearchDecoder(
            **decoder_arguments(coverage_penalty_weight=0.2))
        dynamic_decode(bsd, maximum_iterations=2)
