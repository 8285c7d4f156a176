"""``tf1-lstm port`` on tf.contrib.cudnn_rnn checkpoints, proven against the cuDNN layer itself.

Each model is a CudnnLSTM / CudnnGRU layer (our TF1 world's, which computes what TF 1.15's GPU
kernel computed, from the same opaque buffer) with a dense head on the last step, saved by a
plain ``tf.train.Saver``: the buffer and the canonical cell weights its saveable adds. One
checkpoint keeps the buffer only. The command ports each and proves it against the
checkpoint's graph (which computes from the buffer, so it is fed at its placeholder); here
every written file is then loaded where tf1_lstm cannot be imported and must give the cuDNN
layer's own logits.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from port_loading_support import logits_without_tf1_lstm

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import cudnn_rnn
from tf1_lstm.port import ckpt_command
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.command import port_checkpoint
from tf1_lstm.port.errors import ForgetBiasContradiction
from tf1_lstm.port.proof import TOLERANCE

B, T, I, H, N = 3, 6, 4, 5, 3  # noqa: E741 - batch, steps, inputs, units, classes
LAYERS = {"lstm": cudnn_rnn.CudnnLSTM, "gru": cudnn_rnn.CudnnGRU}
# name -> (mode, layers, direction, the buffer alone)
MODELS = {"lstm_2_bidirectional": ("lstm", 2, "bidirectional", False),
          "gru_2": ("gru", 2, "unidirectional", False),
          "lstm_1_buffer_only": ("lstm", 1, "unidirectional", True)}
PORTS = [("lstm_2_bidirectional", "keras"), ("lstm_2_bidirectional", "torch"),
         ("lstm_2_bidirectional", "onnx"), ("gru_2", "keras"), ("gru_2", "torch"),
         ("gru_2", "onnx"), ("lstm_1_buffer_only", "torch")]
SUFFIX = {"keras": ".keras", "torch": ".pt", "onnx": ".onnx"}


def save_model(name: str, folder: Path) -> tuple[Path, np.ndarray, np.ndarray]:
    """x [B, T, I] -> the cuDNN layer (time major) -> dense on the last step: (prefix, x,
    logits), the buffer random."""
    mode, layers, direction, buffer_only = MODELS[name]
    reset_graph()
    rng = np.random.default_rng(len(name))
    x_val = rng.standard_normal((B, T, I)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, T, I], name="x")
    layer = LAYERS[mode](layers, H, direction=direction)
    outputs, _ = layer(tf.transpose(x, [1, 0, 2]))  # [T, B, D * H]
    logits = tf.layers.dense(outputs[-1], N, name="softmax")
    buffer = rng.normal(scale=0.5, size=layer.saveable.format_converter.opaque_size())
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(tf.assign(layer.kernel, buffer.astype(np.float32), validate_shape=False))
        for variable in tf.trainable_variables("softmax"):
            variable.load(rng.normal(size=variable.shape.as_list()), session)
        saver = tf.train.Saver([layer.kernel, *tf.trainable_variables("softmax")]
                               if buffer_only else None)
        prefix = Path(saver.save(session, str(folder / "model.ckpt")))
        return prefix, x_val, session.run(logits, {x: x_val})


@pytest.fixture(scope="module")
def ported(tmp_path_factory) -> dict:
    saved = {name: save_model(name, tmp_path_factory.mktemp(name)) for name in MODELS}
    folder = tmp_path_factory.mktemp("ports")
    done = {}
    for name, target in PORTS:
        prefix, x, logits = saved[name]
        printed: list[str] = []
        # its .meta has no cuDNN op to read the sizes from (ours computes on CPU ops)
        cudnn = f"lstm,layers=1,units={H},input={I}" if MODELS[name][3] else None
        report = port_checkpoint(prefix, target=target, out=folder / f"{name}{SUFFIX[target]}",
                                 steps=T, cudnn=cudnn, echo=printed.append)
        done[name, target] = (report, x, logits, "\n".join(printed))
    return done


@pytest.mark.parametrize("name, target", PORTS)
def test_the_command_reads_the_cudnn_layer_as_its_cells_and_proves_the_port(ported, name,
                                                                           target):
    report, _, _, printed = ported[name, target]
    assert "holds tf.contrib.cudnn_rnn layers; read as the cells they save" in printed
    assert report.proof.ok
    # the graph computes from the buffer: it is fed at its placeholder, and agrees
    assert report.original is not None and report.original.ok, printed
    kinds = {layer.kind for layer in report.model.all_layers}
    assert kinds == ({"cudnn_gru"} if MODELS[name][0] == "gru" else {"lstm"})
    if MODELS[name][0] == "lstm":  # cuDNN adds nothing to the forget gate
        assert {layer.forget_bias for layer in report.model.all_layers} == {0.0}
        assert "forget_bias = 0 for " in printed


def test_every_file_gives_the_cudnn_layers_own_logits_without_tf1_lstm(ported):
    logits = logits_without_tf1_lstm({f"{name}/{target}": (report.out, target, x)
                                      for (name, target), (report, x, _, _) in ported.items()})
    for (name, target), (_, _, expected, _) in ported.items():
        assert np.max(np.abs(logits[f"{name}/{target}"] - expected)) <= 2 * TOLERANCE, (name,
                                                                                      target)


def test_a_forget_bias_option_contradicting_a_cudnn_lstm_is_an_error(tmp_path):
    prefix, _, _ = save_model("lstm_2_bidirectional", tmp_path)
    with pytest.raises(ForgetBiasContradiction, match="CudnnCompatibleLSTMCell"):
        port_checkpoint(prefix, target="onnx", out=tmp_path / "m.onnx", forget_bias=1.0,
                        echo=lambda line: None)
    assert not (tmp_path / "m.onnx").exists()


def test_ckpt_ls_says_what_each_cudnn_variable_is(tmp_path):
    prefix, _, _ = save_model("lstm_2_bidirectional", tmp_path)
    lines = {line.split()[0]: line for line in ckpt_command.listing(open_checkpoint(prefix))[1:]}
    assert lines["cudnn_lstm/opaque_kernel"].endswith("cuDNN's buffer (the same weights as its "
                                                      "cells)")
    kernel = "cudnn_lstm/stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/" \
             "cudnn_compatible_lstm_cell/kernel"
    assert lines[kernel].endswith("bw layer 1 kernel")
