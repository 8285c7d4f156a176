"""TF1 between-graph replication runs under `tf1-lstm run`: 1 ps + 2 workers on localhost.

Each task is its own `python -m tf1_lstm run SCRIPT --job_name=... --task_index=...` process,
as in TF 1.15's `tools/dist_test/python/mnist_replica.py`: `tf.train.Server` over grpc,
`replica_device_setter`, `MonitoredTrainingSession` with a `StopAtStepHook`, and in sync mode
`SyncReplicasOptimizer` with its session-run hook. The ps never returns from `server.join()`:
the test terminates and reaps it, and every process it started, whatever happens.

The cluster spec names only localhost, so every connection goes over loopback. The listening
sockets do not: TensorFlow's GrpcServer listens on "0.0.0.0:PORT" (all interfaces) whatever
host the spec gives (`GrpcServer::Init` in `core/distributed_runtime/rpc/grpc_server_lib.cc`,
TF 1.15 and TF 2.21 alike), and nothing in the Python API changes that.

Worker 1 starts once the chief's session is ready: a non-chief worker that finds the
variables not yet initialized sleeps SessionManager's `recovery_wait_secs` (30 s) before it
looks again.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow

SCRIPTS = REPO / "tests" / "scripts" / "distributed"
TRAIN_STEPS = 30
NUM_WORKERS = 2
CLUSTER_TIMEOUT_SECS = 300  # three TensorFlow imports and a short training on 2 shared cores
PS_DEVICE = "/job:ps/task:0"
# The model's variables as TF 1.15 names them (BasicLSTMCell under dynamic_rnn's "rnn" scope).
MODEL_VARIABLES = {"global_step:0", "rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0",
                   "prediction/kernel:0", "prediction/bias:0"}

DONE = re.compile(r"Worker (\d+): done: global_step=(\d+) local_steps=(\d+) "
                  r"first_loss=([\d.]+) loss=([\d.]+)")
VARIABLE = re.compile(r"Worker \d+: variable (\S+) on (\S*)")


@dataclass(frozen=True)
class WorkerReport:
    """What one worker printed: the shared global step and eval loss after its training."""

    global_step: int
    local_steps: int
    first_loss: float
    loss: float
    devices: dict[str, str]  # variable name -> device


@dataclass
class Task:
    job: str
    index: int
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return (f"--- {self.job}:{self.index} stdout\n{self.stdout.read_text()}"
                f"--- {self.job}:{self.index} stderr\n{self.stderr.read_text()}")


def free_localhost_ports(count: int) -> list[int]:
    """Ports the kernel says are free, all held open together so they differ."""
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]


def task_environment() -> dict[str, str]:
    """A clean TF1 start (as conftest.run_python) with unbuffered output we can poll."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_USE_LEGACY_KERAS", "TF1_LSTM_VERBOSE", "TF1_LSTM_MNIST")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_task(script: Path, job: str, index: int, hosts: list[str], folder: Path,
               stack: ExitStack) -> Task:
    stdout, stderr = folder / f"{job}{index}.out", folder / f"{job}{index}.err"
    command = [sys.executable, "-m", "tf1_lstm", "run", str(script),
               f"--job_name={job}", f"--task_index={index}",
               f"--ps_hosts={hosts[0]}", f"--worker_hosts={','.join(hosts[1:])}",
               f"--train_steps={TRAIN_STEPS}"]
    process = subprocess.Popen(command, cwd=REPO, env=task_environment(),
                               stdout=stack.enter_context(stdout.open("w")),
                               stderr=stack.enter_context(stderr.open("w")))
    return Task(job, index, process, stdout, stderr)


def stop_and_reap(task: Task) -> None:
    if task.process.poll() is None:
        task.process.terminate()
        try:
            task.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            task.process.kill()
            task.process.wait()


def wait_for_line(task: Task, line: str, deadline: float) -> None:
    """Until ``task`` prints ``line``, or exits (its exit code is checked later)."""
    while line not in task.stdout.read_text() and task.process.poll() is None:
        if time.monotonic() > deadline:
            pytest.fail(f"no {line!r} within {CLUSTER_TIMEOUT_SECS} s\n{task.output()}")
        time.sleep(0.2)


def parse_report(task: Task) -> WorkerReport:
    text = task.stdout.read_text()
    done = DONE.search(text)
    assert done is not None and int(done.group(1)) == task.index, task.output()
    return WorkerReport(global_step=int(done.group(2)), local_steps=int(done.group(3)),
                        first_loss=float(done.group(4)), loss=float(done.group(5)),
                        devices=dict(VARIABLE.findall(text)))


def run_cluster(script: Path, folder: Path) -> list[WorkerReport]:
    """Run ``script`` as 1 ps + 2 workers; the workers' reports, chief first."""
    hosts = [f"localhost:{port}" for port in free_localhost_ports(1 + NUM_WORKERS)]
    deadline = time.monotonic() + CLUSTER_TIMEOUT_SECS
    tasks: list[Task] = []
    with ExitStack() as log_files:
        try:
            tasks.append(start_task(script, "ps", 0, hosts, folder, log_files))
            tasks.append(start_task(script, "worker", 0, hosts, folder, log_files))
            wait_for_line(tasks[1], "Worker 0: session ready", deadline)
            for index in range(1, NUM_WORKERS):
                tasks.append(start_task(script, "worker", index, hosts, folder, log_files))
            for worker in tasks[1:]:
                try:
                    worker.process.wait(timeout=max(deadline - time.monotonic(), 1))
                except subprocess.TimeoutExpired:
                    pytest.fail(f"workers still running after {CLUSTER_TIMEOUT_SECS} s\n"
                                + "".join(task.output() for task in tasks))
            for worker in tasks[1:]:
                assert worker.process.returncode == 0, worker.output()
            assert tasks[0].process.poll() is None, tasks[0].output()  # join() never returns
            return [parse_report(worker) for worker in tasks[1:]]
        finally:
            for task in reversed(tasks):
                stop_and_reap(task)


def check_shared_training(workers: list[WorkerReport]) -> int:
    """What both modes promise; returns the final global step."""
    for worker in workers:
        assert MODEL_VARIABLES <= worker.devices.keys(), worker.devices
        assert set(worker.devices.values()) == {PS_DEVICE}, worker.devices
    assert workers[0].devices == workers[1].devices
    # Both read the same initial weights from the ps before anyone trained.
    assert workers[0].first_loss == workers[1].first_loss
    chief = workers[0]
    assert chief.loss < chief.first_loss / 2, chief
    final_step = max(worker.global_step for worker in workers)
    assert final_step >= TRAIN_STEPS
    return final_step


def test_async_replicas_apply_every_step_of_both_workers_to_the_ps_variables(tmp_path):
    workers = run_cluster(SCRIPTS / "async_replicas.py", tmp_path)
    final_step = check_shared_training(workers)
    # No aggregation: each worker step is one Adam update and one global step.
    assert final_step == sum(worker.local_steps for worker in workers), workers
    assert all(worker.local_steps >= 1 for worker in workers), workers


def test_sync_replicas_advance_the_global_step_once_per_aggregated_pair(tmp_path):
    """TF 1.15's sync_replicas_optimizer_test.test2Workers: with replicas_to_aggregate=2 the
    global step moves 0 -> 1 only after both workers' gradients are in. With no free tokens
    (num_tokens=0) every step takes exactly one gradient from each worker."""
    workers = run_cluster(SCRIPTS / "sync_replicas.py", tmp_path)
    final_step = check_shared_training(workers)
    assert [worker.local_steps for worker in workers] == [TRAIN_STEPS] * NUM_WORKERS, workers
    assert final_step == TRAIN_STEPS
    assert workers[0].loss == workers[1].loss  # no update after the last aggregated step
