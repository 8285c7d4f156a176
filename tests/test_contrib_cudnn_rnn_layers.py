"""The cuDNN layers' own behaviour on a CPU: TF 1.15's basic tests, options, dropout, errors.

Ported from TF 1.15's GPU-only ``cudnn_rnn_test.py`` (``CudnnRNNTestBasic``,
``CudnnRNNTestTraining``'s float64 gradient checks, ``CudnnRNNTestSaveRestore``'s
repeated-saveable check) and ``cudnn_rnn_ops_test.py`` (``test_inference_with_dropout``);
the reference is ``cudnn_rnn_support``'s NumPy cuDNN or the compatible cells.
"""

from __future__ import annotations

import numpy as np
import pytest
from cudnn_rnn_support import (
    DIRECTIONS,
    LAYERS,
    compatible_rnn,
    numpy_cudnn,
    random_case,
    run_layer,
    save_random_layer,
)

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import cudnn_rnn as cr
from tf1_lstm.errors import Tf1LstmError

# --- TF 1.15's CudnnRNNTestBasic -------------------------------------------------------------

def test_layer_with_zero_initializers_sums_to_zero_and_reuses_its_one_variable():
    """TF 1.15 ``testLayerBasic``: 4 layers of 2 units, total sums exactly 0."""
    reset_graph()
    zero = tf.constant_initializer(0.0)
    inputs = tf.random_uniform([4, 8, 2])
    with tf.variable_scope("main"):
        lstm = cr.CudnnLSTM(4, 2, kernel_initializer=zero, bias_initializer=zero,
                            name="awesome_lstm")
        sums = [tf.reduce_sum(lstm(inputs)[0]), tf.reduce_sum(lstm(inputs)[0])]
    with tf.variable_scope("main", reuse=True):
        again = cr.CudnnLSTM(4, 2, kernel_initializer=zero, bias_initializer=zero,
                             name="awesome_lstm")
        sums.append(tf.reduce_sum(again(inputs)[0]))
    assert [v.op.name for v in tf.trainable_variables()] == ["main/awesome_lstm/opaque_kernel"]
    assert len(tf.get_collection(tf.GraphKeys.SAVEABLE_OBJECTS)) == 1
    assert again.kernel is lstm.kernel
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        assert session.run(sums) == [0, 0, 0]


@pytest.mark.parametrize("optimizer", [
    lambda: tf.train.AdagradOptimizer(1e-2), lambda: tf.train.AdamOptimizer(1e-2),
    lambda: tf.train.RMSPropOptimizer(1e-2), lambda: tf.train.MomentumOptimizer(1e-2, 0.9),
    lambda: tf.train.GradientDescentOptimizer(1e-2)],
    ids=["adagrad", "adam", "rmsprop", "momentum", "sgd"])
def test_tf1_optimizers_train_the_shapeless_opaque_kernel(optimizer):
    """TF 1.15 ``testOptimizersSupport``: slots for a variable without a static shape."""
    reset_graph()
    zero = tf.constant_initializer(0.0)
    lstm = cr.CudnnLSTM(4, 2, kernel_initializer=zero, bias_initializer=zero)
    outputs, _ = lstm(tf.random_uniform([4, 8, 2]))
    train = optimizer().minimize(tf.reduce_sum(outputs))
    assert lstm.kernel.shape.rank is None
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(train)
        assert np.any(session.run(lstm.kernel))


def test_output_and_state_shapes_are_tf115s():
    """TF 1.15 ``testDifferentShapesEager`` ([28, 100, 100] from inputs 28 and 100 wide)."""
    reset_graph()
    assert cr.CudnnGRU(1, 100)(tf.zeros([28, 100, 28]))[0].shape.as_list() == [28, 100, 100]
    assert cr.CudnnGRU(1, 100)(tf.zeros([28, 100, 100]))[0].shape.as_list() == [28, 100, 100]
    lstm = cr.CudnnLSTM(3, 5, direction="bidirectional")
    outputs, (h, c) = lstm(tf.zeros([7, 2, 4]))
    assert outputs.shape.as_list() == [7, 2, 10]
    assert h.shape.as_list() == c.shape.as_list() == [6, 2, 5] == lstm.state_shape(2)[0]
    assert lstm.canonical_weight_shapes[:5] == [(5, 4)] * 4 + [(5, 5)]   # per gate: [H, in]
    assert len(lstm.canonical_bias_shapes) == 3 * 2 * 8


def test_creating_the_saveable_twice_raises():
    """TF 1.15 ``testSaveRestoreRepeatedlyCreateCustomSaveable``."""
    reset_graph()
    lstm = cr.CudnnLSTM(2, 7)
    lstm.build([None, None, 3])
    with pytest.raises(RuntimeError, match="Cudnn saveable already created"):
        lstm._create_saveable()


# --- initial values ---------------------------------------------------------------------------

def test_seeded_glorot_gives_every_same_shaped_gate_matrix_the_same_values_as_tf115():
    # TF 1.15 called one seeded initializer per gate matrix: same op seed, same numbers.
    reset_graph()
    lstm = cr.CudnnLSTM(1, 3, seed=7)
    lstm.build([None, None, 5])
    weights, _ = lstm.saveable.format_converter.opaque_to_cu_canonical(lstm.kernel)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        w = session.run(weights)
    for group in (w[:4], w[4:]):                      # 4 x [3, 5] input, 4 x [3, 3] recurrent
        assert all(np.array_equal(group[0], m) for m in group) and np.any(group[0])


def test_bias_initializer_fills_both_cudnn_biases_so_the_canonical_bias_is_twice_it():
    reset_graph()
    lstm = cr.CudnnLSTM(2, 3, bias_initializer=tf.constant_initializer(0.25))
    lstm.build([None, None, 5])
    _, biases = lstm.saveable.format_converter.opaque_to_tf_canonical(lstm.kernel)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for bias in session.run(biases):
            np.testing.assert_array_equal(bias, np.full(12, 0.5, np.float32))


# --- gradients (TF 1.15 CudnnRNNTestTraining, float64: delta 1e-4, tolerance 5e-6) -------------

def numeric_gradient(session, y, x, value, delta=1e-4, step=1):
    """TF 1.15's ``_ComputeNumericGrad``: central differences at every step-th entry of x."""
    grad = np.zeros_like(value)
    for i in range(0, value.size, step):
        plus, minus = value.copy(), value.copy()
        plus.flat[i] += delta
        minus.flat[i] -= delta
        grad.flat[i] = (session.run(y, {x: plus}) - session.run(y, {x: minus})) / (2 * delta)
    return grad


@pytest.mark.parametrize("mode, dirs", [("lstm", 1), ("gru", 1), ("rnn_tanh", 1),
                                        ("rnn_relu", 1), ("lstm", 2)])
def test_float64_gradients_match_numeric_differences(mode, dirs):
    """TF 1.15 ``testSimpleTraining{LSTM,GRU,RNNTanh,RNNRelu}Fp64`` (2 layers, 3 units,
    input 4, batch 3, 4 steps, biases ~ N(1, 1), dropout 0); every 3rd buffer entry."""
    reset_graph()
    rng = np.random.default_rng(1234)
    layer = LAYERS[mode](2, 3, direction=DIRECTIONS[dirs], dtype=tf.float64,
                         bias_initializer=tf.random_normal_initializer(mean=1.0, seed=5678,
                                                                       dtype=tf.float64))
    values = [rng.random((4, 3, 4))] + [rng.random((2 * dirs, 3, 3))
                                       for _ in range(2 if mode == "lstm" else 1)]
    x, *state = (tf.placeholder_with_default(v, v.shape) for v in values)
    outputs, states = layer(x, initial_state=tuple(state))
    total = tf.reduce_sum(outputs) + sum(tf.reduce_sum(s) for s in states)
    inputs = [x, layer.kernel, *state]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        values.insert(1, session.run(layer.kernel))
        symbolic = session.run(tf.gradients(total, inputs))
        for tensor, value, sym in zip(inputs, values, symbolic, strict=True):
            step = 3 if tensor is layer.kernel else 1
            num = numeric_gradient(session, total, tensor, value, step=step)
            checked = np.arange(value.size) % step == 0
            np.testing.assert_allclose(sym.flat[checked], num.flat[checked], rtol=5e-6, atol=5e-6)


# --- dropout, sequence lengths, batch-major ---------------------------------------------------

def test_dropout_only_acts_in_training_and_only_between_layers():
    """TF 1.15 ``test_inference_with_dropout``: dropout 1 changes nothing at inference."""
    _, opaque, x, h0, c0 = random_case("lstm", 2, 1, seed=6)
    expected = numpy_cudnn("lstm", opaque, x, h0, c0, 2, 1)
    reset_graph()
    layer = cr.CudnnLSTM(2, 6, dropout=1.0, dtype=tf.float64)
    runs = [layer(tf.constant(scale * x), initial_state=(tf.constant(h0), tf.constant(c0)),
                  training=training) for scale, training in ((1, False), (1, True), (2, True))]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(tf.assign(layer.kernel, opaque, validate_shape=False))
        inference, training, training_2x = session.run(runs)
    np.testing.assert_allclose(inference[0], expected[0], atol=1e-10)
    # Training with rate 1: layer 1 reads zeros, whatever x was; layer 0's state still sees x.
    np.testing.assert_array_equal(training[0], training_2x[0])
    assert not np.allclose(training[0], expected[0], atol=1e-3)
    np.testing.assert_allclose(training[1][0][0], expected[1][0], atol=1e-10)
    one_layer = random_case("gru", 1, 1, seed=7)[1:]
    outputs, _ = run_layer("gru", *one_layer, 1, 1, layer_kwargs=dict(dropout=0.5),
                           training=True)              # one layer: nothing between layers
    np.testing.assert_allclose(outputs, numpy_cudnn("gru", *one_layer, 1, 1)[0], atol=1e-10)


@pytest.mark.parametrize("dirs", [1, 2])
def test_sequence_lengths_give_dynamic_rnns_zeros_and_last_valid_states(tmp_path, dirs):
    path, lengths = str(tmp_path / "layer"), np.array([5, 3, 1], np.int32)
    x = np.random.default_rng(8).normal(size=(5, 3, 4)).astype(np.float32)
    save_random_layer("lstm", 2, dirs, 6, 4, path)
    runs = {}
    for name in ("layer", "cells"):
        reset_graph()
        if name == "layer":
            layer = cr.CudnnLSTM(2, 6, direction=DIRECTIONS[dirs])
            layer.build([None, None, 4])
            run = layer(tf.constant(x), sequence_lengths=tf.constant(lengths))
        else:
            run = compatible_rnn("lstm", 2, dirs, 6, tf.constant(x), sequence_length=lengths)
        with tf.Session() as session:
            tf.train.Saver().restore(session, path)
            runs[name] = session.run(run)
    for got, expected in zip(tf.nest.flatten(runs["layer"]), tf.nest.flatten(runs["cells"]),
                             strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-6)
    assert not runs["layer"][0][3:, 1].any() and not runs["layer"][0][1:, 2].any()


def test_batch_major_inputs_outputs_and_states_are_the_time_major_ones_transposed():
    _, opaque, x, h0, c0 = random_case("lstm", 2, 2, seed=9)
    time_major = run_layer("lstm", opaque, x, h0, c0, 2, 2)
    swap = (1, 0, 2)
    batch_major = run_layer("lstm", opaque, x.transpose(swap), h0.transpose(swap),
                            c0.transpose(swap), 2, 2, time_major=False)
    for got, expected in zip(tf.nest.flatten(batch_major), tf.nest.flatten(time_major),
                             strict=True):
        np.testing.assert_allclose(got, expected.transpose(swap), atol=1e-12)


# --- what the CPU path refuses, and how -------------------------------------------------------

@pytest.mark.parametrize("input_mode, input_size", [("skip_input", 6), ("auto_select", 6)])
def test_skip_input_is_refused_with_the_linear_mode_as_the_fix(input_mode, input_size):
    reset_graph()
    layer = cr.CudnnLSTM(1, 6, input_mode=input_mode)
    with pytest.raises(cr.CudnnUnsupportedOnCPU, match="only the GPU kernel.*'linear_input'"):
        layer(tf.zeros([5, 3, input_size]))


def test_auto_select_with_different_sizes_is_linear_input_and_runs():
    reset_graph()
    outputs, _ = cr.CudnnGRU(1, 6, input_mode="auto_select")(tf.zeros([5, 3, 4]))
    assert outputs.shape.as_list() == [5, 3, 6]


@pytest.mark.parametrize("make, error, message", [
    (lambda: cr.CudnnLSTM(1, 6, direction="forward"), ValueError, "Invalid direction: 'forward'"),
    (lambda: cr.CudnnLSTM(1, 6, input_mode="linear"), ValueError, "Invalid input_mode"),
    (lambda: cr.CudnnLSTM(1, 6, 4), ValueError, r"TF 1.0-1.2's CudnnLSTM\(num_layers, num_units, "
     r"input_size\)"),
    (lambda: cr.CudnnGRU(1, 6, dtype=tf.int32), ValueError, "Only support float16, float32"),
    (lambda: cr.CudnnParamsFormatConverterLSTM(1, 6, 4, num_proj=3), cr.CudnnUnsupportedOnCPU,
     r"LSTMCell\(num_units, num_proj=..., forget_bias=0.0\)"),
])
def test_invalid_or_gpu_only_options_raise_a_clear_error(make, error, message):
    reset_graph()
    with pytest.raises(error, match=message) as raised:
        make()
    assert isinstance(raised.value, Tf1LstmError)


def test_initial_state_must_be_a_tuple_and_input_size_needs_a_build():
    reset_graph()
    layer = cr.CudnnLSTM(1, 6)
    with pytest.raises(ValueError, match="'input_size' is unknown"):
        layer.input_size  # noqa: B018
    with pytest.raises(TypeError, match="expecting tuple"):
        layer(tf.zeros([5, 3, 4]), initial_state=[tf.zeros([1, 3, 6])] * 2)
