"""Where ``tf1-lstm bench --save``, ``claims --out`` and the demo's plots go: a bad path is one
clear error line before any work, nothing is overwritten unasked, and every file is written
atomically through a temporary name of its own, so two runs in one folder do not collide.

The tests run as root, which passes every permission check: "unwritable" is built so that it
holds for root too (a parent path that is a regular file, a folder under /proc), or by making
``os.access`` answer no for one folder, as it does for a user without write permission.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tf1_lstm.claims.figures import pyplot, save
from tf1_lstm.claims.report import MANIFEST, ReportFolder
from tf1_lstm.cli import main as tf1_lstm
from tf1_lstm.errors import Tf1LstmError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
needs_proc = pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc here")


def one_error_line(capsys) -> str:
    """What ``tf1-lstm`` printed on stderr, checked to be one ``tf1-lstm: error:`` line."""
    stderr = capsys.readouterr().err
    assert stderr.startswith("tf1-lstm: error: ") and stderr.count("\n") == 1, stderr
    return stderr


def deny_write_access(monkeypatch, folder: Path) -> None:
    """``os.access`` says no to writing in ``folder``, as for a user without permission (root
    would get yes from the real call)."""
    real_access = os.access

    def access(path, mode, **kwargs) -> bool:
        if Path(path) == folder and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", access)


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# --- tf1-lstm bench --save FILE ---------------------------------------------------------------

@pytest.fixture
def bench_work(monkeypatch) -> list[str]:
    """Stands in for the ~70 s of benchmark jobs: records that they ran, runs nothing."""
    ran: list[str] = []

    def run_all(jobs):
        ran.append("jobs")
        return []

    monkeypatch.setattr("tf1_lstm.bench.runner.run_all", run_all)
    return ran


def existing_file(tmp_path: Path) -> Path:
    (tmp_path / "bench.json").write_text("last week's numbers")
    return tmp_path / "bench.json"


def a_folder(tmp_path: Path) -> Path:
    return tmp_path


def in_a_missing_folder(tmp_path: Path) -> Path:
    return tmp_path / "results" / "bench.json"


def under_a_regular_file(tmp_path: Path) -> Path:  # no one, root included, can write there
    (tmp_path / "notes.txt").write_text("mine")
    return tmp_path / "notes.txt" / "bench.json"


@pytest.mark.parametrize("make_path, expected", [
    (existing_file, "bench.json already exists: pass --force to replace it, or choose another"),
    (a_folder, "is a folder: pass a file name such as {tmp}/bench.json"),
    (in_a_missing_folder, "the folder {tmp}/results does not exist: create it first"),
    (under_a_regular_file, "{tmp}/notes.txt is a file, not a folder"),
], ids=["exists", "folder", "missing-folder", "parent-is-a-file"])
def test_bench_save_is_refused_in_one_line_before_any_benchmark_runs(
        tmp_path, capsys, bench_work, make_path: Callable[[Path], Path], expected: str):
    path = make_path(tmp_path)
    before = files_in(tmp_path)
    assert tf1_lstm(["bench", "--quick", "--save", str(path)]) == 1
    assert expected.format(tmp=tmp_path) in one_error_line(capsys)
    assert bench_work == [], "the benchmark ran before the bad --save was found"
    assert files_in(tmp_path) == before  # nothing created, nothing overwritten
    if path.is_file():
        assert path.read_text() == "last week's numbers"


def test_bench_save_in_a_folder_without_write_permission_is_refused_before_work(
        tmp_path, capsys, bench_work, monkeypatch):
    deny_write_access(monkeypatch, tmp_path)
    assert tf1_lstm(["bench", "--save", str(tmp_path / "bench.json")]) == 1
    assert f"no permission to create files in {tmp_path}" in one_error_line(capsys)
    assert bench_work == []


@needs_proc
def test_bench_save_under_proc_is_refused_before_work(capsys, bench_work):
    # os.access says root may write in /proc, but no file can be created there: a probe shows it
    assert tf1_lstm(["bench", "--save", "/proc/bench.json"]) == 1
    assert "cannot create files in /proc" in one_error_line(capsys)
    assert bench_work == []


def test_bench_force_replaces_the_file_and_leaves_no_temporary_file(tmp_path, capsys,
                                                                   bench_work):
    path = existing_file(tmp_path)
    assert tf1_lstm(["bench", "--quick", "--save", str(path), "--force"]) == 0
    assert bench_work == ["jobs"]
    assert json.loads(path.read_text())["rows"] == []
    assert files_in(tmp_path) == ["bench.json"]


def test_an_interrupted_save_keeps_the_old_file_whole_and_no_temporary_file(
        tmp_path, capsys, bench_work, monkeypatch):
    path = existing_file(tmp_path)
    real_write_text = Path.write_text

    def interrupted_half_way(self, text, *args, **kwargs):
        real_write_text(self, text[: len(text) // 2], *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", interrupted_half_way)
    assert tf1_lstm(["bench", "--quick", "--save", str(path), "--force"]) == 130
    assert path.read_text() == "last week's numbers"
    assert files_in(tmp_path) == ["bench.json"]


def test_bench_save_does_not_overwrite_a_file_that_appeared_during_the_run(
        tmp_path, capsys, monkeypatch):
    path = tmp_path / "bench.json"

    def someone_else_writes_it(jobs):
        path.write_text("another run's numbers")
        return []

    monkeypatch.setattr("tf1_lstm.bench.runner.run_all", someone_else_writes_it)
    assert tf1_lstm(["bench", "--quick", "--save", str(path)]) == 1
    assert "was created by something else while this command ran" in one_error_line(capsys)
    assert path.read_text() == "another run's numbers"
    assert files_in(tmp_path) == ["bench.json"]


# --- tf1-lstm claims --out DIR ----------------------------------------------------------------

def test_claims_out_under_a_regular_file_is_one_clear_line(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine")
    out = tmp_path / "notes.txt" / "report"
    assert tf1_lstm(["claims", "--quick", "--out", str(out)]) == 1
    error = one_error_line(capsys)
    assert f"--out {out} cannot be created: {tmp_path / 'notes.txt'} is a file" in error
    assert "Choose another --out folder" in error
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("depth", [1, 3], ids=["child", "grandchild"])
def test_report_folder_under_a_regular_file_is_refused(tmp_path, depth: int):
    (tmp_path / "notes.txt").write_text("mine")
    out = Path(tmp_path, "notes.txt", *["report"] * depth)
    with pytest.raises(Tf1LstmError, match=re.escape(f"{tmp_path / 'notes.txt'} is a file, not")):
        ReportFolder(out, ["parameters.png"])
    assert files_in(tmp_path) == ["notes.txt"] and (tmp_path / "notes.txt").read_text() == "mine"


def test_report_folder_without_write_permission_is_refused_and_nothing_is_created(
        tmp_path, monkeypatch):
    deny_write_access(monkeypatch, tmp_path)
    with pytest.raises(Tf1LstmError, match=re.escape(
            f"no permission to create files in {tmp_path}: choose an --out folder you can "
            "write to")):
        ReportFolder(tmp_path / "report", ["parameters.png"])
    assert files_in(tmp_path) == []


@needs_proc
def test_report_folder_under_proc_is_refused():
    # root passes os.access for /proc, yet mkdir there fails: the probe turns it into one line
    with pytest.raises(Tf1LstmError, match="cannot create files in /proc"):
        ReportFolder("/proc/tf1-lstm-claims-report", ["parameters.png"])


def test_report_folder_adds_only_its_manifest_to_the_users_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    ReportFolder(tmp_path, ["parameters.png"]).write_text("claims.md", "report")
    assert files_in(tmp_path) == [MANIFEST, "claims.md", "notes.txt"]  # no probe, no temporary
    assert (tmp_path / "notes.txt").read_text() == "mine"


# --- two demos (or claims runs) writing into one folder at once --------------------------------

def make_renames_wait_for_each_other(monkeypatch) -> None:
    """From now on two writers each finish writing their temporary file before either renames
    it into place: the overlap of two demos writing the same plot, every time, not sometimes."""
    barrier, real_replace = threading.Barrier(2, timeout=20), os.replace

    def replace(source, target, **kwargs) -> None:
        barrier.wait()
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


def at_once(*writers: Callable[[], object]) -> None:
    """Run ``writers`` in threads at the same time; re-raise the first error any of them met."""
    errors: list[BaseException] = []

    def run(writer: Callable[[], object]) -> None:
        try:
            writer()
        except Exception as error:  # handed to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_two_demos_saving_the_same_plot_at_once_both_succeed(tmp_path, monkeypatch):
    plt = pyplot()
    folder = tmp_path / "reports" / "demo"
    folder.mkdir(parents=True)
    figures = []
    for title in ("first run", "second run"):
        figure, axes = plt.subplots(figsize=(3, 2))
        axes.plot([0, 1, 2], [2, 0, 1])
        axes.set_title(title)
        figures.append(figure)
    make_renames_wait_for_each_other(monkeypatch)
    at_once(*(lambda figure=figure: save(figure, folder / "parameters.png")
              for figure in figures))
    image = plt.imread(folder / "parameters.png")  # decodes: a whole PNG, not a mix of two
    assert (folder / "parameters.png").read_bytes()[:8] == PNG_MAGIC and image.ndim == 3
    assert files_in(folder) == ["parameters.png"]


def test_two_runs_writing_the_same_report_at_once_both_succeed(tmp_path, monkeypatch):
    folder = ReportFolder(tmp_path / "reports" / "demo", ["parameters.png"])
    texts = ["# first run\n" * 500, "# second run\n" * 500]
    make_renames_wait_for_each_other(monkeypatch)
    at_once(*(lambda text=text: folder.write_text("claims.md", text) for text in texts))
    assert (tmp_path / "reports" / "demo" / "claims.md").read_text() in texts
    assert files_in(tmp_path / "reports" / "demo") == [MANIFEST, "claims.md"]
