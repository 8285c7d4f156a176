"""Run the planned jobs one after another, each in a fresh Python process of its world.

One process per job keeps the measurements apart: TensorFlow fixes its thread pools at the
first session of a process, Keras 3 cannot share a process with TF1 graph mode, and a path's
memory or warm caches never help the next one. Nothing runs in parallel, so the paths do not
compete for the cores. A full run takes minutes: a line on stderr says when each job ends.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO

from tf1_lstm.bench.jobs import SEQ2SEQ, Job
from tf1_lstm.worlds import WorldProcess

TASKS = {"tf1": "tf1_lstm.bench.tf1_graphs", "keras": "tf1_lstm.bench.keras_model",
         "torch": "tf1_lstm.bench.torch_model"}  # job.world -> the module that runs it
SEQ2SEQ_TASK_MODULES = {"tf1": "tf1_lstm.bench.seq2seq_tf1",
                        "torch": "tf1_lstm.bench.seq2seq_torch"}  # kind "seq2seq"
TIMEOUT_SECONDS = 600  # static_rnn at T=500 takes about a minute to build and start


@dataclass
class Outcome:
    job: Job
    ok: bool
    result: dict | None = None
    error: str = ""


def run_job(job: Job) -> Outcome:
    """One job in a fresh process of its world (``tf1_lstm.worlds``)."""
    task = (SEQ2SEQ_TASK_MODULES if job.kind == SEQ2SEQ else TASKS)[job.world]
    with WorldProcess("tf1" if job.world == "tf1" else "tf2", task, job.to_dict()) as process:
        done = process.result(TIMEOUT_SECONDS)
    if done.ok:
        return Outcome(job, True, done.result)
    error = f"{done.error_type}: {done.error}" if done.error_type else f"worker {done.error}"
    return Outcome(job, False, error=error.splitlines()[0])


def run_all(jobs: list[Job], stream: TextIO | None = None) -> list[Outcome]:
    """Every job, one after another, and a line on ``stream`` (stderr) as each ends::

        tf1-lstm bench [ 3/60] document 002: fast path (tf1_lstm.fast): 12.4 s (41 s so far)
        tf1-lstm bench [24/60] gru: fast path (FastGRUCell): 3.1 s, FAILED: ImportError: ...
    """
    stream = stream or sys.stderr
    outcomes, started, width = [], time.perf_counter(), len(str(len(jobs)))
    for number, job in enumerate(jobs, 1):
        job_started = time.perf_counter()
        outcome = run_job(job)
        outcomes.append(outcome)
        now = time.perf_counter()
        failed = "" if outcome.ok else f", FAILED: {outcome.error}"
        print(f"tf1-lstm bench [{number:>{width}}/{len(jobs)}] {job.label}: "
              f"{now - job_started:.1f} s{failed} ({now - started:.0f} s so far)",
              file=stream, flush=True)
    return outcomes
