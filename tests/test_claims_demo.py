"""The demo with --logdir (TensorBoard: static_rnn's unrolled graph, dynamic_rnn's while loop,
loss and accuracy curves). The claims table it ends with is checked where the whole command
runs (``test_cli.py``): the quick claims are too long to run twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf1_lstm.compat import tf
from tf1_lstm.demo import run_demo
from tf1_lstm.train import LogdirError, new_run_dir


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    no_mnist, logdir = root / "no_mnist", root / "logs"
    no_mnist.mkdir()
    logdir.mkdir()
    (logdir / "earlier.txt").write_text("keep me")
    return run_demo(data_dir=str(no_mnist), steps=20, seed=1, logdir=str(logdir)), logdir


def events(folder: Path) -> list:
    files = sorted(folder.glob("events.out.tfevents.*"))
    assert files, f"no event file in {folder}"
    return [event for path in files for event in tf.train.summary_iterator(str(path))]


def graph_ops(folder: Path) -> list[str]:
    graph = next(tf.GraphDef.FromString(e.graph_def) for e in events(folder) if e.graph_def)
    return [node.op for node in graph.node]


def test_demo_logdir_is_a_new_run_folder_and_keeps_what_was_there(demo):
    result, logdir = demo
    run = Path(result.logdir)
    assert run.parent == logdir and run.name.startswith("demo-")
    assert (logdir / "earlier.txt").read_text() == "keep me"


def test_static_rnn_graph_is_unrolled_and_dynamic_rnn_graph_is_a_while_loop(demo):
    run = Path(demo[0].logdir)
    static, dynamic = graph_ops(run / "static_rnn"), graph_ops(run / "dynamic_rnn")
    assert "LoopCond" not in static and static.count("MatMul") >= 28  # one cell copy per row
    assert "LoopCond" in dynamic and dynamic.count("MatMul") < 28


def test_static_rnn_run_has_loss_and_accuracy_at_every_logged_step(demo):
    result = demo[0]
    scalars = [(e.step, value.tag) for e in events(Path(result.logdir) / "static_rnn")
               for value in e.summary.value]
    assert sorted(step for step, tag in scalars if tag == "loss") == result.log.steps
    assert sorted(step for step, tag in scalars if tag == "accuracy") == result.log.steps


def test_demo_keeps_the_trained_weights_under_tf1s_names(demo):
    assert demo[0].weights["rnn/basic_lstm_cell/kernel"].shape == (156, 512)


def test_new_run_dir_never_reuses_a_folder_and_refuses_a_file(tmp_path):
    first, second = new_run_dir(tmp_path, "demo"), new_run_dir(tmp_path, "demo")
    assert first != second and first.is_dir() and second.is_dir()  # same second: suffixed
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(LogdirError, match="is a file"):
        new_run_dir(tmp_path / "a_file")
