"""The bench's PyTorch rows time the same function as its TF1 rows: the PyTorch model of each
LSTM model (``torch_model.build_model``), given the TF1 graph's weights, gives the TF1
graph's logits (documents 002 and 001, and the bidirectional model's head on both directions'
final h). Keras 3 cannot share this TF1-world process; PyTorch's GRU is cuDNN's variant (the
reset gate after the matmul), not GRUCell's, so it is not compared."""

from __future__ import annotations

import numpy as np
import pytest

from tf1_lstm.bench.jobs import MODELS
from tf1_lstm.bench.tf1_graphs import build, feed
from tf1_lstm.compat import tf

torch = pytest.importorskip("torch")
from tf1_lstm.bench.torch_model import build_model  # noqa: E402 - needs torch

STEPS, BATCH = 4, 3


def torch_lstm_parameters(kernel: np.ndarray, bias: np.ndarray, inputs: int,
                          forget_bias: float = 1.0) -> dict:
    """BasicLSTMCell's kernel [I + H, 4H] (columns i, j, f, o) and bias [4H], forget_bias added
    to f, as nn.LSTM's weight_ih [4H, I], weight_hh [4H, H] and biases (rows i, f, g, o)."""
    i, j, f, o = np.split(kernel, 4, axis=1)
    b_i, b_j, b_f, b_o = np.split(bias, 4)
    weight = np.concatenate([i, f, j, o], axis=1).T                      # [4H, I + H]
    return {"weight_ih": weight[:, :inputs], "weight_hh": weight[:, inputs:],
            "bias_ih": np.concatenate([b_i, b_f + forget_bias, b_j, b_o]),
            "bias_hh": np.zeros_like(bias)}


def tf1_weights_and_logits(path: str, model: str):
    spec = MODELS[model]
    bench = build(path, spec, STEPS)
    with tf.Session(graph=bench.graph) as session:
        session.run(bench.init)
        weights = {v.op.name: session.run(v) for v in
                   bench.graph.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES)}
        batch = feed(bench, spec, BATCH, STEPS)
        logits = session.run(bench.logits, batch)
    return weights, batch[bench.x], logits


def cell_scopes(model: str) -> dict[str, str]:
    """nn.LSTM's parameter suffix ('l0', 'l0_reverse', ...) -> the TF1 cell's scope."""
    if model == "bidirectional":
        return {"l0": "bidirectional_rnn/fw/basic_lstm_cell",
                "l0_reverse": "bidirectional_rnn/bw/basic_lstm_cell"}
    if MODELS[model].layers == 1:
        return {"l0": "rnn/basic_lstm_cell"}
    return {f"l{k}": f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell"
            for k in range(MODELS[model].layers)}


@pytest.mark.parametrize(("model", "path"), [("002", "static_rnn"), ("001", "dynamic_rnn"),
                                             ("bidirectional", "bidi_dynamic")])
def test_pytorchs_model_gives_the_tf1_graphs_logits_from_its_weights(model, path):
    spec = MODELS[model]
    weights, x, expected = tf1_weights_and_logits(path, model)
    net = build_model(spec)
    parameters = {}
    for suffix, scope in cell_scopes(model).items():
        layer_inputs = spec.inputs if suffix.startswith("l0") else spec.units
        parts = torch_lstm_parameters(weights[f"{scope}/kernel"], weights[f"{scope}/bias"],
                                      layer_inputs)
        parameters |= {f"rnn.{name}_{suffix}": value for name, value in parts.items()}
    head_kernel, head_bias = ((weights["softmax/kernel"], weights["softmax/bias"])
                              if model == "001" else (weights["out_weights"], weights["out_bias"]))
    parameters |= {"head.weight": head_kernel.T, "head.bias": head_bias}
    state = net.state_dict()
    assert set(parameters) == set(state)
    net.load_state_dict({name: torch.from_numpy(np.ascontiguousarray(value, np.float32))
                         for name, value in parameters.items()})
    with torch.inference_mode():
        logits = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(logits, expected, atol=1e-5)
