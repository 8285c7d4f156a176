"""``tf1-lstm bench``'s arithmetic and formatting, on made-up timings (nothing is timed here).

The numbers: examples/s = batch / median step; ratios to static_rnn and to PyTorch in the same
model and mode; GFLOP/s from the LSTM matmul FLOPs; the fraction of the measured ceiling.
"""

from __future__ import annotations

import json

import pytest

from tf1_lstm.bench.jobs import (
    DEFAULT,
    FULL,
    INFER,
    MODELS,
    PATHS,
    QUICK,
    TRAIN,
    TUNED,
    Job,
    plan,
    thread_settings,
)
from tf1_lstm.bench.machine import CpuSnapshot, others_share
from tf1_lstm.bench.report import (
    SKIPPED_TORCH,
    Report,
    add_ratios,
    busy_text,
    format_table,
    rows_from,
    to_json,
)
from tf1_lstm.bench.runner import Outcome


def paths_outcome(path: str, train_ms: list[float], infer_ms: list[float], model="002",
                  threads=TUNED, ok=True) -> Outcome:
    job = Job("paths", PATHS[path].world, path, model, threads=threads)
    batch = MODELS[model].batch
    result = {TRAIN: {"batch": batch, "seconds": [t / 1e3 for t in train_ms]},
              INFER: {"batch": 1024, "seconds": [t / 1e3 for t in infer_ms]}}
    return Outcome(job, ok, result if ok else None, "" if ok else "MemoryError: boom")


def fake_report(torch_installed: bool = True) -> Report:
    outcomes = [
        paths_outcome("static_rnn", [20.0, 19.0, 21.0], [40.0, 40.0, 40.0]),
        paths_outcome("fast", [10.0, 10.0, 12.0], [32.0, 32.0, 32.0]),
        paths_outcome("block_fused", [], [], ok=False),
        paths_outcome("static_rnn", [30.0, 30.0, 30.0], [50.0, 50.0, 50.0], threads=DEFAULT),
        Outcome(Job("construction", "tf1", "static_rnn", "002", steps=28), True,
                {"build_seconds": 0.5, "ops": 2910, "first_step_seconds": 0.4,
                 "step_seconds": 0.013}),
    ]
    if torch_installed:
        outcomes.append(paths_outcome("pytorch", [8.0, 8.0, 8.0], [20.0, 20.0, 20.0]))
    rows, construction = rows_from(outcomes, torch_installed)
    add_ratios(rows, ceiling_gflops=400.0)
    machine = {"date": "2026-01-01 00:00 UTC", "cpu": "Test CPU", "cores": 2,
               "versions": {"tensorflow": "2.21.0"}, "others_share": 0.3}
    return Report(machine, 400.0, rows, construction, 12.0)


def row(report: Report, path: str, mode: str = TRAIN, threads: str = TUNED):
    return next(r for r in report.rows if (r.path, r.mode, r.threads) == (path, mode, threads))


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
                     if line.strip().startswith("fast path") and "2.00x" in line)
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


def test_plan_runs_every_path_on_both_models_and_skips_torch_when_missing():
    jobs = plan(FULL, torch_installed=False, cores=2)
    assert jobs[0].kind == "ceiling"
    paths = {(j.model, j.path) for j in jobs if j.kind == "paths" and j.threads == TUNED}
    assert paths == {(m, p) for m in ("002", "001") for p in PATHS if p != "pytorch"}
    construction = [(j.path, j.steps) for j in jobs if j.kind == "construction"]
    assert {steps for _, steps in construction} == {28, 100, 500}
    quick = plan(QUICK, torch_installed=True, cores=2)
    assert {j.model for j in quick if j.kind == "paths"} == {"002"}
    assert len(quick) < len(jobs)


def test_thread_settings():
    assert thread_settings(TUNED, 2) == (1, 2) and thread_settings(DEFAULT, 2) == (0, 0)


def test_busy_share_is_other_processes_cpu_time_over_capacity():
    before = CpuSnapshot(wall=0.0, machine_busy=100.0, ours=10.0)
    after = CpuSnapshot(wall=10.0, machine_busy=115.0, ours=19.0)   # 15 s busy, 9 s ours
    assert others_share(before, after, cores=2) == pytest.approx(6.0 / 20.0)
    assert "30%" in busy_text(0.3) and "busy" in busy_text(0.3)
    assert "busy" not in busy_text(0.01)
