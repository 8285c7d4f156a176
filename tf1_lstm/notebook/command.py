"""``tf1-lstm run NOTEBOOK.ipynb | FOLDER``, and ``tf1-lstm shell``.

``run`` with a notebook: its code cells in the TF1 kernel (``execute``), the executed copy
written beside it (``copies``), exit 0, or 1 at the first failing cell with the cell, its line
and the error. With a folder: every notebook under it (not the executed copies, not hidden
folders such as ``.ipynb_checkpoints``), one after another, one result line each; exit 1 if
any failed. ``shell``: IPython with TF1 on (``%load_ext tf1_lstm`` done for you).
nbformat, nbclient and IPython are imported when a command runs, not with the CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy.doctor.files import walk

NOTEBOOK_OPTIONS = ("out", "inplace", "timeout", "quiet")


def _seconds(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text}")
    return value


def add_notebook_options(parser: argparse.ArgumentParser) -> None:
    """The options of ``run NOTEBOOK``; on ``run`` itself and after the notebook's name."""
    group = parser.add_argument_group("notebooks (SCRIPT is a .ipynb file or a folder of them)")
    group.add_argument("--out", metavar="PATH", default=None,
                       help="write the executed notebook here (a folder run: a folder) instead "
                            "of NAME.executed.ipynb beside the notebook")
    group.add_argument("--inplace", action="store_true", default=None,
                       help="write the executed notebook over the notebook itself")
    group.add_argument("--timeout", type=_seconds, metavar="S", default=None,
                       help="stop a cell that runs longer than S seconds (default: no limit)")
    group.add_argument("--quiet", action="store_true", default=None,
                       help="do not echo the cells' printed output, only the progress")


class NotebookOptionError(Tf1LstmError):
    """A notebook option given with a script, or options that contradict each other."""


def notebook_options(given: argparse.Namespace, rest: list[str], target: str):
    """The notebook options: those before NOTEBOOK, then those after it."""
    parser = argparse.ArgumentParser(prog=f"tf1-lstm run {target}", allow_abbrev=False)
    add_notebook_options(parser)
    options = parser.parse_args(rest)
    for name in NOTEBOOK_OPTIONS:
        if getattr(options, name) is None:
            setattr(options, name, getattr(given, name, None))
    if options.inplace and options.out:
        raise NotebookOptionError("--inplace and --out contradict each other: choose one")
    return options


def is_notebook_target(path: str) -> bool:
    return path.endswith(".ipynb") or Path(path).is_dir()


def refuse_notebook_options(given: argparse.Namespace, script: str) -> None:
    """``--out`` and friends before a Python script: say they are for notebooks."""
    used = [f"--{name}" for name in NOTEBOOK_OPTIONS if getattr(given, name, None)]
    if used:
        raise NotebookOptionError(
            f"{', '.join(used)} {'is' if len(used) == 1 else 'are'} for notebooks, and {script} "
            "is a Python script; to pass options to the script, put them after it")


def _notebooks(folder: Path) -> list[Path]:
    from tf1_lstm.notebook.copies import NotebookFileError, is_executed_copy

    found = [path for path in walk(folder, (".ipynb",)) if not is_executed_copy(path)]
    if not found:
        raise NotebookFileError(f"no notebook (.ipynb) in {folder} or its sub-folders "
                                "(hidden folders and executed copies are skipped)")
    return found


def _plan(target: Path, options) -> list[tuple[Path, Path]]:
    """(notebook, its executed copy) for each notebook to run: every notebook read and every
    copy checked before the first cell runs, so a bad one costs a second, not a run."""
    from tf1_lstm.notebook.copies import (
        NotebookFileError,
        check_copy,
        default_copy,
        read_notebook,
    )

    if not target.exists():
        raise NotebookFileError(f"no such notebook or folder: {target}")
    if target.is_dir():
        out = Path(options.out) if options.out else None
        plan = [(notebook, notebook if options.inplace else default_copy(notebook, out, target))
                for notebook in _notebooks(target)]
        option = "--out" if out else "the executed copy"
    else:
        copy = target if options.inplace else (
            Path(options.out) if options.out else default_copy(target))
        plan, option = [(target, copy)], "--out" if options.out else "the executed copy"
    for notebook, copy in plan:
        read_notebook(notebook)
        check_copy(copy, notebook, bool(options.inplace), option)
    return plan


def _where(run) -> str:
    where = f"code cell {run.failure.cell} of {run.code_cells}"
    return where if run.failure.line is None else f"{where}, line {run.failure.line}"


def _failure_lines(run) -> list[str]:
    failure = run.failure
    lines = [f"tf1-lstm: {run.source}: {_where(run)} failed:"]
    if failure.code:
        lines.append(f"    {failure.code}")
    ours = [line for line in failure.report.splitlines() if line.startswith("tf1-lstm: ")]
    if not any(line.startswith("tf1-lstm: error: ") for line in ours):
        lines.append(failure.error)
    return [*lines, *ours]


def run_notebooks(target: str, options) -> int:
    """``tf1-lstm run NOTEBOOK | FOLDER``: the exit code."""
    from tf1_lstm.notebook.execute import run_notebook

    plan = _plan(Path(target), options)
    folder = len(plan) > 1 or Path(target).is_dir()
    failed = 0
    for notebook, copy in plan:
        run = run_notebook(notebook, copy, timeout=options.timeout,
                           echo=not (options.quiet or folder),
                           progress=None if folder else sys.stderr)
        failed += run.failure is not None
        if folder:
            name = notebook.relative_to(target) if Path(target).is_dir() else notebook
            status = ("ok    " if run.failure is None else "FAILED") + f"  {name}"
            detail = (f"{run.code_cells} code cells, {run.seconds:.1f} s" if run.failure is None
                      else f"{_where(run)}: {run.failure.error}")
            print(f"{status}  {detail}  -> {copy}", flush=True)
        elif run.failure is None:
            print(f"tf1-lstm: ran the {run.code_cells} code cells of {notebook} in "
                  f"{run.seconds:.1f} s; executed notebook: {copy}", file=sys.stderr)
        else:
            print("\n".join(_failure_lines(run)), file=sys.stderr)
            print(f"tf1-lstm: the {run.cells_run} cells that ran, with their outputs and the "
                  f"full traceback, are in {copy}", file=sys.stderr)
    if folder:
        print(f"{len(plan) - failed} of {len(plan)} notebooks ran without an error")
    return 1 if failed else 0


SHELL_EPILOG = ("Every other argument goes to IPython unchanged (e.g. --simple-prompt, "
                "-c CODE, -i SCRIPT); `ipython --help` lists them.")


def shell(args: argparse.Namespace) -> int:
    """``tf1-lstm shell [IPYTHON ARGS]``: IPython with ``%load_ext tf1_lstm`` already run.

    The CLI hands over its unparsed arguments as ``args.ipython_args`` (IPython's options
    start with dashes, which an argparse positional cannot take).
    """
    from IPython import start_ipython

    start_ipython(argv=["--ext=tf1_lstm", *args.ipython_args])
    return 0
