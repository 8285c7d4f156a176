"""What the numbers were measured on: CPU, cores, versions, date, and how busy the machine was;
and the pinning of a worker to one core (the bench's "on 1 core" rows).

"Busy" is measured, not guessed: /proc/stat counts the CPU time every process used, and
``os.times()`` the time this process and its finished workers used; the difference, over
the run's wall time x cores, is the share of the machine other processes took. Imports no
framework (versions come from the installed packages' metadata).
"""

from __future__ import annotations

import datetime
import os
import platform
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from tf1_lstm.bench.jobs import usable_cores

PACKAGES = ("tensorflow", "tf-keras", "keras", "torch", "numpy")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found


@dataclass(frozen=True)
class CpuSnapshot:
    wall: float
    machine_busy: float | None   # seconds of CPU time used by every process (None: no /proc)
    ours: float                  # seconds used by this process and its finished children


def snapshot() -> CpuSnapshot:
    times = os.times()
    ours = times.user + times.system + times.children_user + times.children_system
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        # user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        busy = None
    return CpuSnapshot(time.perf_counter(), busy, ours)


def others_share(before: CpuSnapshot, after: CpuSnapshot, cores: int) -> float | None:
    """Fraction of the machine's CPU time (wall x cores) that other processes used."""
    if before.machine_busy is None or after.machine_busy is None:
        return None
    others = (after.machine_busy - before.machine_busy) - (after.ours - before.ours)
    capacity = (after.wall - before.wall) * cores
    return max(0.0, others / capacity) if capacity > 0 else None


def pin_to_one_core() -> int:
    """Pin this process, every thread it has and every thread it starts, to one core (the
    lowest it may use); return that core. Call it before TensorFlow's first session (its
    thread pools start then and inherit the affinity). Linux only."""
    core = min(os.sched_getaffinity(0))
    for thread in Path("/proc/self/task").iterdir():  # threads a library started at import
        try:
            os.sched_setaffinity(int(thread.name), {core})
        except (ProcessLookupError, ValueError):  # it ended meanwhile
            pass
    os.sched_setaffinity(0, {core})
    return core


def describe() -> dict:
    return {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu_model(), "cores": usable_cores(), "versions": versions()}
