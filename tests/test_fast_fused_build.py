"""Building and loading the fused LSTM step (``tf1_lstm.fast.fused``): once per machine, by one
process when several start together, into a cache keyed by what the library depends on; and
without a compiler, with a failing one, or turned off, the fast path runs TensorFlow ops and
says why.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, run_python

from tf1_lstm.compat import tf
from tf1_lstm.fast import fused
from tf1_lstm.fast.cell import FastLSTMCell
from tf1_lstm.fast.errors import FastPathError
from tf1_lstm.fast.rnn import static_rnn as fast_static_rnn
from tf1_lstm.fast.sequence import lstm_layer
from tf1_lstm.port.errors import GraphUnreadable
from tf1_lstm.port.graph_facts import import_graph


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """No library loaded yet in this process's view, and an empty cache."""
    monkeypatch.setattr(fused, "_state", {})
    monkeypatch.setenv("TF1_LSTM_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TF1_LSTM_FUSED", raising=False)
    return tmp_path


def fake_compiler(folder: Path, version: str, fails: str = "") -> Path:
    """An executable that answers --version and fails every compile with ``fails``."""
    path = folder / f"cxx-{abs(hash(version + fails))}"
    path.write_text(f"#!/bin/sh\nif [ \"$1\" = --version ]; then echo '{version}'; exit 0; fi\n"
                    f"echo '{fails}' >&2\nexit 1\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


def layer_op_types(fused_step=None) -> set[str]:
    with tf.Graph().as_default() as graph:
        x = tf.zeros([2, 3])
        lstm_layer([x, x], tf.zeros([7, 16]), tf.zeros([16]), tf.zeros([2, 4]),
                   tf.zeros([2, 4]), 1.0, fused=fused_step)
        return {op.type for op in graph.get_operations()}


def test_turned_off_it_is_not_built_and_the_layer_runs_tensorflow_ops(fresh, monkeypatch):
    monkeypatch.setenv("TF1_LSTM_FUSED", "0")
    assert fused.library() is None
    assert fused.status().startswith("turned off (TF1_LSTM_FUSED=0)")
    assert "Tf1LstmStep" not in layer_op_types()
    assert not (fresh / "cache").exists()


def test_without_a_compiler_the_status_says_so(fresh, monkeypatch):
    monkeypatch.setenv("CXX", str(fresh / "no-such-compiler"))
    assert fused.library() is None
    assert fused.status().startswith("no C++ compiler (g++, or $CXX)")


def test_a_failed_build_is_reported_with_the_compilers_words_and_the_layer_still_runs(
        fresh, monkeypatch):
    monkeypatch.setenv("CXX", str(fake_compiler(fresh, "cxx 1.0", "error: no headers here")))
    assert fused.library() is None
    assert "did not build (error: no headers here)" in fused.status()
    assert "Tf1LstmStep" not in layer_op_types()
    with pytest.raises(FastPathError, match="error: no headers here"):
        layer_op_types(fused_step=True)
    assert not list((fresh / "cache").rglob("*.so"))  # nothing half-written is published


def test_the_cache_key_changes_with_the_compiler_and_the_sources(fresh, monkeypatch):
    one, two = (fake_compiler(fresh, version) for version in ("cxx 1.0", "cxx 2.0"))
    assert fused._key(str(one)) == fused._key(str(one))
    assert fused._key(str(one)) != fused._key(str(two))
    sources = fresh / "kernels"
    sources.mkdir()
    for name in (fused.MATH, fused.OPS):
        (sources / name).write_bytes((fused.SOURCES / name).read_bytes())
    before = fused._key(str(one))
    monkeypatch.setattr(fused, "SOURCES", sources)
    assert fused._key(str(one)) == before
    (sources / fused.MATH).write_text((sources / fused.MATH).read_text() + "\n// changed\n")
    assert fused._key(str(one)) != before


def test_a_graph_holding_the_op_needs_the_library_and_says_how_to_do_without(fresh, monkeypatch):
    monkeypatch.setenv("TF1_LSTM_FUSED", "0")
    graph_def = tf.compat.v1.GraphDef()
    graph_def.node.add(name="step", op="Tf1LstmStep")
    with pytest.raises(RuntimeError, match="built by tf1-lstm's fast path.*turned off"):
        fused.load_for(graph_def)
    fused.load_for(tf.compat.v1.GraphDef())  # a graph without it needs nothing


CHILD = """
import sys
from tf1_lstm.compat import tf
from tf1_lstm.fast import fused
assert fused.library() is not None, fused.status()
print(fused.status())
"""


def test_processes_started_together_build_it_once_and_all_load_it(tmp_path):
    env = {**os.environ, "TF1_LSTM_CACHE": str(tmp_path / "cache"),
           "PYTHONPATH": str(REPO)}
    env.pop("TF1_LSTM_FUSED", None)
    children = [subprocess.Popen([sys.executable, "-c", CHILD], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
    results = [child.communicate(timeout=300) for child in children]
    assert all(child.returncode == 0 for child in children), results
    building = sum(err.count("building the fast path's fused LSTM step") for _, err in results)
    assert building == 1, results
    loaded = {out.strip() for out, _ in results}
    assert len(loaded) == 1 and loaded.pop().startswith("fused LSTM step loaded from")
    assert len(list((tmp_path / "cache").rglob("*.so"))) == 1


def test_a_meta_graph_the_fast_path_wrote_imports_for_the_port(tmp_path, monkeypatch):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3, 2])
        fast_static_rnn(FastLSTMCell(4), tf.unstack(x, 3, 1), dtype=tf.float32)
        meta = tmp_path / "model.ckpt.meta"
        tf.train.export_meta_graph(str(meta))
    graph, _ = import_graph(meta)
    assert "Tf1LstmStep" in {op.type for op in graph.get_operations()}
    monkeypatch.setattr(fused, "_state", {})
    monkeypatch.setenv("TF1_LSTM_FUSED", "0")  # as on a machine where it cannot be built
    with pytest.raises(GraphUnreadable, match="built by tf1-lstm's fast path"):
        import_graph(meta)


TRAIN = """
import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn
x = tf.placeholder(tf.float32, [None, 3, 2], name="x")
outputs, _ = rnn.static_rnn(rnn.BasicLSTMCell(4), tf.unstack(x, 3, 1), dtype=tf.float32)
tf.identity(outputs[-1], name="last")
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    tf.train.Saver().save(sess, "{prefix}")
    print(sess.run("last:0", {{x: np.ones([1, 3, 2])}}).sum())
"""
RESTORE = """
import numpy as np
import tensorflow as tf
with tf.Session() as sess:
    saver = tf.train.import_meta_graph("{prefix}.meta")
    saver.restore(sess, "{prefix}")
    ops = {{op.type for op in tf.get_default_graph().get_operations()}}
    print("Tf1LstmStep" in ops, sess.run("last:0", {{"x:0": np.ones([1, 3, 2])}}).sum())
"""


def test_a_script_imports_the_meta_graph_a_fast_run_saved(tmp_path):
    prefix = tmp_path / "model.ckpt"
    scripts = {}
    for name, text in (("train", TRAIN), ("restore", RESTORE)):
        scripts[name] = tmp_path / f"{name}.py"
        scripts[name].write_text(text.format(prefix=prefix))
    trained = run_python("", "-m", "tf1_lstm", "run", "--fast", str(scripts["train"]))
    assert trained.returncode == 0, trained.stderr[-2000:]
    restored = run_python("", "-m", "tf1_lstm", "run", str(scripts["restore"]))  # no --fast
    assert restored.returncode == 0, restored.stderr[-2000:]
    holds_op, value = restored.stdout.split()
    assert holds_op == "True"                     # the fused op came back with the graph
    assert float(value) == pytest.approx(float(trained.stdout.strip()), abs=1e-6)
