"""TF1's LayerNormBasicLSTMCell on the port's targets: a Keras 3 cell and a PyTorch module.

Four implementations meet one float64 NumPy reference (``layer_norm_support``), both with
layer norm (ten gammas and betas) and without (a bias), with ``forget_bias`` 0.7 so a lost
forget bias shows:

- TF 1.15's own numbers (``LayerNormBasicLSTMCellTest`` in
  ``contrib/rnn/python/kernel_tests/rnn_cell_test.py``), its rtol 1e-5;
- our TF1 world's ``tf.contrib.rnn.LayerNormBasicLSTMCell`` under ``dynamic_rnn`` here (this
  pytest process is the TF1 world), random values loaded into its variables by name;
- ``keras_layer_norm.LayerNormLSTMCell`` in ``keras.layers.RNN``, saved to ``.keras``, loaded,
  and ``torch_standalone.TF1LayerNormLSTM``: both in one TF2-world process (Keras 3 cannot
  share a process with the TF1 world), fed TF1's arrays under the port's names.

float32 must agree to 1e-5 (the port's bar), float64 to 1e-12. Batch row 0 reads zeros at the
first step: every gate is then exactly 0 and only epsilon keeps ``LN`` finite (it gives beta).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from contrib_support import B, H, I, T
from layer_norm_support import normalise, random_weights, run, step, target_name, tf1_names

import tf1_lstm
from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.worlds import WorldProcess

FORGET_BIAS = 0.7
TOLERANCE = {"float32": 1e-5, "float64": 1e-12}
SCOPE = "rnn/layer_norm_basic_lstm_cell/"


def inputs(seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(B, T, I))  # [B, T, I]
    x[0, 0] = 0.0  # every gate of row 0 is 0 at step 0: LN(0) = beta, thanks to epsilon
    return x


def assert_close(actual, expected, dtype: str) -> None:
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE[dtype])


# ---- the reference against TF 1.15's own numbers ---------------------------------------------
# TF 1.15's fixture: every kernel (and bias) 0.5 from the scope's constant_initializer(0.5);
# gamma 1 and beta 0 (norm_gain, norm_shift); x = [1, 1]; MultiRNNCell of two cells, state
# c0 = [0, .1], h0 = [.2, .3] (cell 0), c1 = [.4, .5], h1 = [.6, .7] (cell 1); then one cell
# alone ("other" scope) with x = [1, 1, 1] and state c0, h0. assertAllClose(a, b, 1e-5):
# rtol 1e-5, atol 1e-6.

C0, H0, C1, H1 = ([[0.0, 0.1]], [[0.2, 0.3]], [[0.4, 0.5]], [[0.6, 0.7]])


def tf115_weights(layer_norm: bool, input_size: int) -> dict[str, np.ndarray]:
    """TF 1.15's initial values for 2 units: kernel, bias 0.5; gammas 1; betas 0."""
    weights = {"kernel": np.full((input_size + 2, 8), 0.5)}
    if not layer_norm:
        return weights | {"bias": np.full(8, 0.5)}
    return weights | {name: np.full(2, 1.0 if name.endswith("gamma") else 0.0)
                      for name in tf1_names(layer_norm)[1:]}


def tf115_fixture(layer_norm: bool) -> dict[str, np.ndarray]:
    """The reference on TF 1.15's fixture: the stack's h, its two states, the lone cell's."""
    c0, h0 = step(tf115_weights(layer_norm, 2), np.ones((1, 2)), C0, H0, 1.0, layer_norm)
    c1, h1 = step(tf115_weights(layer_norm, 2), h0, C1, H1, 1.0, layer_norm)
    c, h = step(tf115_weights(layer_norm, 3), np.ones((1, 3)), C0, H0, 1.0, layer_norm)
    return {"h": h1, "state0_c": c0, "state0_h": h0, "state1_c": c1, "state1_h": h1,
            "other_h": h, "other_c": c}


LN_H, LN_C = [[-0.38079708, 0.38079708]], [[-1.0, 1.0]]
TF115_EXPECTED = {
    # testBasicLSTMCell and testBasicLSTMCellWithStateTuple (the same numbers)
    True: {"h": LN_H, "state0_c": LN_C, "state0_h": LN_H, "state1_c": LN_C, "state1_h": LN_H,
           "other_h": LN_H, "other_c": LN_C},
    # testBasicLSTMCellWithoutNorm
    False: {"h": [[0.70230919, 0.72581059]], "state0_c": [[0.8020075, 0.89599884]],
            "state0_h": [[0.56668288, 0.60858738]], "state1_c": [[1.17500675, 1.26892781]],
            "state1_h": [[0.70230919, 0.72581059]], "other_h": [[0.64121795, 0.68166804]],
            "other_c": [[0.88477188, 0.98103917]]},
}


@pytest.mark.parametrize("layer_norm", [True, False], ids=["layer_norm", "without_norm"])
def test_reference_matches_tf115_numbers(layer_norm):
    actual = tf115_fixture(layer_norm)
    for key, expected in TF115_EXPECTED[layer_norm].items():
        np.testing.assert_allclose(actual[key], expected, rtol=1e-5, atol=1e-6, err_msg=key)


def test_the_cases_can_tell_a_lost_forget_bias_and_epsilon():
    weights = random_weights(True, I, H, np.random.default_rng(3))
    x = inputs(4)
    outputs, _ = run(weights, x, FORGET_BIAS, True)
    assert np.abs(run(weights, x, 1.0, True)[0] - outputs).max() > 1e-3
    # row 0's first step normalises all-zero gates: 0 / sqrt(0 + epsilon) * gamma + beta
    assert np.all(np.isfinite(outputs))
    np.testing.assert_array_equal(
        normalise(np.zeros((1, H)), weights["input/gamma"], weights["input/beta"]),
        weights["input/beta"][None])


# ---- the reference against our TF1 world ----------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("layer_norm", [True, False], ids=["layer_norm", "without_norm"])
def test_reference_matches_our_tf1_cell_over_dynamic_rnn(layer_norm, dtype):
    reset_graph()
    x = inputs(0)
    cell = rnn.LayerNormBasicLSTMCell(H, forget_bias=FORGET_BIAS, layer_norm=layer_norm)
    outputs, state = tf.nn.dynamic_rnn(cell, tf.constant(x.astype(dtype)), dtype=dtype)
    weights = random_weights(layer_norm, I, H, np.random.default_rng(1))
    variables = {v.op.name.removeprefix(SCOPE): v for v in tf.global_variables()}
    assert list(variables) == tf1_names(layer_norm)
    with tf.Session() as session:
        session.run([v.assign(weights[name].astype(dtype)) for name, v in variables.items()])
        weights = session.run(variables)  # as TF1 holds them (float32-rounded)
        actual_outputs, (actual_c, actual_h) = session.run([outputs, state])
    expected_outputs, (expected_c, expected_h) = run(weights, x.astype(dtype), FORGET_BIAS,
                                                     layer_norm)
    for actual, expected in ((actual_outputs, expected_outputs), (actual_c, expected_c),
                             (actual_h, expected_h)):
        assert_close(actual, expected, dtype)


@pytest.mark.parametrize("layer_norm", [True, False], ids=["layer_norm", "without_norm"])
def test_checkpoint_holds_tf1_names_for_one_cell_and_a_stack(layer_norm, tmp_path):
    def saved(cells) -> list[tuple[str, list[int]]]:
        reset_graph()
        x = tf.zeros([B, T, I])
        tf.nn.dynamic_rnn(cells[0] if len(cells) == 1 else rnn.MultiRNNCell(cells), x,
                          dtype=tf.float32)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            path = tf.train.Saver().save(session, str(tmp_path / "model"))
        return sorted((name, shape) for name, shape in tf.train.list_variables(path))

    def expected(prefix: str, input_size: int) -> list[tuple[str, list[int]]]:
        shapes = {"kernel": [input_size + H, 4 * H], "bias": [4 * H]}
        return [(prefix + name, shapes.get(name, [H])) for name in tf1_names(layer_norm)]

    def cell():
        return rnn.LayerNormBasicLSTMCell(H, layer_norm=layer_norm)

    assert saved([cell()]) == sorted(expected(SCOPE, I))
    stack = "rnn/multi_rnn_cell/cell_{}/layer_norm_basic_lstm_cell/"
    assert saved([cell(), cell()]) == sorted(expected(stack.format(0), I)
                                             + expected(stack.format(1), H))


# ---- the targets against the reference (one TF2-world process for all cases) ---------------

TARGET_CASES = {"norm": (True, "float32"), "without_norm": (False, "float32"),
                "norm_float64": (True, "float64"), "without_norm_float64": (False, "float64")}


def target_case(name: str) -> tuple[dict, np.ndarray, dict[str, np.ndarray]]:
    """(case, x [B, T, I], TF1-named weights) in the case's dtype."""
    layer_norm, dtype = TARGET_CASES[name]
    seed = list(TARGET_CASES).index(name)
    weights = {key: value.astype(dtype) for key, value in
               random_weights(layer_norm, I, H, np.random.default_rng(10 + seed)).items()}
    case = {"name": name, "units": H, "layer_norm": layer_norm, "forget_bias": FORGET_BIAS,
            "dtype": dtype}
    return case, inputs(20 + seed).astype(dtype), weights


@pytest.fixture(scope="module")
def targets(tmp_path_factory):
    """The TF2-world process's answer: result (weight names, configs) and arrays."""
    folder = tmp_path_factory.mktemp("layer_norm_targets")
    cases, arrays = [], {}
    for name in TARGET_CASES:
        case, x, weights = target_case(name)
        cases.append(case)
        arrays[f"{name}.x"] = x
        arrays |= {f"{name}.w.{target_name(key)}": value for key, value in weights.items()}
    with pytest.MonkeyPatch.context() as patch:  # the task module lives beside this file
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
            str(Path(__file__).parent), os.environ.get("PYTHONPATH")])))
        process = WorldProcess("tf2", "layer_norm_support", {"cases": cases,
                                                             "folder": str(folder)}, arrays)
    with process:
        done = process.result(timeout=240)
    assert done.ok, f"{done.error}\n{done.stderr[-3000:]}"
    return done


def assert_target_matches_reference(targets, prefix: str, name: str) -> None:
    case, x, weights = target_case(name)
    expected_outputs, (expected_c, expected_h) = run(weights, x, FORGET_BIAS, case["layer_norm"])
    for part, expected in (("outputs", expected_outputs), ("c", expected_c),
                           ("h", expected_h)):
        actual = targets.arrays[f"{prefix}.{name}.{part}"]
        assert actual.dtype == case["dtype"], part
        assert_close(actual, expected, case["dtype"])


@pytest.mark.parametrize("name", list(TARGET_CASES))
def test_torch_module_matches_reference(targets, name):
    if targets.result["torch"] is None:
        pytest.skip("PyTorch is optional and not installed")
    assert_target_matches_reference(targets, "torch", name)


@pytest.mark.parametrize("name", list(TARGET_CASES))
def test_keras_cell_matches_reference(targets, name):
    assert_target_matches_reference(targets, "keras", name)


@pytest.mark.parametrize("name", list(TARGET_CASES))
def test_keras_model_saved_and_loaded_gives_the_same_numbers(targets, name):
    for part in ("outputs", "h", "c"):
        np.testing.assert_array_equal(targets.arrays[f"keras_loaded.{name}.{part}"],
                                      targets.arrays[f"keras.{name}.{part}"])
    keras_result = targets.result["keras"][name]
    assert keras_result["loaded_class"] == "LayerNormLSTMCell"
    assert keras_result["loaded_config"] == {"units": H, "forget_bias": FORGET_BIAS,
                                             "layer_norm": TARGET_CASES[name][0]}


@pytest.mark.parametrize("name", ["norm", "without_norm"])
def test_target_weights_are_tf1_arrays_renamed_in_tf1_order(targets, name):
    renamed = [target_name(key) for key in tf1_names(TARGET_CASES[name][0])]
    assert targets.result["keras"][name]["weights"] == renamed
    if targets.result["torch"] is not None:
        assert targets.result["torch"][name]["parameters"] == renamed


@pytest.mark.parametrize("file, framework", [("keras_layer_norm.py", "keras"),
                                             ("torch_standalone.py", "torch")])
def test_target_files_import_only_their_framework(file, framework):
    # each is copied beside the saved model, where tf1-lstm may not be installed; read, not
    # imported: Keras 3 and PyTorch stay out of this (TF1) process
    tree = ast.parse((Path(tf1_lstm.__file__).parent / "port" / file).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert framework in imported
    assert imported - {framework} <= set(sys.stdlib_module_names)  # and Python's own
