"""matplotlib for the claims' plots: the Agg backend (no screen needed), one style, one save.

matplotlib is imported only when a plot is drawn, so the claim computations (and their
tests) do not need it. Every figure's title says what it shows and the verdict; every axis
says what it measures and in which unit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tf1_lstm.claims.verdict import Verdict
from tf1_lstm.output_files import atomic_output

DPI = 110
VERDICT_COLORS = {  # the verdict's colour in titles
    Verdict.HOLDS: "#1a7f37",
    Verdict.DOES_NOT_HOLD: "#cf222e",
    Verdict.CANNOT_CHECK: "#6e7781",
}


def pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only), with readable default sizes."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 10, "axes.titlesize": 10, "axes.labelsize": 10,
                         "figure.titlesize": 12, "axes.grid": True, "grid.alpha": 0.3})
    return plt


def verdict_title(figure: Any, text: str, verdict: Verdict, verdict_text: str | None = None
                  ) -> None:
    """The figure's title: what it shows, then the verdict (``verdict_text``) in its colour."""
    figure.suptitle(f"{text}\nVerdict: {verdict_text or verdict}", color=VERDICT_COLORS[verdict],
                    fontweight="bold")


QUICK_VERDICT = "not judged: --quick trains too few steps (run tf1-lstm claims without it)"


def save(figure: Any, path: Path) -> Path:
    """Write the PNG atomically (``output_files.atomic_output``: a crash never leaves half a
    file, and two runs writing the same plot at once both succeed), then close the figure."""
    plt = pyplot()
    try:
        with atomic_output(path) as temporary:
            figure.savefig(temporary, dpi=DPI, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path
