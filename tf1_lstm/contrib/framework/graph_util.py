"""``tf.contrib.framework.get_placeholders``: the placeholders of a graph, in creation order."""

from __future__ import annotations

from tf1_lstm.bootstrap import tf


def get_placeholders(graph):
    """The output tensor of every ``Placeholder`` op of ``graph`` (a ``tf.Graph``)."""
    if not isinstance(graph, tf.Graph):
        raise TypeError(f"Input graph needs to be a Graph: {graph}")
    # A placeholder() call makes one 'Placeholder' op; the tensor is its first output.
    return [op.outputs[0] for op in graph.get_operations() if op.type == "Placeholder"]
