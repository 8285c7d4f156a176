"""Import paths under ``tf1-lstm run``: what ``import <dotted>`` gives, read from the files.

``module(dotted, served_contrib)`` follows the shim's finders (``tf1_lstm.legacy.shim``,
``private_paths``, ``keras2``) on the files they would load, and returns a :class:`Place`
(what the module is, for ``catalogue`` to look names up in), a :class:`Verdict` (``run``
refuses it, with the replacement) or None (no such module: a ``from`` import then looks for
an attribute instead).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tf1_lstm.contrib.replacements import TF2_REPLACEMENTS, UNLISTED_MODULE, UNLISTED_NAME_IN
from tf1_lstm.legacy.doctor.sources import (
    Binding,
    is_package,
    module_constants,
    module_file,
    package_folders,
    read_module,
)
from tf1_lstm.legacy.private_paths import CORE_OVERLAYS, PACKAGE_HOMES, PRIVATE_PATHS

SERVED, EMULATED, MISSING = "served", "emulated", "missing"
UNREPORTED = "unreported"  # not a TF1 name (NumPy 2's own, another package's)
CONTRIB = "tensorflow.contrib"
MNIST_PATH = "tensorflow.examples.tutorials.mnist"
MNIST_READER = "tf1_lstm.data.mnist"
KERAS2 = "tf1_lstm.legacy.keras2"
OVERLAY_NOTE = "tf.nn.rnn_cell's names first, then TensorFlow 2.21's own module (private_paths)"


@dataclass(frozen=True)
class Verdict:
    """What ``run`` does with a name: its status and the note (for missing: the replacement)."""

    status: str
    note: str = ""


@dataclass(frozen=True)
class Place:
    """What a name is under ``run``, as far as it is walked.

    ``kind``: facade, contrib, contrib_module (``target`` X), module (``target`` its dotted
    name; ``nested`` the hooks below it), imported (``target`` ``module:name``, a name
    another module binds: followed when looked into), served_names (``bases``, ``extras``),
    examples, numpy, object (nothing below it is checked), unreported (not a TF1 name),
    v1_path (``target`` a tf.compat.v1 module path such as ``nn.rnn_cell``: the facade's
    attribute chain, as the shim's finder serves ``import tensorflow.nn.rnn_cell``).
    ``tf_path`` is the public ``tf.*`` name so far (the TF 0.x names are keyed by it).
    """

    kind: str
    target: str = ""
    tf_path: str | None = None
    note: str = ""
    nested: tuple[tuple[tuple[str, ...], Binding], ...] = ()
    bases: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()


@functools.cache
def keras_tables() -> dict:
    """keras2's tables and tf_keras's version, read from their source."""
    tables = module_constants(KERAS2, ("PUBLIC_API", "PRIVATE_MODULES", "KERAS_2_MODULES",
                                       "KERAS_2_REPLACEMENTS"))
    version = module_constants("tf_keras", ("__version__",))["__version__"]
    tables["NOTE"] = f"Keras 2 under tf1-lstm run: tf_keras {version}'s TF1 API"
    return tables


def contrib_replacement(module: str, name: str | None = None) -> str:
    """What ``replacements`` says for ``tf.contrib.<module>[.<name>]``."""
    if name is None:
        return TF2_REPLACEMENTS.get(module, UNLISTED_MODULE)
    return TF2_REPLACEMENTS.get(f"{module}.{name}", UNLISTED_NAME_IN.get(module, UNLISTED_MODULE))


def module(dotted: str, served_contrib: tuple[str, ...]) -> Place | Verdict | None:
    """What ``import <dotted>`` gives under ``run``; None when there is no such module."""
    parts = dotted.split(".")
    if parts[0] == "tensorflow":
        return _tensorflow_module(dotted, parts, served_contrib)
    if parts[0] == "keras":
        return _keras_module(dotted)
    if dotted == "input_data":
        return Place("module", MNIST_READER, note="tf1-lstm's MNIST reader")
    if parts[0] == "numpy":
        return Place("numpy") if dotted == "numpy" else Place("unreported")
    return Place("unreported")


Found = Place | Verdict | None


def _tensorflow_module(dotted: str, parts: list[str], served_contrib: tuple[str, ...]) -> Found:
    if dotted == "tensorflow":
        return Place("facade", tf_path="tf")
    if dotted == CONTRIB:
        return Place("contrib", tf_path="tf.contrib")
    if parts[1] == "contrib":
        return _contrib_module(dotted, parts, served_contrib)
    if parts[1] == "examples":
        return examples(dotted)
    if dotted in CORE_OVERLAYS:
        served = CORE_OVERLAYS[dotted]
        return Place("served_names", dotted, bases=(*served.bases, dotted),
                     extras=tuple(served.extras), note=OVERLAY_NOTE)
    v1_module = f"tensorflow._api.v2.compat.v1.{'.'.join(parts[1:])}"
    if not _real_top_level(parts[1]) and module_file(v1_module) is not None:
        # the shim's finder: `import tensorflow.nn` is tf.compat.v1's nn, i.e. `tf.nn`
        rest = ".".join(parts[1:])
        return Place("v1_path", rest, tf_path=f"tf.{rest}", note="tf.compat.v1's module")
    if module_file(dotted) is None:
        return None
    if parts[1] == "python":
        note = "TensorFlow 2.21's own private module: it may differ from TF 1.x's"
    elif parts[1:3] == ["compat", "v1"]:
        note = "TensorFlow 2.21's own tf.compat.v1: without the shim's tf.contrib and TF 0.x names"
    else:
        note = (f"TF 2's {dotted}: the import loads TensorFlow's file, not tf.compat.v1's "
                f"tf.{'.'.join(parts[1:])}")
    return Place("module", dotted, note=note)


def _real_top_level(name: str) -> bool:
    """Does TensorFlow have a file or folder ``tensorflow/<name>`` (python, core, ...)?"""
    folders = package_folders("tensorflow")[:1]  # the package itself, not its API folders
    return any((folder / name).exists() or (folder / f"{name}.py").exists()
               for folder in folders)


def _contrib_module(dotted: str, parts: list[str], served_contrib: tuple[str, ...]) -> Found:
    """``private_paths.find_target``, asked of the files instead of the import system."""
    name = parts[2]
    if name not in served_contrib:
        return Verdict(MISSING, contrib_replacement(name))
    public = f"tf1_lstm.contrib.{name}"
    if len(parts) == 3:
        return Place("contrib_module", name, tf_path=f"tf.contrib.{name}")
    if dotted in PRIVATE_PATHS:
        served = PRIVATE_PATHS[dotted]
        return Place("served_names", dotted, bases=served.bases, extras=tuple(served.extras))
    for prefix, home in PACKAGE_HOMES.items():
        if dotted.startswith(f"{prefix}.") and module_file(home + dotted[len(prefix):]):
            return Place("module", home + dotted[len(prefix):])
    if parts[3] == "python":
        return Place("served_names", dotted, bases=(public,))
    owner = _path_owner(public)
    real = f"{owner}.{'.'.join(parts[3:])}"
    return Place("module", real) if owner and module_file(real) else None

def examples(dotted: str) -> Place | Verdict:
    if dotted == f"{MNIST_PATH}.input_data":
        return module("input_data", ())
    if f"{MNIST_PATH}.".startswith(f"{dotted}."):
        return Place("examples", dotted)
    return Verdict(MISSING, f"tf1-lstm serves only {MNIST_PATH}.input_data of "
                            "tensorflow.examples")

def _keras_module(dotted: str) -> Place | Verdict:
    """``keras2.resolve``: a Keras 2 module merged into another, tf_keras's public API,
    then its private modules."""
    tables = keras_tables()
    public, note = tables["PUBLIC_API"], tables["NOTE"]
    if dotted == "keras":
        return Place("module", public, note=note)
    rest = dotted.removeprefix("keras.")
    merged = tables["KERAS_2_MODULES"].get(rest)
    candidates = ([f"{public}.{merged}"] if merged else
                  [f"{public}.{rest}", f"{tables['PRIVATE_MODULES']}.{rest}"])
    for candidate in candidates:
        if module_file(candidate):
            return Place("module", candidate, note=note)
    replacement = tables["KERAS_2_REPLACEMENTS"].get(rest.split(".")[0])
    return Verdict(MISSING, f"tf_keras has no such module; TF2 replacement: {replacement}"
                   if replacement else "tf_keras has no such module: import the name from "
                   "a public module (keras.layers, keras.models, keras.utils, ...)")


def _path_owner(module: str) -> str | None:
    """The package whose folder ``module.__path__`` is (``private_paths._path_owner``):
    itself for a package, the module whose ``__path__`` it copies (layers: tf_slim)."""
    names = read_module(module)
    binding = names.bindings.get("__path__") if names else None
    if binding is not None and binding.kind == "module":
        return binding.target
    if binding is not None and binding.kind == "imported":
        return _path_owner(binding.target.partition(":")[0])
    return module if is_package(module) else None


def display_name(module: str, attributes: tuple[str, ...] = ()) -> str:
    """A name as the report shows it: ``tf.*`` for the facade and the public contrib modules
    (``import tensorflow.contrib.rnn as rnn; rnn.LSTMCell`` is ``tf.contrib.rnn.LSTMCell``),
    ``np.*`` for NumPy, every other import path as written."""
    parts = module.split(".")
    if module == "tensorflow" and attributes:
        parts = ["tf"]
    elif parts[:2] == ["tensorflow", "contrib"] and "python" not in parts:
        parts = ["tf", *parts[1:]]
    elif module == "numpy":
        parts = ["np"]
    return ".".join([*parts, *attributes])
