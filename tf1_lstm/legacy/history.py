"""TF 0.12's names and argument orders on the ``import tensorflow as tf`` of ``tf1-lstm run``.

``install(facade)`` serves, on the shim's facade only (``tf.compat.v1`` itself is untouched),
what TensorFlow 1.0 renamed or reordered, from the upgrade script's own table
(``tf1_lstm.legacy.tf_upgrade_table``):

- old names -> their TF 1.0 targets: ``tf.mul`` -> ``tf.multiply``, ``tf.pack`` ->
  ``tf.stack``, ``tf.select`` -> ``tf.where``, ``tf.batch_matmul(x, y, adj_x, adj_y)`` ->
  ``tf.matmul(a, b, adjoint_a=, adjoint_b=)``, ``tf.train.SummaryWriter`` ->
  ``tf.summary.FileWriter``, ``tf.nn.rnn`` -> ``tf.nn.static_rnn``, ... Names tf.compat.v1
  still has (``tf.initialize_all_variables``, ``tf.all_variables``, ``tf.op_scope``, the
  ``reduction_indices=`` / ``dim=`` / ``seq_dim=`` keywords) are left to it.
- ``tf.scalar_summary`` & co. run TF 0.12's own tag-keyed ops (``tf012_summaries``: TF 1.0's
  ``tf.summary.*`` are not renames), ``tf.merge_summary`` / ``tf.merge_all_summaries`` are.
- TF 0.x argument orders, only where the call itself says which order it was written in:
  ``tf.concat(1, [a, b])`` (an int first, a list second), ``tf.split(1, 2, x)`` (an int
  first), ``tf.sparse_split(1, 2, sp)`` and the three ``*_cross_entropy_with_logits`` called
  positionally (TF 1.0 to 1.15 refused positional calls with a sentinel, so a positional call
  is TF 0.12's ``(logits, labels)``; TF 2.21's v1 functions silently read it as
  ``(labels, logits)``), or a TF 0.x keyword (``concat_dim=``, ``split_dim=``,
  ``targets=``), and only from the script's own code (``callers``: a library calling
  TF 2's ``(labels, logits)`` keeps its meaning). Every other call goes through unchanged.
  ``tf.svd`` is not emulated: its two swapped arguments are both booleans.
- ``tf.nn.seq2seq`` is ``tf.contrib.legacy_seq2seq`` when the shim serves it, else a clear
  error naming it; ``tf.nn.rnn_cell.{Input,Output}ProjectionWrapper`` are contrib.rnn's.

Each emulated name prints one ``tf1-lstm: note:`` line per run (``notices``), the first time
it is used: a renamed function when called, a renamed class or module when looked up.
Not served: the entries of ``TF_TABLE_ERRATA``, and ``tf.contrib.deprecated.*`` (the
contrib table's business).
"""

from __future__ import annotations

import functools
import inspect
import numbers
import types
from collections.abc import Callable, Mapping

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.legacy_seq2seq import encoder_cell as legacy_seq2seq_encoder_cell
from tf1_lstm.contrib.legacy_seq2seq import losses as legacy_seq2seq_losses
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy import callers, notices, repeated_cells
from tf1_lstm.legacy.tf012_summaries import TF012_SUMMARIES
from tf1_lstm.legacy.tf_upgrade_table import (
    FUNCTION_KEYWORD_RENAMES,
    FUNCTION_RENAMES,
    FUNCTION_REORDERS,
    KEYWORD_RENAME_CORRECTIONS,
    MOVED_BY_HAND,
    REORDER_CORRECTIONS,
    TF_TABLE_ERRATA,
)

TF0 = "TF 0.x"


class LegacyNameError(Tf1LstmError, AttributeError):
    """A TF 0.x name whose TF 1.0 home tf1-lstm does not provide."""


class LegacyNamespace(types.ModuleType):
    """``tf.nn``, ``tf.train``, ...: the tf.compat.v1 module, plus the TF 0.x names it had.

    ``old_names`` maps a name to a resolver that prints its note and returns the object.
    """

    def __init__(self, module: types.ModuleType) -> None:
        super().__init__(module.__name__, module.__doc__)
        self.__dict__["_module"] = module
        self.__dict__["old_names"] = {}

    def __getattr__(self, name: str):
        resolve = self.__dict__["old_names"].get(name)
        return resolve() if resolve else getattr(self.__dict__["_module"], name)

    def __dir__(self) -> list[str]:
        return sorted({*dir(self.__dict__["_module"]), *self.__dict__["old_names"], *vars(self)})


# --- which calls are TF 0.x's -----------------------------------------------------------

def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _axis_then_values(args: tuple, kwargs: Mapping) -> bool:
    """``tf.concat(1, [a, b])``: TF 1.0's ``values`` is never an int, its ``axis`` never a list."""
    return bool(args) and _is_int(args[0]) and (
        (len(args) > 1 and isinstance(args[1], (list, tuple))) or "values" in kwargs)


def _axis_first(args: tuple, kwargs: Mapping) -> bool:
    """``tf.split(1, 2, x)``: TF 1.0's first argument is the value, never a Python int."""
    return bool(args) and _is_int(args[0]) and (len(args) > 2 or "value" in kwargs)


def _positional(args: tuple, kwargs: Mapping) -> bool:
    """TF 1.0 made these keyword-only, so a positional call is TF 0.x's order."""
    return bool(args)


def _is_integer_tensor(value: object) -> bool | None:
    """Whether a tensor or array holds integers; None when it is neither."""
    dtype = getattr(value, "dtype", None)
    try:
        return None if dtype is None else _tf2.as_dtype(dtype).is_integer
    except TypeError:
        return None


def _inputs_then_labels(args: tuple, kwargs: Mapping) -> bool:
    """``sampled_softmax_loss(w, b, inputs, labels, ...)``: TF 0.12's float inputs before its
    integer labels; TF 1.0 put labels third."""
    return (len(args) >= 4 and _is_integer_tensor(args[3]) is True
            and _is_integer_tensor(args[2]) is False)


OLD_ORDER_CALLS: dict[str, Callable[[tuple, Mapping], bool]] = {
    "tf.nn.sampled_softmax_loss": _inputs_then_labels,
    "tf.nn.nce_loss": _inputs_then_labels,
    "tf.concat": _axis_then_values,
    "tf.split": _axis_first,
    "tf.sparse_split": _positional,
    "tf.nn.softmax_cross_entropy_with_logits": _positional,
    "tf.nn.sparse_softmax_cross_entropy_with_logits": _positional,
    "tf.nn.sigmoid_cross_entropy_with_logits": _positional,
}


def _always(args: tuple, kwargs: Mapping) -> bool:
    return True


# --- calling a TF 1.0 function with a TF 0.x call ----------------------------------------

def _old_order(path: str) -> list[str] | None:
    return REORDER_CORRECTIONS.get(path, FUNCTION_REORDERS.get(path))


def _keyword_renames(path: str) -> dict[str, str]:
    return {**FUNCTION_KEYWORD_RENAMES.get(path, {}), **KEYWORD_RENAME_CORRECTIONS.get(path, {})}


def _as_new_call(path: str, args: tuple, kwargs: Mapping) -> tuple[tuple, dict]:
    """A TF 0.x call of ``path`` as (args, kwargs) of its TF 1.0 function."""
    order, renames = _old_order(path), _keyword_renames(path)
    if order is None:
        named = dict(kwargs)
    else:
        if len(args) > len(order):
            raise TypeError(f"{path}() takes at most {len(order)} positional arguments in "
                            f"TF 0.x's order ({', '.join(order)}), {len(args)} given")
        named = dict(zip(order, args, strict=False))
        if twice := sorted(named.keys() & kwargs.keys()):
            raise TypeError(f"{path}() got multiple values for {', '.join(twice)}")
        named.update(kwargs)
        args = ()
    return args, {renames.get(key, key): value for key, value in named.items()}


def _emulation(path: str, target: Callable, is_old: Callable[[tuple, Mapping], bool],
               note: str, script_only: bool = False) -> Callable:
    """``target``, except that a TF 0.x call of ``path`` is translated, with its note
    (``script_only``: only a call from the script's own code, see ``callers``)."""
    refused = {key for key in _keyword_renames(path)
               if key not in inspect.signature(target).parameters}

    @functools.wraps(target, updated=())
    def emulated(*args, **kwargs):
        if not (is_old(args, kwargs) or refused & kwargs.keys()) or (
                script_only and not callers.called_from_the_script()):
            return target(*args, **kwargs)
        notices.note_once(path, note)
        new_args, new_kwargs = _as_new_call(path, args, kwargs)
        return target(*new_args, **new_kwargs)

    return emulated


def _order_note(path: str, target: Callable) -> str:
    order, renames = _old_order(path) or [], _keyword_renames(path)
    old_names = {new: old for old, new in renames.items()}
    new_names = {renames.get(name, name) for name in order}
    new_order = [name for name in inspect.signature(target).parameters if name in new_names]
    return notices.ran_as(f"{path}({', '.join(old_names.get(n, n) for n in order)})",
                          f"{TF0}'s argument order", f"{path}({', '.join(new_order)})")


# --- where the names go -----------------------------------------------------------------

def _lookup(root: object, path: str):
    for part in path.split(".")[1:]:
        root = getattr(root, part)
    return root


def _exists(root: object, path: str) -> bool:
    try:
        _lookup(root, path)
    except AttributeError:
        return False
    return True


def namespace(facade: types.ModuleType, path: str):
    """The facade (``"tf"``) or the LegacyNamespace at ``path``, made on first need."""
    if path == "tf":
        return facade
    parent_path, leaf = path.rsplit(".", 1)
    parent = namespace(facade, parent_path)
    current = vars(parent).get(leaf)
    if not isinstance(current, LegacyNamespace):
        current = LegacyNamespace(getattr(parent, leaf))
        setattr(parent, leaf, current)
    return current


def _put(facade: types.ModuleType, path: str, value: object) -> None:
    """``value`` at ``path``, as it is (it notes itself, if at all)."""
    parent_path, leaf = path.rsplit(".", 1)
    setattr(namespace(facade, parent_path), leaf, value)


def _put_looked_up(facade: types.ModuleType, path: str, resolve: Callable[[], object],
                   note: str) -> None:
    """A namespaced old name (a class, a module, a function): noted when first looked up."""
    parent_path, leaf = path.rsplit(".", 1)

    def resolve_and_note():
        found = resolve()
        notices.note_once(path, note)
        return found

    namespace(facade, parent_path).old_names[leaf] = resolve_and_note


def _moved(facade: types.ModuleType, old: str, new: str) -> Callable[[], object]:
    """A resolver for a TF 0.x name that TF 1.0 moved to ``new`` (maybe into tf.contrib)."""
    def resolve():
        try:
            return _lookup(facade, new)
        except AttributeError as error:  # e.g. a contrib name we do not provide
            raise LegacyNameError(f"{old} is {TF0}; TF 1.0 moved it to {new}, which tf1-lstm "
                                  f"does not provide. {error}") from None
    return resolve


def _is_served_by_v1(path: str) -> bool:
    return _exists(_v1, path) or _exists(_tf2, path)


def _install_renames(facade: types.ModuleType) -> None:
    for old, new in {**FUNCTION_RENAMES, **MOVED_BY_HAND}.items():
        if old.startswith("tf.contrib.") or old in TF_TABLE_ERRATA or _is_served_by_v1(old):
            continue
        if old.count(".") > 1:  # tf.nn.rnn, tf.train.SummaryWriter, ...
            _put_looked_up(facade, old, _moved(facade, old, new), notices.ran_as(old, TF0, new))
        elif old in TF012_SUMMARIES:
            how = f"TF 0.12 did, keyed by its tag (TF 1.0's {new} keys by op name)"
            _put(facade, old, _emulation(old, TF012_SUMMARIES[old], _always,
                                         notices.ran_as(old, TF0, how)))
        else:  # a top-level function: noted when called, its TF 0.x keywords translated
            _put(facade, old, _emulation(old, _lookup(facade, new), _always,
                                         notices.ran_as(old, TF0, new)))


def _install_old_orders(facade: types.ModuleType) -> None:
    for path, is_old in OLD_ORDER_CALLS.items():
        target = _lookup(_v1, path)
        _put(facade, path, _emulation(path, target, is_old, _order_note(path, target),
                                      script_only=True))


def _note_positional_loss(name: str, parameters: tuple[str, str]) -> None:
    notices.note_once(f"softmax_loss_function {name}", notices.ran_as(
        f"softmax_loss_function {name}({', '.join(parameters)})", "TF 0.12's / TF 1.0's call",
        "a positional call in that order (TF 1.2+ passed labels=, logits=)"))


def _fresh_encoder_cell(cell, function_name: str):
    """A new cell of ``cell``'s config for a built cell legacy_seq2seq cannot deep-copy."""
    def fresh_copy(cell):
        if isinstance(cell, _v1.nn.rnn_cell.MultiRNNCell):  # a stack: a new stack of copies
            return type(cell)([fresh_copy(layer) for layer in cell._cells],
                              state_is_tuple=cell._state_is_tuple)
        return repeated_cells.copy_cell(cell)

    try:
        fresh = fresh_copy(cell)
    except (TypeError, ValueError, NotImplementedError, KeyError):
        return None  # legacy_seq2seq's own error, which says what to do
    notices.note_once(f"encoder cell {function_name}", notices.ran_as(
        f"one built cell for every bucket of legacy_seq2seq.{function_name}", "TF 0.12's / "
        "TF 1.0's code", "a new cell of its config for the encoder (its variables found by "
        "name, as TF 1.0 did; TF 1.1+ failed to deep-copy it)"))
    return fresh


def install(facade: types.ModuleType) -> None:
    """Serve TF 0.12's names and argument orders on ``facade`` (the shim's ``tensorflow``),
    and note legacy_seq2seq's calls of a TF 0.12 / 1.0 ``softmax_loss_function``."""
    _install_renames(facade)
    _install_old_orders(facade)
    legacy_seq2seq_losses.on_positional_loss = _note_positional_loss
    legacy_seq2seq_encoder_cell.on_uncopyable_cell = _fresh_encoder_cell
