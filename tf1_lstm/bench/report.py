"""From the jobs' raw timings to the rows, ratios, table and JSON of ``tf1-lstm bench``.

Pure arithmetic and formatting (no framework), so it is tested on made-up timings:

    ms/step       median over the timed blocks of (block time / steps in the block)
    range         fastest and slowest block, the spread of the measurement
    examples/s    batch / median step time
    vs static     examples/s / static_rnn's examples/s (same model, mode and TF threads)
    vs PyTorch    examples/s / PyTorch's examples/s (same model and mode)
    GFLOP/s       the LSTM matmul FLOPs of one step (jobs.ModelSpec.flops) / median step time
    of ceiling    GFLOP/s / the 2048^3 float32 matmul's GFLOP/s measured in the same run

The seq2seq rows (their own section) have no FLOP count: ms/step, range, sequences/s (batch /
median step), tokens/s (the B x T target tokens a step trains on or writes / median step)
and vs PyTorch (the same task's PyTorch row).
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field

from tf1_lstm.bench.jobs import (
    BASELINE,
    DEFAULT,
    INFER,
    MODELS,
    PATHS,
    REFERENCE,
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
    """One path on one model in one mode (train or infer), with one TF thread setting."""

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


    @property
    def examples_per_second(self) -> float:
        return self.per_second(self.batch)


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


def rows_from(outcomes: list, torch_installed: bool) -> tuple[list[Row], list[ConstructionRow]]:
    """Turn runner.Outcome objects (job, ok, result, error) into rows, in the plan's order."""
    rows, construction = [], []
    for outcome in outcomes:
        job = outcome.job
        if job.kind == "construction":
            values = outcome.result if outcome.ok else {}
            construction.append(ConstructionRow(job.path, job.steps, _status(outcome), **values))
        elif job.kind == "paths":
            for mode in (TRAIN, INFER):
                part = (outcome.result or {}).get(mode, {}) if outcome.ok else {}
                rows.append(Row(job.model, mode, job.path, job.threads, part.get("batch", 0),
                                part.get("seconds", []), _status(outcome)))
    if not torch_installed:
        models = dict.fromkeys(row.model for row in rows)
        rows += [Row(model, mode, REFERENCE, TUNED, status=SKIPPED_TORCH)
                 for model in models for mode in (TRAIN, INFER)]
    return rows, construction


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
        static = find(row.model, row.mode, BASELINE, row.threads)
        torch = find(row.model, row.mode, REFERENCE)
        speed = row.examples_per_second
        row.vs_static = speed / static.examples_per_second if static else None
        row.vs_torch = speed / torch.examples_per_second if torch else None
        row.gflops = MODELS[row.model].flops(row.batch, row.mode) / (row.median_ms / 1e3) / 1e9
        row.ceiling_fraction = row.gflops / ceiling_gflops if ceiling_gflops else None


# --- the table ------------------------------------------------------------------------------

def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _row_line(row: Row) -> str:
    label = PATHS[row.path].label
    if not row.ok:
        return f"  {label:<40} {row.status}"
    low, high = min(row.seconds) * 1e3, max(row.seconds) * 1e3
    ceiling = "-" if row.ceiling_fraction is None else f"{row.ceiling_fraction:.0%}"
    spread = f"{low:.1f}-{high:.1f}"
    return (f"  {label:<40} {row.median_ms:8.2f} {spread:>13} {row.examples_per_second:11,.0f}"
            f" {_ratio(row.vs_static):>9} {_ratio(row.vs_torch):>10} {row.gflops:8.0f}"
            f" {ceiling:>10}")


HEADER = (f"  {'path':<40} {'ms/step':>8} {'range ms':>13} {'examples/s':>11} {'vs static':>9}"
          f" {'vs PyTorch':>10} {'GFLOP/s':>8} {'of ceiling':>10}")


def _threads_text(threads: str, cores: int) -> str:
    intra, inter = thread_settings(threads, cores)
    if threads == DEFAULT:
        return "TF's default threads (intra_op 0, inter_op 0: all cores each)"
    return f"TF threads intra_op {intra}, inter_op {inter}"


def format_table(report: Report) -> str:
    machine = report.machine
    cores = machine.get("cores", 1)
    lines = [_machine_line(machine)]
    if report.ceiling_gflops:
        lines.append(f"matmul ceiling: 2048^3 float32 tf.matmul on all cores, "
                     f"{report.ceiling_gflops:.0f} GFLOP/s")
    groups = dict.fromkeys((row.model, row.mode, row.threads) for row in report.rows)
    for model, mode, threads in groups:
        spec = MODELS[model]
        # PyTorch has no TF threads: its row shows once, "vs PyTorch" refers to it everywhere.
        group = [row for row in report.rows
                 if (row.model, row.mode, row.threads) == (model, mode, threads)]
        batch = next((row.batch for row in group if row.batch), 0)
        what = "training step (forward, backward, Adam)" if mode == TRAIN else "inference"
        flops = spec.flops(batch, mode) / 1e9 if batch else 0.0
        lines += ["", f"{spec.title}: {what}, batch {batch}, {flops:.2f} GFLOP of LSTM "
                      f"matmuls per step; {_threads_text(threads, cores)}", HEADER]
        lines += [_row_line(row) for row in group]
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
        data = asdict(row)
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
                       "seconds": report.seconds}, indent=2)
