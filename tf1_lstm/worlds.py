"""The one bridge between the TF1 world and the TF2 world: a fresh interpreter, plain data.

TensorFlow 2.21 gives two worlds that do not share a process: the TF1 world
(``TF_USE_LEGACY_KERAS=1`` before TensorFlow loads, graph mode, the v1 cells; every module
that imports ``tf1_lstm.compat``) and the TF2 world (Keras 3, PyTorch; a process that must
never load the bootstrap). Work that needs the other world runs in a new interpreter of it,
and only plain data crosses::

    caller                                   python -m tf1_lstm.worlds TASK FOLDER
    ------                                   --------------------------------------
    FOLDER/request.json   JSON          --->  TASK.run_task(request, arrays) -> (result, arrays)
    FOLDER/request.npz    NumPy arrays  --->  (TASK declares WORLD = "tf1" or "tf2": checked)
    FOLDER/result.json    JSON          <---  or {"error": type, module, message}
    FOLDER/result.npz     NumPy arrays  <---

``WorldProcess`` starts the process at once and ``result()`` waits, so the caller can work
meanwhile (``tf1-lstm port`` runs the TF1 side of its proof while Keras 3 loads). Users:
``tf1_lstm.port.worlds`` (the port's Keras 3 / PyTorch targets) and ``tf1_lstm.bench.runner``
(each benchmark path in a process of its own).

This module imports no TensorFlow: it belongs to neither world.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import tf1_lstm

WORLDS = ("tf1", "tf2")
LEGACY_KERAS_FLAG = "TF_USE_LEGACY_KERAS"


def world_env(world: str) -> dict[str, str]:
    """The environment of a fresh ``world`` process: the TF1 world needs the legacy-Keras
    flag before TensorFlow loads; the TF2 world must not have it (Keras 3 would be replaced
    by tf_keras). TensorFlow's C++ logs stay quiet unless the caller set their level."""
    if world not in WORLDS:
        raise ValueError(f"unknown world {world!r}: one of {WORLDS}")
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if world == "tf1":
        env[LEGACY_KERAS_FLAG] = "1"
    else:
        env.pop(LEGACY_KERAS_FLAG, None)
        env["KERAS_BACKEND"] = "tensorflow"
    package_root = str(Path(tf1_lstm.__file__).resolve().parents[1])  # works uninstalled too
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    return env


@dataclass
class WorldResult:
    """What the task sent back, or why there is nothing."""

    ok: bool
    result: dict = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    error_type: str = ""  # the exception's class name, e.g. "TorchMissing"
    error_module: str = ""  # its module, e.g. "tf1_lstm.port.errors"
    error: str = ""  # its message; or "timed out ..." / "crashed: ..." (error_type "")
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""


class WorldProcess:
    """``python -m tf1_lstm.worlds TASK FOLDER`` in a fresh ``world`` interpreter."""

    def __init__(self, world: str, task: str, request: dict,
                 arrays: dict[str, np.ndarray] | None = None) -> None:
        self.world, self.task = world, task
        self._folder = tempfile.TemporaryDirectory(prefix="tf1-lstm-world-")
        folder = Path(self._folder.name)
        (folder / "request.json").write_text(json.dumps(request))
        np.savez(folder / "request.npz", **(arrays or {}))
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tf1_lstm.worlds", task, str(folder)],
            env=world_env(world), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def result(self, timeout: float | None = None) -> WorldResult:
        """Wait for the task (killed after ``timeout`` seconds) and read what it sent back."""
        try:
            stdout, stderr = self._process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            stdout, stderr = self._process.communicate()
            return WorldResult(False, error=f"timed out after {timeout:g} s", stdout=stdout,
                               stderr=stderr)
        folder, code = Path(self._folder.name), self._process.returncode
        if not (folder / "result.json").exists():  # died before writing: a crash, no memory
            last = (stderr.strip().splitlines() or [f"exit code {code}"])[-1]
            return WorldResult(False, error=f"crashed: {last}", returncode=code,
                               stdout=stdout, stderr=stderr)
        sent = json.loads((folder / "result.json").read_text())
        with np.load(folder / "result.npz") as arrays:
            arrays = dict(arrays)
        if "error" in sent:
            return WorldResult(False, arrays=arrays, error_type=sent["error"]["type"],
                               error_module=sent["error"]["module"],
                               error=sent["error"]["message"], returncode=code,
                               stdout=stdout, stderr=stderr)
        return WorldResult(True, sent["result"], arrays, returncode=code, stdout=stdout,
                           stderr=stderr)

    def close(self) -> None:
        """Stop the process if it still runs (the caller failed first); remove the files."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._folder.cleanup()

    def __enter__(self) -> WorldProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def main(argv: list[str]) -> int:
    """The task's side: run ``TASK.run_task`` on the request, write the result or the error."""
    task_name, folder = argv[0], Path(argv[1])
    request = json.loads((folder / "request.json").read_text())
    with np.load(folder / "request.npz") as arrays:
        arrays = dict(arrays)
    result, out_arrays, code = {}, {}, 0
    try:
        task = importlib.import_module(task_name)
        expected = "tf1" if os.environ.get(LEGACY_KERAS_FLAG) == "1" else "tf2"
        if getattr(task, "WORLD", None) != expected:
            raise RuntimeError(f"{task_name} declares WORLD = {getattr(task, 'WORLD', None)!r} "
                               f"but was started in the {expected} world")
        result, out_arrays = task.run_task(request, arrays)
        sent = {"result": result}
    except Exception as error:  # noqa: BLE001 - sent back whole; the traceback to stderr
        traceback.print_exc()
        sent = {"error": {"type": type(error).__name__, "module": type(error).__module__,
                          "message": str(error)}}
        code = 1
    np.savez(folder / "result.npz", **out_arrays)
    (folder / "result.json").write_text(json.dumps(sent))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
