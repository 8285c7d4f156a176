"""TF 1.x's private import paths: the same objects as the public names they stood for.

TF1 code often imported a file of TensorFlow's source tree instead of the public name
(``from tensorflow.contrib.rnn.python.ops import rnn_cell``, ``from
tensorflow.python.ops.rnn_cell_impl import _linear``). Under ``tf1-lstm run`` such a path is
a module that serves the names of the public module it stood for, so
``rnn_cell.LSTMCell is tf.contrib.rnn.LSTMCell``:

- ``tensorflow.contrib.X`` (X served, see ``tf1_lstm.contrib.served_modules()``) is
  ``tf1_lstm.contrib.X`` itself, imported on first use;
- ``tensorflow.contrib.X.python...`` is, in this order: the entry of ``PRIVATE_PATHS`` (the
  known special cases: extra private names such as each era's ``_linear``, a tf_slim module
  completed with our names); the module that
  lives on under another name (``PACKAGE_HOMES``: ``...slim.python.slim.nets.resnet_v1`` is
  ``tf_slim.nets.resnet_v1``); else, the rule, a module serving the names of
  ``tf1_lstm.contrib.X`` (its attributes that are modules are the sub-paths themselves);
- ``tensorflow.contrib.X.Y`` (no ``python``) is the sub-module Y of the package that owns
  X's ``__path__``: ``tensorflow.contrib.slim.nets`` is ``tf_slim.nets`` (the same module
  object, not a second copy), ``tensorflow.contrib.rnn.linear`` is ``tf1_lstm.contrib.rnn.linear``;
- ``tensorflow.python.ops.rnn_cell_impl`` and ``rnn_cell`` (``CORE_OVERLAYS``, with
  ``tensorflow.python.layers.core`` / ``base``: tf.layers' classes) are real
  TF 2.21 modules, but their cells are TF's internal Keras copy, not the tf_keras classes
  ``tf.nn.rnn_cell`` serves under the legacy-Keras flag. ``install_core_overlays()`` puts an
  overlay in their place: tf.nn.rnn_cell's names first, then tf_keras's ``legacy_cells``
  (``LayerRNNCell``), each era's ``_linear``, and for every other name TF's own module.
  The trade-off: the overlay is in ``sys.modules`` and is the attribute of
  ``tensorflow.python.ops`` for the rest of the process, so the user's code and whatever it
  imports later see it; TensorFlow's own modules, imported before, keep the references
  they hold to the real module (``tensorflow.python.ops.rnn`` still finds
  ``assert_like_rnncell`` there) and TF's module itself is not modified. Patching the
  classes into TF's module instead would change TensorFlow for its own code too; leaving
  it would hand TF1 code a second family of cells beside ``tf.nn.rnn_cell``'s, failing
  ``isinstance`` checks against them. Only ``tf1-lstm run`` installs this.

A served module that is one file (``crf.py``) is given an empty ``__path__`` when first
served, since Python imports ``tensorflow.contrib.crf.python.ops.crf`` only below a package.

TensorFlow-free: the tables are data, the rest is ``importlib`` machinery, so a static
scanner can read what a path resolves to without TensorFlow.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass, field

from tf1_lstm.contrib import served_modules

CONTRIB = "tensorflow.contrib"
RNN = "tf1_lstm.contrib.rnn"
LINEAR = "tf1_lstm.contrib.rnn.linear"
TF_KERAS_RNN_CELL = "tf_keras.api._v1.keras.__internal__.legacy.rnn_cell"  # tf.nn.rnn_cell
TF_KERAS_LEGACY_CELLS = "tf_keras.src.layers.rnn.legacy_cells"  # + LayerRNNCell, _concat, ...
TF_RNN = "tensorflow.python.ops.rnn"  # TF's own unrollers (tf.compat.v1.nn.static_rnn, ...)
SEQ2SEQ = "tf1_lstm.contrib.seq2seq"
LEGACY_SEQ2SEQ = "tf1_lstm.contrib.legacy_seq2seq"


@dataclass(frozen=True)
class ServedNames:
    """A module path served as the names of ``bases`` (the first that has a name wins) and
    ``extras`` (private names: ``name -> "module:attribute"``)."""

    bases: tuple[str, ...]
    extras: Mapping[str, str] = field(default_factory=dict)


# The known special cases under tensorflow.contrib (TF 1.x's file -> what it serves). Every
# other tensorflow.contrib.X.python... path follows the rule (the names of tf1_lstm.contrib.X),
# e.g. contrib/rnn/python/ops/{rnn_cell, lstm_ops, gru_ops, rnn, fused_rnn_cell}.py.
PRIVATE_PATHS: dict[str, ServedNames] = {
    f"{CONTRIB}.rnn.python.ops.core_rnn_cell_impl": ServedNames(  # TF 1.0 - 1.1
        (RNN,), {"_linear": f"{LINEAR}:linear_tf10"}),
    f"{CONTRIB}.rnn.python.ops.core_rnn_cell": ServedNames(  # TF 1.2 - 1.15
        (RNN,), {"_linear": f"{LINEAR}:linear", "_Linear": f"{LINEAR}:Linear"}),
    # TF 1.15's variables.py lives on as tf_slim.ops.variables, minus zero_initializer (its
    # kernel stayed in contrib): tf_slim's names first, then tf.contrib.framework's.
    f"{CONTRIB}.framework.python.ops.variables": ServedNames(
        ("tf_slim.ops.variables", "tf1_lstm.contrib.framework")),
    # TF 1.15's attention_wrapper.py held the mechanisms too (custom attention subclassed its
    # _BaseAttentionMechanism); ours are three files.
    f"{CONTRIB}.seq2seq.python.ops.attention_wrapper": ServedNames(
        (f"{SEQ2SEQ}.attention_wrapper", f"{SEQ2SEQ}.attention_mechanisms",
         f"{SEQ2SEQ}.monotonic_mechanisms")),
    # TF 1.15's one seq2seq.py, with the greedy loop function programs imported from it.
    f"{CONTRIB}.legacy_seq2seq.python.ops.seq2seq": ServedNames(
        (LEGACY_SEQ2SEQ,),
        {"_extract_argmax_and_embed": f"{LEGACY_SEQ2SEQ}.feed_previous:extract_argmax_and_embed"}),
}

# TF 1.x packages whose modules live on elsewhere (tf_slim, our learn): prefix.rest -> home.rest.
PACKAGE_HOMES: dict[str, str] = {
    f"{CONTRIB}.layers.python.layers": "tf_slim.layers",
    f"{CONTRIB}.slim.python.slim": "tf_slim",
    f"{CONTRIB}.framework.python.ops": "tf_slim.ops",
    f"{CONTRIB}.training.python.training": "tf_slim.training",
    f"{CONTRIB}.learn.python.learn": "tf1_lstm.contrib.learn",
    # contrib/seq2seq/python/ops/{decoder, basic_decoder, helper, beam_search_decoder,
    # beam_search_ops, loss}.py: our files of the same names, private names included.
    f"{CONTRIB}.seq2seq.python.ops": SEQ2SEQ,
}

# TensorFlow 2.21 modules served instead as tf.nn.rnn_cell's names (TF's own module last).
CORE_OVERLAYS: dict[str, ServedNames] = {
    "tensorflow.python.ops.rnn_cell_impl": ServedNames(  # _linear: TF 1.2 - 1.5
        (TF_KERAS_RNN_CELL, TF_KERAS_LEGACY_CELLS),
        {"_linear": f"{LINEAR}:linear", "_Linear": f"{LINEAR}:Linear"}),
    "tensorflow.python.ops.rnn_cell": ServedNames(  # _linear: TF 0.12 (1.x star-imported)
        (TF_KERAS_RNN_CELL, TF_KERAS_LEGACY_CELLS), {"_linear": f"{LINEAR}:linear_tf012"}),
    # TF's own rnn.py, plus TF 0.12's names for what TF 1.0 renamed static_*
    # (`from tensorflow.python.ops import rnn; rnn.rnn(cell, inputs)`, TF 0.9 - 0.12 examples).
    "tensorflow.python.ops.rnn": ServedNames((), {
        "rnn": f"{TF_RNN}:static_rnn",
        "bidirectional_rnn": f"{TF_RNN}:static_bidirectional_rnn",
        "state_saving_rnn": f"{TF_RNN}:static_state_saving_rnn"}),
    # `from tensorflow.python.layers import core as layers_core` (the NMT tutorial's
    # layers_core.Dense): tf.layers' classes (tf_keras's), not TF's internal Keras copy, which
    # seq2seq's `output_layer must be a Layer` check and isinstance would refuse.
    "tensorflow.python.layers.core": ServedNames(("tf_keras.src.legacy_tf_layers.core",)),
    "tensorflow.python.layers.base": ServedNames(("tf_keras.src.legacy_tf_layers.base",)),
}


def _import_attribute(where: str):
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(module), attribute)


class ServedNamesModule(types.ModuleType):
    """A TF1 module path whose names are those of other modules, looked up on first use."""

    def __init__(self, name: str, served: ServedNames, fallback: types.ModuleType | None = None):
        super().__init__(name, f"{name} as TF 1.x had it, served by tf1-lstm")
        self._tf1_lstm_served = served
        self._tf1_lstm_fallback = fallback  # the TF module this one stands in for, if any

    def _tf1_lstm_bases(self) -> list[types.ModuleType]:
        bases = [importlib.import_module(name) for name in self._tf1_lstm_served.bases]
        return bases + [self._tf1_lstm_fallback] if self._tf1_lstm_fallback else bases

    def __getattr__(self, name: str):
        if name == "__all__":
            first = self._tf1_lstm_bases()[0]
            return getattr(first, "__all__", [n for n in dir(first) if not n.startswith("_")])
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._tf1_lstm_served.extras:
            return _import_attribute(self._tf1_lstm_served.extras[name])
        *firsts, last = self._tf1_lstm_bases()
        holder = next((base for base in firsts if hasattr(base, name)), last)
        value = getattr(holder, name)  # the last base's own error when nobody has it
        if (isinstance(value, types.ModuleType) and hasattr(self, "__path__")
                and holder.__name__.startswith("tf1_lstm.contrib.")):
            # A module attribute of our public module (tf_slim's ``layers`` in
            # tf1_lstm.contrib.layers, our ``cudnn_rnn.layers``) is not TF1's file of that
            # name: serve the sub-path instead.
            return importlib.import_module(f"{self.__name__}.{name}")
        return value


def _path_owner(module: types.ModuleType) -> str | None:
    """The package whose folder ``module.__path__`` is (tf_slim for layers and slim)."""
    path = getattr(module, "__path__", None)
    if path is None:
        return None
    for candidate in list(sys.modules.values()):
        spec = getattr(candidate, "__spec__", None)
        if spec is not None and spec.submodule_search_locations is path:
            return spec.name
    return None


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent that is missing or not a package
        return False


def find_target(fullname: str, served: tuple[str, ...]) -> str | ServedNames | None:
    """What ``tensorflow.contrib...`` ``fullname`` is: a module's name, names to serve, or None."""
    parts = fullname.split(".")
    if parts[:2] != CONTRIB.split(".") or len(parts) < 3 or parts[2] not in served:
        return None
    public = f"tf1_lstm.contrib.{parts[2]}"
    if len(parts) == 3:
        return public
    if fullname in PRIVATE_PATHS:
        return PRIVATE_PATHS[fullname]
    for prefix, home in PACKAGE_HOMES.items():
        if fullname.startswith(f"{prefix}.") and _exists(home + fullname[len(prefix):]):
            return home + fullname[len(prefix):]
    if parts[3] == "python":
        return ServedNames((public,))
    owner = _path_owner(importlib.import_module(public))
    real = f"{owner}.{'.'.join(parts[3:])}"
    return real if owner is not None and _exists(real) else None


class _SameModuleLoader(importlib.abc.Loader):
    """Loads a TF1 name as an existing module: ``import tensorflow.contrib.rnn`` is ours."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        target = importlib.import_module(self.target)
        if module.__name__.count(".") == 2 and not hasattr(target, "__path__"):
            # A served module that is one file (crf.py) gets an empty __path__: Python imports
            # tensorflow.contrib.crf.python.ops.crf only below a package.
            target.__path__ = []
        # The import system returns what sys.modules holds under the name after exec_module.
        sys.modules[module.__name__] = target


class _ServedNamesLoader(importlib.abc.Loader):
    def __init__(self, served: ServedNames) -> None:
        self.served = served

    def create_module(self, spec):
        return ServedNamesModule(spec.name, self.served)

    def exec_module(self, module):
        pass  # its names are looked up on first use


class ContribFinder(importlib.abc.MetaPathFinder):
    """``tensorflow.contrib...`` -> ``find_target``; first on ``sys.meta_path``, so
    ``tensorflow.contrib.slim.nets`` is tf_slim's module, not a copy loaded from its folder."""

    def __init__(self) -> None:
        self.served = served_modules()

    def find_spec(self, fullname, path=None, target=None):
        found = find_target(fullname, self.served)
        if found is None:
            return None
        if isinstance(found, str):
            return importlib.machinery.ModuleSpec(fullname, _SameModuleLoader(found))
        return importlib.machinery.ModuleSpec(fullname, _ServedNamesLoader(found), is_package=True)


def install_core_overlays() -> None:
    """Put ``CORE_OVERLAYS`` in place of TF's own modules (idempotent)."""
    real = {name: importlib.import_module(name) for name in CORE_OVERLAYS}
    for name, served in CORE_OVERLAYS.items():
        if isinstance(real[name], ServedNamesModule):
            continue
        overlay = ServedNamesModule(name, served, fallback=real[name])
        overlay.__spec__ = importlib.machinery.ModuleSpec(name, None)
        sys.modules[name] = overlay
        parent, _, leaf = name.rpartition(".")
        setattr(sys.modules[parent], leaf, overlay)


def install() -> None:
    """The finder first on ``sys.meta_path``, and the overlays (idempotent)."""
    if not any(isinstance(finder, ContribFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, ContribFinder())
    install_core_overlays()
