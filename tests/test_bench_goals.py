"""Issue 17's goals, read from a run's rows (``tf1_lstm.bench.goals``): made-up rows, nothing
timed. A goal is met when the fast path's examples/s over the other row's (or its GFLOP/s
over the ceiling) reaches the goal; a missing or failed row leaves it "not measured"."""

from __future__ import annotations

import json

import pytest

from tf1_lstm.bench.goals import GOALS, MET, NOT_MEASURED, NOT_MET, evaluate
from tf1_lstm.bench.jobs import MODELS, ONE_CORE, TRAIN, TUNED
from tf1_lstm.bench.report import Report, Row, add_ratios, format_table, to_json

CEILING = 400.0  # GFLOP/s


def train_row(model: str, path: str, ms: float | None, threads: str = TUNED,
              status: str = "ok", **extra) -> Row:
    seconds = [] if ms is None else [ms / 1e3] * 3
    return Row(model, TRAIN, path, threads, MODELS[model].batch, seconds, status, **extra)


def rows_of_a_run() -> list[Row]:
    rows = [train_row("002", "static_rnn", 20.0), train_row("002", "fast", 12.0),
            train_row("002", "pytorch", 18.0, torch_threads=1),
            train_row("001", "static_rnn", 48.0), train_row("001", "fast", 44.0),
            train_row("001", "pytorch", 83.0, torch_threads=2),
            train_row("gru", "gru_static", 15.0),
            train_row("gru", "gru_fast", None, status="failed: ImportError: no FastGRUCell"),
            train_row("002", "static_rnn", 25.0, ONE_CORE),
            train_row("002", "fast", 23.0, ONE_CORE),
            train_row("001", "static_rnn", 90.0, ONE_CORE),
            train_row("001", "fast", 110.0, ONE_CORE)]
    add_ratios(rows, CEILING)
    return rows


def result(results, text_start: str):
    return next(r for r in results if r.goal.text.startswith(text_start))


def test_each_goal_divides_the_fast_paths_examples_per_second_by_the_other_rows():
    results = evaluate(rows_of_a_run(), CEILING)
    assert len(results) == len(GOALS) == 9
    versus_torch = result(results, "document 002's training step >= 1.3x PyTorch")
    assert versus_torch.ratio == pytest.approx(18.0 / 12.0) and versus_torch.status == MET
    versus_static = result(results, "document 002's training step >= 1.6x static_rnn")
    assert versus_static.ratio == pytest.approx(20.0 / 12.0) and versus_static.status == MET
    three_layers = result(results, "document 001's three-layer training step >= 1.5x static")
    assert three_layers.ratio == pytest.approx(48.0 / 44.0) and three_layers.status == NOT_MET
    assert result(results, "document 001's three-layer training step >= 1.3x PyTorch"
                  ).status == MET                                   # 83 / 44 = 1.89


def test_the_one_core_goals_compare_rows_pinned_to_one_core_within_ten_percent():
    results = evaluate(rows_of_a_run(), CEILING)
    on_002 = result(results, "document 002 on 1 core")
    assert on_002.ratio == pytest.approx(25.0 / 23.0) and on_002.status == MET
    assert on_002.ours.threads == ONE_CORE and on_002.against.threads == ONE_CORE
    on_001 = result(results, "document 001 on 1 core")
    assert on_001.ratio == pytest.approx(90.0 / 110.0) and on_001.status == NOT_MET  # 0.82


def test_the_ceiling_goal_is_the_fast_paths_gflops_over_the_runs_matmul():
    rows = rows_of_a_run()
    goal = result(evaluate(rows, CEILING), "document 001's training step >= 60%")
    gflops = MODELS["001"].flops(150, TRAIN) / 0.044 / 1e9               # 267 GFLOP/s
    assert goal.ratio == pytest.approx(gflops / CEILING) and goal.status == MET
    assert result(evaluate(rows, 500.0), "document 001's training step >= 60%").status == NOT_MET
    unmeasured = result(evaluate(rows, None), "document 001's training step >= 60%")
    assert unmeasured.status == NOT_MEASURED
    assert unmeasured.missing == ["matmul ceiling: not measured"]


def test_a_failed_or_missing_row_leaves_its_goal_not_measured_and_says_why():
    results = evaluate(rows_of_a_run(), CEILING)
    gru = result(results, "GRU training step")
    assert gru.status == NOT_MEASURED and gru.ratio is None
    assert gru.missing == ["gru: fast path (FastGRUCell): failed: ImportError: no FastGRUCell"]
    bidirectional = result(results, "bidirectional training step")
    assert bidirectional.status == NOT_MEASURED
    assert all(why.endswith("not in this run") for why in bidirectional.missing)
    assert evaluate([], CEILING)[0].status == NOT_MEASURED


def test_the_goals_block_shows_verdicts_ratios_and_the_two_numbers_and_the_json_keeps_them():
    rows = rows_of_a_run()
    machine = {"cores": 2, "others_share": 0.4}
    report = Report(machine, CEILING, rows, [], 1.0, [], evaluate(rows, CEILING))
    table = format_table(report)
    block = table[table.index("Goals (issue 17"):]
    assert "idle 2-core machine, this run had 2 cores" in block and "not idle" in block
    line = next(x for x in block.splitlines() if "1.3x PyTorch CPU" in x)
    assert line.endswith("1.50x (>= 1.3x) met")
    numbers = block.splitlines()[block.splitlines().index(line) + 1]
    assert "fast path (tf1_lstm.fast) 12.00 ms/step" in numbers
    assert "PyTorch nn.LSTM (1 thread) 18.00 ms/step" in numbers
    assert "1.09x (>= 1.5x) NOT met" in block and "(>= 60%) met" in block
    assert "failed: ImportError: no FastGRUCell" in block
    data = json.loads(to_json(report))["goals"]
    assert [g["status"] for g in data][:3] == [MET, MET, NOT_MET]
    assert data[0]["ours"]["median_ms"] == pytest.approx(12.0)
    assert data[0]["against"]["label"] == "PyTorch nn.LSTM (1 thread)"
    assert data[-1]["against"] == {"ceiling_gflops": CEILING}
    assert data[4]["ratio"] is None and data[4]["missing"]


def test_a_report_without_model_rows_has_no_goals_block():
    assert "Goals" not in format_table(Report({"cores": 2}, None, [], [], 1.0))
