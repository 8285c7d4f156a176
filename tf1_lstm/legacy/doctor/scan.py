"""The TF1 names a file uses, found in its syntax tree: the user's code is parsed, never run.

Every import of ``tensorflow...``, ``keras...``, ``numpy`` and a bare ``input_data`` (unless
the script's folder has its own ``input_data.py``, which ``run`` then leaves to it) binds an
alias; a use is an import, or an attribute chain / bare name on an alias (``tf.contrib.rnn.
LSTMCell``, ``rnn.LSTMCell`` after ``import tensorflow.contrib.rnn as rnn``, ``LSTMCell``
after ``from tensorflow.contrib.rnn import LSTMCell``, ``np.float``). Aliases are tracked per
file (a notebook's cells share them, in order), not per scope. Two calls are judged by their
arguments too, as ``run`` judges them: a TF 0.x argument order (``tf.concat(1, [a, b])``,
``legacy_tables``) and ``MultiRNNCell([cell] * n)``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from tf1_lstm.legacy.doctor import legacy_tables
from tf1_lstm.legacy.doctor.catalogue import EMULATED, SERVED, UNREPORTED, Catalogue, Verdict
from tf1_lstm.legacy.doctor.files import NotebookError, notebook_cells, syntax_problem
from tf1_lstm.legacy.doctor.import_paths import Place, display_name

ROOTS = frozenset({"tensorflow", "keras", "numpy", "input_data"})
REPEATED_CELLS = "MultiRNNCell([cell] * n)"
REPEATED_CELLS_WHEN = ("; only when the cell's input size differs from its units (else the "
                       "layers share one set of weights, as in TF 1.2+, and no note is printed)")


@dataclass(frozen=True)
class Reference:
    """A name as ``run`` resolves it: ``module`` imported, then ``attributes`` (the first
    one by ``from module import ...`` when ``from_import``)."""

    module: str
    attributes: tuple[str, ...] = ()
    from_import: bool = False

    def extended(self, more: list[str]) -> Reference:
        return Reference(self.module, (*self.attributes, *more), self.from_import)


@dataclass(frozen=True)
class Location:
    """Where a use is: ``line`` and ``column`` from 1, in notebook cell ``cell`` if any."""

    line: int
    column: int
    cell: int | None = None

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}" if self.cell else f"line {self.line}"


@dataclass(frozen=True)
class Use:
    """One use of a name: as the report shows it, its verdict, where, and how it resolves."""

    name: str
    verdict: Verdict
    location: Location
    reference: Reference


@dataclass(frozen=True)
class Problem:
    """A file, or a notebook cell, that could not be read: python2, syntax or unreadable."""

    kind: str
    message: str
    location: Location | None = None


@dataclass
class FileScan:
    path: Path
    uses: list[Use] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _chain(node: ast.expr) -> tuple[str | None, list[str]]:
    """``a.b.c`` -> ("a", ["b", "c"]); (None, []) when it does not start at a name."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    return (node.id, attributes[::-1]) if isinstance(node, ast.Name) else (None, [])


def _repeats_one_cell(node: ast.expr | None) -> bool:
    """``[cell] * n``, ``n * [cell]``, ``[cell for _ in range(n)]`` (one object n times)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return any(isinstance(side, (ast.List, ast.Tuple)) and len(side.elts) == 1
                   for side in (node.left, node.right))
    if isinstance(node, ast.ListComp) and isinstance(node.elt, (ast.Name, ast.Attribute)):
        bound = {n.id for g in node.generators for n in ast.walk(g.target)
                 if isinstance(n, ast.Name)}
        return not any(isinstance(n, ast.Name) and n.id in bound for n in ast.walk(node.elt))
    return False


class _Scanner(ast.NodeVisitor):
    """Collects the uses of one file (or one notebook, cell after cell)."""

    def __init__(self, catalogue: Catalogue, own_modules: frozenset[str]) -> None:
        self.catalogue = catalogue
        self.own_modules = own_modules
        self.aliases: dict[str, Reference] = {}
        self.imported: set[str] = set()  # the module paths this file imports
        self.uses: list[Use] = []
        self.cell: int | None = None

    def as_imported(self, reference: Reference) -> Reference:
        """``tf.contrib.rnn.python.ops.rnn_cell.X`` after ``import tensorflow.contrib.rnn.
        python.ops.rnn_cell``: importing a module binds it on its parent, so the attribute
        chain reaches what the import gave (the longest path this file imports)."""
        for end in range(len(reference.attributes), 0, -1):
            path = ".".join([reference.module, *reference.attributes[:end]])
            if path in self.imported:
                return Reference(path, reference.attributes[end:])
        return reference

    def verdict(self, reference: Reference) -> Verdict:
        reference = self.as_imported(reference)
        return self.catalogue.walk(reference.module, reference.attributes,
                                   reference.from_import)

    def record(self, reference: Reference, node: ast.AST, name: str | None = None,
               verdict: Verdict | None = None) -> None:
        verdict = verdict or self.verdict(reference)
        if verdict.status != UNREPORTED:
            location = Location(node.lineno, node.col_offset + 1, self.cell)
            self.uses.append(Use(name or display_name(reference.module, reference.attributes),
                                 verdict, location, self.as_imported(reference)))

    def is_tf1_module(self, module: str | None) -> bool:
        top = (module or "").split(".")[0]
        return top in ROOTS and not (top == "input_data" and top in self.own_modules)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if not self.is_tf1_module(alias.name):
                continue
            self.imported.add(alias.name)
            if alias.name != "numpy":  # NumPy itself is not a TF1 name
                self.record(Reference(alias.name), node)
            bound = alias.asname or alias.name.split(".")[0]
            self.aliases[bound] = Reference(alias.name if alias.asname else bound)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not self.is_tf1_module(node.module):
            return  # a relative import is the user's own package
        self.imported.add(node.module)
        for alias in node.names:
            if alias.name == "*":
                self.record(Reference(node.module), node)
                continue
            reference = Reference(node.module, (alias.name,), from_import=True)
            self.record(reference, node)
            self.aliases[alias.asname or alias.name] = reference

    def reference(self, node: ast.expr) -> Reference | None:
        root, attributes = _chain(node)
        return self.aliases[root].extended(attributes) if root in self.aliases else None

    def visit_Attribute(self, node: ast.Attribute) -> None:
        reference = self.reference(node)
        if reference is None:
            self.generic_visit(node)
        else:
            self.record(reference, node)

    def visit_Name(self, node: ast.Name) -> None:
        reference = self.aliases.get(node.id)
        if reference is not None and reference.from_import and isinstance(node.ctx, ast.Load):
            self.record(reference, node)

    def visit_Call(self, node: ast.Call) -> None:
        reference = self.reference(node.func)
        if reference is not None and self.judge_call(reference, node):
            for argument in (*node.args, *node.keywords):  # the call is its TF 0.x form only
                self.visit(argument)
        else:
            self.generic_visit(node)

    def judge_call(self, reference: Reference, node: ast.Call) -> bool:
        """Record a call ``run`` treats by its arguments; True for a TF 0.x argument order."""
        imported = self.as_imported(reference)
        place = self.catalogue.resolve(imported.module, imported.attributes, imported.from_import)
        if not isinstance(place, Place):
            return False
        path = place.tf_path
        if path in legacy_tables.old_order_calls():
            parameters = self.catalogue.function_parameters(place)
            shape = legacy_tables.CallShape(tuple(node.args),
                                            frozenset(k.arg for k in node.keywords if k.arg))
            if legacy_tables.is_old_order_call(path, shape, parameters):
                self.record(reference, node, legacy_tables.old_order_subject(path),
                            Verdict(EMULATED, legacy_tables.old_order_note(path, parameters)))
                return True
        cells = node.args[0] if node.args else next(
            (k.value for k in node.keywords if k.arg == "cells"), None)
        if reference.attributes[-1:] == ("MultiRNNCell",) and _repeats_one_cell(cells) and (
                self.verdict(reference).status == SERVED):
            note = legacy_tables.repeated_cells_note() + REPEATED_CELLS_WHEN
            self.record(reference, node, REPEATED_CELLS, Verdict(EMULATED, note))
        return False

    def scan(self, source: str | bytes, filename: str) -> Problem | None:
        """Add the uses of ``source``; the Problem when it is not Python 3."""
        try:
            tree = ast.parse(source, filename=filename)
        except SyntaxError as error:
            text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
            problem = syntax_problem(error, text)
            return Problem(problem.kind, problem.message,
                           Location(problem.line, 1, self.cell) if problem.line else None)
        except ValueError as error:  # e.g. null bytes
            return Problem("unreadable", f"not Python source: {error}")
        try:
            self.visit(tree)
        except RecursionError:
            return Problem("unreadable", "nested too deeply to read")
        return None


def _own_modules(folder: Path) -> frozenset[str]:
    """The modules a script in ``folder`` imports from beside it (sys.path[0] under run)."""
    return frozenset({p.stem for p in folder.glob("*.py")}
                     | {p.parent.name for p in folder.glob("*/__init__.py")})


def scan_file(path: Path, catalogue: Catalogue) -> FileScan:
    """The uses and problems of one ``.py`` file or ``.ipynb`` notebook."""
    found = FileScan(path)
    scanner = _Scanner(catalogue, _own_modules(path.parent))
    try:
        if path.suffix == ".ipynb":
            chunks = notebook_cells(path)
        else:
            chunks = [(None, path.read_bytes())]
    except (OSError, NotebookError) as error:
        found.problems.append(Problem("unreadable", f"cannot read it: {error}"))
        return found
    for cell, source in chunks:
        scanner.cell = cell
        problem = scanner.scan(source, str(path))
        if problem is not None:
            found.problems.append(problem)
    found.uses = scanner.uses
    return found
