"""The port proves itself against the checkpoint's own graph (.meta), not against its own reading.

Each model here is built by the test as a TF1 program would build it, given random weights
(so every gate and bias matters), saved with ``tf.train.Saver`` (which writes the .meta) and
ported by the command's own function. The cases are the ones a rebuilt-only proof passed
while the port computed something else: a forget_bias other than 1.0, a weight-tied
``MultiRNNCell([cell] * 3)``, an embedding in front of the RNN; and a proof must fail when
the port's reading of the graph is wrong, whatever the rebuilt side says.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_port_proof import CASES as PROOF_CASES
from test_port_proof import build_and_save

from tf1_lstm.compat import rnn, tf
from tf1_lstm.port import command, model_facts
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.errors import (
    BadPortOption,
    CheckpointUnreadable,
    ForgetBiasContradiction,
    GraphProofImpossible,
    ProofFailed,
    UnportedVariable,
)
from tf1_lstm.port.graph_facts import read_graph_facts
from tf1_lstm.port.graph_proof import locate, model_reads, run_graph, unported_on_path
from tf1_lstm.port.model_facts import resolve_model
from tf1_lstm.port.tf1_rnn import find_rnn

TORCH_INSTALLED = command.importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not TORCH_INSTALLED, reason="PyTorch is optional and not "
                                 "installed: pip install torch==2.13.0 to run the torch ports")
T, I, H, CLASSES = 6, 5, 5, 3  # noqa: E741 - the documents' names: steps, inputs, units


def save_model(folder: Path, rnn_logits: Callable[[tf.Tensor], tf.Tensor]) -> Path:
    """Build x [B, T, I] -> logits, give every variable random values, save; the prefix."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, T, I], name="x")
        logits = rnn_logits(x)
        tf.train.AdamOptimizer().minimize(tf.reduce_sum(logits))  # slots in the checkpoint
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for variable in tf.trainable_variables():
                value = rng.normal(scale=0.6, size=variable.shape.as_list())
                variable.load(value.astype(np.float32), session)
            return Path(tf.train.Saver().save(session, str(folder / "model.ckpt")))


def head(top_h: tf.Tensor) -> tf.Tensor:
    """Document 002's head: tf.matmul(outputs[-1], out_weights) + out_bias."""
    w = tf.Variable(tf.random_normal([top_h.shape.as_list()[-1], CLASSES]), name="out_weights")
    b = tf.Variable(tf.random_normal([CLASSES]), name="out_bias")
    return tf.matmul(top_h, w) + b


def static_forget_bias_05(x):  # document 002's program with BasicLSTMCell(forget_bias=0.5)
    outputs, _ = rnn.static_rnn(rnn.BasicLSTMCell(H, forget_bias=0.5), tf.unstack(x, T, 1),
                                dtype=tf.float32)
    return head(outputs[-1])


def tied_stack(static: bool):
    def build(x):  # one cell object, three layers: since TF 1.2, one weight set applied 3 times
        cell = rnn.MultiRNNCell([rnn.BasicLSTMCell(H)] * 3)
        if static:
            _, states = rnn.static_rnn(cell, tf.unstack(x, T, 1), dtype=tf.float32)
        else:
            _, states = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        return head(states[-1][1])
    return build


def embedded(table: str):
    def build(x):  # token ids -> a table [50, I] -> the LSTM; x is not used
        ids = tf.placeholder(tf.int32, [None, T], name="ids")
        embedding = tf.get_variable(table, [50, I])
        inputs = tf.nn.embedding_lookup(embedding, ids)
        _, state = tf.nn.dynamic_rnn(rnn.BasicLSTMCell(H), inputs, dtype=tf.float32)
        return head(state.h)
    return build


def dropout_keep_prob(x):  # a training graph: DropoutWrapper with a keep_prob placeholder
    keep_prob = tf.placeholder(tf.float32, [], name="keep_prob")
    cell = rnn.DropoutWrapper(rnn.BasicLSTMCell(H), output_keep_prob=keep_prob)
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)  # the state is not dropped out
    return head(outputs[:, -1])


def two_forget_biases(x):  # LSTMCell(forget_bias=0.0) under a peephole LSTMCell(2.5)
    cells = [rnn.LSTMCell(H, forget_bias=0.0), rnn.LSTMCell(4, use_peepholes=True,
                                                          forget_bias=2.5)]
    _, states = tf.nn.dynamic_rnn(rnn.MultiRNNCell(cells), x, dtype=tf.float32)
    return head(states[-1].h)


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("graph_proof")
    builds = {"forget_bias_05": static_forget_bias_05, "tied_dynamic": tied_stack(False),
              "tied_static": tied_stack(True), "embedding": embedded("embedding"),
              "unnamed_table": embedded("table"),
              "dropout": dropout_keep_prob, "two_forget_biases": two_forget_biases}
    return {name: save_model(folder / name, build) for name, build in builds.items()}


def copy_checkpoint(prefix: Path, folder: Path, meta: bool = True) -> Path:
    """The checkpoint's files copied into ``folder`` (without its .meta graph if not meta)."""
    folder.mkdir()
    for path in prefix.parent.glob(f"{prefix.name}.*"):
        if meta or path.suffix != ".meta":
            shutil.copy(path, folder)
    return folder / prefix.name


def port(prefix: Path, out: Path, target: str = "torch", **options) -> tuple[object, str]:
    lines: list[str] = []
    report = command.port_checkpoint(prefix, target, out, echo=lines.append, **options)
    return report, "\n".join(lines)


@needs_torch
def test_forget_bias_is_read_from_the_graph_and_proven_against_it(saved, tmp_path):
    report, text = port(saved["forget_bias_05"], tmp_path / "m.pt")
    assert report.model.layers[0].forget_bias == 0.5
    assert "forget_bias = 0.5 for rnn/basic_lstm_cell (op " in text
    assert report.original is not None and report.original.ok
    assert "against the checkpoint's own graph (model.ckpt.meta, restored)" in text
    assert "NOT CHECKED" not in text


def test_a_forget_bias_option_that_contradicts_the_graph_is_an_error(saved, tmp_path):
    with pytest.raises(ForgetBiasContradiction, match=r"--forget-bias 1 contradicts .* adds 0.5"):
        port(saved["forget_bias_05"], tmp_path / "m.pt", forget_bias=1.0)
    assert not (tmp_path / "m.pt").exists()


@needs_torch
def test_the_proof_fails_when_the_port_misreads_the_graph(saved, tmp_path, monkeypatch):
    # A port that kept TF1's default 1.0 (the old behaviour) is caught by the graph, although
    # the rebuilt cells, built from the same wrong fact, agree with it.
    monkeypatch.setattr(model_facts, "_decide_forget_bias", lambda resolved, *options: None)
    with pytest.raises(ProofFailed, match="differ from the checkpoint's own graph"):
        port(saved["forget_bias_05"], tmp_path / "m.pt")
    assert not (tmp_path / "m.pt").exists()


@needs_torch
def test_without_meta_every_assumption_is_printed_as_not_checked(saved, tmp_path):
    prefix = copy_checkpoint(saved["forget_bias_05"], tmp_path / "no_meta", meta=False)
    report, text = port(prefix, tmp_path / "m.pt")
    assert report.original is None
    assumed = text.split("assumed, not checked:")[1].split("proof:")[0]
    for fact in ("no model.ckpt.meta", "forget_bias = 1", "once per step", "dense head reads"):
        assert fact in assumed
    assert "NOT CHECKED: the proof rebuilt the TF1 side from the assumptions" in text


@needs_torch
@pytest.mark.parametrize("name", ["tied_dynamic", "tied_static"])
def test_a_weight_tied_stack_is_ported_as_three_layers_of_one_cell(saved, tmp_path, name):
    report, text = port(saved[name], tmp_path / "m.pt")
    scopes = [layer.scope for layer in report.model.layers]
    assert scopes == ["rnn/multi_rnn_cell/cell_0/basic_lstm_cell"] * 3
    assert "3 layer(s) per step, 2 of them re-applying a cell below" in text
    assert report.original.ok and report.proof.ok


def test_the_checkpoint_alone_shows_one_layer_for_a_tied_stack(saved):
    # why the graph is needed: the checkpoint holds one cell_0 and nothing else
    found = open_checkpoint(saved["tied_dynamic"])
    assert len(find_rnn(found.shapes, found.read).layers) == 1


def test_an_embedding_is_ported_and_proven_against_the_graph(saved, tmp_path):
    report, text = port(saved["embedding"], tmp_path / "m.onnx", target="onnx")
    assert report.model.embedding.name == "embedding"
    assert "ported      embedding [50, 5]  -> embedding (ids -> the RNN's input)" in text
    assert "proof: ids [4, 6]" in text  # the graph fixes T = 6
    assert report.original.ok and report.proof.ok


def test_an_unnamed_table_the_graph_looks_up_is_the_embedding(saved, tmp_path):
    report, text = port(saved["unnamed_table"], tmp_path / "m.onnx", target="onnx")
    assert report.model.embedding.name == "table"
    assert "table is an embedding: the graph looks the RNN's input up in it" in text
    assert report.original.ok


def test_a_placeholder_the_logits_need_is_named_with_the_option(saved, tmp_path):
    with pytest.raises(GraphProofImpossible, match=r"placeholder 'keep_prob'.*--feed keep_prob="):
        port(saved["dropout"], tmp_path / "m.keras", target="keras")
    assert not (tmp_path / "m.keras").exists()


def test_fed_placeholder_makes_the_dropout_graph_provable(saved, tmp_path):
    report, _ = port(saved["dropout"], tmp_path / "m.keras", target="keras",
                     feeds={"keep_prob": "1.0"})
    assert report.original.ok


def test_each_layer_gets_its_own_forget_bias_from_the_graph(saved):
    prefix = saved["two_forget_biases"]
    found = open_checkpoint(prefix)
    model = find_rnn(found.shapes, found.read)
    facts = read_graph_facts(Path(f"{prefix}.meta"), model)
    assert facts.layer_scopes == tuple(layer.scope for layer in model.layers)
    assert {scope: value for scope, (value, _) in facts.forget_bias.items()} == {
        "rnn/multi_rnn_cell/cell_0/lstm_cell": 0.0, "rnn/multi_rnn_cell/cell_1/lstm_cell": 2.5}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "one"])
def test_forget_bias_must_be_a_finite_number(value, capsys):
    parser = command.argparse.ArgumentParser(prog="tf1-lstm port")
    command.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["m.ckpt", "--to", "keras", "--out", "m.keras", f"--forget-bias={value}"])
    assert "must be a finite number such as 1.0" in capsys.readouterr().err


def test_forget_bias_nan_from_python_is_a_clear_error(saved, tmp_path):
    with pytest.raises(BadPortOption, match="finite number"):
        port(saved["forget_bias_05"], tmp_path / "m.keras", target="keras",
             forget_bias=float("nan"))


def test_a_missing_data_file_is_one_clear_error(saved, tmp_path):
    prefix = copy_checkpoint(saved["forget_bias_05"], tmp_path / "copy")
    next(prefix.parent.glob("*.data-*")).unlink()
    with pytest.raises(CheckpointUnreadable, match=r"no \.data-00000-of-00001 file.*copy"):
        port(prefix, tmp_path / "m.keras", target="keras")


def test_a_truncated_data_file_is_one_clear_error(saved, tmp_path):
    prefix = copy_checkpoint(saved["forget_bias_05"], tmp_path / "copy")
    data = next(prefix.parent.glob("*.data-*"))
    data.write_bytes(data.read_bytes()[:200])
    with pytest.raises(CheckpointUnreadable, match="truncated"):
        port(prefix, tmp_path / "m.keras", target="keras")
    assert not (tmp_path / "m.keras").exists()


@pytest.mark.parametrize("name", [name for name in PROOF_CASES
                                  if PROOF_CASES[name].head != "none"])
def test_the_graph_read_back_gives_the_saved_programs_own_logits(name, tmp_path):
    # Every structure the port takes (static/dynamic, stacks, peepholes, GRU, mixed and uneven
    # stacks, each head style): facts from the .meta, then the restored graph fed on the RNN's
    # input must give the logits the program computed when it was saved.
    prefix, x, original = build_and_save(PROOF_CASES[name], tmp_path, seed=3)
    found = open_checkpoint(prefix)
    resolved = resolve_model(find_rnn(found.shapes, found.read), Path(prefix), None)
    assert [layer.forget_bias for layer in resolved.model.layers
            if layer.kind in ("lstm", "peephole")] == [
        PROOF_CASES[name].forget_bias for layer in resolved.model.layers
        if layer.kind in ("lstm", "peephole")]
    run = locate(resolved.facts, resolved.model)
    assert run.proof_shape(9, 9, x.shape[2])[1:] == x.shape[1:]  # the graph fixes T
    logits = run_graph(resolved.facts, run, Path(prefix), x, {})
    np.testing.assert_allclose(logits, original["logits"], atol=1e-5)
    assert unported_on_path(model_reads(resolved.facts, run), resolved.model, found.shapes) == []


def test_a_model_without_a_head_has_no_logits_to_prove_against(tmp_path):
    prefix, _, _ = build_and_save(PROOF_CASES["basic_rnn_1_no_head"], tmp_path, seed=3)
    found = open_checkpoint(prefix)
    resolved = resolve_model(find_rnn(found.shapes, found.read), Path(prefix), None)
    with pytest.raises(GraphProofImpossible, match="no dense head"):
        locate(resolved.facts, resolved.model)


def test_an_embedding_left_out_with_the_option_is_refused(saved, tmp_path):
    with pytest.raises(UnportedVariable, match=r"the RNN's outputs read embedding \[50, 5\].*"
                                               r"--embedding embedding"):
        port(saved["embedding"], tmp_path / "m.keras", target="keras", dense="none",
             embedding="none")
    assert not (tmp_path / "m.keras").exists()


@needs_torch
def test_every_checkpoint_variable_is_listed_as_ported_or_not(saved, tmp_path):
    _, text = port(saved["forget_bias_05"], tmp_path / "m.pt")
    listing = text.split("variables:")[1].split("read from the checkpoint's graph")[0]
    found = open_checkpoint(saved["forget_bias_05"])
    ported = [line for line in listing.splitlines() if line.strip().startswith("ported")]
    assert len(ported) == 4  # kernel, bias, out_weights, out_bias
    optimizer = [name for name in found.shapes if "Adam" in name or "_power" in name]
    assert f"not ported  {len(optimizer)} optimizer variables" in listing
    for line in ported:
        assert line.split()[1] in found.shapes


def test_without_meta_an_embedding_is_found_by_its_name_and_not_checked(saved, tmp_path):
    prefix = copy_checkpoint(saved["embedding"], tmp_path / "no_meta", meta=False)
    report, text = port(prefix, tmp_path / "m.onnx", target="onnx")
    assert report.model.embedding.name == "embedding" and report.proof.ok
    assert "NOT CHECKED" in text


def test_without_meta_an_embedding_shaped_variable_is_pointed_out(saved, tmp_path):
    prefix = copy_checkpoint(saved["unnamed_table"], tmp_path / "no_meta", meta=False)
    _, text = port(prefix, tmp_path / "m.onnx", target="onnx")
    assert "not ported  table [50, 5]" in text
    assert "looks like an embedding [vocabulary, 5] in front of the RNN" in text
    assert "pass --embedding table" in text
    assert "NOT CHECKED" in text
