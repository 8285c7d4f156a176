"""The documents' builders take the cell, the unroller and the training op as parameters;
their defaults are the documents' own choices."""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.claims.long_dependency import adam_clipped
from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.models import unrollers
from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist
from tf1_lstm.models.static_rnn_mnist import build_static_rnn_mnist
from tf1_lstm.models.transpose_split_mnist import build_transpose_split_mnist

IMAGES = np.random.default_rng(0).uniform(size=(4, 28, 28)).astype(np.float32)


def variable_names() -> set[str]:
    return {v.op.name for v in tf.global_variables()}


def predictions(build, weights: dict | None = None) -> tuple[dict, np.ndarray]:
    """Build in a new graph, load ``weights`` by name if given, predict IMAGES."""
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        model = build()
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for variable in tf.trainable_variables() if weights is not None else ():
                variable.load(weights[variable.op.name], session)
            values = {v.op.name: session.run(v) for v in tf.trainable_variables()}
            return values, session.run(model.prediction, {model.x: IMAGES})


def test_document_002_over_any_unroller_predicts_what_static_rnn_predicts():
    weights, expected = predictions(build_static_rnn_mnist)
    for unroll in (unrollers.dynamic_rnn, unrollers.hand_whole_sequence):
        cell = HandLSTMCell if unroll is unrollers.hand_whole_sequence else "lstm"
        _, predicted = predictions(lambda u=unroll, c=cell: build_static_rnn_mnist(cell=c,
                                                                                  unroll=u),
                                   weights)
        np.testing.assert_allclose(predicted, expected, atol=1e-5)


def test_document_002_over_dynamic_rnn_reads_the_final_h_as_the_last_output():
    reset_graph()
    model = build_static_rnn_mnist(unroll=unrollers.dynamic_rnn)
    assert isinstance(model.outputs, tf.Tensor)  # [B, T, H]: no list to take [-1] of
    assert model.prediction.op.inputs[0].op.inputs[0] is model.states.h


def test_document_001_takes_a_cell_class_and_keeps_multi_rnn_cell_names():
    reset_graph()
    model = build_stacked_lstm_mnist(n_neurons=8, n_layers=2, cell=rnn.LSTMBlockCell)
    assert {v.op.name for v in tf.trainable_variables()} == {
        "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
        "rnn/multi_rnn_cell/cell_1/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_1/lstm_cell/bias",
        "softmax/kernel", "softmax/bias"}
    assert model.top_layer_h is model.states[-1][1]


def test_an_unknown_cell_kind_is_refused_before_any_variable_exists():
    reset_graph()
    with pytest.raises(ValueError, match="cell must be one of"):
        build_stacked_lstm_mnist(cell="lstn")
    assert variable_names() == set()


def test_the_default_training_steps_are_the_documents():
    for build, step in ((build_static_rnn_mnist, "Adam"), (build_stacked_lstm_mnist, "Adam"),
                        (build_transpose_split_mnist, "RMSProp")):
        reset_graph()
        assert build().opt.name == step


def test_an_optimizer_is_a_training_op():
    reset_graph()
    model = build_static_rnn_mnist(train_op=tf.train.GradientDescentOptimizer(0.1))
    assert model.opt.name == "GradientDescent"
    assert variable_names() == {"out_weights", "out_bias", "rnn/basic_lstm_cell/kernel",
                                "rnn/basic_lstm_cell/bias"}  # no Adam slots


def test_long_dependencys_clipped_adam_is_the_only_optimizer_in_its_graph():
    reset_graph()
    model = build_stacked_lstm_mnist(n_steps=5, n_inputs=2, n_neurons=4, n_outputs=2,
                                     n_layers=1, cell="rnn", train_op=adam_clipped)
    trainable = {v.op.name for v in tf.trainable_variables()}
    slots = {f"{name}/Adam" for name in trainable} | {f"{name}/Adam_1" for name in trainable}
    assert variable_names() == trainable | slots | {"beta1_power", "beta2_power"}
    clipped = [op for op in tf.get_default_graph().get_operations()
               if op.type == "ApplyAdam"]
    assert len(clipped) == len(trainable)
    assert model.opt.name == "Adam"
    assert any(op.name.startswith("clip_by_global_norm")
               for op in tf.get_default_graph().get_operations())
