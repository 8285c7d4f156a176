"""TF1's naming eras of RNN variables, read as TF 1.2+'s names.

The same BasicLSTMCell stack was saved under three sets of names, by TensorFlow version::

    TF 0.x - 0.12   RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix     [I + H, 4H]
                    RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Bias       [4H]
    TF 1.0 - 1.1    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/weights
                    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/biases
    TF 1.2 - 1.15   rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel
                    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias

Only the names changed: the arrays, their layout ([x_t, h_{t-1}] rows; i, j, f, o columns;
GRU r, u then the candidate) and their shapes are the same in every era (TF 0.12's
``rnn_cell.py`` and TF 1.15's ``rnn_cell_impl.py`` compute the same ``_linear``; the block
kernels' ``lstm_ops.h`` slices i, ci (= j), f, o at 0, H, 2H, 3H in every release). So an old
checkpoint is read by renaming, as follows; every other variable keeps its name.

TF 0.12 (``tensorflow/python/ops/rnn_cell.py``: the scope is the class name, ``_linear``
makes ``Linear/Matrix`` and ``Linear/Bias``)::

    BasicLSTMCell/Linear/{Matrix,Bias}            basic_lstm_cell/{kernel,bias}
    BasicRNNCell/Linear/{Matrix,Bias}             basic_rnn_cell/{kernel,bias}
    GRUCell/Gates/Linear/{Matrix,Bias}            gru_cell/gates/{kernel,bias}
    GRUCell/Candidate/Linear/{Matrix,Bias}        gru_cell/candidate/{kernel,bias}
    LSTMCell/W_0 [, W_1, ...]                     lstm_cell/kernel (num_unit_shards: the
                                                  shards' rows concatenated, W_0 first)
    LSTMCell/B                                    lstm_cell/bias
    LSTMCell/W_{F,I,O}_diag                       lstm_cell/w_{f,i,o}_diag
    LSTMCell/W_P_0 [, W_P_1, ...]                 lstm_cell/projection/kernel (num_proj_shards)
    MultiRNNCell/Cell<k>/                         multi_rnn_cell/cell_<k>/
    RNN/ (tf.nn.rnn, dynamic_rnn's default)       rnn/
    BiRNN/FW/, BiRNN/BW/                          bidirectional_rnn/fw/, bidirectional_rnn/bw/

TF 1.0 - 1.1 (``core_rnn_cell_impl.py``: TF 1.2's names but ``_linear`` makes ``weights`` and
``biases``); TF's own ``checkpoint_convert.py`` did this part, and needed TF 1.x to run::

    <cell>/weights, <cell>/biases                 <cell>/kernel, <cell>/bias
    lstm_cell/projection/weights                  lstm_cell/projection/kernel
    gru_cell/{gates,candidate}/{weights,biases}   gru_cell/{gates,candidate}/{kernel,bias}

The block cells of ``tf.contrib.rnn`` (``tensorflow/contrib/rnn/python/ops/lstm_ops.py`` and
``gru_ops.py``, read at each release tag) named theirs apart, until TF 1.5 (LSTMBlockFusedCell
1.6) gave them the names of TF 1.15. The scope is the class name where it is one::

    era          old name (release tags it is in)          TF 1.2+ name
    TF 0.10      LSTMFusedCell/{W, b, wci, wcf, wco}       lstm_cell/{kernel, bias,
                   (v0.10.0; renamed LSTMBlockCell after)    w_i_diag, w_f_diag, w_o_diag}
    TF 0.11-0.12 LSTMBlockCell/{W, b, wci, wcf, wco}       lstm_cell/... as above
                   (v0.11.0, v0.12.0)
    TF 0.12      LSTMBlockFusedCell/{W_0, B}               lstm_fused_cell/{kernel, bias}
                 LSTMBlockFusedCell/W_{I,F,O}_diag         lstm_fused_cell/w_{i,f,o}_diag
    TF 1.0-1.1   lstm_block_wrapper/{weights, biases}      lstm_fused_cell/{kernel, bias}
                   (LSTMBlockFusedCell, v1.0.0, v1.1.0)
    TF 1.2-1.4   lstm_block_wrapper/{kernel, bias}         lstm_fused_cell/{kernel, bias}
    TF 1.0-1.4   lstm_block_wrapper/w_{i,f,o}_diag         lstm_fused_cell/w_{i,f,o}_diag
    TF 0.11-1.4  GRUBlockCell/{w_ru, b_ru, w_c, b_c}       gru_cell/{w_ru, b_ru, w_c, b_c}
    TF 1.4       GRUBlockCellV2/{gates,candidate}/         gru_cell/{gates,candidate}/
                   {kernel,bias}                             {kernel,bias}

Names these cells wrote that need no renaming: LSTMBlockCell's ``lstm_cell/weights`` (TF
1.0-1.1, renamed above) and ``lstm_cell/kernel`` (TF 1.2-1.15); TF 0.12's
``LSTMBlockCell(use_compatible_names=True)``: LSTMCell's ``LSTMCell/W_0``, ``B``,
``W_*_diag``; TF 1.5's LSTMBlockFusedCell: ``rnn/lstm_cell/kernel`` (its name was
"rnn/lstm_cell"); ``gru_cell/w_ru`` from TF 1.5. A fused cell given a ``scope`` put its
variables right under it (``encoder/weights``): such names tell no cell, and are not renamed.

What the block cells' names do not tell (``block_cell_facts``; the ``.meta`` graph's
``LSTMBlockCell`` / ``BlockLSTM`` op attributes do, or the user):

- **use_peephole**: TF 0.10's LSTMFusedCell and TF 0.11's LSTMBlockCell created wci, wcf,
  wco *always*, and used them only with ``use_peephole=True`` (default False); TF 0.12 and
  later create them only then. So ``LSTMBlockCell/wci`` is an unused random array (0.11,
  default) or a trained peephole (0.11 or 0.12 with True): unknown.
- **cell_clip**: the ops' attribute ``cell_clip`` defaulted to 3.0 and the Python cells
  passed none until TF 1.4 (commit f9f037c, "clipping is off by default"): the cell state
  was clipped to [-3, 3]. LSTMFusedCell and LSTMBlockCell of TF 0.10-0.12 had no argument
  for it (so 3.0, known); the fused cell took ``cell_clip`` (default 3.0 to TF 1.3, none
  from TF 1.4). LSTMBlockCell clipped by default up to TF 1.3 too, under LSTMCell's names:
  only its graph tells it from an LSTMCell.

An optimizer slot follows its variable (``.../Linear/Matrix/Adam`` -> ``.../kernel/Adam``).
A name is renamed only when its last part is one of the cell variables above, inside a cell
scope: a user's own ``RNN/softmax_w`` keeps its name. TF 0.x's scopes (``RNN``,
``MultiRNNCell/Cell0``, ``BiRNN``) are rewritten for every name of an era that starts in 0.x.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.port.checkpoint import Checkpoint
from tf1_lstm.port.tf1_rnn import is_slot

TF010, TF011, TF012 = "TF 0.10", "TF 0.11-0.12", "TF 0.12"
TF011_14 = "TF 0.11-1.4"
TF10, TF10_14, TF12_14, TF14 = "TF 1.0-1.1", "TF 1.0-1.4", "TF 1.2-1.4", "TF 1.4"
TF12 = "TF 1.2+"
# era -> the releases whose graphs wrote its names: (first, last) as (major, minor)
ERA_RELEASES = {TF012: ((0, 5), (0, 12)), TF010: ((0, 10), (0, 10)), TF011: ((0, 11), (0, 12)),
                TF011_14: ((0, 11), (1, 4)), TF10: ((1, 0), (1, 1)), TF10_14: ((1, 0), (1, 4)),
                TF12_14: ((1, 2), (1, 4)), TF14: ((1, 4), (1, 4)), TF12: ((1, 2), (1, 15))}


class MixedEras(Tf1LstmError):
    """One variable saved under its old and its new name."""


_OLD_CELLS = {"BasicLSTMCell": "basic_lstm_cell", "BasicRNNCell": "basic_rnn_cell",
              "GRUCell": "gru_cell", "LSTMCell": "lstm_cell"}
_NEW_CELLS = "basic_lstm_cell|basic_rnn_cell|gru_cell|lstm_cell"
_TF012_LEAF = {"Linear/Matrix": "kernel", "Linear/Bias": "bias", "B": "bias",
               "W_F_diag": "w_f_diag", "W_I_diag": "w_i_diag", "W_O_diag": "w_o_diag"}
# a cell variable of TF 0.12, then anything under it (an optimizer slot)
TF012_VARIABLE = re.compile(
    r"^(?P<path>(?:.*/)?)(?P<cell>" + "|".join(_OLD_CELLS) + r")/"
    r"(?P<leaf>(?:(?:Gates|Candidate)/)?Linear/(?:Matrix|Bias)|B|W_[FIO]_diag"
    r"|(?P<shard>W(?:_P)?)_(?P<index>\d+))(?P<slot>/.*)?$")
TF10_VARIABLE = re.compile(
    r"^(?P<path>(?:.*/)?)(?P<cell>" + _NEW_CELLS + r")/"
    r"(?P<leaf>(?:(?:gates|candidate|projection)/)?(?:weights|biases))(?P<slot>/.*)?$")
_TF012_SCOPES = ((re.compile(r"(^|/)MultiRNNCell/Cell(\d+)(?=/)"), r"\1multi_rnn_cell/cell_\2"),
                 (re.compile(r"(^|/)BiRNN/FW(?=/)"), r"\1bidirectional_rnn/fw"),
                 (re.compile(r"(^|/)BiRNN/BW(?=/)"), r"\1bidirectional_rnn/bw"),
                 (re.compile(r"(^|/)RNN(?=/)"), r"\1rnn"))

PEEPHOLES = ("w_i_diag", "w_f_diag", "w_o_diag")


def _lstm_leaves(old: Iterable[str], era: str, new=("kernel", "bias", *PEEPHOLES)):
    return {name: (renamed, era) for name, renamed in zip(old, new, strict=True)}


# old block cell scope -> (its TF 1.2+ scope, {old variable: (TF 1.2+ variable, era)})
BLOCK_CELLS: dict[str, tuple[str, dict[str, tuple[str, str]]]] = {
    "LSTMFusedCell": ("lstm_cell", _lstm_leaves(("W", "b", "wci", "wcf", "wco"), TF010)),
    "LSTMBlockCell": ("lstm_cell", _lstm_leaves(("W", "b", "wci", "wcf", "wco"), TF011)),
    "LSTMBlockFusedCell": ("lstm_fused_cell", _lstm_leaves(
        ("W_0", "B", "W_I_diag", "W_F_diag", "W_O_diag"), TF012)),
    "lstm_block_wrapper": ("lstm_fused_cell", {
        **_lstm_leaves(("weights", "biases"), TF10, ("kernel", "bias")),
        **_lstm_leaves(("kernel", "bias"), TF12_14, ("kernel", "bias")),
        **_lstm_leaves(PEEPHOLES, TF10_14, PEEPHOLES)}),
    "GRUBlockCell": ("gru_cell", {name: (name, TF011_14) for name in ("w_ru", "b_ru", "w_c",
                                                                       "b_c")}),
    "GRUBlockCellV2": ("gru_cell", {name: (name, TF14) for name in (
        "gates/kernel", "gates/bias", "candidate/kernel", "candidate/bias")}),
}
_BLOCK_LEAVES = sorted({leaf for _, leaves in BLOCK_CELLS.values() for leaf in leaves},
                       key=len, reverse=True)
BLOCK_VARIABLE = re.compile(
    r"^(?P<path>(?:.*/)?)(?P<cell>" + "|".join(BLOCK_CELLS) + r")/"
    r"(?P<leaf>" + "|".join(_BLOCK_LEAVES) + r")(?P<slot>/.*)?$")


@dataclass(frozen=True)
class Renamed:
    """One TF 1.2+ variable and the old variable(s) it is read from."""

    new: str
    old: tuple[str, ...]  # several: TF 0.12's row shards W_0, W_1, ... in order
    era: str  # TF012, TF10, ... (a key of ERA_RELEASES)


def _tf012_path(path: str) -> str:
    for pattern, replacement in _TF012_SCOPES:
        path = pattern.sub(replacement, path)
    return path


def _tf012_name(match: re.Match) -> tuple[str, int | None]:
    """The TF 1.2+ name of a TF 0.12 cell variable, and its shard index if it is a shard."""
    path = _tf012_path(match["path"])
    cell, leaf = _OLD_CELLS[match["cell"]], match["leaf"]
    if match["shard"]:
        new_leaf = "kernel" if match["shard"] == "W" else "projection/kernel"
        shard = int(match["index"])
    else:
        gate, tail = leaf.split("/", 1) if leaf.startswith(("Gates/", "Candidate/")) else (
            "", leaf)
        new_leaf = f"{gate.lower()}/{_TF012_LEAF[tail]}" if gate else _TF012_LEAF[tail]
        shard = None
    return f"{path}{cell}/{new_leaf}{match['slot'] or ''}", shard


def _tf10_name(match: re.Match) -> str:
    leaf = match["leaf"].replace("weights", "kernel").replace("biases", "bias")
    return f"{match['path']}{match['cell']}/{leaf}{match['slot'] or ''}"


def _block_name(match: re.Match) -> tuple[str, str] | None:
    """(TF 1.2+ name, era) of a block cell's old variable; None if the cell has no such one."""
    cell, leaves = BLOCK_CELLS[match["cell"]]
    if match["leaf"] not in leaves:
        return None
    leaf, era = leaves[match["leaf"]]
    path = _tf012_path(match["path"]) if ERA_RELEASES[era][0] < (1, 0) else match["path"]
    return f"{path}{cell}/{leaf}{match['slot'] or ''}", era


def upgrade_names(names: list[str] | Mapping[str, object]) -> dict[str, Renamed]:
    """New name -> ``Renamed``, for every variable of an old era among ``names``.

    Names of TF 1.2+ and names that are no cell's variable are not in the result.
    """
    found: dict[str, tuple[str, dict[int | None, str]]] = {}
    for name in names:
        shard = None
        if match := TF012_VARIABLE.match(name):
            new, shard = _tf012_name(match)
            era = TF012
        elif match := TF10_VARIABLE.match(name):
            new, era = _tf10_name(match), TF10
        elif (match := BLOCK_VARIABLE.match(name)) and (block := _block_name(match)):
            new, era = block
        else:
            continue
        shards = found.setdefault(new, (era, {}))[1]
        if shard in shards or (shards and (shard is None or None in shards)):
            raise MixedEras(f"{name} and {next(iter(shards.values()))} are both {new} under "
                            "its TF 1.2+ name: two copies of one variable. Keep one (save the "
                            "model again from one graph)")
        shards[shard] = name
    return {new: Renamed(new, tuple(shards[k] for k in sorted(
                shards, key=lambda k: -1 if k is None else k)), era)
            for new, (era, shards) in found.items()}


def original_names(renamed: Mapping[str, Renamed]) -> dict[str, str | None]:
    """TF 1.2+ name -> the one old variable it is read from, as the old ``.meta`` graph names
    it; None where row shards (``W_0``, ``W_1``, ...) were joined: no one old variable holds
    it. Names not in ``renamed`` kept theirs."""
    return {new: entry.old[0] if len(entry.old) == 1 else None
            for new, entry in renamed.items()}


def era_of(renamed: Mapping[str, Renamed]) -> str:
    """The releases that can have written the checkpoint: those every one of its old names
    was written in (GRUBlockCell's TF 0.11-1.4 beside ``weights``: TF 1.0-1.1). Names of
    releases that never met (a graph built by hand): the oldest of them."""
    eras = {entry.era for entry in renamed.values()}
    if not eras:
        return TF12
    first = max(ERA_RELEASES[era][0] for era in eras)
    last = min(ERA_RELEASES[era][1] for era in eras)
    if first > last:
        return min(eras, key=ERA_RELEASES.__getitem__)
    return next((era for era, span in ERA_RELEASES.items() if span == (first, last)),
                f"TF {'.'.join(map(str, first))}-{'.'.join(map(str, last))}")


@dataclass(frozen=True)
class CellFact:
    """A constructor argument of an old block cell that changes what it computes and that
    its variables do not show (``known`` False), or that its release fixed (``known``)."""

    scope: str  # the cell's TF 1.2+ scope, e.g. "rnn/multi_rnn_cell/cell_0/lstm_cell"
    argument: str  # "use_peephole" | "cell_clip" (TF's convention: -1.0 = no clipping)
    value: bool | float | None  # known: the value; else the release's default (None: differs)
    known: bool
    why: str  # which release did what, for the report

    def line(self) -> str:
        if self.known:
            return f"{self.scope}: {self.argument}={self.value} ({self.why})"
        default = "no default" if self.value is None else f"TF's default {self.value}"
        return f"{self.scope}: {self.argument} unknown, {default} ({self.why})"


def block_cell_facts(renamed: Mapping[str, Renamed]) -> list[CellFact]:
    """What each renamed block cell's names leave open or fix (the module docstring)."""
    cells: dict[str, tuple[str, set[str], dict[str, str]]] = {}
    for new, entry in renamed.items():
        match = BLOCK_VARIABLE.match(entry.old[0])
        if match is None or match["slot"]:
            continue
        leaf = BLOCK_CELLS[match["cell"]][1][match["leaf"]][0]
        scope = new[: -len(leaf) - 1]
        cell = cells.setdefault(scope, (match["cell"], set(), {}))
        cell[1].add(leaf)
        cell[2][leaf] = entry.era
    facts = []
    for scope, (cell, leaves, eras) in sorted(cells.items()):
        if cell in ("LSTMFusedCell", "LSTMBlockCell"):
            if set(PEEPHOLES) & leaves:
                facts.append(CellFact(scope, "use_peephole", False, False, (
                    "TF 0.10's LSTMFusedCell and 0.11's LSTMBlockCell created wci, wcf, wco "
                    "whatever use_peephole was; 0.12's only with use_peephole=True")))
            release = "0.10" if cell == "LSTMFusedCell" else "0.11-0.12"
            facts.append(CellFact(scope, "cell_clip", 3.0, True, (
                f"the op's default: TF {release} gave {cell} no cell_clip argument")))
        elif cell == "LSTMBlockFusedCell" or eras.get("kernel") == TF10:
            facts.append(CellFact(scope, "cell_clip", 3.0, False, (
                "LSTMBlockFusedCell(cell_clip=None) clipped the cell state to [-3, 3] up to "
                "TF 1.3")))
        elif cell == "lstm_block_wrapper":
            facts.append(CellFact(scope, "cell_clip", None, False, (
                "LSTMBlockFusedCell(cell_clip=None) clipped the cell state to [-3, 3] in "
                "TF 1.2-1.3, and not in TF 1.4 (-1.0)")))
    return facts


def without_peepholes(renamed: Mapping[str, Renamed],
                      scopes: Iterable[str]) -> dict[str, Renamed]:
    """``renamed`` but for the peephole variables (and their slots) of the cells ``scopes``:
    those keep their old names, so ``find_rnn`` reads the cells without peepholes
    (``use_peephole=False``, their arrays unused)."""
    dropped = tuple(f"{scope}/{leaf}" for scope in scopes for leaf in PEEPHOLES)
    return {new: entry for new, entry in renamed.items()
            if not any(new == name or new.startswith(f"{name}/") for name in dropped)}


def upgraded_view(shapes: Mapping[str, tuple[int, ...]], read: Callable[[str], np.ndarray],
                  renamed: Mapping[str, Renamed]):
    """The checkpoint as TF 1.2+ names it: (shapes, read). Shards are concatenated by rows."""
    old_names = {old for entry in renamed.values() for old in entry.old}
    view = {name: shape for name, shape in shapes.items() if name not in old_names}
    for new, entry in renamed.items():
        if new in view:
            raise MixedEras(f"the checkpoint holds both {new} and {', '.join(entry.old)}, "
                            f"its {entry.era} name: two copies of one variable. Keep one "
                            f"(save the model again from one graph)")
        parts = [shapes[old] for old in entry.old]
        view[new] = (sum(shape[0] for shape in parts), *parts[0][1:]) if len(parts) > 1 \
            else parts[0]

    def read_view(name: str) -> np.ndarray:
        entry = renamed.get(name)
        if entry is None:
            return read(name)
        arrays = [np.asarray(read(old)) for old in entry.old]
        return np.concatenate(arrays, axis=0) if len(arrays) > 1 else arrays[0]

    return view, read_view


def upgrade_checkpoint(checkpoint: Checkpoint, without_peepholes_in: Iterable[str] = ()
                       ) -> tuple[Checkpoint, dict[str, Renamed]]:
    """``checkpoint`` as TF 1.2+ names it (itself when it already does), and the renames.
    ``without_peepholes_in``: cell scopes whose peephole variables keep their old names
    (``without_peepholes``)."""
    renamed = without_peepholes(upgrade_names(checkpoint.shapes), without_peepholes_in)
    if not renamed:
        return checkpoint, renamed
    shapes, read = upgraded_view(checkpoint.shapes, checkpoint.read, renamed)
    return replace(checkpoint, shapes=shapes, read=read), renamed


def rename_lines(renamed: Mapping[str, Renamed]) -> list[str]:
    """The report of the renames: each variable's, then one line for the optimizer slots'."""
    variables = {new: entry for new, entry in renamed.items()
                 if not is_slot(new, renamed)}
    lines = [f"{' + '.join(entry.old)}  ->  {new}" for new, entry in sorted(variables.items())]
    slots = len(renamed) - len(variables)
    if slots:
        lines.append(f"and {slots} optimizer slot(s) under them, renamed the same way")
    return lines
