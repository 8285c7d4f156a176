"""The files a doctor run reads: scripts, folders, notebooks, and what cannot be parsed.

- ``find_files(path)``: a ``.py`` / ``.ipynb`` file as given (any other file given by name is
  read as Python: scripts without a suffix exist), or a folder's ``.py`` and ``.ipynb`` files,
  recursively, sorted, skipping hidden folders (``.venv``, ``.git``, ``.ipynb_checkpoints``),
  ``site-packages`` and ``__pycache__``;
- ``notebook_cells(path)``: the code cells of a notebook (nbformat 4, or 3's worksheets), each
  ``(cell number, source)``, the cell number counting every cell from 1 as the notebook shows
  them; IPython's ``%magic`` / ``!shell`` / ``name?`` lines become ``pass`` (so line numbers and
  indented blocks stay), a ``%%`` cell magic other than the Python ones skips the cell;
- ``syntax_problem(error, source)``: a SyntaxError as the user's finding, "Python 2 syntax: run
  2to3 first" when the failing line is Python 2 (``print x``, ``except E, e``, ``0777``, ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tf1_lstm.errors import Tf1LstmError

SKIPPED_FOLDERS = frozenset({"site-packages", "__pycache__"})  # and every hidden folder
SUFFIXES = (".py", ".ipynb")
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_IPYTHON_LINE = re.compile(r"^\s*([%!]|[\w.]+\?{1,2}\s*$)")

# What Python 3.11 says, or what the failing line shows, for Python 2's syntax.
PYTHON2_MESSAGES = ("Missing parentheses in call to 'print'", "Missing parentheses in call to "
                    "'exec'", "multiple exception types must be parenthesized",
                    "leading zeros in decimal integer literals", "inconsistent use of tabs")
PYTHON2_LINES = re.compile(
    r"^\s*(print\s+[^\s(=]|print\s*$|exec\s+[\"'\w]|raise\s+\w[\w.]*\s*,)"  # statements
    r"|`|<>|\b\d+[lL]\b|\b[uU][rR]['\"]|\bexcept\s+[\w.]+\s*,\s*\w+\s*:")  # expressions


class DoctorPathError(Tf1LstmError, FileNotFoundError):
    """A path given to ``tf1-lstm doctor`` that does not exist."""


def find_files(path: Path) -> list[Path]:
    """The files ``path`` names (see the module docstring). Raises DoctorPathError."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DoctorPathError(f"no such file or folder: {path}")
    return sorted(walk(path))


def walk(folder: Path, suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    """The files under ``folder`` ending in one of ``suffixes``, without the skipped folders."""
    for entry in sorted(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if not entry.name.startswith(".") and entry.name not in SKIPPED_FOLDERS:
                yield from walk(entry, suffixes)
        elif entry.suffix in suffixes and entry.is_file():
            yield entry


class NotebookError(Tf1LstmError, ValueError):
    """A ``.ipynb`` file that is not a notebook's JSON."""


def _python_lines(source: str) -> str:
    """A code cell with IPython's own lines turned into ``pass`` at their indentation."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split(maxsplit=1)
        if not magic or magic[0] not in PYTHON_CELL_MAGICS:
            return ""  # %%bash, %%writefile, %%html, ...: not Python to run here
        lines[0] = "pass"
    return "\n".join(
        line[:len(line) - len(line.lstrip())] + "pass" if _IPYTHON_LINE.match(line) else line
        for line in lines)


def notebook_cells(path: Path) -> list[tuple[int, str]]:
    """The code cells of the notebook at ``path``: (cell number from 1, Python source)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        cells = document["cells"] if "cells" in document else document["worksheets"][0]["cells"]
    except (ValueError, KeyError, IndexError, TypeError) as error:
        raise NotebookError(f"not a Jupyter notebook ({type(error).__name__}: {error})") from None
    found = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        found.append((number, _python_lines("".join(source) if isinstance(source, list)
                                            else source)))
    return found


@dataclass(frozen=True)
class SyntaxProblem:
    """Why a file (or a cell) could not be read as Python 3."""

    kind: str  # "python2" or "syntax"
    message: str
    line: int | None


def is_python2(error: SyntaxError, line: str) -> bool:
    """Is ``error``, raised on ``line``, Python 2 syntax (by Python's message or the line)?"""
    return any(message in str(error.msg) for message in PYTHON2_MESSAGES) or bool(
        PYTHON2_LINES.search(line))


def syntax_problem(error: SyntaxError, source: str) -> SyntaxProblem:
    lines = source.splitlines()
    text = lines[error.lineno - 1] if error.lineno and 0 < error.lineno <= len(lines) else ""
    where = f"line {error.lineno}: " if error.lineno else ""
    if is_python2(error, text):
        return SyntaxProblem("python2", f"Python 2 syntax ({where}{text.strip()}): run 2to3 "
                             "first (python3.11 -m lib2to3 -w FILE), then the doctor again",
                             error.lineno)
    return SyntaxProblem("syntax", f"not valid Python 3 ({where}{error.msg}): fix it, then run "
                         "the doctor again", error.lineno)
