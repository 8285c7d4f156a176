"""A ``.meta`` graph the fast path wrote imports wherever tf1-lstm runs a script.

Under ``tf1-lstm run --fast`` (or ``tf1_lstm.fast`` in code) an LSTM step holds the fast path's
fused op, ``Tf1LstmStep`` (``tf1_lstm.fast.fused``), so a ``saver.save`` writes it into the
``.meta`` file. A later script, with or without ``--fast``, that rebuilds the graph from that
file::

    saver = tf.train.import_meta_graph("model.ckpt.meta")

would meet TensorFlow's "Op type not registered 'Tf1LstmStep'". ``install()`` puts a wrapper on
``tf.train.import_meta_graph`` that first loads (building it once on a new machine) the op
library when the graph holds its ops, and otherwise changes nothing. Where it cannot be built
the error says so and how to do without (rebuild the graph in code and restore the checkpoint:
its variables are TF1's own).
"""

from __future__ import annotations

from tf1_lstm.compat import tf
from tf1_lstm.fast.fused import load_for


def install() -> None:
    """Wrap ``tf.train.import_meta_graph`` (idempotent)."""
    original = tf.train.import_meta_graph
    if hasattr(original, "tf1_lstm_original"):
        return

    def import_meta_graph(meta_graph_or_file, *args, **kwargs):
        load_for(meta_graph_or_file)
        return original(meta_graph_or_file, *args, **kwargs)

    import_meta_graph.__doc__ = original.__doc__
    import_meta_graph.tf1_lstm_original = original
    tf.train.import_meta_graph = import_meta_graph
