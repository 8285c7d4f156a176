"""``tf1-lstm port`` end to end on the new model shapes, and the files it writes loaded alone.

The command reads each checkpoint with its ``.meta``, proves the written file against the
checkpoint's own graph, and writes beside it the modules the file needs. Then one process in
which ``tf1_lstm`` cannot be imported loads every file as a user would (``keras.models
.load_model`` after importing the module beside it, the PyTorch module's ``load()``, ONNX
Runtime) and must give the logits the TF1 program computed when it was saved.
"""

from __future__ import annotations

import numpy as np
import pytest
from port_loading_support import logits_without_tf1_lstm
from test_port_model_shapes import CASES, Case, save_case, states

from tf1_lstm.compat import rnn, tf
from tf1_lstm.port.command import port_checkpoint
from tf1_lstm.port.proof import TOLERANCE


def layer_norm_stack(x):  # two LayerNormBasicLSTMCells, forget_bias 0.3, the last output
    cell = rnn.MultiRNNCell([rnn.LayerNormBasicLSTMCell(5, forget_bias=0.3),
                             rnn.LayerNormBasicLSTMCell(4, forget_bias=0.3)])
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    fetch = states(states({"outputs": outputs}, 0, state[0]), 1, state[1])
    return fetch | {"logits": tf.layers.dense(outputs[:, -1], 3, name="softmax")}


def bi_peephole_last(x):  # a bidirectional pair of cells Keras 3 lacks
    (fw, bw), _ = tf.nn.bidirectional_dynamic_rnn(
        rnn.LSTMCell(5, use_peepholes=True), rnn.LSTMCell(5, use_peepholes=True), x,
        dtype=tf.float32)
    return {"logits": tf.layers.dense(tf.concat([fw, bw], 2)[:, -1], 3, name="softmax")}


def projected_stack(x):  # LSTMCell(num_proj=P): Keras 3's LSTM has no projection
    cell = rnn.MultiRNNCell([rnn.LSTMCell(6, num_proj=3, use_peepholes=True, forget_bias=0.5),
                             rnn.LSTMCell(5, num_proj=4, cell_clip=1.0)])
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    return {"logits": tf.layers.dense(outputs[:, -1], 3, name="softmax")}


PROGRAMS = {**CASES, "layer_norm_stack": Case(layer_norm_stack, "last"),
            "bi_peephole": Case(bi_peephole_last, "last"),
            "projected": Case(projected_stack, "last")}
# (program, target): the shapes each target holds, the cells Keras 3 lacks among them
PORTS = [("embedding_bi_tagger", "keras"), ("embedding_bi_tagger", "torch"),
         ("embedding_bi_tagger", "onnx"), ("char_model", "onnx"), ("bi_two_stacks", "keras"),
         ("bi_mixed", "torch"), ("bi_mixed", "keras"), ("layer_norm_stack", "keras"),
         ("layer_norm_stack", "torch"),
         ("bi_peephole", "keras"), ("projected", "keras"), ("projected", "onnx"),
         ("layer_norm_stack", "onnx")]
SUFFIX = {"keras": ".keras", "torch": ".pt", "onnx": ".onnx"}


@pytest.fixture(scope="module")
def ported(tmp_path_factory) -> dict:
    """(program, target) -> (written file, x, the program's logits, the command's report)."""
    saved = {}
    for seed, name in enumerate(sorted({name for name, _ in PORTS})):
        saved[name] = save_case(PROGRAMS[name], tmp_path_factory.mktemp(name), seed)
    folder = tmp_path_factory.mktemp("ports")
    done = {}
    for name, target in PORTS:
        prefix, x, reference = saved[name]
        out = folder / f"{name}_{target}{SUFFIX[target]}"
        printed: list[str] = []
        report = port_checkpoint(prefix, target=target, out=out, echo=printed.append)
        done[name, target] = (out, x, reference["logits"], report, "\n".join(printed))
    return done


@pytest.mark.parametrize("name, target", PORTS)
def test_the_command_proves_the_file_against_the_programs_own_graph(ported, name, target):
    _, _, _, report, printed = ported[name, target]
    assert report.original is not None and report.original.ok, printed
    assert report.proof.ok
    assert "NOT CHECKED" not in printed


def test_the_layer_norm_forget_bias_is_read_from_the_graph(ported):
    _, _, _, report, printed = ported["layer_norm_stack", "keras"]
    assert [layer.forget_bias for layer in report.model.layers] == pytest.approx([0.3, 0.3])
    assert "forget_bias = 0.3 for rnn/multi_rnn_cell/cell_0/layer_norm_basic_lstm_cell (op " \
        in printed


def test_keras_gets_one_module_per_cell_it_lacks(ported):
    for name, module in (("layer_norm_stack", "layer_norm"), ("bi_peephole", "lstm_cell")):
        out, _, _, _, printed = ported[name, "keras"]
        assert out.with_name(f"{out.stem}_{module}.py").is_file()
        assert f"import {out.stem}_{module}" in printed


def test_every_file_loads_and_computes_the_logits_where_tf1_lstm_is_not_installed(ported):
    logits = logits_without_tf1_lstm({f"{name}/{target}": (out, target, x) for (
        name, target), (out, x, _, _, _) in ported.items()})
    for (name, target), (_, _, expected, _, _) in ported.items():
        got = logits[f"{name}/{target}"]
        assert got.shape == expected.shape, (name, target)
        assert np.max(np.abs(got - expected)) <= 2 * TOLERANCE, (name, target)


