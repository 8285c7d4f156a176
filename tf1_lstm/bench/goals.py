"""Issue 17's goals (its item 5), read from one ``tf1-lstm bench`` run's rows: met or not.

    document 002's training step   the fast path >= 1.3x PyTorch and >= 1.6x static_rnn
    document 001's training step   the fast path >= 1.5x static_rnn and >= 1.3x PyTorch
    gru, bidirectional             the fast path >= 1.3x its TF1 built-in (static_rnn +
                                   GRUCell; tf.nn.bidirectional_dynamic_rnn + BasicLSTMCell)
    on 1 core                      the fast path >= 0.9x static_rnn ("within 10% or better"),
                                   documents 002 and 001, both rows pinned to one core
    document 001's training step   the fast path's GFLOP/s >= 60% of the matmul ceiling

A ratio is the fast path's examples/s over the other row's, both of the same run, model,
mode and threads (the inverse of their ms/step; PyTorch's row is its fastest thread count);
the ceiling goal divides GFLOP/s by the run's 2048^3 matmul. A goal whose row is missing (not
in this run: ``--quick``) or failed is "not measured". The issue measures the goals on an
idle 2-core machine: on another machine, or a busy one, a verdict says how this run went
(the block says the cores and how busy they were). Pure arithmetic; no framework. A row is
anything with the report's Row attributes (model, mode, path, threads, status, ok,
median_ms, examples_per_second, gflops, label).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_lstm.bench.jobs import MODELS, ONE_CORE, PATHS, TRAIN, TUNED

MET, NOT_MET, NOT_MEASURED = "met", "NOT met", "not measured"
ABSENT = "not in this run"
IDLE_SHARE = 0.05  # other processes took at most this share of the cores: an idle machine


@dataclass(frozen=True)
class RowKey:
    """Which row of a run: a path on a model, in a mode, with a thread setting."""

    model: str
    path: str
    threads: str = TUNED
    mode: str = TRAIN

    def matches(self, row) -> bool:
        return (row.model, row.path, row.threads, row.mode) == (self.model, self.path,
                                                                self.threads, self.mode)

    @property
    def label(self) -> str:
        on_core = " on 1 core" if self.threads == ONE_CORE else ""
        return f"{MODELS[self.model].short}: {PATHS[self.path].label}{on_core}"


@dataclass(frozen=True)
class Goal:
    text: str
    ours: RowKey
    against: RowKey | None      # None: the matmul ceiling measured in the same run
    at_least: float             # the ratio the goal asks for


GOALS = (
    Goal("document 002's training step >= 1.3x PyTorch CPU", RowKey("002", "fast"),
         RowKey("002", "pytorch"), 1.3),
    Goal("document 002's training step >= 1.6x static_rnn", RowKey("002", "fast"),
         RowKey("002", "static_rnn"), 1.6),
    Goal("document 001's three-layer training step >= 1.5x static_rnn", RowKey("001", "fast"),
         RowKey("001", "static_rnn"), 1.5),
    Goal("document 001's three-layer training step >= 1.3x PyTorch", RowKey("001", "fast"),
         RowKey("001", "pytorch"), 1.3),
    Goal("GRU training step >= 1.3x its TF1 built-in (static_rnn + GRUCell)",
         RowKey("gru", "gru_fast"), RowKey("gru", "gru_static"), 1.3),
    Goal("bidirectional training step >= 1.3x its TF1 built-in (bidirectional_dynamic_rnn)",
         RowKey("bidirectional", "bidi_fast"), RowKey("bidirectional", "bidi_dynamic"), 1.3),
    Goal("document 002 on 1 core: the fast path within 10% of static_rnn or better",
         RowKey("002", "fast", ONE_CORE), RowKey("002", "static_rnn", ONE_CORE), 0.9),
    Goal("document 001 on 1 core: the fast path within 10% of static_rnn or better",
         RowKey("001", "fast", ONE_CORE), RowKey("001", "static_rnn", ONE_CORE), 0.9),
    Goal("document 001's training step >= 60% of the measured matmul ceiling",
         RowKey("001", "fast"), None, 0.6),
)


@dataclass
class GoalResult:
    goal: Goal
    ours: object | None             # the measured row, or None
    against: object | None          # the measured row (None: not measured, or the ceiling)
    ceiling_gflops: float | None
    ratio: float | None
    status: str                     # MET, NOT_MET or NOT_MEASURED
    missing: list[str]              # what was not measured: "<row>: <why>"


def evaluate(rows: list, ceiling_gflops: float | None, goals=GOALS) -> list[GoalResult]:
    """Every goal against ``rows`` (after ``report.add_ratios``, which fills ``gflops``)."""
    results = []
    for goal in goals:
        ours = _find(rows, goal.ours)
        against = _find(rows, goal.against) if goal.against else None
        missing = [_why_missing(rows, key) for key, row in
                   ((goal.ours, ours), (goal.against, against)) if key and row is None]
        if goal.against is None and not ceiling_gflops:
            missing.append("matmul ceiling: not measured")
        ratio = None
        if not missing:
            ratio = (ours.gflops / ceiling_gflops if goal.against is None
                     else ours.examples_per_second / against.examples_per_second)
        status = NOT_MEASURED if ratio is None else MET if ratio >= goal.at_least else NOT_MET
        results.append(GoalResult(goal, ours, against, ceiling_gflops, ratio, status, missing))
    return results


def _find(rows: list, key: RowKey):
    return next((row for row in rows if row.ok and key.matches(row)), None)


def _why_missing(rows: list, key: RowKey) -> str:
    failed = next((row for row in rows if key.matches(row)), None)
    return f"{key.label}: {failed.status if failed else ABSENT}"


# --- the block after the tables, and the JSON -----------------------------------------------

def goal_lines(results: list[GoalResult], machine: dict) -> list[str]:
    """The goals block: each goal's verdict and ratio, then the two numbers it divides."""
    cores, share = machine.get("cores", "?"), machine.get("others_share")
    busy = ("how busy unknown" if share is None else
            f"other processes used {share:.0%} of the cores' time"
            + ("" if share <= IDLE_SHARE else ": not idle, the verdicts are noisy"))
    lines = ["", f"Goals (issue 17, item 5) from this run's rows; the issue measures them on an "
                 f"idle 2-core machine, this run had {cores} cores, {busy}"]
    for result in results:
        goal = result.goal
        ceiling = goal.against is None
        wanted = f">= {goal.at_least:.0%}" if ceiling else f">= {goal.at_least:.2g}x"
        ratio = ("-" if result.ratio is None else
                 f"{result.ratio:.0%}" if ceiling else f"{result.ratio:.2f}x")
        lines.append(f"  {goal.text + ' ':.<86} {ratio:>6} ({wanted}) {result.status}")
        if result.missing:
            absent = all(why.endswith(": " + ABSENT) for why in result.missing)
            lines.append("      " + (ABSENT if absent else "; ".join(result.missing)))
        elif ceiling:
            lines.append(f"      {result.ours.label} {result.ours.gflops:.0f} GFLOP/s, "
                         f"matmul ceiling {result.ceiling_gflops:.0f} GFLOP/s")
        else:
            lines.append(f"      {result.ours.label} {result.ours.median_ms:.2f} ms/step, "
                         f"{result.against.label} {result.against.median_ms:.2f} ms/step")
    return lines


def goal_to_dict(result: GoalResult) -> dict:
    def row(found) -> dict | None:
        if found is None:
            return None
        return {"model": found.model, "path": found.path, "threads": found.threads,
                "mode": found.mode, "label": found.label, "median_ms": found.median_ms,
                "examples_per_second": found.examples_per_second, "gflops": found.gflops}

    return {"goal": result.goal.text, "at_least": result.goal.at_least,
            "status": result.status, "ratio": result.ratio, "ours": row(result.ours),
            "against": (row(result.against) if result.goal.against else
                        {"ceiling_gflops": result.ceiling_gflops}),
            "missing": result.missing}
