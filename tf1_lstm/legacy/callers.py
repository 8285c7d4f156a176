"""Is a call coming from the script's own code, or from a library?

The emulations of ``tf1_lstm.legacy`` that change what a *current* name means for some calls
(TF 0.x argument orders, NumPy 1 names NumPy 2 answers with AttributeError) apply to the
script's code only: a file of the Python installation (the standard library, site-packages)
or of tf1_lstm itself keeps today's meaning, so a library that probes
``hasattr(np, "float_")`` or calls ``tf.nn.softmax_cross_entropy_with_logits(labels, logits)``
TF 2's way is not turned into a TF 0.x caller. The script's folder, its sibling modules and
code without a file (``<string>``) count as the script's.
"""

from __future__ import annotations

import functools
import sys
import sysconfig
from pathlib import Path

LIBRARY_FOLDERS: tuple[Path, ...] = tuple({
    Path(sysconfig.get_paths()[key]).resolve() for key in ("stdlib", "purelib", "platlib")
} | {Path(__file__).resolve().parents[1]})


@functools.lru_cache(maxsize=1024)
def is_script_file(filename: str) -> bool:
    """False for a file inside LIBRARY_FOLDERS or a frozen module, True otherwise."""
    if filename.startswith("<frozen"):
        return False
    path = Path(filename).resolve()
    return not any(path.is_relative_to(folder) for folder in LIBRARY_FOLDERS)


def called_from_the_script(depth: int = 1) -> bool:
    """Is the caller of the function calling this (``depth`` frames up) the script's code?"""
    return is_script_file(sys._getframe(depth + 1).f_code.co_filename)
