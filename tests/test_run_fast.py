"""``tf1-lstm run --fast``: a script's LSTM and GRU RNNs on the fast path, same results.

Each script runs twice in fresh interpreters, with and without ``--fast``, and prints its
variables and outputs: the two must agree (names and shapes exactly, values to float
tolerance), the calls the fast path took and the ones it left to TF (an LSTMCell with
num_proj) must be noted, and a checkpoint written by one must restore into the other.
Document 002's program gives the same losses both ways (to float tolerance, which grows over
790 training steps).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, run_python

from tf1_lstm.fast.rnn import default_shards

SCRIPT = """
import json, sys, zlib
import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn

x = tf.placeholder(tf.float32, [None, 5, 3])
stack = rnn.MultiRNNCell([rnn.GRUCell(4), rnn.BasicLSTMCell(4, forget_bias=0.5)])
init = stack.zero_state(tf.shape(x)[0], tf.float32)  # (h, LSTMStateTuple(c, h))
outputs, state = tf.nn.dynamic_rnn(stack, x, initial_state=init)
gru_out, gru_state = tf.nn.dynamic_rnn(rnn.GRUCell(3, bias_initializer=tf.zeros_initializer()),
                                       x, sequence_length=tf.constant([5, 2]),
                                       dtype=tf.float32, scope="gru")
lstm = rnn.BasicLSTMCell(6)
static, _ = rnn.static_rnn(lstm, tf.unstack(x, 5, 1), dtype=tf.float32, scope="s")
again, _ = rnn.static_rnn(lstm, tf.unstack(x * 2, 5, 1), dtype=tf.float32, scope="s")
(bi_fw, bi_bw), (bi_state_fw, bi_state_bw) = tf.nn.bidirectional_dynamic_rnn(
    rnn.BasicLSTMCell(3), rnn.BasicLSTMCell(3), x, sequence_length=tf.constant([5, 3]),
    dtype=tf.float32)
peep = rnn.MultiRNNCell([rnn.LSTMCell(3, use_peepholes=True, forget_bias=0.7),
                        rnn.LSTMCell(3)])
peep_out, _ = tf.nn.dynamic_rnn(peep, x, dtype=tf.float32, scope="peep")
proj_out, _ = tf.nn.dynamic_rnn(rnn.LSTMCell(3, num_proj=2), x, dtype=tf.float32, scope="proj")
static_bi, _, _ = rnn.static_bidirectional_rnn(
    rnn.BasicLSTMCell(2), rnn.BasicLSTMCell(2), tf.unstack(x, 5, 1), dtype=tf.float32,
    scope="static_bi")
loss = (tf.reduce_sum(outputs) + tf.reduce_sum(static[-1]) + tf.reduce_sum(again[-1])
        + tf.reduce_sum(gru_out) + tf.reduce_sum(state[0] * gru_state[:, :1])
        + tf.reduce_sum(bi_fw) + tf.reduce_sum(bi_bw)
        + tf.reduce_sum(bi_state_bw.h) + tf.reduce_sum(static_bi[0]) + tf.reduce_sum(peep_out)
        + tf.reduce_sum(proj_out))
grads = tf.gradients(loss, tf.trainable_variables())
saver = tf.train.Saver()
feed = {x: np.random.RandomState(0).randn(2, 5, 3)}
with tf.Session() as session:
    if sys.argv[1] == "save":  # the same values both ways: seeded by each variable's name
        session.run(tf.global_variables_initializer())
        for v in tf.global_variables():
            rng = np.random.RandomState(zlib.crc32(v.op.name.encode()))
            v.load(0.5 * rng.randn(*v.shape.as_list()), session)
        saver.save(session, sys.argv[2])
    else:
        saver.restore(session, sys.argv[2])
    values = session.run([outputs, state[1].h, state[0], static[-1], again[-1], gru_out,
                          gru_state, bi_fw, bi_bw,
                          bi_state_bw.c, static_bi[0], static_bi[-1], peep_out, proj_out,
                          loss] + grads, feed)
print(json.dumps({"variables": [[v.op.name, v.shape.as_list()] for v in tf.global_variables()],
                  "values": [np.asarray(v).tolist() for v in values]}))
"""


def run(folder: Path, fast: bool, mode: str, checkpoint: Path) -> tuple[dict, str]:
    script = folder / "script.py"
    script.write_text(SCRIPT)
    result = run_python("", "-m", "tf1_lstm", "run", *(["--fast"] if fast else []), str(script),
                        mode, str(checkpoint))
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1]), result.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """fast? -> (the saving run's output, its stderr, the checkpoint it wrote)."""
    folder = tmp_path_factory.mktemp("fast")
    done = {}
    for fast in (False, True):
        checkpoint = folder / f"{'fast' if fast else 'plain'}.ckpt"
        done[fast] = (*run(folder, fast, "save", checkpoint), checkpoint)
    return done


def assert_same_values(a: dict, b: dict) -> None:
    for left, right in zip(a["values"], b["values"], strict=True):
        np.testing.assert_allclose(np.array(left), np.array(right), rtol=1e-5, atol=1e-6)


def test_the_fast_run_makes_the_same_variables_and_computes_the_same(runs):
    plain, fast = runs[False][0], runs[True][0]
    assert fast["variables"] == plain["variables"]
    assert_same_values(plain, fast)  # outputs, final states, a reused cell, GRUs, gradients


def test_the_calls_served_fast_and_the_ones_left_to_tf_are_each_noted_once(runs):
    notes = runs[True][1]
    lines = [line for line in notes.splitlines() if line.startswith("tf1-lstm: note: --fast")]
    assert lines == [
        "tf1-lstm: note: --fast: dynamic_rnn of MultiRNNCell of 2 BasicLSTMCell and GRUCell(s) "
        "ran on the fast path",
        "tf1-lstm: note: --fast: dynamic_rnn of GRUCell ran on the fast path",
        "tf1-lstm: note: --fast: static_rnn of BasicLSTMCell ran on the fast path",
        "tf1-lstm: note: --fast: bidirectional_dynamic_rnn of BasicLSTMCell forward and "
        "BasicLSTMCell backward ran on the fast path",
        "tf1-lstm: note: --fast: dynamic_rnn of MultiRNNCell of 2 LSTMCell(s) ran on the fast "
        "path",
        "tf1-lstm: note: --fast: dynamic_rnn of LSTMCell(num_proj=2) ran as TF's own",
        "tf1-lstm: note: --fast: static_bidirectional_rnn of BasicLSTMCell forward and "
        "BasicLSTMCell backward ran on the fast path",
        "tf1-lstm: note: --fast: tf.Session threads intra_op 1, inter_op "
        f"{default_shards()} (set them in the script's ConfigProto to keep your own)"]
    assert "--fast" not in runs[False][1]


@pytest.mark.parametrize("saved_fast", [True, False])
def test_a_checkpoint_written_one_way_restores_the_other(runs, tmp_path, saved_fast):
    saved, _, checkpoint = runs[saved_fast]
    restored, _ = run(tmp_path, not saved_fast, "restore", checkpoint)
    assert_same_values(saved, restored)


def test_document_002_gives_the_same_losses_with_and_without_fast():
    losses = {}
    for fast in (False, True):
        result = run_python("", "-m", "tf1_lstm", "run", *(["--fast"] if fast else []),
                            str(REPO / "legacy_examples" / "002_static_rnn_unstack_mnist.py"),
                            env={"TF1_LSTM_MNIST": "subset"})
        assert result.returncode == 0, result.stderr[-3000:]
        assert "CHECK OK" in result.stdout.splitlines()[-1]
        losses[fast] = [float(v) for v in re.findall(r"^Loss  (\S+)$", result.stdout, re.M)]
    assert len(losses[True]) == 79
    # the same to float tolerance for hundreds of Adam steps; after that, the two summation
    # orders' 1e-7 differences have grown through training (measured: 2e-3 at step 790)
    np.testing.assert_allclose(losses[True][:40], losses[False][:40], rtol=1e-4)
    np.testing.assert_allclose(losses[True], losses[False], rtol=2e-2)


THREADS = """
import tensorflow as tf
default, own = tf.Session(), tf.Session(config=tf.ConfigProto(inter_op_parallelism_threads=3))
print([(s._config.intra_op_parallelism_threads, s._config.inter_op_parallelism_threads)
       if s._config else (0, 0) for s in (default, own)])
"""


@pytest.mark.parametrize("fast", [False, True])
def test_sessions_get_the_tuned_threads_unless_the_script_set_its_own(tmp_path, fast):
    script = tmp_path / "threads.py"
    script.write_text(THREADS)
    result = run_python("", "-m", "tf1_lstm", "run", *(["--fast"] if fast else []), str(script))
    assert result.returncode == 0, result.stderr[-2000:]
    cores = default_shards()  # one op per core at once, as the fast path's shards
    expected = [(1, cores), (0, 3)] if fast else [(0, 0), (0, 3)]
    assert result.stdout.splitlines()[-1] == str(expected)
