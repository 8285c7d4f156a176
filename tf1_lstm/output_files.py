"""The files and folders a command writes: checked before the work, written atomically.

A command that runs for minutes checks where its output goes first, so a bad path costs a
second, not the run: ``check_new_file`` for one file (``tf1-lstm bench --save``),
``check_folder`` for a folder created if missing (``tf1-lstm claims --out``). The
permission bits are asked with ``os.access``; then a probe file is created and removed,
because only a real write shows what ``access`` cannot (root passes every permission check,
yet cannot create files in ``/proc``).

Writing goes through ``atomic_output``: the content goes into a new temporary file in the
target's own folder (same filesystem, so publishing is a rename, not a copy), named
``.NAME.PID.RANDOM.partial.SUFFIX`` and created exclusively, so no two processes or threads
ever share one. Only when the block succeeded is it published under the target's name:

- may overwrite (``--force``, or outputs that are always replaced): ``os.replace``, so a
  reader sees the old file or the new one, never half of one; two runs writing the same
  name at once both succeed (the last rename wins);
- must not overwrite: ``os.link``, which fails if the name exists, even if something created
  it while the command ran (on a filesystem without hard links: check, then rename, a tiny
  race).

An interrupted write leaves the old file (if any) and no temporary one.

Every problem is an ``OutputPathError``: one line naming the path and what to do.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from tf1_lstm.errors import Tf1LstmError


class OutputPathError(Tf1LstmError):
    """An output path the command cannot write, or will not overwrite."""


class OutputExists(OutputPathError):
    """The output file exists, or appeared while the command ran, and --force was not given."""


def check_new_file(path: Path, option: str, force: bool, example_name: str) -> None:
    """Fail unless ``path`` can take a new file: not a folder, absent (or ``force``), in a
    folder that exists and takes new files. ``example_name`` is suggested for a folder."""
    what = f"{option} {path}"
    if path.is_dir():
        raise OutputPathError(f"{what} is a folder: pass a file name such as "
                              f"{path / example_name}")
    if path.exists() and not force:
        raise OutputExists(f"{what} already exists: pass --force to replace it, or choose "
                           "another name")
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise OutputPathError(f"{what}: {folder} is a file, not a folder: choose a file name "
                              "in a folder")
    if folder != path.parent:
        raise OutputPathError(f"{what}: the folder {path.parent} does not exist: create it "
                              "first, or choose a file in an existing folder")
    _check_writable(folder, what, "choose a file in a folder you can write to")


def check_folder(folder: Path, option: str) -> None:
    """Fail unless ``folder`` is a folder that takes new files, or can be created as one
    (its nearest existing ancestor is a folder that takes new files)."""
    what = f"{option} {folder}"
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        if existing == folder:
            raise OutputPathError(f"{what} is a file, not a folder: choose a folder (it is "
                                  "created if missing)")
        raise OutputPathError(f"{what} cannot be created: {existing} is a file, not a folder. "
                              f"Choose another {option} folder")
    _check_writable(existing, what, f"choose an {option} folder you can write to")


def _nearest_existing(path: Path) -> Path:
    """``path`` or its closest ancestor that exists ("." or "/" at the latest)."""
    return next((candidate for candidate in (path, *path.parents) if candidate.exists()),
                Path(path.anchor or "."))


def _check_writable(folder: Path, what: str, fix: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"{what}: no permission to create files in {folder}: {fix}")
    try:
        _new_temporary(folder / ".tf1-lstm-probe").unlink()
    except OSError as error:
        raise OutputPathError(f"{what}: cannot create files in {folder} "
                              f"({error.strerror or error}): {fix}") from None


def _new_temporary(path: Path, suffix: str | None = None) -> Path:
    """A new empty ``.NAME.PID.RANDOM.partial.SUFFIX`` beside ``path``, created exclusively
    (O_EXCL), with the permissions of any new file (0666 minus the umask). ``suffix`` defaults
    to ``path``'s last one; a writer that checks more (Keras: ``.weights.h5``) passes it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}"
                               f".partial{path.suffix if suffix is None else suffix}")
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    return temporary


@contextlib.contextmanager
def atomic_output(path: Path, overwrite: bool = True,
                  suffix: str | None = None) -> Iterator[Path]:
    """A new temporary file beside ``path`` for the block to write; published as ``path`` when
    the block succeeds (see the module docstring), removed whatever happens.
    ``overwrite=False``: ``OutputExists`` if ``path`` exists by then."""
    try:
        temporary = _new_temporary(path, suffix)
    except OSError as error:
        raise _write_error(path, error) from None
    try:
        yield temporary
        publish(temporary, path, overwrite)
    except OSError as error:
        raise _write_error(path, error) from None
    finally:
        temporary.unlink(missing_ok=True)


def publish(temporary: Path, path: Path, overwrite: bool) -> None:
    """Give ``temporary``'s content the name ``path`` in one atomic step."""
    if overwrite:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise _appeared(path) from None
    except OSError:  # a filesystem without hard links
        if path.exists():
            raise _appeared(path) from None
        os.replace(temporary, path)


def _appeared(path: Path) -> OutputExists:
    return OutputExists(f"{path} was created by something else while this command ran; not "
                        "overwriting it: pass --force to replace it, or choose another name")


def _write_error(path: Path, error: OSError) -> OutputPathError:
    return OutputPathError(f"could not write {path} ({error.strerror or error}): check that "
                           "its folder exists, is writable and has free space, then run again")


def write_text_atomically(path: Path, text: str, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through ``atomic_output``."""
    with atomic_output(path, overwrite) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path
