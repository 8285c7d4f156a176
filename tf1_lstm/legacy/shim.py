"""The import shim: what an unmodified TF1 script's imports resolve to on TensorFlow 2.21.

After ``install()``:

    import tensorflow as tf                          -> the TF1 facade: tf.compat.v1 (graph mode),
                                                        plus tf.contrib, falling back to TF2 names
    tf.contrib.X / import tensorflow.contrib.X       -> tf1_lstm.contrib.X, for X in rnn,
                                                        layers, slim (layers and slim: tf_slim)
    from tensorflow.examples.tutorials.mnist import input_data -> tf1_lstm.data.mnist
    import input_data                                -> tf1_lstm.data.mnist, unless the script
                                                        has its own input_data.py on sys.path
    import keras, from keras.layers import LSTM      -> tf_keras's TF1 API (Keras 2), see
                                                        tf1_lstm.legacy.keras2

``sys.modules["tensorflow"]`` is replaced by the facade. TensorFlow's own modules are already
imported by then and keep the real package; the facade's ``__path__`` is the real one, so
``import tensorflow.python...`` still finds TensorFlow's files.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

import tf1_lstm.bootstrap  # noqa: F401 - the TF1 bootstrap must run before anything below
from tf1_lstm.contrib import layers, rnn, slim
from tf1_lstm.contrib.replacements import module_not_provided
from tf1_lstm.data import mnist as input_data
from tf1_lstm.legacy import keras2

# tensorflow.contrib.X -> tf1_lstm.contrib.X: the sub-modules we serve.
CONTRIB_MODULES: dict[str, types.ModuleType] = {"rnn": rnn, "layers": layers, "slim": slim}


def _make_contrib() -> types.ModuleType:
    contrib = types.ModuleType("tensorflow.contrib", "tf.contrib, rebuilt by tf1-lstm")
    contrib.__path__ = []  # a package, so `import tensorflow.contrib.rnn` works
    for name, module in CONTRIB_MODULES.items():
        setattr(contrib, name, module)

    def missing(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise module_not_provided(name, CONTRIB_MODULES)

    contrib.__getattr__ = missing
    return contrib


def _make_examples() -> dict[str, types.ModuleType]:
    names = ("tensorflow.examples", "tensorflow.examples.tutorials",
             "tensorflow.examples.tutorials.mnist")
    packages = {name: types.ModuleType(name) for name in names}
    for parent, child in zip(names, names[1:], strict=False):
        packages[parent].__path__ = []
        setattr(packages[parent], child.rsplit(".", 1)[1], packages[child])
    packages[names[-1]].__path__ = []
    packages[names[-1]].input_data = input_data
    packages[f"{names[-1]}.input_data"] = input_data
    return packages


class TF1Facade(types.ModuleType):
    """``import tensorflow as tf`` for a TF1 script: tf.compat.v1 first, then TF2's names."""

    def __init__(self, real_tf: types.ModuleType, contrib: types.ModuleType,
                 examples: types.ModuleType) -> None:
        super().__init__("tensorflow", "TensorFlow 1.x API (tf.compat.v1) served by tf1-lstm")
        self.__path__ = list(real_tf.__path__)
        self.__file__ = real_tf.__file__
        self.__version__ = real_tf.__version__
        self.contrib = contrib
        self.examples = examples
        self._tf2 = real_tf

    def __getattr__(self, name: str):
        v1 = self._tf2.compat.v1
        if hasattr(v1, name):
            return getattr(v1, name)
        return getattr(self._tf2, name)


class _BareInputDataFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import input_data`` -> our reader, consulted last so a script's own file wins."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "input_data":
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):
        return None  # the default: a fresh module named input_data

    def exec_module(self, module):
        # A copy of the reader's names, so importing under this name leaves its spec alone.
        module.__dict__.update(
            (name, value) for name, value in vars(input_data).items() if not name.startswith("__"))


def install() -> types.ModuleType:
    """Point TF1 import names at our implementations; returns the ``tensorflow`` facade.

    Idempotent: a second call returns the facade already installed.
    """
    current = sys.modules["tensorflow"]
    if isinstance(current, TF1Facade):
        return current
    contrib = _make_contrib()
    examples = _make_examples()
    facade = TF1Facade(current, contrib, examples["tensorflow.examples"])
    sys.modules.update(examples)
    sys.modules["tensorflow.contrib"] = contrib
    sys.modules.update((f"tensorflow.contrib.{name}", module)
                       for name, module in CONTRIB_MODULES.items())
    sys.modules["tensorflow"] = facade
    if not any(isinstance(finder, _BareInputDataFinder) for finder in sys.meta_path):
        sys.meta_path.append(_BareInputDataFinder())
    keras2.install()
    return facade
