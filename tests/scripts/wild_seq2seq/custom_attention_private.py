"""Seq2seq forecasting with a home-made attention, in the manner of TF 1.6 - 1.8 research code.

Research code of the time reached into contrib's source files: it imported
tensorflow.contrib.seq2seq.python.ops.attention_wrapper to subclass its
_BaseAttentionMechanism (here a sharpened cosine score between the projected query and the
keys, its scale a variable made the way LuongAttention made attention_g), helper as
helper_py for CustomHelper and _unstack_ta, decoder for _transpose_batch_time, and
tensorflow.python.ops.* for the ops. Training feeds the true previous value through a
CustomHelper (teacher forcing on a real-valued series); forecasting feeds back the model's
own output through an InferenceHelper, in the same graph, the decoder scope reused.

The task: given 12 steps of a noisy sine wave (random phase, one of four periods), forecast
the next 8 steps.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

import sys

import numpy as np
import tensorflow as tf
from tensorflow.contrib.seq2seq.python.ops import attention_wrapper
from tensorflow.contrib.seq2seq.python.ops import decoder
from tensorflow.contrib.seq2seq.python.ops import helper as helper_py
from tensorflow.python.ops import array_ops
from tensorflow.python.ops import math_ops
from tensorflow.python.ops import nn_ops
from tensorflow.python.ops import variable_scope

ENCODER_STEPS, DECODER_STEPS = 12, 8
NUM_UNITS = 32
BATCH_SIZE, TRAIN_STEPS, LEARNING_RATE = 64, 120, 0.01
GO_VALUE = 0.0

rng = np.random.RandomState(3)


def make_batch(batch_size):
    periods = rng.choice([6.0, 8.0, 10.0, 12.0], size=(batch_size, 1))
    phases = rng.uniform(0, 2 * np.pi, size=(batch_size, 1))
    t = np.arange(ENCODER_STEPS + DECODER_STEPS)[None, :]
    series = np.sin(2 * np.pi * t / periods + phases)
    series += 0.05 * rng.randn(*series.shape)
    series = series[:, :, None].astype(np.float32)                      # [B, T, 1]
    return series[:, :ENCODER_STEPS], series[:, ENCODER_STEPS:]


class CosineAttention(attention_wrapper._BaseAttentionMechanism):
    """score = g * cos(W_q query, W_m memory); g a learned sharpness, initialized at 5."""

    def __init__(self, num_units, memory, memory_sequence_length=None, probability_fn=None,
                 score_mask_value=None, dtype=None, name="CosineAttention"):
        if probability_fn is None:
            probability_fn = nn_ops.softmax
        if dtype is None:
            dtype = tf.float32
        wrapped_probability_fn = lambda score, _: probability_fn(score)  # noqa: E731
        super(CosineAttention, self).__init__(
            query_layer=tf.layers.Dense(num_units, name="query_layer", use_bias=False,
                                        dtype=dtype),
            memory_layer=tf.layers.Dense(num_units, name="memory_layer", use_bias=False,
                                         dtype=dtype),
            memory=memory,
            probability_fn=wrapped_probability_fn,
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value,
            name=name)
        self._num_units = num_units
        self._name = name

    def __call__(self, query, state):
        with variable_scope.variable_scope(None, "cosine_attention", [query]):
            processed_query = self.query_layer(query) if self.query_layer else query
            processed_query = array_ops.expand_dims(processed_query, 1)      # [B, 1, U]
            query_direction = tf.nn.l2_normalize(processed_query, 2)
            key_directions = tf.nn.l2_normalize(self._keys, 2)               # [B, T, U]
            sharpness = variable_scope.get_variable(
                "sharpness", shape=(), dtype=query.dtype,
                initializer=tf.constant_initializer(5.0))
            score = sharpness * math_ops.reduce_sum(query_direction * key_directions, [2])
        alignments = self._probability_fn(score, state)
        next_state = alignments
        return alignments, next_state


def teacher_forcing_helper(targets, sequence_length):
    """TrainingHelper for real values: step t reads the true value of step t - 1."""
    batch_size = array_ops.shape(targets)[0]
    inputs_ta = helper_py._unstack_ta(decoder._transpose_batch_time(targets))  # T x [B, 1]
    start_inputs = tf.fill([batch_size, 1], GO_VALUE)

    def initialize_fn():
        finished = math_ops.equal(0, sequence_length)
        return finished, start_inputs

    def sample_fn(time, outputs, state):
        return array_ops.zeros([batch_size], dtype=tf.int32)  # nothing to sample

    def next_inputs_fn(time, outputs, state, sample_ids):
        next_time = time + 1
        finished = next_time >= sequence_length
        all_finished = math_ops.reduce_all(finished)
        next_inputs = tf.cond(all_finished, lambda: start_inputs,
                              lambda: inputs_ta.read(time))
        return finished, next_inputs, state

    return helper_py.CustomHelper(initialize_fn, sample_fn, next_inputs_fn)


def build_decoder(encoder_outputs, encoder_state, helper, reuse, maximum_iterations=None):
    with tf.variable_scope("decoder", reuse=reuse):
        attention_mechanism = CosineAttention(NUM_UNITS, encoder_outputs)
        cell = attention_wrapper.AttentionWrapper(
            tf.nn.rnn_cell.LSTMCell(NUM_UNITS), attention_mechanism,
            attention_layer_size=NUM_UNITS)
        batch_size = array_ops.shape(encoder_outputs)[0]
        initial_state = cell.zero_state(batch_size, tf.float32).clone(
            cell_state=encoder_state)
        projection = tf.layers.Dense(1, name="output_projection")
        basic_decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial_state,
                                                        output_layer=projection)
        outputs, final_state, lengths = tf.contrib.seq2seq.dynamic_decode(
            basic_decoder, maximum_iterations=maximum_iterations)
    return outputs, final_state


encoder_inputs = tf.placeholder(tf.float32, [None, ENCODER_STEPS, 1], name="encoder_inputs")
decoder_targets = tf.placeholder(tf.float32, [None, DECODER_STEPS, 1], name="decoder_targets")
batch_size = array_ops.shape(encoder_inputs)[0]

with tf.variable_scope("encoder"):
    encoder_outputs, encoder_state = tf.nn.dynamic_rnn(
        tf.nn.rnn_cell.LSTMCell(NUM_UNITS), encoder_inputs, dtype=tf.float32)

sequence_length = tf.fill([batch_size], DECODER_STEPS)
train_outputs, _ = build_decoder(encoder_outputs, encoder_state,
                                 teacher_forcing_helper(decoder_targets, sequence_length),
                                 reuse=False)
loss = tf.losses.mean_squared_error(decoder_targets, train_outputs.rnn_output)
train_op = tf.train.AdamOptimizer(LEARNING_RATE).minimize(loss)

forecast_helper = tf.contrib.seq2seq.InferenceHelper(
    sample_fn=lambda outputs: outputs,
    sample_shape=[1],
    sample_dtype=tf.float32,
    start_inputs=tf.fill([batch_size, 1], GO_VALUE),
    end_fn=lambda sample_ids: tf.tile([False], [batch_size]))
forecast_outputs, forecast_state = build_decoder(encoder_outputs, encoder_state,
                                                 forecast_helper, reuse=True,
                                                 maximum_iterations=DECODER_STEPS)
forecast = forecast_outputs.rnn_output                                  # [B, 8, 1]
alignments = forecast_state.alignments                                  # [B, 12]

print("# variables")
for v in tf.trainable_variables():
    print("  %s %s" % (v.name, v.get_shape().as_list()))

test_x, test_y = make_batch(256)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    first_loss = sess.run(loss, {encoder_inputs: test_x, decoder_targets: test_y})
    for step in range(1, TRAIN_STEPS + 1):
        x, y = make_batch(BATCH_SIZE)
        _, train_loss = sess.run([train_op, loss], {encoder_inputs: x, decoder_targets: y})
        if step % 40 == 0:
            print("step %d  teacher-forced mse %.4f" % (step, train_loss))
    last_loss = sess.run(loss, {encoder_inputs: test_x, decoder_targets: test_y})
    predicted, last_alignments = sess.run([forecast, alignments], {encoder_inputs: test_x})

forecast_mse = np.mean((predicted - test_y) ** 2)
repeat_last_mse = np.mean((test_x[:, -1:, :] - test_y) ** 2)
print("free-running forecast mse %.4f (repeating the last value: %.4f)"
      % (forecast_mse, repeat_last_mse))
print("first loss: %.4f" % first_loss)
print("last loss: %.4f" % last_loss)
if predicted.shape != test_y.shape:
    sys.exit("CHECK FAILED: forecast of shape %s, expected %s" % (predicted.shape, test_y.shape))
if not np.allclose(last_alignments.sum(axis=1), 1.0, atol=1e-5):
    sys.exit("CHECK FAILED: the custom attention's alignments do not sum to 1")
if not last_loss < 0.2 * first_loss:
    sys.exit("CHECK FAILED: the teacher-forced loss did not fall (%.4f -> %.4f)"
             % (first_loss, last_loss))
if not forecast_mse < 0.25 * repeat_last_mse:
    sys.exit("CHECK FAILED: the forecast (mse %.4f) is not much better than repeating the "
             "last value (mse %.4f)" % (forecast_mse, repeat_last_mse))
print("CHECK OK")
