"""``tf1-lstm claims``: the options and the command. Imports TensorFlow only inside main."""

from __future__ import annotations

import argparse
from pathlib import Path

from tf1_lstm.output_files import check_folder

DEFAULT_OUT = "reports/claims"  # = run.DEFAULT_OUT; repeated so --help needs no TensorFlow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm claims`` options."""
    parser.add_argument(
        "--out", default=DEFAULT_OUT, metavar="DIR",
        help="folder for claims.md, claims.json and the PNG plots; created if missing. Only "
             "this command's own files are ever replaced there (default: %(default)s)")
    parser.add_argument(
        "--quick", action="store_true",
        help="train a few steps only: the cheap verdicts "
             "and every plot, but the claims that need a trained model say they cannot be "
             "checked")
    parser.add_argument(
        "--data-dir", default="/tmp/data/",
        help="folder holding the four MNIST IDX .gz files; without them the embedded "
             "5,000-digit subset is used, and the report says so (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=42,
                        help="graph, data and task seed (default: %(default)s)")
    parser.add_argument(
        "--logdir", default=None, metavar="DIR",
        help="also write TensorBoard graphs and loss/accuracy curves of every trained model "
             "into a new run folder under DIR (static_rnn and dynamic_rnn graphs side by "
             "side); nothing already in DIR is changed")


def main(args: argparse.Namespace) -> int:
    """Measure, print the table and where the report is; 0 even when claims do not hold."""
    check_folder(Path(args.out), "--out")  # at once, before TensorFlow loads; run_claims again
    from tf1_lstm.claims.report import format_table, summary_line
    from tf1_lstm.claims.run import run_claims

    report = run_claims(out=args.out, quick=args.quick, data_dir=args.data_dir, seed=args.seed,
                        logdir=args.logdir)
    print(format_table(report.results))
    print()
    print(summary_line(report))
    out = Path(args.out)
    print(f"Report: {out / 'claims.md'} (and claims.json); plots: "
          f"{', '.join(str(out / name) for name in report.plots)}")
    if report.logdir:
        print(f"TensorBoard: tensorboard --logdir {report.logdir}")
    return 0
