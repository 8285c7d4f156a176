"""tf.contrib.rnn's fused RNNs on TF 2.21: FusedRNNCellAdaptor, TimeReversedFusedRNN and
LSTMBlockWrapper. TF 1.15's fused_rnn_cell_test.py (its comparisons and tolerances), and
NumPy or dynamic_rnn for sequence_length, which TF's tests never gave.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import (
    B,
    H,
    I,
    T,
    assert_all_close,
    copy_weights,
    initialize_randomly,
    inputs_batch_major,
    names_and_shapes,
    variables,
)

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib.rnn.fused_rnn import (
    FusedRNNCell,
    FusedRNNCellAdaptor,
    LSTMBlockWrapper,
    TimeReversedFusedRNN,
)

# --- TF 1.15's fused_rnn_cell_test.py -----------------------------------------------------------
# BasicRNNCell(10), batch 5, input 20, 15 steps, float64; uniform(-0.01, 0.01) with a fixed
# seed, so the reference and the fused RNN get the same weights. Values and input gradients
# at TF's default tolerance (1e-6), weight gradients at 1e-2, as in TF.

def _tf_test_run(session, scope: str, outputs, state, inputs) -> dict:
    trainable = [v for v in tf.trainable_variables() if v.name.startswith(f"{scope}/")]
    session.run(tf.global_variables_initializer())
    return {"values": session.run([outputs, state]),
            "input_grads": session.run(tf.gradients(outputs, inputs)),
            "weight_grads": session.run(tf.gradients(outputs, trainable))}


def _assert_tf_test_close(actual: dict, expected: dict) -> None:
    for key in ("values", "input_grads"):
        for a, e in zip(tf.nest.flatten(actual[key]), tf.nest.flatten(expected[key]),
                        strict=True):
            np.testing.assert_allclose(a, e, rtol=1e-6, atol=1e-6)
    for a, e in zip(actual["weight_grads"], expected["weight_grads"], strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-2, atol=1e-2)


def _tf_test_inputs():
    return tf.constant(np.random.default_rng(0).normal(size=(15, 5, 20)))   # [T, B, I]


@pytest.mark.parametrize("use_dynamic_rnn", [False, True], ids=["static", "dynamic"])
def test_fused_adaptor_equals_static_rnn_as_in_tf115(use_dynamic_rnn):
    """testBasicRNNFusedWrapper."""
    reset_graph()
    initializer = tf.random_uniform_initializer(-0.01, 0.01, seed=19890212)
    inputs = _tf_test_inputs()
    with tf.Session() as session:
        with tf.variable_scope("basic", initializer=initializer):
            outputs, state = rnn.static_rnn(rnn.BasicRNNCell(10), tf.unstack(inputs),
                                            dtype=tf.float64)
            expected = _tf_test_run(session, "basic", tf.stack(outputs), state, inputs)
        with tf.variable_scope("fused", initializer=initializer):
            fused = FusedRNNCellAdaptor(rnn.BasicRNNCell(10), use_dynamic_rnn=use_dynamic_rnn)
            outputs, state = fused(inputs, dtype=tf.float64)
            actual = _tf_test_run(session, "fused", outputs, state, inputs)
    _assert_tf_test_close(actual, expected)
    assert names_and_shapes("fused") == [("fused/rnn/basic_rnn_cell/kernel", [30, 10]),
                                         ("fused/rnn/basic_rnn_cell/bias", [10])]


def test_time_reversed_fused_rnn_is_the_backward_half_of_a_bidirectional_rnn_as_in_tf115():
    """testTimeReversedFusedRNN: [fw, TimeReversed(bw)] == static_bidirectional_rnn."""
    reset_graph()
    initializer = tf.random_uniform_initializer(-0.01, 0.01, seed=19890213)
    inputs = _tf_test_inputs()
    with tf.Session() as session:
        with tf.variable_scope("basic", initializer=initializer):
            outputs, fw_state, bw_state = rnn.static_bidirectional_rnn(
                rnn.BasicRNNCell(10), rnn.BasicRNNCell(10), tf.unstack(inputs),
                dtype=tf.float64)
            expected = _tf_test_run(session, "basic", tf.stack(outputs), (fw_state, bw_state),
                                    inputs)
        with tf.variable_scope("fused", initializer=initializer):
            fw = FusedRNNCellAdaptor(rnn.BasicRNNCell(10))
            bw = TimeReversedFusedRNN(FusedRNNCellAdaptor(rnn.BasicRNNCell(10)))
            fw_outputs, fw_state = fw(inputs, dtype=tf.float64, scope="fw")
            bw_outputs, bw_state = bw(inputs, dtype=tf.float64, scope="bw")
            actual = _tf_test_run(session, "fused", tf.concat([fw_outputs, bw_outputs], 2),
                                  (fw_state, bw_state), inputs)
    _assert_tf_test_close(actual, expected)
    assert [name for name, _ in names_and_shapes("fused")] == [
        "fused/fw/basic_rnn_cell/kernel", "fused/fw/basic_rnn_cell/bias",
        "fused/bw/basic_rnn_cell/kernel", "fused/bw/basic_rnn_cell/bias"]


# --- sequence_length: each row reversed within its own length (NumPy) --------------------------

LENGTHS = np.array([T, 2, 0])


def numpy_backward_rnn(kernel, bias, x_time_major: np.ndarray, lengths) -> tuple:
    """float64 BasicRNNCell read backwards over each row's first lengths[b] steps."""
    outputs = np.zeros(x_time_major.shape[:2] + (bias.shape[0],))
    states = np.zeros((x_time_major.shape[1], bias.shape[0]))
    for b, length in enumerate(lengths):
        h = np.zeros(bias.shape[0])
        for t in reversed(range(length)):
            h = np.tanh(np.concatenate([x_time_major[t, b], h]) @ kernel + bias)
            outputs[t, b] = h                    # the output for input step t, in place
        states[b] = h
    return outputs, states


@pytest.mark.parametrize("use_dynamic_rnn", [False, True], ids=["static", "dynamic"])
def test_time_reversed_fused_rnn_reverses_each_row_within_its_length(use_dynamic_rnn):
    reset_graph()
    x = inputs_batch_major().transpose(1, 0, 2)                            # [T, B, I]
    fused = TimeReversedFusedRNN(FusedRNNCellAdaptor(rnn.BasicRNNCell(H), use_dynamic_rnn))
    outputs, state = fused(tf.constant(x), dtype=tf.float32, sequence_length=LENGTHS)
    with tf.Session() as session:
        initialize_randomly(session, variables("rnn"))
        kernel, bias = (session.run(v).astype(np.float64) for v in variables("rnn"))
        actual = session.run((outputs, state))
    expected = numpy_backward_rnn(kernel, bias, x.astype(np.float64), LENGTHS)
    for got, want in zip(actual, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)


def test_time_reversed_lstm_block_fused_cell_equals_the_reversed_dynamic_rnn():
    """The scope argument reaches a Layer-based fused cell (a layer called with a scope puts
    its variables right in it, as in TF1: block/bw/kernel), and both readings agree."""
    reset_graph()
    x = tf.constant(inputs_batch_major().transpose(1, 0, 2))              # [T, B, I]
    with tf.variable_scope("block"):
        actual = TimeReversedFusedRNN(rnn.LSTMBlockFusedCell(H))(
            x, dtype=tf.float32, sequence_length=LENGTHS, scope="bw")
    with tf.variable_scope("reference"):
        expected = TimeReversedFusedRNN(FusedRNNCellAdaptor(rnn.BasicLSTMCell(H), True))(
            x, dtype=tf.float32, sequence_length=LENGTHS)
    with tf.Session() as session:
        initialize_randomly(session, variables("reference"))
        copy_weights(session, "block/bw/", "reference/rnn/basic_lstm_cell/")
        assert_all_close(*session.run((actual, expected)))


# --- lists, and what cannot be instantiated -----------------------------------------------------

@pytest.mark.parametrize("use_dynamic_rnn", [False, True], ids=["static", "dynamic"])
def test_lists_come_back_as_lists_with_the_tensors_values(use_dynamic_rnn):
    reset_graph()
    x = tf.constant(inputs_batch_major().transpose(1, 0, 2))              # [T, B, I]
    fused = TimeReversedFusedRNN(FusedRNNCellAdaptor(rnn.BasicRNNCell(H), use_dynamic_rnn))
    from_list, list_state = fused(tf.unstack(x), dtype=tf.float32)
    from_tensor, tensor_state = fused(x, dtype=tf.float32)
    assert isinstance(from_list, list) and len(from_list) == T
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        assert_all_close(*session.run(((from_list, list_state), (tf.unstack(from_tensor),
                                                                  tensor_state))))


def test_a_reversed_list_is_flipped_whole_even_given_sequence_length():
    """TF1's list branch ignores sequence_length: a short row's padding is read first."""
    reset_graph()
    x = tf.constant(inputs_batch_major().transpose(1, 0, 2))              # [T, B, I]
    adaptor = FusedRNNCellAdaptor(rnn.BasicRNNCell(H))
    from_list, _ = TimeReversedFusedRNN(adaptor)(tf.unstack(x), dtype=tf.float32,
                                                 sequence_length=LENGTHS)
    from_tensor, _ = TimeReversedFusedRNN(adaptor)(x, dtype=tf.float32,
                                                   sequence_length=LENGTHS)
    flipped, _ = adaptor(tf.unstack(x)[::-1], dtype=tf.float32, sequence_length=LENGTHS)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        from_list, from_tensor, flipped = session.run((tf.stack(from_list), from_tensor,
                                                       tf.stack(flipped[::-1])))
    assert_all_close(from_list, flipped)
    assert_all_close(from_list[:, 0], from_tensor[:, 0])                 # full row: the same
    assert not np.allclose(from_list[:2, 1], from_tensor[:2, 1], atol=1e-3)   # short row


def test_the_abstract_fused_classes_cannot_be_instantiated():
    with pytest.raises(TypeError, match="abstract"):
        FusedRNNCell()
    with pytest.raises(TypeError, match="abstract"):
        LSTMBlockWrapper()


# --- LSTMBlockWrapper: masking and final state, checked against dynamic_rnn --------------------

class StepByStepLSTM(LSTMBlockWrapper):
    """An LSTMBlockWrapper whose _call_cell runs BasicLSTMCell step by step (all T steps)."""

    def __init__(self, num_units: int) -> None:
        super().__init__(name="step_by_step_lstm")
        self._cell = rnn.BasicLSTMCell(num_units)

    @property
    def num_units(self) -> int:
        return self._cell.output_size

    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        state, cs, hs = rnn.LSTMStateTuple(initial_cell_state, initial_output), [], []
        for x in tf.unstack(inputs):
            _, state = self._cell(x, state)
            cs.append(state.c)
            hs.append(state.h)
        return tf.stack(cs), tf.stack(hs)                                 # [T, B, H] each


@pytest.mark.parametrize("lengths_dtype", [np.int32, np.int64])
def test_lstm_block_wrapper_masks_and_picks_the_final_state_as_dynamic_rnn(lengths_dtype):
    reset_graph()
    x = inputs_batch_major()
    lengths = LENGTHS.astype(lengths_dtype)
    initial = rnn.LSTMStateTuple(*(tf.constant(np.random.default_rng(k).normal(
        size=(B, H)).astype(np.float32)) for k in (1, 2)))
    outputs, state = StepByStepLSTM(H)(tf.constant(x.transpose(1, 0, 2)), initial_state=initial,
                                       sequence_length=lengths)
    actual = (tf.transpose(outputs, [1, 0, 2]), state)
    with tf.variable_scope("reference"):
        expected = tf.nn.dynamic_rnn(rnn.BasicLSTMCell(H), tf.constant(x), initial_state=initial,
                                     sequence_length=lengths)
    assert isinstance(state, rnn.LSTMStateTuple)
    with tf.Session() as session:
        initialize_randomly(session, variables("reference"))
        copy_weights(session, "step_by_step_lstm/", "reference/rnn/")
        assert_all_close(*session.run((actual, expected)))


def test_lstm_block_wrapper_takes_lists_and_defaults_to_zero_state():
    reset_graph()
    steps = tf.unstack(tf.constant(inputs_batch_major()), T, 1)            # T x [B, I]
    outputs, state = StepByStepLSTM(H)(steps, dtype=tf.float32)
    assert isinstance(outputs, list) and len(outputs) == T
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        last, state = session.run((outputs[-1], state))
    assert_all_close(state.h, last)                      # no lengths: the last step's state


def test_lstm_block_wrapper_rejects_what_tf115_rejected():
    reset_graph()
    x = tf.zeros([T, B, I])
    with pytest.raises(ValueError, match="Either initial_state or dtype needs to be specified"):
        StepByStepLSTM(H)(x)
    with pytest.raises(ValueError, match="Expecting initial_state to be a tuple with length 2"):
        StepByStepLSTM(H)(x, initial_state=(tf.zeros([B, H]),) * 3)
    with pytest.raises(ValueError, match=r"Expecting inputs_shape\[2\] to be set"):
        StepByStepLSTM(H)(tf.placeholder(tf.float32, [T, B, None]), dtype=tf.float32)
