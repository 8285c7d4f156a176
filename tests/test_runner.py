"""`tf1-lstm run`: an unmodified TF1 script runs as `python SCRIPT` would, with TF1 in place."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_python


def write_script(folder: Path, text: str, name: str = "legacy.py") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def tf1_lstm_run(script: Path | str, *args: str, env: dict[str, str] | None = None):
    return run_python("", "-m", "tf1_lstm", "run", str(script), *args, env=env)


# Two programs, each run once and read by two tests (a TensorFlow import is seconds).

@pytest.fixture(scope="module")
def conventions_run(tmp_path_factory):
    """A script beside its own helper_module.py and input_data.py, exiting 3."""
    folder = tmp_path_factory.mktemp("conventions")
    write_script(folder, "HELPER = 'sibling module found'\n", name="helper_module.py")
    write_script(folder, "WHO = 'the script author'\n", name="input_data.py")
    script = write_script(folder, """
        import sys
        import helper_module  # found because the script's folder is sys.path[0]
        import input_data  # the script's own, not our MNIST reader
        print(__name__, __file__, sys.argv[1:], helper_module.HELPER, sep="|")
        print(input_data.WHO)
        if __name__ == "__main__":
            sys.exit(3)
    """)
    return script, tf1_lstm_run(script, "--flag", "value", "-x")


def test_script_sees_python_main_conventions_and_its_exit_code(conventions_run):
    script, result = conventions_run
    assert result.returncode == 3, result.stderr
    assert result.stdout.splitlines()[0] == (
        f"__main__|{script}|['--flag', 'value', '-x']|sibling module found")
    assert result.stderr == ""


def test_a_scripts_own_input_data_module_wins_over_ours(conventions_run):
    _, result = conventions_run
    assert result.returncode == 3 and result.stderr == "", result.stderr
    assert result.stdout.splitlines()[1:] == ["the script author"]


@pytest.fixture(scope="module")
def tf1_program_run(tmp_path_factory):
    """Two TF1 programs in one script: the first builds and runs RNNs and slim layers, the
    second (after it) asks which module each tensorflow.contrib name is."""
    script = write_script(tmp_path_factory.mktemp("tf1_program"), """
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib import rnn
        import tensorflow.contrib.slim as slim

        x = tf.placeholder("float", [None, 4, 3])
        outputs, _ = rnn.static_rnn(rnn.BasicLSTMCell(5), tf.unstack(x, 4, 1), dtype="float32")
        cells = [tf.contrib.rnn.BasicLSTMCell(num_units=6) for layer in range(2)]
        stacked, states = tf.nn.dynamic_rnn(tf.contrib.rnn.MultiRNNCell(cells), x,
                                            dtype=tf.float32)
        logits = tf.layers.dense(states[-1][1], 2)
        hidden = tf.contrib.layers.fully_connected(outputs[-1], 7)
        squashed = slim.fully_connected(hidden, 1)
        with tf.Session() as sess:
            tf.global_variables_initializer().run()
            values = sess.run([logits, squashed], {x: np.ones((2, 4, 3))})
        print(tf.executing_eagerly(), x.get_shape()[1].value, [v.shape for v in values])

        import importlib
        import tensorflow as tf
        import tensorflow.contrib.slim as slim
        import tf_slim
        for name in ("rnn", "layers", "slim"):
            ours = importlib.import_module(f"tf1_lstm.contrib.{name}")
            print(name, importlib.import_module(f"tensorflow.contrib.{name}") is ours,
                  getattr(tf.contrib, name) is ours)
        # layers and slim serve tf_slim's own objects, so one arg_scope covers both spellings
        print(tf.contrib.layers.fully_connected is slim.fully_connected is tf_slim.fully_connected,
              slim.arg_scope is tf_slim.arg_scope)
    """)
    return tf1_lstm_run(script)


def test_tf1_imports_build_and_run_a_static_rnn_stacked_dynamic_rnn_and_slim(tf1_program_run):
    result = tf1_program_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "False 4 [(2, 2), (2, 1)]"
    assert result.stderr == ""


def test_each_tensorflow_contrib_module_is_the_tf1_lstm_contrib_module_of_that_name(
        tf1_program_run):
    result = tf1_program_run
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "rnn True True", "layers True True", "slim True True", "True True"]


# The script's own warnings, then (with --tf1) TF1 code that makes TensorFlow's notices.
USER_WARNINGS_THEN_TF1 = """
    import sys
    import warnings


    def old_helper():
        warnings.warn("old_helper is deprecated; use new_helper", FutureWarning, stacklevel=2)


    warnings.warn("mine", DeprecationWarning)
    old_helper()  # a NumPy-style FutureWarning, pointing at its caller
    if sys.argv[1:] == ["--tf1"]:
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 4, 3])
        outputs, states = tf.nn.dynamic_rnn(tf.contrib.rnn.BasicLSTMCell(5), x, dtype=tf.float32)
        tf.layers.dense(states.h, 2)
        tf.contrib.layers.fully_connected(states.h, 3)
"""


def test_the_scripts_own_warnings_show_as_under_python_and_tensorflows_stay_hidden(tmp_path):
    script = write_script(tmp_path, USER_WARNINGS_THEN_TF1)
    python = run_python("", str(script))
    assert python.returncode == 0, python.stderr
    assert f"{script}:10: DeprecationWarning: mine" in python.stderr
    assert f"{script}:11: FutureWarning: old_helper is deprecated" in python.stderr
    result = tf1_lstm_run(script, "--tf1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == python.stderr


def test_the_tf1_code_of_that_script_does_make_tensorflow_notices(tmp_path):
    # What the test above proves hidden is there: TF's logger and its UserWarnings.
    script = write_script(tmp_path, USER_WARNINGS_THEN_TF1)
    result = tf1_lstm_run(script, "--tf1", env={"TF1_LSTM_VERBOSE": "1"})
    assert result.returncode == 0, result.stderr
    assert "dynamic_rnn (from tensorflow.python.ops.rnn) is deprecated" in result.stderr
    assert "UserWarning: `tf.layers.dense` is deprecated" in result.stderr


def test_input_data_from_examples_and_bare_import_is_our_reader(tmp_path, empty_mnist_dir):
    script = write_script(tmp_path, f"""
        from tensorflow.examples.tutorials.mnist import input_data
        import input_data as bare
        mnist = input_data.read_data_sets({str(empty_mnist_dir)!r}, one_hot=True)
        images, labels = mnist.train.next_batch(128)
        print(images.shape, labels.shape, bare.read_data_sets is input_data.read_data_sets)
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(128, 784) (128, 10) True"


@pytest.mark.parametrize("line, name, replacement", [
    # names TF 1.15 never had in a module we serve, and modules we do not serve
    ("cell = tf.contrib.rnn.BasicLSTMCellV2", "tf.contrib.rnn.BasicLSTMCellV2", "keras.layers"),
    ("from tensorflow.contrib.rnn import LSTMCellV3", "tf.contrib.rnn.LSTMCellV3", "MIGRATION"),
    ("import tensorflow.contrib.distributions as ds", "tf.contrib.distributions",
     "tensorflow_probability"),
    ("from tensorflow.contrib import tpu", "tf.contrib.tpu", "TPUStrategy"),
])
def test_unprovided_contrib_name_fails_with_its_tf2_replacement(tmp_path, line, name, replacement):
    script = write_script(tmp_path, f"import tensorflow as tf\n{line}\n")
    result = tf1_lstm_run(script)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f'File "{script}", line 2' in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"tf1-lstm: error: {name} is not provided")
    assert replacement in message


def test_an_uncaught_exception_shows_only_the_scripts_frames_and_exits_1(tmp_path):
    script = write_script(tmp_path, """
        def divide():
            return 1 / 0
        divide()
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.count('File "') == 2  # <module> and divide(), no runpy or runner frames
    assert result.stderr.strip().endswith("ZeroDivisionError: division by zero")


def test_sys_exit_with_a_message_prints_it_and_exits_1(tmp_path):
    script = write_script(tmp_path, "import sys\nsys.exit('bad input file')\n")
    result = tf1_lstm_run(script)
    assert (result.returncode, result.stderr.strip()) == (1, "bad input file")


def test_a_missing_script_is_a_one_line_error(tmp_path):
    result = tf1_lstm_run(tmp_path / "nope.py")
    assert result.returncode == 1
    assert result.stderr.strip() == f"tf1-lstm: error: no such script: {tmp_path / 'nope.py'}"
