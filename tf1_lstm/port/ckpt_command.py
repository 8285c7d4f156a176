"""``tf1-lstm ckpt ls CKPT`` and ``tf1-lstm ckpt upgrade OLD NEW``: a checkpoint of any TF1 era.

``ls`` lists every variable with its shape and what it is to us::

    RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix [38, 40]  layer 0 kernel (TF 0.12 name of
                                                                 rnn/multi_rnn_cell/cell_0/...)
    Variable [10, 3]                                             dense head kernel
    global_step [] int64                                         optimizer state

``upgrade`` writes NEW with the RNN variables under their TF 1.2+ names (``eras``) and every
other variable as it was, values bit for bit, prints the mapping, and never touches OLD. NEW
gets no ``.meta``: OLD's graph names the old variables, so it would not restore NEW; the
checkpoint state file (``checkpoint``) of NEW's folder is left alone too. NEW is written into
a temporary folder beside it and moved in only when complete; an existing NEW needs
``--force``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

from tf1_lstm.port.checkpoint import Checkpoint, open_checkpoint, resolve_checkpoint
from tf1_lstm.port.cudnn_view import cudnn_checkpoint
from tf1_lstm.port.eras import TF12, era_of, rename_lines, upgrade_checkpoint
from tf1_lstm.port.errors import BadOutputPath, OutputExists, PortError
from tf1_lstm.port.inventory import is_optimizer_state, roles
from tf1_lstm.port.tf1_rnn import find_rnn

CUDNN_LSTM = re.compile(r"/cudnn_compatible_lstm_cell/")  # cudnn_view's rename


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser(
        "ls", help="list a checkpoint's variables, shapes and what each one is",
        description="List every variable of a TF1 checkpoint (any era: TF 0.12, 1.0-1.1, "
                    "1.2+) with its shape, and what tf1-lstm recognises it as: an RNN layer's "
                    "kernel or bias (with its TF 1.2+ name when the checkpoint is older), the "
                    "dense head, optimizer state, or nothing it knows.")
    ls.add_argument("checkpoint", help="the checkpoint prefix, one of its files, or its folder")
    upgrade = actions.add_parser(
        "upgrade", help="rewrite a TF 0.12 / 1.0-1.1 checkpoint with TF 1.2+ variable names",
        description="Write NEW: OLD's variables with the RNN ones renamed to TF 1.2+'s names "
                    "(BasicLSTMCell/Linear/Matrix -> basic_lstm_cell/kernel, weights -> kernel, "
                    "MultiRNNCell/Cell0 -> multi_rnn_cell/cell_0, LSTMCell's W_0 shards "
                    "joined, ...), the values unchanged. OLD is never written.")
    upgrade.add_argument("old", metavar="OLD", help="the old checkpoint (prefix, file or folder)")
    upgrade.add_argument("new", metavar="NEW", type=Path,
                         help="the new checkpoint's prefix, e.g. runs/model-tf12.ckpt")
    upgrade.add_argument("--force", action="store_true", help="replace NEW if it exists")


def main(args: argparse.Namespace) -> int:
    import tf1_lstm.compat  # noqa: F401 - reading and writing checkpoints: the TF1 world

    if args.action == "ls":
        print("\n".join(listing(open_checkpoint(args.checkpoint))))
    else:
        print("\n".join(upgrade(args.old, args.new, args.force)))
    return 0


def listing(original: Checkpoint) -> list[str]:
    """``ls``'s lines."""
    found, renamed = upgrade_checkpoint(original)
    old_name = {old: new for new, entry in renamed.items() for old in entry.old}
    hidden: tuple[str, ...] = ()
    try:
        found, cudnn = cudnn_checkpoint(found)
        hidden = cudnn.hidden if cudnn else ()
        role = roles(find_rnn(found.shapes, found.read))
        rnn_note = None
    except PortError as error:  # no RNN, or an ambiguous one: still list the variables
        role, rnn_note = {}, f"no RNN recognised: {error}"
    era = era_of(renamed) if renamed else TF12
    lines = [f"{original.prefix}: {len(original.shapes) + len(original.others)} variables, "
             f"RNN names of {era}"]
    width = max(len(name) for name in [*original.shapes, *original.others])
    for name in sorted([*original.shapes, *original.others]):
        if name in original.others:
            dtype, shape = original.others[name]
            what = "optimizer state" if is_optimizer_state(name, original.shapes) else \
                f"{dtype}, not a weight"
            lines.append(f"  {name:<{width}} {list(shape)} {dtype}  {what}")
            continue
        new = old_name.get(name, name)
        seen = role.get(new) or role.get(CUDNN_LSTM.sub("/lstm_cell/", new))  # read as LSTMCell
        what = seen or ("optimizer state" if is_optimizer_state(new, found.shapes) else
                        "cuDNN's buffer (the same weights as its cells)" if name in hidden else
                        "not recognised (not an RNN cell's or its head's)")
        if new != name:
            what += f" (TF 1.2+ name: {new})"
        lines.append(f"  {name:<{width}} {list(original.shapes[name])}  {what}")
    return lines + ([rnn_note] if rnn_note else [])


def _check_new(old: Path, new: Path, force: bool) -> None:
    if new.resolve() == old.resolve():
        raise BadOutputPath(f"NEW {new} is OLD itself: choose another prefix (OLD is never "
                            "written)")
    if not new.parent.is_dir():
        raise BadOutputPath(f"the folder of NEW {new} does not exist: create {new.parent} first")
    if Path(f"{new}.index").exists() and not force:
        raise OutputExists(f"{new}.index already exists; not overwriting that checkpoint. "
                           "Pass --force to replace it, or choose another NEW.")


def upgrade(old_path: str, new: Path, force: bool) -> list[str]:
    """``upgrade``: write NEW, return the report's lines."""
    original = open_checkpoint(old_path)
    _check_new(resolve_checkpoint(old_path), new, force)
    found, renamed = upgrade_checkpoint(original)
    if not renamed:
        return [f"{original.prefix} already uses TF 1.2+ names: nothing to upgrade, "
                f"{new} not written"]
    arrays = {name: found.read(name) for name in found.shapes}
    arrays |= {name: original.read(name) for name in original.others}
    _write_checkpoint(arrays, new)
    return [f"{original.prefix} ({era_of(renamed)} names) -> {new} (TF 1.2+ names):",
            *(f"  {line}" for line in rename_lines(renamed)),
            f"  {len(arrays) - len(renamed)} other variable(s) copied under their own names",
            f"wrote {new}.index and its .data file; no .meta (the old graph names the old "
            f"variables): port it with tf1-lstm port {new} ..."]


def _write_checkpoint(arrays: dict[str, np.ndarray], new: Path) -> None:
    """A V2 checkpoint holding exactly ``arrays`` under their names, published as ``new``."""
    from tf1_lstm.compat import tf

    staging = Path(tempfile.mkdtemp(prefix=f".{new.name}.", suffix=".partial", dir=new.parent))
    try:
        names = sorted(arrays)
        with tf.Graph().as_default(), tf.Session() as session:
            values = [tf.placeholder(tf.as_dtype(arrays[name].dtype), arrays[name].shape)
                      for name in names]
            save = tf.raw_ops.SaveV2(prefix=str(staging / new.name), tensor_names=names,
                                     shape_and_slices=[""] * len(names), tensors=values)
            session.run(save, dict(zip(values, (arrays[name] for name in names), strict=True)))
        for written in sorted(staging.iterdir()):  # the .data shard(s) first, the .index last
            if written.suffix != ".index":
                shutil.move(written, new.parent / written.name)
        shutil.move(staging / f"{new.name}.index", new.parent / f"{new.name}.index")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
