"""``TF1_LSTM_STEP_TIMES=FILE``: the wall time of every ``tf.Session.run`` of an unmodified script.

With the variable set, ``activate()`` (``tf1-lstm run``, ``run --fast``, the TF1 kernel) calls
``install(FILE)``: ``tf.compat.v1.Session`` and ``InteractiveSession`` get a ``run`` that times
each call, set on the classes themselves, so the tuned subclasses ``run --fast`` puts in
their place (``legacy.fast_calls``) inherit it whichever of the two is installed first::

    seconds = perf_counter() when run returned - perf_counter() when it was called

Each call is keyed by what it fetched (``fetch_key``): the names of the fetched ops and
tensors, in the structure of the fetches (``Adam``, ``[loss:0, Adam]``,
``LSTMStateTuple(c=..., h=...)``, ``{'acc': Mean:0}``), with `` @graph N`` for the N-th
graph a session ran (N >= 2), so that two graphs with the same op names keep two keys. At
interpreter exit FILE is written (atomically) as JSON::

    {"script_seconds": 41.2,                          # install() -> exit
     "calls": {"Adam": [0.31, 0.012, ...], ...},      # key -> seconds of each call, in order
     "fetches": {"Adam": {"graph": 1, "trains": true}, ...},
     "graphs": {"1": ["basic_lstm_cell"], ...}}       # the RNN cell scopes of its variables

``trains``: the fetch depends, through inputs or control inputs, on an optimizer's update op
(type ``Apply*``, ``ResourceApply*``, ``SparseApply*``, ``ResourceSparseApply*``: what every
``tf.train`` optimizer's ``minimize`` / ``apply_gradients`` runs), or ``null`` when the search
gave up on a very large graph. Not timed: calls that raise, and ``make_callable`` /
``partial_run`` (tf_keras's graph-mode ``fit`` runs through ``make_callable``).

Without the variable this module is not imported and nothing is installed. ``read(FILE)``
gives the written file back (``tf1_lstm.bench.examples``); it imports no TensorFlow.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sys
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tf1_lstm.output_files import OutputPathError, check_new_file, write_text_atomically

UPDATE_OP = re.compile(r"(Resource)?(Sparse)?Apply[A-Z]")  # ResourceApplyAdam, ApplyAdam, ...
SEARCH_LIMIT = 200_000  # ops visited before `trains` gives up (null)
CELL_SCOPE = re.compile(r"(?:^|/)(\w*_cell)/")  # rnn/multi_rnn_cell/cell_0/gru_cell/... -> gru_cell


def _element_name(element) -> str:
    if isinstance(element, str):  # a graph element's name, as Session.run takes it
        return element
    name = getattr(element, "name", None)
    return name if isinstance(name, str) else type(element).__name__


def fetch_text(fetches) -> str:
    """The fetched ops' and tensors' names, in the structure of ``fetches``."""
    if isinstance(fetches, Mapping):
        return "{" + ", ".join(f"{key!r}: {fetch_text(value)}"
                               for key, value in fetches.items()) + "}"
    if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):  # a namedtuple
        fields = zip(fetches._fields, fetches, strict=True)
        return (f"{type(fetches).__name__}("
                + ", ".join(f"{name}={fetch_text(value)}" for name, value in fields) + ")")
    if isinstance(fetches, list):
        return "[" + ", ".join(map(fetch_text, fetches)) + "]"
    if isinstance(fetches, tuple):
        return "(" + ", ".join(map(fetch_text, fetches)) + ("," if len(fetches) == 1 else "") + ")"
    return _element_name(fetches)


def _elements(fetches) -> list:
    """The leaves of a fetch structure (ops, tensors, variables, names)."""
    if isinstance(fetches, Mapping):
        fetches = list(fetches.values())
    if isinstance(fetches, (list, tuple)):
        return [leaf for item in fetches for leaf in _elements(item)]
    return [fetches]


def _op_of(element, graph):
    if isinstance(element, str):
        element = graph.as_graph_element(element)
    return element if hasattr(element, "control_inputs") else element.op


def runs_an_update(fetches, graph) -> bool | None:
    """Whether running ``fetches`` runs an optimizer's update op (None: too large to tell)."""
    todo = [_op_of(element, graph) for element in _elements(fetches)]
    seen = {op.name for op in todo}
    while todo:
        op = todo.pop()
        if UPDATE_OP.match(op.type):
            return True
        for below in (*op.control_inputs, *(tensor.op for tensor in op.inputs)):
            if below.name not in seen:
                seen.add(below.name)
                todo.append(below)
        if len(seen) > SEARCH_LIMIT:
            return None
    return False


def cell_scopes(graph) -> list[str]:
    """The RNN cell scopes among the graph's variables (``basic_lstm_cell``, ``gru_cell``)."""
    names = (variable.name for variable in graph.get_collection("variables"))
    return sorted({scope for name in names for scope in CELL_SCOPE.findall(name)
                   if scope != "multi_rnn_cell"})


@dataclass
class Recorder:
    """The calls of one process, by fetch key; ``to_json`` is the file's text."""

    started: float = field(default_factory=time.perf_counter)
    calls: dict[str, list[float]] = field(default_factory=dict)
    fetches: dict[str, dict] = field(default_factory=dict)
    graphs: dict[str, list[str]] = field(default_factory=dict)
    _graph_numbers: weakref.WeakKeyDictionary = field(default_factory=weakref.WeakKeyDictionary)

    def key(self, graph, fetches) -> str:
        """``fetch_text(fetches)`` (`` @graph N`` after it for the N-th graph seen, N >= 2);
        the first call of a key also notes its graph and whether it trains."""
        number = self._graph_numbers.get(graph)
        if number is None:
            number = self._graph_numbers[graph] = len(self.graphs) + 1
            self.graphs[str(number)] = cell_scopes(graph)
        try:
            text = fetch_text(fetches)
        except Exception:  # noqa: BLE001 - a fetch the session will refuse: its own error
            text = f"<{type(fetches).__name__}>"
        key = text if number == 1 else f"{text} @graph {number}"
        if key not in self.fetches:
            try:
                trains = runs_an_update(fetches, graph)
            except Exception:  # noqa: BLE001 - not a graph element: Session.run says why
                trains = False
            self.fetches[key] = {"graph": number, "trains": trains}
        return key

    def add(self, key: str, seconds: float) -> None:
        self.calls.setdefault(key, []).append(seconds)

    def to_json(self) -> str:
        return json.dumps({"script_seconds": time.perf_counter() - self.started,
                           "calls": self.calls, "fetches": self.fetches,
                           "graphs": self.graphs}, indent=1)


_recorder: Recorder | None = None


def _timed(original):
    """``original`` (a Session class's ``run``) timing each call into the recorder."""
    def run(self, fetches, *args, **kwargs):
        key = _recorder.key(self.graph, fetches)
        start = time.perf_counter()
        result = original(self, fetches, *args, **kwargs)
        _recorder.add(key, time.perf_counter() - start)
        return result

    run.__doc__, run.__name__, run.__qualname__ = original.__doc__, "run", original.__qualname__
    run.tf1_lstm_step_times = original
    return run


def _write(path: Path, pid: int) -> None:
    if os.getpid() != pid:  # a forked child exiting through atexit: the parent writes
        return
    try:
        write_text_atomically(path, _recorder.to_json() + "\n")
    except OutputPathError as error:
        print(f"tf1-lstm: error: {error}", file=sys.stderr)


def install(file: str, source: str = "step times") -> None:
    """Time every Session.run from now on; write ``file`` at exit (idempotent). A ``file``
    that cannot be written is an ``OutputPathError`` now, before the script runs; its
    message names ``source`` (``TF1_LSTM_STEP_TIMES``, from ``activate()``)."""
    global _recorder
    if _recorder is not None:
        return
    from tf1_lstm.compat import tf  # tf.compat.v1: the facade's tf.Session is its Session

    path = Path(file).absolute()  # the script may change folder
    check_new_file(path, source, force=True, example_name="step_times.json")
    _recorder = Recorder()
    for name in ("Session", "InteractiveSession"):
        cls = getattr(tf, name)
        cls = vars(cls).get("tf1_lstm_original", cls)  # under run --fast: the tuned one's base
        if not hasattr(vars(cls).get("run"), "tf1_lstm_step_times"):
            cls.run = _timed(cls.run)
    atexit.register(_write, path, os.getpid())


@dataclass(frozen=True)
class StepTimes:
    """A file written at exit, read back."""

    script_seconds: float
    calls: dict[str, list[float]]  # key -> seconds of each call
    fetches: dict[str, dict]       # key -> {"graph": N, "trains": bool | None}
    graphs: dict[int, list[str]]   # N -> the RNN cell scopes of its variables


def read(file: str | Path) -> StepTimes:
    data = json.loads(Path(file).read_text(encoding="utf-8"))
    return StepTimes(data["script_seconds"], data["calls"], data["fetches"],
                     {int(number): scopes for number, scopes in data["graphs"].items()})
