"""``import keras`` for a Keras 2 script: ``tf_keras``'s TF1 API, the Keras 2017-18 code used.

Standalone Keras 2 on TensorFlow 1 (``from keras.models import Sequential``,
``from keras.layers import LSTM, Dense``) is, on TensorFlow 2.21, ``tf_keras``'s v1 API: the
module ``tf.compat.v1.keras`` is when ``TF_USE_LEGACY_KERAS=1``, so ``keras`` and the TF1
facade's ``tf.keras`` are one Keras, in graph mode, with ``backend.get_session``,
``CuDNNLSTM`` and the optimizers that take ``lr=``. ``keras.__version__`` is ``tf_keras``'s.

``keras.X.Y`` resolves to the first of:

1. ``KERAS_2_MODULES["X.Y"]``: a Keras 2.0-2.2 module that tf_keras merged into another
   (``keras.layers.recurrent`` -> ``keras.layers``);
2. ``tf_keras.api._v1.keras.X.Y``: the public API (``keras.layers``, ``keras.utils``, ...);
3. ``tf_keras.src.X.Y``: Keras 2's private modules (``keras.utils.np_utils``, ``keras.engine``).

Anything else is :class:`KerasModuleError`. Keras 3, the ``keras`` package the TF2 world
imports, is never loaded.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

import tf1_lstm.bootstrap  # noqa: F401 - TF_USE_LEGACY_KERAS and graph mode before tf_keras runs
from tf1_lstm.errors import Tf1LstmError

PUBLIC_API = "tf_keras.api._v1.keras"
PRIVATE_MODULES = "tf_keras.src"

# Keras 2.0-2.2 module paths (after "keras.") whose contents tf_keras keeps elsewhere.
_MERGED_INTO_LAYERS = ("advanced_activations", "convolutional", "convolutional_recurrent",
                       "core", "cudnn_recurrent", "embeddings", "local", "merge", "noise",
                       "normalization", "pooling", "recurrent", "wrappers")
KERAS_2_MODULES: dict[str, str] = {
    **{f"layers.{name}": "layers" for name in _MERGED_INTO_LAYERS},
    "engine.topology": "layers",  # Layer, InputSpec, Input, InputLayer
    "backend.tensorflow_backend": "backend",  # get_session, set_session, ...
    "objectives": "losses",  # Keras 1's name, kept as an alias by Keras 2
}

# Keras 2 modules tf_keras dropped, and what replaced them.
KERAS_2_REPLACEMENTS: dict[str, str] = {
    "wrappers": "scikeras (pip install scikeras): scikeras.wrappers.KerasClassifier / "
                "KerasRegressor",
}


class KerasModuleError(Tf1LstmError, ModuleNotFoundError):
    """A ``keras.*`` module that Keras 2 had and tf_keras does not."""


def _tf_keras_version() -> str:
    return importlib.import_module("tf_keras").__version__  # imported after the bootstrap


def _import_if_present(name: str) -> types.ModuleType | None:
    """``import name``, or None when it (or a parent package) does not exist."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is not None and (name == error.name or name.startswith(f"{error.name}.")):
            return None
        raise  # the module exists but an import inside it failed: that is its own error


def resolve(fullname: str) -> types.ModuleType:
    """The tf_keras module that ``import keras.X.Y`` (``fullname``) gets; see the docstring."""
    rest = fullname.removeprefix("keras.")
    merged = KERAS_2_MODULES.get(rest)
    candidates = ([f"{PUBLIC_API}.{merged}"] if merged else
                  [f"{PUBLIC_API}.{rest}", f"{PRIVATE_MODULES}.{rest}"])
    for candidate in candidates:
        module = _import_if_present(candidate)
        if module is not None:
            return module
    replacement = KERAS_2_REPLACEMENTS.get(rest.split(".")[0])
    advice = (f"TF2 replacement: {replacement}" if replacement else
              "import the name from a public module instead (keras.layers, keras.models, "
              "keras.utils, keras.backend, ...)")
    raise KerasModuleError(
        f"No module named '{fullname}': under tf1-lstm run, `import keras` is tf_keras "
        f"{_tf_keras_version()} (Keras 2 on TF1's API), which has no such module; {advice}.",
        name=fullname)


def _make_keras() -> types.ModuleType:
    """The ``keras`` package: the public API's names plus ``__version__``."""
    api = importlib.import_module(PUBLIC_API)
    keras = types.ModuleType("keras", "Keras 2 (tf_keras's TF1 API) served by tf1-lstm")
    keras.__dict__.update((name, value) for name, value in vars(api).items()
                          if not name.startswith("__"))
    keras.__version__ = _tf_keras_version()
    return keras


class Keras2Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import keras[.X.Y]`` -> tf_keras; first on ``sys.meta_path`` so Keras 3 is not found."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "keras":
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        if not fullname.startswith("keras."):
            return None
        module = resolve(fullname)
        spec = importlib.machinery.ModuleSpec(fullname, self,
                                              is_package=hasattr(module, "__path__"))
        spec.loader_state = module.__spec__  # tf_keras's own spec, under its real name
        return spec

    def create_module(self, spec):
        if spec.loader_state is None:
            return _make_keras()
        # The tf_keras module itself, so `keras.layers` and `tf.keras.layers` are one object.
        return sys.modules[spec.loader_state.name]

    def exec_module(self, module):
        # Loading set the tf_keras module's __spec__ to our alias spec: give it its own back.
        if module.__spec__.loader_state is not None:
            module.__spec__ = module.__spec__.loader_state


def install() -> None:
    """Put :class:`Keras2Finder` first on ``sys.meta_path`` (idempotent)."""
    if not any(isinstance(finder, Keras2Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, Keras2Finder())
