"""A clipped LSTM memory, from the graph or from an old release's names, ported exactly or refused.

Until TF 1.4 the block LSTM ops clipped c to [-3, 3] by default (``cell_clip=3.0``), and
``LSTMCell(cell_clip=C)`` clips it too: a port that does not clip computes something else once
|c| > C, which the weights here make happen. The clip is read from the ``.meta`` graph (the
block op's attribute, LSTMCell's clip_by_value), or fixed by the old names (TF 0.11's
LSTMBlockCell: the op's default), or given with ``--cell-clip``; PyTorch's TF1LSTMCell holds it,
so does the Keras cell written beside a .keras file (TF1LSTMCell), and ONNX a Scan of TF1's
step (its LSTM operator's clip bounds the gates, not c).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from checkpoint_eras_support import lstm_block_arrays, save_named_variables

from tf1_lstm.compat import rnn, tf
from tf1_lstm.port.cell_options import parse_cell_clip
from tf1_lstm.port.command import port_checkpoint
from tf1_lstm.port.errors import BadPortOption
from tf1_lstm.port.proof import TOLERANCE
from tf1_lstm.port.source_tf1 import run_source

B, T, I, H, N = 3, 12, 4, 5, 3  # noqa: E741 - batch, steps, inputs, units, classes


def save_clipped(folder: Path, cell: rnn.RNNCell) -> Path:
    """x -> the cell under dynamic_rnn -> a dense head; weights large enough that |c| > 3."""
    rng = np.random.default_rng(5)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, T, I], name="x")
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        tf.layers.dense(outputs[:, -1], N, name="softmax")
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for variable in tf.trainable_variables():
                variable.load(rng.normal(scale=1.5, size=variable.shape.as_list()), session)
            return Path(tf.train.Saver().save(session, str(folder / "model.ckpt")))


def port(prefix: Path, out: Path, target: str = "torch", **options):
    printed: list[str] = []
    report = port_checkpoint(prefix, target=target, out=out, steps=T, echo=printed.append,
                             **options)
    return report, "\n".join(printed)


@pytest.fixture(scope="module")
def clipped(tmp_path_factory) -> dict[str, Path]:
    return {"block": save_clipped(tmp_path_factory.mktemp("block"),
                                  rnn.LSTMBlockCell(H, cell_clip=3.0)),
            "lstm_cell": save_clipped(tmp_path_factory.mktemp("lstm_cell"),
                                      rnn.LSTMCell(H, cell_clip=2.0, use_peepholes=True))}


@pytest.mark.parametrize("name, clip", [("block", 3.0), ("lstm_cell", 2.0)])
def test_the_clip_is_read_from_the_graph_and_the_torch_port_is_proven(clipped, tmp_path, name,
                                                                      clip):
    pytest.importorskip("torch")
    report, printed = port(clipped[name], tmp_path / "m.pt")
    assert [layer.cell_clip for layer in report.model.layers] == [clip]
    assert f"cell_clip = {clip:g} for rnn/lstm_cell (op " in printed
    assert report.original.ok and report.proof.ok
    # the clip matters here: without it the logits differ far beyond the proof's 1e-5
    unclipped = replace(report.model, layers=tuple(replace(layer, cell_clip=None)
                                                   for layer in report.model.layers))
    x = np.random.default_rng(0).standard_normal((4, T, I)).astype(np.float32)
    assert np.max(np.abs(run_source(unclipped, x)["logits"] -
                         run_source(report.model, x)["logits"])) > 100 * TOLERANCE


def test_keras_holds_the_clip_in_its_tf1_lstm_cell(clipped, tmp_path):
    report, printed = port(clipped["block"], tmp_path / "m.keras", target="keras")
    assert report.original.ok and report.proof.ok
    assert "import m_lstm_cell" in printed and (tmp_path / "m_lstm_cell.py").is_file()


@pytest.mark.parametrize("name", ["block", "lstm_cell"])
def test_onnx_holds_the_clip_in_a_scan_of_tf1s_step(clipped, tmp_path, name):
    report, _ = port(clipped[name], tmp_path / "m.onnx", target="onnx")
    assert report.original.ok and report.proof.ok


def test_a_tf011_block_cell_clips_at_3_and_its_peepholes_are_off_unless_said(tmp_path):
    pytest.importorskip("torch")
    names = ("W", "b", "wci", "wcf", "wco")  # TF 0.11 created the peepholes either way
    arrays = lstm_block_arrays("RNN/LSTMBlockCell", names, I, H, np.random.default_rng(2))
    arrays |= {"softmax/kernel": np.ones((H, N), np.float32), "softmax/bias": np.zeros(N)}
    save_named_variables(arrays, tmp_path / "old.ckpt")
    (tmp_path / "old.ckpt.meta").unlink()  # as if TF 0.11's graph could not be imported
    report, printed = port(tmp_path / "old.ckpt", tmp_path / "m.pt")
    (layer,) = report.model.layers
    assert (layer.kind, layer.cell_clip) == ("lstm", 3.0)
    assert "cell_clip = 3 for rnn/lstm_cell (the op's default" in printed
    assert "rnn/lstm_cell: use_peephole=False (TF's default; --peepholes yes" in printed
    report, _ = port(tmp_path / "old.ckpt", tmp_path / "p.pt", peepholes="yes")
    assert report.model.layers[0].kind == "peephole" and report.proof.ok


def test_a_fused_wrapper_of_tf12_to_14_needs_the_clip_given(tmp_path):
    arrays = lstm_block_arrays("lstm_block_wrapper", ("kernel", "bias"), I, H,
                               np.random.default_rng(3))
    arrays |= {"softmax/kernel": np.ones((H, N), np.float32)}
    save_named_variables(arrays, tmp_path / "old.ckpt")
    with pytest.raises(BadPortOption, match=r"--cell-clip 3 \(TF 1.2-1.3\) or --cell-clip none"):
        port(tmp_path / "old.ckpt", tmp_path / "m.onnx", target="onnx")
    report, printed = port(tmp_path / "old.ckpt", tmp_path / "m.onnx", target="onnx",
                           cell_clip="none")
    assert report.model.layers[0].cell_clip is None and report.proof.ok
    assert "cell_clip = none for lstm_fused_cell (given with --cell-clip" in printed


@pytest.mark.parametrize("text", ["0", "-3", "nan", "three"])
def test_a_cell_clip_must_be_positive_or_none(text):
    with pytest.raises(BadPortOption, match="positive number such as 3, or 'none'"):
        parse_cell_clip(text)
