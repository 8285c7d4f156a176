"""TF1's three naming eras of RNN variables, read as TF 1.2+'s names.

The same BasicLSTMCell stack was saved under three sets of names, by TensorFlow version::

    TF 0.x - 0.12   RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix     [I + H, 4H]
                    RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Bias       [4H]
    TF 1.0 - 1.1    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/weights
                    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/biases
    TF 1.2 - 1.15   rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel
                    rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias

Only the names changed: the arrays, their layout ([x_t, h_{t-1}] rows; i, j, f, o columns;
GRU r, u then the candidate) and their shapes are the same in every era (TF 0.12's
``rnn_cell.py`` and TF 1.15's ``rnn_cell_impl.py`` compute the same ``_linear``). So an old
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

An optimizer slot follows its variable (``.../Linear/Matrix/Adam`` -> ``.../kernel/Adam``).
A name is renamed only when its last part is one of the cell variables above, inside a cell
scope: a user's own ``RNN/softmax_w`` keeps its name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.port.checkpoint import Checkpoint
from tf1_lstm.port.tf1_rnn import is_slot

TF012, TF10, TF12 = "TF 0.12", "TF 1.0-1.1", "TF 1.2+"


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


@dataclass(frozen=True)
class Renamed:
    """One TF 1.2+ variable and the old variable(s) it is read from."""

    new: str
    old: tuple[str, ...]  # several: TF 0.12's row shards W_0, W_1, ... in order
    era: str  # TF012 or TF10


def _tf012_name(match: re.Match) -> tuple[str, int | None]:
    """The TF 1.2+ name of a TF 0.12 cell variable, and its shard index if it is a shard."""
    path = match["path"]
    for pattern, replacement in _TF012_SCOPES:
        path = pattern.sub(replacement, path)
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


def upgrade_names(names: list[str] | Mapping[str, object]) -> dict[str, Renamed]:
    """New name -> ``Renamed``, for every variable of an old era among ``names``.

    Names of TF 1.2+ and names that are no cell's variable are not in the result.
    """
    found: dict[str, tuple[str, dict[int | None, str]]] = {}
    for name in names:
        if match := TF012_VARIABLE.match(name):
            new, shard = _tf012_name(match)
            era = TF012
        elif match := TF10_VARIABLE.match(name):
            new, shard, era = _tf10_name(match), None, TF10
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


def era_of(renamed: Mapping[str, Renamed]) -> str:
    """The checkpoint's era: the oldest one any of its RNN variables is named in."""
    eras = {entry.era for entry in renamed.values()}
    return TF012 if TF012 in eras else TF10 if TF10 in eras else TF12


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


def upgrade_checkpoint(checkpoint: Checkpoint) -> tuple[Checkpoint, dict[str, Renamed]]:
    """``checkpoint`` as TF 1.2+ names it (itself when it already does), and the renames."""
    renamed = upgrade_names(checkpoint.shapes)
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
