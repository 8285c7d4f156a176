"""Installed packages read as source, never imported: where a module's file is, what it binds.

``importlib.util.find_spec(top)`` of a *top-level* name only asks the finders where the
package is; it runs none of its code (finding ``a.b`` would import ``a``). From the folder it
gives, a dotted name is a path on disk, and a module's names are what its top level binds:

- ``def`` / ``class`` / assignments, less ``del`` (also in top-level ``if`` / ``try`` / ``with``);
- imports: ``import a.b as c``, ``from a import b`` (a module when ``a/b`` is one on disk,
  else a name of ``a``), ``from a import *`` (``a``'s ``__all__``, or its public names);
- the sub-modules of a package that its own ``__init__`` imports (``import P.x`` binds
  ``P.x``, as the import system does);
- the hooks TensorFlow's generated API files end with: ``setattr(_current_module, "keras",
  _KerasLazyLoader(globals(), mode="v1"))`` and ``_current_module.nn.rnn_cell = ...``
  (a lazily loaded tf_keras module, or a name bound above, put at a path of this module).

``__all__`` is read when it is a literal list or tuple, or built from literals and other
modules' ``__all__`` (``[*a.__all__, "x"]``, ``a.__all__ + [...]``). A computed ``__all__``
(``tf1_lstm.contrib.layers``: a comprehension over ``vars(tf_slim)``) is reported by
``all_is_computed``, and its module's public names stand for it.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

# Folders tensorflow/__init__.py adds to the package's __path__ (so `import tensorflow.nn`
# and `import tensorflow.compat.v1` find the generated API), relative to the package.
EXTRA_SEARCH_FOLDERS = {"tensorflow": ("_api/v2",)}
# tensorflow/__init__.py also puts tf_keras's v2 API folder first on its __path__ (under
# TF_USE_LEGACY_KERAS=1), so `import tensorflow.keras.layers` loads that file.
ALIASED_PREFIXES = {"tensorflow.keras": "tf_keras.api._v2.keras"}
# TF_USE_LEGACY_KERAS=1 (tf1_lstm.bootstrap): KerasLazyLoader's mode -> the tf_keras module.
KERAS_LAZY_LOADER = "tensorflow.python.util.lazy_loader:KerasLazyLoader"
LAZY_KERAS = {"v1": "tf_keras.api._v1.keras", None: "tf_keras.api._v2.keras"}


@dataclass(frozen=True)
class Binding:
    """What a name of a module is: a ``module`` (``target`` is its dotted name), a name
    ``imported`` from another module (``target`` is ``module:name``), or ``local``."""

    kind: str
    target: str = ""


@dataclass
class ModuleNames:
    """The top-level names of one module file (see the module docstring)."""

    name: str
    bindings: dict[str, Binding] = field(default_factory=dict)
    # Hooks that set a name below a sub-module: ("nn", "rnn_cell") -> binding.
    nested: dict[tuple[str, ...], Binding] = field(default_factory=dict)
    all_names: tuple[str, ...] | None = None
    all_is_computed: bool = False

    def public(self) -> tuple[str, ...]:
        return tuple(name for name in self.bindings if not name.startswith("_"))

    def star_exports(self) -> tuple[str, ...]:
        """What ``from <module> import *`` binds."""
        return self.all_names if self.all_names is not None else self.public()


@functools.cache
def package_folders(top: str) -> tuple[Path, ...]:
    """The folders of the top-level package ``top``, or () when it is not installed."""
    spec = importlib.util.find_spec(top)
    if spec is None:
        return ()
    if spec.submodule_search_locations is None:  # a single-file module
        return (Path(spec.origin).parent,) if spec.origin else ()
    folders = tuple(Path(folder) for folder in spec.submodule_search_locations)
    extra = tuple(folder / sub for folder in folders for sub in EXTRA_SEARCH_FOLDERS.get(top, ()))
    return folders + extra


@functools.cache
def module_file(dotted: str) -> Path | None:
    """The source file of module ``dotted`` (a package's ``__init__.py``), or None."""
    for prefix, home in ALIASED_PREFIXES.items():
        if dotted == prefix or dotted.startswith(f"{prefix}."):
            return module_file(home + dotted[len(prefix):])
    top, *rest = dotted.split(".")
    for folder in package_folders(top):
        base = folder.joinpath(*rest) if rest else folder
        for candidate in (base / "__init__.py", base.with_suffix(".py") if rest else None):
            if candidate is not None and candidate.is_file():
                return candidate
    if not rest:  # a top-level single-file module
        spec = importlib.util.find_spec(top)
        if spec is not None and spec.origin and spec.origin.endswith(".py"):
            return Path(spec.origin)
    return None


def is_package(dotted: str) -> bool:
    found = module_file(dotted)
    return found is not None and found.name == "__init__.py"


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes(), filename=str(path))


def _absolute(module: str | None, level: int, current: str, package: bool) -> str:
    """The absolute name of ``from <level dots><module> import ...`` inside ``current``."""
    if level == 0:
        return module or ""
    parts = current.split(".")
    base = parts if package else parts[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _top_level_statements(body: list[ast.stmt]):
    """The statements run at import, through top-level if / try / with blocks."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.With)):
            yield from _top_level_statements(statement.body)
            yield from _top_level_statements(getattr(statement, "orelse", []))
        elif isinstance(statement, ast.Try):
            for block in (statement.body, *(h.body for h in statement.handlers),
                          statement.orelse, statement.finalbody):
                yield from _top_level_statements(block)


def _assigned_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _assigned_names(element)]
    return []


class _Reader:
    """Fills one ModuleNames from its module's top-level statements."""

    def __init__(self, names: ModuleNames, package: bool, reading: frozenset[str]) -> None:
        self.names = names
        self.package = package
        self.reading = reading | {names.name}  # guards a cycle of star imports
        self.self_aliases: set[str] = set()  # `_current_module = _sys.modules[__name__]`

    def bind(self, name: str, binding: Binding) -> None:
        self.names.bindings[name] = binding

    def note_submodule(self, dotted: str) -> None:
        """``import P.x...`` inside package P binds P's attribute ``x``."""
        prefix = f"{self.names.name}."
        if self.package and dotted.startswith(prefix):
            child = dotted[len(prefix):].split(".")[0]
            if module_file(prefix + child):
                self.names.bindings.setdefault(child, Binding("module", prefix + child))

    def note_submodules_of_children(self) -> None:
        """A sub-module that imports a sibling (``tf_slim.layers.layers`` imports
        ``tf_slim.layers.utils``) binds it on the package as well (one level deep)."""
        prefix = f"{self.names.name}."
        children = [b.target for b in list(self.names.bindings.values()) if b.kind == "module"
                    and b.target.startswith(prefix) and "." not in b.target[len(prefix):]]
        for child in children:
            path = module_file(child)
            for statement in _top_level_statements(parse(path).body if path else []):
                if isinstance(statement, ast.Import):
                    self.note_names(alias.name for alias in statement.names)
                elif isinstance(statement, ast.ImportFrom):
                    base = _absolute(statement.module, statement.level, child,
                                     path.name == "__init__.py")
                    self.note_names([base, *(f"{base}.{alias.name}" for alias in statement.names)])

    def note_names(self, dotted_names) -> None:
        for dotted in dotted_names:
            self.note_submodule(dotted)

    def read_import(self, statement: ast.Import) -> None:
        for alias in statement.names:
            self.note_submodule(alias.name)
            if alias.asname:
                self.bind(alias.asname, Binding("module", alias.name))
            else:
                top = alias.name.split(".")[0]
                self.bind(top, Binding("module", top))

    def read_import_from(self, statement: ast.ImportFrom) -> None:
        module = _absolute(statement.module, statement.level, self.names.name, self.package)
        self.note_submodule(module)
        for alias in statement.names:
            if alias.name == "*":
                self.read_star(module)
                continue
            self.note_submodule(f"{module}.{alias.name}")
            self.bind(alias.asname or alias.name, Binding("imported", f"{module}:{alias.name}"))

    def read_star(self, module: str) -> None:
        if module in self.reading:
            return
        source = read_module(module, self.reading)
        if source is None:
            return
        for name in source.star_exports():
            self.bind(name, source.bindings.get(name, Binding("imported", f"{module}:{name}")))

    def value(self, node: ast.expr) -> Binding:
        """What an assigned value is: a name bound above, a lazily loaded Keras module."""
        if isinstance(node, ast.Name) and node.id in self.names.bindings:
            return self.names.bindings[node.id]
        if (isinstance(node, ast.Attribute) and node.attr == "__path__"  # `__path__ = m.__path__`
                and isinstance(node.value, ast.Name)):
            binding = self.names.bindings.get(node.value.id)
            return binding if binding and binding.kind == "module" else Binding("local")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                self.names.bindings.get(node.func.id) == Binding("imported", KERAS_LAZY_LOADER)):
            options = {k.arg: k.value.value for k in node.keywords
                       if isinstance(k.value, ast.Constant)}
            target = LAZY_KERAS.get(options.get("mode"), LAZY_KERAS[None])
            submodule = options.get("submodule")
            return Binding("module", f"{target}.{submodule}" if submodule else target)
        return Binding("local")

    def set_below_self(self, path: list[str], value: ast.expr) -> None:
        """``_current_module.a.b = value`` / ``setattr(_current_module, "a", value)``."""
        if path[-1].startswith("__"):  # __path__ and friends: not names
            return
        if len(path) == 1:
            self.bind(path[0], self.value(value))
        else:
            self.names.nested[tuple(path)] = self.value(value)

    def self_path(self, node: ast.expr) -> list[str] | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.self_aliases and parts:
            return parts[::-1]
        return None

    def read_assign(self, statement: ast.Assign) -> None:
        if (isinstance(statement.value, ast.Subscript)
                and ast.unparse(statement.value) == "_sys.modules[__name__]"):
            self.self_aliases.update(n for t in statement.targets for n in _assigned_names(t))
            return
        for target in statement.targets:
            path = self.self_path(target)
            if path:
                self.set_below_self(path, statement.value)
            for name in _assigned_names(target):
                if name == "__all__":
                    self.read_all(statement.value)
                else:
                    self.bind(name, self.value(statement.value))

    def read_setattr(self, call: ast.Call) -> None:
        if (isinstance(call.func, ast.Name) and call.func.id == "setattr" and len(call.args) == 3
                and isinstance(call.args[0], ast.Name) and call.args[0].id in self.self_aliases
                and isinstance(call.args[1], ast.Constant)):
            self.set_below_self([call.args[1].value], call.args[2])

    def all_value(self, node: ast.expr) -> list[str] | None:
        """The strings of a statically known ``__all__`` expression, else None."""
        if isinstance(node, (ast.List, ast.Tuple)):
            found: list[str] = []
            for element in node.elts:
                inner = self.all_value(element.value if isinstance(element, ast.Starred)
                                       else element)
                if inner is None:
                    return None
                found += inner
            return found
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.all_value(node.left), self.all_value(node.right)
            return None if left is None or right is None else left + right
        if (isinstance(node, ast.Attribute) and node.attr == "__all__"
                and isinstance(node.value, ast.Name)):
            binding = self.names.bindings.get(node.value.id)
            other = read_module(binding.target, self.reading) if binding and (
                binding.kind == "module") else None
            return list(other.all_names) if other and other.all_names is not None else None
        return None

    def read_all(self, node: ast.expr, extend: bool = False) -> None:
        found = self.all_value(node)
        if found is None:
            self.names.all_is_computed = True
            self.names.all_names = None
        elif not self.names.all_is_computed:
            self.names.all_names = (*(self.names.all_names or ()), *found) if extend else (
                tuple(found))

    def read(self, tree: ast.Module) -> None:
        for statement in _top_level_statements(tree.body):
            if isinstance(statement, ast.Import):
                self.read_import(statement)
            elif isinstance(statement, ast.ImportFrom):
                self.read_import_from(statement)
            elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bind(statement.name, Binding("local"))
            elif isinstance(statement, ast.Assign):
                self.read_assign(statement)
            elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
                name = _assigned_names(statement.target)
                if name == ["__all__"] and statement.value is not None:
                    self.read_all(statement.value, extend=isinstance(statement, ast.AugAssign))
                elif name and name != ["__all__"]:
                    self.bind(name[0], Binding("local"))
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                self.read_setattr(statement.value)
            elif isinstance(statement, ast.Delete):  # tensorflow/__init__.py: del importlib
                for name in (n for t in statement.targets for n in _assigned_names(t)):
                    self.names.bindings.pop(name, None)
        if self.package:
            self.note_submodules_of_children()


def read_module(dotted: str, reading: frozenset[str] = frozenset()) -> ModuleNames | None:
    """The names module ``dotted`` binds, from its source; None when there is no source."""
    if not reading:
        return _read_cached(dotted)
    return _read(dotted, reading)


@functools.cache
def _read_cached(dotted: str) -> ModuleNames | None:
    return _read(dotted, frozenset())


def _read(dotted: str, reading: frozenset[str]) -> ModuleNames | None:
    path = module_file(dotted)
    if path is None:
        return None
    names = ModuleNames(dotted)
    _Reader(names, path.name == "__init__.py", reading).read(parse(path))
    return names


def function_parameters(dotted: str, name: str) -> list[str] | None:
    """The parameter names of the top-level ``def name`` of module ``dotted`` (the last one
    when several), in order; None when there is none."""
    path = module_file(dotted)
    if path is None:
        return None
    found = None
    for statement in _top_level_statements(parse(path).body):
        if isinstance(statement, ast.FunctionDef) and statement.name == name:
            arguments = statement.args
            found = [a.arg for a in (*arguments.posonlyargs, *arguments.args)]
            found += [arguments.vararg.arg] if arguments.vararg else []
            found += [a.arg for a in arguments.kwonlyargs]
            found += [arguments.kwarg.arg] if arguments.kwarg else []
    return found


def module_constants(dotted: str, wanted: tuple[str, ...], context: dict | None = None) -> dict:
    """The values of the top-level assignments ``wanted`` of module ``dotted``, evaluated from
    its source alone: literals, f-strings, comprehensions over names assigned above them, and
    calls of what ``context`` provides (no builtins). For data tables of modules that import
    TensorFlow."""
    path = module_file(dotted)
    if path is None:
        raise FileNotFoundError(f"no source for {dotted}")
    namespace: dict = {"__builtins__": {}, **(context or {})}
    for statement in _top_level_statements(parse(path).body):
        targets = [statement.target] if isinstance(statement, ast.AnnAssign) else getattr(
            statement, "targets", [])
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if len(names) == 1 == len(targets) and getattr(statement, "value", None) is not None:
            expression = ast.Expression(statement.value)
            try:  # our own source: plain data expressions, evaluated without builtins
                value = eval(compile(expression, str(path), "eval"), namespace)  # noqa: S307
            except (NameError, AttributeError, TypeError):
                continue  # a table built from something imported: not data
            namespace.update(dict.fromkeys(names, value))
    missing = [name for name in wanted if name not in namespace]
    if missing:
        raise LookupError(f"{dotted} has no static value for {', '.join(missing)}")
    return {name: namespace[name] for name in wanted}


def module_dict_names(dotted: str, wanted: str) -> dict[str, str]:
    """A top-level ``wanted = {"key": some_name, ...}`` of module ``dotted``, as key -> the
    name its value is (a function's name), for tables of functions that cannot be evaluated."""
    path = module_file(dotted)
    for statement in _top_level_statements(parse(path).body if path else []):
        target = statement.target if isinstance(statement, ast.AnnAssign) else (
            statement.targets[0] if isinstance(statement, ast.Assign) else None)
        if (isinstance(target, ast.Name) and target.id == wanted
                and isinstance(statement.value, ast.Dict)):
            return {key.value: ast.unparse(value)
                    for key, value in zip(statement.value.keys, statement.value.values,
                                          strict=True) if isinstance(key, ast.Constant)}
    raise LookupError(f"{dotted} has no literal dict {wanted}")
