"""`tf1-lstm run NOTEBOOK`: what it refuses before any kernel starts, and where copies go.

Nothing the user owns is written: not the notebook without --inplace, not a file of theirs at
the --out path. Bad input (a missing file, JSON that is not a notebook, an R notebook, an empty
folder, notebook options with a script) is one line naming the problem and the fix. All of
this is decided before a kernel starts, so these tests start none (but the one whose kernel
dies at start, marked slow).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from tf1_lstm.cli import main
from tf1_lstm.notebook.copies import SUFFIX, check_copy, default_copy, is_executed_copy


def notebook(path: Path, language: str = "python") -> Path:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    nb.metadata["kernelspec"] = {"name": language, "language": language,
                                 "display_name": language}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_error(capsys, *args: str) -> str:
    """The one-line error of ``tf1-lstm run ARGS`` (exit 1)."""
    assert main(["run", *args]) == 1
    return capsys.readouterr().err.strip()


def test_the_executed_copy_goes_beside_the_notebook_with_a_suffix(tmp_path):
    source = tmp_path / "course" / "lesson 3.ipynb"
    assert default_copy(source) == tmp_path / "course" / f"lesson 3{SUFFIX}"
    assert default_copy(source, tmp_path / "out", tmp_path) == (
        tmp_path / "out" / "course" / f"lesson 3{SUFFIX}")  # a folder run keeps the layout


def test_out_refuses_a_notebook_the_user_wrote_and_leaves_it_alone(tmp_path, capsys):
    source = notebook(tmp_path / "nb.ipynb")
    theirs = notebook(tmp_path / "mine.ipynb")
    before = theirs.read_bytes()
    error = run_error(capsys, str(source), "--out", str(theirs))
    assert error == (f"tf1-lstm: error: --out {theirs} already exists and is not a copy "
                     "tf1-lstm wrote: it was left alone; choose another name")
    assert theirs.read_bytes() == before


def test_an_earlier_executed_copy_may_be_replaced(tmp_path):
    source = notebook(tmp_path / "nb.ipynb")
    ours = notebook(tmp_path / "renamed.ipynb")
    data = json.loads(ours.read_text())
    data["metadata"]["tf1_lstm"] = {"executed_from": "nb.ipynb"}
    ours.write_text(json.dumps(data))
    assert is_executed_copy(ours) and not is_executed_copy(source)
    check_copy(ours, source, inplace=False, option="--out")  # no error
    check_copy(default_copy(source), source, inplace=False, option="the executed copy")


def test_the_notebook_itself_is_written_only_with_inplace(tmp_path, capsys):
    source = notebook(tmp_path / "nb.ipynb")
    error = run_error(capsys, str(source), "--out", str(source))
    assert "is the notebook being run: pass --inplace to replace it" in error
    check_copy(source, source, inplace=True, option="--inplace")  # no error


def test_out_and_inplace_contradict(tmp_path, capsys):
    source = notebook(tmp_path / "nb.ipynb")
    error = run_error(capsys, "--inplace", str(source), "--out", str(tmp_path / "x.ipynb"))
    assert error == "tf1-lstm: error: --inplace and --out contradict each other: choose one"


def test_notebook_options_before_a_script_are_refused(tmp_path, capsys):
    script = tmp_path / "train.py"
    script.write_text("print(1)\n")
    error = run_error(capsys, "--timeout", "5", str(script))
    assert error == (f"tf1-lstm: error: --timeout is for notebooks, and {script} is a Python "
                     "script; to pass options to the script, put them after it")


@pytest.mark.parametrize("content, problem", [
    ("{not json", "is not a Jupyter notebook"),
    ('{"cells": 3}', "is not a Jupyter notebook"),
])
def test_a_file_that_is_not_a_notebook_is_named(tmp_path, capsys, content, problem):
    path = tmp_path / "broken.ipynb"
    path.write_text(content)
    error = run_error(capsys, str(path))
    assert error.startswith(f"tf1-lstm: error: {path} {problem}")
    assert "\n" not in error


def test_a_notebook_in_another_language_is_refused(tmp_path, capsys):
    path = notebook(tmp_path / "stats.ipynb", language="R")
    assert run_error(capsys, str(path)) == (
        f"tf1-lstm: error: {path} is a R notebook; the TF1 kernel runs Python")


def test_a_missing_notebook_and_an_empty_folder_are_one_line(tmp_path, capsys):
    assert run_error(capsys, str(tmp_path / "gone.ipynb")) == (
        f"tf1-lstm: error: no such notebook or folder: {tmp_path / 'gone.ipynb'}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    notebook(tmp_path / ".ipynb_checkpoints" / "nb-checkpoint.ipynb")
    notebook(tmp_path / f"old{SUFFIX}")
    assert run_error(capsys, str(tmp_path)) == (
        f"tf1-lstm: error: no notebook (.ipynb) in {tmp_path} or its sub-folders (hidden "
        "folders and executed copies are skipped)")


def test_a_folder_run_checks_every_notebook_before_running_any(tmp_path, capsys):
    notebook(tmp_path / "a.ipynb")
    (tmp_path / "b.ipynb").write_text("{not json")
    error = run_error(capsys, str(tmp_path))
    assert f"{tmp_path / 'b.ipynb'} is not a Jupyter notebook" in error
    assert not (tmp_path / f"a{SUFFIX}").exists()  # a.ipynb did not run


def test_a_bad_timeout_is_an_argument_error(tmp_path, capsys):
    source = notebook(tmp_path / "nb.ipynb")
    with pytest.raises(SystemExit) as stop:
        main(["run", str(source), "--timeout", "0"])
    assert stop.value.code == 2
    assert "must be a positive number of seconds, got 0" in capsys.readouterr().err


@pytest.mark.slow  # starts a process that plays the kernel
def test_a_kernel_that_dies_at_start_is_one_error_line_and_no_copy(tmp_path, capsys,
                                                                   monkeypatch):
    from tf1_lstm.notebook import kernelspec

    real = kernelspec.kernel_json
    monkeypatch.setattr(kernelspec, "kernel_json", lambda *args: {
        **real(*args), "argv": [sys.executable, "-c", "import sys; sys.exit('boom at start')"]})
    source = notebook(tmp_path / "nb.ipynb")
    error = run_error(capsys, str(source))
    assert error.startswith("tf1-lstm: error: the TF1 kernel (")
    assert error.endswith("did not start: Kernel died before replying to kernel_info; its own "
                          "error, if it printed one, is above. No cell ran.")
    assert not default_copy(source).exists()
