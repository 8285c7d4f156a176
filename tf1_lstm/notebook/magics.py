"""``%tf1_reset [--seed N]``: a fresh default graph, so the cells that build a model can run again.

A TF1 graph lives as long as the process, and every cell adds to it: running the model cell
twice asks for ``rnn/basic_lstm_cell/kernel`` again ("Variable ... already exists"), and a
graph that only ever grows makes ``tf.global_variables_initializer()`` and savers pick up the
old copies. ``%tf1_reset`` does what a 2018 notebook did by hand at the top of the model cell:

1. closes the default ``tf.InteractiveSession``, if one is open: it holds the old graph, and
   ``tensor.eval()`` on the new graph would fail with "not an element of this graph";
2. ``tf.reset_default_graph()`` (refused, with TF's reason, inside a ``with graph.as_default()``);
3. seeds: ``--seed N`` gives the new graph ``tf.set_random_seed(N)`` and seeds NumPy's and
   Python's global generators with N; without it the new graph keeps the old graph's seed
   (``tf.set_random_seed`` ran in an earlier cell), so re-running the model cells
   reproduces their initial weights.

It prints one line saying what it did. Python variables that point into the old graph (``x``,
``loss``, ``sess``) still do: run their cells again.
"""

from __future__ import annotations

import random

import numpy as np
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from tf1_lstm.compat import tf


def reset_graph(seed: int | None) -> str:
    """Steps 1-3 above; returns the line that says what was done."""
    done = []
    session = tf.get_default_session()
    if isinstance(session, tf.InteractiveSession):
        session.close()
        done.append("closed the InteractiveSession (create a new one)")
    kept_seed = tf.get_default_graph().seed
    tf.reset_default_graph()
    if seed is not None:
        tf.set_random_seed(seed)
        np.random.seed(seed)
        random.seed(seed)
        done.append(f"seeded the graph, NumPy and random with {seed}")
    elif kept_seed is not None:
        tf.set_random_seed(kept_seed)
        done.append(f"kept the graph seed {kept_seed}")
    return "; ".join(["tf1-lstm: new empty default graph", *done])


@magics_class
class Tf1Magics(Magics):
    """The magics ``%load_ext tf1_lstm`` (and the TF1 kernel) register."""

    @magic_arguments()
    @argument("--seed", type=int, default=None,
              help="seed the new graph (tf.set_random_seed), NumPy and random with this")
    @line_magic
    def tf1_reset(self, line: str) -> None:
        """Reset TensorFlow's default graph so the cells that build a model can run again."""
        args = parse_argstring(self.tf1_reset, line)
        print(reset_graph(args.seed))
