"""Each legacy example's training step under ``tf1-lstm run`` and ``tf1-lstm run --fast``.

The scripts are not edited: each runs as a user runs it, ``python -m tf1_lstm run [--fast]
legacy_examples/X.py [ARGS]`` in a new process (``TF1_LSTM_MNIST=subset``, the tests'
arguments: ``--epochs 3`` for 001_004), with ``TF1_LSTM_STEP_TIMES`` set, so every
``Session.run`` of the script is timed by its fetches (``tf1_lstm.legacy.step_times``). Then:

    training step   per graph, the fetch called most often among those that run an optimizer's
                    update op (Apply* / ResourceApply*); an eval fetch called more often is not
                    it. None: the most-called fetch whose op names say train / minimize /
                    optimize; none either: the most-called fetch (said so in the row), or, when
                    no fetch was called 10 times, "no training loop"
    ms              median of that fetch's calls after the first 5 (warm-up: Grappler's
                    rewrite and the first allocations happen in the first call)
    speed-up        run ms / run --fast ms (above 1: --fast is faster)
    script s        the script's wall time, from before --fast's setup to exit (``step_times``)
    process s       the whole process's, TensorFlow's import and the interpreter's start in
    --fast notes    which RNN calls the fast path ran, which ran as TF's own (its stderr notes)

An example that trains several graphs (001_004: the peephole stack, then the GRU stack) gets a
row per graph, named by its variables' RNN cell scopes. ``run`` goes first (a script failing
under it is not run with ``--fast``), one run at a time; each row shows how busy the machine
was meanwhile (``machine.others_share``).

    example_rows(examples=None, progress=print) -> list[ExampleRow]   (minutes: 18 runs)
    format_example_rows(rows) -> str, row_to_dict(row) -> dict
    python -m tf1_lstm.bench.examples [--only NAME ...] [--json]

Imports no TensorFlow (the scripts' processes do).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tf1_lstm.bench import machine
from tf1_lstm.bench.jobs import usable_cores
from tf1_lstm.bench.report import busy_text
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy import step_times
from tf1_lstm.legacy.switches import FAST, STEP_TIMES

REPO = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = REPO / "legacy_examples"
EXAMPLE_ARGS = {"001_004_peephole_and_gru_variants": ("--epochs", "3")}  # as the tests run it
MODES = {"run": (), "run --fast": ("--fast",)}
WARMUP_CALLS = 5
MIN_LOOP_CALLS = 10  # fewer calls of every fetch, none training: "no training loop"
TIMEOUT_SECONDS = 1800
NOTE = "tf1-lstm: note: --fast: "
SERVED, OWN = " ran on the fast path", " ran as TF's own"
TRAINING_NAME = re.compile(r"train|minimi[sz]e|optimi[sz]|apply_grad", re.IGNORECASE)
OP_NAME = re.compile(r"[A-Za-z_.][\w./-]*(?::\d+)?")  # the names in a fetch key


class UnknownExample(Tf1LstmError, ValueError):
    """A name given to ``--only`` / ``examples`` that names no legacy example."""


# --- one script, one mode --------------------------------------------------------------------

@dataclass
class ScriptRun:
    """One example run once under ``tf1-lstm run`` or ``run --fast``."""

    mode: str
    error: str = ""                          # "" when it exited 0 and printed CHECK OK
    process_seconds: float = 0.0             # the whole process, TensorFlow's import included
    others_share: float | None = None        # of the cores' time, meanwhile
    times: step_times.StepTimes | None = None
    notes: list[str] = field(default_factory=list)  # its "--fast: ..." notes, prefix removed

    @property
    def ok(self) -> bool:
        return not self.error and self.times is not None


def _env(times_file: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in (
        "TF_USE_LEGACY_KERAS", "TF1_LSTM_VERBOSE", "TF1_LSTM_MNIST", FAST, STEP_TIMES)}
    path = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env | {"TF1_LSTM_MNIST": "subset", STEP_TIMES: str(times_file), "PYTHONPATH": path}


def _failure(result: subprocess.CompletedProcess) -> str:
    """What went wrong, in one line: the error line of its stderr, or its last line."""
    lines = [line for line in result.stderr.splitlines()
             if line.strip() and not line.startswith("tf1-lstm: note:")]
    ours = [line for line in lines if line.startswith("tf1-lstm: error:")]
    last = (ours or lines or ["(nothing on stderr)"])[-1].strip()
    return f"exit {result.returncode}: {last}"


def fast_notes(stderr: str) -> list[str]:
    return [line.removeprefix(NOTE) for line in stderr.splitlines() if line.startswith(NOTE)]


def run_once(script: Path, mode: str, args: Iterable[str] = (),
             timeout: float = TIMEOUT_SECONDS) -> ScriptRun:
    """``python -m tf1_lstm <mode> script args`` in a new process, its calls timed."""
    with tempfile.TemporaryDirectory(prefix="tf1-lstm-examples-") as folder:
        times_file = Path(folder) / "step_times.json"
        command = [sys.executable, "-m", "tf1_lstm", "run", *MODES[mode], str(script.absolute()),
                   *args]
        before = machine.snapshot()
        try:
            result = subprocess.run(command, capture_output=True, text=True, cwd=folder,
                                    env=_env(times_file), timeout=timeout)
        except subprocess.TimeoutExpired:
            return ScriptRun(mode, f"timed out after {timeout:.0f} s",
                             time.perf_counter() - before.wall)
        after = machine.snapshot()
        run = ScriptRun(mode, process_seconds=after.wall - before.wall,
                        others_share=machine.others_share(before, after, usable_cores()),
                        notes=fast_notes(result.stderr))
        if result.returncode != 0:
            run.error = _failure(result)
        elif not any("CHECK OK" in line for line in result.stdout.splitlines()):
            run.error = "exit 0 but no CHECK OK line on stdout"
        if times_file.exists():
            run.times = step_times.read(times_file)
        elif not run.error:
            run.error = f"no {STEP_TIMES} file was written"
        return run


# --- which fetch is the training step --------------------------------------------------------

@dataclass(frozen=True)
class TrainingStep:
    key: str
    graph: int
    found_by: str          # "optimizer op", "op name", "most calls"
    seconds: list[float]   # every call, in order
    other_training: int    # other fetches of the same graph that train

    @property
    def timed(self) -> list[float]:
        """The calls after warm-up (all but the first when there are few)."""
        if len(self.seconds) > WARMUP_CALLS:
            return self.seconds[WARMUP_CALLS:]
        return self.seconds[1:] or self.seconds


def _named_like_training(key: str) -> bool:
    ops = [name for name in OP_NAME.findall(key.split(" @graph ")[0]) if ":" not in name]
    return any(TRAINING_NAME.search(name) for name in ops)


def training_steps(times: step_times.StepTimes) -> list[TrainingStep]:
    """The training step of each graph that has one, by graph; [] when none trains."""
    steps = []
    for graph in sorted(times.graphs):
        keys = [key for key in times.calls if times.fetches[key]["graph"] == graph]
        trains = [key for key in keys if times.fetches[key]["trains"]]
        for found_by, candidates in (("optimizer op", trains),
                                     ("op name", [k for k in keys if _named_like_training(k)])):
            if candidates:
                key = max(candidates, key=lambda k: len(times.calls[k]))  # first of ties
                steps.append(TrainingStep(key, graph, found_by, times.calls[key],
                                          len(trains) - (found_by == "optimizer op")))
                break
    if steps or not times.calls:
        return steps
    key = max(times.calls, key=lambda k: len(times.calls[k]))
    if len(times.calls[key]) < MIN_LOOP_CALLS:
        return []
    return [TrainingStep(key, times.fetches[key]["graph"], "most calls", times.calls[key], 0)]


def no_training_text(times: step_times.StepTimes) -> str:
    calls = sum(map(len, times.calls.values()))
    return (f"no training loop: {calls} session.run call{'s' * (calls != 1)} of "
            f"{len(times.calls)} fetch{'es' * (len(times.calls) != 1)}: none runs an "
            f"optimizer op, none was called {MIN_LOOP_CALLS} times")


# --- the rows ------------------------------------------------------------------------------

@dataclass
class ExampleRow:
    """One example (one of its training graphs), under run and run --fast."""

    example: str
    part: str = ""                   # which graph, when the example trains several
    status: str = "ok"               # or "failed under ...", "no training loop: ..."
    step: str = ""                   # the training step's fetch key (under run)
    found_by: str = ""
    calls: int = 0                   # its calls under run (warm-up included)
    fast_calls: int = 0
    run_seconds: list[float] = field(default_factory=list)   # its calls after warm-up
    fast_seconds: list[float] = field(default_factory=list)
    other_training: int = 0          # other fetches of that graph that train (buckets)
    fast_served: list[str] = field(default_factory=list)     # RNN calls on the fast path
    fast_own: list[str] = field(default_factory=list)        # RNN calls left to TF, and why
    fast_threads: str = ""
    script_seconds: float | None = None
    fast_script_seconds: float | None = None
    process_seconds: float | None = None
    fast_process_seconds: float | None = None
    others_share: float | None = None  # the larger of the two runs'

    @property
    def run_ms(self) -> float | None:
        return statistics.median(self.run_seconds) * 1e3 if self.run_seconds else None

    @property
    def fast_ms(self) -> float | None:
        return statistics.median(self.fast_seconds) * 1e3 if self.fast_seconds else None

    @property
    def speed_up(self) -> float | None:
        run, fast = self.run_ms, self.fast_ms
        return run / fast if run and fast else None


def _sort_notes(notes: list[str]) -> tuple[list[str], list[str], str]:
    served = [note.removesuffix(SERVED) for note in notes if note.endswith(SERVED)]
    own = [note.replace(OWN + ":", ":").removesuffix(OWN) for note in notes if OWN in note]
    threads = next((note for note in notes if note.startswith("tf.Session threads")), "")
    return served, own, threads.split(" (")[0]


def rows_from(example: str, plain: ScriptRun, fast: ScriptRun | None) -> list[ExampleRow]:
    """The example's rows: one per training graph, or one saying why there is none."""
    runs = [run for run in (plain, fast) if run is not None]
    errors = [f"failed under tf1-lstm {run.mode}: {run.error}" for run in runs if run.error]
    if fast is None:
        errors.append("not run with --fast")
    steps = {run.mode: {step.graph: step for step in training_steps(run.times)}
             for run in runs if run.ok}
    plain_steps, fast_steps = steps.get(plain.mode, {}), steps.get("run --fast", {})
    served, own, threads = _sort_notes(fast.notes if fast else [])
    shares = [run.others_share for run in runs if run.others_share is not None]

    def row(part: str, status: str, mine: TrainingStep | None,
            theirs: TrainingStep | None) -> ExampleRow:
        named = mine or theirs
        return ExampleRow(
            example, part, status, step=named.key if named else "",
            found_by=named.found_by if named else "",
            calls=len(mine.seconds) if mine else 0,
            fast_calls=len(theirs.seconds) if theirs else 0,
            run_seconds=mine.timed if mine else [], fast_seconds=theirs.timed if theirs else [],
            other_training=named.other_training if named else 0,
            fast_served=served, fast_own=own, fast_threads=threads,
            script_seconds=plain.times.script_seconds if plain.times else None,
            fast_script_seconds=fast.times.script_seconds if fast and fast.times else None,
            process_seconds=plain.process_seconds,
            fast_process_seconds=fast.process_seconds if fast else None,
            others_share=max(shares) if shares else None)

    graphs = sorted(set(plain_steps) | set(fast_steps))
    status = "; ".join(errors) or "ok"
    if not graphs:
        times = next((run.times for run in runs if run.ok), None)
        if status == "ok":
            status = no_training_text(times)
        return [row("", status, None, None)]
    scopes = (plain.times or fast.times).graphs
    return [row(f"graph {graph}: {', '.join(scopes.get(graph, [])) or 'no RNN cell'}"
                if len(graphs) > 1 else "", status, plain_steps.get(graph),
                fast_steps.get(graph)) for graph in graphs]


def example_scripts(examples: Iterable[str | Path] | None = None) -> list[Path]:
    """The legacy examples' files: all, or those named (a stem, a unique prefix such as
    ``002``, or a path to a script)."""
    every = sorted(EXAMPLES_DIR.glob("[0-9]*.py"))
    if not every:
        raise UnknownExample(f"no legacy examples in {EXAMPLES_DIR}: run from a checkout")
    if examples is None:
        return every
    chosen = []
    for name in examples:
        if isinstance(name, Path):
            chosen.append(name)
            continue
        stem = name.removesuffix(".py")
        matches = [path for path in every if path.stem == stem] or [
            path for path in every if path.stem.startswith(stem)]
        if len(matches) != 1:
            known = ", ".join(path.stem for path in matches or every)
            raise UnknownExample(f"{name!r} {'is ambiguous' if matches else 'names no example'}"
                                 f": give one of {known} (or a unique prefix)")
        chosen += matches
    return chosen


def example_rows(examples: Iterable[str | Path] | None = None,
                 progress: Callable[[str], object] = print,
                 timeout: float = TIMEOUT_SECONDS) -> list[ExampleRow]:
    """Run each example under run, then run --fast; their rows, in the examples' order.
    ``progress`` gets one line as each run starts."""
    scripts = example_scripts(examples)
    rows = []
    for number, script in enumerate(scripts, start=1):
        args = EXAMPLE_ARGS.get(script.stem, ())
        runs = {}
        for mode in MODES:
            if mode != "run" and not runs["run"].ok:
                break
            progress(f"[{number}/{len(scripts)}] tf1-lstm {mode} {script.name} "
                     f"{' '.join(args)}".rstrip())
            runs[mode] = run_once(script, mode, args, timeout)
        rows += rows_from(script.stem, runs["run"], runs.get("run --fast"))
    return rows


# --- table and JSON ------------------------------------------------------------------------

def row_to_dict(row: ExampleRow) -> dict:
    return asdict(row) | {"run_ms": row.run_ms, "fast_ms": row.fast_ms,
                          "speed_up": row.speed_up}


def _number(value: float | None, form: str) -> str:
    return "-" if value is None else format(value, form)


def _pair(run: float | None, fast: float | None) -> str:
    return f"{_number(run, '.1f')}/{_number(fast, '.1f')}"


def _name(row: ExampleRow) -> str:
    return f"{row.example} [{row.part}]" if row.part else row.example


def _header(width: int) -> str:
    return (f"  {'example':<{width}} {'calls':>9} {'run ms':>8} {'--fast ms':>9}"
            f" {'speed-up':>8} {'script s':>11} {'process s':>11} {'others':>6}")


def _row_lines(row: ExampleRow, width: int) -> list[str]:
    name = _name(row)
    seconds = (f"{_pair(row.script_seconds, row.fast_script_seconds):>11}"
               f" {_pair(row.process_seconds, row.fast_process_seconds):>11}"
               f" {_number(row.others_share, '.0%'):>6}")
    if not row.step:
        return [f"  {name:<{width}} {'':>9} {'':>8} {'':>9} {'':>8} {seconds}",
                f"      {row.status}"]
    calls = str(row.calls) if row.calls == row.fast_calls or not row.fast_calls else \
        f"{row.calls}/{row.fast_calls}"
    speed = "-" if row.speed_up is None else f"{row.speed_up:.2f}x"
    lines = [f"  {name:<{width}} {calls:>9} {_number(row.run_ms, '8.2f'):>8}"
             f" {_number(row.fast_ms, '9.2f'):>9} {speed:>8} {seconds}"]
    step = row.step if len(row.step) <= 70 else row.step[:67] + "..."
    found = {"optimizer op": "", "op name": " (no optimizer op: picked by its name)",
             "most calls": " (no optimizer op: the most-called fetch)"}[row.found_by]
    more = f"; {row.other_training} other training fetch(es)" if row.other_training else ""
    lines.append(f"      step: {step}{found}{more}")
    fast = [f"fast path: {', '.join(row.fast_served) or 'no RNN call'}"]
    if row.fast_own:
        # "dynamic_rnn of GRUCell (the fast path runs ...)": the advice left out, reasons kept
        fast.append(f"TF's own: {', '.join(note.split(' (')[0] for note in row.fast_own)}")
    lines.append(f"      --fast: {'; '.join(fast)}")
    if row.status != "ok":
        lines.append(f"      {row.status}")
    return lines


def format_example_rows(rows: list[ExampleRow]) -> str:
    threads = next((row.fast_threads for row in rows if row.fast_threads), "")
    width = max([len("example"), *map(len, map(_name, rows))])
    lines = [f"Legacy examples, unmodified, under tf1-lstm run and run --fast (MNIST subset): "
             f"the training step (the session.run fetch with an optimizer op, called most "
             f"often), median ms after {WARMUP_CALLS} warm-up calls; speed-up = run ms / "
             f"--fast ms; --fast also sets {threads or 'tuned tf.Session threads'}; seconds "
             f"run/--fast; others = the cores' time other processes took", _header(width)]
    for row in rows:
        lines += _row_lines(row, width)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tf1_lstm.bench.examples",
        description="Time each legacy example's training step under `tf1-lstm run` and "
                    "`tf1-lstm run --fast` (each run in a new process, one after another; "
                    "about 10 minutes for all) and print a table.")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these examples (a file stem or a unique prefix: 002, 005)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    try:
        scripts = example_scripts(args.only)
    except UnknownExample as error:
        parser.error(str(error))
    before = machine.snapshot()
    rows = example_rows(scripts, progress=lambda line: print(line, file=sys.stderr))
    share = machine.others_share(before, machine.snapshot(), usable_cores())
    if args.json:
        print(json.dumps({"rows": [row_to_dict(row) for row in rows], "machine":
                          machine.describe() | {"others_share": share}}, indent=2))
    else:
        print(format_example_rows(rows))
        print(f"\n{busy_text(share)}")
    return 1 if any(row.status.startswith("failed") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
