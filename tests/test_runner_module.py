"""`tf1-lstm run -m package.module ARGS`: a TF1 module runs as `python -m` would run it.

tests/scripts/shim/nmt_like is run the way tensorflow/nmt is (`python -m nmt.nmt`): a package
with relative imports, argparse flags and a TF1 model in a sibling module. Each run is
compared with what `python -m` gives the same module, or with our one-line errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_python

from tf1_lstm.cli import build_parser

SHIM_SCRIPTS = Path(__file__).parent / "scripts" / "shim"
NMT = SHIM_SCRIPTS / "nmt_like" / "nmt.py"


def tf1_lstm_run(*args: str, env: dict[str, str] | None = None):
    return run_python("", "-m", "tf1_lstm", "run", *args, env=env, cwd=SHIM_SCRIPTS)


# --- the parser ------------------------------------------------------------------------------

def test_dash_m_takes_the_module_and_everything_after_it_as_python_does():
    args = build_parser().parse_args(["run", "-m", "nmt.nmt", "--src=vi", "-x", "--out_dir", "o"])
    assert (args.script, args.module, args.args) == (
        None, ["nmt.nmt", "--src=vi", "-x", "--out_dir", "o"], [])
    args = build_parser().parse_args(["run", "train.py", "-m", "not_ours"])
    assert (args.script, args.module, args.args) == ("train.py", None, ["-m", "not_ours"])


def test_run_needs_a_script_or_a_module_and_its_help_says_so(capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["run"])
    assert stop.value.code == 2
    assert "one of the arguments SCRIPT -m is required" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(SCRIPT [ARGS ...] | -m MODULE [ARGS ...] | NOTEBOOK.ipynb" in help_text
    assert "`python -m MODULE ARGS...` would" in help_text
    assert "(not with SCRIPT)" in help_text and "(not with -m)" in help_text


# --- running modules -------------------------------------------------------------------------

@pytest.mark.slow
def test_a_module_sees_what_python_m_shows_it_and_runs_its_tf1_model():
    args = ("-m", "nmt_like.nmt", "--num_units", "4", "--exit_code", "3")
    python = run_python("", *args, cwd=SHIM_SCRIPTS)  # no TensorFlow: the model is not built
    assert python.returncode == 3, python.stderr
    expected = json.loads(python.stdout)
    assert expected == {
        "name": "__main__", "spec": "nmt_like.nmt", "package": "nmt_like", "file": str(NMT),
        "argv": [str(NMT), "--num_units", "4", "--exit_code", "3"],
        "path0": str(SHIM_SCRIPTS), "main_is_me": True}
    ours = tf1_lstm_run(*args, env={"NMT_LIKE_TF1": "1"})
    assert ours.returncode == 3, ours.stderr
    assert ours.stderr == ""
    got = json.loads(ours.stdout)
    assert {key: got[key] for key in expected} == expected
    assert got["eager"] is False and got["logits_shape"] == [5, 2]
    assert got["same_cell_classes"] is True
    assert got["variables"] == ["rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias",
                                "dense/kernel", "dense/bias"]


@pytest.mark.slow
def test_a_package_runs_its_dunder_main_as_under_python_m():
    python = run_python("", "-m", "nmt_like", "a", "--b", cwd=SHIM_SCRIPTS)
    ours = tf1_lstm_run("-m", "nmt_like", "a", "--b")
    assert (ours.returncode, ours.stderr) == (0, "")
    assert json.loads(ours.stdout) == json.loads(python.stdout) == {
        "name": "__main__", "spec": "nmt_like.__main__",
        "argv": [str(SHIM_SCRIPTS / "nmt_like" / "__main__.py"), "a", "--b"]}


@pytest.mark.parametrize("module, advice", [
    ("no_such_package.nmt", "run from the folder that holds it, or add that folder to PYTHONPATH"),
    ("private_paths.py", "drop the .py, or run the file: tf1-lstm run private_paths.py"),
])
def test_an_unknown_module_or_a_file_fails_before_tensorflow_loads_naming_sys_path(
        module, advice, tmp_path):
    # A tensorflow that cannot be imported, first on PYTHONPATH: the error must come before.
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text("raise SystemExit('TF was imported')\n")
    result = tf1_lstm_run("-m", module, "--x", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"tf1-lstm: error: no module named {module!r} (searched sys.path: {SHIM_SCRIPTS}, ")
    assert result.stderr.strip().endswith(advice)
    assert result.stderr.count("\n") == 1 and result.stdout == ""


@pytest.mark.slow
@pytest.mark.parametrize("module, message", [
    ("nmt_like.no_such_module", "no module named 'nmt_like.no_such_module' (searched sys.path: "),
    ("no_main_pkg", "'no_main_pkg' is a package with no __main__.py, so it cannot be run with -m"),
])
def test_a_missing_module_in_a_package_or_a_package_without_main_is_one_clear_line(
        module, message):
    result = tf1_lstm_run("-m", module)
    assert result.returncode == 1
    assert result.stderr.startswith(f"tf1-lstm: error: {message}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_an_uncaught_exception_in_a_module_shows_only_the_modules_frames_and_exits_1():
    result = tf1_lstm_run("-m", "nmt_like.nmt", "--fail", env={"NMT_LIKE_TF1": "1"})
    assert result.returncode == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    frames = [line.split('"')[1] for line in result.stderr.splitlines()
              if line.startswith('  File "')]
    assert frames == [str(NMT), str(NMT), str(SHIM_SCRIPTS / "nmt_like" / "model_helper.py")]
    assert result.stderr.strip().endswith("ZeroDivisionError: division by zero")
