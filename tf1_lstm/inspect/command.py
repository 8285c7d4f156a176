"""``tf1-lstm inspect``: the options (defaults: document 001's example) and the command."""

from __future__ import annotations

import argparse
import sys

from tf1_lstm.cells.kinds import CELL_KINDS, listed
from tf1_lstm.inspect.build import inspect_rnn
from tf1_lstm.inspect.data import CELLS, MODES, X_BATCH_001
from tf1_lstm.inspect.format import format_inspection

# The command


def _lengths(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas, one per batch row (e.g. 2,1,2,2), "
            f"got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm inspect`` options; the defaults are document 001's example."""
    tf1_names = listed([kind.tf1_name for kind in CELL_KINDS.values()])
    parser.add_argument("--cell", choices=list(CELLS), default="rnn",
                        help=f"{tf1_names} (default: %(default)s)")
    parser.add_argument("--layers", type=int, default=1,
                        help="N > 1 stacks N cells in a MultiRNNCell (default: %(default)s)")
    parser.add_argument("--units", type=int, default=5, help="num_units H (default: 5)")
    parser.add_argument("--steps", type=int, default=2, help="time steps T (default: 2)")
    parser.add_argument("--inputs", type=int, default=3, help="input size I (default: 3)")
    parser.add_argument("--batch", type=int, default=None,
                        help="batch size B (default: 4, or one row per --sequence-length value)")
    parser.add_argument("--mode", choices=MODES, default="dynamic",
                        help="static_rnn over tf.unstack(X, T, 1), or dynamic_rnn over X "
                             "[B, T, I] (default: %(default)s)")
    parser.add_argument("--sequence-length", type=_lengths, default=None, metavar="L,L,...",
                        help="one length per batch row, e.g. 2,1,2,2 (sets the batch size)")
    parser.add_argument("--seed", type=int, default=0,
                        help="graph seed and random input seed (default: %(default)s)")
    parser.add_argument("--x-batch-001", action="store_true",
                        help="feed document 001's X_batch (4 x 2 x 3) instead of random input; "
                             "its printed outputs need --sequence-length 2,1,2,2")
    parser.add_argument("--unknown-batch", action="store_true",
                        help="build X as tf.placeholder(tf.float32, [None, T, I]) as the "
                             "documents do (shapes then show ? for the batch)")


def main(args: argparse.Namespace) -> int:
    """Print the explanation; 1 if a verified equality did not hold (a bug somewhere)."""

    inspection = inspect_rnn(
        cell=args.cell, layers=args.layers, units=args.units, steps=args.steps,
        inputs=args.inputs, batch=args.batch, mode=args.mode,
        sequence_length=args.sequence_length, seed=args.seed,
        x_batch=X_BATCH_001 if args.x_batch_001 else None, unknown_batch=args.unknown_batch)
    print(format_inspection(inspection))
    failed = [check for check in inspection.checks if not check.passed]
    for check in failed:
        print(f"tf1-lstm inspect: CHECK FAILED: {check.claim} (max |diff| "
              f"{check.max_abs_diff:.3g}, {check.kind} expected)", file=sys.stderr)
    return 1 if failed else 0
