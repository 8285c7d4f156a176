"""Finding the RNN in a checkpoint by variable name and shape, and the errors when it is not there.

The variable names are the ones the documents' programs really produce (checked against a
saved checkpoint at the end), with their Adam / RMSProp slots, which must be skipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tf1_lstm.port.checkpoint import open_checkpoint, resolve_checkpoint
from tf1_lstm.port.errors import (
    AmbiguousGraph,
    CheckpointNotFound,
    CheckpointUnreadable,
    MalformedCell,
    NoRnnVariablesFound,
)
from tf1_lstm.port.tf1_rnn import find_rnn


def with_slots(shapes: dict, optimizer: str = "Adam") -> dict:
    """What Saver writes after training: each variable plus its optimizer slots."""
    out = dict(shapes)
    for name, shape in shapes.items():
        out[f"{name}/{optimizer}"] = out[f"{name}/{optimizer}_1"] = shape
    return out | {"beta1_power": (), "beta2_power": ()}


def find(shapes: dict, **options):
    return find_rnn(shapes, lambda name: np.zeros(shapes[name], np.float32), **options)


def basic_lstm(scope: str, inputs: int, units: int) -> dict:
    return {f"{scope}/basic_lstm_cell/kernel": (inputs + units, 4 * units),
            f"{scope}/basic_lstm_cell/bias": (4 * units,)}


DOC_000 = with_slots({"Variable": (28, 10), "Variable_1": (10,), **basic_lstm("rnn", 28, 28)},
                     "RMSProp")
DOC_002 = with_slots({"out_weights": (128, 10), "out_bias": (10,), **basic_lstm("rnn", 28, 128)})
DOC_001 = with_slots({**basic_lstm("rnn/multi_rnn_cell/cell_0", 28, 150),
                      **basic_lstm("rnn/multi_rnn_cell/cell_1", 150, 150),
                      **basic_lstm("rnn/multi_rnn_cell/cell_2", 150, 150),
                      "softmax/kernel": (150, 10), "softmax/bias": (10,)})


def test_document_000_unnamed_w_and_b_are_the_dense_head():
    model = find(DOC_000)
    assert [(layer.kind, layer.input_size, layer.units) for layer in model.layers] == [
        ("lstm", 28, 28)]
    assert (model.dense.kernel_name, model.dense.bias_name) == ("Variable", "Variable_1")


def test_document_002_out_weights_and_out_bias():
    model = find(DOC_002)
    assert model.stack == "rnn/basic_lstm_cell" and model.layers[0].cell_class == "BasicLSTMCell"
    assert (model.dense.kernel_name, model.dense.bias_name) == ("out_weights", "out_bias")


def test_document_001_three_layers_in_order_and_the_softmax_dense():
    model = find(DOC_001)
    assert model.stack == "rnn/multi_rnn_cell"
    assert [layer.scope.split("/")[2] for layer in model.layers] == ["cell_0", "cell_1", "cell_2"]
    assert [layer.input_size for layer in model.layers] == [28, 150, 150]
    assert model.dense.kernel_name == "softmax/kernel" and model.dense.classes == 10


def test_layers_sort_by_number_not_text():
    shapes = {}
    for k in range(12):  # cell_10 comes after cell_9
        shapes |= basic_lstm(f"rnn/multi_rnn_cell/cell_{k}", 3 if k == 0 else 4, 4)
    assert [layer.scope.split("/")[2] for layer in find(shapes).layers] == [
        f"cell_{k}" for k in range(12)]


def test_peephole_gru_and_basic_rnn_cells_are_recognised():
    shapes = {"rnn/multi_rnn_cell/cell_0/lstm_cell/kernel": (8, 20),
              "rnn/multi_rnn_cell/cell_0/lstm_cell/bias": (20,),
              **{f"rnn/multi_rnn_cell/cell_0/lstm_cell/w_{g}_diag": (5,) for g in "ifo"},
              "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel": (10, 10),
              "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias": (10,),
              "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel": (10, 5),
              "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias": (5,),
              "rnn/multi_rnn_cell/cell_2/basic_rnn_cell/kernel": (10, 5),
              "rnn/multi_rnn_cell/cell_2/basic_rnn_cell/bias": (5,)}
    model = find(with_slots(shapes))
    assert [layer.kind for layer in model.layers] == ["peephole", "gru", "rnn"]
    assert model.dense is None


def test_gru_block_cell_names_are_gru_cell_names():
    shapes = {"rnn/gru_cell/w_ru": (7, 8), "rnn/gru_cell/b_ru": (8,),
              "rnn/gru_cell/w_c": (7, 4), "rnn/gru_cell/b_c": (4,)}
    layer = find(shapes).layers[0]
    assert layer.kind == "gru" and sorted(layer.arrays) == [
        "candidate/bias", "candidate/kernel", "gates/bias", "gates/kernel"]


def test_char_lstm_of_document_004_two_layers_and_unnamed_softmax():
    shapes = with_slots({**basic_lstm("rnn/multi_rnn_cell/cell_0", 40, 128),
                         **basic_lstm("rnn/multi_rnn_cell/cell_1", 128, 128),
                         "Variable": (128, 40), "Variable_1": (40,)})
    model = find(shapes)
    assert len(model.layers) == 2 and model.dense.kernel_name == "Variable"


def test_two_stacks_are_ambiguous_and_scope_picks_one():
    shapes = {**DOC_001, **basic_lstm("rnn", 28, 150)}
    with pytest.raises(AmbiguousGraph,
                       match=r"2 RNN stacks: 'rnn/basic_lstm_cell'.*'rnn/multi_rnn_cell'.*--scope"):
        find(shapes)
    assert find(shapes, scope="rnn/multi_rnn_cell").stack == "rnn/multi_rnn_cell"
    assert find(shapes, scope="rnn/basic_lstm_cell").stack == "rnn/basic_lstm_cell"
    assert len(find(shapes, scope="rnn/multi_rnn_cell/cell_1").layers) == 3  # a cell inside it


def test_bidirectional_directions_are_one_rnn():
    shapes = {**basic_lstm("bidirectional_rnn/fw", 3, 4),
              **basic_lstm("bidirectional_rnn/bw", 3, 4), "dense/kernel": (8, 2),
              "dense/bias": (2,)}
    model = find(shapes)
    assert model.stack == "bidirectional_rnn" and model.merge == "per_layer"
    assert [layer.scope for layer in model.all_layers] == [
        "bidirectional_rnn/fw/basic_lstm_cell", "bidirectional_rnn/bw/basic_lstm_cell"]
    assert model.dense.kernel_name == "dense/kernel"  # [fw, bw] = 8 wide
    assert find(shapes, scope="bidirectional_rnn/bw").stack == "bidirectional_rnn"


def test_two_dense_candidates_are_ambiguous_and_dense_picks_one():
    shapes = {**DOC_002, "other_weights": (128, 3), "other_bias": (3,)}
    with pytest.raises(AmbiguousGraph, match=r"out_weights \[128, 10\].*other_weights.*--dense"):
        find(shapes)
    assert find(shapes, dense="other_weights").dense.bias_name == "other_bias"
    assert find(shapes, dense="out_weights,out_bias").dense.classes == 10
    assert find(shapes, dense="none").dense is None


def test_dense_without_a_bias_gets_zeros():
    shapes = {**basic_lstm("rnn", 3, 4), "head": (4, 2)}
    head = find(shapes).dense
    assert head.bias_name is None and not head.bias.any()


def test_no_rnn_variables_names_what_was_looked_for_and_what_is_there():
    with pytest.raises(NoRnnVariablesFound,
                       match=r"basic_lstm_cell/kernel.*softmax/kernel \[150, 10\]"):
        find(with_slots({"softmax/kernel": (150, 10), "softmax/bias": (10,)}))


def test_a_keras_lstm_is_not_taken_for_a_tf1_cell():
    shapes = {"lstm/lstm_cell/kernel": (3, 16), "lstm/lstm_cell/recurrent_kernel": (4, 16),
              "lstm/lstm_cell/bias": (16,)}
    with pytest.raises(MalformedCell, match="recurrent_kernel.*Keras"):
        find(shapes)


def test_shapes_that_do_not_fit_one_cell_are_malformed():
    with pytest.raises(MalformedCell, match="not all of"):
        find({**basic_lstm("rnn", 3, 4), "rnn/lstm_cell/kernel": (7, 16),
              "rnn/lstm_cell/bias": (16,), "rnn/lstm_cell/w_f_diag": (4,)}, scope="rnn/lstm_cell")
    with pytest.raises(MalformedCell, match=r"\[I \+ H, 4H\]"):
        find({"rnn/basic_lstm_cell/kernel": (7, 15), "rnn/basic_lstm_cell/bias": (15,)})
    with pytest.raises(MalformedCell, match="reads 9 inputs"):
        find({**basic_lstm("rnn/multi_rnn_cell/cell_0", 3, 4),
              **basic_lstm("rnn/multi_rnn_cell/cell_1", 9, 4)})


# ---- reading real checkpoints -------------------------------------------------------------

def test_missing_checkpoint_says_what_was_expected(tmp_path: Path):
    with pytest.raises(CheckpointNotFound, match=r"model\.ckpt\.index.*Saver"):
        resolve_checkpoint(tmp_path / "model.ckpt")
    with pytest.raises(CheckpointNotFound, match="no 'checkpoint' file and no"):
        resolve_checkpoint(tmp_path)


def test_a_damaged_checkpoint_is_unreadable_not_a_crash(tmp_path: Path):
    (tmp_path / "model.ckpt.index").write_bytes(b"not a tensor bundle")
    with pytest.raises(CheckpointUnreadable, match="damaged or incomplete"):
        open_checkpoint(tmp_path / "model.ckpt")


def test_reads_the_names_a_real_stacked_program_saves(tmp_path: Path):
    from tf1_lstm.compat import reset_graph, tf
    from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist

    reset_graph(0)
    build_stacked_lstm_mnist(n_neurons=6, n_layers=2, cell="peephole")
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(session, str(tmp_path / "model.ckpt"))
    # the prefix, one of its files, and its folder all name the same checkpoint
    for given in (prefix, f"{prefix}.index", f"{prefix}.meta", tmp_path):
        assert resolve_checkpoint(given) == Path(prefix)
    found = open_checkpoint(prefix)
    assert any(name.endswith("/Adam_1") for name in found.shapes)  # slots are in the file...
    model = find_rnn(found.shapes, found.read)  # ...and skipped
    assert [layer.kind for layer in model.layers] == ["peephole", "peephole"]
    assert model.dense.kernel_name == "softmax/kernel"
    np.testing.assert_array_equal(model.layers[1].arrays["w_o_diag"],
                                  found.read("rnn/multi_rnn_cell/cell_1/lstm_cell/w_o_diag"))


def test_lstm_cell_with_a_projection_is_found_and_refused_by_keras_and_onnx(tmp_path: Path):
    from tf1_lstm.compat import reset_graph, rnn, tf

    reset_graph(0)
    x = tf.placeholder(tf.float32, [None, 4, 3])
    tf.nn.dynamic_rnn(rnn.LSTMCell(6, num_proj=2), x, dtype=tf.float32)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        prefix = tf.train.Saver().save(session, str(tmp_path / "model.ckpt"))
    found = open_checkpoint(prefix)
    layer = find_rnn(found.shapes, found.read).layers[0]
    assert (layer.input_size, layer.units, layer.projection) == (3, 6, 2)
