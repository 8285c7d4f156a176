"""Live sessions: `%load_ext tf1_lstm`, `%tf1_reset`, the error display,
`import tf1_lstm.activate`, `tf1-lstm shell`.

Switching TF1 on changes a process for good (the import shim, NumPy 1's names), and this test
process must keep the plain TF1 world every test module shares. So, two tiers:

- fast, in this process: an IPython ``InteractiveShell`` loads the extension with
  ``activate()`` replaced by what it reports and ``tf`` bound to the TF1 world tests have; the
  magics, the error display and the messages are the real ones; and the
  ``sys.excepthook`` of ``import tf1_lstm.activate`` as a Python prompt calls it;
- slow, in fresh interpreters: the real switch in an ``InteractiveShell`` (after TensorFlow
  was imported; after Keras 3 already claimed TF's Keras route), ``import tf1_lstm.activate``
  at the top of a script, and ``tf1-lstm shell``.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import os
import random
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass

import numpy as np
import pytest
from conftest import run_python
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

import tf1_lstm.contrib.learn
from tf1_lstm.bootstrap import LegacyKerasUnavailable
from tf1_lstm.compat import tf
from tf1_lstm.contrib.replacements import name_not_provided
from tf1_lstm.legacy.activation import Activation
from tf1_lstm.notebook import extension
from tf1_lstm.notebook.session_errors import (
    PROMPT_RERUN_HINT,
    PYTHON2_HINT,
    RERUN_HINT,
    excepthook,
)

FRESH = Activation(already_active=False, tensorflow_was_imported=False, keras3_was_imported=False)
HINT_LINE = f"tf1-lstm: hint: {RERUN_HINT}"
LSTM_CELL = ("x = tf.placeholder(tf.float32, [None, 4, 3])\n"
             "outputs, state = tf.nn.dynamic_rnn(tf.nn.rnn_cell.BasicLSTMCell(5), x, "
             "dtype=tf.float32)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class Cell:
    out: str
    err: str
    shown: str  # what the shell showed for an error (the traceback's lines)
    error: BaseException | None


class Session:
    """An IPython shell (history in memory) whose cells' output and shown errors are recorded.
    The fresh interpreters below run this same class (``SHELL_DRIVER``)."""

    def __init__(self) -> None:
        config = Config({"HistoryManager": {"hist_file": ":memory:"}})
        self.shell, self._shown = InteractiveShell(config=config, colors="nocolor"), []
        self.shell._showtraceback = lambda etype, value, stb: self._shown.append("\n".join(stb))

    def run(self, code: str) -> Cell:
        self._shown.clear()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            result = self.shell.run_cell(code, store_history=True)
        return Cell(out.getvalue(), err.getvalue(), "\n".join(self._shown),
                    result.error_in_exec)


@pytest.fixture
def new_session(monkeypatch, tmp_path):
    """``new_session(activation)``: a shell in this process whose ``activate()`` reports
    ``activation`` (or raises it); what IPython and the cells change is put back after."""
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    for name in ("displayhook", "excepthook"):
        monkeypatch.setattr(sys, name, getattr(sys, name))
    numpy_state, random_state = np.random.get_state(), random.getstate()
    tf.reset_default_graph()

    def start(activation: Activation | Exception = FRESH) -> Session:
        def activate():
            if isinstance(activation, Exception):
                raise activation
            return activation
        monkeypatch.setattr(extension, "activate", activate)
        started = Session()
        started.shell.push({"tf": tf, "np": np, "random": random})  # the TF1 world's tf
        return started

    yield start
    if tf.get_default_session() is not None:
        tf.get_default_session().close()
    tf.reset_default_graph()
    np.random.set_state(numpy_state)
    random.setstate(random_state)


@pytest.fixture
def session(new_session) -> Session:
    """A shell in which ``%load_ext tf1_lstm`` ran."""
    started = new_session()
    assert started.run("%load_ext tf1_lstm").error is None
    return started


# --- %load_ext tf1_lstm ------------------------------------------------------------------------


def test_load_ext_registers_tf1_reset_and_the_error_display_and_says_tf1_is_on(new_session):
    started = new_session()
    loaded = started.run("%load_ext tf1_lstm")
    assert (loaded.out, loaded.err, loaded.error) == (extension.ACTIVE_LINE + "\n", "", None)
    assert started.shell.find_line_magic("tf1_reset") is not None
    assert started.shell.custom_exceptions == (Exception,)


@pytest.mark.parametrize("activation, out, notes", [
    (Activation(True, False, False), "", []),  # the TF1 kernel: on before the extension loads
    (Activation(False, True, True), extension.ACTIVE_LINE + "\n",
     ["tf1-lstm: note: TensorFlow was imported before", "tf1-lstm: note: Keras 3 was imported"]),
])
def test_loading_tells_what_was_on_or_imported_before(new_session, activation, out, notes):
    loaded = new_session(activation).run("%load_ext tf1_lstm")
    assert loaded.out == out
    lines = loaded.err.splitlines()
    assert [line[:len(note)] for line, note in zip(lines, notes, strict=True)] == notes


def test_when_tf1_cannot_be_switched_on_it_says_why_and_to_restart_without_raising(new_session):
    refused = LegacyKerasUnavailable("the full message", reason="Keras 3 came first")
    started = new_session(refused)
    loaded = started.run("%load_ext tf1_lstm")
    assert (loaded.out, loaded.error, loaded.shown) == ("", None, "")
    assert loaded.err == extension.CANNOT_LINE.format(reason="Keras 3 came first") + "\n"
    assert "Restart the kernel (or Python)" in loaded.err
    assert started.shell.find_line_magic("tf1_reset") is None
    assert started.shell.custom_exceptions == ()


# --- a graph cell run twice, %tf1_reset --------------------------------------------------------


def test_a_graph_cell_run_twice_fails_with_the_hint_and_runs_again_after_tf1_reset(session):
    assert session.run(LSTM_CELL).error is None
    twice = session.run(LSTM_CELL)
    assert isinstance(twice.error, ValueError)
    assert "Variable rnn/basic_lstm_cell/kernel already exists, disallowed" in twice.shown
    assert "Traceback (most recent call last)" in twice.shown  # IPython's own, then the hint
    assert twice.shown.endswith("\n" + HINT_LINE) and "%tf1_reset" in HINT_LINE
    assert session.run("%tf1_reset").out == "tf1-lstm: new empty default graph\n"
    assert session.run(LSTM_CELL).error is None
    assert [v.op.name for v in tf.global_variables()] == [
        "rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"]


def test_tf1_reset_seed_seeds_the_new_graph_numpy_and_random(session):
    old_graph = tf.get_default_graph()
    reset = session.run("%tf1_reset --seed 3")
    assert reset.out == ("tf1-lstm: new empty default graph; seeded the graph, NumPy and random "
                         "with 3\n")
    drawn = session.run("print(tf.get_default_graph().seed, np.random.rand(4).tolist(), "
                        "random.random())")
    assert tf.get_default_graph() is not old_graph
    expected = np.random.RandomState(3).rand(4).tolist(), random.Random(3).random()
    assert drawn.out == "3 {} {}\n".format(*expected)


def test_tf1_reset_keeps_the_old_graphs_seed_so_initial_weights_repeat(session):
    draw = "with tf.Session() as s:\n    print(s.run(tf.random_normal([3])).tolist())"
    first = session.run("tf.set_random_seed(7)\n" + draw).out
    reset = session.run("%tf1_reset")
    assert reset.out == "tf1-lstm: new empty default graph; kept the graph seed 7\n"
    assert tf.get_default_graph().seed == 7
    assert session.run(draw).out == first
    session.run("tf.reset_default_graph()")  # a graph without a seed keeps none
    assert session.run("%tf1_reset").out == "tf1-lstm: new empty default graph\n"
    assert tf.get_default_graph().seed is None


def test_tf1_reset_closes_an_open_interactive_session(session):
    session.run("sess = tf.InteractiveSession()\ntwo = tf.constant(2.0)")
    old = session.shell.user_ns["sess"]
    reset = session.run("%tf1_reset")
    assert reset.out == ("tf1-lstm: new empty default graph; closed the InteractiveSession "
                         "(create a new one)\n")
    assert old._closed and tf.get_default_session() is None
    again = session.run("sess = tf.InteractiveSession()\nprint((tf.constant(3.0) * 2).eval())")
    assert (again.out, again.error) == ("6.0\n", None)


# --- how errors are shown ----------------------------------------------------------------------


@pytest.mark.parametrize("line", ["from tf1_lstm.contrib.learn import Experiment",
                                  "tf1_lstm.contrib.learn.Experiment"])
def test_an_unserved_contrib_name_is_the_cell_line_and_one_error_line(session, line):
    count = session.shell.execution_count
    shown = session.run("import tf1_lstm.contrib.learn\n" + line).shown
    message = name_not_provided("learn", "Experiment", tf1_lstm.contrib.learn.__all__)
    assert shown.splitlines() == [f"Cell In[{count}], line 2", f"    {line}",
                                  f"tf1-lstm: error: {message}"]


@pytest.mark.parametrize("cell, error_type, hint", [
    ("x = 1\n1 / x\n1 / 0", ZeroDivisionError, None),
    ("x = 1\nprint x", SyntaxError, PYTHON2_HINT),  # a 2018 notebook's Python 2 cell
])
def test_other_errors_keep_ipythons_display_with_a_hint_only_for_python2(
        session, new_session, cell, error_type, hint):
    ours = session.run(cell).shown
    assert isinstance(sys.last_value, error_type)  # what %debug and %tb read
    plain = new_session()  # no extension; its cell gets the same number as ours
    plain.run("pass")
    theirs = plain.run(cell).shown
    assert error_type.__name__ in theirs
    assert ours == (theirs if hint is None else f"{theirs}\ntf1-lstm: hint: {hint}")


# --- the real switch, in fresh interpreters ----------------------------------------------------

SHELL_DRIVER = "\n".join([
    "import contextlib, io, json, sys",
    "from dataclasses import asdict, dataclass",
    "from IPython.core.interactiveshell import InteractiveShell",
    "from traitlets.config import Config",
    inspect.getsource(Cell), inspect.getsource(Session),
    "session = Session()",
    "cells = [session.run(code) for code in json.loads(sys.argv[1])]",
    "print(json.dumps([{**asdict(cell), 'error': type(cell.error).__name__ if cell.error "
    "else None} for cell in cells]))"])


def fresh_shell(tmp_path, *cells: str) -> list[Cell]:
    """Run ``cells`` in an InteractiveShell of a new interpreter."""
    env = {"IPYTHONDIR": str(tmp_path / "ipython")}
    result = run_python(SHELL_DRIVER, json.dumps(cells), env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return [Cell(**cell) for cell in json.loads(result.stdout.splitlines()[-1])]


KERAS3_CLAIMED = """import tensorflow as tf
try:
    tf.compat.v1.nn.rnn_cell.BasicLSTMCell
except AttributeError:
    pass"""


@pytest.mark.slow
def test_after_keras3_claimed_tensorflow_the_extension_says_restart_and_does_not_raise(tmp_path):
    claimed, loaded, after = fresh_shell(
        tmp_path, KERAS3_CLAIMED, "%load_ext tf1_lstm",
        "import sys\nprint(type(sys.modules['tensorflow']).__name__, "
        "get_ipython().find_line_magic('tf1_reset'))")
    assert (claimed.error, loaded.error, loaded.out, loaded.shown) == (None, None, "", "")
    assert loaded.err.startswith("tf1-lstm: error: TensorFlow 1.x cannot be switched on in this "
                                 "session: TensorFlow's Keras route already resolved to Keras 3")
    assert "Restart the kernel (or Python) and run `%load_ext tf1_lstm` in the first cell" in (
        loaded.err)
    assert after.out == "module None\n"  # plain TensorFlow 2 left as it was, no magic


@pytest.mark.slow
def test_after_import_tensorflow_the_extension_works_and_says_to_import_tf_again(tmp_path):
    _, loaded, old_tf, new_tf, contrib = fresh_shell(
        tmp_path, "import tensorflow as tf", "%load_ext tf1_lstm",
        "print(hasattr(tf, 'contrib'))",
        "import tensorflow as tf\nprint(tf.contrib.rnn.BasicLSTMCell is "
        "tf.nn.rnn_cell.BasicLSTMCell, tf.executing_eagerly(), tf.placeholder.__name__)",
        "from tensorflow.contrib.metrics import streaming_accuracy")
    assert loaded.out == extension.ACTIVE_LINE + "\n"
    assert ("tf1-lstm: note: TensorFlow was imported before tf1-lstm: a `tf` bound earlier is "
            "TensorFlow 2's module; run `import tensorflow as tf` again") in loaded.err
    assert (old_tf.out, new_tf.out) == ("False\n", "True False placeholder\n")
    lines = contrib.shown.splitlines()
    assert lines[:2] == ["Cell In[5], line 1",
                         "    from tensorflow.contrib.metrics import streaming_accuracy"]
    assert lines[2].startswith("tf1-lstm: error: tf.contrib.metrics is not provided by tf1-lstm")
    assert len(lines) == 3 and contrib.error == "ModuleNotFoundError"


def typed_into(tmp_path, *args: str, typed: str) -> subprocess.CompletedProcess:
    """``python ARGS`` in a new interpreter reading ``typed`` from a pipe, as a session would."""
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}
    env.pop("TF_USE_LEGACY_KERAS", None)  # as run_python does: a fresh interpreter's own choice
    return subprocess.run([sys.executable, *args], input=typed, capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)


@pytest.mark.slow
def test_tf1_lstm_shell_is_ipython_with_tf1_the_hint_and_tf1_reset(tmp_path):
    typed = ("import tensorflow as tf\n"
             "print(tf.contrib.rnn.BasicLSTMCell.__name__, tf.executing_eagerly())\n"
             "w = tf.get_variable('w', [2])\nw = tf.get_variable('w', [2])\n%tf1_reset\n"
             "w = tf.get_variable('w', [2]); print(w.name)\nexit()\n")
    result = typed_into(tmp_path, "-m", "tf1_lstm", "shell", typed=typed)
    out = ANSI.sub("", result.stdout)
    assert result.returncode == 0, result.stderr
    assert extension.ACTIVE_LINE in out and "tf1-lstm: note" not in result.stderr
    assert "BasicLSTMCell False" in out
    assert "ValueError: Variable w already exists, disallowed." in out and HINT_LINE in out
    after = out[out.index(HINT_LINE):]
    assert "tf1-lstm: new empty default graph" in after and "w:0" in after


@pytest.mark.slow
def test_tf1_lstm_shell_passes_ipython_options_through(tmp_path):
    result = run_python("", "-m", "tf1_lstm", "shell", "-c",
                        "import tensorflow as tf; print(tf.contrib.rnn.BasicLSTMCell.__name__)",
                        env={"IPYTHONDIR": str(tmp_path / "ipython")})
    assert (result.returncode, result.stdout.splitlines()[-1:]) == (0, ["BasicLSTMCell"])


# --- import tf1_lstm.activate: a plain Python session or script ----------------------------------


@pytest.fixture(scope="module")
def script_with_activate(tmp_path_factory):
    """``python SCRIPT`` whose first line is ``import tf1_lstm.activate``, failing on an
    unserved contrib import."""
    script = tmp_path_factory.mktemp("activate") / "uses_metrics.py"
    script.write_text(textwrap.dedent("""\
        import tf1_lstm.activate
        import tensorflow as tf
        print(tf.__name__, tf.contrib.rnn.BasicLSTMCell.__name__, tf.executing_eagerly())
        from tensorflow.contrib.metrics import streaming_accuracy
        print("not reached")
        """))
    return script, run_python("", str(script), cwd=script.parent)


@pytest.mark.slow
def test_import_tf1_lstm_activate_gives_a_script_tf1_and_our_one_line_error(
        script_with_activate):
    script, result = script_with_activate
    shown = result.stderr.splitlines()
    assert (result.returncode, result.stdout) == (1, "tensorflow BasicLSTMCell False\n")
    assert shown[:2] == [f'  File "{script}", line 4',
                         "    from tensorflow.contrib.metrics import streaming_accuracy"]
    assert shown[2].startswith("tf1-lstm: error: tf.contrib.metrics is not provided by tf1-lstm")
    assert len(shown) == 3 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_import_tf1_lstm_activate_first_prints_no_note_about_tensorflow_imported_before(
        script_with_activate):
    assert "tf1-lstm: note:" not in script_with_activate[1].stderr


def raised(code: str) -> BaseException:
    """The error ``code`` raises when typed at a Python prompt (``<stdin>``), in a new graph."""
    tf.reset_default_graph()
    try:
        exec(compile(code, "<stdin>", "exec"), {"tf": tf})
    except Exception as error:  # the error is what the test looks at
        return error


@pytest.mark.parametrize("line", ["from tf1_lstm.contrib.learn import Experiment",
                                  "tf1_lstm.contrib.learn.Experiment"])
def test_the_excepthook_shows_our_errors_as_the_line_and_one_error_line(capsys, line):
    error = raised("import tf1_lstm.contrib.learn\n" + line)
    excepthook(type(error), error, error.__traceback__)
    message = name_not_provided("learn", "Experiment", tf1_lstm.contrib.learn.__all__)
    assert capsys.readouterr().err == f'  File "<stdin>", line 2\ntf1-lstm: error: {message}\n'


@pytest.mark.parametrize("prompt", [">>> ", None], ids=["python prompt", "python script"])
def test_the_excepthook_keeps_pythons_traceback_and_hints_at_a_rerun_only_at_a_prompt(
        capsys, monkeypatch, prompt):
    if prompt is None:
        monkeypatch.delattr(sys, "ps1", raising=False)
    else:
        monkeypatch.setattr(sys, "ps1", prompt, raising=False)  # what an interactive Python has
    error = raised("tf.get_variable('w', [2])\ntf.get_variable('w', [2])")
    excepthook(ValueError, error, error.__traceback__)
    shown = capsys.readouterr().err.splitlines()
    assert shown[0] == "Traceback (most recent call last):"
    assert '  File "<stdin>", line 2, in <module>' in shown
    assert "ValueError: Variable w already exists, disallowed." in "\n".join(shown)
    if prompt is None:  # a script's own bug: no hint
        assert not any(line.startswith("tf1-lstm: hint:") for line in shown)
    else:  # a plain prompt has no %tf1_reset: the hint names TF's own function
        assert shown[-1] == f"tf1-lstm: hint: {PROMPT_RERUN_HINT}"
