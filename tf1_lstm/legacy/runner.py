"""``tf1-lstm run SCRIPT [ARGS...]`` / ``run -m MODULE [ARGS...]``: run unmodified TF1 code.

``run_script`` is ``python SCRIPT``: ``sys.argv == [SCRIPT, *ARGS]``, ``__name__ ==
"__main__"``, ``__file__`` is SCRIPT as given, the script's folder is ``sys.path[0]``.
``run_module`` is ``python -m MODULE`` (tensorflow/nmt runs as ``python -m nmt.nmt``): the
current folder is ``sys.path[0]``, the packages above MODULE are imported (under the shim),
then MODULE runs as ``__main__`` with ``__spec__`` set and ``sys.argv == [its file, *ARGS]``;
for a package, its ``__main__.py`` runs. Both: ``sys.exit(n)`` is the exit code, an uncaught
exception prints a traceback (of the user's own frames) and exits 1.
Different on purpose: before the script runs, the TF1 bootstrap and the import shim are in
place (``tf1_lstm.bootstrap``, ``tf1_lstm.legacy.shim``), and an error of ours (a contrib name we
do not provide, a bad MNIST file) is printed as the script's line plus one clear message.
A TensorFlow error caused by a TF1 idiom TF 2.21 rejects (``MultiRNNCell([cell] * n)``,
``tf.concat(1, [a, b])``) keeps Python's report, followed by one ``tf1-lstm: hint:`` line
(``tf1_lstm.legacy.hints``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import runpy
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy.activation import activate


class ScriptNotFound(Tf1LstmError):
    """The path given to ``tf1-lstm run`` is not a readable file."""


def _check_script(script: str) -> Path:
    path = Path(script)
    if not path.exists():
        raise ScriptNotFound(f"no such script: {script}")
    if not path.is_file():
        raise ScriptNotFound(f"{script} is a {'folder' if path.is_dir() else 'special file'}, "
                             "not a Python script")
    if not os.access(path, os.R_OK):
        raise ScriptNotFound(f"cannot read {script}: permission denied")
    return path


class MainModuleNotFound(Tf1LstmError, ImportError):
    """The module given to ``tf1-lstm run -m`` cannot be found, or is a package without
    ``__main__.py``."""


def _not_found(module: str) -> MainModuleNotFound:
    searched = ", ".join(entry or "." for entry in sys.path)
    advice = (f"drop the .py, or run the file: tf1-lstm run {module}" if module.endswith(".py")
              else "run from the folder that holds it, or add that folder to PYTHONPATH")
    return MainModuleNotFound(f"no module named {module!r} (searched sys.path: {searched}); "
                              f"{advice}")


def _check_top_level_module(module: str) -> None:
    """Fail fast, before TensorFlow loads, when MODULE's top-level package is not there.

    Only the top level: finding ``a.b`` imports ``a``, which must happen under the shim.
    """
    top = module.partition(".")[0]
    if not top or importlib.util.find_spec(top) is None or (
            module.endswith(".py") and Path(module).is_file()):  # a file given to -m
        raise _not_found(module)


def _main_spec(module: str):
    """The spec ``python -m module`` runs (a package's ``__main__``); imports the packages
    above it, as Python does."""
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError as error:
        if error.name and (module + ".").startswith(error.name + "."):
            raise _not_found(module) from None
        raise  # an import inside the user's package failed: reported like the script's errors
    if spec is None:
        raise _not_found(module)
    if spec.submodule_search_locations is None:
        return spec
    main = importlib.util.find_spec(f"{module}.__main__")
    if main is None:
        raise MainModuleNotFound(f"{module!r} is a package with no __main__.py, so it cannot be "
                                 f"run with -m (python -m says the same); name one of its "
                                 f"modules: tf1-lstm run -m {module}.<module>")
    return main


def user_frames(error: BaseException) -> list[traceback.FrameSummary]:
    """The traceback frames that belong to the user's code (not runpy, not us, not TensorFlow)."""
    ours = str(Path(__file__).resolve().parents[1])
    return [f for f in traceback.extract_tb(error.__traceback__)
            if not f.filename.startswith(ours) and "site-packages" not in f.filename
            and not f.filename.startswith("<frozen")
            and Path(f.filename).name != "runpy.py"]


def _script_frames(error: BaseException, script: Path) -> list[traceback.FrameSummary]:
    """The user's frames; if none, the script's own (the error was raised on its line)."""
    return user_frames(error) or [f for f in traceback.extract_tb(error.__traceback__)
                                  if Path(f.filename) == script]


def _explain_import_error(error: ImportError) -> str | None:
    """Python turns our helpful AttributeError into a bare ImportError; restore our message.

    ``from tensorflow.contrib.rnn import X`` -> "cannot import name 'X' from '...'";
    ``import tensorflow.contrib.seq2seq`` -> "No module named 'tensorflow.contrib.seq2seq'".
    """
    cannot_import = re.match(r"cannot import name '(\w+)' from '([\w.]+)'", str(error))
    if cannot_import:
        name, module = cannot_import.groups()
    else:
        module, _, name = (error.name or "").rpartition(".")
    if not name:
        return None
    try:
        getattr(sys.modules[module], name)
    except Tf1LstmError as ours:
        return str(ours)
    except (AttributeError, KeyError):
        return None
    return None


def our_message(error: BaseException) -> str | None:
    """The message of an error of ours (also when Python made it a bare ImportError), or None
    for anybody else's error, which keeps Python's full report."""
    if isinstance(error, Tf1LstmError):
        return str(error)
    if isinstance(error, ImportError):
        return _explain_import_error(error)
    return None


def _report(error: BaseException, script: Path, hint: str | None) -> None:
    frames = _script_frames(error, script)
    message = our_message(error)
    if message is None:  # not ours: Python's own report, minus the runner's frames
        print("Traceback (most recent call last):", file=sys.stderr)
        print("".join(traceback.format_list(frames)), end="", file=sys.stderr)
        print("".join(traceback.format_exception_only(error)), end="", file=sys.stderr)
        if hint is not None:
            print(f"tf1-lstm: hint: {hint}", file=sys.stderr)
        return
    print_our_error(message, frames)


def print_our_error(message: str, frames: list[traceback.FrameSummary]) -> None:
    """An error of ours: the user's last line (when there is one) and one error line."""
    if frames:
        where = frames[-1]
        print(f'  File "{where.filename}", line {where.lineno}', file=sys.stderr)
        if where.line:  # code typed at a >>> prompt has no source line to show
            print(f"    {where.line}", file=sys.stderr)
    print(f"tf1-lstm: error: {message}", file=sys.stderr)


def _exit_code(stop: SystemExit) -> int:
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)  # sys.exit("message"), as Python does
    return 1


def _run_reporting(run: Callable[[], object], main_file: Callable[[], Path],
                   hint_for: Callable[[BaseException], str | None]) -> int:
    """Run the user's code; its exit code, its uncaught error reported as Python would."""
    try:
        run()
    except SystemExit as stop:
        return _exit_code(stop)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # noqa: BLE001 - report it as `python SCRIPT` would
        _report(error, main_file(), hint_for(error))
        return 1
    finally:
        sys.stdout.flush()
    return 0


def run_script(script: str, args: list[str]) -> int:
    """Run ``script`` with ``args`` under the TF1 shim; return its exit code."""
    path = _check_script(script)
    activate()  # imports TensorFlow: only once the script is known good
    from tf1_lstm.legacy import hints

    sys.argv = [script, *args]
    sys.path[0] = str(path.resolve().parent)
    return _run_reporting(lambda: runpy.run_path(script, run_name="__main__"), lambda: path,
                          hints.hint_for)


def run_module(module: str, args: list[str]) -> int:
    """Run ``module`` with ``args`` as ``python -m module`` would, under the TF1 shim."""
    sys.path[0] = os.getcwd()  # python -m: the current folder first
    _check_top_level_module(module)
    activate()  # imports TensorFlow: only once the module's package is known to be there
    from tf1_lstm.legacy import hints

    sys.argv = ["-m", *args]  # python -m's argv[0] while it looks for the module
    found = []

    def find_and_run():
        found.append(Path(_main_spec(module).origin))
        # alter_sys: sys.argv[0] is the module's file and sys.modules["__main__"] the module
        # while it runs, as under python -m (run_module finds a package's __main__ itself).
        runpy.run_module(module, run_name="__main__", alter_sys=True)

    return _run_reporting(find_and_run, lambda: found[0] if found else Path(module),
                          hints.hint_for)
