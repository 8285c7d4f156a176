"""The doctor's report: each file's names once (count, first use), the summary, the exit status.

Text (the default): one block per file that uses a TF1 name or could not be read, missing
names first, then emulated, then served, each in the order of first use; then the summary
line. ``--json`` prints this document instead (stable: keys are only ever added):

    {
      "doctor": 1,                      the version of this shape
      "files": [                        every file scanned, in the order scanned
        {
          "path": "models/train.py",
          "problems": [                 the file, or a notebook cell, that is not Python 3
            {"kind": "python2" | "syntax" | "unreadable", "message": "...",
             "line": 3 | null, "cell": 2 | null}
          ],
          "names": [                    each name once, ordered as in the text
            {"name": "tf.mul", "status": "served" | "emulated" | "missing",
             "count": 3,                uses in this file (imports included)
             "line": 12, "column": 5, "cell": null,   the first use (cell: notebooks)
             "note": "tf.mul is TF 0.x; ran it as tf.multiply"}
          ]                             note: for missing, the replacement; may be ""
        }
      ],
      "summary": {"served": 10, "emulated": 2, "missing": 1,   distinct names, all files
                  "files": 3, "unreadable_files": 0},
      "exit_status": 1
    }

Exit status: 1 when a name is missing or a file cannot be read (``run`` would fail there),
with ``strict`` also when a name is only emulated; else 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tf1_lstm.legacy.doctor.catalogue import EMULATED, MISSING, SERVED
from tf1_lstm.legacy.doctor.scan import FileScan, Location, Use

STATUS_ORDER = (MISSING, EMULATED, SERVED)
JSON_VERSION = 1


@dataclass(frozen=True)
class NameLine:
    """One name of one file: its verdict, how often it is used, where first."""

    name: str
    status: str
    note: str
    count: int
    first: Location


def name_lines(uses: list[Use]) -> list[NameLine]:
    """Each name once, missing first, then emulated, then served, by first use."""
    first: dict[tuple[str, str], Use] = {}
    counts: dict[tuple[str, str], int] = {}
    for use in uses:
        key = (use.name, use.verdict.status)
        first.setdefault(key, use)
        counts[key] = counts.get(key, 0) + 1
    lines = [NameLine(use.name, use.verdict.status, use.verdict.note, counts[key], use.location)
             for key, use in first.items()]
    return sorted(lines, key=lambda line: (STATUS_ORDER.index(line.status),
                                           line.first.cell or 0, line.first.line,
                                           line.first.column))


def summary(scans: list[FileScan]) -> dict[str, int]:
    """Distinct names per status over all files, and the file counts."""
    distinct = {(use.name, use.verdict.status) for scan in scans for use in scan.uses}
    counts = {status: sum(1 for _, s in distinct if s == status) for status in
              (SERVED, EMULATED, MISSING)}
    return {**counts, "files": len(scans),
            "unreadable_files": sum(1 for scan in scans if scan.problems)}


def exit_status(scans: list[FileScan], strict: bool = False) -> int:
    totals = summary(scans)
    failed = totals[MISSING] or totals["unreadable_files"] or (strict and totals[EMULATED])
    return 1 if failed else 0


def _location(location: Location | None) -> dict:
    return {"line": location.line if location else None,
            "cell": location.cell if location else None}


def to_json(scans: list[FileScan], strict: bool = False) -> str:
    files = [{
        "path": str(scan.path),
        "problems": [{"kind": p.kind, "message": p.message, **_location(p.location)}
                     for p in scan.problems],
        "names": [{"name": line.name, "status": line.status, "count": line.count,
                   "line": line.first.line, "column": line.first.column,
                   "cell": line.first.cell, "note": line.note}
                  for line in name_lines(scan.uses)],
    } for scan in scans]
    return json.dumps({"doctor": JSON_VERSION, "files": files, "summary": summary(scans),
                       "exit_status": exit_status(scans, strict)}, indent=2)


def _note(line: NameLine) -> str:
    if line.status == MISSING:
        return f"replacement: {line.note}" if line.note else ""
    return line.note


def format_text(scans: list[FileScan], strict: bool = False) -> str:
    blocks = []
    for scan in scans:
        lines = name_lines(scan.uses)
        if not lines and not scan.problems:
            continue
        rows = [(line.status, line.name, f"x{line.count}", str(line.first), _note(line))
                for line in lines]
        widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
        text = [str(scan.path)]
        text += [f"  {f'cell {p.location.cell}: ' if p.location and p.location.cell else ''}"
                 f"{p.message}" for p in scan.problems]
        text += ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths,
                                                                             strict=False))
                 + (f"  {row[4]}" if row[4] else "") for row in rows]
        blocks.append("\n".join(line.rstrip() for line in text))
    return "\n\n".join([*blocks, summary_line(scans, strict)])


def summary_line(scans: list[FileScan], strict: bool = False) -> str:
    totals = summary(scans)
    files = f"{totals['files']} file{'s' if totals['files'] != 1 else ''}"
    text = (f"tf1-lstm doctor: {totals[SERVED]} served, {totals[EMULATED]} emulated, "
            f"{totals[MISSING]} missing (distinct names, {files} scanned)")
    if totals["unreadable_files"]:
        count = totals["unreadable_files"]
        text += f"; {count} file{'s' if count != 1 else ''} with code that is not Python 3"
    if not totals["files"]:
        text += "; no .py or .ipynb file found"
    if strict and totals[EMULATED] and not totals[MISSING]:
        text += "; --strict: emulated names fail"
    return text
