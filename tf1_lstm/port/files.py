"""The port's output files: the suffix its target writes, checked before any work.

``--to torch`` writes two: the weights (``port.pt``) and, beside them, the model's module in
plain PyTorch (``port.py``, a copy of ``torch_standalone``), so the port loads without
tf1-lstm.

Written through ``tf1_lstm.output_files.atomic_output``: a temporary file beside it, published
only when the whole port succeeded and was proven, never over an existing file without
``--force`` (even one that appeared while the port ran), no leftovers whatever happened.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

from tf1_lstm.output_files import atomic_output
from tf1_lstm.port.errors import BadOutputPath, OutputExists

TARGET_SUFFIXES = {"keras": (".keras", ".weights.h5"), "torch": (".pt", ".pth")}


def output_suffix(path: Path) -> str:
    """".weights.h5" counts as one suffix (Keras insists on it), else the last one."""
    return ".weights.h5" if path.name.endswith(".weights.h5") else path.suffix


def check_output(path: Path, target: str, force: bool) -> None:
    """Fail before any work if ``path`` cannot take the port."""
    suffixes = TARGET_SUFFIXES[target]
    if output_suffix(path) not in suffixes:
        kinds = {"keras": "a whole Keras model (.keras) or its weights only (.weights.h5)",
                 "torch": "a PyTorch state_dict (.pt or .pth)"}[target]
        raise BadOutputPath(f"--to {target} writes {kinds}, so --out must end in "
                            f"{' or '.join(suffixes)}; got {path}")
    if not path.parent.is_dir():
        raise BadOutputPath(f"the folder of --out {path} does not exist: create {path.parent} "
                            f"first")
    if path.is_dir():
        raise BadOutputPath(f"--out {path} is a folder; give a file name in it")
    for written in (path, *([torch_module_path(path)] if target == "torch" else [])):
        if written.exists() and not force:
            raise OutputExists(f"{written} already exists; not overwriting it. Pass --force to "
                               "replace it (atomically), or choose another --out.")


def torch_module_path(path: Path) -> Path:
    """The model's PyTorch module file, written beside ``--out``: port.pt -> port.py (a name
    Python can import: model-v1.pt -> model_v1.py)."""
    stem = re.sub(r"\W", "_", path.stem)
    return path.with_name(f"{'_' + stem if stem[:1].isdigit() else stem}.py")


def publish_torch_module(path: Path, force: bool) -> Path:
    """Copy ``torch_standalone`` (plain PyTorch, no tf1-lstm) beside the published ``path``."""
    module = torch_module_path(path)
    source = Path(__file__).with_name("torch_standalone.py").read_text()
    with atomic_output(module, overwrite=force) as temporary:
        temporary.write_text(source)
    return module


@contextlib.contextmanager
def staged_output(path: Path, force: bool) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; published as ``path`` if the block succeeds.

    The temporary name keeps the suffix Keras checks: ``.model.keras.PID.RANDOM.partial.keras``.
    """
    with atomic_output(path, overwrite=force, suffix=output_suffix(path)) as temporary:
        yield temporary
