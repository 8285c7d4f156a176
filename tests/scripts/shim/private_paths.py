"""TF1 code's private import paths, run by `tf1-lstm run`: prints one JSON object of facts.

Each fact is what the test expects to be true (or the list it compares); the imports are
the ones TF 1.x code of 2016-2019 wrote. Imports sit between the facts on purpose: what is
loaded before each group of them is one of the facts.
"""
# ruff: noqa: E402
import json
import sys

facts = {"tf_slim_loaded_at_start": "tf_slim" in sys.modules}

import tensorflow as tf
from tensorflow.contrib import rnn

facts["tf_slim_loaded_by_tf_and_contrib_rnn"] = "tf_slim" in sys.modules

# --- tf.contrib.rnn's files (TF 1.0 - 1.15) -------------------------------------------------
import tensorflow.contrib.rnn.python.ops.rnn_cell
from tensorflow.contrib.rnn.python.ops import (
    core_rnn_cell,
    core_rnn_cell_impl,
    fused_rnn_cell,
    gru_ops,
    lstm_ops,
)
from tensorflow.contrib.rnn.python.ops import rnn as contrib_rnn_ops
from tensorflow.contrib.rnn.python.ops import rnn_cell as contrib_rnn_cell
from tensorflow.contrib.rnn.python.ops.core_rnn_cell import _Linear
from tensorflow.contrib.rnn.python.ops.core_rnn_cell import _linear as linear_1_6
from tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl import _linear as linear_1_0

files = {"rnn_cell": contrib_rnn_cell, "core_rnn_cell": core_rnn_cell,
         "core_rnn_cell_impl": core_rnn_cell_impl, "lstm_ops": lstm_ops, "gru_ops": gru_ops,
         "rnn": contrib_rnn_ops, "fused_rnn_cell": fused_rnn_cell}
facts["contrib_rnn_files_serve_the_same_classes"] = {
    name: [module.LSTMCell is rnn.LSTMCell, module.MultiRNNCell is tf.contrib.rnn.MultiRNNCell,
           module.LSTMBlockCell is rnn.LSTMBlockCell]
    for name, module in files.items()}
facts["attribute_chain_is_the_module"] = (
    tf.contrib.rnn.python.ops.rnn_cell is contrib_rnn_cell is
    sys.modules["tensorflow.contrib.rnn.python.ops.rnn_cell"])
facts["contrib_private_linears"] = [linear_1_6.__name__, _Linear.__name__, linear_1_0.__name__]

# --- TensorFlow's own files: tf.nn.rnn_cell's classes, each era's _linear ------------------
import tensorflow.python.ops.rnn_cell as core_rnn_cell_module
from tensorflow.python.ops import rnn_cell_impl
from tensorflow.python.ops.rnn_cell import _linear as linear_0_12
from tensorflow.python.ops.rnn_cell_impl import BasicLSTMCell, LayerRNNCell
from tensorflow.python.ops.rnn_cell_impl import _linear as linear_1_2

facts["core_files_serve_tf_nn_rnn_cell"] = [
    BasicLSTMCell is tf.nn.rnn_cell.BasicLSTMCell,
    rnn_cell_impl.GRUCell is tf.nn.rnn_cell.GRUCell is rnn.GRUCell,
    rnn_cell_impl.DropoutWrapper is tf.nn.rnn_cell.DropoutWrapper,
    core_rnn_cell_module.LSTMCell is tf.nn.rnn_cell.LSTMCell,
    sys.modules["tensorflow.python.ops.rnn_cell_impl"] is rnn_cell_impl,
    issubclass(BasicLSTMCell, LayerRNNCell),
    callable(rnn_cell_impl.assert_like_rnncell),  # TF's own names are still there
]
from tensorflow.python.ops import rnn as tf012_rnn  # noqa: E402

facts["tf012_rnn_names"] = [
    tf012_rnn.rnn is tf.nn.static_rnn, tf012_rnn.bidirectional_rnn is tf.nn.static_bidirectional_rnn,
    tf012_rnn.dynamic_rnn is tf.nn.dynamic_rnn]  # TF's own names are still there
facts["tensorflows_own_rnn_keeps_its_module"] = (
    sys.modules["tensorflow.python.ops.rnn"].rnn_cell_impl is not rnn_cell_impl)
facts["core_private_linears"] = [linear_0_12.__name__, linear_1_2.__name__,
                                 rnn_cell_impl._Linear.__name__]

# Each path's _linear names its variables as its TF version did.
x = tf.placeholder(tf.float32, [2, 3])
h = tf.placeholder(tf.float32, [2, 2])
for scope, make in [("tf0_12", linear_0_12), ("tf1_0", linear_1_0), ("tf1_2", linear_1_2),
                    ("tf1_6", linear_1_6)]:
    with tf.variable_scope(scope):
        make([x, h], 4, True)
with tf.variable_scope("tf1_6_class"):
    _Linear([x, h], 4, True)([x, h])
facts["linear_variables"] = [[v.op.name, v.shape.as_list()] for v in tf.global_variables()]

# An overlay cell in dynamic_rnn: the same variable names as tf.nn.rnn_cell's.
inputs = tf.placeholder(tf.float32, [None, 5, 3])
with tf.variable_scope("overlay"):
    tf.nn.dynamic_rnn(rnn_cell_impl.BasicLSTMCell(6), inputs, dtype=tf.float32)
facts["overlay_cell_variables"] = [v.op.name for v in tf.global_variables("overlay")]

# --- tf_slim's modules, under their TF 1.x names: the same module objects ------------------
facts["tf_slim_loaded_before_layers"] = "tf_slim" in sys.modules
import tensorflow.contrib.slim as slim
import tensorflow.contrib.slim.nets
import tf_slim
from tensorflow.contrib.layers.python.layers import encoders, initializers, utils
from tensorflow.contrib.layers.python.layers import layers as layers_lib
from tensorflow.contrib.slim.python.slim import learning
from tensorflow.contrib.slim.python.slim.nets import resnet_v1

facts["tf_slim_modules_are_the_same_objects"] = [
    tensorflow.contrib.slim.nets is sys.modules["tf_slim.nets"],
    layers_lib is sys.modules["tf_slim.layers.layers"],
    initializers is sys.modules["tf_slim.layers.initializers"],
    utils is sys.modules["tf_slim.layers.utils"],
    resnet_v1 is sys.modules["tf_slim.nets.resnet_v1"],
    learning is sys.modules["tf_slim.learning"],
    layers_lib.fully_connected is slim.fully_connected is tf_slim.fully_connected,
    encoders.embed_sequence is tf.contrib.layers.embed_sequence,
]
tf_slim_modules = [module for name, module in sys.modules.items() if name.startswith("tf_slim")]
facts["second_copies_of_tf_slim_modules"] = sorted(
    name for name, module in sys.modules.items()
    if name.startswith("tensorflow.contrib.")
    and "tf_slim" in (getattr(module, "__file__", None) or "")
    and not any(module is original for original in tf_slim_modules))

# --- the other served modules' TF 1.15 files -----------------------------------------------
from tensorflow.contrib.crf.python.ops import crf
from tensorflow.contrib.cudnn_rnn.python.layers import cudnn_rnn
from tensorflow.contrib.cudnn_rnn.python.ops import cudnn_rnn_ops

facts["crf_and_cudnn_rnn_files"] = [
    crf.crf_log_likelihood is tf.contrib.crf.crf_log_likelihood,
    crf.viterbi_decode is tf.contrib.crf.viterbi_decode,
    cudnn_rnn.CudnnLSTM is tf.contrib.cudnn_rnn.CudnnLSTM,
    cudnn_rnn_ops.CudnnLSTMSaveable is tf.contrib.cudnn_rnn.CudnnLSTMSaveable,
]

# --- tf.contrib.framework's files, when it is served ----------------------------------------
if "framework" in tf.contrib.__all__:
    from tensorflow.contrib.framework.python.ops import arg_scope
    from tensorflow.contrib.framework.python.ops import variables as framework_variables

    facts["framework_files"] = [
        arg_scope is tf.contrib.framework.arg_scope,  # TF 1.15's ops/__init__ star-imported it
        framework_variables.get_variables is tf.contrib.framework.get_variables,
        framework_variables.zero_initializer is tf.contrib.framework.zero_initializer,
        framework_variables.model_variable is sys.modules["tf_slim.ops.variables"].model_variable,
    ]

# --- public API module paths: tf.compat.v1's modules, not TF 2's ------------------------------
import tensorflow.nn  # noqa: E402
import tensorflow.nn.rnn_cell as nn_rnn_cell  # noqa: E402
import tensorflow.train as train  # noqa: E402
from tensorflow.nn import rnn_cell  # noqa: E402

facts["api_module_paths_are_tf1s"] = [
    tf.nn is tf.compat.v1.nn, hasattr(tf.nn, "rnn_cell"), rnn_cell is tf.nn.rnn_cell,
    nn_rnn_cell is tf.nn.rnn_cell, train is tf.compat.v1.train, hasattr(train, "AdamOptimizer"),
    tf.compat.v1.nn.__spec__.name == "tensorflow._api.v2.compat.v1.nn",  # its own spec kept
]

# --- tf.contrib.seq2seq's and legacy_seq2seq's files (TF 1.2 - 1.15) --------------------------
from tensorflow.contrib.legacy_seq2seq.python.ops import seq2seq as legacy_seq2seq_file
from tensorflow.contrib.legacy_seq2seq.python.ops.seq2seq import _extract_argmax_and_embed
from tensorflow.contrib.seq2seq.python.ops import attention_wrapper, beam_search_ops, helper
from tensorflow.contrib.seq2seq.python.ops.attention_wrapper import _BaseAttentionMechanism
from tensorflow.contrib.seq2seq.python.ops.beam_search_decoder import _beam_search_step
from tensorflow.contrib.seq2seq.python.ops.decoder import _transpose_batch_time

seq2seq = tf.contrib.seq2seq
facts["seq2seq_private_files"] = [
    attention_wrapper.AttentionWrapper is seq2seq.AttentionWrapper,
    issubclass(seq2seq.BahdanauAttention, _BaseAttentionMechanism),
    attention_wrapper.LuongMonotonicAttention is seq2seq.LuongMonotonicAttention,
    helper.TrainingHelper is seq2seq.TrainingHelper, helper.Helper is seq2seq.Helper,
    beam_search_ops.gather_tree is seq2seq.gather_tree,
    callable(_beam_search_step), callable(_transpose_batch_time),
    legacy_seq2seq_file.model_with_buckets is tf.contrib.legacy_seq2seq.model_with_buckets,
    callable(_extract_argmax_and_embed),
]

# --- what is not served ---------------------------------------------------------------------
try:
    metrics = tf.contrib.metrics
except AttributeError as error:
    facts["unserved_module_error"] = str(error)
try:
    import tensorflow.contrib.metrics.python.ops.metric_ops  # noqa: F401
except ImportError as error:
    facts["unserved_private_path_import_error_names"] = error.name
facts["served_listed_by_tf_contrib"] = sorted(tf.contrib.__all__)

print(json.dumps(facts))
