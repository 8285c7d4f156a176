"""From the jobs' raw timings to the rows, ratios, table and JSON of ``tf1-lstm bench``.

Pure arithmetic and formatting (no framework), so it is tested on made-up timings:

    ms/step       median over the timed blocks of (block time / steps in the block); at
                  batch 1 (latency) the time of one sequence
    range         fastest and slowest block, the spread of the measurement
    examples/s    batch / median step time
    vs static     examples/s / the TF1 built-in's examples/s (the model's ``baseline``:
                  static_rnn + its cell, or bidirectional_dynamic_rnn, shown as "vs TF1"),
                  same model, mode and TF threads
    vs PyTorch    examples/s / PyTorch's examples/s (same model and mode; PyTorch at its
                  fastest thread count, which its label says; none on 1 core)
    GFLOP/s       the recurrent matmul FLOPs of one step (jobs.ModelSpec.flops) / median step
    of ceiling    GFLOP/s / the 2048^3 float32 matmul's GFLOP/s measured in the same run

A PyTorch job times every thread count of ``jobs.torch_thread_counts`` (1 to the core
count); its row is the fastest (``pick_torch_threads``, by median) and keeps every count's
blocks (``seconds_by_threads``, in the JSON). After the tables, the goals of issue 17
(``goals.py``), each met or not from this run's rows.

The seq2seq rows (their own section) have no FLOP count: ms/step, range, sequences/s (batch /
median step), tokens/s (the B x T target tokens a step trains on or writes / median step)
and vs PyTorch (the same task's PyTorch row).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field

from tf1_lstm.bench.goals import GoalResult, goal_lines, goal_to_dict
from tf1_lstm.bench.jobs import (
    BASELINE,
    DEFAULT,
    INFER,
    LATENCY,
    MODELS,
    ONE_CORE,
    PATHS,
    SEQ2SEQ,
    SEQ2SEQ_MODELS,
    SEQ2SEQ_SPEC,
    SEQ2SEQ_TASKS,
    TRAIN,
    TUNED,
    thread_settings,
)

SKIPPED_TORCH = "skipped: torch not installed"


class _Timed:
    """What a row with ``status`` and ``seconds`` (per step, one per timed block) derives."""

    status: str
    seconds: list[float]

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.seconds)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1e3

    def per_second(self, count: int) -> float:
        return count / statistics.median(self.seconds)


@dataclass
class Row(_Timed):
    """One path on one model in one mode (train, infer or latency), with one TF thread setting."""

    model: str
    mode: str
    path: str
    threads: str
    batch: int = 0
    seconds: list[float] = field(default_factory=list)   # per step, one per timed block
    status: str = "ok"                                     # or "failed: ..." / SKIPPED_TORCH
    vs_static: float | None = None
    vs_torch: float | None = None
    gflops: float | None = None
    ceiling_fraction: float | None = None
    torch_threads: int | None = None                      # PyTorch: the count that won
    seconds_by_threads: dict = field(default_factory=dict)  # PyTorch: {"1": [...], "2": ...}

    @property
    def examples_per_second(self) -> float:
        return self.per_second(self.batch)

    @property
    def label(self) -> str:
        """The path's label; PyTorch's with its thread count, "on 1 core" when pinned."""
        label = PATHS[self.path].label
        if self.torch_threads is not None:
            label += f" ({self.torch_threads} thread{'' if self.torch_threads == 1 else 's'})"
        return label + (" on 1 core" if self.threads == ONE_CORE else "")


@dataclass
class ConstructionRow:
    path: str
    steps: int
    status: str = "ok"
    build_seconds: float | None = None
    ops: int | None = None
    first_step_seconds: float | None = None
    step_seconds: float | None = None


@dataclass
class Seq2SeqRow(_Timed):
    """One seq2seq task (jobs.SEQ2SEQ_TASKS) in one world ("tf1" or "torch")."""

    task: str
    world: str
    threads: str = TUNED
    batch: int = 0                                        # sequences per step
    tokens: int = 0                                       # target tokens per step (B x T)
    seconds: list[float] = field(default_factory=list)   # per step, one per timed block
    status: str = "ok"
    vs_torch: float | None = None


    @property
    def sequences_per_second(self) -> float:
        return self.per_second(self.batch)

    @property
    def tokens_per_second(self) -> float:
        return self.per_second(self.tokens)


@dataclass
class Report:
    machine: dict
    ceiling_gflops: float | None
    rows: list[Row]
    construction: list[ConstructionRow]
    seconds: float = 0.0
    seq2seq: list[Seq2SeqRow] = field(default_factory=list)
    goals: list[GoalResult] = field(default_factory=list)


def rows_from(outcomes: list, torch_installed: bool) -> tuple[list[Row], list[ConstructionRow]]:
    """Turn runner.Outcome objects (job, ok, result, error) into rows, in the plan's order."""
    rows, construction = [], []
    for outcome in outcomes:
        job = outcome.job
        if job.kind == "construction":
            values = outcome.result if outcome.ok else {}
            construction.append(ConstructionRow(job.path, job.steps, _status(outcome), **values))
        elif job.kind == "paths":
            for mode in job.modes:
                part = (outcome.result or {}).get(mode, {}) if outcome.ok else {}
                by_threads = part.get("seconds_by_threads", {})
                threads, seconds = (pick_torch_threads(by_threads) if by_threads
                                    else (None, part.get("seconds", [])))
                rows.append(Row(job.model, mode, job.path, job.threads, part.get("batch", 0),
                                seconds, _status(outcome), torch_threads=threads,
                                seconds_by_threads=by_threads))
    if not torch_installed:
        groups = dict.fromkeys((row.model, row.mode) for row in rows if row.threads == TUNED)
        rows += [Row(model, mode, MODELS[model].reference, TUNED, status=SKIPPED_TORCH)
                 for model, mode in groups]
    return rows, construction


def pick_torch_threads(seconds_by_threads: dict) -> tuple[int | None, list[float]]:
    """(the thread count with the fastest median block, its blocks); a tie: fewer threads."""
    timed = {int(count): seconds for count, seconds in seconds_by_threads.items() if seconds}
    if not timed:
        return None, []
    best = min(timed, key=lambda count: (statistics.median(timed[count]), count))
    return best, timed[best]


def seq2seq_rows_from(outcomes: list, torch_installed: bool) -> list[Seq2SeqRow]:
    """The seq2seq jobs' rows, by task in SEQ2SEQ_TASKS' order, with vs_torch filled."""
    rows = []
    for outcome in outcomes:
        job = outcome.job
        if job.kind != SEQ2SEQ:
            continue
        for task in SEQ2SEQ_MODELS[job.model][1]:
            part = (outcome.result or {}).get(task, {}) if outcome.ok else {}
            rows.append(Seq2SeqRow(task, job.world, job.threads, part.get("batch", 0),
                                   part.get("tokens", 0), part.get("seconds", []),
                                   _status(outcome)))
    if not torch_installed:
        rows += [Seq2SeqRow(task, "torch", status=SKIPPED_TORCH)
                 for task in dict.fromkeys(row.task for row in rows)]
    # by task, PyTorch last (a stable sort: the plan's order otherwise)
    rows.sort(key=lambda row: (list(SEQ2SEQ_TASKS).index(row.task), row.world == "torch"))
    for row in rows:
        torch = next((r for r in rows if r.ok and (r.task, r.world) == (row.task, "torch")),
                     None)
        if row.ok and torch:
            row.vs_torch = row.sequences_per_second / torch.sequences_per_second
    return rows


def _status(outcome) -> str:
    return "ok" if outcome.ok else f"failed: {outcome.error}"


def add_ratios(rows: list[Row], ceiling_gflops: float | None) -> None:
    """Fill vs_static, vs_torch, gflops and ceiling_fraction of every measured row."""
    def find(model, mode, path, threads=None):
        for row in rows:
            if (row.ok and (row.model, row.mode, row.path) == (model, mode, path)
                    and threads in (None, row.threads)):
                return row
        return None

    for row in rows:
        if not row.ok:
            continue
        spec = MODELS[row.model]
        static = find(row.model, row.mode, spec.baseline, row.threads)
        # a row pinned to one core is not compared with PyTorch on all of them
        torch = None if row.threads == ONE_CORE else find(row.model, row.mode, spec.reference)
        speed = row.examples_per_second
        row.vs_static = speed / static.examples_per_second if static else None
        row.vs_torch = speed / torch.examples_per_second if torch else None
        row.gflops = MODELS[row.model].flops(row.batch, row.mode) / (row.median_ms / 1e3) / 1e9
        row.ceiling_fraction = row.gflops / ceiling_gflops if ceiling_gflops else None


# --- the table ------------------------------------------------------------------------------

def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _row_line(row: Row, width: int) -> str:
    label = row.label
    if not row.ok:
        return f"  {label:<{width}} {row.status}"
    low, high = min(row.seconds) * 1e3, max(row.seconds) * 1e3
    ceiling = "-" if row.ceiling_fraction is None else f"{row.ceiling_fraction:.0%}"
    spread = f"{low:.1f}-{high:.1f}"
    return (f"  {label:<{width}} {row.median_ms:8.2f} {spread:>13} {row.examples_per_second:11,.0f}"
            f" {_ratio(row.vs_static):>9} {_ratio(row.vs_torch):>10} {row.gflops:8.0f}"
            f" {ceiling:>10}")


def _header(width: int, versus: str) -> str:
    return (f"  {'path':<{width}} {'ms/step':>8} {'range ms':>13} {'examples/s':>11}"
            f" {versus:>9} {'vs PyTorch':>10} {'GFLOP/s':>8} {'of ceiling':>10}")


MODE_TEXTS = {TRAIN: "training step (forward, backward, Adam)", INFER: "inference",
              LATENCY: "inference of one sequence (latency: ms/step is ms per sequence)"}


def _threads_text(threads: str, cores: int) -> str:
    intra, inter = thread_settings(threads, cores)
    if threads == DEFAULT:
        return "TF's default threads (intra_op 0, inter_op 0: all cores each)"
    if threads == ONE_CORE:
        return (f"pinned to 1 core (os.sched_setaffinity), TF threads intra_op {intra}, "
                f"inter_op {inter}")
    return f"TF threads intra_op {intra}, inter_op {inter}"


def _versus(spec) -> tuple[str, str]:
    """The "vs" column's name for the model's TF1 built-in, and what the group line says."""
    if spec.baseline == BASELINE:
        return "vs static", ""
    label = PATHS[spec.baseline].label
    column = "vs static" if label.startswith("static_rnn") else "vs TF1"
    return column, f"; {column}: against {label}"


def _flop_text(flops: float) -> str:
    return f"{flops / 1e9:.2f} GFLOP" if flops >= 1e8 else f"{flops / 1e6:.2f} MFLOP"


def format_table(report: Report) -> str:
    machine = report.machine
    cores = machine.get("cores", 1)
    lines = [_machine_line(machine)]
    if report.ceiling_gflops:
        lines.append(f"matmul ceiling: 2048^3 float32 tf.matmul on all cores, "
                     f"{report.ceiling_gflops:.0f} GFLOP/s")
    groups = dict.fromkeys((row.model, row.mode, row.threads) for row in report.rows)
    width = max([40, *(len(row.label) for row in report.rows)])
    for model, mode, threads in groups:
        spec = MODELS[model]
        # PyTorch has no TF threads: its row shows once, "vs PyTorch" refers to it everywhere.
        group = [row for row in report.rows
                 if (row.model, row.mode, row.threads) == (model, mode, threads)]
        batch = next((row.batch for row in group if row.batch), 0) or spec.batch_of(mode)
        versus, against = _versus(spec)
        lines += ["", f"{spec.title}: {MODE_TEXTS[mode]}, batch {batch}, "
                      f"{_flop_text(spec.flops(batch, mode))} of recurrent matmuls per step; "
                      f"{_threads_text(threads, cores)}{against}",
                  _header(width, versus)]
        lines += [_row_line(row, width) for row in group]
    if report.construction:
        lines += ["", "Graph construction and first step: document 002's training graph "
                      "unrolled over T steps (batch 128)",
                  f"  {'path':<40} {'T':>4} {'ops':>7} {'build s':>8} {'first step s':>13}"
                  f" {'later steps ms':>15}"]
        for row in report.construction:
            label = PATHS[row.path].label
            if row.status != "ok":
                lines.append(f"  {label:<40} {row.steps:>4} {row.status}")
                continue
            lines.append(f"  {label:<40} {row.steps:>4} {row.ops:>7} {row.build_seconds:>8.2f}"
                         f" {row.first_step_seconds:>13.2f} {row.step_seconds * 1e3:>15.1f}")
    if report.seq2seq:
        lines += _seq2seq_lines(report.seq2seq, cores)
    if report.goals:
        lines += goal_lines(report.goals, machine)
    lines += ["", f"total {report.seconds:.0f} s, each path alone in its own process; "
                  f"{busy_text(machine.get('others_share'))}"]
    return "\n".join(lines)


SEQ2SEQ_HEADER = (f"  {'path':<54} {'ms/step':>8} {'range ms':>13} {'sequences/s':>11}"
                  f" {'tokens/s':>9} {'vs PyTorch':>10}")


def _seq2seq_lines(rows: list[Seq2SeqRow], cores: int) -> list[str]:
    sizes = asdict(SEQ2SEQ_SPEC) | {"half": SEQ2SEQ_SPEC.units // 2}
    lines = ["", "seq2seq: vocabulary {vocab} (source and target), units {units}, embedding "
                 "{embedding}, {source_steps} source and {target_steps} target tokens; every "
                 "row decodes all {target_steps} steps (an end token no step emits); "
                 .format(**sizes) + _threads_text(TUNED, cores) + " unless marked "
                 "(default threads: intra_op 0, inter_op 0)"]
    model = None
    for task in dict.fromkeys(row.task for row in rows):
        task_model, step, labels = SEQ2SEQ_TASKS[task]
        if task_model != model:
            model = task_model
            lines += ["", SEQ2SEQ_MODELS[model][0].format(**sizes) + ":"]
        lines += [f" {step.format(**sizes)}", SEQ2SEQ_HEADER]
        for row in (r for r in rows if r.task == task):
            label = labels[row.world].format(**sizes)
            if row.threads != TUNED:
                label += " (default threads)"
            if not row.ok:
                lines.append(f"  {label:<54} {row.status}")
                continue
            spread = f"{min(row.seconds) * 1e3:.1f}-{max(row.seconds) * 1e3:.1f}"
            lines.append(f"  {label:<54} {row.median_ms:8.2f} {spread:>13}"
                         f" {row.sequences_per_second:11,.1f} {row.tokens_per_second:9,.0f}"
                         f" {_ratio(row.vs_torch):>10}")
    return lines


def _machine_line(machine: dict) -> str:
    versions = ", ".join(f"{name} {version}" for name, version in
                         machine.get("versions", {}).items())
    return (f"tf1-lstm bench, {machine.get('date', '?')}: {machine.get('cpu', '?')}, "
            f"{machine.get('cores', '?')} cores; {versions}")


BUSY_SHARE = 0.05  # other processes took more than this share of the cores: say so


def busy_text(share: float | None) -> str:
    if share is None:
        return "how busy the machine was is unknown (no /proc/stat)"
    text = f"other processes used {share:.0%} of the cores' time meanwhile"
    if share > BUSY_SHARE:
        text += " (a busy machine: the timings are noisy; compare ratios within this run)"
    return text


def to_json(report: Report) -> str:
    rows = []
    for row in report.rows:
        data = asdict(row) | {"label": row.label}
        if row.ok:
            data |= {"median_ms": row.median_ms, "examples_per_second": row.examples_per_second}
        rows.append(data)
    seq2seq = []
    for row in report.seq2seq:
        data = asdict(row)
        if row.ok:
            data |= {"median_ms": row.median_ms, "sequences_per_second":
                     row.sequences_per_second, "tokens_per_second": row.tokens_per_second}
        seq2seq.append(data)
    return json.dumps({"machine": report.machine, "ceiling_gflops": report.ceiling_gflops,
                       "rows": rows, "construction": [asdict(r) for r in report.construction],
                       "seq2seq": seq2seq, "seq2seq_sizes": asdict(SEQ2SEQ_SPEC),
                       "goals": [goal_to_dict(goal) for goal in report.goals],
                       "seconds": report.seconds}, indent=2)
