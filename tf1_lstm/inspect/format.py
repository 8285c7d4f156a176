"""The words of ``tf1-lstm inspect``: what each node is, and the text printed for an Inspection.

``code_lines``, ``describer`` and ``notes`` phrase the explanation in the documents' words;
``format_inspection`` lays an ``Inspection`` (see ``tf1_lstm.inspect``) out as:

    X = tf.placeholder(...)                          the TF1 code that was built
    outputs: ... / states: ...                       the tree, one line per node
    cell.state_size, cell.output_size
    parameters                                       per layer: variables, shapes, count
    verified on one run                              each equality with its max |diff|
    notes

Imports no TensorFlow and only reads options and dataclasses (no graph, no session).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

from tf1_lstm.cells.kinds import cell_kind

if TYPE_CHECKING:
    from tf1_lstm.inspect.data import Inspection, InspectOptions, LayerParameters, TreeNode

# Show the first and last two of a long static_rnn outputs list, and how many were skipped.
SHOWN_AT_EACH_END = 2
NOTE_WIDTH = 100  # notes are wrapped; tree lines are not (their columns carry meaning)


# ---------------------------------------------------------------------------------------------
# The words: the code that was built, what each node is, what to keep in mind


def code_lines(options: InspectOptions) -> str:
    """The TF1 lines this graph is built from, written the documents' way."""
    one_cell = "tf.contrib.rnn." + cell_kind(options.cell).tf1_code(options.units)
    batch_dim = "None" if options.unknown_batch else str(options.batch)
    lines = [f"X = tf.placeholder(tf.float32, [{batch_dim}, {options.steps}, {options.inputs}])"]
    if options.layers > 1:
        lines.append(f"cell = tf.contrib.rnn.MultiRNNCell([{one_cell} "
                     f"for layer in range({options.layers})])")
    else:
        lines.append(f"cell = {one_cell}")
    extra = ""
    if options.sequence_length is not None:
        lines.append(f"seq_length = tf.placeholder(tf.int32, [{batch_dim}])  "
                     f"# fed {list(options.sequence_length)}")
        extra = ", sequence_length=seq_length"
    if options.mode == "static":
        lines.append(f"outputs, states = tf.contrib.rnn.static_rnn(cell, "
                     f"tf.unstack(X, {options.steps}, 1), dtype=tf.float32{extra})")
    else:
        lines.append(f"outputs, states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32{extra})")
    return "\n".join(lines)


def describer(options: InspectOptions, name: str) -> Callable[[tuple], str]:
    """Descriptions in the documents' words, by position in outputs or states."""
    top = options.layers - 1
    who = "top layer's h" if options.layers > 1 else "h"
    padded = options.sequence_length is not None
    final = "at each row's last valid step (copied through)" if padded else "after the last step"

    def describe_outputs(keys: tuple) -> str:
        if options.mode == "dynamic":
            text = f"{who} at every time step, [batch, time, units] (dynamic_rnn is batch-major)"
            return text + ("; 0 where t >= sequence_length" if padded else "")
        if not keys:
            return "one per time step (static_rnn)"
        (t,) = keys
        text = f"{who} at t={t}" + ("; 0 in rows whose length <= t" if padded else "")
        if t == options.steps - 1:
            text += "  <- outputs[-1], what document 002 feeds to its output layer"
        return text

    def describe_states(keys: tuple) -> str:
        if options.layers > 1 and not keys:
            return f"one per layer (MultiRNNCell), bottom first, {final}"
        layer, rest = (keys[0], keys[1:]) if options.layers > 1 else (0, keys)
        is_top = options.layers > 1 and layer == top
        of_layer = f", layer {layer}" if options.layers > 1 else ""
        if not rest:  # a layer's whole state
            if options.is_lstm:
                return f"(c, h){of_layer}{' (top)' if is_top else ''} {final}"
            owner = "top layer's h" if is_top else f"layer {layer}'s h"
            return f"{owner if options.layers > 1 else 'h'} {final} (state = output)"
        if rest == ("c",):
            return f"cell state (long-term){of_layer}"
        if is_top:
            return "top layer's h  <- what document 001 feeds to tf.layers.dense"
        return f"hidden state (short-term){of_layer}"

    return describe_outputs if name == "outputs" else describe_states


def notes(options: InspectOptions) -> tuple[str, ...]:
    lines = []
    if options.layers > 1:
        field = ".h" if options.is_lstm else ""
        lower = f"states[0]{field}" + (f" to states[{options.layers - 2}]{field}"
                                        if options.layers > 2 else "")
        lines.append(f"outputs carry only the top layer: the lower layers' h ({lower}) are only "
                     "in states (document 001's notes describe outputs as one entry per layer; "
                     "there is no layer axis)")
    if options.is_lstm:
        lines.append("h = o * tanh(c) is not checked: the output gate o stays inside the cell; "
                     "c and h have the same shape but different values")
        if options.layers == 1:
            lines.append("with one layer states is a bare LSTMStateTuple, itself a tuple: "
                         "states[-1] is states.h and states[-1][1] is row 1 of h, not the top "
                         "layer's h (document 001's states[-1][1] needs a MultiRNNCell)")
    else:
        lines.append("a GRU or simple RNN has no separate c: its state is its h, the output, "
                     "so state_size == output_size == units")
    if options.input_source == "document 001's X_batch" and options.sequence_length is None:
        lines.append("document 001's printed outputs are exactly 0 for instance 2 at t=1 and "
                     "its state is its t=0 output: they came from sequence_length=[2, 1, 2, 2] "
                     "(add --sequence-length 2,1,2,2)")
    return tuple(lines)


# ---------------------------------------------------------------------------------------------
# The text


def shape_text(shape: tuple[int | None, ...] | None) -> str:
    """(4, None, 5) -> '[4, ?, 5]', the way TF1 printed unknown dimensions."""
    if shape is None:
        return ""
    return "[" + ", ".join("?" if dim is None else str(dim) for dim in shape) + "]"


def _name(node: TreeNode) -> str:
    return " = ".join((node.path, *node.aliases))


def _shown_nodes(tree: tuple[TreeNode, ...]) -> list[TreeNode | str]:
    """The tree with the middle of long lists replaced by one summary line."""
    shown: list[TreeNode | str] = []
    for node in tree:
        siblings = [other for other in tree if other.parent == node.parent] if node.parent else []
        parent = next((other for other in tree if other.path == node.parent), None)
        long_list = parent is not None and parent.type_name == "list" and \
            len(siblings) > 2 * SHOWN_AT_EACH_END + 1
        if not long_list:
            shown.append(node)
            continue
        position = siblings.index(node)
        if position < SHOWN_AT_EACH_END or position >= len(siblings) - SHOWN_AT_EACH_END:
            shown.append(node)
        elif position == SHOWN_AT_EACH_END:
            skipped = siblings[SHOWN_AT_EACH_END:len(siblings) - SHOWN_AT_EACH_END]
            shapes = {shape_text(other.shape) for other in skipped}
            shown.append("  " * node.depth + f"... {skipped[0].path} to {skipped[-1].path}: "
                         f"{len(skipped)} more, {' or '.join(sorted(shapes))}, one per step")
    return shown


def format_tree(tree: tuple[TreeNode, ...]) -> list[str]:
    """One line per node; leaves aligned in columns (name, type and shape, description)."""
    shown = _shown_nodes(tree)
    lines = []
    for node in shown:
        if isinstance(node, str):
            lines.append(node)
            continue
        indent = "  " * node.depth
        if node.type_name == "Tensor":
            # Align the leaves of one root (outputs or states) with each other.
            root = node.path.split("[")[0].split(".")[0]
            leaves = [other for other in shown if not isinstance(other, str)
                      and other.type_name == "Tensor" and other.path.startswith(root)]
            name_width = max(2 * other.depth + len(_name(other)) for other in leaves)
            shape_width = max(len(shape_text(other.shape)) for other in leaves)
            name = (indent + _name(node)).ljust(name_width)
            lines.append(f"{name}  Tensor {shape_text(node.shape).ljust(shape_width)}  "
                         f"{node.description}")
        else:
            size = "" if node.type_name == "LSTMStateTuple" else f" of {node.length}"
            lines.append(f"{indent}{_name(node)}: {node.type_name}{size}  {node.description}")
    return lines


def _formula(layer: LayerParameters, cell: str) -> str:
    """The count as the documents reason about it: one (I+H)*H + H block per gate and
    candidate (the kind's weight_blocks), plus peepholes."""
    i, h, kind = layer.input_size, layer.units, cell_kind(cell)
    text = (f"{kind.weight_blocks} x ((I+H)*H + H) = "
            f"{kind.weight_blocks} x (({i}+{h})*{h} + {h})")
    if kind.peepholes:
        text += f" + 3 peephole diagonals of H={h}"
    return text


def format_parameters(inspection: Inspection) -> list[str]:
    cell = inspection.options.cell
    lines = ["parameters (trainable):"]
    for layer in inspection.parameters:
        terms = " + ".join(f"{v.short_name} {shape_text(v.shape)}" for v in layer.variables)
        lines.append(f"  layer {layer.layer}  {layer.cell_class}: {terms} = {layer.count:,}"
                     f"  [{_formula(layer, cell)}]")
        for variable in layer.variables:
            lines.append(f"    {variable.name}  {shape_text(variable.shape)}")
    lines.append(f"  total {inspection.total_parameters:,}")
    return lines


def format_checks(inspection: Inspection) -> list[str]:
    lines = [f"verified on one run of X ({inspection.options.input_source}):"]
    width = max((len(check.claim) for check in inspection.checks), default=0)
    for check in inspection.checks:
        verdict = "ok    " if check.passed else "FAILED"
        bound = (f"<= {check.tolerance:.0e}" if check.tolerance else "== 0") \
            if check.kind == "equal" else f"> {check.tolerance:.0e}"
        lines.append(f"  {verdict}  {check.claim.ljust(width)}  max |diff| "
                     f"{check.max_abs_diff:.3g} ({bound})")
    return lines


def format_inspection(inspection: Inspection) -> str:
    """The whole explanation as text: code, tree, sizes, parameters, verified checks, notes."""
    lines = [*inspection.code.splitlines(), ""]
    lines += format_tree(inspection.tree)
    lines += ["", f"cell.state_size:  {inspection.state_size!r}",
              f"cell.output_size: {inspection.output_size!r}", ""]
    lines += format_parameters(inspection)
    lines += [""] + format_checks(inspection)
    if inspection.notes:
        lines += ["", "notes:"]
        for note in inspection.notes:
            lines += textwrap.wrap(note, NOTE_WIDTH, initial_indent="  - ",
                                   subsequent_indent="    ")
    return "\n".join(lines)
