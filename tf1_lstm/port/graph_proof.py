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

    logits: tf.Tensor  # [B, n_classes]
    inputs: tuple[tf.Tensor, ...]  # static: T tensors [B, I]; dynamic: one [T, B, I]
    time_major: bool
    batch: int | None  # fixed by the graph, or None
    steps: int | None

    def proof_shape(self, batch: int, steps: int, input_size: int) -> tuple[int, int, int]:
        """(B, T, I) of the proof input: the graph's own sizes where it fixes them."""
        return (self.batch or batch, self.steps or steps, input_size)


def locate(facts: GraphFacts, model: Tf1Rnn) -> GraphRun:
    """The logits and the RNN input in the imported graph; GraphProofImpossible if unclear."""
    logits = _logits(facts.graph, model)
    upstream = upstream_ops([logits])
    first = model.layers[0].scope
    layer_0 = [a for a in facts.applications if a.op.name in upstream and a.scope == first
               and facts.layer_index.get(a.op.name) == 0]
    if not layer_0:
        raise GraphProofImpossible(f"the logits ({logits.name}) do not depend on the cell "
                                   f"{first} in the graph")
    if layer_0[0].x.op.type == "TensorArrayReadV3":  # dynamic_rnn's loop reads its input
        if len(layer_0) != 1:
            raise GraphProofImpossible("the logits depend on several dynamic_rnn calls")
        scattered = _scattered_input(layer_0[0].x)
        t, b = scattered.shape.as_list()[:2] if scattered.shape.rank else (None, None)
        return GraphRun(logits, (scattered,), True, b, t)
    order = {op.name: k for k, op in enumerate(facts.graph.get_operations())}
    layer_0.sort(key=lambda a: order[a.op.name])  # creation order is time order in static_rnn
    xs = tuple(a.x for a in layer_0)
    batch = xs[0].shape.as_list()[0] if xs[0].shape.rank else None
    return GraphRun(logits, xs, False, batch, len(xs))


@dataclass(frozen=True)
class ModelReads:
    """The variables the model's output reads in the graph: the logits', or with no head the
    RNN's (every application of its cells)."""

    what: str  # "the model's logits (add:0)", "the RNN's outputs"
    variables: set[str]


def model_reads(facts: GraphFacts, run: GraphRun | None) -> ModelReads:
    if run is not None:
        return ModelReads(f"the model's logits ({run.logits.name})",
                          upstream_variables([run.logits]))
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
    hint = (f" {', '.join(embeddings)} is an embedding (tf.nn.embedding_lookup) in front of the "
            f"RNN: tf1-lstm does not port embeddings yet." if embeddings else "")
    raise UnportedVariable(
        f"{reads.what} read {listing}, which the port does not carry over: the ported "
        f"model would compute something else.{hint} Nothing was written.")


def run_graph(facts: GraphFacts, run: GraphRun, prefix: Path, x: np.ndarray,
              feeds: Mapping[str, str]) -> np.ndarray:
    """The original graph's logits for ``x`` [B, T, I], with the checkpoint restored."""
    feed = _user_feeds(facts.graph, feeds, batch=x.shape[0])
    if run.time_major:
        feed[run.inputs[0]] = np.ascontiguousarray(x.transpose(1, 0, 2))  # [T, B, I]
    else:
        feed.update({tensor: x[:, t] for t, tensor in enumerate(run.inputs)})
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
            first, second = (session.run(run.logits, feed) for _ in range(2))
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
        random = sorted(name for name, op in upstream_ops([run.logits]).items()
                        if op.type in RANDOM_OPS)
        raise GraphProofImpossible(
            f"the graph's logits are random (dropout?): two runs on the same input differ; "
            f"random ops on the way: {', '.join(random[:3]) or 'unknown'}. Feed the keep "
            f"probability as 1.0 with --feed NAME=1.0 if it is a placeholder")
    return first


def _logits(graph: tf.Graph, model: Tf1Rnn) -> tf.Tensor:
    """kernel's one MatMul in the model, plus the bias when it is added right after."""
    if model.dense is None:
        raise GraphProofImpossible("the port has no dense head, so there are no logits to "
                                   "compare")
    kernel = find_variable(graph, model.dense.kernel_name)
    if kernel is None:
        raise GraphProofImpossible(f"the graph has no variable {model.dense.kernel_name}")
    matmuls = [op for op in readers(kernel) if op.type == "MatMul"]
    if len(matmuls) != 1:
        raise GraphProofImpossible(
            f"{model.dense.kernel_name} is multiplied in {len(matmuls)} places "
            f"({', '.join(op.name for op in matmuls[:3])}); the port applies the head once, to "
            f"the top layer's last h (a head on every step is not ported yet)")
    logits = matmuls[0].outputs[0]
    bias = find_variable(graph, model.dense.bias_name) if model.dense.bias_name else None
    for add in logits.consumers():
        if add.type in ("Add", "AddV2", "BiasAdd") and bias is not None and \
                add in set(readers(bias)):
            return add.outputs[0]
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
