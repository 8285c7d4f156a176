"""The TF1 bootstrap: v1 cells on TF 2.21, graph mode, quiet logs, the clear import-order error."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import run_python

import tf1_lstm.compat as compat

BUILD_AND_RUN_STATIC_RNN = """
    import numpy as np
    import tf1_lstm.compat as c
    tf, rnn = c.tf, c.rnn
    x = tf.placeholder(tf.float32, [None, 3, 2])
    cell = rnn.BasicLSTMCell(4)
    outputs, state = rnn.static_rnn(cell, tf.unstack(x, 3, 1), dtype=tf.float32)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        h = session.run(state.h, {x: np.ones((5, 3, 2))})
    print(tf.executing_eagerly(), len(outputs), h.shape, x.get_shape()[1].value)
"""


@pytest.fixture(scope="module")
def static_rnn_run():
    """The program above in a fresh interpreter, once for the two tests that read it."""
    return run_python(BUILD_AND_RUN_STATIC_RNN)


def test_basic_lstm_cell_builds_and_runs_through_compat_in_a_fresh_process(static_rnn_run):
    assert static_rnn_run.returncode == 0, static_rnn_run.stderr
    assert static_rnn_run.stdout.split() == ["False", "3", "(5,", "4)", "3"]


def test_importing_compat_prints_no_tensorflow_noise(static_rnn_run):
    assert static_rnn_run.returncode == 0, static_rnn_run.stderr
    assert static_rnn_run.stderr == ""


def test_verbose_switch_brings_tensorflow_warnings_back():
    result = run_python(BUILD_AND_RUN_STATIC_RNN, env={"TF1_LSTM_VERBOSE": "1"})
    assert result.returncode == 0, result.stderr
    assert "deprecated" in result.stderr


def test_clear_error_when_keras3_already_claimed_the_v1_cells():
    result = run_python("""
        import tensorflow as tf
        try:
            tf.compat.v1.nn.rnn_cell.BasicLSTMCell  # resolves the Keras route to Keras 3
        except AttributeError:
            pass
        import tf1_lstm.compat
    """)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("tf1_lstm.bootstrap.LegacyKerasUnavailable")
    assert "import tf1_lstm.compat before anything else imports tensorflow" in last_line
    assert "TF_USE_LEGACY_KERAS=1" in last_line


def test_tensorflow_imported_first_is_fine_while_no_keras_name_was_touched():
    # Measured on TF 2.21: the Keras route is chosen at the first Keras-backed attribute
    # access, not at `import tensorflow`, so this order still works.
    result = run_python("""
        import tensorflow
        import tf1_lstm.compat as c
        print(type(c.rnn.BasicLSTMCell(3)).__module__)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("tf_keras.")


def test_importing_the_package_or_cli_imports_no_tensorflow():
    result = run_python("""
        import sys
        import tf1_lstm, tf1_lstm.cli
        frameworks = ('tensorflow', 'keras', 'tf_keras')
        print(sorted(m for m in sys.modules if m.split('.')[0] in frameworks))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_compat_is_in_graph_mode_with_tf1_shapes():
    assert not compat.tf.executing_eagerly()
    compat.reset_graph()
    x = compat.tf.placeholder(compat.tf.float32, [None, 28, 28])
    assert x.get_shape()[1].value == 28  # TF1 Dimension objects, as legacy code expects


def draw_random_normal(seed: int) -> np.ndarray:
    compat.reset_graph(seed)
    sample = compat.tf.random_normal([4])
    with compat.tf.Session() as session:
        return session.run(sample)


def test_reset_graph_seed_makes_random_ops_repeatable():
    first, again, other = draw_random_normal(7), draw_random_normal(7), draw_random_normal(8)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_reset_graph_gives_an_empty_graph():
    compat.tf.Variable(1.0, name="leftover")
    compat.reset_graph()
    assert compat.tf.global_variables() == []


# tf.contrib.rnn's names: the core v1 objects TF 2.21 still has, and what we rebuilt.
CORE_CELLS = ["RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
              "LSTMStateTuple", "DropoutWrapper", "DeviceWrapper", "ResidualWrapper"]
CORE_UNROLLERS = ["static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn"]
REBUILT_CELLS = ["LSTMBlockCell", "GRUBlockCell", "GRUBlockCellV2",
                 "InputProjectionWrapper", "OutputProjectionWrapper"]
REBUILT_FUNCTIONS = ["stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn"]


def test_contrib_rnn_serves_these_names_among_tf115s_whole_list():
    # the whole list: test_contrib_names_and_wrappers.py
    served = set(compat.rnn.__all__)
    assert set(CORE_CELLS + CORE_UNROLLERS + REBUILT_CELLS + REBUILT_FUNCTIONS) <= served


@pytest.mark.parametrize("name", CORE_CELLS)
def test_contrib_rnn_cells_are_the_core_v1_cells(name):
    # vars(): defined in the module, not produced by its __getattr__ for missing names
    assert vars(compat.rnn)[name] is getattr(compat.tf.nn.rnn_cell, name)


@pytest.mark.parametrize("name", CORE_UNROLLERS)
def test_contrib_rnn_unrollers_are_the_core_v1_functions(name):
    assert vars(compat.rnn)[name] is getattr(compat.tf.nn, name)


@pytest.mark.parametrize("name", REBUILT_CELLS)
def test_rebuilt_contrib_rnn_cells_are_rnn_cells_of_ours(name):
    cell_class = vars(compat.rnn)[name]
    assert issubclass(cell_class, compat.tf.nn.rnn_cell.RNNCell)
    assert cell_class.__module__.startswith("tf1_lstm.contrib.rnn.")


def test_fused_cell_is_a_layer_over_the_whole_sequence_as_in_tf1():
    # TF1's LSTMBlockFusedCell was a Layer called on [T, B, I], not an RNNCell.
    fused = vars(compat.rnn)["LSTMBlockFusedCell"]
    assert issubclass(fused, compat.tf.layers.Layer)
    assert not issubclass(fused, compat.tf.nn.rnn_cell.RNNCell)


@pytest.mark.parametrize("name", REBUILT_FUNCTIONS)
def test_rebuilt_contrib_rnn_functions_are_ours(name):
    assert vars(compat.rnn)[name].__module__ == "tf1_lstm.contrib.rnn.wrappers"


def test_unknown_contrib_rnn_name_names_its_tf2_replacement():
    with pytest.raises(compat.rnn.ContribNameError,
                       match=r"tf\.contrib\.rnn\.ConvLSTM2DCell .*see MIGRATION\.md"):
        compat.rnn.ConvLSTM2DCell  # noqa: B018 - TF 1.15 never had it
    assert not hasattr(compat.rnn, "NoSuchCell")
