"""What ``tf1-lstm run`` emulates, and the note it prints for each, read without TensorFlow.

The tables are ``tf1_lstm.legacy``'s own, so the doctor says what ``run`` does:

- TF 0.x names (``tf.mul``, ``tf.train.SummaryWriter``, ``tf.nn.rnn``, ...): the upgrade
  table (``tf_upgrade_table``, TensorFlow-free, imported) filtered as ``history.install``
  filters it; ``history.TF0``, ``history.OLD_ORDER_CALLS`` and the keys of
  ``tf012_summaries.TF012_SUMMARIES`` are read from their source (those modules import
  TensorFlow);
- TF 0.x argument orders (``tf.concat(1, [a, b])``): ``history.OLD_ORDER_CALLS`` decides on
  the values of a call; the doctor decides on its source, with ``STATIC_PREDICATES``, one
  per predicate of that table (an int *literal* where history sees an int);
- ``MultiRNNCell([cell] * n)``: ``repeated_cells.NOTE``, read from its source;
- NumPy 1's names: ``numpy1.NUMPY1_NAMES`` (imports NumPy only).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable
from dataclasses import dataclass

from tf1_lstm.legacy import notices
from tf1_lstm.legacy.doctor.sources import module_constants, module_dict_names
from tf1_lstm.legacy.numpy1 import NUMPY1, NUMPY1_NAMES
from tf1_lstm.legacy.tf_upgrade_table import (
    FUNCTION_KEYWORD_RENAMES,
    FUNCTION_RENAMES,
    FUNCTION_REORDERS,
    KEYWORD_RENAME_CORRECTIONS,
    MOVED_BY_HAND,
    REORDER_CORRECTIONS,
    TF_TABLE_ERRATA,
)

HISTORY = "tf1_lstm.legacy.history"
TF012_SUMMARIES = "tf1_lstm.legacy.tf012_summaries"
REPEATED_CELLS = "tf1_lstm.legacy.repeated_cells"


@functools.cache
def tf0() -> str:
    """How the notes name TF 0.x (``history.TF0``)."""
    return module_constants(HISTORY, ("TF0",))["TF0"]


@dataclass(frozen=True)
class OldName:
    """A TF 0.x name ``history`` serves unless tf.compat.v1 (or TF 2) still has it."""

    old: str
    new: str
    note: str
    looked_up: bool  # a namespaced name: served only if ``new`` resolves


@functools.cache
def old_names() -> dict[str, OldName]:
    """``history._install_renames``'s candidates: the upgrade table and the hand moves,
    without ``tf.contrib.*`` and ``TF_TABLE_ERRATA``."""
    summaries = module_dict_names(TF012_SUMMARIES, "TF012_SUMMARIES")
    found = {}
    for old, new in {**FUNCTION_RENAMES, **MOVED_BY_HAND}.items():
        if old.startswith("tf.contrib.") or old in TF_TABLE_ERRATA:
            continue
        how = (f"TF 0.12 did, keyed by its tag (TF 1.0's {new} keys by op name)"
               if old in summaries and old.count(".") == 1 else new)
        found[old] = OldName(old, new, notices.ran_as(old, tf0(), how), old.count(".") > 1)
    return found


def errata(path: str) -> str | None:
    """Why an upgrade-table entry is not served (``TF_TABLE_ERRATA``), if it is one."""
    return TF_TABLE_ERRATA.get(path)


def upgrade_target(path: str) -> str | None:
    """Where TF 1.0's upgrade script sent ``path`` (``tf.contrib.deprecated.*`` too)."""
    return {**FUNCTION_RENAMES, **MOVED_BY_HAND}.get(path)


# --- TF 0.x argument orders ---------------------------------------------------------------

@dataclass(frozen=True)
class CallShape:
    """A call as its source shows it: the positional argument nodes and the keyword names."""

    positional: tuple[ast.expr, ...]
    keywords: frozenset[str]


def _is_int_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return (isinstance(node, ast.Constant) and isinstance(node.value, int)
            and not isinstance(node.value, bool))


def _is_sequence_literal(node: ast.expr) -> bool:
    return isinstance(node, (ast.List, ast.Tuple, ast.ListComp))


def axis_then_values(call: CallShape) -> bool:
    """``tf.concat(1, [a, b])`` / ``tf.concat(axis, [a, b])``: an int literal first, or a
    list literal second after a first argument that is not one."""
    args = call.positional
    return bool(args) and (
        (_is_int_literal(args[0]) and (len(args) > 1 or "values" in call.keywords))
        or (len(args) > 1 and _is_sequence_literal(args[1]) and not _is_sequence_literal(args[0])))


def axis_first(call: CallShape) -> bool:
    """``tf.split(1, 2, x)``: an int literal first, with the value after it."""
    args = call.positional
    return bool(args) and _is_int_literal(args[0]) and (len(args) > 2 or "value" in call.keywords)


def positional(call: CallShape) -> bool:
    return bool(call.positional)


def _name_of(node: ast.expr) -> str:
    """``inputs`` for ``inputs``, ``self.inputs`` or ``inputs[0]``; "" for anything else."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr.lower()
    return node.id.lower() if isinstance(node, ast.Name) else ""


def inputs_then_labels(call: CallShape) -> bool:
    """``sampled_softmax_loss(w, b, inputs, labels, ...)``: history decides on the dtypes, the
    source shows names: a label-like fourth argument or an input-like third one."""
    args = call.positional
    if len(args) < 4:
        return False
    third, fourth = _name_of(args[2]), _name_of(args[3])
    return ("label" in fourth or "target" in fourth) or (
        any(word in third for word in ("input", "logit", "output"))
        and "label" not in third and "target" not in third)


# history.OLD_ORDER_CALLS's predicate (by its name) -> the same question asked of the source.
STATIC_PREDICATES: dict[str, Callable[[CallShape], bool]] = {
    "_axis_then_values": axis_then_values,
    "_axis_first": axis_first,
    "_positional": positional,
    "_inputs_then_labels": inputs_then_labels,
}


@functools.cache
def old_order_calls() -> dict[str, Callable[[CallShape], bool]]:
    """``history.OLD_ORDER_CALLS``, path -> its static predicate. Raises LookupError for a
    predicate ``STATIC_PREDICATES`` lacks (history grew one: add its static twin)."""
    table = module_dict_names(HISTORY, "OLD_ORDER_CALLS")
    unknown = sorted(set(table.values()) - STATIC_PREDICATES.keys())
    if unknown:
        raise LookupError(f"tf1_lstm.legacy.history.OLD_ORDER_CALLS uses {', '.join(unknown)}, "
                          "which tf1_lstm.legacy.doctor.legacy_tables.STATIC_PREDICATES lacks")
    return {path: STATIC_PREDICATES[name] for path, name in table.items()}


def _old_order(path: str) -> list[str]:
    return REORDER_CORRECTIONS.get(path, FUNCTION_REORDERS.get(path)) or []


def _keyword_renames(path: str) -> dict[str, str]:
    return {**FUNCTION_KEYWORD_RENAMES.get(path, {}), **KEYWORD_RENAME_CORRECTIONS.get(path, {})}


def is_old_order_call(path: str, call: CallShape, parameters: list[str] | None) -> bool:
    """Would ``history`` translate this call of ``path``: its predicate, or a TF 0.x keyword
    that the TF 2.21 function (``parameters``) refuses."""
    predicate = old_order_calls().get(path)
    if predicate is None:
        return False
    refused = {key for key in _keyword_renames(path)
               if parameters is not None and key not in parameters}
    return predicate(call) or bool(refused & call.keywords)


def old_order_subject(path: str) -> str:
    """The old call as the note names it: ``tf.concat(concat_dim, values, name)``."""
    renames = _keyword_renames(path)
    old_names = {new: old for old, new in renames.items()}
    return f"{path}({', '.join(old_names.get(n, n) for n in _old_order(path))})"


def old_order_note(path: str, parameters: list[str] | None) -> str:
    """``history._order_note``: the TF 0.x order, and the TF 2.21 order it ran as."""
    renames = _keyword_renames(path)
    new_names = {renames.get(name, name) for name in _old_order(path)}
    new_order = [name for name in parameters or [] if name in new_names]
    return notices.ran_as(old_order_subject(path), f"{tf0()}'s argument order",
                          f"{path}({', '.join(new_order)})")


# --- MultiRNNCell([cell] * n), NumPy 1 ------------------------------------------------------

@functools.cache
def repeated_cells_note() -> str:
    """``repeated_cells.NOTE``: printed when a repeated-cell stack would fail shared."""
    return module_constants(REPEATED_CELLS, ("NOTE",), {"notices": notices})["NOTE"]


def numpy1_note(name: str) -> str | None:
    """The note ``numpy1`` prints for ``np.<name>``, or None when it does not serve it."""
    served = NUMPY1_NAMES.get(name)
    return None if served is None else notices.ran_as(f"np.{name}", NUMPY1, served[1])
