"""`tf1-lstm run NOTEBOOK.ipynb | FOLDER`: 2018 TF1 notebooks run unmodified in the TF1 kernel.

The notebooks in tests/notebooks are period pieces: document 001's outputs/states example,
document 002's MNIST tutorial with `%matplotlib inline`, `!shell`, `%%time` and two figures, a
notebook whose model cell has a bug, and one that re-runs its graph cells. They are copied
to a temporary folder first (the kernel runs in the notebook's folder), and run through the
real CLI in a new process, so each test sees what a user sees.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import REPO, run_python

NOTEBOOKS = REPO / "tests" / "notebooks"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# The kernels' IPython history goes here, not into the user's ~/.ipython.
IPYTHON_DIR = Path(tempfile.gettempdir()) / "tf1-lstm-tests-ipython"


def tf1_lstm_run(*args: str, cwd: Path | None = None):
    return run_python("", "-m", "tf1_lstm", "run", *map(str, args), cwd=cwd, timeout=600,
                      env={"IPYTHONDIR": str(IPYTHON_DIR)})


def digest(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.glob("*.ipynb"))}


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """All of tests/notebooks run as one folder, the copies written to --out."""
    folder = tmp_path_factory.mktemp("notebooks")
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(notebook, folder)
    before = digest(folder)
    out = folder.parent / "executed"
    done = tf1_lstm_run(folder, "--out", out)
    return done, folder, out, before


def code_cells(path: Path) -> list:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def outputs(cell, kind: str) -> list:
    return [output for output in cell.outputs if output.output_type == kind]


def printed(cell) -> str:
    return "".join(output.text for output in outputs(cell, "stream") if output.name == "stdout")


def shown_array(cell) -> np.ndarray:
    """The NumPy array a cell's last expression showed (its text/plain repr)."""
    text = outputs(cell, "execute_result")[0].data["text/plain"]
    literal = re.sub(r",\s*dtype=\w+", "", text.strip().removeprefix("array(").removesuffix(")"))
    return np.array(ast.literal_eval(literal), dtype=np.float64)


def test_a_folder_run_prints_one_result_line_per_notebook_and_fails_if_one_failed(folder_run):
    done, _, out, _ = folder_run
    lines = done.stdout.splitlines()
    assert [line.split()[:2] for line in lines[:5]] == [
        ["ok", "001_dynamic_rnn_outputs_and_states.ipynb"], ["ok", "002_lstm_mnist_tutorial.ipynb"],
        ["ok", "003_hand_traced_memory_cell.ipynb"], ["FAILED", "failing_cell.ipynb"],
        ["FAILED", "rerun_and_reset.ipynb"]]
    assert "code cell 3 of 4, line 3: TypeError: Argument `inputs` must be a sequence" in lines[3]
    assert "code cell 5 of 5, line 2: ValueError: Variable rnn/lstm_cell/kernel already " \
           "exists" in lines[4]
    assert lines[5] == "3 of 5 notebooks ran without an error"
    assert done.returncode == 1
    assert sorted(path.name for path in out.iterdir()) == [
        "001_dynamic_rnn_outputs_and_states.executed.ipynb",
        "002_lstm_mnist_tutorial.executed.ipynb", "003_hand_traced_memory_cell.executed.ipynb",
        "failing_cell.executed.ipynb", "rerun_and_reset.executed.ipynb"]


def test_the_notebooks_run_are_never_written(folder_run):
    _, folder, _, before = folder_run
    assert digest(folder) == before


def test_the_tutorial_notebooks_copy_has_fresh_outputs_and_both_figures(folder_run):
    _, _, out, _ = folder_run
    copy = out / "002_lstm_mnist_tutorial.executed.ipynb"
    cells = code_cells(copy)
    assert [cell.execution_count for cell in cells] == list(range(1, 10))
    assert printed(cells[1]).startswith("Python 3.11")  # !python --version, not the stale 3.6.5
    figures = [cell for cell in cells for output in outputs(cell, "display_data")
               if "image/png" in output.data]
    assert figures == [cells[3], cells[7]]  # plt.imshow of a digit, the loss curve
    for cell in figures:
        png = base64.b64decode(outputs(cell, "display_data")[0].data["image/png"])
        assert png.startswith(PNG_SIGNATURE) and len(png) > 2_000
    losses = [float(v) for v in re.findall(r"Loss\s+([\d.]+)", printed(cells[6]))]
    assert len(losses) == 5 and losses[-1] < losses[0]  # it learns
    accuracy = float(re.search(r"Testing Accuracy: ([\d.]+)", printed(cells[8])).group(1))
    assert accuracy > 0.8
    assert "Wall time" in printed(cells[8])  # %%time ran as the cell magic
    notebook = nbformat.read(copy, as_version=4)
    assert notebook.metadata.language_info.version.startswith("3.11")
    assert notebook.metadata.tf1_lstm == {"executed_from": "002_lstm_mnist_tutorial.ipynb",
                                          "failed_cell": None, "version": "0.1.0"}


def test_document_001s_outputs_and_states_agree_as_the_notebook_shows_them(folder_run):
    _, _, out, _ = folder_run
    cells = code_cells(out / "001_dynamic_rnn_outputs_and_states.executed.ipynb")
    outputs_val, states_val = shown_array(cells[4]), shown_array(cells[5])
    assert outputs_val.shape == (4, 2, 5) and states_val.shape == (4, 5)
    np.testing.assert_array_equal(outputs_val[1, 1], np.zeros(5))  # past sequence_length 1
    last = np.stack([outputs_val[0, 1], outputs_val[1, 0], outputs_val[2, 1], outputs_val[3, 1]])
    np.testing.assert_allclose(states_val, last, atol=1e-8)  # the state is the last real output
    names = ast.literal_eval(printed(cells[6]).splitlines()[1])
    assert names == [f"rnn/multi_rnn_cell/cell_{k}/basic_lstm_cell/{v}:0"
                     for k in range(3) for v in ("kernel", "bias")]  # TF 1.15's names


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + np.exp(-v))


def lecture_trace(x_seq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Document 003's memory cell in float64: c' = z f(z_i) + c f(z_f), a = c' f(z_o)."""
    c, memory, output = 0.0, [], []
    for x1, x2, x3 in x_seq.astype(np.float64):
        c = x1 * sigmoid(100 * x2 - 10) + c * sigmoid(100 * x2 + 10)
        memory.append(c)
        output.append(c * sigmoid(100 * x3 - 10))
    return np.array(memory), np.array(output)


def test_document_003s_hand_trace_in_the_notebook_is_the_lecture_cell(folder_run):
    _, _, out, _ = folder_run
    cells = code_cells(out / "003_hand_traced_memory_cell.executed.ipynb")
    shown = dict(line.split(" ", 1) for line in printed(cells[2]).splitlines())
    x_seq = np.array([[3, 1, 0], [4, 1, 0], [2, 0, 0], [1, 0, 1], [3, -1, 0]])
    memory, output = lecture_trace(x_seq)
    np.testing.assert_allclose(ast.literal_eval(shown["memory"]), memory, atol=1e-5)
    np.testing.assert_allclose(ast.literal_eval(shown["output"]), output, atol=1e-5)
    np.testing.assert_allclose(memory, [3, 7, 7, 7, 0], atol=1e-3)  # the lecture's numbers
    assert any("image/png" in o.data for o in outputs(cells[3], "display_data"))


def test_a_failing_cell_stops_the_run_and_the_copy_keeps_what_ran(folder_run):
    _, _, out, _ = folder_run
    copy = out / "failing_cell.executed.ipynb"
    cells = code_cells(copy)
    assert printed(cells[0]) == "imports done\n" and cells[0].execution_count == 1
    (error,) = outputs(cells[2], "error")
    assert error.ename == "TypeError" and cells[2].execution_count == 3
    assert printed(cells[3]) == "after the failing cell\n"  # the 2018 output, not re-run
    assert cells[3].execution_count == 4  # as saved in 2018
    assert nbformat.read(copy, as_version=4).metadata.tf1_lstm.failed_cell == 3


def test_re_run_graph_cells_need_tf1_reset_and_the_error_names_it(folder_run):
    _, _, out, _ = folder_run
    cells = code_cells(out / "rerun_and_reset.executed.ipynb")
    assert printed(cells[2]) == "tf1-lstm: new empty default graph; kept the graph seed 7\n"
    first, again = printed(cells[1]), printed(cells[3])
    assert again == first.rstrip("\n") + " 7\n"  # the same variable names, no _1 suffix
    (error,) = outputs(cells[4], "error")
    assert error.ename == "ValueError"
    assert any(line.startswith("tf1-lstm: hint: ") and "%tf1_reset" in line
               for line in error.traceback)


def test_a_notebook_run_alone_shows_progress_and_output_and_reports_the_failing_line(tmp_path):
    notebook = tmp_path / "failing_cell.ipynb"
    shutil.copy(NOTEBOOKS / notebook.name, notebook)
    done = tf1_lstm_run(notebook.name, cwd=tmp_path)
    assert done.returncode == 1
    assert "imports done" in done.stdout  # the cells' printed output, as a script's
    report = done.stderr.splitlines()
    assert "[1/4] import numpy as np" in report
    assert "[3/4] # the bug: static_rnn wants a list of [batch, 28] tensors (tf.unstack(x, 28, " \
           "1))" in report
    assert "[4/4] print(\"after the failing cell\")" not in report
    failed = report.index("tf1-lstm: failing_cell.ipynb: code cell 3 of 4, line 3 failed:")
    assert report[failed + 1] == "    outputs, states = tf.nn.static_rnn(cell, x, dtype=tf.float32)"
    assert report[failed + 2].startswith("TypeError: Argument `inputs` must be a sequence")
    assert report[-1] == ("tf1-lstm: the 3 cells that ran, with their outputs and the full "
                          "traceback, are in failing_cell.executed.ipynb")
    assert (tmp_path / "failing_cell.executed.ipynb").is_file()


def _notebook(path: Path, *sources: str) -> Path:
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)
                                                   for source in sources]), path)
    return path


def test_inplace_writes_the_executed_notebook_over_the_notebook(tmp_path):
    notebook = _notebook(tmp_path / "answer.ipynb", "import tensorflow as tf\nprint(6 * 7)",
                         "tf.contrib.rnn.LSTMCell.__name__")
    done = tf1_lstm_run(notebook, "--inplace", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "42" not in done.stdout  # --quiet: progress only
    assert re.search(r"ran the 2 code cells of .*answer.ipynb in [\d.]+ s; executed "
                     r"notebook: .*answer.ipynb", done.stderr)
    cells = code_cells(notebook)
    assert printed(cells[0]) == "42\n"
    assert outputs(cells[1], "execute_result")[0].data["text/plain"] == "'LSTMCell'"


def test_a_cell_past_the_timeout_is_stopped_and_reported(tmp_path):
    notebook = _notebook(tmp_path / "slow.ipynb", "print('start')", "import time\ntime.sleep(120)",
                         "print('never')")
    done = tf1_lstm_run(notebook, "--timeout", "3")
    assert done.returncode == 1
    assert "code cell 2 of 3 failed:" in done.stderr
    assert "timed out after 3 s (--timeout)" in done.stderr
    assert printed(code_cells(tmp_path / "slow.executed.ipynb")[0]) == "start\n"
