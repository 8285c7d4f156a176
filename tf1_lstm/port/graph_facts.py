"""What the checkpoint's own graph (the ``.meta`` beside it) says about the model (TF1 world).

A checkpoint holds numbers only. Three facts that decide what the model computes are not
in it, and ``tf.train.Saver`` writes them beside it in ``PREFIX.meta``, the whole graph:

- **forget_bias**, a Python float given to the cell: TF1 adds it as a constant to the
  forget gate's block of each application, ``f + forget_bias``::

      MatMul(concat([x_t, h_prev]), kernel) -> BiasAdd -> Split(4): i, j, f, o
      Split:2 -> Add(f, Const 0.5)                            BasicLSTMCell, LSTMCell
      LSTMBlockCell / BlockLSTM ops: the forget_bias attribute

- **how often each cell is applied per step**: ``MultiRNNCell([cell] * 3)`` (TF >= 1.2) is one
  cell, one set of variables under ``cell_0``, applied three times per step;

- **which variables the model's output reads**: an embedding before the RNN, a second
  dense layer after it: variables a port that leaves them out computes something else without.

An *application* is one MatMul (or block-cell op) that reads a cell's kernel. Application b
takes its input x from application a when a's h reaches b's x within a few ops (h is a few
ops below a's MatMul); b is then one layer above a. Applications whose x comes from outside
any cell are layer 0. So the layers, in order, are read off the data flow, for static_rnn's
unrolled steps and dynamic_rnn's loop body alike (the loop's back edges are not followed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tf1_lstm.cells.kinds import is_lstm
from tf1_lstm.compat import tf
from tf1_lstm.fast.fused import load_for as load_fused_step_for
from tf1_lstm.port.errors import GraphUnreadable
from tf1_lstm.port.tf1_rnn import Tf1Rnn

PASS_THROUGH = {"Identity", "Enter", "ReadVariableOp", "Switch", "RefIdentity", "Snapshot"}
VARIABLE_OPS = {"VariableV2", "Variable", "VarHandleOp"}
BLOCK_OPS = {"LSTMBlockCell": (0, 2), "GRUBlockCell": (0, 1)}  # op -> input index of x, h_prev
NEAR = 10  # how many ops up from a tensor to look for the application that made it
_TRAINING = re.compile(r"(^|/)(gradients(_\d+)?|[^/]*_grad)(/|$)")


@dataclass(frozen=True)
class Application:
    """One cell applied once: the op that reads its kernel, and where its x and h came from."""

    op: tf.Operation  # MatMul(concat([x, h_prev]), kernel), or an LSTMBlockCell/GRUBlockCell op
    scope: str  # the cell's variable scope in the checkpoint
    x: tf.Tensor  # the input at this step [B, I]
    h_prev: tf.Tensor | None  # the recurrent input [B, H]


@dataclass
class GraphFacts:
    """The facts read from the graph; None where the graph did not show them."""

    meta: Path
    graph: tf.Graph
    saver: tf.train.Saver | None
    layer_scopes: tuple[str, ...] | None  # the cell applied as layer 0, 1, ... (may repeat)
    forget_bias: dict[str, tuple[float, str]]  # cell scope -> (value, the op it was read from)
    applications: list[Application]
    layer_index: dict[str, int] = field(default_factory=dict)  # application op -> its layer k
    unknown: list[str] = field(default_factory=list)  # facts that could not be read, and why
    backward_scopes: tuple[str, ...] | None = None  # the same for a bidirectional RNN's bw
    cell_clip: dict[str, tuple[float, str]] = field(default_factory=dict)  # scope -> (clip, op)


def import_graph(meta: Path) -> tuple[tf.Graph, tf.train.Saver | None]:
    """The graph of ``meta`` in a fresh tf.Graph, and its Saver; GraphUnreadable if it fails."""
    graph = tf.Graph()
    try:
        with graph.as_default():
            load_fused_step_for(meta)  # a graph the fast path built holds its fused op
            # a cuDNN layer's SAVEABLE_OBJECTS entry names an op import_meta_graph cannot
            # rebuild (TF issue #23898): the Saver does not need it to restore variables
            saver = tf.train.import_meta_graph(
                str(meta), clear_devices=True,
                restore_collections_predicate=lambda key: key != tf.GraphKeys.SAVEABLE_OBJECTS)
    except Exception as error:  # noqa: BLE001 - an op TF 2.21 lacks, a damaged file, ...
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GraphUnreadable(f"{meta} cannot be imported into TensorFlow 2.21: {first}") from None
    return graph, saver


def read_graph_facts(meta: Path, model: Tf1Rnn,
                     old_names: Mapping[str, str | None] | None = None) -> GraphFacts:
    """Import ``meta`` and read forget_bias, the layer order and the applications of ``model``.
    ``old_names``: a variable's name in an old era's graph, by its TF 1.2+ name (``eras
    .original_names``; None for a kernel saved in row shards, which the graph multiplies
    shard by shard)."""
    graph, saver = import_graph(meta)
    facts = GraphFacts(meta, graph, saver, None, {}, [])
    scopes = {layer.scope: layer for layer in model.all_layers}
    old_names = old_names or {}
    for scope, layer in scopes.items():
        name = old_names.get(layer.main_kernel, layer.main_kernel)
        if name is None:
            facts.unknown.append(f"{layer.main_kernel} was saved in row shards, each "
                                 f"multiplied on its own in the graph")
            continue
        variable = find_variable(graph, name)
        if variable is None:
            facts.unknown.append(f"the graph has no variable {name}")
            continue
        for op in readers(variable):
            if op.type == "MatMul" and op.inputs[0].op.type == "ConcatV2":
                concat = op.inputs[0].op  # concat([x, h_prev], 1)
                facts.applications.append(Application(op, scope, concat.inputs[0],
                                                      concat.inputs[1]))
            elif op.type in BLOCK_OPS:
                x_index, h_index = BLOCK_OPS[op.type]
                facts.applications.append(Application(op, scope, op.inputs[x_index],
                                                      op.inputs[h_index]))
            elif op.type == "BlockLSTM":  # LSTMBlockFusedCell: the whole sequence in one op
                facts.applications.append(Application(op, scope, op.inputs[1], None))
        if is_lstm(layer.kind):
            _read_forget_bias(facts, scope)
            _read_cell_clip(facts, scope)
    facts.layer_scopes = _layer_order(facts, {layer.scope for layer in model.layers})
    if model.backward:
        facts.backward_scopes = _layer_order(facts, {layer.scope for layer in model.backward})
    return facts


def find_variable(graph: tf.Graph, name: str) -> tf.Operation | None:
    """The variable op the checkpoint's ``name`` was saved from (Saver names them alike)."""
    try:
        op = graph.get_operation_by_name(name)
    except KeyError:
        return None
    return op if op.type in VARIABLE_OPS else None


def readers(variable: tf.Operation) -> Iterator[tf.Operation]:
    """The ops of the model that use the variable's value, through reads and loop entries;
    gradient ops and optimizer updates are not the model."""
    seen, todo = set(), [variable]
    while todo:
        op = todo.pop()
        for output in op.outputs:
            for consumer in output.consumers():
                if consumer.name in seen or _TRAINING.search(consumer.name):
                    continue
                seen.add(consumer.name)
                if consumer.type in PASS_THROUGH:
                    todo.append(consumer)
                elif not consumer.type.startswith(("Apply", "ResourceApply", "Assign")):
                    yield consumer


def producer(tensor: tf.Tensor | None, anchors: dict[str, Application]) -> Application | None:
    """The application whose ops computed ``tensor``, looking at most NEAR ops up; loop back
    edges (NextIteration) are not followed, so a loop body's state comes from outside."""
    if tensor is None:
        return None
    frontier, seen = [tensor.op], set()
    for _ in range(NEAR):
        upper = []
        for op in frontier:
            if op.name in anchors:
                return anchors[op.name]
            if op.name in seen or op.type == "NextIteration":
                continue
            seen.add(op.name)
            upper.extend(t.op for t in op.inputs)
        frontier = upper
    return None


def _layer_order(facts: GraphFacts, direction: set[str]) -> tuple[str, ...] | None:
    """Layer k's cell scope for k = 0, 1, ..., among the cells ``direction`` (a bidirectional
    RNN's forward or backward ones); None (with the reason noted) if unclear."""
    anchors = {a.op.name: a for a in facts.applications}
    if not anchors:
        facts.unknown.append("no op in the graph applies the cells' kernels")
        return None
    below = {name: producer(a.x, anchors) for name, a in anchors.items()}
    depth = facts.layer_index  # filled as the layers are found

    def layer_of(name: str, trail: tuple[str, ...] = ()) -> int:
        if name not in depth:
            source = below[name]
            depth[name] = 0 if source is None or source.op.name in trail else \
                layer_of(source.op.name, (*trail, name)) + 1
        return depth[name]

    by_layer: dict[int, set[str]] = {}
    for name, application in anchors.items():
        if application.scope in direction:
            by_layer.setdefault(layer_of(name), set()).add(application.scope)
    if sorted(by_layer) != list(range(len(by_layer))) or any(
            len(scopes) > 1 for scopes in by_layer.values()):
        described = "; ".join(f"layer {k}: {', '.join(sorted(s))}" for k, s in
                              sorted(by_layer.items()))
        facts.unknown.append(f"the cells are applied in more than one arrangement ({described})")
        return None
    return tuple(next(iter(by_layer[k])) for k in range(len(by_layer)))


def _read_forget_bias(facts: GraphFacts, scope: str) -> None:
    """The constant every application of the LSTM cell at ``scope`` adds to its f block."""
    values: dict[float, str] = {}
    for application in (a for a in facts.applications if a.scope == scope):
        found = _forget_bias_of(application.op)
        if found is not None:
            values.setdefault(found[0], found[1])
        else:
            facts.unknown.append(f"no forget_bias constant found after {application.op.name}")
            return
    if len(values) == 1:
        value, where = next(iter(values.items()))
        facts.forget_bias[scope] = (value, where)
    elif values:
        listing = ", ".join(f"{value:g} ({where})" for value, where in values.items())
        facts.unknown.append(f"{scope} is applied with different forget_bias values: {listing}")


def _read_cell_clip(facts: GraphFacts, scope: str) -> None:
    """The cell_clip of the LSTM at ``scope``: a block op's attribute (LSTMBlockCell clipped
    at 3 by default up to TF 1.3; -1 is none), or LSTMCell(cell_clip=C)'s clip_by_value on c
    (none found: nothing recorded)."""
    found = {_cell_clip_of(a.op) for a in facts.applications if a.scope == scope}
    if len(found) == 1 and (clip := next(iter(found))) is not None:
        facts.cell_clip[scope] = clip


def _cell_clip_of(op: tf.Operation) -> tuple[float, str] | None:
    if op.type in ("LSTMBlockCell", "BlockLSTM"):  # -1: no clipping
        return float(op.get_attr("cell_clip")), op.name
    for consumer in _below_in_cell(op, 2 * NEAR):  # c = clip_by_value(f*c + i*j, -C, C)
        if consumer.type == "Minimum" and "clip_by_value" in consumer.name:  # Minimum(c, C)
            value = _constant(consumer.inputs[1])
            if value is not None:
                return value, consumer.name
    return None


def _below_in_cell(op: tf.Operation, depth: int) -> Iterator[tf.Operation]:
    """The ops below ``op``, breadth first, at most ``depth`` steps down, inside the scope
    its cell's ops are made in (not the layer above's), not over a loop's back edge."""
    frontier, seen, cell = [op], set(), _name_scope(op)
    for _ in range(depth):
        below = []
        for current in frontier:
            for consumer in (c for out in current.outputs for c in out.consumers()):
                if consumer.name in seen or consumer.type == "NextIteration" or \
                        not consumer.name.startswith(cell):
                    continue
                seen.add(consumer.name)
                below.append(consumer)
                yield consumer
        frontier = below


def _name_scope(op: tf.Operation) -> str:
    """'rnn/while/.../cell_0/lstm_cell/': the scope an application's ops are made in."""
    return op.name.rpartition("/")[0] + "/"


def _forget_bias_of(op: tf.Operation) -> tuple[float, str] | None:
    """(forget_bias, op name) for one application: Split:2 + Const, or the block op's attr."""
    if op.type in ("LSTMBlockCell", "BlockLSTM"):
        return float(op.get_attr("forget_bias")), op.name
    split = next(_follow(op, ["BiasAdd", "Split"]), None) or next(_follow(op, ["Split"]), None)
    if split is None or len(split.outputs) != 4:
        return None
    for add in split.outputs[2].consumers():  # f
        if add.type in ("Add", "AddV2"):
            other = next(t for t in add.inputs if t is not split.outputs[2])
            value = _constant(other)
            if value is not None:
                return value, add.name
    return _forget_bias_after_norm(split.outputs[2])


def _forget_bias_after_norm(f: tf.Tensor) -> tuple[float, str] | None:
    """LayerNormBasicLSTMCell: sigmoid(LN_forget(f) + forget_bias), a few ops below f. The
    Add of a scalar Const that feeds a Sigmoid (layer norm's own epsilon feeds an Rsqrt)."""
    for consumer in _below_in_cell(f.op, NEAR):
        if consumer.type in ("Add", "AddV2") and any(
                c.type == "Sigmoid" for c in consumer.outputs[0].consumers()):
            value = next((v for v in map(_constant, consumer.inputs) if v is not None), None)
            if value is not None:
                return value, consumer.name
    return None


def _follow(op: tf.Operation, types: Iterable[str]) -> Iterator[tf.Operation]:
    """The op reached from ``op`` through consumers of the given types, in turn."""
    current = [op]
    for wanted in types:
        current = [c for o in current for out in o.outputs for c in out.consumers()
                   if c.type == wanted]
    yield from current


def _constant(tensor: tf.Tensor) -> float | None:
    """The scalar a Const (possibly behind Identity/Enter) holds, else None."""
    op = tensor.op
    while op.type in PASS_THROUGH and op.inputs:
        op = op.inputs[0].op
    if op.type != "Const":
        return None
    value = tf.make_ndarray(op.get_attr("value"))
    return float(value) if value.size == 1 else None


def upstream_ops(tensors: Iterable[tf.Tensor]) -> dict[str, tf.Operation]:
    """Every op whose output flows into ``tensors`` (all inputs, loops too), by name."""
    seen: dict[str, tf.Operation] = {}
    todo = [t.op for t in tensors]
    while todo:
        op = todo.pop()
        if op.name not in seen:
            seen[op.name] = op
            todo.extend(t.op for t in op.inputs)
    return seen


def upstream_variables(tensors: Iterable[tf.Tensor]) -> set[str]:
    """Names of every variable whose value flows into ``tensors``."""
    return {name for name, op in upstream_ops(tensors).items() if op.type in VARIABLE_OPS}
