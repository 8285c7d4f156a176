"""`tf1-lstm run`: Keras 2 scripts get tf_keras; TF1 idioms TF 2.21 rejects run as TF 1.0 did
(``MultiRNNCell([cell] * n)``) or get a hint (``tf.compat.v1.concat(1, [a, b])``)."""

from __future__ import annotations

from importlib.metadata import version

import pytest
from test_runner import tf1_lstm_run, write_script

CONCAT_ORDER_HINT = (
    "tf.concat(1, [a, b]) is the TF 0.x argument order; since TF 1.0 it is tf.concat([a, b], 1)")

# --- import keras: Keras 2 (tf_keras's TF1 API) ------------------------------


def test_keras2_sequential_lstm_script_trains_and_predicts_in_graph_mode(tmp_path):
    script = write_script(tmp_path, """
        import numpy as np
        import keras
        from keras.models import Sequential
        from keras.layers import LSTM, Dense
        from keras import backend as K

        x = np.random.RandomState(0).rand(16, 5, 3).astype("float32")
        y = x.sum(axis=(1, 2))[:, None]
        model = Sequential()
        model.add(LSTM(8, input_shape=(5, 3)))
        model.add(Dense(1))
        model.compile(optimizer="adam", loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        predicted = model.predict(x[:4])
        sess = K.get_session()  # TF1 Keras: the graph-mode session behind the model
        by_session = sess.run(model.output, {model.input: x[:4]})
        print("KERAS2 OK", keras.__version__, len(history.history["loss"]), predicted.shape,
              type(sess).__name__, np.allclose(by_session, predicted, atol=1e-6))
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.split("\n")[-2] == (
        f"KERAS2 OK {version('tf_keras')} 2 (4, 1) Session True")


def test_keras2_module_paths_are_tf_keras_modules_and_keras_3_is_never_loaded(tmp_path):
    script = write_script(tmp_path, """
        import sys
        import tensorflow as tf
        import keras.layers.recurrent
        from keras.layers.core import Dense
        from keras.layers.recurrent import LSTM
        from keras.utils.np_utils import to_categorical
        from keras.backend.tensorflow_backend import get_session, set_session
        from keras.preprocessing.sequence import pad_sequences
        from keras.optimizers import Adam
        from keras.callbacks import EarlyStopping

        print(keras.layers is tf.keras.layers, keras.layers.recurrent is keras.layers,
              keras.layers.__spec__.name, LSTM.__module__, to_categorical.__module__,
              set_session is tf.keras.backend.set_session, Adam.__module__,
              EarlyStopping.__module__.startswith("tf_keras."),
              tf.executing_eagerly(), sorted({name.split(".")[0] for name in sys.modules
                                              if name.startswith("keras.src")}))
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True", "True", "tf_keras.api._v1.keras.layers", "tf_keras.src.layers.rnn.lstm_v1",
        "tf_keras.src.utils.np_utils", "True", "tf_keras.src.optimizers.legacy.adam", "True",
        "False", "[]"]


def test_a_keras2_module_tf_keras_lacks_is_one_error_line_with_its_replacement(tmp_path):
    script = write_script(tmp_path, "from keras.wrappers.scikit_learn import KerasClassifier\n")
    result = tf1_lstm_run(script)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("tf1-lstm: error: No module named 'keras.wrappers': ")
    assert f"tf_keras {version('tf_keras')}" in message and "scikeras" in message


# --- hints for TF1 idioms TensorFlow 2.21 rejects ----------------------------


def assert_short_error_with_hint(result, hint: str) -> None:
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == f"tf1-lstm: hint: {hint}"
    assert len(lines) <= 8, result.stderr  # the script's frames, the error, the hint
    assert "site-packages" not in result.stderr


def test_multirnncell_of_one_cell_object_that_cannot_share_runs_as_tf10_with_a_note(tmp_path):
    # TF 1.0 gave each layer its own weights; TF 1.2+ shares them and fails on 28 != 128.
    script = write_script(tmp_path, """
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 28, 28])
        cell = tf.contrib.rnn.BasicLSTMCell(128)
        stack = tf.contrib.rnn.MultiRNNCell([cell] * 3)
        outputs, states = tf.nn.dynamic_rnn(stack, x, dtype=tf.float32)
        print([v.shape.as_list() for v in tf.trainable_variables()])
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([[28 + 128, 512], [512], [256, 512], [512],
                                         [256, 512], [512]])
    notes = [line for line in result.stderr.splitlines() if line.startswith("tf1-lstm: note:")]
    assert len(notes) == 1 and "MultiRNNCell" in notes[0], result.stderr


def test_multirnncell_of_one_cell_object_with_input_size_equal_to_units_runs_shared(tmp_path):
    script = write_script(tmp_path, """
        import numpy as np
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 4, 6])
        cell = tf.nn.rnn_cell.BasicLSTMCell(6)
        outputs, states = tf.nn.static_rnn(tf.nn.rnn_cell.MultiRNNCell([cell] * 3),
                                           tf.unstack(x, 4, 1), dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            top_h = sess.run(states[-1].h, {x: np.ones((2, 4, 6))})
        print(top_h.shape, [v.shape.as_list() for v in tf.trainable_variables()])
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 0, result.stderr
    # Valid TF1: the three layers share the one cell's kernel [6 + 6, 4 * 6] and bias.
    assert result.stdout.strip() == "(2, 6) [[12, 24], [24]]"
    assert "hint" not in result.stderr


@pytest.mark.parametrize("values, error", [
    ("[a, b]", "ValueError"),  # placeholders [?, 3] and [?, 4]: the list fails as an int axis
    ("[np.ones(3), np.ones(3)]", "TypeError"),
], ids=["tensors", "arrays"])
def test_concat_with_the_axis_first_gets_the_hint(tmp_path, values, error):
    script = write_script(tmp_path, f"""
        import numpy as np
        import tensorflow as tf
        a = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [None, 4])
        joined = tf.compat.v1.concat(1, {values})  # plain tf.concat(1, ...) is run as TF 0.x
    """)
    result = tf1_lstm_run(script)
    assert f'File "{script}", line 6' in result.stderr
    assert f"\n{error}: " in result.stderr
    assert_short_error_with_hint(result, CONCAT_ORDER_HINT)


def test_a_concat_error_in_the_tf1_argument_order_gets_no_hint(tmp_path):
    script = write_script(tmp_path, """
        import tensorflow as tf
        a = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [None, 4, 2])
        joined = tf.concat([a, b], 1)
    """)
    result = tf1_lstm_run(script)
    assert result.returncode == 1
    assert "ValueError: Shape must be rank 2" in result.stderr
    assert "tf1-lstm: hint:" not in result.stderr
