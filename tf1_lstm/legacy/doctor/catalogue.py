"""What ``tf1-lstm run`` does with a TF1 name, found from source files, never importing TensorFlow.

A name is walked the way Python resolves it under ``run``: its import path by the import
system's rules (``import_paths.module``: what the shim's finders would load), then one
attribute at a time (``Catalogue.attribute``), each step a ``Place`` (what the name so far
is) or a ``Verdict`` (the walk ends):

    tensorflow              the shim's facade: tf.compat.v1 (the generated API files
                            tensorflow/_api/v2/compat/v1/**/__init__.py, hooks included:
                            tf.keras, tf.layers, tf.nn.rnn_cell, tf.flags), then TF 2's
                            top-level names (tensorflow/__init__.py); ``history``'s TF 0.x
                            names on top (``legacy_tables``)
    tf.contrib.X            tf1_lstm/contrib/X when ``served_modules()`` has X: the names its
                            source binds (``__all__`` and the rest), plus tf_slim's for
                            layers / slim (``ATTRIBUTE_FALLBACKS``); else the replacements table
    tensorflow.contrib.X.python..., tensorflow.python.ops.rnn_cell_impl / rnn_cell
                            ``private_paths``' tables (TensorFlow-free, imported)
    tensorflow.examples.tutorials.mnist.input_data, a bare input_data
                            tf1-lstm's MNIST reader (tf1_lstm.data.mnist)
    keras...                ``keras2``'s rules: tf_keras's TF1 API (its tables read from source)
    numpy                   NumPy 1's names (``numpy1``); NumPy 2's own names are not reported
    tensorflow.<other>      the file TensorFlow has at that path (TF 2's module, or a private one)

Statuses: ``served`` (the name resolves to what TF1 code expects), ``emulated`` (it runs as
its old release did, with a ``tf1-lstm: note:`` line), ``missing`` (``run`` raises; the note
is the replacement). Below a served object (a class, a function) attributes are not checked.
"""

from __future__ import annotations

from tf1_lstm.contrib import served_modules
from tf1_lstm.legacy.doctor import import_paths, legacy_tables, sources
from tf1_lstm.legacy.doctor.import_paths import (
    CONTRIB,
    EMULATED,
    MISSING,
    SERVED,
    UNREPORTED,
    Place,
    Verdict,
    contrib_replacement,
    display_name,
)
from tf1_lstm.legacy.doctor.sources import function_parameters, is_package, module_file, read_module
from tf1_lstm.legacy.private_paths import CORE_OVERLAYS

FACADE_NOTE = "tf.compat.v1 in graph mode, with tf.contrib and TF 0.x's names"
V1_API = "tensorflow._api.v2.compat.v1"  # tf.compat.v1, the facade's first source of names
TF2_API = "tensorflow"  # the facade's second (TF 2's top level)
# layers / slim: a name their own source lacks is any attribute of tf_slim (missing_name_hook).
ATTRIBUTE_FALLBACKS = {"layers": "tf_slim", "slim": "tf_slim"}
NO_EQUIVALENT = "no TF 2.21 equivalent"


class Catalogue:
    """The verdicts, walked from source (see the module docstring); caches what it reads."""

    def __init__(self) -> None:
        self.served_contrib = served_modules()
        self._emulated: dict[str, Verdict] | None = None
        self._verdicts: dict[tuple, Verdict] = {}

    # --- attributes ---------------------------------------------------------------------

    def attribute(self, place: Place, name: str, emulate: bool = True) -> Place | Verdict:
        """``<place>.<name>`` under ``run``."""
        if place.kind in ("object", "unreported") or name.startswith("__"):
            return Place(place.kind if place.kind == "unreported" else "object",
                         note=place.note)
        full = f"{place.tf_path}.{name}" if place.tf_path else None
        if emulate and full in self.emulated():
            return self.emulated()[full]
        found = getattr(self, f"_in_{place.kind}")(place, name)
        if isinstance(found, Verdict) or found is None:
            return found or Verdict(MISSING, self._missing_note(place, name, full))
        return Place(found.kind, found.target, full if found.tf_path is None else found.tf_path,
                     found.note or place.note, found.nested, found.bases, found.extras)

    def from_import(self, module: str, name: str) -> Place | Verdict:
        """``from <module> import <name>``: the attribute, else the sub-module."""
        place = import_paths.module(module, self.served_contrib)
        if not isinstance(place, Place):
            return place or Verdict(MISSING, f"no module named {module} under tf1-lstm run")
        found = self.attribute(place, name)
        if isinstance(found, Verdict) and found.status == MISSING:
            submodule = import_paths.module(f"{module}.{name}", self.served_contrib)
            if isinstance(submodule, Place):
                return submodule
        return found

    def _missing_note(self, place: Place, name: str, full: str | None) -> str:
        if place.kind == "contrib_module":
            return contrib_replacement(place.target, name)
        if place.kind == "served_names" and place.target.startswith(f"{CONTRIB}."):
            return contrib_replacement(place.target.split(".")[2], name)
        if full:
            why = legacy_tables.errata(full)
            return f"{NO_EQUIVALENT} ({why})" if why else (
                f"{NO_EQUIVALENT}: neither tf.compat.v1 nor TF 2.21 has {full}")
        return f"{NO_EQUIVALENT}: {place.target} has no {name}"

    def _in_facade(self, place: Place, name: str) -> Place | None:
        if name == "contrib":
            return Place("contrib")
        if name == "examples":
            return Place("examples", "tensorflow.examples")
        found = self._in_module(Place("module", V1_API), name)
        if found is not None:
            return found
        found = self._in_module(Place("module", TF2_API), name)
        return None if found is None else Place(
            found.kind, found.target, note=f"TF 2's tf.{name} (tf.compat.v1 has none)",
            nested=found.nested)

    def _in_v1_path(self, place: Place, name: str) -> Place | Verdict | None:
        """``import tensorflow.nn as nn; nn.<name>``: the facade's ``tf.nn.<name>``."""
        module: Place | Verdict = Place("facade", tf_path="tf")
        for part in place.target.split("."):
            module = self.attribute(module, part)
            if not isinstance(module, Place):
                return None
        return self.attribute(module, name)

    def _in_contrib(self, place: Place, name: str) -> Place | Verdict:
        if name in self.served_contrib:
            return Place("contrib_module", name)
        return Verdict(MISSING, contrib_replacement(name))

    def _in_contrib_module(self, place: Place, name: str) -> Place | None:
        found = self._in_module(Place("module", f"tf1_lstm.contrib.{place.target}"), name)
        fallback = ATTRIBUTE_FALLBACKS.get(place.target)
        if found is None and fallback:
            found = self._in_module(Place("module", fallback), name)
        return found

    def _in_served_names(self, place: Place, name: str) -> Place | None:
        if name in place.extras:
            return Place("object", place.target + ":" + name)
        for base in place.bases:  # the first that has the name wins
            if base.startswith("tf1_lstm.contrib."):
                found = self._in_contrib_module(Place("contrib_module", base.split(".")[2]), name)
            else:
                found = self.attribute(Place("module", base), name, emulate=False)
            if isinstance(found, Place):
                return found
        return None

    def _in_examples(self, place: Place, name: str) -> Place | Verdict:
        return import_paths.examples(f"{place.target}.{name}")

    def _in_numpy(self, place: Place, name: str) -> Place | Verdict:
        import numpy  # NumPy only: what NumPy 2 itself has

        note = legacy_tables.numpy1_note(name)
        if note is not None:
            return Verdict(EMULATED, note)
        try:
            getattr(numpy, name)
        except AttributeError as error:
            return Verdict(MISSING, str(error))
        return Place("unreported")

    def _in_module(self, place: Place, name: str) -> Place | None:
        for path, binding in place.nested:
            if path == (name,):
                return self._place_of(binding)
        names = read_module(place.target)
        binding = names.bindings.get(name) if names else None
        if binding is None:
            submodule = f"{place.target}.{name}"
            # An attribute only once imported; TF1 code relied on that, so benefit of doubt.
            return self._module_place(submodule) if is_package(place.target) and (
                module_file(submodule)) else None
        found = self._place_of(binding, f"{place.target}:{name}")
        below = tuple((path[1:], b) for path, b in (*place.nested, *(
            names.nested.items() if names else ())) if len(path) > 1 and path[0] == name)
        return Place(found.kind, found.target, nested=below) if below else found

    def _place_of(self, binding: sources.Binding, where: str = "") -> Place:
        """A binding as a Place: a module, a name imported from elsewhere (followed only if
        something below it is looked up: that may parse a big file), or an object."""
        if binding.kind == "module":
            return self._module_place(binding.target)
        if binding.kind == "imported":
            module, _, name = binding.target.partition(":")
            if module_file(f"{module}.{name}"):
                return self._module_place(f"{module}.{name}")
            return Place("imported", binding.target)
        return Place("object", where)

    def _module_place(self, dotted: str) -> Place:
        """A module reached as an attribute: the shim's overlay in place of TF's
        rnn_cell_impl / rnn_cell (``install_core_overlays`` sets the attribute too)."""
        if dotted in CORE_OVERLAYS:
            return import_paths.module(dotted, self.served_contrib)
        return Place("module", dotted)

    def _in_imported(self, place: Place, name: str) -> Place | None:
        followed = self._follow(place.target)
        return Place("object") if followed.kind == "object" else self._in_module(followed, name)

    def _follow(self, target: str) -> Place:
        """``module:name`` -> the module it is, or an object (through re-imports)."""
        for _ in range(8):
            module, _, name = target.partition(":")
            names = read_module(module)
            binding = names.bindings.get(name) if names else None
            if binding is None or binding.kind == "local":
                return Place("object", target)
            found = self._place_of(binding, target)
            if found.kind != "imported":
                return found
            target = found.target
        return Place("object", target)

    # --- the names only run has -----------------------------------------------------------

    def emulated(self) -> dict[str, Verdict]:
        """``history``'s TF 0.x names that tf.compat.v1 and TF 2 lack: path -> verdict."""
        if self._emulated is None:
            self._emulated = {}  # no emulation while the table itself is walked
            table = {}
            for old, entry in legacy_tables.old_names().items():
                if self.exists(V1_API, old) or self.exists(TF2_API, old):
                    continue
                table[old] = Verdict(EMULATED, entry.note)
                if entry.looked_up:
                    target = self.walk("tensorflow", tuple(entry.new.split(".")[1:]))
                    if target.status == MISSING:
                        table[old] = Verdict(MISSING, f"{old} is {legacy_tables.tf0()}; TF 1.0 "
                                             f"moved it to {entry.new}, which tf1-lstm does not "
                                             f"provide: {target.note}")
            self._emulated = table
        return self._emulated

    def exists(self, api: str, path: str) -> bool:
        """Does the real module ``api`` have ``tf.a.b`` (``path``), emulation aside?"""
        place: Place | Verdict | None = Place("module", api)
        for name in path.split(".")[1:]:
            if not isinstance(place, Place):
                return False
            place = self.attribute(place, name, emulate=False)
        return isinstance(place, Place)

    def resolve(self, module: str, attributes: tuple[str, ...] = (),
                from_import: bool = False) -> Place | Verdict:
        """``module`` imported, then ``attributes`` looked up (the first one by ``from``)."""
        if from_import and attributes:
            place = self.from_import(module, attributes[0])
            attributes = attributes[1:]
        else:
            place = import_paths.module(module, self.served_contrib) or Verdict(
                MISSING, f"{NO_EQUIVALENT}: TensorFlow 2.21 has no module {module}"
                if module.startswith("tensorflow.") else f"no module named {module}")
        for name in attributes:
            if not isinstance(place, Place):
                break
            place = self.attribute(place, name)
        return place

    def walk(self, module: str, attributes: tuple[str, ...] = (),
             from_import: bool = False) -> Verdict:
        """The verdict for a name (``resolve``'s end), cached; UNREPORTED for a name that is
        not TF1's (NumPy 2's own, another package's)."""
        key = (module, attributes, from_import)
        if key not in self._verdicts:
            self._verdicts[key] = self._verdict(module, attributes, from_import)
        return self._verdicts[key]

    def _verdict(self, module: str, attributes: tuple[str, ...], from_import: bool) -> Verdict:
        place = self.resolve(module, attributes, from_import)
        if isinstance(place, Place):
            if place.kind == "unreported":
                return Verdict(UNREPORTED)
            return Verdict(SERVED, FACADE_NOTE if place.kind == "facade" else place.note)
        target = legacy_tables.upgrade_target(display_name(module, attributes))
        if place.status == MISSING and target:  # tf.contrib.deprecated.*: the script's word
            return Verdict(MISSING, f"{target} (TF 1.0's upgrade script)")
        return place

    def function_parameters(self, place: Place) -> list[str] | None:
        """The parameters of the function a served place is, from its ``def`` (through
        re-imports); None when that cannot be read."""
        target = place.target
        for _ in range(8):
            module, _, name = target.partition(":")
            if not name:
                return None
            found = function_parameters(module, name)
            if found is not None:
                return found
            names = read_module(module)
            binding = names.bindings.get(name) if names else None
            if binding is None or binding.kind != "imported":
                return None
            target = binding.target
        return None


