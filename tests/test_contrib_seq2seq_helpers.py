"""tf.contrib.seq2seq's helpers on TF 2.21: samplers and seeds, TF 1.15's errors, CustomHelper.

TF 1.15 had no separate helper test; these check what its helper.py and basic_decoder.py
promised and raised:

1. TF 1.15's samplers (``bernoulli_sample``, ``categorical_sample``): shapes for every sample
   shape, frequencies against the exact probabilities (a 5-sigma bound), and seeds honoured
   (the same graph and op seed draw the same ids, another op seed other ids), through the
   sampling helpers too; the temperature; scheduled sampling at probability 0 and 1.
2. ``CustomHelper`` rebuilding ``TrainingHelper`` decodes the same, through dynamic_decode.
3. TF 1.15's ``TypeError`` / ``ValueError`` messages for bad cells, helpers, layers, tokens,
   lengths and probabilities; the eight helper names importable from ``helper``.
"""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq import helper as helper_module
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder
from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode
from tf1_lstm.contrib.seq2seq.helper import (
    CustomHelper,
    GreedyEmbeddingHelper,
    Helper,
    InferenceHelper,
    SampleEmbeddingHelper,
    ScheduledEmbeddingTrainingHelper,
    ScheduledOutputTrainingHelper,
    TrainingHelper,
    bernoulli_sample,
    categorical_sample,
)

B, T, DEPTH, V = 4, 5, 3, 6
LENGTHS = [5, 2, 3, 0]


def run(*fetches, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches, feed)


def softmax(logits):
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def assert_frequencies(draws, probabilities):
    """Each empirical frequency within 5 standard errors of its exact probability."""
    n = draws.shape[0]
    standard_error = np.sqrt(probabilities * (1 - probabilities) / n)
    assert np.all(np.abs(draws.mean(0) - probabilities) < 5 * standard_error + 1e-9)


# --- 1. samplers and seeds ------------------------------------------------------------------

LOGITS = np.array([[1.0, 0.0, -1.0, 2.0], [0.0, 0.0, 0.0, 3.0]], np.float32)   # [2, 4]


def test_categorical_sample_shapes_and_frequencies():
    reset_graph()
    draws = categorical_sample(LOGITS, sample_shape=20000, seed=7)              # [n, 2]
    shaped = categorical_sample(np.zeros((2, 3, 4), np.float32), sample_shape=[5, 6], seed=1)
    single = categorical_sample(LOGITS, seed=1)
    got, got_shaped, got_single = run(draws, shaped, single)
    assert got.shape == (20000, 2) and got.dtype == np.int32
    assert got_shaped.shape == (5, 6, 2, 3) and got_single.shape == (2,)
    for row in range(2):
        assert_frequencies(np.eye(4)[got[:, row]], softmax(LOGITS[row].astype(np.float64)))
    assert categorical_sample(LOGITS.astype(np.float64), dtype=tf.int64).dtype == tf.int64


def test_bernoulli_sample_from_probs_and_from_logits():
    reset_graph()
    probs = np.array([0.1, 0.5, 0.9], np.float32)
    from_probs = bernoulli_sample(probs=probs, sample_shape=20000, seed=3)       # [n, 3]
    from_logits = bernoulli_sample(logits=np.log(probs / (1 - probs)), dtype=tf.bool,
                                   sample_shape=[20000], seed=4)
    got_probs, got_logits = run(from_probs, from_logits)
    assert got_probs.dtype == np.int32 and got_logits.dtype == bool
    assert got_probs.shape == got_logits.shape == (20000, 3)
    assert_frequencies(got_probs, probs.astype(np.float64))
    assert_frequencies(got_logits, probs.astype(np.float64))


def sampled_ids(seed, graph_seed=42):
    """Greedy-less decode ids of SampleEmbeddingHelper on fixed logits, in a fresh graph."""
    reset_graph(graph_seed)
    embedding = np.eye(V, dtype=np.float32)
    helper = SampleEmbeddingHelper(embedding, np.zeros(16, np.int32), end_token=-1, seed=seed)
    logits = tf.constant(np.random.default_rng(0).normal(size=(16, V)), tf.float32)
    return run(helper.sample(0, logits, None))[0]


def test_seeds_are_honoured():
    first, again, other = sampled_ids(1), sampled_ids(1), sampled_ids(2)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert not np.array_equal(first, sampled_ids(1, graph_seed=7))


def test_a_tiny_softmax_temperature_samples_the_argmax():
    reset_graph()
    logits = np.random.default_rng(1).normal(size=(B, V)).astype(np.float32)
    helper = SampleEmbeddingHelper(np.eye(V, dtype=np.float32), np.zeros(B, np.int32), 0,
                                   softmax_temperature=1e-4, seed=5)
    got, = run(helper.sample(0, tf.constant(logits), None))
    np.testing.assert_array_equal(got, logits.argmax(-1))


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_scheduled_embedding_at_probability_zero_and_one(probability):
    reset_graph()
    inputs = np.random.default_rng(2).normal(size=(B, T, DEPTH)).astype(np.float32)
    embeddings = np.random.default_rng(3).normal(size=(V, DEPTH)).astype(np.float32)
    helper = ScheduledEmbeddingTrainingHelper(inputs, LENGTHS, embeddings, probability,
                                              seed=1, scheduling_seed=2)
    logits = tf.constant(np.random.default_rng(4).normal(size=(B, V)), tf.float32)
    helper.initialize()
    ids = helper.sample(0, logits, None)
    _, next_inputs, _ = helper.next_inputs(0, logits, None, ids)
    got_ids, got_next = run(ids, next_inputs)
    if probability == 0.0:
        np.testing.assert_array_equal(got_ids, [-1] * B)
        np.testing.assert_array_equal(got_next, inputs[:, 1])
    else:
        assert np.all((got_ids >= 0) & (got_ids < V))
        np.testing.assert_array_equal(got_next, embeddings[got_ids])


def test_scheduled_output_at_probability_one_feeds_the_outputs():
    reset_graph()
    inputs = np.random.default_rng(5).normal(size=(B, T, DEPTH)).astype(np.float32)
    helper = ScheduledOutputTrainingHelper(inputs, LENGTHS, 1.0, seed=3)
    outputs = tf.constant(np.random.default_rng(6).normal(size=(B, DEPTH)), tf.float32)
    helper.initialize()
    ids = helper.sample(0, outputs, None)
    _, next_inputs, _ = helper.next_inputs(0, outputs, None, ids)
    got_ids, got_next, got_outputs = run(ids, next_inputs, outputs)
    np.testing.assert_array_equal(got_ids, [1] * B)
    np.testing.assert_array_equal(got_next, got_outputs)


def test_a_vector_sampling_probability_draws_b_by_b_as_tf115():
    """TF 1.15's bug, kept: the draw's batch shape follows the probabilities, [B, B]."""
    reset_graph()
    inputs, vector = np.zeros((B, T, DEPTH), np.float32), np.full(B, 0.5, np.float32)
    output_helper = ScheduledOutputTrainingHelper(inputs, LENGTHS, vector)
    assert output_helper.sample(0, tf.zeros([B, DEPTH]), None).shape.as_list() == [B, B]
    embedding_helper = ScheduledEmbeddingTrainingHelper(inputs, LENGTHS, np.eye(V), vector)
    with pytest.raises(ValueError, match="Shapes must be equal rank"):
        embedding_helper.sample(0, tf.zeros([B, V]), None)
    for helper in (output_helper, embedding_helper):   # read the inputs: no exit warning
        helper.initialize()


# --- 2. CustomHelper ------------------------------------------------------------------------

def test_custom_helper_rebuilding_training_helper_decodes_the_same():
    reset_graph()
    inputs = np.random.default_rng(7).normal(size=(B, T, DEPTH)).astype(np.float32)
    time_major = tf.transpose(inputs, [1, 0, 2])                                  # [T, B, D]
    lengths = tf.constant(LENGTHS)

    def read(time, finished):
        return tf.cond(tf.reduce_all(finished), lambda: tf.zeros([B, DEPTH]),
                       lambda: time_major[tf.minimum(time, T - 1)])

    def initialize_fn():
        finished = tf.equal(0, lengths)
        return finished, read(0, finished)

    def sample_fn(time, outputs, state):
        return tf.argmax(outputs, -1, output_type=tf.int32)

    def next_inputs_fn(time, outputs, state, sample_ids):
        finished = time + 1 >= lengths
        return finished, read(time + 1, finished), state

    custom = CustomHelper(initialize_fn, sample_fn, next_inputs_fn)
    with pytest.raises(ValueError, match="batch_size accessed before initialize was called"):
        custom.batch_size  # noqa: B018 - the property raises
    assert custom.sample_ids_shape == tf.TensorShape([]) and custom.sample_ids_dtype == tf.int32
    cell = tf.nn.rnn_cell.GRUCell(V)
    results = []
    for helper in (custom, TrainingHelper(inputs, LENGTHS)):
        decoder = BasicDecoder(cell, helper, cell.zero_state(B, tf.float32))
        results.append(dynamic_decode(decoder, impute_finished=True))
    (custom_out, custom_state, custom_len), (train_out, train_state, train_len) = run(*results)
    np.testing.assert_array_equal(custom_len, LENGTHS)
    np.testing.assert_array_equal(train_len, LENGTHS)
    np.testing.assert_allclose(custom_out.rnn_output, train_out.rnn_output, rtol=0, atol=1e-7)
    np.testing.assert_array_equal(custom_out.sample_id, train_out.sample_id)
    np.testing.assert_allclose(custom_state, train_state, rtol=0, atol=1e-7)


def test_inference_helper_decodes_until_its_end_fn_says_so():
    """InferenceHelper feeding its ids back; entries end when their id is 0."""
    reset_graph()
    cell = tf.nn.rnn_cell.BasicRNNCell(V)
    helper = InferenceHelper(lambda x: tf.argmax(x, -1, output_type=tf.int32), (), tf.int32,
                             tf.ones([B, V]), end_fn=lambda ids: tf.equal(ids, 0),
                             next_inputs_fn=lambda ids: tf.one_hot(ids, V))
    decoder = BasicDecoder(cell, helper, cell.zero_state(B, tf.float32))
    outputs, _, lengths = dynamic_decode(decoder, maximum_iterations=6)
    got, got_lengths = run(outputs, lengths)
    for ids, length in zip(got.sample_id, got_lengths, strict=True):
        stops = np.flatnonzero(ids == 0)
        assert length == (stops[0] + 1 if stops.size else 6)


# --- 3. errors and names --------------------------------------------------------------------

def training_helper():
    """A helper that builds nothing (a TrainingHelper's unread TensorArrays would log
    "Object was never used" at exit)."""
    return CustomHelper(lambda: None, lambda **_: None, lambda **_: None)


def test_basic_decoder_rejects_a_non_cell_with_tf115_type_error():
    reset_graph()
    with pytest.raises(TypeError, match="The argument 'cell' .* is not an RNNCell"):
        BasicDecoder(object(), training_helper(), None)


def test_basic_decoder_rejects_a_non_helper_with_tf115_type_error():
    reset_graph()
    cell = tf.nn.rnn_cell.LSTMCell(V)
    with pytest.raises(TypeError, match="^helper must be a Helper, received: "):
        BasicDecoder(cell, "not a helper", cell.zero_state(B, tf.float32))


@pytest.mark.parametrize("layer", [lambda: tf.keras.layers.Dense(V), lambda: tf.nn.relu])
def test_basic_decoder_rejects_non_v1_layers_as_tf115(layer):
    reset_graph()
    cell = tf.nn.rnn_cell.LSTMCell(V)
    with pytest.raises(TypeError, match="^output_layer must be a Layer, received: "):
        BasicDecoder(cell, training_helper(), cell.zero_state(B, tf.float32), layer())


def test_embedding_helpers_reject_bad_tokens_with_tf115_value_errors():
    reset_graph()
    embedding = np.eye(V, dtype=np.float32)
    with pytest.raises(ValueError, match="^start_tokens must be a vector$"):
        GreedyEmbeddingHelper(embedding, [[0, 1]], 1)
    with pytest.raises(ValueError, match="^end_token must be a scalar$"):
        SampleEmbeddingHelper(embedding, [0, 1], [1, 2])
    helper = GreedyEmbeddingHelper(embedding, [0, 1], 1)
    with pytest.raises(TypeError, match="^Expected outputs to be a single Tensor, got: "):
        helper.sample(0, (tf.zeros([2, V]),), None)


def test_training_helpers_reject_bad_lengths_and_probabilities_with_tf115_value_errors():
    reset_graph()
    inputs = np.zeros((B, T, DEPTH), np.float32)
    with pytest.raises(ValueError, match="^Expected sequence_length to be a vector, but "):
        TrainingHelper(inputs, 3)
    for make in (lambda p: ScheduledEmbeddingTrainingHelper(inputs, LENGTHS, np.eye(V), p),
                 lambda p: ScheduledOutputTrainingHelper(inputs, LENGTHS, p)):
        with pytest.raises(ValueError, match="^sampling_probability must be either a scalar "
                                             "or a vector. saw shape: "):
            make(np.full((2, 2), 0.5, np.float32))


def test_all_eight_helpers_are_importable_from_helper_as_in_tf115():
    assert sorted(helper_module.__all__) == sorted([
        "Helper", "CustomHelper", "TrainingHelper", "ScheduledEmbeddingTrainingHelper",
        "ScheduledOutputTrainingHelper", "GreedyEmbeddingHelper", "SampleEmbeddingHelper",
        "InferenceHelper"])
    for name in helper_module.__all__:
        assert issubclass(getattr(helper_module, name), Helper)
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchHelper'"):
        helper_module.NoSuchHelper  # noqa: B018
