"""The shim serves every contrib module we have, TF1's private import paths, each era's _linear.

- ``tf1_lstm.contrib.served_modules()`` is found from the folder, without TensorFlow, and no
  served module is still listed as removed in the replacements table;
- under ``tf1-lstm run`` (one script, tests/scripts/shim/private_paths.py), TF1's private
  paths give the same objects as the public names, tf_slim's modules are not loaded twice,
  and tf_slim is not loaded by a script that does not touch it;
- ``tf1_lstm.contrib.rnn.linear``: TF 1.15's ``testLinear`` (core_rnn_cell_test.py) for every
  era, each era's variable names, a checkpoint of each era restored, and float64 NumPy
  (tolerance 1e-5).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run_python
from contrib_support import ATOL, initialize_randomly, names_and_shapes

import tf1_lstm.contrib
from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import TF1_CONTRIB_MODULES, served_modules
from tf1_lstm.contrib.replacements import TF2_REPLACEMENTS
from tf1_lstm.contrib.rnn.linear import Linear, linear, linear_tf012, linear_tf10
from tf1_lstm.legacy.private_paths import CORE_OVERLAYS, PRIVATE_PATHS, ServedNamesModule

SCRIPT = Path(__file__).parent / "scripts" / "shim" / "private_paths.py"
CONTRIB_FOLDER = Path(tf1_lstm.contrib.__file__).parent


# --- which contrib modules are served ---------------------------------------------------------

def test_served_modules_are_the_folders_tf1_contrib_modules_found_without_tensorflow():
    result = run_python("""
        import json, sys
        from tf1_lstm.contrib import served_modules
        print(json.dumps([list(served_modules()), "tensorflow" in sys.modules]))
    """)
    assert result.returncode == 0, result.stderr
    served, tensorflow_loaded = json.loads(result.stdout)
    # Independently of pkgutil: the folder's .py files and sub-packages.
    in_folder = {p.stem for p in CONTRIB_FOLDER.glob("*.py")} | {
        p.parent.name for p in CONTRIB_FOLDER.glob("*/__init__.py")}
    assert served == sorted(in_folder & TF1_CONTRIB_MODULES)
    assert {"rnn", "layers", "slim", "crf", "cudnn_rnn"} <= set(served)
    assert not {"replacements", "slim_repair", "encoders", "embedding_lookups"} & set(served)
    assert not tensorflow_loaded


def test_no_served_module_is_still_listed_as_removed_in_the_replacements_table():
    stale = [name for name in served_modules() if name in TF2_REPLACEMENTS]
    assert stale == [], (f"tf.contrib.{stale} are served: remove their whole-module entries "
                         "from tf1_lstm.contrib.replacements.TF2_REPLACEMENTS")


def test_outside_tf1_lstm_run_tensorflows_own_rnn_cell_impl_is_untouched():
    from tensorflow.python.ops import rnn_cell_impl

    assert not isinstance(rnn_cell_impl, ServedNamesModule)
    assert rnn_cell_impl.BasicLSTMCell is not tf.nn.rnn_cell.BasicLSTMCell
    assert rnn_cell_impl.BasicLSTMCell.__module__.startswith("tensorflow.python.keras")


# --- the private paths, under tf1-lstm run ----------------------------------------------------

@pytest.fixture(scope="module")
def facts() -> dict:
    result = run_python("", "-m", "tf1_lstm", "run", str(SCRIPT))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_contrib_rnns_private_files_serve_the_same_classes_as_tf_contrib_rnn(facts):
    files = facts["contrib_rnn_files_serve_the_same_classes"]
    assert sorted(files) == sorted(["rnn_cell", "core_rnn_cell", "core_rnn_cell_impl",
                                    "lstm_ops", "gru_ops", "rnn", "fused_rnn_cell"])
    assert all(all(same) for same in files.values()), files
    assert facts["attribute_chain_is_the_module"]


@pytest.mark.slow
def test_tensorflows_rnn_cell_impl_serves_tf_nn_rnn_cell_and_tf_keeps_its_own(facts):
    assert all(facts["core_files_serve_tf_nn_rnn_cell"]), facts["core_files_serve_tf_nn_rnn_cell"]
    assert facts["tensorflows_own_rnn_keeps_its_module"]
    assert all(facts["tf012_rnn_names"]), facts["tf012_rnn_names"]  # rnn.rnn: TF 0.12's name
    assert facts["overlay_cell_variables"] == ["overlay/rnn/basic_lstm_cell/kernel",
                                               "overlay/rnn/basic_lstm_cell/bias"]


@pytest.mark.slow
def test_importing_a_public_api_module_by_path_gives_tf1s_module_not_tf2s(facts):
    # `import tensorflow.nn` used to bind TF 2's nn on the facade: tf.nn.rnn_cell was gone
    assert all(facts["api_module_paths_are_tf1s"]), facts["api_module_paths_are_tf1s"]


@pytest.mark.slow
def test_each_private_path_serves_its_eras_linear_and_variable_names(facts):
    assert facts["contrib_private_linears"] == ["linear", "Linear", "linear_tf10"]
    assert facts["core_private_linears"] == ["linear_tf012", "linear", "Linear"]
    assert facts["linear_variables"] == [
        ["tf0_12/Linear/Matrix", [5, 4]], ["tf0_12/Linear/Bias", [4]],
        ["tf1_0/weights", [5, 4]], ["tf1_0/biases", [4]],
        ["tf1_2/kernel", [5, 4]], ["tf1_2/bias", [4]],
        ["tf1_6/kernel", [5, 4]], ["tf1_6/bias", [4]],
        ["tf1_6_class/kernel", [5, 4]], ["tf1_6_class/bias", [4]]]


@pytest.mark.slow
def test_tf_slims_modules_under_tf1_names_are_the_same_objects_loaded_once_and_lazily(facts):
    assert all(facts["tf_slim_modules_are_the_same_objects"]), facts
    assert facts["second_copies_of_tf_slim_modules"] == []
    assert not facts["tf_slim_loaded_at_start"]
    assert not facts["tf_slim_loaded_by_tf_and_contrib_rnn"]
    assert not facts["tf_slim_loaded_before_layers"]


@pytest.mark.slow
def test_seq2seq_private_files_are_our_modules_with_tf115s_private_names(facts):
    assert facts["seq2seq_private_files"] == [True] * 10, facts["seq2seq_private_files"]


@pytest.mark.slow
def test_crf_cudnn_rnn_and_framework_private_files_and_the_unserved_error(facts):
    assert all(facts["crf_and_cudnn_rnn_files"]), facts["crf_and_cudnn_rnn_files"]
    if "framework" in served_modules():
        assert all(facts["framework_files"]), facts["framework_files"]
    assert facts["served_listed_by_tf_contrib"] == list(served_modules())
    message = facts["unserved_module_error"]
    assert message.startswith("tf.contrib.metrics is not provided by tf1-lstm")
    assert message.endswith(
        "Provided: " + ", ".join(f"tf.contrib.{name}" for name in served_modules()) + ".")
    assert facts["unserved_private_path_import_error_names"] == "tensorflow.contrib.metrics"


# --- _linear of each era -----------------------------------------------------------------------

ERAS = {  # era -> (a one-call linear(args, output_size, bias), its variable names)
    "tf0_12": (linear_tf012, ("Linear/Matrix", "Linear/Bias")),
    "tf1_0": (linear_tf10, ("weights", "biases")),
    "tf1_2": (linear, ("kernel", "bias")),
    "tf1_6_class": (lambda args, size, bias: Linear(args, size, bias)(args), ("kernel", "bias")),
}


def run(*tensors, feed=None):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(list(tensors), feed)


@pytest.mark.parametrize("era", ERAS)
def test_each_eras_linear_reproduces_tf115_testLinear(era):
    """TF 1.15 core_rnn_cell_test.RNNCellTest.testLinear, for every era's helper."""
    make, _ = ERAS[era]
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(1.0)):
        x = tf.zeros([1, 2])
        y = make([x], 2, False)
        (got,) = run(y, feed={x: np.array([[1.0, 2.0]])})
        np.testing.assert_allclose(got, [[3.0, 3.0]])
        with pytest.raises(ValueError):  # a second one in the same scope is not shared silently
            make([x], 2, False)
        with tf.variable_scope("l1") as new_scope:
            y1 = make([x], 2, False)
        with tf.variable_scope(new_scope, reuse=True):
            make([y1], 2, False)
    assert len(tf.trainable_variables()) == 2


@pytest.mark.parametrize("era", ERAS)
def test_each_era_names_and_shapes_its_variables_as_that_tf_did(era):
    make, (kernel, bias) = ERAS[era]
    reset_graph()
    with tf.variable_scope("cell"):
        make([tf.zeros([2, 3]), tf.zeros([2, 2])], 4, True)
    assert names_and_shapes() == [(f"cell/{kernel}", [5, 4]), (f"cell/{bias}", [4])]


@pytest.mark.parametrize("era", ERAS)
def test_linear_is_the_concatenated_inputs_times_w_plus_b(era):
    make, _ = ERAS[era]
    reset_graph()
    rng = np.random.default_rng(3)
    x, h = rng.normal(size=(3, 4)), rng.normal(size=(3, 2))
    with tf.variable_scope("cell"):
        y = make([tf.constant(x, tf.float32), tf.constant(h, tf.float32)], 5, True)
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        got, w, b = session.run([y, *tf.global_variables()])
    expected = np.concatenate([x, h], 1) @ w.astype(np.float64) + b  # float64 reference
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)


@pytest.mark.parametrize("era", ERAS)
def test_a_checkpoint_written_with_an_eras_names_restores_into_its_linear(era, tmp_path):
    make, (kernel, bias) = ERAS[era]
    rng = np.random.default_rng(7)
    w, b = rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)
    reset_graph()  # the checkpoint of that TF version: two variables of those names
    with tf.variable_scope("rnn"):
        saved = [tf.Variable(w, name=kernel), tf.Variable(b, name=bias)]
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        path = tf.train.Saver(saved).save(session, str(tmp_path / "era.ckpt"))
    reset_graph()
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with tf.variable_scope("rnn"):
        y = make(tf.constant(x), 2, True)
    with tf.Session() as session:
        tf.train.Saver().restore(session, path)
        got = session.run(y)
    np.testing.assert_allclose(got, x.astype(np.float64) @ w + b, rtol=0, atol=ATOL)


def test_the_bias_starts_at_bias_start_before_tf12_and_at_bias_initializer_after():
    reset_graph()
    x = tf.ones([1, 2])
    with tf.variable_scope("tf0_12"):
        linear_tf012(x, 3, True, bias_start=0.5)
    with tf.variable_scope("tf1_0"):
        linear_tf10(x, 3, True, bias_start=-1.0)
    with tf.variable_scope("tf1_2"):
        linear(x, 3, True)
    with tf.variable_scope("tf1_2_initializers"):
        linear(x, 3, True, bias_initializer=tf.constant_initializer(2.0),
               kernel_initializer=tf.constant_initializer(0.25))
    values = dict(zip([v.op.name for v in tf.global_variables()], run(*tf.global_variables()),
                      strict=True))
    np.testing.assert_array_equal(values["tf0_12/Linear/Bias"], [0.5] * 3)
    np.testing.assert_array_equal(values["tf1_0/biases"], [-1.0] * 3)
    np.testing.assert_array_equal(values["tf1_2/bias"], [0.0] * 3)
    np.testing.assert_array_equal(values["tf1_2_initializers/bias"], [2.0] * 3)
    np.testing.assert_array_equal(values["tf1_2_initializers/kernel"], np.full((2, 3), 0.25))


def test_tf10_linear_ignores_its_scope_argument_as_tf_1_0_did_and_tf012_uses_it():
    reset_graph()
    x = tf.ones([1, 2])
    with tf.variable_scope("cell"):
        linear_tf10(x, 3, False, scope="ignored")
        linear_tf012(x, 3, False, scope="gates")
    assert [name for name, _ in names_and_shapes()] == ["cell/weights", "cell/gates/Matrix"]


def test_from_tf10_on_a_partitioned_scope_shards_the_weights_but_never_the_bias():
    reset_graph()
    x = tf.ones([1, 4])
    partitioner = tf.fixed_size_partitioner(2)
    for scope, make in [("tf0_12", linear_tf012), ("tf1_0", linear_tf10), ("tf1_2", linear)]:
        with tf.variable_scope(scope, partitioner=partitioner):
            make(x, 6, True)
    assert [name for name, _ in names_and_shapes()] == [
        "tf0_12/Linear/Matrix/part_0", "tf0_12/Linear/Matrix/part_1",  # TF 0.12 sharded both
        "tf0_12/Linear/Bias/part_0", "tf0_12/Linear/Bias/part_1",
        "tf1_0/weights/part_0", "tf1_0/weights/part_1", "tf1_0/biases",
        "tf1_2/kernel/part_0", "tf1_2/kernel/part_1", "tf1_2/bias"]


def test_Linear_makes_its_variables_once_and_applies_them_at_every_call():
    reset_graph()
    rng = np.random.default_rng(5)
    first, second = rng.normal(size=(2, 3)), rng.normal(size=(4, 3))
    with tf.variable_scope("projection"):
        linear_map = Linear(tf.zeros([1, 3]), 2, build_bias=False)  # shapes only
    y1, y2 = (linear_map(tf.constant(v, tf.float32)) for v in (first, second))
    (w,) = tf.global_variables()
    got1, got2, w = run(y1, y2, w)
    np.testing.assert_allclose(got1, first @ w, rtol=0, atol=ATOL)
    np.testing.assert_allclose(got2, second @ w, rtol=0, atol=ATOL)


@pytest.mark.parametrize("args, message", [
    ([], "at least one input tensor"),
    (None, "at least one input tensor"),
    ("3-D", "2-D inputs"),
    ("unknown width", "last dimension of every input to be known"),
])
def test_linear_refuses_no_inputs_and_inputs_that_are_not_batch_by_known_width(args, message):
    reset_graph()
    if args == "3-D":
        args = [tf.zeros([2, 3, 4])]
    elif args == "unknown width":
        args = [tf.placeholder(tf.float32, [None, None])]
    for make, _ in ERAS.values():
        with pytest.raises(ValueError, match=message):
            make(args, 2, True)


def test_every_private_name_the_path_tables_serve_exists_where_they_point():
    targets = [where for served in (*PRIVATE_PATHS.values(), *CORE_OVERLAYS.values())
               for where in served.extras.values()]
    # _linear x4 paths, _Linear x2, rnn.rnn / bidirectional / state_saving,
    # legacy_seq2seq's _extract_argmax_and_embed
    assert len(targets) == 10
    for where in targets:
        module, _, attribute = where.partition(":")
        assert callable(getattr(importlib.import_module(module), attribute)), where
