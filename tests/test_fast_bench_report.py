"""``tf1-lstm bench``'s arithmetic and formatting, on made-up timings (nothing is timed here).

The numbers: examples/s = batch / median step; ratios to the model's TF1 built-in and to
PyTorch (its fastest thread count) in the same model and mode; GFLOP/s from the recurrent
matmul FLOPs; the fraction of the measured ceiling; the latency and one-core rows' labels.
"""

from __future__ import annotations

import io
import json

import pytest

from tf1_lstm.bench import runner
from tf1_lstm.bench.jobs import (
    DEFAULT,
    DOCUMENT_PATHS,
    FULL,
    INFER,
    LATENCY,
    MODELS,
    ONE_CORE,
    PATHS,
    QUICK,
    TRAIN,
    TUNED,
    Job,
    plan,
    thread_settings,
    torch_thread_counts,
)
from tf1_lstm.bench.machine import CpuSnapshot, others_share
from tf1_lstm.bench.report import (
    SKIPPED_TORCH,
    Report,
    add_ratios,
    busy_text,
    format_table,
    pick_torch_threads,
    rows_from,
    to_json,
)
from tf1_lstm.bench.runner import Outcome


def paths_outcome(path: str, train_ms: list[float], infer_ms: list[float], model="002",
                  threads=TUNED, ok=True, latency_ms: list[float] | None = None) -> Outcome:
    """A paths job's outcome; PyTorch's with every thread count at the same times but 2
    threads 1.5x slower (so 1 thread wins)."""
    modes = (TRAIN, INFER, LATENCY) if latency_ms else (TRAIN, INFER)
    job = Job("paths", PATHS[path].world, path, model, threads=threads, modes=modes)
    times = {TRAIN: train_ms, INFER: infer_ms, LATENCY: latency_ms}
    result = {}
    for mode in modes:
        seconds = [t / 1e3 for t in times[mode]]
        part = ({"seconds_by_threads": {"1": seconds, "2": [1.5 * t for t in seconds]}}
                if PATHS[path].world == "torch" else {"seconds": seconds})
        result[mode] = {"batch": MODELS[model].batch_of(mode)} | part
    return Outcome(job, ok, result if ok else None, "" if ok else "MemoryError: boom")


def fake_report(torch_installed: bool = True) -> Report:
    outcomes = [
        paths_outcome("static_rnn", [20.0, 19.0, 21.0], [40.0, 40.0, 40.0],
                      latency_ms=[2.0, 2.0, 2.0]),
        paths_outcome("fast", [10.0, 10.0, 12.0], [32.0, 32.0, 32.0], latency_ms=[1.0] * 3),
        paths_outcome("block_fused", [], [], ok=False),
        paths_outcome("static_rnn", [30.0, 30.0, 30.0], [50.0, 50.0, 50.0], threads=DEFAULT),
        paths_outcome("static_rnn", [40.0] * 3, [90.0] * 3, threads=ONE_CORE),
        paths_outcome("fast", [38.0] * 3, [80.0] * 3, threads=ONE_CORE),
        paths_outcome("bidi_dynamic", [50.0] * 3, [100.0] * 3, model="bidirectional"),
        paths_outcome("bidi_fast", [25.0] * 3, [50.0] * 3, model="bidirectional"),
        Outcome(Job("construction", "tf1", "static_rnn", "002", steps=28), True,
                {"build_seconds": 0.5, "ops": 2910, "first_step_seconds": 0.4,
                 "step_seconds": 0.013}),
    ]
    if torch_installed:
        outcomes += [paths_outcome("pytorch", [8.0, 8.0, 8.0], [20.0, 20.0, 20.0],
                                   latency_ms=[4.0] * 3),
                     paths_outcome("pytorch_bidi", [40.0] * 3, [80.0] * 3,
                                   model="bidirectional")]
    rows, construction = rows_from(outcomes, torch_installed)
    add_ratios(rows, ceiling_gflops=400.0)
    machine = {"date": "2026-01-01 00:00 UTC", "cpu": "Test CPU", "cores": 2,
               "versions": {"tensorflow": "2.21.0"}, "others_share": 0.3}
    return Report(machine, 400.0, rows, construction, 12.0)


def row(report: Report, path: str, mode: str = TRAIN, threads: str = TUNED, model="002"):
    return next(r for r in report.rows
                if (r.model, r.path, r.mode, r.threads) == (model, path, mode, threads))


def test_document_002_training_step_is_1_7_gflop():
    # 3 passes x 2 * B * T * (I + H) * 4H with B 128, T 28, I 28, H 128: the 1.7 GFLOP
    assert MODELS["002"].flops(128, TRAIN) == pytest.approx(3 * 2 * 128 * 28 * 156 * 512)
    assert MODELS["002"].flops(128, TRAIN) / 1e9 == pytest.approx(1.72, abs=0.01)
    assert MODELS["001"].flops(150, INFER) == pytest.approx(
        2 * 150 * 28 * 600 * (178 + 300 + 300))


def test_examples_per_second_and_ratios_use_the_median_block():
    report = fake_report()
    static, fast, torch = row(report, "static_rnn"), row(report, "fast"), row(report, "pytorch")
    assert static.median_ms == pytest.approx(20.0)
    assert static.examples_per_second == pytest.approx(128 / 0.020)
    assert fast.vs_static == pytest.approx(2.0)          # 10 ms against 20 ms
    assert fast.vs_torch == pytest.approx(0.8)           # 10 ms against 8 ms
    assert static.vs_static == pytest.approx(1.0) and torch.vs_torch == pytest.approx(1.0)
    assert fast.gflops == pytest.approx(MODELS["002"].flops(128, TRAIN) / 0.010 / 1e9)
    assert fast.ceiling_fraction == pytest.approx(fast.gflops / 400.0)


def test_ratios_to_static_compare_the_same_thread_setting_only():
    report = fake_report()
    assert row(report, "static_rnn", threads=DEFAULT).vs_static == pytest.approx(1.0)
    # ... but PyTorch has one setting, so every row is compared with it
    assert row(report, "static_rnn", threads=DEFAULT).vs_torch == pytest.approx(8.0 / 30.0)


def test_inference_rows_use_their_own_batch():
    inference = row(fake_report(), "fast", INFER)
    assert inference.batch == 1024
    assert inference.vs_static == pytest.approx(40.0 / 32.0)


def test_missing_torch_is_a_skipped_row_and_no_ratio():
    report = fake_report(torch_installed=False)
    assert row(report, "pytorch").status == SKIPPED_TORCH
    assert row(report, "fast").vs_torch is None
    assert "skipped: torch not installed" in format_table(report)


def test_table_shows_numbers_failures_and_how_busy_the_machine_was():
    table = format_table(fake_report())
    assert "Test CPU, 2 cores" in table and "400 GFLOP/s" in table
    fast_line = next(line for line in table.splitlines()
                     if line.strip().startswith("fast path (tf1_lstm.fast) ") and "2.00x" in line)
    assert "10.00" in fast_line and "10.0-12.0" in fast_line and "12,800" in fast_line
    assert "failed: MemoryError: boom" in table
    assert "TF's default threads" in table
    assert "2910" in table
    assert "other processes used 30%" in table and "busy machine" in table


def test_json_has_every_block_and_the_derived_numbers():
    data = json.loads(to_json(fake_report()))
    fast = next(r for r in data["rows"] if r["path"] == "fast" and r["mode"] == TRAIN)
    assert fast["seconds"] == [0.010, 0.010, 0.012]
    assert fast["examples_per_second"] == pytest.approx(12800.0)
    assert fast["vs_static"] == pytest.approx(2.0)
    assert data["construction"][0]["ops"] == 2910
    failed = next(r for r in data["rows"] if r["path"] == "block_fused")
    assert failed["status"].startswith("failed") and "median_ms" not in failed


def test_plan_runs_every_path_of_every_model_and_skips_torch_when_missing():
    jobs = plan(FULL, torch_installed=False, cores=2)
    assert jobs[0].kind == "ceiling"
    paths = {(j.model, j.path) for j in jobs if j.kind == "paths" and j.threads == TUNED}
    assert paths == {(m, p) for m in MODELS for p in MODELS[m].paths
                     if PATHS[p].world != "torch"}
    assert {p for m, p in paths if m in ("002", "001")} == set(DOCUMENT_PATHS) - {"pytorch"}
    assert {(j.model, j.path) for j in jobs if j.threads == ONE_CORE} == {
        (m, p) for m in ("002", "001") for p in ("static_rnn", "fast")}
    latency = {j.model for j in jobs if j.kind == "paths" and LATENCY in j.modes}
    assert latency == {"002", "001"}
    construction = [(j.path, j.steps) for j in jobs if j.kind == "construction"]
    assert {steps for _, steps in construction} == {28, 100, 500}
    quick = plan(QUICK, torch_installed=True, cores=2)
    assert {j.model for j in quick if j.kind == "paths"} == {"002"}
    assert len(quick) < len(jobs)


def test_thread_settings():
    assert thread_settings(TUNED, 2) == (1, 2) and thread_settings(DEFAULT, 2) == (0, 0)
    assert thread_settings(ONE_CORE, 8) == (1, 1)


def test_busy_share_is_other_processes_cpu_time_over_capacity():
    before = CpuSnapshot(wall=0.0, machine_busy=100.0, ours=10.0)
    after = CpuSnapshot(wall=10.0, machine_busy=115.0, ours=19.0)   # 15 s busy, 9 s ours
    assert others_share(before, after, cores=2) == pytest.approx(6.0 / 20.0)
    assert "30%" in busy_text(0.3) and "busy" in busy_text(0.3)
    assert "busy" not in busy_text(0.01)


def test_pytorchs_row_is_its_fastest_thread_count_and_says_which():
    report = fake_report()
    torch = row(report, "pytorch")
    assert torch.torch_threads == 1 and torch.median_ms == pytest.approx(8.0)  # 2 threads: 12
    assert torch.label == "PyTorch nn.LSTM (1 thread)"
    assert "PyTorch nn.LSTM (1 thread)" in format_table(report)
    data = json.loads(to_json(report))
    kept = next(r for r in data["rows"] if r["path"] == "pytorch" and r["mode"] == TRAIN)
    assert kept["torch_threads"] == 1
    assert kept["seconds_by_threads"]["2"] == pytest.approx([0.012] * 3)  # the JSON keeps all
    assert pick_torch_threads({"1": [0.03] * 3, "2": [0.01, 0.02, 0.01], "4": []}) == (
        2, [0.01, 0.02, 0.01])
    assert pick_torch_threads({"2": [0.01], "1": [0.01]})[0] == 1  # a tie: fewer threads
    assert pick_torch_threads({}) == (None, [])
    two = paths_outcome("pytorch", [8.0], [9.0])
    two.result[TRAIN]["seconds_by_threads"] = {"1": [0.02], "2": [0.01]}
    assert rows_from([two], True)[0][0].label == "PyTorch nn.LSTM (2 threads)"


def test_pytorch_tries_one_thread_the_core_count_and_the_powers_of_two_between():
    assert torch_thread_counts(1) == (1,) and torch_thread_counts(2) == (1, 2)
    assert torch_thread_counts(6) == (1, 2, 4, 6) and torch_thread_counts(8) == (1, 2, 4, 8)
    jobs = plan(QUICK, torch_installed=True, cores=2)
    assert [j.torch_threads for j in jobs if j.world == "torch" and j.kind == "paths"] == [(1, 2)]


def test_latency_rows_time_one_sequence():
    report = fake_report()
    latency = row(report, "fast", LATENCY)
    assert latency.batch == 1 and latency.median_ms == pytest.approx(1.0)
    assert latency.examples_per_second == pytest.approx(1000.0)
    assert latency.vs_static == pytest.approx(2.0) and latency.vs_torch == pytest.approx(4.0)
    table = format_table(report)
    assert "inference of one sequence (latency: ms/step is ms per sequence), batch 1," in table
    assert "4.47 MFLOP" in table  # 2 * 1 * 28 * 156 * 512: too small for GFLOP


def test_one_core_rows_are_labelled_and_compared_with_static_rnn_on_one_core():
    report = fake_report()
    fast = row(report, "fast", threads=ONE_CORE)
    assert fast.vs_static == pytest.approx(40.0 / 38.0)
    assert fast.vs_torch is None  # PyTorch ran on every core
    assert fast.label == "fast path (tf1_lstm.fast) on 1 core"
    table = format_table(report)
    assert "pinned to 1 core (os.sched_setaffinity), TF threads intra_op 1, inter_op 1" in table
    assert "static_rnn + BasicLSTMCell on 1 core" in table


def test_the_bidirectional_rows_compare_with_bidirectional_dynamic_rnn():
    report = fake_report()
    fast = row(report, "bidi_fast", model="bidirectional")
    assert fast.vs_static == pytest.approx(2.0) and fast.vs_torch == pytest.approx(40.0 / 25.0)
    table = format_table(report)
    assert "vs TF1: against bidirectional_dynamic_rnn + BasicLSTMCell" in table
    assert "PyTorch nn.LSTM(bidirectional=True) (1 thread)" in table


def test_flops_count_a_grus_three_blocks_and_both_directions():
    lstm = MODELS["002"].flops(128, TRAIN)
    assert MODELS["gru"].flops(128, TRAIN) == pytest.approx(lstm * 3 / 4)
    assert MODELS["bidirectional"].flops(128, TRAIN) == pytest.approx(2 * lstm)
    assert MODELS["peephole"].flops(128, INFER) == pytest.approx(MODELS["002"].flops(128, INFER))


def test_the_runner_prints_a_line_as_each_job_ends(monkeypatch):
    jobs = [Job("paths", "tf1", "fast", "002"), Job("paths", "tf1", "gru_fast", "gru",
                                                    threads=ONE_CORE)]
    monkeypatch.setattr(runner, "run_job", lambda job: Outcome(
        job, job.model == "002", {}, "" if job.model == "002" else "ImportError: not yet"))
    stream = io.StringIO()
    outcomes = runner.run_all(jobs, stream)
    lines = stream.getvalue().splitlines()
    assert [o.ok for o in outcomes] == [True, False] and len(lines) == 2
    assert lines[0].startswith("tf1-lstm bench [1/2] document 002: fast path (tf1_lstm.fast): ")
    assert lines[1].startswith("tf1-lstm bench [2/2] gru: fast path (FastGRUCell) (1 core): ")
    assert "FAILED: ImportError: not yet" in lines[1]
