"""The port's output file: never clobbered without --force, written atomically, no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tf1_lstm.output_files import publish
from tf1_lstm.port.errors import BadOutputPath, OutputExists
from tf1_lstm.port.files import check_output, staged_output


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if ".partial" in path.name)


def test_the_staged_file_keeps_the_suffix_keras_insists_on(tmp_path: Path):
    for name in ("model.keras", "model.weights.h5", "model.pt"):
        with staged_output(tmp_path / name, force=False) as staged:
            assert staged.parent == tmp_path  # same folder: publishing is a rename
            assert staged.name.endswith(".partial" + name[name.index("."):])
            staged.write_bytes(b"port")
        assert (tmp_path / name).read_bytes() == b"port"
    assert leftovers(tmp_path) == []


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path: Path):
    out = tmp_path / "model.keras"
    with pytest.raises(RuntimeError), staged_output(out, force=False) as staged:
        staged.write_bytes(b"half a mod")
        raise RuntimeError("the writer crashed")
    assert not out.exists() and leftovers(tmp_path) == []


def test_a_failure_while_writing_keeps_the_old_file_even_with_force(tmp_path: Path):
    out = tmp_path / "model.pt"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), staged_output(out, force=True) as staged:
        staged.write_bytes(b"new but broken")
        raise RuntimeError("the proof failed")
    assert out.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_existing_output_is_refused_before_any_work(tmp_path: Path):
    out = tmp_path / "model.keras"
    out.write_bytes(b"precious")
    with pytest.raises(OutputExists, match="--force"):
        check_output(out, "keras", force=False)
    check_output(out, "keras", force=True)  # allowed with --force


def test_a_file_that_appears_while_we_work_is_not_overwritten(tmp_path: Path):
    out = tmp_path / "model.keras"
    with pytest.raises(OutputExists), staged_output(out, force=False) as staged:
        staged.write_bytes(b"port")
        out.write_bytes(b"someone else's")  # created after check_output passed
    assert out.read_bytes() == b"someone else's" and leftovers(tmp_path) == []


def test_force_replaces_in_one_step(tmp_path: Path):
    out = tmp_path / "model.pt"
    out.write_bytes(b"old")
    inode_before = out.stat().st_ino
    with staged_output(out, force=True) as staged:
        staged.write_bytes(b"new")
    assert out.read_bytes() == b"new"
    assert out.stat().st_ino != inode_before  # renamed over, not rewritten in place
    assert leftovers(tmp_path) == []


def test_without_hard_links_it_still_refuses_to_overwrite(tmp_path: Path, monkeypatch):
    def no_links(*args):
        raise OSError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    out, temp = tmp_path / "model.pt", tmp_path / "staged.pt"
    temp.write_bytes(b"new")
    publish(temp, out, overwrite=False)
    assert out.read_bytes() == b"new"
    temp.write_bytes(b"newer")
    with pytest.raises(OutputExists):
        publish(temp, out, overwrite=False)
    assert out.read_bytes() == b"new"


def test_published_file_has_normal_permissions(tmp_path: Path):
    umask = os.umask(0o022)
    try:
        with staged_output(tmp_path / "model.pt", force=False) as staged:
            staged.write_bytes(b"port")
    finally:
        os.umask(umask)
    assert (tmp_path / "model.pt").stat().st_mode & 0o777 == 0o644  # not mkstemp's 0600


@pytest.mark.parametrize("target, name", [("keras", "model.pt"), ("torch", "model.keras"),
                                          ("keras", "model.h5"), ("torch", "model")])
def test_the_suffix_must_fit_the_target(tmp_path: Path, target, name):
    with pytest.raises(BadOutputPath, match="must end in"):
        check_output(tmp_path / name, target, force=False)


def test_the_output_folder_must_exist(tmp_path: Path):
    with pytest.raises(BadOutputPath, match="does not exist"):
        check_output(tmp_path / "missing" / "model.keras", "keras", force=False)
