"""Every mapping, proven: a TF1 graph saved by Saver, ported, equal to 1e-5 on random input.

For each case a real TF1 graph is built here (the pytest process is the TF1 world), its
variables set to random values (non-zero biases and peepholes, so a bias in the wrong gate
block shows), saved with ``tf.train.Saver``, and run on a fixed input; that original run is
the reference. Then the checkpoint goes through the port: read by name, converted, written by
Keras 3 / PyTorch in their own process (all cases in one process per target: a Keras 3 import
costs seconds), read back and run. The port's rebuilt TF1 source is checked against the
original too: it is what ``tf1-lstm port`` prints its proof against.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import pytest

from tf1_lstm.compat import rnn, tf
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.layouts import keras_weights, torch_state_dict
from tf1_lstm.port.onnx_layout import OPSET, onnx_weights
from tf1_lstm.port.proof import TOLERANCE, compare
from tf1_lstm.port.source_tf1 import run_source
from tf1_lstm.port.tf1_rnn import find_rnn
from tf1_lstm.port.worlds import TargetJob, TargetWorld

N_INPUTS, N_STEPS, BATCH, N_CLASSES = 5, 7, 3, 4
# PyTorch is optional. Checked without importing it: torch stays out of this (TF1) process.
TORCH_INSTALLED = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not TORCH_INSTALLED, reason="PyTorch is optional and not "
                                 "installed: pip install torch==2.13.0 to run the torch ports")


@dataclass(frozen=True)
class Case:
    cells: Callable[[float], list]  # forget_bias -> the layer cells
    forget_bias: float = 1.0
    static: bool = False  # static_rnn over tf.unstack (documents 000/002) or dynamic_rnn
    head: str = "softmax"  # "softmax" (tf.layers.dense), "out_weights", "unnamed", "none"


def basic(units=6, n=1):
    return lambda fb: [rnn.BasicLSTMCell(units, forget_bias=fb) for _ in range(n)]


def peephole(units=5, n=2):
    return lambda fb: [rnn.LSTMCell(units, use_peepholes=True, forget_bias=fb) for _ in range(n)]


CASES = {
    # document 000: one BasicLSTMCell over static_rnn, W and B unnamed tf.Variables
    "basic_1_static_unnamed_fb1": Case(basic(), 1.0, static=True, head="unnamed"),
    # document 002: static_rnn, out_weights / out_bias
    "basic_1_static_fb0": Case(basic(), 0.0, static=True, head="out_weights"),
    # document 001: 3 x BasicLSTMCell in a MultiRNNCell, dynamic_rnn, dense "softmax"
    "basic_3_fb1": Case(basic(5, 3), 1.0),
    "basic_3_fb0": Case(basic(5, 3), 0.0),
    "peephole_2_fb1": Case(peephole(), 1.0),
    "peephole_2_fb0": Case(peephole(), 0.0),
    "gru_2": Case(lambda fb: [rnn.GRUCell(5), rnn.GRUCell(5)]),
    "lstmcell_1_fb05": Case(lambda fb: [rnn.LSTMCell(6, forget_bias=fb)], 0.5),
    "basic_rnn_1_no_head": Case(lambda fb: [rnn.BasicRNNCell(6)], head="none"),
    "uneven_lstm_5_3": Case(lambda fb: [rnn.BasicLSTMCell(5), rnn.BasicLSTMCell(3)]),
    "mixed_lstm_gru": Case(lambda fb: [rnn.BasicLSTMCell(5), rnn.GRUCell(4)]),
    "mixed_lstm_rnn": Case(lambda fb: [rnn.BasicLSTMCell(5), rnn.BasicRNNCell(5)]),
    # LSTMCell(num_proj=P): h = (o * tanh(c)) @ projection/kernel; nn.LSTM(proj_size=P)
    "lstmcell_proj_2_fb05": Case(lambda fb: [rnn.LSTMCell(6, num_proj=3, forget_bias=fb),
                                             rnn.LSTMCell(5, num_proj=4, forget_bias=fb)], 0.5),
    "peephole_proj_1": Case(lambda fb: [rnn.LSTMCell(6, use_peepholes=True, num_proj=2)]),
    # the block cells (tf.contrib.rnn's fused kernels) save LSTMCell's and GRUCell's layout
    "lstm_block_2_fb05": Case(lambda fb: [rnn.LSTMBlockCell(5, forget_bias=fb),
                                          rnn.LSTMBlockCell(4, forget_bias=fb)], 0.5),
    "lstm_block_peephole_fb1": Case(lambda fb: [rnn.LSTMBlockCell(
        5, forget_bias=fb, use_peephole=True)], 1.0),
    "gru_block": Case(lambda fb: [rnn.GRUBlockCell(5)]),
    "gru_block_v2": Case(lambda fb: [rnn.GRUBlockCellV2(5)]),
    # tf.contrib.rnn.LayerNormBasicLSTMCell: layer norm on each gate and on c (random gammas
    # and betas); with layer_norm=False it is BasicLSTMCell's equations under its own scope
    "layer_norm_2_fb05": Case(lambda fb: [rnn.LayerNormBasicLSTMCell(5, forget_bias=fb),
                                          rnn.LayerNormBasicLSTMCell(4, forget_bias=fb)], 0.5),
    "layer_norm_off_static": Case(lambda fb: [rnn.LayerNormBasicLSTMCell(
        6, forget_bias=fb, layer_norm=False)], 0.0, static=True, head="out_weights"),
}
PROJECTED = ["lstmcell_proj_2_fb05", "peephole_proj_1"]  # ONNX's LSTM has no projection,
LAYER_NORMED = ["layer_norm_2_fb05"]  # and no layer norm: a Scan of TF1's step
KERAS_CASES = ONNX_CASES = list(CASES)  # Keras: its layers, TF1LSTMCell, LayerNormLSTMCell
TORCH_CASES = list(CASES)  # PyTorch holds every case exactly


def build_and_save(case: Case, folder: Path, seed: int) -> tuple[str, np.ndarray, dict]:
    """Build the TF1 graph, give it random weights, save it, run it: (prefix, x, outputs)."""
    rng = np.random.default_rng(seed)
    x_val = rng.standard_normal((BATCH, N_STEPS, N_INPUTS)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        x = tf.placeholder(tf.float32, [None, N_STEPS, N_INPUTS])
        cells = case.cells(case.forget_bias)
        cell = cells[0] if len(cells) == 1 else rnn.MultiRNNCell(cells)
        if case.static:
            outputs, states = rnn.static_rnn(cell, tf.unstack(x, N_STEPS, 1), dtype=tf.float32)
            outputs = tf.stack(outputs, axis=1)  # the list of T [B, H] -> [B, T, H]
        else:
            outputs, states = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
        states = states if len(cells) > 1 else (states,)
        fetch = {"outputs": outputs}
        for k, state in enumerate(states):
            if isinstance(state, rnn.LSTMStateTuple):
                fetch[f"state_{k}_c"], fetch[f"state_{k}_h"] = state
            else:
                fetch[f"state_{k}_h"] = state
        top_h = fetch[f"state_{len(cells) - 1}_h"]
        units = top_h.get_shape().as_list()[-1]
        if case.head == "softmax":
            fetch["logits"] = tf.layers.dense(top_h, N_CLASSES, name="softmax")
        elif case.head == "out_weights":
            w = tf.Variable(tf.random_normal([units, N_CLASSES]), name="out_weights")
            b = tf.Variable(tf.random_normal([N_CLASSES]), name="out_bias")
            fetch["logits"] = tf.matmul(top_h, w) + b
        elif case.head == "unnamed":
            w, b = tf.Variable(tf.zeros([units, N_CLASSES])), tf.Variable(tf.zeros([N_CLASSES]))
            fetch["logits"] = tf.matmul(top_h, w) + b
        train = tf.train.AdamOptimizer().minimize(tf.reduce_sum(fetch["outputs"]))  # slots
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for variable in tf.trainable_variables():
                value = rng.normal(scale=0.4, size=variable.get_shape().as_list())
                variable.load(value.astype(np.float32), session)
            prefix = tf.train.Saver().save(session, str(folder / "model.ckpt"))
            outputs = session.run(fetch, {x: x_val})
            del train
    return prefix, x_val, outputs


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict:
    """case -> (checkpoint prefix, x, the original graph's outputs)."""
    result = {}
    for seed, name in enumerate(CASES):
        folder = tmp_path_factory.mktemp(name)
        result[name] = build_and_save(CASES[name], folder, seed)
    return result


def port_jobs(saved: dict, target: str, names: list[str], folder: Path,
              forget_bias: dict | None = None, suffix: dict | None = None) -> list[TargetJob]:
    jobs = []
    for name in names:
        prefix, x, _ = saved[name]
        found = open_checkpoint(prefix)
        fb = (forget_bias or {}).get(name, CASES[name.split(":")[0]].forget_bias)
        model = find_rnn(found.shapes, found.read).with_forget_bias(fb)
        weights = {"keras": keras_weights, "torch": torch_state_dict,
                   "onnx": onnx_weights}[target](model)
        path = folder / f"{name.replace(':', '_')}{(suffix or {}).get(name, '')}"
        jobs.append(TargetJob(model.architecture(), weights, x, path))
    return jobs


@pytest.fixture(scope="module")
def ported(saved, tmp_path_factory) -> dict:
    """(target, case) -> the port's outputs, from one Keras and one PyTorch process."""
    folder = tmp_path_factory.mktemp("ports")
    keras_names = [*KERAS_CASES, "basic_3_fb0:weights_h5", "basic_3_fb0:default_forget_bias"]
    saved = {**saved, **{name: saved[name.split(":")[0]] for name in keras_names if ":" in name}}
    suffixes = {name: ".weights.h5" if name.endswith("weights_h5") else ".keras"
                for name in keras_names}
    worlds = {"keras": (keras_names, TargetWorld("keras", port_jobs(
        saved, "keras", keras_names, folder, {"basic_3_fb0:default_forget_bias": 1.0},
        suffixes)))}
    if TORCH_INSTALLED:
        worlds["torch"] = (TORCH_CASES, TargetWorld("torch", port_jobs(
            saved, "torch", TORCH_CASES, folder, suffix=dict.fromkeys(TORCH_CASES, ".pt"))))
    worlds["onnx"] = (ONNX_CASES, TargetWorld("onnx", port_jobs(
        saved, "onnx", ONNX_CASES, folder, suffix=dict.fromkeys(ONNX_CASES, ".onnx"))))
    result = {}
    try:
        for target, (names, world) in worlds.items():
            result |= {(target, name): out for name, out in zip(names, world.results(),
                                                                 strict=True)}
    finally:
        for _, world in worlds.values():
            world.close()
    return result


def assert_equal_outputs(expected: dict, got: dict) -> None:
    """Every output and state within 1e-5, absolute (stricter than the command's bound, which
    grows with values beyond 1 in size)."""
    proof = compare(expected, got)
    assert proof.worst <= TOLERANCE, "\n".join(f"{d.name}: {d.max_abs_diff:.3g}"
                                                for d in proof.differences)
    assert set(got) == set(expected)


@pytest.mark.parametrize("name", KERAS_CASES)
def test_keras_port_computes_what_the_tf1_checkpoint_computes(name, saved, ported):
    assert_equal_outputs(saved[name][2], ported["keras", name])


@needs_torch
@pytest.mark.parametrize("name", TORCH_CASES)
def test_torch_port_computes_what_the_tf1_checkpoint_computes(name, saved, ported):
    assert_equal_outputs(saved[name][2], ported["torch", name])


@pytest.mark.parametrize("name", ONNX_CASES)
def test_onnx_port_computes_what_the_tf1_checkpoint_computes(name, saved, ported):
    assert_equal_outputs(saved[name][2], ported["onnx", name])


def test_the_onnx_model_takes_any_batch_and_any_number_of_steps(ported, tmp_path_factory):
    model = onnx.load(str(next(tmp_path_factory.getbasetemp().glob("ports*/basic_3_fb1.onnx"))))
    (x,) = model.graph.input
    assert [d.dim_param or d.dim_value for d in x.type.tensor_type.shape.dim] == [
        "batch", "time", N_INPUTS]
    assert model.opset_import[0].version == OPSET


def test_keras_weights_only_file_computes_the_same(saved, ported):
    assert_equal_outputs(saved["basic_3_fb0"][2], ported["keras", "basic_3_fb0:weights_h5"])


def test_a_wrong_forget_bias_gives_a_port_that_runs_and_computes_something_else(saved, ported):
    # The model was built with forget_bias=0.0; porting it with the default 1.0 must not pass.
    proof = compare(saved["basic_3_fb0"][2], ported["keras", "basic_3_fb0:default_forget_bias"])
    assert proof.worst > 100 * TOLERANCE


@pytest.mark.parametrize("name", ["basic_3_fb1", "peephole_2_fb0", "gru_2", "basic_1_static_fb0",
                                  "basic_rnn_1_no_head", *PROJECTED, *LAYER_NORMED,
                                  "layer_norm_off_static"])
def test_rebuilt_tf1_source_equals_the_original_graph(name, saved):
    prefix, x, original = saved[name]
    found = open_checkpoint(prefix)
    model = find_rnn(found.shapes, found.read).with_forget_bias(CASES[name].forget_bias)
    source = run_source(model, x)
    assert_equal_outputs(original, source)


def test_final_states_are_layer_by_layer_c_and_h(saved):
    # TF1 keeps (c, h) per layer; the top h is the last output and feeds the dense head.
    _, _, original = saved["basic_3_fb1"]
    assert sorted(original) == sorted(["outputs", "logits", *(f"state_{k}_{p}" for k in range(3)
                                                              for p in "ch")])
    np.testing.assert_array_equal(original["state_2_h"], original["outputs"][:, -1])


@pytest.mark.parametrize("name", [*PROJECTED, *LAYER_NORMED])
def test_what_no_onnx_recurrent_operator_computes_is_a_scan_of_tf1s_step(name, ported,
                                                                        tmp_path_factory):
    # the proof above holds for these too; here, that they are Scans, not refused
    path = next(tmp_path_factory.getbasetemp().glob(f"ports*/{name}.onnx"))
    assert {node.op_type for node in onnx.load(str(path)).graph.node} >= {"Scan"}


def test_the_bound_is_absolute_up_to_one_and_relative_beyond():
    source = {"outputs": np.full(3, 0.5), "logits": np.array([40.0, -3.0])}
    # 1e-5 for outputs in [-1, 1]; for logits up to 40, 1e-5 of 40 = 4e-4 (float32 rounding)
    assert compare(source, {"outputs": source["outputs"] + 9e-6,
                            "logits": source["logits"] + 3e-4}).ok
    assert not compare(source, {"outputs": source["outputs"] + 2e-5,
                                "logits": source["logits"]}).ok
    missing = compare(source, {"outputs": source["outputs"]})  # a result the port lacks
    assert not missing.ok and missing.worst == float("inf")
