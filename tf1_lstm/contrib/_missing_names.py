"""The module ``__getattr__`` of a served ``tf.contrib`` module: a name it lacks explained.

    __getattr__ = missing_name_hook("learn.datasets", __all__)

A name the module does not define raises ``ContribNameError`` (an ``AttributeError``) that
names its TF2 replacement (``tf1_lstm.contrib.replacements``) and what the module has.
Dunder probes (``__wrapped__``, ``__path__``, ...) fail as plain ``AttributeError``s, so
Python's own machinery (import, inspect, pickle) behaves as usual. TensorFlow-free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tf1_lstm.contrib.replacements import name_not_provided


def missing_name_hook(module: str, provided: Sequence[str]) -> Callable[[str], object]:
    """``__getattr__`` for ``tf.contrib.<module>``, whose served names are ``provided``."""

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise name_not_provided(module, name, provided)

    return __getattr__
