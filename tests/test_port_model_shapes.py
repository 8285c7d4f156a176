"""Bidirectional RNNs, embeddings and heads on every step, ported and proven on real TF1 graphs.

Each case is a TF1 program of the kind published code is made of (the aymericdamien
bidirectional MNIST model, a BiLSTM tagger, document 004's character model, ...): built here,
given random weights, saved with ``tf.train.Saver`` (so with its ``.meta``) and run on a fixed
input; that run is the reference. Then, as ``tf1-lstm port`` does: the cells are found by name,
the graph is located and run, the head's reading is decided from the graph's logits, and the
model is written and read back by Keras 3, PyTorch and ONNX Runtime (all cases of a target in
one process), each result compared with the reference.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from tf1_lstm.compat import rnn, tf
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.graph_proof import locate, run_graph
from tf1_lstm.port.head_input import decide_head
from tf1_lstm.port.layouts import keras_weights, torch_state_dict
from tf1_lstm.port.model_facts import resolve_model
from tf1_lstm.port.onnx_layout import onnx_weights
from tf1_lstm.port.proof import compare
from tf1_lstm.port.source_tf1 import run_source
from tf1_lstm.port.tf1_rnn import find_rnn
from tf1_lstm.port.worlds import TargetJob, TargetWorld

B, T, I, H, N = 3, 5, 4, 5, 3  # noqa: E741 - batch, steps, inputs, units, classes
VOCABULARY = 11
TORCH_INSTALLED = importlib.util.find_spec("torch") is not None


@dataclass(frozen=True)
class Case:
    build: Callable  # (inputs [B, T, I] or None) -> the fetch dict, named as the port names
    reads: str  # the head reading the graph must show
    embedding: bool = False  # the program feeds ids [B, T] through an embedding


def lstm(units=H):
    return rnn.BasicLSTMCell(units, forget_bias=0.5)


def states(fetch: dict, k: int, state, direction: str = "") -> dict:
    """state_k_c / state_k_h (an LSTMStateTuple) or state_k_h, the port's names."""
    if isinstance(state, rnn.LSTMStateTuple):
        fetch[f"state_{k}_{direction}c"], fetch[f"state_{k}_{direction}h"] = state
    else:
        fetch[f"state_{k}_{direction}h"] = state
    return fetch


def dense(inputs, name="out"):  # tf.matmul(x, W) + b, as the tutorials write it
    w = tf.Variable(tf.random_normal([inputs.shape.as_list()[-1], N]), name=f"{name}_w")
    b = tf.Variable(tf.random_normal([N]), name=f"{name}_b")
    return tf.matmul(inputs, w) + b


def bi_dynamic_last(x):  # bidirectional_dynamic_rnn, concat outputs, the last step's
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(lstm(), lstm(4), x,
                                                             dtype=tf.float32)
    outputs = tf.concat([fw, bw], 2)  # [B, T, 2H]
    fetch = states(states({"outputs": outputs}, 0, s_fw), 0, s_bw, "bw_")
    return fetch | {"logits": dense(outputs[:, -1])}


def bi_static_outputs_last(x):  # aymericdamien's BiRNN: matmul(outputs[-1], W) + b
    outputs, s_fw, s_bw = rnn.static_bidirectional_rnn(lstm(), lstm(), tf.unstack(x, T, 1),
                                                       dtype=tf.float32)
    fetch = states(states({"outputs": tf.stack(outputs, 1)}, 0, s_fw), 0, s_bw, "bw_")
    return fetch | {"logits": dense(outputs[-1])}


def bi_tagger_stacked(x):  # stack_bidirectional_dynamic_rnn, tf.layers.dense on every step
    outputs, s_fw, s_bw = rnn.stack_bidirectional_dynamic_rnn(
        [lstm(), rnn.LSTMCell(4, use_peepholes=True)],
        [lstm(), rnn.LSTMCell(4, use_peepholes=True)],
        x, dtype=tf.float32)
    fetch = {"outputs": outputs}
    for k in range(2):
        states(states(fetch, k, s_fw[k]), k, s_bw[k], "bw_")
    return fetch | {"logits": tf.layers.dense(outputs, N, name="tags")}  # [B, T, N]


def bi_two_stacks(x):  # bidirectional_dynamic_rnn of two MultiRNNCells: meet at the top
    multi = [rnn.MultiRNNCell([lstm(), rnn.GRUCell(4)]) for _ in range(2)]
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(*multi, x, dtype=tf.float32)
    outputs = tf.concat([fw, bw], 2)
    fetch = {"outputs": outputs}
    for k in range(2):
        states(states(fetch, k, s_fw[k]), k, s_bw[k], "bw_")
    return fetch | {"logits": dense(outputs[:, -1])}


def char_model(x):  # document 004: reshape(outputs, [-1, H]) @ softmax_w + softmax_b
    cell = rnn.MultiRNNCell([lstm(), lstm()])
    outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    logits = dense(tf.reshape(outputs, [-1, H]), "softmax")  # [B * T, N], batch-major rows
    fetch = states(states({"outputs": outputs}, 0, state[0]), 1, state[1])
    return fetch | {"logits": tf.reshape(logits, [-1, T, N])}


def static_per_step_list(x):  # [tf.matmul(o, W) + b for o in outputs], concat time-major
    outputs, state = rnn.static_rnn(rnn.GRUCell(H), tf.unstack(x, T, 1), dtype=tf.float32)
    w = tf.Variable(tf.random_normal([H, N]), name="w")
    b = tf.Variable(tf.random_normal([N]), name="b")
    rows = tf.matmul(tf.concat(outputs, 0), w) + b  # [T * B, N], time-major rows
    fetch = states({"outputs": tf.stack(outputs, 1)}, 0, state)
    return fetch | {"logits": tf.transpose(tf.reshape(rows, [T, -1, N]), [1, 0, 2])}


def embedding_bi_tagger(ids):  # ids -> embedding -> BiLSTM -> a tag score per token
    table = tf.get_variable("word_embeddings", [VOCABULARY, I])
    inputs = tf.nn.embedding_lookup(table, ids)  # [B, T, I]
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(lstm(), lstm(), inputs,
                                                             dtype=tf.float32)
    outputs = tf.concat([fw, bw], -1)
    logits = dense(tf.reshape(outputs, [-1, 2 * H]), "proj")
    fetch = states(states({"outputs": outputs}, 0, s_fw), 0, s_bw, "bw_")
    return fetch | {"logits": tf.reshape(logits, [-1, T, N])}


def bi_mixed(x):  # a GRU backward of an LSTM forward: Keras' Bidirectional cannot hold it
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(lstm(), rnn.GRUCell(4), x,
                                                             dtype=tf.float32)
    outputs = tf.concat([fw, bw], 2)
    fetch = states(states({"outputs": outputs}, 0, s_fw), 0, s_bw, "bw_")
    return fetch | {"logits": dense(tf.concat([s_fw.h, s_bw], 1))}


def bi_final_states(x):
    (fw, bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(rnn.GRUCell(H), rnn.GRUCell(H), x,
                                                             dtype=tf.float32)
    fetch = states(states({"outputs": tf.concat([fw, bw], 2)}, 0, s_fw), 0, s_bw, "bw_")
    return fetch | {"logits": dense(tf.concat([s_fw, s_bw], 1))}


CASES = {
    "bi_dynamic_last": Case(bi_dynamic_last, "last"),
    "bi_static_outputs_last": Case(bi_static_outputs_last, "last"),
    "bi_final_states": Case(bi_final_states, "final_states"),
    "bi_tagger_stacked": Case(bi_tagger_stacked, "every_step"),
    "bi_two_stacks": Case(bi_two_stacks, "last"),
    "char_model": Case(char_model, "every_step"),
    "static_per_step_list": Case(static_per_step_list, "every_step"),
    "embedding_bi_tagger": Case(embedding_bi_tagger, "every_step", embedding=True),
    "bi_mixed": Case(bi_mixed, "final_states"),
}
DIFFERENT_DIRECTIONS = ["bi_dynamic_last", "bi_mixed"]  # fw and bw cells differ: Keras gets
# two layers, the backward one reading backwards (Bidirectional copies one layer both ways)


def save_case(case: Case, folder: Path, seed: int) -> tuple[Path, np.ndarray, dict]:
    """Build, randomise, save, run: (prefix, the input, the reference results)."""
    rng = np.random.default_rng(seed)
    x_val = (rng.integers(0, VOCABULARY, (B, T)).astype(np.int32) if case.embedding
             else rng.standard_normal((B, T, I)).astype(np.float32))
    with tf.Graph().as_default():
        x = tf.placeholder(tf.int32, [None, T], name="ids") if case.embedding else \
            tf.placeholder(tf.float32, [None, T, I], name="x")
        fetch = case.build(x)
        tf.train.AdamOptimizer().minimize(tf.reduce_sum(fetch["logits"]))  # slots too
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for variable in tf.trainable_variables():
                value = rng.normal(scale=0.5, size=variable.shape.as_list())
                variable.load(value.astype(np.float32), session)
            prefix = Path(tf.train.Saver().save(session, str(folder / "model.ckpt")))
            return prefix, x_val, session.run(fetch, {x: x_val})


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> dict:
    """case -> (the model as the port decides it from the graph, x, reference, graph logits)."""
    result = {}
    for seed, (name, case) in enumerate(CASES.items()):
        prefix, x, reference = save_case(case, tmp_path_factory.mktemp(name), seed)
        found = open_checkpoint(prefix)
        resolved = resolve_model(find_rnn(found.shapes, found.read), prefix, None)
        run = locate(resolved.facts, resolved.model)
        decision = decide_head(resolved.model, run_graph(resolved.facts, run, prefix, x, {}),
                               x, None)
        result[name] = (decision.model, x, reference, decision.graph_logits)
    return result


@pytest.mark.parametrize("name", list(CASES))
def test_the_graph_shows_the_head_reading_and_gives_the_programs_logits(decided, name):
    model, x, reference, graph_logits = decided[name]
    assert model.head_reads == CASES[name].reads
    np.testing.assert_allclose(graph_logits, reference["logits"], atol=1e-5)


@pytest.mark.parametrize("name", list(CASES))
def test_the_rebuilt_tf1_model_equals_the_program(decided, name):
    model, x, reference, _ = decided[name]
    proof = compare(reference, run_source(model, x))
    assert proof.ok, proof


def test_keras_gets_bidirectional_only_where_both_directions_are_the_same_cell(decided):
    for name in ("bi_final_states", *DIFFERENT_DIRECTIONS):
        prefixes = {key.split("/")[0] for key in keras_weights(decided[name][0])}
        paired = name not in DIFFERENT_DIRECTIONS
        assert ("bidirectional_0" in prefixes) == paired
        assert ({"forward_0", "backward_0"} <= prefixes) != paired


def test_another_reading_gives_other_logits(decided):
    # the readings differ in value, so matching the graph's logits decides between them
    model, x, reference, _ = decided["bi_final_states"]
    other = run_source(replace(model, head_reads="last"), x)["logits"]
    assert np.max(np.abs(other - reference["logits"])) > 1e-2


TARGETS = {"keras": (keras_weights, list(CASES), ".keras"),
           "torch": (torch_state_dict, list(CASES), ".pt"),
           "onnx": (onnx_weights, list(CASES), ".onnx")}


PAIRS = [(target, name) for target, (_, names, _) in TARGETS.items() for name in names]


@pytest.fixture(scope="module")
def ported(decided, tmp_path_factory) -> Callable[[str], dict]:
    """target -> every case's results read back from the target's files (one process each)."""
    done: dict[str, dict] = {}

    def results(target: str) -> dict:
        if target not in done:
            layout, names, suffix = TARGETS[target]
            folder = tmp_path_factory.mktemp(f"ported_{target}")
            jobs = [TargetJob(decided[name][0].architecture(), layout(decided[name][0]),
                              decided[name][1], folder / f"{name}{suffix}") for name in names]
            with TargetWorld(target, jobs) as world:
                done[target] = dict(zip(names, world.results(), strict=True))
        return done[target]
    return results


@pytest.mark.parametrize("target, name", [
    pytest.param(target, name, marks=pytest.mark.skipif(
        target == "torch" and not TORCH_INSTALLED,
        reason="PyTorch is optional and not installed: pip install torch==2.13.0"))
    for target, name in PAIRS])
def test_each_target_computes_what_the_program_computes(ported, decided, target, name):
    proof = compare(decided[name][2], ported(target)[name])
    assert proof.ok, f"{target}: {proof}"
