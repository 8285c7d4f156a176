"""The proof against the original: the checkpoint's own graph, restored, run on the proof input.

Rebuilding TF1 cells from the port's own reading of the checkpoint can only confirm that
reading. The graph in ``PREFIX.meta`` is what the user trained, so when it is there the port's
logits are compared with *its* logits (TF1 world)::

    imported graph ──restore PREFIX──> feed the RNN's input x ──> fetch its logits
        static_rnn:   x_t = the input each layer-0 application concatenates with h  [B, I] x T
        dynamic_rnn:  the time-major tensor dynamic_rnn scatters into its loop      [T, B, I]

Feeding the RNN's input, not the script's placeholder, makes the proof independent of how
the script shaped its data (reshape, transpose, split, unstack). Other placeholders the logits
need (``keep_prob``, a ``sequence_length``) are given with ``--feed NAME=VALUE``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf1_lstm.compat import tf
from tf1_lstm.port.errors import CheckpointUnreadable, GraphProofImpossible, UnportedVariable
from tf1_lstm.port.graph_facts import (
    GraphFacts,
    find_variable,
    readers,
    upstream_ops,
    upstream_variables,
)
from tf1_lstm.port.tf1_rnn import Tf1Rnn

_MISSING_FEED = re.compile(r"value for placeholder tensor '([^']+)'")
RANDOM_OPS = {"RandomUniform", "RandomStandardNormal", "TruncatedNormal", "Multinomial",
              "RandomShuffle", "StatelessRandomUniformV2"}


@dataclass(frozen=True)
class GraphRun:
    """Where the original graph is fed and fetched."""

    logits: tuple[tf.Tensor, ...]  # one [B, n] (or [B*T, n], [B, T, n]); static_rnn with a
    # head on every step: T of them, one per step
    inputs: tuple[tf.Tensor, ...]  # see ``layout``
    layout: str  # "static": T tensors [B, I]; "time_major": one [T, B, I]; "batch_major":
    # one [B, T, I]; "ids": the embedding lookup's ids [B, T]
    batch: int | None  # fixed by the graph, or None
    steps: int | None

    def proof_shape(self, batch: int, steps: int, input_size: int) -> tuple[int, int, int]:
        """(B, T, I) of the proof input: the graph's own sizes where it fixes them."""
        return (self.batch or batch, self.steps or steps, input_size)


def locate(facts: GraphFacts, model: Tf1Rnn) -> GraphRun:
    """The logits and the RNN input in the imported graph; GraphProofImpossible if unclear.
    Where the graph's ops do not apply the port's cells (a cuDNN layer computes from its
    buffer), the one placeholder shaped like the RNN's input is fed instead."""
    logits = _logits(facts.graph, model)
    upstream = upstream_ops(logits)
    if model.embedding:
        return _ids_run(facts, model, logits, upstream)
    try:
        return _rnn_input_run(facts, model, logits, upstream)
    except GraphProofImpossible as error:
        run = _placeholder_run(model, logits, upstream)
        if run is None:
            raise error from None
        return run


def _placeholder_run(model: Tf1Rnn, logits: tuple, upstream: dict) -> GraphRun | None:
    """The graph fed at its one float placeholder [., ., I] on the way to the logits: time
    major if it fixes T and leaves B free ([T, None, I]), else batch major; None if there is
    not exactly one."""
    found = [op.outputs[0] for op in upstream.values() if op.type == "Placeholder"
             and op.outputs[0].dtype.is_floating and op.outputs[0].shape.rank == 3
             and op.outputs[0].shape.as_list()[2] == model.input_size]
    if len(found) != 1:
        return None
    first, second, _ = found[0].shape.as_list()
    if first is not None and second is None:
        return GraphRun(logits, (found[0],), "time_major", None, first)
    return GraphRun(logits, (found[0],), "batch_major", first, second)


def _rnn_input_run(facts: GraphFacts, model: Tf1Rnn, logits: tuple, upstream: dict
                   ) -> GraphRun:
    """Feed the tensors the first layer's cells read (whatever the script did to x)."""
    layer_0 = _first_applications(facts, model.layers[0].scope, upstream)
    back_0 = _first_applications(facts, model.backward[0].scope, upstream) \
        if model.backward else []
    if layer_0[0].x.op.type == "TensorArrayReadV3":  # dynamic_rnn's loop reads its input
        if len(layer_0) != 1:
            raise GraphProofImpossible("the logits depend on several dynamic_rnn calls")
        scattered = _scattered_input(layer_0[0].x)
        if not model.backward:
            t, b = scattered.shape.as_list()[:2] if scattered.shape.rank else (None, None)
            return GraphRun(logits, (scattered,), "time_major", b, t)
        # bidirectional: both directions read one [B, T, I] tensor, the backward one reversed
        x = _before_transpose(scattered)
        if x is None or any(x.op.name not in upstream_ops([_scattered_input(a.x)])
                            for a in back_0):
            raise GraphProofImpossible("the two directions of the bidirectional RNN do not "
                                       "read one input tensor the port could feed")
        b, t = x.shape.as_list()[:2] if x.shape.rank else (None, None)
        return GraphRun(logits, (x,), "batch_major", b, t)
    order = {op.name: k for k, op in enumerate(facts.graph.get_operations())}
    layer_0.sort(key=lambda a: order[a.op.name])  # creation order is time order in static_rnn
    xs = tuple(a.x for a in layer_0)
    if not {a.x.name for a in back_0} <= {x.name for x in xs}:  # the same list, reversed
        raise GraphProofImpossible("the backward direction does not read the forward "
                                   "direction's inputs")
    batch = xs[0].shape.as_list()[0] if xs[0].shape.rank else None
    return GraphRun(logits, xs, "static", batch, len(xs))


def _first_applications(facts: GraphFacts, scope: str, upstream: dict) -> list:
    """The applications of layer 0's cell ``scope`` that the logits depend on."""
    found = [a for a in facts.applications if a.op.name in upstream and a.scope == scope
             and facts.layer_index.get(a.op.name) == 0]
    if not found:
        raise GraphProofImpossible(f"the logits do not depend on the cell {scope} in the graph")
    return found


def _before_transpose(tensor: tf.Tensor) -> tf.Tensor | None:
    """x of dynamic_rnn's transpose(x, [1, 0, 2]) into time-major order, else None."""
    op = tensor.op
    return op.inputs[0] if op.type == "Transpose" else None


def _ids_run(facts: GraphFacts, model: Tf1Rnn, logits: tuple, upstream: dict) -> GraphRun:
    """Feed the ids the embedding lookup gathers (an embedding in front of the RNN)."""
    table = find_variable(facts.graph, model.embedding.name)
    gathers = [op for op in readers(table) if op.type.startswith(("Gather", "ResourceGather"))
               and op.name in upstream] if table is not None else []
    if len(gathers) != 1:
        raise GraphProofImpossible(f"the logits do not read {model.embedding.name} through one "
                                   f"embedding lookup ({len(gathers)} found)")
    ids = gathers[0].inputs[1]  # (params, indices[, axis])
    if ids.shape.rank != 2:
        raise GraphProofImpossible(f"the embedding lookup reads ids of shape {ids.shape}, not "
                                   f"[batch, time]")
    b, t = ids.shape.as_list()
    return GraphRun(logits, (ids,), "ids", b, t)


@dataclass(frozen=True)
class ModelReads:
    """The variables the model's output reads in the graph: the logits', or with no head the
    RNN's (every application of its cells)."""

    what: str  # "the model's logits (add:0)", "the RNN's outputs"
    variables: set[str]


def model_reads(facts: GraphFacts, run: GraphRun | None) -> ModelReads:
    if run is not None:
        return ModelReads(f"the model's logits ({run.logits[0].name})",
                          upstream_variables(run.logits))
    outputs = [output for a in facts.applications for output in a.op.outputs]
    return ModelReads("the RNN's outputs", upstream_variables(outputs))


def unported_on_path(reads: ModelReads, model: Tf1Rnn,
                     checkpoint: Mapping[str, object]) -> list[str]:
    """Checkpoint variables the model reads that the port leaves out (an embedding, ...)."""
    return sorted((reads.variables & set(checkpoint)) - model.ported_variables)


def refuse_unported(names: list[str], shapes: Mapping[str, tuple[int, ...]],
                    reads: ModelReads, graph: tf.Graph) -> None:
    """UnportedVariable naming each variable on the path the port would drop."""
    if not names:
        return
    listing = ", ".join(f"{name} {list(shapes[name])}" for name in names)
    embeddings = [name for name in names if _feeds_gather(name, graph)]
    hint = (f" {', '.join(embeddings)} is looked up (tf.nn.embedding_lookup) on the way: "
            f"port it with --embedding {embeddings[0]} if it is the RNN's input table."
            if embeddings else "")
    raise UnportedVariable(
        f"{reads.what} read {listing}, which the port does not carry over: the ported "
        f"model would compute something else.{hint} Nothing was written.")


def embedding_in_graph(graph: tf.Graph, unported: list[str],
                       shapes: Mapping[str, tuple[int, ...]], input_size: int) -> str | None:
    """The one variable among ``unported`` the graph gathers from and that is shaped like the
    RNN's input table [V, I]; None if there is not exactly one."""
    tables = [name for name in unported if len(shapes[name]) == 2
              and shapes[name][1] == input_size and _feeds_gather(name, graph)]
    return tables[0] if len(tables) == 1 else None


def run_graph(facts: GraphFacts, run: GraphRun, prefix: Path, x: np.ndarray,
              feeds: Mapping[str, str]) -> np.ndarray:
    """The original graph's logits for ``x`` [B, T, I], with the checkpoint restored."""
    feed = _user_feeds(facts.graph, feeds, batch=x.shape[0])
    if run.layout == "time_major":
        feed[run.inputs[0]] = np.ascontiguousarray(x.transpose(1, 0, 2))  # [T, B, I]
    elif run.layout == "static":
        feed.update({tensor: x[:, t] for t, tensor in enumerate(run.inputs)})
    else:  # [B, T, I], or ids [B, T]
        feed[run.inputs[0]] = x.astype(run.inputs[0].dtype.as_numpy_dtype)
    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=2)
    with tf.Session(graph=facts.graph, config=config) as session:
        if facts.saver is None:
            raise GraphProofImpossible(f"{facts.meta} has no Saver to restore the checkpoint")
        try:
            facts.saver.restore(session, str(prefix))
        except (tf.errors.OpError, IndexError, ValueError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise CheckpointUnreadable(
                f"the graph {facts.meta.name} cannot restore {prefix} ({first}): the .data-* "
                f"file is probably truncated or from another model; copy or save it again"
            ) from None
        try:
            first, second = (_stacked(session.run(list(run.logits), feed)) for _ in range(2))
        except tf.errors.InvalidArgumentError as error:
            missing = _MISSING_FEED.search(str(error))
            if missing:
                name = missing[1].split(":")[0]
                raise GraphProofImpossible(
                    f"the graph's logits need placeholder '{name}' fed; give its value with "
                    f"--feed {name}=VALUE (e.g. --feed {name}=1.0 for a dropout keep "
                    f"probability)") from None
            raise GraphProofImpossible(f"running the graph failed: "
                                       f"{str(error).splitlines()[0]}") from None
    if not np.array_equal(first, second):
        random = sorted(name for name, op in upstream_ops(run.logits).items()
                        if op.type in RANDOM_OPS)
        raise GraphProofImpossible(
            f"the graph's logits are random (dropout?): two runs on the same input differ; "
            f"random ops on the way: {', '.join(random[:3]) or 'unknown'}. Feed the keep "
            f"probability as 1.0 with --feed NAME=1.0 if it is a placeholder")
    return first


def _stacked(values: list[np.ndarray]) -> np.ndarray:
    """One logits array: itself, or static_rnn's per-step logits stacked [B, T, n]."""
    return values[0] if len(values) == 1 else np.stack(values, axis=1)


def _logits(graph: tf.Graph, model: Tf1Rnn) -> tuple[tf.Tensor, ...]:
    """The head kernel's MatMul in the model, plus the bias when it is added right after (or
    after the Reshape of tf.layers.dense on [B, T, H]); static_rnn with a head on every step
    multiplies the kernel once per step: one logits tensor per step, in creation order."""
    if model.dense is None:
        raise GraphProofImpossible("the port has no dense head, so there are no logits to "
                                   "compare")
    kernel = find_variable(graph, model.dense.kernel_name)
    if kernel is None:
        raise GraphProofImpossible(f"the graph has no variable {model.dense.kernel_name}")
    matmuls = [op for op in readers(kernel) if op.type in ("MatMul", "BatchMatMulV2")]
    if not matmuls:
        raise GraphProofImpossible(f"{model.dense.kernel_name} is not multiplied in the graph")
    bias = find_variable(graph, model.dense.bias_name) if model.dense.bias_name else None
    bias_readers = set(readers(bias)) if bias is not None else set()
    order = {op.name: k for k, op in enumerate(graph.get_operations())}
    return tuple(_with_bias(op.outputs[0], bias_readers)
                 for op in sorted(matmuls, key=lambda op: order[op.name]))


def _with_bias(logits: tf.Tensor, bias_readers: set) -> tf.Tensor:
    for consumer in logits.consumers():
        if consumer.type == "Reshape":  # tensordot: [B*T, n] -> [B, T, n], then the bias
            for add in consumer.outputs[0].consumers():
                if add.type in ("Add", "AddV2", "BiasAdd") and add in bias_readers:
                    return add.outputs[0]
        if consumer.type in ("Add", "AddV2", "BiasAdd") and consumer in bias_readers:
            return consumer.outputs[0]
    return logits


def _scattered_input(read: tf.Tensor) -> tf.Tensor:
    """The [T, B, I] tensor a dynamic_rnn TensorArray was filled from (TensorArrayScatterV3)."""
    handle = read.op.inputs[0].op  # Enter(TensorArrayV3:0)
    while handle.type == "Enter":
        handle = handle.inputs[0].op
    for consumer in handle.outputs[0].consumers():
        if consumer.type == "TensorArrayScatterV3":
            return consumer.inputs[2]  # (handle, indices, value, flow_in)
    raise GraphProofImpossible(f"cannot find what fills the TensorArray {handle.name}")


def _feeds_gather(name: str, graph: tf.Graph) -> bool:
    """Whether the variable ``name`` is read by a gather (an embedding lookup)."""
    variable = find_variable(graph, name)
    return variable is not None and any(op.type.startswith(("Gather", "ResourceGather"))
                                        for op in readers(variable))


def _user_feeds(graph: tf.Graph, feeds: Mapping[str, str], batch: int) -> dict:
    """--feed NAME=VALUE: the value broadcast to the placeholder's shape (None dims: batch)."""
    result = {}
    for name, text in feeds.items():
        try:
            op = graph.get_operation_by_name(name)
        except KeyError:
            raise GraphProofImpossible(f"--feed {name}=...: the graph has no op named '{name}'") \
                from None
        tensor = op.outputs[0]
        dims = [batch if d is None else d for d in tensor.shape.as_list()] \
            if tensor.shape.rank is not None else []
        try:
            value = np.full(dims, float(text), dtype=tensor.dtype.as_numpy_dtype)
        except ValueError:
            raise GraphProofImpossible(f"--feed {name}={text}: not a number") from None
        result[tensor] = value
    return result
