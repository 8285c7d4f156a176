"""The claims table (terminal and Markdown), the JSON, and the report folder they go to.

The folder is the user's: we create it if needed and write only our own file names there.
A file of ours from an earlier run is replaced; a file with one of those names that we did
not write (no mention in the folder's ``.tf1-lstm-claims`` list) stops the run before any
work, with the name and the fix, and so does a folder that cannot be created or written.
Nothing else in the folder is touched. Every file is written atomically through a temporary
name unique to the process (``tf1_lstm.output_files``), so two runs into one folder do not
collide. No TensorFlow here.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tf1_lstm.claims.verdict import ClaimResult, Verdict
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.output_files import OutputPathError, check_folder, write_text_atomically

MANIFEST = ".tf1-lstm-claims"  # the names this command wrote here, one per line
MARKDOWN, JSON = "claims.md", "claims.json"


class ReportFolderError(Tf1LstmError, FileExistsError):
    """--out holds a file we would overwrite but did not write."""


class ReportFolder:
    """``folder``, where this run will write exactly ``names`` (checked before any work)."""

    def __init__(self, folder: str | Path, names: Iterable[str]) -> None:
        self.folder = Path(folder)
        self.names = tuple(dict.fromkeys([*names, MARKDOWN, JSON]))
        check_folder(self.folder, "--out")
        manifest = self.folder / MANIFEST
        owned = set(manifest.read_text().split()) if manifest.is_file() else set()
        theirs = [name for name in self.names if (self.folder / name).exists()
                  and name not in owned]
        if theirs:
            raise ReportFolderError(
                f"{self.folder} already has {', '.join(theirs)}, which tf1-lstm claims did not "
                "write; it will not overwrite them. Choose another --out folder, or move "
                "those files away.")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputPathError(f"--out {self.folder} cannot be created "
                                  f"({error.strerror or error}): choose another --out "
                                  "folder") from None
        # Listed BEFORE writing: a run that dies half-way still owns what it wrote.
        write_text_atomically(manifest,
                              "".join(f"{name}\n" for name in sorted(owned | set(self.names))))

    def path(self, name: str) -> Path:
        if name not in self.names:
            raise ValueError(f"{name} is not one of this report's files {self.names}")
        return self.folder / name

    def write_text(self, name: str, text: str) -> Path:
        return write_text_atomically(self.path(name), text)


@dataclass(frozen=True)
class ClaimsReport:
    results: list[ClaimResult]
    plots: dict[str, str]  # file name -> what it shows (one line)
    data: str  # which MNIST
    quick: bool
    seed: int
    seconds: float
    settings: list[str] = field(default_factory=list)  # what was trained, how long
    logdir: str | None = None  # TensorBoard run folder, if --logdir

    def counts(self) -> Counter:
        return Counter(result.verdict for result in self.results)


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def format_table(results: list[ClaimResult], width: int | None = None) -> str:
    """The full table: document, claim, what we measured, verdict, wrapped to ``width``."""
    width = width or max(100, min(shutil.get_terminal_size((120, 24)).columns, 160))
    doc_w, verdict_w, claim_w = 8, 13, max(28, (width - 8 - 13 - 6) * 2 // 5)
    measured_w = width - doc_w - verdict_w - claim_w - 6
    header = (f"{'document':<{doc_w}}  {'claim':<{claim_w}}  {'what we measured':<{measured_w}}"
              f"  verdict")
    lines = [header, "-" * width]
    for result in results:
        columns = [_wrap(result.document, doc_w), _wrap(result.claim, claim_w),
                   _wrap(result.measured, measured_w), _wrap(str(result.verdict), verdict_w)]
        for row in range(max(len(column) for column in columns)):
            cells = [column[row] if row < len(column) else "" for column in columns]
            lines.append(f"{cells[0]:<{doc_w}}  {cells[1]:<{claim_w}}  "
                         f"{cells[2]:<{measured_w}}  {cells[3]}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip()


SHORT_VERDICTS = {Verdict.HOLDS: "holds", Verdict.DOES_NOT_HOLD: "does not hold",
                  Verdict.CANNOT_CHECK: "not checked"}


def format_short_table(results: list[ClaimResult], claim_width: int = 50) -> str:
    """One line per claim: verdict, document, the claim (cut short), the key number."""
    lines = [f"{'verdict':<14}{'document':<10}{'claim':<{claim_width}}  measured", ""]
    for result in results:
        claim = result.claim
        if len(claim) > claim_width:
            claim = claim[:claim_width - 3].rstrip() + "..."
        lines.append(f"{SHORT_VERDICTS[result.verdict]:<14}{result.document:<10}"
                     f"{claim:<{claim_width}}  {result.evidence}")
    lines.append("(not checked: cannot be checked here; claims.md says why)")
    return "\n".join(lines)


def summary_line(report: ClaimsReport) -> str:
    counts = report.counts()
    return (f"{len(report.results)} claims: {counts[Verdict.HOLDS]} hold, "
            f"{counts[Verdict.DOES_NOT_HOLD]} do not hold, {counts[Verdict.CANNOT_CHECK]} "
            f"cannot be checked here ({report.seconds:.0f} s{', --quick' if report.quick else ''};"
            f" {report.data})")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: ClaimsReport) -> str:
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    quick = (" --quick (a few training steps only, so the verdicts that need training are "
             "not made)" if report.quick else "")
    lines = [
        "# The documents' claims, measured",
        "",
        f"Written by `tf1-lstm claims`{quick}. Every verdict below rests on a number measured "
        f"on this machine ({machine}, seed {report.seed}, {report.seconds:.0f} s).",
        "",
        f"- **Data**: {report.data}.",
        *[f"- {setting}" for setting in report.settings],
        *([f"- **TensorBoard**: `tensorboard --logdir {report.logdir}`"] if report.logdir else []),
        "",
        f"**{summary_line(report)}**",
        "",
        "| # | document | claim | what we measured | verdict |",
        "|---|---|---|---|---|",
    ]
    for number, result in enumerate(report.results, 1):
        plot = f" ([plot]({result.plot}))" if result.plot else ""
        lines.append(f"| {number} | {result.document} | {_cell(result.claim)} | "
                     f"{_cell(result.measured)}{plot} | **{result.verdict}** |")
    lines += ["", "## Plots", ""]
    for name, caption in report.plots.items():
        lines += [f"### {caption}", "", f"![{caption}]({name})", ""]
    return "\n".join(lines)


def to_json(report: ClaimsReport) -> str:
    return json.dumps({
        "data": report.data, "quick": report.quick, "seed": report.seed,
        "seconds": round(report.seconds, 1), "settings": report.settings,
        "plots": report.plots,
        "claims": [{"key": r.key, "document": r.document, "claim": r.claim,
                    "measured": r.measured, "verdict": str(r.verdict), "evidence": r.evidence,
                    "plot": r.plot} for r in report.results],
    }, indent=2, ensure_ascii=False)
