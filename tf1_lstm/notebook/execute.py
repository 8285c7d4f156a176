"""Execute one notebook's code cells in order in the TF1 kernel, as Jupyter would.

``run_notebook(path, target, ...)`` starts the TF1 kernel (``kernel``, through nbclient and a
spec held in memory: nothing needs installing) in the notebook's folder, as Jupyter does, and
runs each code cell. Magics, ``!shell`` lines, ``%matplotlib inline`` and rich display outputs
(figures as PNG) behave as in Jupyter because it is Jupyter's kernel. While it runs:

- ``[k/n] first line of the cell`` before each code cell (stderr), and, unless ``echo`` is
  off, the cells' printed output as it comes (stdout/stderr), as a script's would;
- on a failing cell (an error, ``timeout`` seconds passed, the kernel died) it stops there:
  the report says which code cell, its line, and the error as the kernel showed it (our one
  ``tf1-lstm: error:`` line or the traceback with any ``tf1-lstm: hint:``), and later cells
  stay as they were.

Either way the executed copy is written with every output so far (``copies.write_copy``),
and the result says what happened.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.notebook.copies import read_notebook, write_copy
from tf1_lstm.notebook.kernelspec import KERNEL_NAME, TransientKernelSpecs

KERNEL_START_SECONDS = 120  # TensorFlow's import alone takes 5-10 s on a busy 2-core machine
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


@dataclass(frozen=True)
class CellFailure:
    """Where and how a notebook stopped."""

    cell: int  # the code cell's number, 1 = the first code cell
    line: int | None  # the line of that cell the error was raised on, when the kernel said
    code: str | None  # that line's text
    error: str  # "ValueError: ...", "timed out after 60 s", "the kernel died"
    report: str  # the error as the kernel showed it (plain text)


@dataclass(frozen=True)
class NotebookRun:
    """What ``run_notebook`` did."""

    source: Path
    copy: Path
    code_cells: int
    cells_run: int
    seconds: float
    failure: CellFailure | None


def first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    return lines[0] if lines else ""


class _EchoingClient(NotebookClient):
    """nbclient's client, also writing each stream output to our stdout/stderr as it comes,
    and remembering a timeout: the kernel is interrupted then (``interrupt_on_timeout``), as
    Jupyter's stop button does, so the cell ends in a KeyboardInterrupt and the kernel shuts
    down cleanly instead of replying into closed sockets."""

    echo = True
    timed_out = False

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if self.echo and out is not None and out.get("output_type") == "stream":
            stream = sys.stderr if out.get("name") == "stderr" else sys.stdout
            stream.write(out.get("text", ""))
            stream.flush()
        return out


def _failure_from_error(number: int, source: str, error: CellExecutionError) -> CellFailure:
    report = _ANSI.sub("", str(error.traceback if hasattr(error, "traceback") else error))
    lines = _CELL_LINE.findall(report)
    line = int(lines[-1]) if lines else None
    code_lines = source.splitlines()
    code = code_lines[line - 1].strip() if line and line <= len(code_lines) else None
    summary = f"{error.ename}: {error.evalue}" if getattr(error, "ename", None) else str(error)
    return CellFailure(number, line, code, summary.splitlines()[0] if summary else "", report)


def _failure(number: int, cell, error: Exception, timeout: float | None,
             timed_out: bool) -> CellFailure:
    if timed_out or isinstance(error, CellTimeoutError):
        return CellFailure(number, None, None, f"timed out after {timeout:g} s (--timeout); "
                           "the kernel was interrupted", str(error))
    if isinstance(error, DeadKernelError):
        return CellFailure(number, None, None, "the kernel died (out of memory, a crash in "
                           "native code, or os._exit)", str(error))
    return _failure_from_error(number, cell.source, error)


class KernelStartFailed(Tf1LstmError):
    """The TF1 kernel died or did not answer before the first cell."""


@contextlib.contextmanager
def _kernel_started(client: _EchoingClient) -> Iterator[None]:
    """The kernel up and answering (its language_info in the notebook), shut down after."""
    ready = False
    try:
        with client.setup_kernel(cleanup_kc=True):  # we made the manager: shut it down too
            info = client.wait_for_reply(client.kc.kernel_info())
            client.nb.metadata["language_info"] = info["content"]["language_info"]
            ready = True
            yield
    except (RuntimeError, DeadKernelError, TimeoutError) as error:
        if ready:  # raised while the cells ran: not a start-up failure
            raise
        raise KernelStartFailed(
            f"the TF1 kernel ({sys.executable} -m tf1_lstm.notebook.kernel) did not start: "
            f"{error}; its own error, if it printed one, is above. No cell ran.") from None


def run_notebook(path: Path, copy: Path, timeout: float | None = None, echo: bool = True,
                 progress=sys.stderr) -> NotebookRun:
    """Run ``path``'s code cells in the TF1 kernel and write the executed copy to ``copy``."""
    notebook = read_notebook(path)
    code = [(index, cell) for index, cell in enumerate(notebook.cells)
            if cell.cell_type == "code"]
    sockets = Path(tempfile.mkdtemp(prefix="tf1-lstm-kernel-"))
    # Local sockets (ipc) at an absolute path: no TCP port others could read, and ipykernel
    # has no "running over TCP without encryption" warning to print.
    manager = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                 kernel_spec_manager=TransientKernelSpecs(),
                                 transport="ipc", ip=str(sockets / "kernel"))
    client = _EchoingClient(notebook, km=manager, timeout=timeout,
                            startup_timeout=KERNEL_START_SECONDS, kernel_name=KERNEL_NAME,
                            coalesce_streams=True,  # one stdout output per cell, as Jupyter shows
                            interrupt_on_timeout=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.echo = echo
    started, run, failure, kernel_up = time.monotonic(), 0, None, False
    try:
        with _kernel_started(client):
            kernel_up = True
            for number, (index, cell) in enumerate(code, start=1):
                if progress is not None:
                    print(f"[{number}/{len(code)}] {first_line(cell.source)}", file=progress,
                          flush=True)
                try:
                    client.execute_cell(cell, index,
                                        execution_count=client.code_cells_executed + 1)
                except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
                    failure = _failure(number, cell, error, timeout, client.timed_out)
                    break
                run = number
    finally:  # also on Ctrl-C: what ran so far is kept (nothing, if the kernel never started)
        shutil.rmtree(sockets, ignore_errors=True)
        if kernel_up:
            write_copy(notebook, copy, path, failure.cell if failure else None)
    return NotebookRun(path, copy, len(code), run + (failure is not None),
                       time.monotonic() - started, failure)
