"""The port's output files: the suffix its target writes, checked before any work.

Besides the weights, module files may be written beside them (``companion_modules``): the
model in plain PyTorch (``port.py``), or the Keras cells Keras 3 lacks (``port_lstm_cell.py``),
so the port loads without tf1-lstm.

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

TARGET_SUFFIXES = {"keras": (".keras", ".weights.h5"), "torch": (".pt", ".pth"),
                   "onnx": (".onnx",)}
TARGETS = tuple(TARGET_SUFFIXES)  # --to


def output_suffix(path: Path) -> str:
    """".weights.h5" counts as one suffix (Keras insists on it), else the last one."""
    return ".weights.h5" if path.name.endswith(".weights.h5") else path.suffix


def check_output(path: Path, target: str, force: bool) -> None:
    """Fail before any work if ``path`` cannot take the port."""
    suffixes = TARGET_SUFFIXES[target]
    if output_suffix(path) not in suffixes:
        kinds = {"keras": "a whole Keras model (.keras) or its weights only (.weights.h5)",
                 "torch": "PyTorch weights (.pt or .pth)",
                 "onnx": "an ONNX model (.onnx)"}[target]
        raise BadOutputPath(f"--to {target} writes {kinds}, so --out must end in "
                            f"{' or '.join(suffixes)}; got {path}")
    if not path.parent.is_dir():
        raise BadOutputPath(f"the folder of --out {path} does not exist: create {path.parent} "
                            f"first")
    if path.is_dir():
        raise BadOutputPath(f"--out {path} is a folder; give a file name in it")
    if path.exists() and not force:
        raise OutputExists(f"{path} already exists; not overwriting it. Pass --force to "
                           "replace it (atomically), or choose another --out.")


def _module_name(text: str) -> str:
    """A name Python can import: model-v1 -> model_v1, 2018 -> _2018."""
    name = re.sub(r"\W", "_", text)
    return f"_{name}" if name[:1].isdigit() else name


KERAS_CELL_MODULES = {"lstm_cell": "keras_lstm_cell.py",  # layouts.keras_custom_cells -> file
                      "layer_norm": "keras_layer_norm.py"}


def companion_modules(path: Path, target: str, cells: set[str]) -> list[tuple[Path, str]]:
    """The module files the port writes beside ``path``, each with the file it copies:

    - ``--to torch``: always ``port.py``, the model (``torch_standalone``);
    - ``--to keras`` as a whole model (``.keras``), for each of ``cells`` (the cells Keras 3
      lacks, ``layouts.keras_custom_cells``): ``port_lstm_cell.py`` (``keras_lstm_cell``),
      ``port_layer_norm.py`` (``keras_layer_norm``), imported before ``load_model`` to
      register the cell. Built-in layers need none; a
      ``.weights.h5`` file needs the model built in code anyway.
    """
    if target == "torch":
        return [(path.with_name(f"{_module_name(path.stem)}.py"), "torch_standalone.py")]
    if target != "keras" or output_suffix(path) != ".keras":
        return []
    return [(path.with_name(f"{_module_name(path.stem)}_{cell}.py"), copied)
            for cell, copied in KERAS_CELL_MODULES.items() if cell in cells]


def check_companion(path: Path, target: str, cells: set[str], force: bool) -> None:
    """Before the slow work: no companion module may replace a file without --force."""
    for module, _ in companion_modules(path, target, cells):
        if module.exists() and not force:
            raise OutputExists(f"{module} already exists (the port writes the model's module "
                               f"there, beside {path.name}); not overwriting it. Pass --force, "
                               "or choose another --out.")


def publish_companion(path: Path, target: str, cells: set[str], force: bool) -> list[Path]:
    """Copy the companion modules (plain PyTorch / Keras, no tf1-lstm) beside ``path``."""
    written = []
    for module, copied in companion_modules(path, target, cells):
        with atomic_output(module, overwrite=force) as temporary:
            temporary.write_text(Path(__file__).with_name(copied).read_text())
        written.append(module)
    return written


@contextlib.contextmanager
def staged_output(path: Path, force: bool) -> Iterator[Path]:
    """A temporary file beside ``path`` to write; published as ``path`` if the block succeeds.

    The temporary name keeps the suffix Keras checks: ``.model.keras.PID.RANDOM.partial.keras``.
    """
    with atomic_output(path, overwrite=force, suffix=output_suffix(path)) as temporary:
        yield temporary
