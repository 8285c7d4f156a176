"""The one bridge between the worlds (``tf1_lstm.worlds``), and the import graph behind it.

A TF2-world module (Keras 3, PyTorch) must never load the TF1 bootstrap: the legacy-Keras
flag would turn its Keras 3 into tf_keras. This is checked two ways: statically, on the
import graph of every module in the package (every ``import`` statement, at the top or in a
function), and at run time, by the bridge refusing a task started in the other world.
The same graph shows the package has no import cycles and that imports only flow down its
layers: cli -> commands -> library (models, cells, fast) -> the TF1 surface (compat,
contrib) -> the base (bootstrap, data, errors, the bridge).
"""

from __future__ import annotations

import ast
import os
import textwrap
from pathlib import Path

import numpy as np
import pytest

import tf1_lstm
from tf1_lstm.bench.runner import TASKS as BENCH_TASKS
from tf1_lstm.port.worlds import TARGET_TASKS
from tf1_lstm.worlds import WorldProcess, world_env

PACKAGE = Path(tf1_lstm.__file__).parent
TF1_ROOTS = {"tf1_lstm.compat", "tf1_lstm.bootstrap"}  # what makes a process the TF1 world


# Entry points a tool looks up by the package's name, left out of the graph: `%load_ext
# tf1_lstm` calls tf1_lstm.load_ipython_extension, which imports the extension (the TF1 world)
# inside that function; IPython is the only caller, and `import tf1_lstm` imports nothing.
ENTRY_HOOKS = {"tf1_lstm": {"tf1_lstm.notebook", "tf1_lstm.notebook.extension"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_paths() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """tf1_lstm module -> the tf1_lstm modules it imports (anywhere in its code)."""
    modules = module_paths()
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
        imported = {module for module in found if module in modules}
        # importing a.b.c runs a/__init__ and a/b/__init__ too
        imported |= {parent for module in imported for parent in _parents(module)
                     if parent in modules}
        graph[name] = imported - {name} - ENTRY_HOOKS.get(name, set())
    return graph


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:k]) for k in range(1, len(parts))]


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        module = todo.pop()
        for imported in graph.get(module, ()):
            if imported not in seen:
                seen.add(imported)
                todo.append(imported)
    return seen


def declared_world(module: str) -> str | None:
    """The module's ``WORLD = "tf1" | "tf2"``, if it declares one."""
    for node in ast.parse(module_paths()[module].read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "WORLD"
                                                for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def tf2_modules(graph: dict[str, set[str]]) -> list[str]:
    return sorted(module for module in graph if declared_world(module) == "tf2")


def test_tf2_world_modules_cannot_reach_the_tf1_bootstrap():
    graph = import_graph()
    modules = tf2_modules(graph)
    assert {"tf1_lstm.port.keras_target", "tf1_lstm.port.torch_target",
            "tf1_lstm.bench.keras_model", "tf1_lstm.bench.torch_model"} <= set(modules)
    for module in modules:
        assert not reachable(graph, module) & TF1_ROOTS, module


def test_the_import_walk_sees_imports_inside_functions(tmp_path):
    # the check above would be empty if function-level imports were missed: the TF1 task
    # imports compat at the top, the command imports it inside a function
    graph = import_graph()
    assert "tf1_lstm.compat" in graph["tf1_lstm.bench.tf1_graphs"]
    assert "tf1_lstm.compat" in graph["tf1_lstm.port.command"]


def test_every_task_declares_the_world_it_is_started_in():
    for job_world, task in BENCH_TASKS.items():
        assert declared_world(task) == ("tf1" if job_world == "tf1" else "tf2"), task
    for task in TARGET_TASKS.values():
        assert declared_world(task) == "tf2", task


def test_tf1_world_gets_the_legacy_keras_flag_and_tf2_loses_it(monkeypatch):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")  # as in a TF1-world caller
    assert world_env("tf1")["TF_USE_LEGACY_KERAS"] == "1"
    assert "TF_USE_LEGACY_KERAS" not in world_env("tf2")
    with pytest.raises(ValueError, match="unknown world"):
        world_env("keras")


@pytest.fixture
def task_folder(tmp_path, monkeypatch) -> Path:
    """A task module of the test's own, importable by the world process."""
    (tmp_path / "echo_task.py").write_text(textwrap.dedent("""
        import os
        WORLD = "tf2"

        def run_task(request, arrays):
            if request.get("fail"):
                raise KeyError("the request asked for a failure")
            flag = os.environ.get("TF_USE_LEGACY_KERAS")
            return {"got": request["n"], "flag": flag}, {"doubled": 2 * arrays["x"]}
    """))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
        str(tmp_path), os.environ.get("PYTHONPATH")])))
    return tmp_path


def test_data_goes_in_and_comes_back_plain(task_folder):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    with WorldProcess("tf2", "echo_task", {"n": 7}, {"x": x}) as process:
        done = process.result(timeout=120)
    assert done.ok and done.result == {"got": 7, "flag": None}
    np.testing.assert_array_equal(done.arrays["doubled"], 2 * x)


def test_a_task_error_comes_back_with_its_type_and_message(task_folder):
    with WorldProcess("tf2", "echo_task", {"fail": True}) as process:
        done = process.result(timeout=120)
    assert not done.ok and done.error_type == "KeyError"
    assert "asked for a failure" in done.error and "Traceback" in done.stderr


def test_a_task_started_in_the_other_world_is_refused(task_folder):
    with WorldProcess("tf1", "echo_task", {"n": 1}) as process:
        done = process.result(timeout=120)
    assert not done.ok and "declares WORLD = 'tf2' but was started in the tf1 world" in done.error


def test_a_task_that_runs_too_long_is_stopped(task_folder):
    (task_folder / "slow_task.py").write_text(
        "import time\nWORLD = 'tf2'\ndef run_task(request, arrays):\n    time.sleep(60)\n")
    with WorldProcess("tf2", "slow_task", {}) as process:
        done = process.result(timeout=2)
    assert not done.ok and done.error == "timed out after 2 s"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle among the package's modules (as found by a depth-first walk)."""
    found, state = [], {}  # module -> "open" while on the walk's path, "done" after

    def walk(module: str, path: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph.get(module, ())):
            if imported in _parents(module):
                continue  # a module's own package: Python runs it first, not a cycle
            if state.get(imported) == "open":
                found.append(path[path.index(imported):] + [imported])
            elif imported not in state:
                walk(imported, [*path, imported])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    return found


def test_the_package_has_no_import_cycles():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_the_data_reader_and_the_bootstrap_stand_alone():
    # data/ is read by both worlds and by users without TensorFlow; the bootstrap is the
    # bottom of the TF1 world: neither may import anything above it
    graph = import_graph()
    allowed = {"tf1_lstm", "tf1_lstm.errors"}
    for module in ("tf1_lstm.data.idx", "tf1_lstm.data.mnist", "tf1_lstm.bootstrap"):
        assert {m for m in reachable(graph, module) if not m.startswith("tf1_lstm.data")} \
            <= allowed, module


# The package's layers, top to bottom: a module imports its own layer or the ones below it.
LAYERS = (
    ("entry", {"tf1_lstm.__main__", "tf1_lstm.cli", "tf1_lstm.activate"}),
    ("commands", {"tf1_lstm.bench", "tf1_lstm.claims", "tf1_lstm.demo", "tf1_lstm.inspect",
                  "tf1_lstm.port", "tf1_lstm.verify", "tf1_lstm.legacy", "tf1_lstm.notebook"}),
    ("library", {"tf1_lstm.models", "tf1_lstm.fast", "tf1_lstm.train", "tf1_lstm.cells"}),
    ("tf1 surface", {"tf1_lstm.compat", "tf1_lstm.contrib"}),
    ("base", {"tf1_lstm", "tf1_lstm.bootstrap", "tf1_lstm.data", "tf1_lstm.errors",
              "tf1_lstm.output_files", "tf1_lstm.progress", "tf1_lstm.worlds"}),
)


def layer_of(module: str) -> int:
    """The index in LAYERS of the module's top-level group (tf1_lstm.port.files -> port)."""
    group = ".".join(module.split(".")[:2])
    return next(index for index, (_, groups) in enumerate(LAYERS) if group in groups)


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{module} ({LAYERS[layer_of(module)][0]}) imports {imported} "
                  f"({LAYERS[layer_of(imported)][0]})"
                  for module, imports in graph.items() for imported in imports
                  if layer_of(imported) < layer_of(module))


def test_every_module_has_a_layer():
    unplaced = []
    for module in import_graph():
        try:
            layer_of(module)
        except StopIteration:
            unplaced.append(module)
    assert unplaced == [], "add these to LAYERS"


def test_imports_flow_down_the_layers_cli_commands_library_contrib_bootstrap():
    assert upward_imports(import_graph()) == []


def test_the_layer_check_sees_an_upward_import():
    graph = {"tf1_lstm.contrib.rnn": {"tf1_lstm.models.cells"},
             "tf1_lstm.cli": {"tf1_lstm.port.command"}}
    assert upward_imports(graph) == [
        "tf1_lstm.contrib.rnn (tf1 surface) imports tf1_lstm.models.cells (library)"]
