"""The bench's TF1 paths are the documents' graphs (their builders in tf1_lstm.models), each
with its own LSTM, and every path computes what static_rnn + BasicLSTMCell computes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tf1_lstm.bench.jobs import MODELS, PATHS
from tf1_lstm.bench.tf1_graphs import build, feed
from tf1_lstm.compat import tf

TF1_PATHS = [path.name for path in PATHS.values() if path.world == "tf1"]
STEPS, BATCH = 3, 4  # a short sequence keeps 16 graphs cheap; the math is the same at 28


def layer_and_part(name: str) -> str:
    """'rnn/multi_rnn_cell/cell_2/basic_lstm_cell/kernel', 'layer_2/lstm_fused_cell/kernel'
    -> 'layer 2 kernel'; one cell's 'rnn/lstm_cell/bias' -> 'layer 0 bias'; the head as is."""
    stacked = re.search(r"(?:cell|layer)_(\d+)/\w+/(kernel|bias)$", name)
    if stacked:
        return f"layer {stacked[1]} {stacked[2]}"
    single = re.fullmatch(r"rnn/\w+/(kernel|bias)", name)
    return f"layer 0 {single[1]}" if single else name


def weights_and_logits(path: str, model: str, weights: dict | None = None):
    """``path``'s graph for ``model``: its variables by layer and part, and its logits on one
    feed (with ``weights`` loaded first, when given)."""
    spec = MODELS[model]
    bench = build(path, spec, STEPS)
    with tf.Session(graph=bench.graph) as session:
        session.run(bench.init)
        variables = {layer_and_part(v.op.name): v for v in
                     bench.graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
        if weights is not None:
            assert set(variables) == set(weights)
            for key, variable in variables.items():
                variable.load(weights[key], session)
        values = {key: session.run(variable) for key, variable in variables.items()}
        batch = feed(bench, spec, BATCH, STEPS)
        logits = session.run(bench.logits, batch)
        session.run(bench.train_op, batch)  # the path's training step runs
    return values, logits, bench


@pytest.mark.parametrize("model", ["002", "001"])
def test_every_tf1_path_gives_static_rnns_logits_from_the_same_weights(model):
    weights, expected, _ = weights_and_logits("static_rnn", model)
    for path in TF1_PATHS:
        _, logits, _ = weights_and_logits(path, model, weights)
        np.testing.assert_allclose(logits, expected, atol=1e-5, err_msg=path)


def test_document_002s_paths_keep_the_documents_head_and_placeholders():
    for path in TF1_PATHS:
        _, _, bench = weights_and_logits(path, "002")
        names = {v.op.name for v in bench.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)}
        assert {"out_weights", "out_bias"} <= names, path
        assert bench.x.op.name == "x" and bench.y.op.name == "y"
        assert bench.logits.get_shape().as_list() == [None, 10]
