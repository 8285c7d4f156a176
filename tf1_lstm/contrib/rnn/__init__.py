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
    missing_name_hook,
)
from tf1_lstm.contrib.rnn.attention_wrapper import AttentionCellWrapper
from tf1_lstm.contrib.rnn.block_cells import (
    GRUBlockCell,
    GRUBlockCellV2,
    LSTMBlockCell,
    LSTMBlockFusedCell,
)
from tf1_lstm.contrib.rnn.cell_wrappers import CompiledWrapper, EmbeddingWrapper, HighwayWrapper
from tf1_lstm.contrib.rnn.conv_cells import (
    Conv1DLSTMCell,
    Conv2DLSTMCell,
    Conv3DLSTMCell,
    ConvLSTMCell,
)
from tf1_lstm.contrib.rnn.fused_rnn import (
    FusedRNNCell,
    FusedRNNCellAdaptor,
    LSTMBlockWrapper,
    TimeReversedFusedRNN,
)
from tf1_lstm.contrib.rnn.gated_cells import (
    CFNCell,
    IntersectionRNNCell,
    MinimalRNNCell,
    UGRNNCell,
)
from tf1_lstm.contrib.rnn.grid_cells import (
    BidirectionalGridLSTMCell,
    GridLSTMCell,
    TimeFreqLSTMCell,
)
from tf1_lstm.contrib.rnn.group_cells import GLSTMCell
from tf1_lstm.contrib.rnn.independent_cells import IndRNNCell, IndyGRUCell, IndyLSTMCell, SRUCell
from tf1_lstm.contrib.rnn.lstm_variant_cells import CoupledInputForgetGateLSTMCell, NASCell
from tf1_lstm.contrib.rnn.norm_cells import (
    LayerNormBasicLSTMCell,
    LayerNormLSTMCell,
    WeightNormLSTMCell,
)
from tf1_lstm.contrib.rnn.ntm_cell import NTMCell
from tf1_lstm.contrib.rnn.phased_cells import PhasedLSTMCell
from tf1_lstm.contrib.rnn.wrappers import (
    InputProjectionWrapper,
    OutputProjectionWrapper,
    stack_bidirectional_dynamic_rnn,
    stack_bidirectional_rnn,
)

# isort: split
# TF's own rnn.py (what tf.compat.v1.nn's unrollers are) and tf_keras's LayerRNNCell (the
# base of the v1 cells, not exported by tf.compat.v1): contrib.rnn re-exported both.
from tensorflow.python.ops import rnn as _core_rnn
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

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

# RNN utilities (TF 1.15 re-exported these private helpers of rnn.py under public names).
transpose_batch_time = _core_rnn._transpose_batch_time
best_effort_input_batch_size = _core_rnn._best_effort_input_batch_size



__all__ = [
    "RNNCell", "LayerRNNCell", "BasicRNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell",
    "MultiRNNCell",
    "LSTMStateTuple", "DropoutWrapper", "DeviceWrapper", "ResidualWrapper",
    "static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn",
    "transpose_batch_time", "best_effort_input_batch_size",
    # Rebuilt on TF 2.21's kernels (block_cells, wrappers).
    "LSTMBlockCell", "LSTMBlockFusedCell", "GRUBlockCell", "GRUBlockCellV2",
    "InputProjectionWrapper", "OutputProjectionWrapper",
    "stack_bidirectional_rnn", "stack_bidirectional_dynamic_rnn",
    # TF 1.15's long tail, rebuilt (norm_cells, lstm_variant_cells, gated_cells,
    # independent_cells, phased_cells, group_cells, ntm_cell, grid_cells, conv_cells).
    "LayerNormBasicLSTMCell", "LayerNormLSTMCell", "WeightNormLSTMCell",
    "CoupledInputForgetGateLSTMCell", "NASCell",
    "UGRNNCell", "IntersectionRNNCell", "CFNCell", "MinimalRNNCell",
    "IndRNNCell", "IndyGRUCell", "IndyLSTMCell", "SRUCell", "PhasedLSTMCell", "GLSTMCell",
    # TF 1.15 had NTMCell, CFNCell, MinimalRNNCell, LayerNormLSTMCell and WeightNormLSTMCell
    # only at the private path tensorflow.contrib.rnn.python.ops.rnn_cell (not @@-listed).
    "NTMCell",
    "TimeFreqLSTMCell", "GridLSTMCell", "BidirectionalGridLSTMCell",
    "ConvLSTMCell", "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
    # ... and the wrappers and fused RNNs (attention_wrapper, cell_wrappers, fused_rnn).
    "AttentionCellWrapper", "EmbeddingWrapper", "HighwayWrapper", "CompiledWrapper",
    "FusedRNNCell", "FusedRNNCellAdaptor", "TimeReversedFusedRNN", "LSTMBlockWrapper",
]

__getattr__ = missing_name_hook("rnn", __all__)
