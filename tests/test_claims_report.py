"""``tf1-lstm claims --quick``: the table, claims.md, the plots, TensorBoard, and a folder that
keeps everything it did not write."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_python

from tf1_lstm.claims import add_arguments, main
from tf1_lstm.claims.report import MANIFEST, ReportFolder, ReportFolderError
from tf1_lstm.claims.run import PLOTS
from tf1_lstm.claims.verdict import Verdict

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="tf1-lstm claims")
    add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One `tf1-lstm claims --quick --logdir` into a folder that already holds a user's file."""
    root = tmp_path_factory.mktemp("claims")
    out, logdir, no_mnist = root / "report", root / "logs", root / "no_mnist"
    out.mkdir()
    no_mnist.mkdir()
    (out / "notes.txt").write_text("mine")
    (logdir / "old_run").mkdir(parents=True)
    (logdir / "old_run" / "events.keep").write_text("old")
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:  # capsys is per test; this fixture is not
        patch.setattr(sys, "stdout", stdout)
        status = main(parse("--quick", "--out", str(out), "--data-dir", str(no_mnist),
                            "--logdir", str(logdir)))
    return status, stdout.getvalue(), out, logdir


def test_claims_command_prints_the_table_and_where_the_report_is(quick_run):
    status, printed, out, _ = quick_run
    assert status == 0
    assert "what we measured" in printed and "verdict" in printed
    assert "0.7500" in printed  # GRU/LSTM: the number that refutes "a third fewer"
    assert "does not hold" in printed and "cannot be checked here" in printed
    assert f"Report: {out / 'claims.md'}" in printed


def test_report_files_are_written_and_non_empty(quick_run):
    _, _, out, _ = quick_run
    markdown = (out / "claims.md").read_text()
    assert "| # | document | claim | what we measured | verdict |" in markdown
    assert "5,000-digit MNIST subset" in markdown  # says which MNIST the accuracies are on
    for name in PLOTS:
        png = out / name
        assert png.stat().st_size > 10_000, name
        assert png.read_bytes()[:8] == PNG_MAGIC
        assert f"]({name})" in markdown


def test_json_holds_every_claim_with_a_measurement_and_a_verdict(quick_run):
    _, _, out, _ = quick_run
    report = json.loads((out / "claims.json").read_text())
    claims = {claim["key"]: claim for claim in report["claims"]}
    assert len(claims) >= 30 and report["quick"] is True
    verdicts = {str(verdict) for verdict in Verdict}
    assert all(claim["verdict"] in verdicts and claim["measured"] for claim in claims.values())
    assert claims["gru_third_fewer_parameters"]["verdict"] == "does not hold"
    assert claims["states_last_h_is_top_layer_h"]["verdict"] == "holds"
    assert claims["time_step_size_is_lstm_neurons"]["verdict"] == "does not hold"
    # --quick trains a few steps: the trained claims are not judged
    assert claims["lstm_detects_long_term_dependencies"]["verdict"] == "cannot be checked here"
    assert claims["test_accuracy_99_21"]["verdict"] == "cannot be checked here"


def test_unrelated_files_in_out_and_logdir_are_left_alone(quick_run):
    _, _, out, logdir = quick_run
    assert (out / "notes.txt").read_text() == "mine"
    assert (logdir / "old_run" / "events.keep").read_text() == "old"
    assert "notes.txt" not in (out / MANIFEST).read_text().split()


def test_out_holds_only_the_users_file_our_report_and_no_temporary_file(quick_run):
    _, _, out, _ = quick_run
    ours = {MANIFEST, "claims.md", "claims.json", *PLOTS}
    assert {path.name for path in out.iterdir()} == ours | {"notes.txt"}


def test_logdir_gets_a_new_run_with_static_and_dynamic_rnn_graphs(quick_run):
    _, _, _, logdir = quick_run
    runs = [path for path in logdir.iterdir() if path.name.startswith("claims-")]
    assert len(runs) == 1
    for graph in ("002_static_rnn", "001_dynamic_rnn"):
        assert list((runs[0] / graph).glob("events.out.tfevents.*")), graph


def test_the_advertised_tensorboard_command_is_installed_and_reads_the_logdir(quick_run):
    # The command prints "tensorboard --logdir DIR"; TF 2.21 does not pull TensorBoard in, so
    # requirements.txt must, and the installed command must read what we wrote.
    _, printed, _, logdir = quick_run
    assert f"tensorboard --logdir {logdir}" in printed
    tensorboard = Path(sys.executable).with_name("tensorboard")
    assert tensorboard.is_file(), "TensorBoard is not installed: see requirements.txt"
    run = next(path for path in logdir.iterdir() if path.name.startswith("claims-"))
    result = subprocess.run([str(tensorboard), "--inspect", "--logdir", str(run)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "graph" in result.stdout and "002_static_rnn" in result.stdout


def test_a_second_run_replaces_only_its_own_files(tmp_path):
    folder = ReportFolder(tmp_path / "r", PLOTS)
    folder.write_text("claims.md", "first")
    again = ReportFolder(tmp_path / "r", PLOTS)  # our own claims.md: fine to replace
    again.write_text("claims.md", "second")
    assert (tmp_path / "r" / "claims.md").read_text() == "second"


def test_a_report_file_we_did_not_write_stops_the_run_untouched(tmp_path):
    (tmp_path / "claims.md").write_text("the user's own notes")
    with pytest.raises(ReportFolderError, match="claims.md"):
        ReportFolder(tmp_path, PLOTS)
    assert (tmp_path / "claims.md").read_text() == "the user's own notes"
    assert not (tmp_path / MANIFEST).exists()


def test_importing_the_command_loads_neither_tensorflow_nor_matplotlib():
    result = run_python("""
        import sys
        import tf1_lstm.claims
        print(sorted({m.split('.')[0] for m in sys.modules} & {'tensorflow', 'matplotlib'}))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_out_default_is_reports_claims():
    assert parse().out == "reports/claims" and Path(parse("--out", "x").out) == Path("x")
