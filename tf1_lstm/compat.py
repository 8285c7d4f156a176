"""The TF1 world in one import: import this module before anything else touches TensorFlow.

    import tf1_lstm.compat as c
    cell = c.rnn.BasicLSTMCell(128)          # works on TensorFlow 2.21
    outputs, states = c.rnn.static_rnn(cell, inputs, dtype=c.tf.float32)

Importing it runs the bootstrap (``tf1_lstm.bootstrap``: ``TF_USE_LEGACY_KERAS=1``, quiet
logs, graph mode, the clear error when Keras 3 already claimed the v1 cells) and exports the
TF1 world on top of it:

- ``tf``: ``tf.compat.v1`` in graph mode;
- ``rnn``: the ``tf.contrib.rnn`` names (``tf1_lstm.contrib.rnn``);
- ``reset_graph(seed)``: the documents' fresh-graph helper;
- ``set_verbose(on)``: TensorFlow's Python-side warnings back on (True) or off;
- ``LegacyKerasUnavailable``: what the import raises when the v1 cells cannot appear.

Set ``TF1_LSTM_VERBOSE=1`` before the import (or pass ``--verbose`` to the CLI) to keep all
of TensorFlow's output.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.bootstrap import LegacyKerasUnavailable, set_verbose, tf
from tf1_lstm.contrib import rnn

__all__ = ["tf", "rnn", "reset_graph", "set_verbose", "LegacyKerasUnavailable"]


def reset_graph(seed: int = 42) -> None:
    """A fresh default graph with graph-level and NumPy seeds set (the documents' helper)."""
    tf.reset_default_graph()
    tf.set_random_seed(seed)
    np.random.seed(seed)
