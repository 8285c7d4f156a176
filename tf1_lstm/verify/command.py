"""``tf1-lstm verify``: the options and the command. Imports TensorFlow only inside main."""

from __future__ import annotations

import argparse
import sys
import time

from tf1_lstm.verify.matrix import CELLS, full_matrix, quick_matrix


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm verify`` options."""
    parser.add_argument(
        "--quick", action="store_true",
        help=f"a covering subset: {len(quick_matrix())} cases in which every value of every "
             f"axis still appears, instead of all {len(full_matrix())} combinations")
    parser.add_argument("--json", action="store_true",
                        help="print the rows as JSON (with each row's pass/fail) instead of "
                             "the table")
    parser.add_argument("--cell", choices=CELLS, action="append", default=None,
                        help="verify only this cell (repeat for several; default: all four)")


def main(args: argparse.Namespace) -> int:
    """Run the matrix, print the table (or JSON); 1 if any comparison failed."""
    from tf1_lstm.verify.document_003 import format_trace
    from tf1_lstm.verify.suite import run_verification
    from tf1_lstm.verify.table import format_table, legend, summary, to_json

    cells = tuple(dict.fromkeys(args.cell)) if args.cell else CELLS
    started = time.perf_counter()
    verification = run_verification(quick=args.quick, cells=cells)
    seconds = time.perf_counter() - started
    rows = verification.rows
    if args.json:
        print(to_json(rows, seconds))
    else:
        print(format_table(rows))
        print()
        print(legend())
        if verification.document_003 is not None:
            print()
            print(format_trace(verification.document_003))
        print()
        print(summary(rows, seconds))
    failed = [row for row in rows if not row.passed]
    for row in failed:
        print(f"tf1-lstm verify: FAILED: {row.cell} {row.setting}: {row.compared}",
              file=sys.stderr)
    return 1 if failed else 0
