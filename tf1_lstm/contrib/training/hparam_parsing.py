"""The text form of ``tf.contrib.training.HParams``: TF 1.15's ``parse_values`` and its casts.

A hyperparameter string is comma-separated clauses, each ``name=value``, ``name=[v1,v2]`` or
``name[index]=value`` (TF 1.15's ``PARAM_RE``, ``hparam.py``):

    "learning_rate=0.3,layers=[128, 64],use_peepholes=true,cell[1]=lstm"

Every value is parsed by the type the name has in ``type_map`` (``int("1.0")`` fails, so an
int hyperparameter refuses ``1.0``); a bool accepts ``true``/``True``/``false``/``False`` and
anything ``int()`` reads (``0`` is False, ``5`` is True). A list's elements are split on
commas and spaces, empty pieces dropped (``[]`` is the empty list).

``cast_to_type_if_compatible`` is the check ``HParams.set_hparam`` makes on a Python value:
no number <-> string, no bool <-> number, no float -> int (int -> float is fine).

Error messages are TF 1.15's, word for word; the errors are ``HParamsError`` (a
``ValueError``), as TF raised ``ValueError``.
"""

from __future__ import annotations

import numbers
import re
from typing import Any

from tf1_lstm.errors import Tf1LstmError


class HParamsError(Tf1LstmError, ValueError):
    """A hyperparameter string or value that does not fit the hyperparameter's type."""


# One clause: a name (letters, digits, '_' and '.'), an optional [index], '=', then either a
# single value (anything up to the next ',' that is not a '[') or a [list]; then the end or
# a comma. TF 1.15's PARAM_RE, verbatim in meaning.
PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)      # variable name: "var" or "x"
  (\[\s*(?P<index>\d+)\s*\])?    # (optional) index: "1" or None
  \s*=\s*
  ((?P<val>[^,\[]*)              # single value: "a" or None
   |
   \[(?P<vals>[^\]]*)\])         # list of values: None or "1,2,3"
  ($|,\s*)""", re.VERBOSE)


def _parse_fail(name: str, var_type: type, value: str, values: str):
    raise HParamsError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' "
                       f"with value '{value}' in {values}")


def _reuse_fail(name: str, values: str):
    raise HParamsError(f"Multiple assignments to variable '{name}' in {values}")


def _parser_for(name: str, var_type: type, values: str):
    """The function that reads one value of `var_type` (bool has its own words)."""
    if var_type is not bool:
        return var_type

    def parse_bool(value: str) -> bool:
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        try:
            return bool(int(value))
        except ValueError:
            _parse_fail(name, var_type, value, values)

    return parse_bool


def _store_scalar(name, parse, var_type, match, values, results) -> None:
    """``name=v`` -> results[name] = v; ``name[i]=v`` -> results[name][i] = v."""
    try:
        parsed = parse(match["val"])
    except ValueError:  # TF 1.15 caught ValueError only: a TypeError goes through
        _parse_fail(name, var_type, match["val"], values)
    if not match["index"]:
        if name in results:
            _reuse_fail(name, values)
        results[name] = parsed
        return
    if name in results and not isinstance(results[name], dict):
        _reuse_fail(name, values)  # already assigned as a whole
    by_index = results.setdefault(name, {})
    index = int(match["index"])
    if index in by_index:
        _reuse_fail(f"{name}[{index}]", values)
    by_index[index] = parsed


def _store_list(name, parse, var_type, match, values, results) -> None:
    """``name=[v1,v2]`` -> results[name] = [v1, v2]."""
    if match["index"] is not None:
        raise HParamsError("Assignment of a list to a list index.")
    if name in results:
        _reuse_fail(name, values)
    elements = [piece for piece in re.split("[ ,]", match["vals"]) if piece]
    try:
        results[name] = [parse(element) for element in elements]
    except ValueError:
        _parse_fail(name, var_type, match["vals"], values)


def parse_values(values: str, type_map: dict[str, type],
                 ignore_unknown: bool = False) -> dict[str, Any]:
    """TF 1.15's ``tf.contrib.training.parse_values``: a hyperparameter string -> a dict.

    Each name maps to a value, a list of values, or (for ``name[i]=v`` clauses) a dict
    ``{index: value}``: ``"x=5,L=[1,2],arr[1]=3"`` -> ``{'x': 5, 'L': [1, 2], 'arr': {1: 3}}``.
    ``type_map`` maps each name to the type of its values (the element type for a list). A
    name missing from it raises, or is skipped with ``ignore_unknown=True``. Assigning a
    name twice (``a=1,a=2``, ``a[0]=1,a[0]=2``, ``a=[1],a[0]=1``) raises.
    """
    results: dict[str, Any] = {}
    position = 0
    while position < len(values):
        match = PARAM_RE.match(values, position)
        if not match:
            raise HParamsError(f"Malformed hyperparameter value: {values[position:]}")
        position = match.end()
        name = match["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise HParamsError(f"Unknown hyperparameter type for {name}")
        var_type = type_map[name]
        parse = _parser_for(name, var_type, values)
        if match["val"] is not None:
            _store_scalar(name, parse, var_type, match, values, results)
        elif match["vals"] is not None:
            _store_list(name, parse, var_type, match, values, results)
        else:
            _parse_fail(name, var_type, "", values)
    return results


def cast_to_type_if_compatible(name: str, param_type: type, value: Any) -> Any:
    """``value`` as ``param_type``, when TF 1.15 allowed the conversion; else HParamsError."""
    fail_message = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    # The exact type is returned as is; isinstance would be too weak (True is an int).
    if type(value) is param_type:
        return value
    # A hyperparameter created with None takes anything, unchecked (TF 1.15's own comment:
    # "Some callers use None, for which we can't do any casting/checking").
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise HParamsError(fail_message)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise HParamsError(fail_message)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise HParamsError(fail_message)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise HParamsError(fail_message)
    return param_type(value)
