"""The command line as a user meets it: help, the demo's report, clean errors, a quiet terminal."""

from __future__ import annotations

import json

from conftest import run_python

from tf1_lstm.demo import DEMO_CLAIMS_OUT


def tf1_lstm(*args: str, env: dict[str, str] | None = None, cwd=None):
    return run_python("", "-m", "tf1_lstm", *args, env=env, cwd=cwd)


def test_help_lists_every_command():
    result = tf1_lstm("--help")
    assert result.returncode == 0
    assert all(command in result.stdout for command in ("demo", "run", "inspect"))


def test_inspect_prints_document_001s_structure_from_the_command_line():
    result = tf1_lstm("inspect", "--sequence-length", "2,1,2,2", "--x-batch-001")
    assert result.returncode == 0, result.stderr
    assert "outputs  Tensor [4, 2, 5]" in result.stdout
    assert result.stderr == ""


def test_inspect_bad_option_is_a_one_line_error():
    result = tf1_lstm("inspect", "--sequence-length", "2,3", "--steps", "2")
    assert result.returncode == 1
    assert result.stderr.startswith("tf1-lstm: error: ") and "Traceback" not in result.stderr


def test_demo_prints_accuracy_the_tree_and_the_claims_and_only_the_data_notice_on_stderr(
        empty_mnist_dir, tmp_path):
    result = tf1_lstm("demo", "--steps", "20", "--data-dir", str(empty_mnist_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test accuracy, all 1,000 digits" in result.stdout
    assert "states[2].h = states[2][1] = states[-1][1]" in result.stdout  # the inspect tree
    stderr_lines = result.stderr.strip().splitlines()
    assert len(stderr_lines) == 1  # no TensorFlow noise, no progress bar off a terminal
    assert "embedded 5,000-digit MNIST subset" in stderr_lines[0]
    # It ends with the quick claims table, on the model it just trained, and their report.
    assert "GRU/LSTM = 0.750" in result.stdout and "does not hold" in result.stdout
    assert f"{DEMO_CLAIMS_OUT}/claims.md" in result.stdout
    report = tmp_path / DEMO_CLAIMS_OUT
    assert len(json.loads((report / "claims.json").read_text())["claims"]) == 37
    assert (report / "gates_heatmap.png").stat().st_size > 10_000


def test_missing_mnist_with_full_switch_is_a_one_line_error(empty_mnist_dir):
    result = tf1_lstm("demo", "--data-dir", str(empty_mnist_dir), env={"TF1_LSTM_MNIST": "full"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("tf1-lstm: error: ")
    assert "train-images-idx3-ubyte.gz" in result.stderr


def test_bad_step_count_is_refused_by_the_parser():
    result = tf1_lstm("demo", "--steps", "0")
    assert result.returncode == 2
    assert "must be a positive whole number" in result.stderr
