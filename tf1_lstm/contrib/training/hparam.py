"""``tf.contrib.training.HParams``: TF 1.15's named hyperparameters, without the protocol buffer.

    hparams = HParams(learning_rate=0.1, num_units=128, cell_types=["lstm", "gru"])
    hparams.parse(FLAGS.hparams)          # "learning_rate=0.3,cell_types=[gru]"
    hparams.learning_rate                 # 0.3

Each hyperparameter is an attribute, with a type fixed when it is added: the type of the
value, or of a list's first element (then it is multi-valued). ``parse`` (the string form,
``hparam_parsing``), ``parse_json``, ``override_from_dict`` and ``set_hparam`` all check new
values against that type, with TF 1.15's rules and messages. ``str(hparams)`` is
``"a=1,b=[2.0, 3.0]"``, which ``parse`` reads back.

Not provided: the ``HParamDef`` protocol buffer (TF 1.15's ``hparam_pb2`` is not in TF 2.21):
``HParams(hparam_def=...)``, ``to_proto`` and ``from_proto`` raise ``HParamDefNotProvided``,
which names the JSON round trip to use instead.

TF 1.15 quirks kept on purpose (each has a comment where it happens): ``parse`` cannot use
the index form ``arr[1]=5`` that ``parse_values`` reads (the ``{1: 5}`` it produces is no
list, so ``set_hparam`` refuses it); a hyperparameter whose value is None can be added again
and takes any value afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from tf1_lstm.contrib.training.hparam_parsing import (
    HParamsError,
    cast_to_type_if_compatible,
    parse_values,
)
from tf1_lstm.errors import Tf1LstmError


class UnknownHParamError(Tf1LstmError, KeyError):
    """A hyperparameter name that was never added (TF 1.15 raised a KeyError)."""


class HParamDefNotProvided(Tf1LstmError, NotImplementedError):
    """The ``HParamDef`` protocol buffer round trip, which tf1-lstm does not provide."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what} needs TF 1.15's HParamDef protocol buffer "
            "(tensorflow/contrib/training/python/training/hparam_pb2), which TensorFlow 2 "
            "does not have and tf1-lstm does not provide. Save hyperparameters as JSON "
            "instead: text = hparams.to_json(), then HParams(<same names>).parse_json(text).")


class HParams:
    """A set of hyperparameters: name -> value, each readable as ``hparams.<name>``."""

    _HAS_DYNAMIC_ATTRIBUTES = True  # TF 1.15's hint for type checkers

    def __init__(self, hparam_def=None, model_structure=None, **kwargs: Any) -> None:
        # name -> (type of the value or of the list's elements, is it a list)
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        if hparam_def:
            raise HParamDefNotProvided("HParams(hparam_def=...)")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Add a hyperparameter; a name that is already an attribute is refused."""
        # TF 1.15 tests `getattr(...) is not None`: a method name (`values`, `parse`) or an
        # existing hyperparameter is reserved, but one whose value is None can be re-added.
        if getattr(self, name, None) is not None:
            raise HParamsError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise HParamsError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        """Set an existing hyperparameter, casting ``value`` to its type where TF 1.15 did."""
        if name not in self._hparam_types:
            raise UnknownHParamError(
                f"Unknown hyperparameter {name!r}; add it first with "
                f"add_hparam({name!r}, value). Known: {', '.join(self._hparam_types)}")
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise HParamsError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise HParamsError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name: str) -> None:
        """Remove a hyperparameter; nothing happens if there is no attribute ``name``."""
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        """Override existing hyperparameters from ``"name=value,..."`` (see parse_values)."""
        type_map = {name: param_type for name, (param_type, _) in self._hparam_types.items()}
        # An index clause (arr[1]=5) parses to {1: 5}; set_hparam then refuses it as "not a
        # list", exactly as TF 1.15 did.
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict: dict[str, Any]) -> HParams:
        """Override existing hyperparameters from ``{name: value}``."""
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_from_map(self, values_map: dict[str, Any]) -> HParams:
        """Deprecated in TF 1.15: use ``override_from_dict``."""
        return self.override_from_dict(values_map)

    def set_model_structure(self, model_structure) -> None:
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys: bool = False) -> str:
        """The hyperparameters as a JSON object (``json.dumps``'s formatting arguments)."""
        return json.dumps(self.values(), indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def parse_json(self, values_json: str) -> HParams:
        """Override existing hyperparameters from a JSON object of ``name: value``."""
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict[str, Any]:
        """``{name: value}`` for every hyperparameter."""
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key: str, default=None):
        """The value of ``key`` if it exists, else ``default``; a default of the wrong type
        for an existing hyperparameter raises HParamsError."""
        if key not in self._hparam_types:
            return default
        if default is not None:
            self._check_default(key, default)
        return getattr(self, key)

    def _check_default(self, key: str, default: Any) -> None:
        param_type, is_list = self._hparam_types[key]
        type_text = f"list<{param_type}>" if is_list else str(param_type)
        fail_message = (f"Hparam '{key}' of type '{type_text}' is incompatible with "
                        f"default={default}")
        if is_list != isinstance(default, list):
            raise HParamsError(fail_message)
        try:
            for value in default if is_list else [default]:
                cast_to_type_if_compatible(key, param_type, value)
        except ValueError as error:  # TF 1.15 caught ValueError only
            raise HParamsError(f"{fail_message}. {error}") from None

    def to_proto(self, export_scope=None):
        raise HParamDefNotProvided("HParams.to_proto()")

    @staticmethod
    def from_proto(hparam_def, import_scope=None):
        raise HParamDefNotProvided("HParams.from_proto(...)")

    def __contains__(self, key: str) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return ",".join(f"{name}={value}" for name, value in self.values().items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.values().items())})"
