"""``tf.contrib.rnn`` on TensorFlow 2.21: the names TF1 LSTM code used, where they live now.

TF 1.x ``tf.contrib.rnn`` re-exported the core cells (which now live in ``tf_keras`` and
appear under ``tf.compat.v1.nn.rnn_cell`` once the legacy-Keras flag is set) and the
unrolling functions of ``tf.compat.v1.nn``. This module re-exports the same objects, so a
checkpoint written through ``tf.contrib.rnn.BasicLSTMCell`` and one written through
``tf.nn.rnn_cell.BasicLSTMCell`` have the same variable names.

Names TF 2.21 no longer has anywhere (the block cells, the projection wrappers, the stacked
bidirectional RNNs) are rebuilt with TF1's semantics and variable names in ``block_cells``
and ``wrappers``, and re-exported here.

A contrib name we do not provide raises ``ContribNameError`` (an ``AttributeError``) that
names it and its TF2 replacement (``tf1_lstm.contrib.replacements``), instead of a bare
AttributeError from deep inside.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.replacements import (  # noqa: F401 - callers catch rnn.ContribNameError
    ContribNameError,
    name_not_provided,
)
from tf1_lstm.contrib.rnn.block_cells import (
    GRUBlockCell,
    GRUBlockCellV2,
    LSTMBlockCell,
    LSTMBlockFusedCell,
)
from tf1_lstm.contrib.rnn.wrappers import (
    InputProjectionWrapper,
    OutputProjectionWrapper,
    stack_bidirectional_dynamic_rnn,
    stack_bidirectional_rnn,
)

_cells = _v1.nn.rnn_cell

# Cells, state tuple and wrappers (the same classes as tf.compat.v1.nn.rnn_cell).
RNNCell = _cells.RNNCell
BasicRNNCell = _cells.BasicRNNCell
BasicLSTMCell = _cells.BasicLSTMCell
LSTMCell = _cells.LSTMCell
GRUCell = _cells.GRUCell
MultiRNNCell = _cells.MultiRNNCell
LSTMStateTuple = _cells.LSTMStateTuple
DropoutWrapper = _cells.DropoutWrapper
DeviceWrapper = _cells.DeviceWrapper
ResidualWrapper = _cells.ResidualWrapper

# Unrolling over time (contrib.rnn exported these too).
static_rnn = _v1.nn.static_rnn
static_bidirectional_rnn = _v1.nn.static_bidirectional_rnn
static_state_saving_rnn = _v1.nn.static_state_saving_rnn


def __getattr__(name: str):
    if name.startswith("__"):  # let Python's own probes (e.g. __wrapped__) fail normally
        raise AttributeError(name)
    raise name_not_provided("rnn", name, __all__)


__all__ = [
    "RNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
    "LSTMStateTuple", "DropoutWrapper", "DeviceWrapper", "ResidualWrapper",
    "static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn",
    # Rebuilt on TF 2.21's kernels (block_cells, wrappers).
    "LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2",
    "InputProjectionWrapper", "OutputProjectionWrapper",
    "stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn",
]
