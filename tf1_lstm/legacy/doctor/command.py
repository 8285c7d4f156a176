"""``tf1-lstm doctor``: the options and the command (reads files only; imports no TensorFlow)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BAD_ARGUMENTS = 2  # argparse's own status for a bad command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm doctor`` options."""
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                        help="a TF1 script, a Jupyter notebook (.ipynb) or a folder (its .py "
                             "and .ipynb files, recursively, without hidden folders and "
                             "site-packages)")
    parser.add_argument("--json", action="store_true",
                        help="print the report as a JSON document (its shape: "
                             "tf1_lstm/legacy/doctor/report.py)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 also when a name is only emulated (runs as its old "
                             "release did, with a note), not only when one is missing")


def main(args: argparse.Namespace) -> int:
    """Scan PATHs, print the report; 0 when nothing is missing, 1 otherwise, 2 for a PATH
    that does not exist."""
    from tf1_lstm.legacy.doctor.catalogue import Catalogue
    from tf1_lstm.legacy.doctor.files import DoctorPathError, find_files
    from tf1_lstm.legacy.doctor.report import exit_status, format_text, to_json
    from tf1_lstm.legacy.doctor.scan import scan_file

    try:
        files = [file for path in args.paths for file in find_files(path)]
    except DoctorPathError as error:
        print(f"tf1-lstm doctor: error: {error}", file=sys.stderr)
        return BAD_ARGUMENTS
    catalogue = Catalogue()
    scans = [scan_file(file, catalogue) for file in dict.fromkeys(files)]
    print(to_json(scans, args.strict) if args.json else format_text(scans, args.strict))
    return exit_status(scans, args.strict)
