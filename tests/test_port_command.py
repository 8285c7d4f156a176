"""``tf1-lstm port`` end to end: a legacy program trained briefly, saved, ported, proven.

Document 001's stacked classifier (``legacy_examples/001_stacked_lstm_mnist.py``, built by the
same ``tf1_lstm.models`` builder) trains for a few steps on MNIST, is saved by
``tf.train.Saver``, and is ported to Keras 3 and to PyTorch by the command's own function.
Its printed proof must be within 1e-5, and the ported files, loaded the way the command tells
users to load them, must give the TF1 session's logits on real test digits.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import run_python

from tf1_lstm.port import command
from tf1_lstm.port.errors import (
    AmbiguousGraph,
    BadOutputPath,
    CheckpointNotFound,
    OutputExists,
    ProofFailed,
    TorchMissing,
)
from tf1_lstm.port.proof import TOLERANCE
from tf1_lstm.port.source_tf1 import run_source

TORCH_INSTALLED = command.importlib.util.find_spec("torch") is not None  # not imported here
needs_torch = pytest.mark.skipif(not TORCH_INSTALLED, reason="PyTorch is optional and not "
                                 "installed: pip install torch==2.13.0 to run the torch ports")
TRAINING_STEPS = 30


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tf1-lstm port")
    command.add_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.fixture(scope="module")
def document_001(tmp_path_factory) -> dict:
    """Document 001's model after a few Adam steps on MNIST: its checkpoint, digits, logits."""
    from tf1_lstm.compat import reset_graph, tf
    from tf1_lstm.data.mnist import read_data_sets
    from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist

    folder = tmp_path_factory.mktemp("document_001")
    mnist = read_data_sets(str(folder / "no_mnist_here"), seed=42, allow_subset=True)
    digits = mnist.test.images[:64].reshape(-1, 28, 28)
    reset_graph(42)
    model = build_stacked_lstm_mnist()  # 3 x BasicLSTMCell(150), dense "softmax", as the script
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for _ in range(TRAINING_STEPS):
            x_batch, y_batch = mnist.train.next_batch(150)
            session.run(model.opt, {model.x: x_batch.reshape(-1, 28, 28), model.y: y_batch})
        prefix = tf.train.Saver().save(session, str(folder / "model.ckpt"))
        logits = session.run(model.logits, {model.x: digits})
    np.save(folder / "digits.npy", digits)
    return {"prefix": prefix, "folder": folder, "digits": digits, "logits": logits}


def printed_diffs(text: str) -> list[float]:
    return [float(value) for value in re.findall(r"max \|diff\| (\S+)", text)]


@pytest.fixture(scope="module")
def ports(document_001) -> dict[str, tuple[Path, str]]:
    """target -> (the written file, what the command printed): keras through ``main`` as the
    CLI calls it, torch (when installed) through ``port_checkpoint``."""
    folder, prefix = document_001["folder"], document_001["prefix"]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert command.main(parse(prefix, "--to", "keras", "--out",
                                  str(folder / "document_001.keras"))) == 0
    result = {"keras": (folder / "document_001.keras", printed.getvalue())}
    if TORCH_INSTALLED:
        lines = []
        command.port_checkpoint(prefix, "torch", folder / "document_001.pt", forget_bias=1.0,
                                echo=lines.append)
        result["torch"] = (folder / "document_001.pt", "\n".join(lines))
    return result


def test_document_001_ports_to_keras_with_its_proof_printed(document_001, ports):
    out, printed = ports["keras"]
    assert "layer 2: BasicLSTMCell(150), input 150" in printed
    assert "dense head: softmax/kernel [150, 10] + softmax/bias" in printed
    assert "forget_bias = 1 for rnn/multi_rnn_cell/cell_2/basic_lstm_cell (op " in printed
    diffs = printed_diffs(printed)
    # the graph's own logits, then the rebuilt cells' outputs, (c, h) of 3 layers, logits
    assert len(diffs) == 1 + (1 + 3 * 2 + 1)
    assert max(diffs) <= TOLERANCE and "OK: all within 1e-05" in printed
    assert "against the checkpoint's own graph (model.ckpt.meta, restored)" in printed
    assert out.is_file() and f"wrote {out}" in printed


def test_an_existing_port_is_not_overwritten(document_001, ports):
    out, _ = ports["keras"]
    before = out.read_bytes()
    with pytest.raises(OutputExists, match="--force"):  # stops before reading anything
        command.main(parse(document_001["prefix"], "--to", "keras", "--out", str(out)))
    assert out.read_bytes() == before


@needs_torch
def test_document_001_ports_to_torch_with_its_proof_printed(ports):
    out, printed = ports["torch"]
    assert out.is_file() and "forget_bias = 1 for rnn/multi_rnn_cell/cell_0" in printed
    assert len(printed_diffs(printed)) == 9 and max(printed_diffs(printed)) <= TOLERANCE
    assert "from document_001 import load" in printed  # how to load it: the module beside
    assert out.with_suffix(".py").read_text() == (
        Path(command.__file__).with_name("torch_standalone.py").read_text())


@needs_torch
def test_ported_files_give_the_tf1_logits_on_real_digits(document_001, ports):
    # Loaded as the command says, on 64 real test digits, in a process where tf1_lstm cannot
    # be imported: the ports stand alone.
    folder = document_001["folder"]
    result = run_python(f"""
        import sys
        sys.modules["tf1_lstm"] = None  # import tf1_lstm now fails
        sys.path.insert(0, {str(ports["torch"][0].parent)!r})
        import json, numpy as np, keras, torch
        from document_001 import load
        digits = np.load({str(folder / "digits.npy")!r})
        model = keras.models.load_model({str(ports["keras"][0])!r})
        torch_model = load()
        with torch.no_grad():
            torch_logits = torch_model(torch.from_numpy(digits)).numpy()
        print(json.dumps({{"keras": model.predict(digits, verbose=0).tolist(),
                           "torch": torch_logits.tolist()}}))
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    logits = json.loads(result.stdout.splitlines()[-1])
    for target in ("keras", "torch"):
        ported = np.array(logits[target])
        assert np.max(np.abs(ported - document_001["logits"])) <= TOLERANCE
        assert (ported.argmax(1) == document_001["logits"].argmax(1)).all()


# ---- refusals and errors through the command ----------------------------------------------

@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, str]:
    """Checkpoints of document 001's peephole and GRU variants (untrained) and of two stacks."""
    from tf1_lstm.compat import reset_graph, rnn, tf
    from tf1_lstm.models.stacked_lstm_mnist import build_stacked_lstm_mnist

    prefixes = {}
    for kind in ("peephole", "gru", "two_stacks"):
        reset_graph(0)
        if kind == "two_stacks":
            x = tf.placeholder(tf.float32, [None, 4, 3])
            tf.nn.dynamic_rnn(rnn.BasicLSTMCell(5), x, dtype=tf.float32, scope="encoder")
            tf.nn.dynamic_rnn(rnn.BasicLSTMCell(5), x, dtype=tf.float32, scope="decoder")
        else:
            build_stacked_lstm_mnist(n_neurons=8, n_layers=2, cell=kind)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            folder = tmp_path_factory.mktemp(kind)
            prefixes[kind] = tf.train.Saver().save(session, str(folder / "model.ckpt"))
    return prefixes


def only_checkpoint_files(folder: Path) -> bool:
    return all(path.name.startswith(("model.ckpt", "checkpoint")) for path in folder.iterdir())


@needs_torch
@pytest.mark.parametrize("kind", ["gru", "peephole"])
def test_tf1s_gru_and_peephole_lstm_port_to_torch_as_their_own_modules(variants, kind, capsys,
                                                                        tmp_path):
    out = tmp_path / "port.pt"
    assert command.main(parse(variants[kind], "--to", "torch", "--out", str(out))) == 0
    printed = capsys.readouterr().out
    assert "OK: all within 1e-05" in printed and out.is_file()
    assert (out.parent / "port.py").is_file()


def test_two_stacks_need_a_scope(variants, capsys):
    args = ("--to", "keras", "--out", str(Path(variants["two_stacks"]).parent / "port.keras"))
    with pytest.raises(AmbiguousGraph, match=r"'decoder/basic_lstm_cell'.*'encoder/"
                                             r"basic_lstm_cell'.*--scope"):
        command.main(parse(variants["two_stacks"], *args))


def test_missing_checkpoint(tmp_path: Path):
    with pytest.raises(CheckpointNotFound, match="no TF1 checkpoint"):
        command.main(parse(str(tmp_path / "nothing.ckpt"), "--to", "keras", "--out",
                           str(tmp_path / "port.keras")))


def test_wrong_suffix_is_refused_before_reading(tmp_path: Path):
    with pytest.raises(BadOutputPath, match=r"\.pt or \.pth"):
        command.main(parse(str(tmp_path / "nothing.ckpt"), "--to", "torch", "--out",
                           str(tmp_path / "port.keras")))


def test_torch_missing_is_said_with_the_install_line(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(command.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(TorchMissing, match=r"pip install torch==2\.13\.0"):
        command.main(parse(str(tmp_path / "x.ckpt"), "--to", "torch", "--out",
                           str(tmp_path / "port.pt")))


def test_a_port_that_fails_its_proof_is_not_written(variants, monkeypatch, capsys):
    class WrongTarget:  # a target world whose model computes something else
        def __init__(self, target, jobs):
            self.job = jobs[0]

        def results(self):
            from tf1_lstm.port.tf1_rnn import find_rnn

            self.job.path.write_bytes(b"a wrong model")
            found = command.open_checkpoint(variants["gru"])
            source = run_source(find_rnn(found.shapes, found.read), self.job.x)
            return [{name: value + 1e-3 for name, value in source.items()}]

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            pass

    monkeypatch.setattr(command, "TargetWorld", WrongTarget)
    out = Path(variants["gru"]).parent / "wrong.keras"
    with pytest.raises(ProofFailed, match="was not written"):
        command.main(parse(variants["gru"], "--to", "keras", "--out", str(out)))
    assert "FAILED: max |diff| 0.001 is beyond the bound" in capsys.readouterr().out
    assert not out.exists() and only_checkpoint_files(out.parent)
