"""The import shim: what an unmodified TF1 script's imports resolve to on TensorFlow 2.21.

After ``install()``:

    import tensorflow as tf                          -> the TF1 facade: tf.compat.v1 (graph mode),
                                                        plus tf.contrib, falling back to TF2 names
    tf.contrib.X / import tensorflow.contrib.X       -> tf1_lstm.contrib.X, for every X that
                                                        tf1_lstm.contrib.served_modules() finds
                                                        (rnn, layers, slim, crf, ...), imported
                                                        on first use; any other X: a clear error
    import tensorflow.nn, from tensorflow.nn import rnn_cell
                                                     -> tf.compat.v1's modules (not TF 2's)
    tensorflow.contrib.X.python.ops.Y, tensorflow.python.ops.rnn_cell_impl, ...
                                                     -> the same objects as the public names
                                                        (tf1_lstm.legacy.private_paths)
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

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
from pathlib import Path

import tf1_lstm.bootstrap  # noqa: F401 - the TF1 bootstrap must run before anything below
from tf1_lstm.contrib import served_modules
from tf1_lstm.contrib.replacements import module_not_provided
from tf1_lstm.data import mnist as input_data
from tf1_lstm.legacy import absl_flags, history, keras2, private_paths, repeated_cells


def _make_contrib() -> types.ModuleType:
    """``tensorflow.contrib``: a package whose served sub-modules are imported on first use."""
    contrib = types.ModuleType("tensorflow.contrib", "tf.contrib, rebuilt by tf1-lstm")
    contrib.__path__ = []  # a package: `import tensorflow.contrib.rnn` asks private_paths
    contrib.__all__ = list(served_modules())

    def serve_or_explain(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in contrib.__all__:  # imported now, then an attribute like any sub-module
            return importlib.import_module(f"tensorflow.contrib.{name}")
        raise module_not_provided(name, contrib.__all__)

    contrib.__getattr__ = serve_or_explain
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


class _V1ApiModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import tensorflow.nn`` (``.train``, ``.nn.rnn_cell``, ...) -> tf.compat.v1's module.

    Without it Python finds TF 2's API module of that name in TensorFlow's folders and binds
    it on the facade, so ``tf.nn`` would lose TF1's names (``tf.nn.rnn_cell``) for the rest of
    the script. A dotted name whose attribute chain on tf.compat.v1 is a module is served as
    that very module, unless TensorFlow has a real file or folder of that top-level name
    (``tensorflow.python``, ``tensorflow.core``, ...), which imports as usual.
    """

    def __init__(self, v1: types.ModuleType, tensorflow_folder: Path) -> None:
        self._v1 = v1
        self._folder = tensorflow_folder

    def _v1_module(self, fullname: str) -> types.ModuleType | None:
        top, *rest = fullname.split(".")[1:]
        if (self._folder / top).exists() or (self._folder / f"{top}.py").exists():
            return None
        module = self._v1
        for name in (top, *rest):
            module = getattr(module, name, None)
            if not isinstance(module, types.ModuleType):
                return None
        return module

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("tensorflow.") or fullname.startswith("tensorflow.contrib."):
            return None
        module = self._v1_module(fullname)
        if module is None:
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        spec.loader_state = module
        return spec

    def create_module(self, spec):
        module = spec.loader_state
        spec.loader_state = (module, module.__spec__)  # the import overwrites __spec__
        return module

    def exec_module(self, module):
        served, own_spec = module.__spec__.loader_state
        served.__spec__ = own_spec  # the module keeps its real spec: it is already loaded


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
    sys.modules["tensorflow"] = facade
    private_paths.install()
    if not any(isinstance(finder, _V1ApiModuleFinder) for finder in sys.meta_path):
        folder = Path(current.__file__).parent
        sys.meta_path.insert(0, _V1ApiModuleFinder(current.compat.v1, folder))
    if not any(isinstance(finder, _BareInputDataFinder) for finder in sys.meta_path):
        sys.meta_path.append(_BareInputDataFinder())
    keras2.install()
    history.install(facade)
    repeated_cells.install()
    absl_flags.install(facade)
    return facade
