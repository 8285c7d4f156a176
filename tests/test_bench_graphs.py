"""The bench's TF1 paths are the models' graphs (their builders in tf1_lstm.models, and the
bidirectional one in tf1_graphs), each with its own cells, and every path of a model computes
what its TF1 built-in computes (static_rnn + BasicLSTMCell, LSTMCell(use_peepholes=True),
GRUCell; bidirectional_dynamic_rnn) from the same weights, and trains every variable."""

from __future__ import annotations

import importlib.util
import re
import sys

import numpy as np
import pytest

from tf1_lstm.bench.jobs import MODELS, PATHS
from tf1_lstm.bench.tf1_graphs import build, feed
from tf1_lstm.compat import tf

STEPS, BATCH = 3, 4  # a short sequence keeps the graphs cheap; the math is the same at 28
FAST_GRU_MISSING = importlib.util.find_spec("tf1_lstm.fast.gru") is None
# GRUBlockCell's own names (tf.contrib.rnn, TF 1.15) -> GRUCell's
GRU_BLOCK_NAMES = {"w_ru": "gates/kernel", "b_ru": "gates/bias", "w_c": "candidate/kernel",
                   "b_c": "candidate/bias"}


def tf1_paths(model: str) -> list[str]:
    return [name for name in MODELS[model].paths if PATHS[name].world == "tf1"]


def layer_and_part(name: str) -> str:
    """'rnn/multi_rnn_cell/cell_2/basic_lstm_cell/kernel', 'layer_2/lstm_fused_cell/kernel'
    -> 'layer 2 kernel'; one cell's 'rnn/lstm_cell/bias' -> 'layer 0 bias'; GRUBlockCell's
    'rnn/gru_cell/w_ru' -> GRUCell's 'rnn/gru_cell/gates/kernel'; the rest as is."""
    stacked = re.search(r"(?:cell|layer)_(\d+)/\w+/(kernel|bias)$", name)
    if stacked:
        return f"layer {stacked[1]} {stacked[2]}"
    single = re.fullmatch(r"rnn/\w+/(kernel|bias)", name)
    if single:
        return f"layer 0 {single[1]}"
    block = re.fullmatch(r"(rnn/gru_cell)/(w_ru|b_ru|w_c|b_c)", name)
    return f"{block[1]}/{GRU_BLOCK_NAMES[block[2]]}" if block else name


def run_path(path: str, model: str, weights: dict | None = None):
    """``path``'s graph for ``model``: its variables by layer and part, its logits and loss on
    one feed (with ``weights`` loaded first, when given), and which variables one training
    step changed."""
    spec = MODELS[model]
    bench = build(path, spec, STEPS)
    with tf.Session(graph=bench.graph) as session:
        session.run(bench.init)
        variables = {layer_and_part(v.op.name): v for v in
                     bench.graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
        if weights is not None:
            assert set(variables) == set(weights), path
            for key, variable in variables.items():
                variable.load(weights[key], session)
        values = {key: session.run(variable) for key, variable in variables.items()}
        batch = feed(bench, spec, BATCH, STEPS)
        logits, loss = session.run([bench.logits, bench.loss], batch)
        session.run(bench.train_op, batch)  # the path's training step runs
        after = session.run(variables)
    changed = {key for key in values if not np.array_equal(values[key], after[key])}
    return values, (logits, loss), changed, bench


@pytest.mark.parametrize("model", ["002", "001", "peephole", "gru", "bidirectional"])
def test_every_tf1_path_gives_the_built_ins_logits_and_loss_from_the_same_weights(model):
    baseline = MODELS[model].baseline
    weights, expected, changed, _ = run_path(baseline, model)
    assert changed == set(weights), "the built-in's training step skipped a variable"
    for path in tf1_paths(model):
        if path == "gru_fast" and FAST_GRU_MISSING:
            continue  # a checkout without tf1_lstm.fast.gru: the test below
        _, (logits, loss), changed, bench = run_path(path, model, weights)
        np.testing.assert_allclose(logits, expected[0], atol=1e-5, err_msg=path)
        np.testing.assert_allclose(loss, expected[1], rtol=1e-5, err_msg=path)
        assert changed == set(weights), path  # one step trains every variable
        assert bench.logits.get_shape().as_list() == [None, 10]
        if model != "001":  # document 002's head and placeholders, on every 002-sized model
            assert {"out_weights", "out_bias"} <= set(weights), path
            assert bench.x.op.name == "x" and bench.y.op.name == "y"


def test_the_gru_fast_path_without_its_module_fails_with_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "tf1_lstm.fast.gru", None)  # as before the module landed
    with pytest.raises(ImportError, match="needs tf1_lstm.fast.gru.FastGRUCell"):
        build("gru_fast", MODELS["gru"], STEPS)


def test_the_bidirectional_head_reads_both_directions_final_h():
    # out_weights [2H, 10]: the forward and the backward direction's last outputs
    bench = build("bidi_dynamic", MODELS["bidirectional"], STEPS)
    shapes = {v.op.name: v.shape.as_list() for v in
              bench.graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
    assert shapes["out_weights"] == [256, 10]
    assert shapes["bidirectional_rnn/fw/basic_lstm_cell/kernel"] == [28 + 128, 512]
    assert shapes["bidirectional_rnn/bw/basic_lstm_cell/kernel"] == [28 + 128, 512]


def test_the_peephole_and_gru_paths_have_their_cells_variables():
    peephole = {v.op.name for v in build("peephole_fast", MODELS["peephole"], STEPS)
                .graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
    assert {"rnn/lstm_cell/w_f_diag", "rnn/lstm_cell/w_i_diag",
            "rnn/lstm_cell/w_o_diag"} <= peephole
    block = {v.op.name for v in build("gru_block", MODELS["gru"], STEPS)
             .graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
    assert {"rnn/gru_cell/w_ru", "rnn/gru_cell/b_ru", "rnn/gru_cell/w_c",
            "rnn/gru_cell/b_c"} <= block
