"""Where ``tf1-lstm run NOTEBOOK`` writes the executed copy, and when it may replace a file.

- default: beside the input, ``NAME.executed.ipynb`` (a folder run: beside each notebook, or
  in ``--out DIR`` with the folder's layout);
- ``--out FILE``: there; ``--inplace``: over the input itself, the one way to replace it.

The input is never written without ``--inplace``, and no other file the user owns is
replaced: an existing output is replaced only when it is an executed copy we wrote
(``metadata.tf1_lstm.executed_from`` in it), so running a notebook again updates its copy,
while a notebook of the same name that the user wrote is refused with the fix.
Each copy is published atomically (``output_files.atomic_output``).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from tf1_lstm import __version__
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.output_files import OutputPathError, atomic_output, check_folder

SUFFIX = ".executed.ipynb"


class NotebookFileError(Tf1LstmError):
    """A path given to ``tf1-lstm run`` that is not a notebook it can read."""


def is_executed_copy(path: Path) -> bool:
    """Is ``path`` an executed copy this command wrote (by its name or its metadata)?"""
    if path.name.endswith(SUFFIX):
        return True
    try:
        return "executed_from" in json.loads(path.read_text()).get("metadata", {}).get(
            "tf1_lstm", {})
    except (OSError, ValueError, AttributeError):
        return False


def default_copy(notebook: Path, out_folder: Path | None = None,
                 root: Path | None = None) -> Path:
    """``NAME.executed.ipynb`` beside ``notebook``, or at its place under ``out_folder``."""
    name = notebook.name.removesuffix(".ipynb") + SUFFIX
    if out_folder is None:
        return notebook.with_name(name)
    relative = notebook.parent.relative_to(root) if root is not None else Path()
    return out_folder / relative / name


def check_copy(target: Path, notebook: Path, inplace: bool, option: str) -> None:
    """Fail, before any cell runs, unless ``target`` may be written (see the docstring)."""
    if target.resolve() == notebook.resolve() and not inplace:
        raise OutputPathError(f"{option} {target} is the notebook being run: pass --inplace to "
                              "replace it with the executed copy, or choose another name")
    if target.is_dir():
        raise OutputPathError(f"{option} {target} is a folder: pass a file name such as "
                              f"{default_copy(notebook, target)}")
    if target.exists() and not inplace and not is_executed_copy(target):
        raise OutputPathError(f"{option} {target} already exists and is not a copy tf1-lstm "
                              "wrote: it was left alone; choose another name")
    check_folder(target.parent, option)


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` as nbformat 4 (older versions converted); clear errors."""
    try:
        notebook = nbformat.read(path, as_version=4)
    except OSError as error:
        raise NotebookFileError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, KeyError, AttributeError, TypeError) as error:
        raise NotebookFileError(f"{path} is not a Jupyter notebook (its JSON does not parse "
                                f"as one: {error})") from None
    language = (notebook.metadata.get("kernelspec", {}).get("language")
                or notebook.metadata.get("language_info", {}).get("name") or "python")
    if language.lower() != "python":
        raise NotebookFileError(f"{path} is a {language} notebook; the TF1 kernel runs Python")
    return notebook


def write_copy(notebook: nbformat.NotebookNode, target: Path, source: Path,
               failed_cell: int | None) -> None:
    """Publish the executed ``notebook`` as ``target``, marked as our copy of ``source``."""
    notebook.metadata["tf1_lstm"] = {"executed_from": source.name, "version": __version__,
                                     "failed_cell": failed_cell}
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(target) as partial:
        nbformat.write(notebook, str(partial))
