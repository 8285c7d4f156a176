"""Read a TF1 checkpoint into NumPy without building a graph.

A ``tf.train.Saver`` checkpoint is a prefix (``model.ckpt``) with files ``model.ckpt.index``
and ``model.ckpt.data-00000-of-00001`` (plus ``.meta``, the graph, which we do not need), and
usually a ``checkpoint`` file in the folder naming the latest prefix. TensorFlow's checkpoint
reader opens it by prefix and hands out every variable by name, as NumPy, with no graph, no
session and no Keras: so this module works in either world (TF1 or TF2).

Users pass any of these, and all mean the same checkpoint::

    runs/model.ckpt          the prefix, as Saver.save returned it
    runs/model.ckpt.index    (or .meta, or a .data-* shard) one of its files
    runs/                    the folder: its ``checkpoint`` file names the latest prefix
"""

from __future__ import annotations

import glob
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import CheckpointNotFound, CheckpointUnreadable

_FILE_SUFFIX = re.compile(r"\.(index|meta|data-\d{5}-of-\d{5})$")


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint's float variables by name: their shapes now, their values on demand.
    ``others``: the rest (``global_step`` and other integer counters), name -> (dtype name,
    shape), readable with ``read`` too."""

    prefix: Path
    shapes: dict[str, tuple[int, ...]]
    read: Callable[[str], np.ndarray]
    others: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)


def resolve_checkpoint(path: str | Path) -> Path:
    """The checkpoint prefix behind ``path`` (see the module docstring), or CheckpointNotFound."""
    path = Path(path)
    if path.is_dir():
        prefix = _latest_in_folder(path)
    else:
        prefix = path.with_name(_FILE_SUFFIX.sub("", path.name))
    if not Path(f"{prefix}.index").is_file():
        hint = ""
        if path.suffix == ".keras" or path.name.endswith(".h5"):
            hint = " (that is a Keras file, not a TF1 checkpoint)"
        raise CheckpointNotFound(
            f"no TF1 checkpoint at {path}{hint}: expected {prefix}.index and its .data-* "
            f"files, as tf.train.Saver().save(sess, '{prefix}') writes them. Pass the prefix "
            f"Saver.save returned, one of its files, or the folder holding them.")
    return prefix


def _latest_in_folder(folder: Path) -> Path:
    """The prefix the folder's ``checkpoint`` file names, or its only ``*.index`` file."""
    state_file = folder / "checkpoint"
    if state_file.is_file():
        # text protobuf: model_checkpoint_path: "model.ckpt-800" (relative or absolute)
        match = re.search(r'^model_checkpoint_path:\s*"(.*)"', state_file.read_text(),
                          re.MULTILINE)
        if match:
            named = Path(match.group(1))
            return named if named.is_absolute() else folder / named
    indexes = sorted(folder.glob("*.index"))
    if len(indexes) == 1:
        return indexes[0].with_suffix("")
    if not indexes:
        raise CheckpointNotFound(
            f"no TF1 checkpoint in folder {folder}: it has no 'checkpoint' file and no "
            f"*.index file. Pass the prefix tf.train.Saver().save returned.")
    names = ", ".join(index.with_suffix("").name for index in indexes)
    raise CheckpointNotFound(
        f"folder {folder} holds several checkpoints ({names}) and no 'checkpoint' file naming "
        f"the latest: pass one prefix, e.g. {indexes[-1].with_suffix('')}")


def _check_data_files(prefix: Path) -> None:
    """The .data-NNNNN-of-MMMMM shards the .index points into must all be there."""
    shards = sorted(prefix.parent.glob(f"{glob.escape(prefix.name)}.data-*-of-*"))
    if not shards:
        raise CheckpointUnreadable(
            f"the checkpoint {prefix} has its .index but no .data-00000-of-00001 file, which "
            f"holds the numbers: copy the .data-* file(s) saved with it next to {prefix}.index")
    total = int(re.search(r"-of-(\d{5})$", shards[0].name)[1])
    missing = [f"{prefix.name}.data-{k:05d}-of-{total:05d}" for k in range(total)
               if not Path(f"{prefix}.data-{k:05d}-of-{total:05d}").is_file()]
    if missing:
        raise CheckpointUnreadable(f"the checkpoint {prefix} lacks {', '.join(missing)}: copy "
                                   f"every .data-* file saved with it next to {prefix}.index")


def open_checkpoint(path: str | Path) -> Checkpoint:
    """The float variables of the checkpoint at ``path`` (prefix, file or folder)."""
    prefix = resolve_checkpoint(path)
    import tensorflow as tf  # here, not above: importing this module must stay cheap

    try:
        reader = tf.train.load_checkpoint(str(prefix))
    except (tf.errors.OpError, ValueError) as error:  # truncated, corrupt, another format
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
        raise CheckpointUnreadable(
            f"TensorFlow cannot read the checkpoint {prefix} ({first_line}). Its .index or "
            f".data-* file is damaged or incomplete: save it again with "
            f"tf.train.Saver().save.") from None
    _check_data_files(prefix)  # after the .index is known good: it names what they hold
    dtypes = reader.get_variable_to_dtype_map()
    all_shapes = {name: tuple(shape)
                  for name, shape in reader.get_variable_to_shape_map().items()}
    shapes = {name: shape for name, shape in all_shapes.items()
              if dtypes[name].is_floating}  # not global_step and other integer counters
    others = {name: (dtypes[name].name, shape) for name, shape in all_shapes.items()
              if name not in shapes}

    def read(name: str) -> np.ndarray:
        try:
            return np.asarray(reader.get_tensor(name))
        except (tf.errors.OpError, IndexError, ValueError) as error:  # e.g. "Read less bytes"
            raise CheckpointUnreadable(
                f"the checkpoint {prefix} is damaged: reading {name} failed ({error}). Its "
                f".data-* file is probably truncated (an interrupted copy or save): copy it "
                f"again, or save the model again with tf.train.Saver().save.") from None

    return Checkpoint(prefix=prefix, shapes=shapes, read=read, others=others)
