"""tf.contrib.seq2seq.BasicDecoder on TF 2.21: TF 1.15's basic_decoder_test.py and a NumPy step.

1. Every test of TF 1.15's ``tensorflow/contrib/seq2seq/python/kernel_tests/
   basic_decoder_test.py``: one ``initialize`` + ``step`` with each helper (Training with and
   without an output layer, GreedyEmbedding, SampleEmbedding, ScheduledEmbeddingTraining,
   ScheduledOutputTraining in its five variants, Inference categorical and multilabel), with
   its sizes, its ``output_size`` / ``output_dtype``, static shapes, finished flags and the
   consistency checks it made (sample ids = argmax, next inputs = embeddings[ids], ...).
   TF's tests have no hard-coded outputs (their weights came from TF's random initializers),
   so nothing else is ported.
2. Instead the values are checked against an independent float64 NumPy reference of the same
   computation: the LSTMCell step + output layer, and a whole greedy decode through
   ``dynamic_decode`` (end token, lengths, maximum_iterations), on the graph's own weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import initialize_randomly, sigmoid

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput
from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode
from tf1_lstm.contrib.seq2seq.helper import (
    GreedyEmbeddingHelper,
    InferenceHelper,
    SampleEmbeddingHelper,
    ScheduledEmbeddingTrainingHelper,
    ScheduledOutputTrainingHelper,
    TrainingHelper,
    bernoulli_sample,
    categorical_sample,
)

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults
# basic_decoder_test.py's sizes.
SEQUENCE_LENGTH = [3, 4, 3, 1, 0]
B, MAX_TIME, DEPTH = 5, 8, 7
rng = np.random.default_rng(0)


def random(*shape):
    return rng.normal(size=shape).astype(np.float32)


def step_once(cell, helper, depth, sample_shape=(), output_layer=None, extra_fn=None):
    """TF's common part: build the decoder, one step, the static checks; run everything
    (and ``extra_fn(step outputs)``'s fetches)."""
    decoder = BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer)
    first_finished, first_inputs, first_state = decoder.initialize()
    outputs, state, next_inputs, finished = decoder.step(tf.constant(0), first_inputs,
                                                         first_state)
    assert isinstance(first_state, tf.nn.rnn_cell.LSTMStateTuple)
    assert isinstance(state, tf.nn.rnn_cell.LSTMStateTuple)
    assert isinstance(outputs, BasicDecoderOutput)
    assert outputs.rnn_output.shape.as_list() == [B, depth]
    assert outputs.sample_id.shape.as_list() == [B, *sample_shape]
    for part in (*first_state, *state):
        assert part.shape.as_list() == [B, cell.output_size]
    fetches = dict(batch_size=decoder.batch_size, first_finished=first_finished,
                   first_inputs=first_inputs, first_state=first_state, outputs=outputs,
                   state=state, next_inputs=next_inputs, finished=finished,
                   **(extra_fn(outputs) if extra_fn else {}))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return decoder, session.run(fetches)


def assert_output_spec(decoder, depth, sample_id_size=None, sample_dtype=tf.int32):
    sample_id_size = tf.TensorShape([]) if sample_id_size is None else sample_id_size
    assert decoder.output_size == BasicDecoderOutput(depth, sample_id_size)
    assert decoder.output_dtype == BasicDecoderOutput(tf.float32, sample_dtype)


# --- 1. TF 1.15's basic_decoder_test.py -----------------------------------------------------

@pytest.mark.parametrize("use_output_layer", [False, True])
def test_step_with_training_helper_is_tf115s(use_output_layer):
    """testStepWithTrainingHelper{NoOutputLayer,WithOutputLayer}."""
    reset_graph()
    cell = tf.nn.rnn_cell.LSTMCell(10)
    helper = TrainingHelper(random(B, MAX_TIME, DEPTH), SEQUENCE_LENGTH, time_major=False)
    layer = tf.layers.Dense(3, use_bias=False) if use_output_layer else None
    depth = 3 if use_output_layer else 10
    decoder, got = step_once(cell, helper, depth, output_layer=layer)
    assert_output_spec(decoder, depth)
    if use_output_layer:
        assert len(layer.variables) == 1   # the output layer was called
    np.testing.assert_array_equal(got["first_finished"], [False, False, False, False, True])
    np.testing.assert_array_equal(got["finished"], [False, False, False, True, True])
    assert got["outputs"].sample_id.dtype == np.int32
    np.testing.assert_array_equal(np.argmax(got["outputs"].rnn_output, -1),
                                  got["outputs"].sample_id)


def test_step_with_greedy_embedding_helper_is_tf115s():
    reset_graph()
    vocabulary, end_token = 7, 1
    embeddings = random(vocabulary, 10)
    helper = GreedyEmbeddingHelper(embeddings, rng.integers(0, vocabulary, size=B), end_token)
    decoder, got = step_once(tf.nn.rnn_cell.LSTMCell(vocabulary), helper, vocabulary)
    assert_output_spec(decoder, vocabulary)
    sample_ids = np.argmax(got["outputs"].rnn_output, -1)
    np.testing.assert_array_equal(got["first_finished"], [False] * B)
    np.testing.assert_array_equal(got["finished"], sample_ids == end_token)
    assert got["outputs"].sample_id.dtype == np.int32
    np.testing.assert_array_equal(got["outputs"].sample_id, sample_ids)
    np.testing.assert_array_equal(got["next_inputs"], embeddings[sample_ids])


def test_step_with_sample_embedding_helper_is_tf115s():
    reset_graph()
    vocabulary, end_token = 7, 1
    with tf.variable_scope("testStepWithSampleEmbeddingHelper",
                           initializer=tf.constant_initializer(0.01)):
        embeddings = random(vocabulary, 10)
        helper = SampleEmbeddingHelper(embeddings, rng.integers(0, vocabulary, size=B),
                                       end_token, seed=0)
        decoder, got = step_once(tf.nn.rnn_cell.LSTMCell(vocabulary), helper, vocabulary)
    assert_output_spec(decoder, vocabulary)
    sample_ids = got["outputs"].sample_id
    assert sample_ids.dtype == np.int32
    np.testing.assert_array_equal(got["finished"], sample_ids == end_token)
    np.testing.assert_array_equal(got["next_inputs"], embeddings[sample_ids])


def test_step_with_scheduled_embedding_training_helper_is_tf115s():
    reset_graph()
    vocabulary = 10
    inputs, embeddings = random(B, MAX_TIME, DEPTH), random(vocabulary, DEPTH)
    helper = ScheduledEmbeddingTrainingHelper(inputs=inputs, sequence_length=SEQUENCE_LENGTH,
                                              embedding=embeddings,
                                              sampling_probability=tf.constant(0.5),
                                              time_major=False)
    cell = tf.nn.rnn_cell.LSTMCell(vocabulary)
    decoder, got = step_once(cell, helper, vocabulary)
    assert_output_spec(decoder, vocabulary)
    np.testing.assert_array_equal(got["first_finished"], [False, False, False, False, True])
    np.testing.assert_array_equal(got["finished"], [False, False, False, True, True])
    sample_ids = got["outputs"].sample_id
    assert sample_ids.dtype == np.int32
    sampled, not_sampled = np.where(sample_ids > -1), np.where(sample_ids == -1)
    np.testing.assert_allclose(got["next_inputs"][sampled], embeddings[sample_ids[sampled]],
                               **TF_TOL)
    np.testing.assert_allclose(got["next_inputs"][not_sampled], inputs[not_sampled][:, 1],
                               **TF_TOL)


@pytest.mark.parametrize("probability, use_next_inputs_fn, use_auxiliary_inputs", [
    (0.5, False, False),   # ...WithoutNextInputsFnOrAuxInputs
    (0.5, True, False),    # ...WithNextInputsFn
    (0.5, False, True),    # ...WithAuxiliaryInputs
    (0.5, True, True),     # ...WithNextInputsFnAndAuxInputs
    (0.0, True, True),     # ...WithNoSampling
])
def test_step_with_scheduled_output_training_helper_is_tf115s(probability, use_next_inputs_fn,
                                                              use_auxiliary_inputs):
    """testStepWithScheduledOutputTrainingHelper, its five variants."""
    reset_graph()
    depth = DEPTH   # the cell's outputs are fed back: cell depth = input depth
    auxiliary = random(B, MAX_TIME, 4) if use_auxiliary_inputs else None
    inputs = random(B, MAX_TIME, DEPTH)

    def next_inputs_fn(outputs):   # TF's deterministic choice
        return tf.one_hot(tf.argmax(outputs, axis=1), depth, dtype=tf.float32)

    helper = ScheduledOutputTrainingHelper(
        inputs=inputs, sequence_length=SEQUENCE_LENGTH,
        sampling_probability=tf.constant(probability), time_major=False,
        next_inputs_fn=next_inputs_fn if use_next_inputs_fn else None,
        auxiliary_inputs=auxiliary)
    def after_fn(outputs):   # TF's output_after_next_inputs_fn
        return dict(after_fn=next_inputs_fn(outputs.rnn_output))

    decoder, got = step_once(tf.nn.rnn_cell.LSTMCell(depth), helper, depth,
                             extra_fn=after_fn if use_next_inputs_fn else None)
    assert_output_spec(decoder, depth)

    np.testing.assert_array_equal(got["first_finished"], [False, False, False, False, True])
    np.testing.assert_array_equal(got["finished"], [False, False, False, True, True])
    sample_ids = got["outputs"].sample_id
    assert sample_ids.dtype == np.int32
    sampled, not_sampled = np.where(sample_ids), np.where(np.logical_not(sample_ids))
    to_concat = auxiliary[:, 1] if use_auxiliary_inputs else np.zeros((B, 0), np.float32)
    fed_back = got["after_fn"] if use_next_inputs_fn else got["outputs"].rnn_output
    np.testing.assert_allclose(got["next_inputs"][sampled],
                               np.concatenate((fed_back[sampled], to_concat[sampled]), -1),
                               **TF_TOL)
    np.testing.assert_allclose(got["next_inputs"][not_sampled],
                               np.concatenate((inputs[not_sampled][:, 1],
                                               to_concat[not_sampled]), -1), **TF_TOL)
    if probability == 0.0:
        assert not sample_ids.any()


def test_step_with_inference_helper_categorical_is_tf115s():
    reset_graph()
    vocabulary, start_token, end_token = 7, 0, 6
    with tf.variable_scope("testStepWithInferenceHelper",
                           initializer=tf.constant_initializer(0.01)):
        helper = InferenceHelper(
            lambda x: categorical_sample(logits=x), sample_shape=(), sample_dtype=tf.int32,
            start_inputs=tf.one_hot(np.ones(B) * start_token, vocabulary),
            end_fn=lambda sample_ids: tf.equal(sample_ids, end_token),
            next_inputs_fn=lambda x: tf.one_hot(x, vocabulary, dtype=tf.float32))
        decoder, got = step_once(tf.nn.rnn_cell.LSTMCell(vocabulary), helper, vocabulary)
    assert_output_spec(decoder, vocabulary)
    sample_ids = got["outputs"].sample_id
    assert sample_ids.dtype == np.int32
    np.testing.assert_array_equal(got["finished"], sample_ids == end_token)
    np.testing.assert_array_equal(got["next_inputs"], np.eye(vocabulary)[sample_ids])


def test_step_with_inference_helper_multilabel_is_tf115s():
    reset_graph()
    vocabulary, start_token, end_token = 7, 0, 6
    with tf.variable_scope("testStepWithInferenceHelper",
                           initializer=tf.constant_initializer(0.01)):
        helper = InferenceHelper(
            lambda x: bernoulli_sample(logits=x, dtype=tf.bool), sample_shape=[vocabulary],
            sample_dtype=tf.bool,
            start_inputs=tf.one_hot(np.ones(B) * start_token, vocabulary),
            end_fn=lambda sample_ids: sample_ids[:, end_token], next_inputs_fn=tf.to_float)
        decoder, got = step_once(tf.nn.rnn_cell.LSTMCell(vocabulary), helper, vocabulary,
                                 sample_shape=(vocabulary,))
    assert_output_spec(decoder, vocabulary, vocabulary, tf.bool)
    sample_ids = got["outputs"].sample_id
    assert sample_ids.dtype == bool
    np.testing.assert_array_equal(got["finished"], sample_ids[:, end_token])
    np.testing.assert_array_equal(got["next_inputs"], sample_ids.astype(np.float32))


# --- 2. a float64 NumPy reference of the same step and of a greedy decode -------------------

def np_lstm_cell(x, h, c, kernel, bias, forget_bias=1.0):
    """TF1's LSTMCell / BasicLSTMCell, gates i, j, f, o, in float64."""
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    return sigmoid(o) * np.tanh(c), c


def f64(session, variable):
    return session.run(variable).astype(np.float64)


def test_one_training_step_matches_a_float64_numpy_step():
    reset_graph()
    inputs = random(B, MAX_TIME, DEPTH)
    cell, layer = tf.nn.rnn_cell.LSTMCell(10), tf.layers.Dense(3)
    decoder = BasicDecoder(cell, TrainingHelper(inputs, SEQUENCE_LENGTH),
                           cell.zero_state(B, tf.float32), layer)
    _, first_inputs, first_state = decoder.initialize()
    outputs, state, next_inputs, _ = decoder.step(tf.constant(0), first_inputs, first_state)
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        got_outputs, got_state, got_next = session.run((outputs, state, next_inputs))
        kernel, bias = f64(session, cell.weights[0]), f64(session, cell.weights[1])
        dense_kernel, dense_bias = f64(session, layer.kernel), f64(session, layer.bias)
    zeros = np.zeros((B, 10))
    h, c = np_lstm_cell(inputs[:, 0].astype(np.float64), zeros, zeros, kernel, bias)
    logits = h @ dense_kernel + dense_bias
    np.testing.assert_allclose(got_outputs.rnn_output, logits, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got_outputs.sample_id, np.argmax(logits, -1))
    np.testing.assert_allclose(got_state.c, c, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(got_state.h, h, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got_next, inputs[:, 1])


def np_greedy_decode(weights, embeddings, start_tokens, end_token, maximum_iterations):
    """The greedy decode of dynamic_decode + GreedyEmbeddingHelper, in float64."""
    kernel, bias, dense_kernel, dense_bias = weights
    h = c = np.zeros((len(start_tokens), kernel.shape[1] // 4))
    x, finished = embeddings[start_tokens], np.zeros(len(start_tokens), bool)
    lengths, logits_seen, ids_seen = np.zeros(len(start_tokens), int), [], []
    for t in range(maximum_iterations):
        if finished.all():
            break
        h, c = np_lstm_cell(x, h, c, kernel, bias)
        logits = h @ dense_kernel + dense_bias
        ids = np.argmax(logits, -1)
        lengths[~finished] = t + 1
        finished |= ids == end_token
        logits_seen.append(logits)
        ids_seen.append(ids)
        x = embeddings[ids]
    return np.stack(logits_seen, 1), np.stack(ids_seen, 1), lengths


def test_greedy_decode_matches_a_float64_numpy_decode():
    """End token fed at run time: chosen from the reference so entries finish at different
    steps; maximum_iterations stops the others."""
    reset_graph()
    vocabulary, units, maximum_iterations = 6, 8, 6
    embeddings = random(vocabulary, 5)
    start_tokens = np.array([0, 1, 2, 3, 4], np.int32)
    end_token = tf.placeholder(tf.int32, [])
    cell, layer = tf.nn.rnn_cell.BasicLSTMCell(units), tf.layers.Dense(vocabulary)
    helper = GreedyEmbeddingHelper(embeddings, start_tokens, end_token)
    decoder = BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), layer)
    outputs, _, lengths = dynamic_decode(decoder, maximum_iterations=maximum_iterations)
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables(), seed=3)
        weights = [f64(session, v) for v in (*cell.weights, layer.kernel, layer.bias)]
        emb64 = embeddings.astype(np.float64)
        _, free_ids, _ = np_greedy_decode(weights, emb64, start_tokens, -1, maximum_iterations)
        chosen = int(free_ids[0, 2])      # entry 0 stops after 3 steps
        want_logits, want_ids, want_lengths = np_greedy_decode(weights, emb64, start_tokens,
                                                               chosen, maximum_iterations)
        got, got_lengths = session.run((outputs, lengths), {end_token: chosen})
    assert want_lengths[0] == 3 and len(set(want_lengths)) > 1
    np.testing.assert_array_equal(got_lengths, want_lengths)
    np.testing.assert_array_equal(got.sample_id, want_ids)
    np.testing.assert_allclose(got.rnn_output, want_logits, rtol=1e-5, atol=1e-5)
