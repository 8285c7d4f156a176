"""``tf1-lstm bench``: the options and the command. Imports no framework: every measurement
runs in a worker process (``tf1_lstm.bench.runner``)."""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

from tf1_lstm.bench import machine
from tf1_lstm.bench.goals import evaluate
from tf1_lstm.bench.jobs import FULL, QUICK, plan, seq2seq_only
from tf1_lstm.bench.report import (
    Report,
    add_ratios,
    busy_text,
    format_table,
    rows_from,
    seq2seq_rows_from,
    to_json,
)
from tf1_lstm.output_files import check_new_file, write_text_atomically


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm bench`` options."""
    parser.add_argument("--quick", action="store_true",
                        help="document 002 only (with its latency and one-core rows), "
                             "shorter timings, no thread comparison, construction at T=28 "
                             "and 100, of the seq2seq rows only the tf.contrib.seq2seq "
                             "decoders; the goals of the other models are not measured")
    parser.add_argument("--seq2seq-only", action="store_true",
                        help="only the seq2seq rows (legacy_seq2seq training, greedy and beam "
                             "decoding, beside PyTorch); with --quick, only the decoders")
    parser.add_argument("--examples", action="store_true",
                        help="also time each legacy example's training step, unmodified, under "
                             "tf1-lstm run and run --fast (about 10 minutes more; "
                             "benchmarks/run.sh does)")
    parser.add_argument("--examples-only", action="store_true",
                        help="only the legacy examples' rows (see --examples)")
    parser.add_argument("--json", action="store_true",
                        help="print every measurement (each timed block too) as JSON instead "
                             "of the table")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="also write the JSON to FILE (benchmarks/run.sh keeps both); "
                             "checked before the run: FILE's folder must exist, and an "
                             "existing FILE is kept unless --force")
    parser.add_argument("--force", action="store_true",
                        help="let --save replace an existing FILE (atomically)")


def main(args: argparse.Namespace) -> int:
    """Plan the jobs, run each in its own process (a line on stderr as each ends), print the
    table and the goals (or JSON); 1 if any failed.

    ``--save FILE`` is checked before any job runs (``OutputPathError``) and written atomically.
    """
    from tf1_lstm.bench.examples import example_rows, format_example_rows, row_to_dict
    from tf1_lstm.bench.runner import run_all

    if args.save:
        check_new_file(args.save, "--save", args.force, example_name="bench.json")
    torch_installed = importlib.util.find_spec("torch") is not None
    facts = machine.describe()
    effort = QUICK if args.quick else FULL
    jobs = [] if args.examples_only else plan(seq2seq_only(effort) if args.seq2seq_only
                                              else effort, torch_installed, facts["cores"])
    before = machine.snapshot()
    started = time.perf_counter()
    outcomes = run_all(jobs)
    examples = (example_rows(progress=lambda line: print(f"tf1-lstm bench: {line}",
                                                          file=sys.stderr, flush=True))
                if args.examples or args.examples_only else [])
    facts["others_share"] = machine.others_share(before, machine.snapshot(), facts["cores"])

    ceiling = next((o.result["gflops"] for o in outcomes
                    if o.job.kind == "ceiling" and o.ok), None)
    rows, construction = rows_from(outcomes, torch_installed)
    add_ratios(rows, ceiling)
    report = Report(facts, ceiling, rows, construction, time.perf_counter() - started,
                    seq2seq_rows_from(outcomes, torch_installed),
                    evaluate(rows, ceiling) if rows else [])
    as_json = json.loads(to_json(report)) | {"examples": [row_to_dict(r) for r in examples]}
    if args.json:
        print(json.dumps(as_json, indent=2))
    else:
        print("\n\n".join(part for part in (format_table(report) if jobs else "",
                                               format_example_rows(examples) if examples else "")
                          if part))
    if args.save:
        write_text_atomically(args.save, json.dumps(as_json, indent=2) + "\n",
                              overwrite=args.force)
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        print(f"tf1-lstm bench: FAILED: {outcome.job.label}: {outcome.error}", file=sys.stderr)
    if not args.json:
        print(f"tf1-lstm bench: {busy_text(facts['others_share'])}", file=sys.stderr)
    return 1 if failed else 0
