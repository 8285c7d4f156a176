"""tf.contrib.seq2seq.dynamic_decode on TF 2.21: TF 1.15's decoder_test.py and the loop contract.

1. Every test of TF 1.15's ``tensorflow/contrib/seq2seq/python/kernel_tests/decoder_test.py``:
   testDynamicDecodeRNN{BatchMajor,TimeMajor,ZeroMaxIters,OneMaxIter} (static and run-time
   shapes, lengths) and testDynamicDecodeRNNWithTrainingHelperMatchesDynamicRNN{WithSeqLen,
   NoSeqLen} (outputs and state equal to ``tf.nn.dynamic_rnn``'s on the same variables,
   ``assertAllClose``'s rtol = atol = 1e-6).
2. The loop of the ``decoder`` docstring against a pure-Python run of it on a toy decoder:
   finished OR-ed or tracked by the decoder, lengths, ``finalize``, ``impute_finished``.
3. Variables: the names TF 1.15 gives (``dynamic_decode`` opens ``variable_scope("decoder")``),
   a checkpoint written under those names restores, and gradients reach every variable
   (equal to ``dynamic_rnn``'s).
4. TF 1.15's errors: a non-Decoder, a non-scalar ``maximum_iterations``.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import names_and_shapes

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput
from tf1_lstm.contrib.seq2seq.decoder import Decoder, dynamic_decode
from tf1_lstm.contrib.seq2seq.helper import TrainingHelper
from tf1_lstm.contrib.seq2seq.loss import sequence_loss

TF_TOL = dict(rtol=1e-6, atol=1e-6)   # tf.test.TestCase.assertAllClose's defaults
# decoder_test.py's sizes.
SEQUENCE_LENGTH = [3, 4, 3, 1, 0]
B, MAX_TIME, DEPTH, H = 5, 8, 7, 10
MAX_OUT = max(SEQUENCE_LENGTH)


def run(*fetches):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches)


def random_inputs(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def training_decoder(inputs, cell=None, time_major=False, output_layer=None):
    cell = cell or tf.nn.rnn_cell.LSTMCell(H)
    helper = TrainingHelper(inputs, SEQUENCE_LENGTH, time_major=time_major)
    return cell, BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer)


# --- 1. TF 1.15's decoder_test.py -----------------------------------------------------------

@pytest.mark.parametrize("time_major, maximum_iterations", [
    (False, None),   # testDynamicDecodeRNNBatchMajor
    (True, None),    # testDynamicDecodeRNNTimeMajor
    (True, 0),       # testDynamicDecodeRNNZeroMaxIters
    (True, 1),       # testDynamicDecodeRNNOneMaxIter
])
def test_dynamic_decode_is_tf115_testDynamicDecodeRNN(time_major, maximum_iterations):
    reset_graph()
    shape = (MAX_TIME, B, DEPTH) if time_major else (B, MAX_TIME, DEPTH)
    _, decoder = training_decoder(random_inputs(shape), time_major=time_major)
    outputs, state, lengths = dynamic_decode(decoder, output_time_major=time_major,
                                             maximum_iterations=maximum_iterations)

    def transposed(dims):
        return (dims[1], dims[0], *dims[2:]) if time_major else dims

    assert isinstance(outputs, BasicDecoderOutput)
    assert isinstance(state, tf.nn.rnn_cell.LSTMStateTuple)
    assert lengths.shape.as_list() == [B]
    assert tuple(outputs.rnn_output.shape.as_list()) == transposed((B, None, H))
    assert tuple(outputs.sample_id.shape.as_list()) == transposed((B, None))

    got_outputs, got_lengths = run(outputs, lengths)
    steps, expected_lengths = MAX_OUT, SEQUENCE_LENGTH
    if maximum_iterations is not None:
        steps = min(MAX_OUT, maximum_iterations)
        expected_lengths = [min(n, maximum_iterations) for n in SEQUENCE_LENGTH]
    assert got_outputs.rnn_output.shape == transposed((B, steps, H))
    assert got_outputs.sample_id.shape == transposed((B, steps))
    assert sorted(got_lengths) == sorted(expected_lengths)    # assertItemsEqual


@pytest.mark.parametrize("use_sequence_length", [True, False])
def test_training_decode_matches_dynamic_rnn_as_tf115(use_sequence_length):
    """testDynamicDecodeRNNWithTrainingHelperMatchesDynamicRNN{WithSeqLen,NoSeqLen}."""
    reset_graph()
    inputs = random_inputs((B, MAX_TIME, DEPTH))
    cell, decoder = training_decoder(inputs)
    zero_state = cell.zero_state(B, tf.float32)
    with tf.variable_scope("root") as scope:
        decoder_outputs, decoder_state, _ = dynamic_decode(
            decoder, impute_finished=use_sequence_length, scope=scope)
    with tf.variable_scope(scope, reuse=True) as scope:
        rnn_outputs, rnn_state = tf.nn.dynamic_rnn(
            cell, inputs, sequence_length=SEQUENCE_LENGTH if use_sequence_length else None,
            initial_state=zero_state, scope=scope)
    got = run(decoder_outputs, decoder_state, rnn_outputs, rnn_state)
    np.testing.assert_allclose(got[0].rnn_output, got[2][:, :MAX_OUT], **TF_TOL)
    if use_sequence_length:
        np.testing.assert_allclose(np.array(got[1]), np.array(got[3]), **TF_TOL)


# --- 2. the loop contract on a toy decoder --------------------------------------------------

# What the toy decoder's step reports as finished at each time t, per entry (3 entries).
STEP_FINISHED = [[True, False, False], [False, False, False], [False, True, False],
                 [False, False, False], [False, False, True]]


class ToyDecoder(Decoder):
    """Emits t + 1 + 10 * state; the state counts steps; ``finished`` from STEP_FINISHED."""

    def __init__(self, own_finished: bool, with_finalize: bool):
        self._own_finished, self._with_finalize = own_finished, with_finalize

    batch_size = 3
    output_size = 1
    output_dtype = tf.float32

    @property
    def tracks_own_finished(self):
        return self._own_finished

    def initialize(self, name=None):
        return tf.constant([False] * 3), tf.zeros([3, 1]), tf.zeros([3, 1])

    def step(self, time, inputs, state, name=None):
        outputs = tf.cast(time + 1, tf.float32) + 10.0 * state                    # [3, 1]
        finished = tf.gather(tf.constant(STEP_FINISHED), tf.minimum(time, 4))
        return outputs, state + 1.0, inputs, finished

    def finalize(self, outputs, final_state, sequence_lengths):
        if not self._with_finalize:
            raise NotImplementedError
        return outputs + 100.0 * tf.cast(sequence_lengths, tf.float32)[None, :, None], -final_state


def python_loop(own_finished, impute_finished, maximum_iterations):
    """The module docstring's loop in plain Python: outputs [T, 3], state [3], lengths [3]."""
    finished = np.array([maximum_iterations == 0] * 3)
    state, lengths, emitted, t = np.zeros(3), np.zeros(3, int), [], 0
    while not finished.all() and (maximum_iterations is None or t < maximum_iterations):
        outputs, new_state = t + 1 + 10 * state, state + 1
        step_finished = np.array(STEP_FINISHED[min(t, 4)])
        lengths = np.where(finished, lengths, t + 1)
        emitted.append(np.where(finished, 0, outputs) if impute_finished else outputs)
        state = np.where(finished, state, new_state) if impute_finished else new_state
        finished = step_finished if own_finished else step_finished | finished
        t += 1
    return np.array(emitted).reshape(t, 3), state, lengths


@pytest.mark.parametrize("own_finished", [False, True])
@pytest.mark.parametrize("impute_finished", [False, True])
@pytest.mark.parametrize("maximum_iterations", [None, 2, 0])
def test_loop_follows_the_documented_contract(own_finished, impute_finished,
                                              maximum_iterations):
    if own_finished and maximum_iterations is None:
        maximum_iterations = 7   # the toy decoder never finishes every entry by itself
    reset_graph()
    outputs, state, lengths = dynamic_decode(
        ToyDecoder(own_finished, with_finalize=False), output_time_major=True,
        impute_finished=impute_finished, maximum_iterations=maximum_iterations)
    got_outputs, got_state, got_lengths = run(outputs, state, lengths)
    want_outputs, want_state, want_lengths = python_loop(own_finished, impute_finished,
                                                         maximum_iterations)
    np.testing.assert_array_equal(got_outputs[..., 0], want_outputs)
    np.testing.assert_array_equal(got_state[:, 0], want_state)
    np.testing.assert_array_equal(got_lengths, want_lengths)


def test_finalize_rewrites_outputs_and_state_before_the_transpose():
    reset_graph()
    outputs, state, lengths = dynamic_decode(ToyDecoder(False, with_finalize=True))
    got_outputs, got_state, got_lengths = run(outputs, state, lengths)
    want_outputs, want_state, want_lengths = python_loop(False, False, None)
    np.testing.assert_array_equal(got_lengths, want_lengths)
    # Batch major after finalize's time-major rewrite: [3, T, 1].
    np.testing.assert_array_equal(got_outputs[..., 0], (want_outputs + 100 * want_lengths).T)
    np.testing.assert_array_equal(got_state[:, 0], -want_state)


def test_maximum_iterations_can_be_a_run_time_tensor():
    reset_graph()
    limit = tf.placeholder(tf.int32, [])
    _, decoder = training_decoder(random_inputs((B, MAX_TIME, DEPTH)))
    outputs, _, lengths = dynamic_decode(decoder, maximum_iterations=limit, swap_memory=True,
                                         parallel_iterations=1)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        got_outputs, got_lengths = session.run((outputs, lengths), {limit: 2})
    assert got_outputs.rnn_output.shape == (B, 2, H)
    np.testing.assert_array_equal(got_lengths, [min(n, 2) for n in SEQUENCE_LENGTH])


def test_impute_finished_zeros_outputs_past_each_length():
    reset_graph()
    _, decoder = training_decoder(random_inputs((B, MAX_TIME, DEPTH)))
    outputs, _, _ = dynamic_decode(decoder, impute_finished=True)
    got, = run(outputs)
    past_end = np.arange(MAX_OUT)[None, :] >= np.array(SEQUENCE_LENGTH)[:, None]     # [B, T]
    assert np.all(got.rnn_output[past_end] == 0) and np.all(got.sample_id[past_end] == 0)
    assert np.all(np.abs(got.rnn_output[~past_end]).sum(-1) > 0)


# --- 3. variables: names, a checkpoint, gradients -------------------------------------------

V = 6   # output vocabulary


def nmt_decoder(scope=None):
    """A TF1 NMT-style decoder: BasicLSTMCell, TrainingHelper, tf.layers.Dense projection."""
    inputs = random_inputs((B, MAX_TIME, DEPTH))
    cell = tf.nn.rnn_cell.BasicLSTMCell(H)
    _, decoder = training_decoder(inputs, cell=cell, output_layer=tf.layers.Dense(V))
    return dynamic_decode(decoder, impute_finished=True, scope=scope)


# TF 1.15: dynamic_decode opens variable_scope(scope, "decoder"); the cell is first called
# inside it (BasicLSTMCell's own scope "basic_lstm_cell"), then the layer ("dense").
TF115_NAMES = [("decoder/basic_lstm_cell/kernel", [DEPTH + H, 4 * H]),
               ("decoder/basic_lstm_cell/bias", [4 * H]),
               ("decoder/dense/kernel", [H, V]),
               ("decoder/dense/bias", [V])]


def test_variable_names_are_tf115s():
    reset_graph()
    nmt_decoder()
    assert names_and_shapes() == TF115_NAMES


def test_variable_names_follow_a_given_scope():
    reset_graph()
    with tf.variable_scope("seq2seq/decoder") as scope:
        nmt_decoder(scope=scope)
    assert names_and_shapes() == [("seq2seq/" + n, s) for n, s in TF115_NAMES]


def test_checkpoint_written_under_tf115_names_restores(tmp_path):
    """A checkpoint of bare variables under TF 1.15's names (what a TF1 run saved) loads."""
    values = {name: np.random.default_rng(i).normal(scale=0.3, size=shape).astype(np.float32)
              for i, (name, shape) in enumerate(TF115_NAMES)}
    reset_graph()
    for name, value in values.items():
        tf.get_variable(name, initializer=value)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        path = tf.train.Saver().save(session, str(tmp_path / "tf1.ckpt"))
    reset_graph()
    nmt_decoder()
    with tf.Session() as session:
        tf.train.Saver().restore(session, path)
        restored = {v.op.name: session.run(v) for v in tf.global_variables()}
    assert restored.keys() == values.keys()
    for name, value in values.items():
        np.testing.assert_array_equal(restored[name], value)


def test_gradients_reach_every_variable_and_equal_dynamic_rnns():
    reset_graph()
    inputs = random_inputs((B, MAX_TIME, DEPTH))
    embedding = tf.get_variable("input_scale", initializer=np.ones(DEPTH, np.float32))
    cell = tf.nn.rnn_cell.BasicLSTMCell(H)
    layer = tf.layers.Dense(V)
    helper = TrainingHelper(inputs * embedding, SEQUENCE_LENGTH)
    decoder = BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), layer)
    with tf.variable_scope("root") as scope:
        outputs, _, lengths = dynamic_decode(decoder, impute_finished=True, scope=scope)
    with tf.variable_scope(scope, reuse=True):
        rnn_outputs, _ = tf.nn.dynamic_rnn(cell, inputs * embedding,
                                           sequence_length=SEQUENCE_LENGTH, dtype=tf.float32)
    targets = np.random.default_rng(1).integers(0, V, size=(B, MAX_OUT)).astype(np.int32)
    mask = tf.sequence_mask(lengths, MAX_OUT, dtype=tf.float32)
    decode_loss = sequence_loss(outputs.rnn_output, targets, mask)
    rnn_loss = sequence_loss(layer(rnn_outputs[:, :MAX_OUT]), targets, mask)
    variables = tf.trainable_variables()
    assert [v.op.name for v in variables] == [
        "input_scale", "root/basic_lstm_cell/kernel", "root/basic_lstm_cell/bias",
        "root/dense/kernel", "root/dense/bias"]
    decode_grads = tf.gradients(decode_loss, variables)
    rnn_grads = tf.gradients(rnn_loss, variables)
    assert all(g is not None for g in decode_grads)
    got_decode, got_rnn = run(decode_grads, rnn_grads)
    for variable, g_decode, g_rnn in zip(variables, got_decode, got_rnn, strict=True):
        assert np.abs(g_decode).max() > 0, variable.op.name
        np.testing.assert_allclose(g_decode, g_rnn, rtol=1e-5, atol=1e-7,
                                   err_msg=variable.op.name)


# --- 4. errors ------------------------------------------------------------------------------

def test_a_non_decoder_raises_tf115_type_error():
    reset_graph()
    cell = tf.nn.rnn_cell.LSTMCell(H)
    with pytest.raises(TypeError, match="Expected decoder to be type Decoder, but saw: "):
        dynamic_decode(cell)


def test_a_non_scalar_maximum_iterations_raises_tf115_value_error():
    reset_graph()
    with pytest.raises(ValueError, match="^maximum_iterations must be a scalar$"):
        dynamic_decode(ToyDecoder(False, False), maximum_iterations=[3, 4])


def test_decoder_interface_is_abstract_with_tf115_defaults():
    with pytest.raises(TypeError):
        Decoder()

    class Minimal(Decoder):
        def initialize(self, name=None):
            raise AssertionError

        def step(self, time, inputs, state, name=None):
            raise AssertionError

    minimal = Minimal()
    assert minimal.tracks_own_finished is False
    for name in ("batch_size", "output_size", "output_dtype"):
        with pytest.raises(NotImplementedError):
            getattr(minimal, name)
    with pytest.raises(NotImplementedError):
        minimal.finalize(None, None, None)
