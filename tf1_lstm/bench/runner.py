"""Run the planned jobs one after another, each in a fresh Python process of its world.

One process per job keeps the measurements apart: TensorFlow fixes its thread pools at the
first session of a process, Keras 3 cannot share a process with TF1 graph mode, and a path's
memory or warm caches never help the next one. Nothing runs in parallel, so the paths do not
compete for the cores.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_lstm.bench.jobs import SEQ2SEQ, Job
from tf1_lstm.progress import progress_bar
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


def run_all(jobs: list[Job]) -> list[Outcome]:
    outcomes = []
    with progress_bar(len(jobs), "bench") as bar:
        for job in jobs:
            bar.set_postfix_str(job.label, refresh=True)
            outcomes.append(run_job(job))
            bar.update()
    return outcomes
