"""Build ``outputs, states`` for one cell or stack, run it once, and describe it as data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import layer_states
from tf1_lstm.inspect.checks import checks_for
from tf1_lstm.inspect.data import (
    Inspection,
    InspectOptions,
    LayerParameters,
    TreeNode,
    Variable,
    validated_options,
)
from tf1_lstm.inspect.format import code_lines, describer, notes

# The graph


def _short_name(variable_name: str) -> str:
    """'rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0' -> 'gates/kernel'."""
    parts = variable_name.split(":")[0].split("/")
    cell_scope = max(i for i, part in enumerate(parts) if part.endswith("_cell"))
    return "/".join(parts[cell_scope + 1:])


def _layer_of(variable_name: str, layers: int) -> int:
    if layers == 1:
        return 0
    for layer in range(layers):
        if f"/cell_{layer}/" in variable_name:
            return layer
    raise AssertionError(f"variable {variable_name} belongs to no MultiRNNCell layer")


# ---------------------------------------------------------------------------------------------
# The tree


def _walk(value: Any, path: str, aliases: tuple[str, ...], keys: tuple, depth: int,
          parent: str | None, describe: Callable[[tuple], str], nodes: list[TreeNode]) -> None:
    """Append the node for ``value`` and then its children, depth first, in index order."""
    from tf1_lstm.compat import tf

    if isinstance(value, tf.Tensor):
        shape = tuple(value.get_shape().as_list())
        nodes.append(TreeNode(path, aliases, "Tensor", shape, describe(keys), depth, parent, 0))
        return
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"unexpected {type(value).__name__} at {path}")
    nodes.append(TreeNode(path, aliases, type(value).__name__, None, describe(keys), depth,
                          parent, len(value)))
    fields = getattr(value, "_fields", None)  # a namedtuple such as LSTMStateTuple(c, h)
    for index, child in enumerate(value):
        if fields:
            child_path, key = f"{path}.{fields[index]}", fields[index]
            suffixes = [f"[{index}]"]
        else:
            child_path, key = f"{path}[{index}]", index
            last = index == len(value) - 1 and len(value) > 1
            suffixes = [f"[{index}]", "[-1]"] if last else [f"[{index}]"]
        names = [name + suffix for name in (path, *aliases) for suffix in suffixes]
        child_aliases = tuple(name for name in names if name != child_path)
        _walk(child, child_path, child_aliases, (*keys, key), depth + 1, path, describe, nodes)


def _tree(outputs: Any, states: Any, options: InspectOptions) -> tuple[TreeNode, ...]:
    nodes: list[TreeNode] = []
    for name, value in (("outputs", outputs), ("states", states)):
        _walk(value, name, (), (), 0, None, describer(options, name), nodes)
    return tuple(nodes)


# ---------------------------------------------------------------------------------------------
# The API


def inspect_rnn(cell: str = "rnn", layers: int = 1, units: int = 5, steps: int = 2,
                inputs: int = 3, batch: int | None = None, mode: str = "dynamic",
                sequence_length: Sequence[int] | None = None, seed: int = 0,
                x_batch: Any = None, unknown_batch: bool = False) -> Inspection:
    """Build ``outputs, states`` for one cell/stack in a fresh graph, run it once, explain it.

    The defaults are document 001's example: one BasicRNNCell(5), 2 steps of 3 inputs, batch
    4, dynamic_rnn. ``batch`` defaults to the rows of ``x_batch``, else the number of
    ``sequence_length`` values, else 4. ``x_batch`` (e.g. ``X_BATCH_001``) replaces the random
    normal input. ``unknown_batch`` builds X with a None batch dimension, as the documents do,
    so the static shapes show ``?`` there. Raises ``InspectError`` for a bad option.
    """
    options, x_array = validated_options(cell, layers, units, steps, inputs, batch, mode,
                                          sequence_length, seed, x_batch, unknown_batch)
    from tf1_lstm.compat import reset_graph, rnn, tf
    from tf1_lstm.models.cells import make_cell, stack_cells

    reset_graph(options.seed)
    if x_array is None:
        shape = (options.batch, options.steps, options.inputs)
        x_array = np.random.default_rng(options.seed).standard_normal(shape).astype(np.float32)

    batch_dim = None if options.unknown_batch else options.batch
    X = tf.placeholder(tf.float32, [batch_dim, options.steps, options.inputs], name="X")
    seq_length = None
    if options.sequence_length is not None:
        seq_length = tf.placeholder(tf.int32, [batch_dim], name="seq_length")
    cells = [make_cell(options.cell, options.units) for layer in range(options.layers)]
    the_cell = stack_cells(cells)
    if options.mode == "static":
        outputs, states = rnn.static_rnn(the_cell, tf.unstack(X, options.steps, 1),
                                         dtype=tf.float32, sequence_length=seq_length)
    else:
        outputs, states = tf.nn.dynamic_rnn(the_cell, X, dtype=tf.float32,
                                            sequence_length=seq_length)
    model_variables = tf.trainable_variables()

    # The reference for "copied through": the same cell object (so the same weights) on one
    # row with a free time axis and no sequence_length.
    X_row = tf.placeholder(tf.float32, [1, None, options.inputs], name="X_row")
    row_outputs, row_states = tf.nn.dynamic_rnn(the_cell, X_row, dtype=tf.float32,
                                                scope="reference")
    if len(tf.trainable_variables()) != len(model_variables):
        raise AssertionError("the reference run created new variables instead of reusing them")

    feed = {X: x_array}
    if seq_length is not None:
        feed[seq_length] = np.asarray(options.sequence_length, dtype=np.int32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run({"outputs": outputs, "states": states}, feed)
        variable_values = sess.run(model_variables)

        def run_row(b: int) -> tuple[np.ndarray, list]:
            length = options.sequence_length[b]
            out, state = sess.run([row_outputs, row_states], {X_row: x_array[b:b + 1, :length]})
            return out, layer_states(state, stacked=options.layers > 1)

        checks = checks_for(options, values["outputs"], values["states"], run_row)

    layers_variables: list[list[Variable]] = [[] for _ in range(options.layers)]
    for variable, value in zip(model_variables, variable_values, strict=True):
        layers_variables[_layer_of(variable.name, options.layers)].append(Variable(
            variable.name, _short_name(variable.name), tuple(variable.get_shape().as_list()),
            value))
    parameters = tuple(
        LayerParameters(layer, type(cells[layer]).__name__,
                        options.inputs if layer == 0 else options.units, options.units,
                        tuple(layer_variables))
        for layer, layer_variables in enumerate(layers_variables))

    return Inspection(options=options, code=code_lines(options),
                      tree=_tree(outputs, states, options), state_size=the_cell.state_size,
                      output_size=int(the_cell.output_size),
                      parameters=parameters, checks=checks, notes=notes(options),
                      inputs=x_array, outputs=values["outputs"], states=values["states"])
