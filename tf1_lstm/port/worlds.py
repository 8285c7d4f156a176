"""The port's crossing into the TF2 world: its Keras 3 / PyTorch target, run in a new process.

Keras 3 and TF1 graph mode (``tf1_lstm.compat``) cannot share a process, and PyTorch is kept
apart too. So the caller (the ``tf1-lstm port`` command, or a test, in the TF1 world) hands
the target's work to ``tf1_lstm.worlds``, the one bridge, and only plain data crosses::

    caller (TF1 world)                         keras_target / torch_target .run_task (TF2)
    ------------------                         -------------------------------------------
    jobs: architecture, path             --->  build Keras 3 / PyTorch model
    arrays "k/weights/NAME" (target layout) -> fill, write job.path, load it back
    arrays "k/x"  random input [B, T, I] --->  run
    arrays "k/outputs", "k/state_0_c", ... <--  (named as the TF1 source names them)
    a PortError, re-raised here          <---

``TargetWorld`` starts the process at once and ``results()`` waits, so the caller runs the
TF1 source meanwhile: on two cores the two worlds' TensorFlow imports overlap::

    with TargetWorld("keras", [TargetJob(architecture, weights, x, path)]) as world:
        source = run_source(model, x)                   # TF1, in this process
        (target,) = world.results()
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.port import errors
from tf1_lstm.port.errors import TargetWorldFailed
from tf1_lstm.worlds import WorldProcess

TARGET_TASKS = {"keras": "tf1_lstm.port.keras_target", "torch": "tf1_lstm.port.torch_target",
                "onnx": "tf1_lstm.port.onnx_target"}


@dataclass(frozen=True)
class TargetJob:
    """One model to write and run in the target world."""

    architecture: dict  # Tf1Rnn.architecture(): layer kinds and sizes, classes
    weights: dict[str, np.ndarray]  # in the target's layout (tf1_lstm.port.layouts)
    x: np.ndarray  # [B, T, I] float32, or ids [B, T] int32 for a model with an embedding
    path: Path  # the file the target writes (the command gives a staged temporary file)


class TargetWorld:
    """A running target-world process doing ``jobs`` for ``target`` ("keras" or "torch")."""

    def __init__(self, target: str, jobs: list[TargetJob]) -> None:
        self.target, self._count = target, len(jobs)
        request = {"jobs": [{"architecture": job.architecture,
                             "path": str(Path(job.path).resolve())} for job in jobs]}
        arrays = {}
        for k, job in enumerate(jobs):
            arrays[f"{k}/x"] = np.asarray(job.x)  # float32 [B, T, I], or int ids [B, T]
            arrays |= {f"{k}/weights/{name}": value for name, value in job.weights.items()}
        self._process = WorldProcess("tf2", TARGET_TASKS[target], request, arrays)

    def results(self, timeout: float = 900) -> list[dict[str, np.ndarray]]:
        """Wait for the process; each job's named outputs, or its error re-raised here."""
        done = self._process.result(timeout)
        if not done.ok and done.error_module == errors.__name__:
            raise getattr(errors, done.error_type, errors.PortError)(done.error)
        if not done.ok:
            raise TargetWorldFailed(
                f"the {self.target} process failed ({done.error_type or 'no result'}: "
                f"{done.error}); this is a bug in tf1-lstm. Its output:\n"
                f"{done.stdout[-2000:]}{done.stderr[-6000:]}")
        return [_job_arrays(done.arrays, f"{k}/") for k in range(self._count)]

    def close(self) -> None:
        """Stop the process if it still runs (the caller failed first) and remove the files."""
        self._process.close()

    def __enter__(self) -> TargetWorld:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


WriteAndRun = Callable[[dict, dict[str, np.ndarray], np.ndarray, Path], dict[str, np.ndarray]]


def run_target_jobs(write_and_run: WriteAndRun, request: dict, arrays: dict[str, np.ndarray]
                    ) -> tuple[dict, dict[str, np.ndarray]]:
    """The target process' side: each job written, read back and run by ``write_and_run``."""
    results = {}
    for k, job in enumerate(request["jobs"]):
        outputs = write_and_run(job["architecture"], _job_arrays(arrays, f"{k}/weights/"),
                                arrays[f"{k}/x"], Path(job["path"]))
        results |= {f"{k}/{name}": value for name, value in outputs.items()}
    return {}, results


def _job_arrays(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The arrays under ``prefix`` ("0/weights/"), named without it."""
    return {name.removeprefix(prefix): value for name, value in arrays.items()
            if name.startswith(prefix)}
