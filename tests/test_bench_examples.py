"""Each legacy example's training step under run and run --fast, measured without editing it.

``TF1_LSTM_STEP_TIMES=FILE`` times every ``Session.run`` of a script by what it fetched
(``tf1_lstm.legacy.step_times``); ``tf1_lstm.bench.examples`` runs the examples with it and
picks the training step out of the fetches. Tiny TF1 scripts stand in for the examples (a
real one takes 30-50 s); no test looks at how long anything took.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import run_python

from tf1_lstm.bench import command, examples
from tf1_lstm.bench.examples import (
    ExampleRow,
    ScriptRun,
    example_rows,
    format_example_rows,
    no_training_text,
    row_to_dict,
    rows_from,
    run_once,
    training_steps,
)
from tf1_lstm.legacy.step_times import StepTimes

pytestmark = pytest.mark.slow  # TF1 scripts in new interpreters

TRAIN, EVAL, INTERACTIVE, SECOND_GRAPH = 7, 11, 3, 4
TRAINING_SCRIPT = f"""
import os
import sys

import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3, 2])
outputs, state = tf.nn.dynamic_rnn(tf.contrib.rnn.BasicLSTMCell(4), x, dtype=tf.float32)
with tf.variable_scope("plain"):  # a cell the fast path leaves to TF
    plain_outputs, _ = tf.nn.dynamic_rnn(tf.contrib.rnn.BasicRNNCell(4), x, dtype=tf.float32)
loss = tf.reduce_mean(tf.square(outputs[:, -1] + plain_outputs[:, -1]), name="loss")
train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
feed = {{x: np.ones((2, 3, 2), np.float32)}}
with tf.Session() as sess:
    if os.environ.get("TF1_LSTM_FAST") == "1" and "tf1_lstm_original" not in vars(type(sess)):
        sys.exit("CHECK FAILED: run --fast did not give the tuned Session")
    sess.run(tf.global_variables_initializer())
    for _ in range({TRAIN}):
        sess.run(train_op, feed_dict=feed)
    for _ in range({EVAL}):  # an eval fetch, called more often than the training step
        sess.run([loss, state], feed_dict=feed)
    loss.eval(feed_dict=feed)
interactive = tf.InteractiveSession()
for _ in range({INTERACTIVE}):
    interactive.run(tf.reduce_sum(x, name="total") if _ == 0 else "total:0", feed_dict=feed)
interactive.close()

with tf.Graph().as_default():  # the same op name, "loss", in a second graph
    v = tf.Variable(1.0, name="v")
    step = tf.group(tf.assign_add(v, 1.0), name="train_step")  # named so, no optimizer op
    with tf.Session() as sess:
        sess.run(v.initializer)
        for _ in range({SECOND_GRAPH}):
            sess.run(step)
        sess.run(tf.identity(v, name="loss"))
print("CHECK OK")
"""


def script(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def both_runs(tmp_path_factory) -> dict[str, ScriptRun]:
    path = script(tmp_path_factory.mktemp("step_times"), "train_a_little.py", TRAINING_SCRIPT)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two cores; no timing is looked at
        return dict(zip(examples.MODES, pool.map(lambda mode: run_once(path, mode),
                                                 examples.MODES), strict=True))


@pytest.mark.parametrize("mode", ["run", "run --fast"])
def test_every_session_run_is_counted_under_its_fetches_and_graph(both_runs, mode):
    run = both_runs[mode]
    assert run.ok, run.error
    calls = {key: len(seconds) for key, seconds in run.times.calls.items()}
    [evaluation] = [key for key in calls if key.startswith("[loss:0, LSTMStateTuple(c=")]
    [second_init] = [key for key in calls if key.startswith("v/") and "@graph 2" in key]
    assert calls == {"init": 1, "Adam": TRAIN, evaluation: EVAL, "loss:0": 1,
                     "total:0": INTERACTIVE, second_init: 1,
                     "train_step @graph 2": SECOND_GRAPH, "loss:0 @graph 2": 1}
    trains = {key for key, facts in run.times.fetches.items() if facts["trains"]}
    assert trains == {"Adam"}
    assert run.times.fetches["train_step @graph 2"] == {"graph": 2, "trains": False}
    assert run.times.graphs == {1: ["basic_lstm_cell", "basic_rnn_cell"], 2: []}
    assert all(seconds > 0 for seconds in run.times.calls["Adam"])
    assert run.times.script_seconds > 0


def test_the_row_takes_the_optimizer_fetch_and_says_what_ran_on_the_fast_path(both_runs):
    rows = rows_from("train_a_little", both_runs["run"], both_runs["run --fast"])
    graph_1 = next(row for row in rows if row.part.startswith("graph 1"))
    assert (graph_1.step, graph_1.found_by, graph_1.calls, graph_1.fast_calls) == (
        "Adam", "optimizer op", TRAIN, TRAIN)
    assert len(graph_1.run_seconds) == len(graph_1.fast_seconds) == TRAIN - examples.WARMUP_CALLS
    assert graph_1.fast_served == ["dynamic_rnn of BasicLSTMCell"]
    assert [note.split(" (")[0] for note in graph_1.fast_own] == ["dynamic_rnn of BasicRNNCell"]
    assert graph_1.fast_threads.startswith("tf.Session threads intra_op")
    # the second graph has no optimizer op: its step is the fetch named like one
    graph_2 = next(row for row in rows if row.part.startswith("graph 2"))
    assert (graph_2.step, graph_2.found_by, graph_2.calls) == (
        "train_step @graph 2", "op name", SECOND_GRAPH)
    assert graph_1.part == "graph 1: basic_lstm_cell, basic_rnn_cell"
    table = format_example_rows(rows)
    assert "train_a_little [graph 1: basic_lstm_cell, basic_rnn_cell]" in table
    assert "fast path: dynamic_rnn of BasicLSTMCell; TF's own: dynamic_rnn of BasicRNNCell" in table
    assert json.loads(json.dumps(row_to_dict(graph_1)))["speed_up"] == graph_1.speed_up


def test_without_the_variable_nothing_is_installed_or_written_and_the_order_is_free(tmp_path):
    # Nothing of step_times without TF1_LSTM_STEP_TIMES; installed after run --fast's tuned
    # Session (the other order from activate's), its calls are still timed.
    times = tmp_path / "times.json"
    probe = script(tmp_path, "probe.py", f"""
        import sys
        import tensorflow as tf
        print("imported", "tf1_lstm.legacy.step_times" in sys.modules)
        print("installed", "run" in vars(tf.Session), "run" in vars(tf.InteractiveSession))
        from tf1_lstm.legacy import fast_calls, step_times
        fast_calls.install()
        step_times.install({str(times)!r})
        with tf.Session() as sess:
            print("tuned", "tf1_lstm_original" in vars(type(sess)))
            sess.run(tf.constant(2.0, name="two"))
    """)
    result = run_python("", "-m", "tf1_lstm", "run", str(probe), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.splitlines() == ["imported False", "installed False False", "tuned True"]
    assert json.loads(times.read_text())["calls"].keys() == {"two:0"}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["probe.py", "times.json"]


def test_a_failing_script_gives_a_row_with_its_error_not_a_traceback(tmp_path):
    broken = script(tmp_path, "broken.py", """
        import tensorflow as tf
        raise ValueError("the script broke before training")
    """)
    started = []
    rows = example_rows([broken], progress=started.append)
    assert started == ["[1/1] tf1-lstm run broken.py"]  # not run again with --fast
    [row] = rows
    assert row.status == ("failed under tf1-lstm run: exit 1: ValueError: the script broke "
                          "before training; not run with --fast")
    assert row.step == "" and row.run_ms is None and row.speed_up is None
    assert "Traceback" not in format_example_rows(rows)


# ---- which fetch is the training step (made-up files) ----------------------------------------

def times(calls: dict[str, int], trains=(), graphs=None) -> StepTimes:
    def graph(key):
        return int(key.split(" @graph ")[1]) if " @graph " in key else 1

    return StepTimes(1.0, {key: [0.01] * n for key, n in calls.items()},
                     {key: {"graph": graph(key), "trains": key in trains} for key in calls},
                     graphs or {1: []})


def test_the_optimizer_fetch_wins_over_an_eval_fetch_called_more_often():
    [step] = training_steps(times({"init": 1, "Adam": 20, "[loss:0, accuracy:0]": 200},
                                  trains={"Adam"}))
    assert (step.key, step.found_by, step.other_training) == ("Adam", "optimizer op", 0)


def test_of_several_training_fetches_the_most_called_one_and_the_others_are_counted():
    # document 006: one update op per bucket
    [step] = training_steps(times({"[loss_0:0, Adam]": 155, "[loss_1:0, Adam_1]": 245},
                                  trains={"[loss_0:0, Adam]", "[loss_1:0, Adam_1]"}))
    assert (step.key, step.other_training) == ("[loss_1:0, Adam_1]", 1)


def test_without_an_optimizer_op_an_op_named_train_wins_but_not_a_tensor_named_so():
    [step] = training_steps(times({"train_accuracy:0": 50, "my_train_step": 20}))
    assert (step.key, step.found_by) == ("my_train_step", "op name")


def test_without_optimizer_op_or_name_the_most_called_fetch_is_taken_and_said():
    [step] = training_steps(times({"assign_w": 30, "loss:0": 2}))
    assert (step.key, step.found_by) == ("assign_w", "most calls")


def test_a_script_without_a_loop_has_no_training_step_and_its_row_says_so():
    # document 003 traces one cell: an initializer and one run
    recorded = times({"init": 1, "[Mul:0, Sigmoid:0]": 1})
    assert training_steps(recorded) == []
    row, = rows_from("003", ScriptRun("run", times=recorded),
                     ScriptRun("run --fast", times=recorded))
    assert row.status == no_training_text(recorded)
    assert row.status.startswith("no training loop: 2 session.run calls of 2 fetches")
    assert row.status in format_example_rows([row])


def test_each_trained_graph_gets_its_row_matched_by_graph_between_the_modes():
    plain = times({"Adam": 12, "Adam @graph 2": 10}, trains={"Adam", "Adam @graph 2"},
                  graphs={1: ["lstm_cell"], 2: ["gru_cell"]})
    rows = rows_from("001_004", ScriptRun("run", times=plain), ScriptRun("run --fast",
                                                                         times=plain))
    assert [(row.part, row.step, row.calls, len(row.run_seconds)) for row in rows] == [
        ("graph 1: lstm_cell", "Adam", 12, 12 - examples.WARMUP_CALLS),
        ("graph 2: gru_cell", "Adam @graph 2", 10, 10 - examples.WARMUP_CALLS)]


def test_a_failure_under_fast_keeps_the_run_timings_and_says_so():
    plain = times({"Adam": 8}, trains={"Adam"})
    row, = rows_from("x", ScriptRun("run", times=plain),
                     ScriptRun("run --fast", error="exit 1: RuntimeError: no", times=None))
    assert row.status == "failed under tf1-lstm run --fast: exit 1: RuntimeError: no"
    assert row.run_ms == pytest.approx(10.0) and row.fast_ms is None and row.speed_up is None


def test_the_speed_up_is_run_ms_over_fast_ms():
    row = ExampleRow("x", step="Adam", run_seconds=[0.03, 0.01, 0.02],
                     fast_seconds=[0.005, 0.004])
    assert row.speed_up == pytest.approx(0.02 / 0.0045)


def test_names_resolve_to_examples_by_stem_or_unique_prefix():
    assert [path.stem for path in examples.example_scripts(["002", "003_hand_traced"])] == [
        "002_static_rnn_unstack_mnist", "003_hand_traced_memory_cell"]
    with pytest.raises(examples.UnknownExample, match="'001' is ambiguous"):
        examples.example_scripts(["001"])
    with pytest.raises(examples.UnknownExample, match="'999' names no example"):
        examples.example_scripts(["999"])


def test_bench_examples_only_prints_the_examples_table_and_saves_them(tmp_path, monkeypatch,
                                                                       capsys):
    row = ExampleRow("002_static_rnn_unstack_mnist", step="Adam", found_by="optimizer op",
                     calls=40, fast_calls=40,
                     run_seconds=[0.02] * 35, fast_seconds=[0.01] * 35)
    asked = []
    monkeypatch.setattr(examples, "example_rows",
                        lambda progress: asked.append(progress) or [row])
    saved = tmp_path / "bench.json"
    args = argparse.Namespace(quick=False, seq2seq_only=False, examples=False,
                              examples_only=True, json=False, save=saved, force=False)
    assert command.main(args) == 0
    printed = capsys.readouterr().out
    assert len(asked) == 1
    assert printed.startswith("Legacy examples, unmodified") and "002_static" in printed
    assert "matmul ceiling" not in printed           # no model jobs ran
    saved_rows = json.loads(saved.read_text())["examples"]
    assert [e["example"] for e in saved_rows] == [row.example]
    assert saved_rows[0]["speed_up"] == pytest.approx(2.0)
