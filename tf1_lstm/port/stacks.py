"""Which cells of a checkpoint make one RNN: stacks, bidirectional pairs, and ``--scope``.

A cell's variables sit under the cell's scope, and the scopes above it say how the cells were
put together. Every arrangement TF1 programs use, with the names TF 1.2+ gives::

    rnn/basic_lstm_cell/...                            one cell (static_rnn / dynamic_rnn)
    rnn/multi_rnn_cell/cell_K/lstm_cell/...            MultiRNNCell: layer K
    bidirectional_rnn/fw/lstm_cell/...                 (static_)bidirectional_(dynamic_)rnn:
    bidirectional_rnn/bw/lstm_cell/...                   the forward and the backward cell
    bidirectional_rnn/fw/multi_rnn_cell/cell_K/...     ... of two MultiRNNCells: two stacks
                                                       that meet only at the top ("at_top")
    stack_bidirectional_rnn/cell_K/bidirectional_rnn/fw/lstm_cell/...
                                                       stack_bidirectional_(dynamic_)rnn:
                                                       layer K+1 reads layer K's [fw, bw]
                                                       outputs ("per_layer")

So the cells are grouped into stacks (a lone cell is a stack of one), a stack under ``.../fw/``
is paired with the same path under ``.../bw/``, and pairs ``.../cell_K/...`` of one
``stack_bidirectional_rnn`` are its layers. What is left is a set of candidate models; the
checkpoint must hold one, or ``--scope`` picks one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tf1_lstm.cells.kinds import CELL_KINDS, PORT_KINDS
from tf1_lstm.port.errors import AmbiguousGraph, MalformedCell

# variable scope -> the TF1 class that creates it: each kind's (lstm_cell is also an LSTMCell
# without peepholes, kind lstm), and LSTMBlockFusedCell's, which reads as an LSTMCell
CELL_CLASSES = {kind.scope: kind.tf1_class
                for kind in (*CELL_KINDS.values(), *PORT_KINDS.values())} | {
    "lstm_fused_cell": "LSTMBlockFusedCell"}
GRU_BLOCK_NAMES = {"w_ru": "gates/kernel", "b_ru": "gates/bias",
                   "w_c": "candidate/kernel", "b_c": "candidate/bias"}
CELL_VARIABLE = re.compile(
    r"^(?:(?P<path>.*)/)?(?P<cell>" + "|".join(CELL_CLASSES) + r")/"
    r"(?P<var>kernel|bias|recurrent_kernel|w_[ifo]_diag|projection/kernel"
    r"|(?:gates|candidate)/(?:kernel|bias)|w_ru|b_ru|w_c|b_c"
    r"|candidate/(?:input|hidden)_projection/(?:kernel|bias)"
    r"|(?:input|transform|forget|output|state)/(?:gamma|beta))$")
_LAYER_PATH = re.compile(r"^(?P<stack>(?:.*/)?multi_rnn_cell)/cell_(?P<index>\d+)(?:/|$)")
_DIRECTION = re.compile(r"^(?P<pair>(?:.*/)?)fw/(?P<rest>.*)$")  # the last .../fw/...
_STACKED_PAIR = re.compile(r"^(?P<stack>(?:.*/)?stack_bidirectional_rnn)/cell_(?P<index>\d+)/")


@dataclass
class CellVariables:
    """One cell's variables: its scope, its class's scope name, and its variable names."""

    scope: str  # ".../basic_lstm_cell"
    cell: str  # "basic_lstm_cell"
    names: dict[str, str]  # the cell's variable name -> checkpoint name


@dataclass(frozen=True)
class Candidate:
    """One RNN the checkpoint may hold: its forward cells and, if bidirectional, backward."""

    name: str  # the scope --scope names it by
    forward: tuple[CellVariables, ...]  # layer order
    backward: tuple[CellVariables, ...] | None = None
    merge: str | None = None  # bidirectional: "per_layer" or "at_top" (see the docstring)

    def describe(self) -> str:
        kind = CELL_CLASSES[self.forward[0].cell]
        if self.backward is None:
            return f"'{self.name}' ({len(self.forward)} x {kind})"
        return f"'{self.name}' (bidirectional, {len(self.forward)} x {kind} each way)"


def candidates(variables: Mapping[str, tuple[int, ...]]) -> dict[str, Candidate]:
    """Every RNN among the variables, by name (see the module docstring)."""
    stacks = _group_cells(variables)
    pairs: dict[str, tuple[list[CellVariables], list[CellVariables]]] = {}
    paired = set()
    for stack, cells in stacks.items():
        direction = _DIRECTION.match(stack)
        partner = direction and _partner(direction["pair"], direction["rest"], stacks)
        if partner:
            pairs[direction["pair"].rstrip("/") or stack] = (cells, stacks[partner])
            paired |= {stack, partner}
    # a lone fw or bw stack (a scope merely called fw) is a stack of its own
    found = {stack: Candidate(stack, tuple(cells)) for stack, cells in stacks.items()
             if stack not in paired}
    stacked: dict[str, dict[int, tuple[list, list]]] = {}
    for name, (forward, backward) in pairs.items():
        layer = _STACKED_PAIR.match(name + "/")
        if layer and len(forward) == len(backward) == 1:
            stacked.setdefault(layer["stack"], {})[int(layer["index"])] = (forward, backward)
            continue
        if len(forward) != len(backward):
            raise MalformedCell(f"the bidirectional RNN '{name}' has {len(forward)} forward and "
                                f"{len(backward)} backward layers; tf1-lstm ports stacks with "
                                f"as many layers each way")
        merge = "per_layer" if len(forward) == 1 else "at_top"
        found[name] = Candidate(name, tuple(forward), tuple(backward), merge)
    for stack, layers in stacked.items():
        if sorted(layers) != list(range(len(layers))):
            raise MalformedCell(f"'{stack}' has layers {sorted(layers)}; stack_bidirectional_rnn"
                                f" numbers them cell_0, cell_1, ... without gaps")
        forward = tuple(layers[k][0][0] for k in sorted(layers))
        backward = tuple(layers[k][1][0] for k in sorted(layers))
        found[stack] = Candidate(stack, forward, backward, "per_layer")
    return dict(sorted(found.items()))


def _partner(pair: str, rest: str, stacks: Mapping[str, object]) -> str | None:
    """The backward stack of the forward one at ``{pair}fw/{rest}``: the same path under
    ``bw/``, where a lone cell may be of another class (``fw/lstm_cell``, ``bw/gru_cell``)."""
    if f"{pair}bw/{rest}" in stacks:
        return f"{pair}bw/{rest}"
    if rest in CELL_CLASSES:
        lone = [f"{pair}bw/{cell}" for cell in CELL_CLASSES if f"{pair}bw/{cell}" in stacks]
        return lone[0] if len(lone) == 1 else None
    return None


def _group_cells(variables: Mapping[str, tuple[int, ...]]) -> dict[str, list[CellVariables]]:
    """Stack scope -> its cells in layer order (cell_0, cell_1, ...)."""
    cells: dict[str, CellVariables] = {}
    for name in variables:
        match = CELL_VARIABLE.match(name)
        if not match:
            continue
        scope = name[: -len(match["var"]) - 1]
        cell = cells.setdefault(scope, CellVariables(scope, match["cell"], {}))
        cell.names[GRU_BLOCK_NAMES.get(match["var"], match["var"])] = name
    by_stack: dict[str, dict[int, list[CellVariables]]] = {}
    for cell in cells.values():
        path = cell.scope[: -len(cell.cell)].rstrip("/")
        layer = _LAYER_PATH.match(path)
        # a MultiRNNCell is one stack; a lone cell is a stack of one, named by its own scope
        stack, index = (layer["stack"], int(layer["index"])) if layer else (cell.scope, 0)
        by_stack.setdefault(stack, {}).setdefault(index, []).append(cell)
    stacks = {}
    for stack, by_index in sorted(by_stack.items()):
        for index, same in by_index.items():
            if len(same) > 1:
                raise MalformedCell(
                    f"layer {index} of stack '{stack}' has several cells: "
                    f"{', '.join(cell.scope for cell in same)}; a MultiRNNCell has one per layer")
        if sorted(by_index) != list(range(len(by_index))):
            raise MalformedCell(f"stack '{stack}' has layers {sorted(by_index)}; a MultiRNNCell "
                                f"numbers them cell_0, cell_1, ... without gaps")
        stacks[stack] = [by_index[index][0] for index in sorted(by_index)]
    return stacks


def pick(found: dict[str, Candidate], scope: str | None) -> Candidate:
    """The one candidate, or the one ``scope`` names (the candidate itself, a folder above
    it, or a cell inside it)."""
    if scope is not None:
        scope = scope.strip("/")
        chosen = [name for name in found if name == scope] or [
            name for name in found if name.startswith(scope + "/")]
        if not chosen:  # a cell's scope inside a candidate: the longest one it lies in
            inside = [name for name in found if scope.startswith(name + "/")]
            chosen = [max(inside, key=len)] if inside else []
        if len(chosen) == 1:
            return found[chosen[0]]
        if not chosen:
            raise AmbiguousGraph(f"--scope {scope} matches no RNN stack; the checkpoint has: "
                                 f"{_listing(found)}")
        found = {name: found[name] for name in chosen}
    if len(found) == 1:
        return next(iter(found.values()))
    raise AmbiguousGraph(f"the checkpoint holds {len(found)} RNN stacks: {_listing(found)}."
                         f" Pick one with --scope, e.g. --scope {next(iter(found))}")


def _listing(found: dict[str, Candidate]) -> str:
    return "; ".join(candidate.describe() for candidate in found.values())
