"""TF 0.12 -> TF 1.0: the renames and reorders, as TensorFlow's own upgrade script listed them.

The first four tables are ``TFAPIChangeSpec`` of TensorFlow 1.0's
``tensorflow/tools/compatibility/tf_upgrade.py``, entry for entry (TF's own mistakes kept,
see ``TF_TABLE_ERRATA``). ``tf1_lstm.legacy.history`` serves the old names from them.
The tables after them are ours: what the upgrade script missed, each with its source.
"""

from __future__ import annotations

# --- tf_upgrade.py (TF 1.0), verbatim -------------------------------------------------

# old keyword -> new keyword, per function
FUNCTION_KEYWORD_RENAMES: dict[str, dict[str, str]] = {
    "tf.batch_matmul": {"adj_x": "adjoint_a", "adj_y": "adjoint_b"},
    "tf.count_nonzero": {"reduction_indices": "axis"},
    "tf.reduce_all": {"reduction_indices": "axis"},
    "tf.reduce_any": {"reduction_indices": "axis"},
    "tf.reduce_max": {"reduction_indices": "axis"},
    "tf.reduce_mean": {"reduction_indices": "axis"},
    "tf.reduce_min": {"reduction_indices": "axis"},
    "tf.reduce_prod": {"reduction_indices": "axis"},
    "tf.reduce_sum": {"reduction_indices": "axis"},
    "tf.reduce_logsumexp": {"reduction_indices": "axis"},
    "tf.expand_dims": {"dim": "axis"},
    "tf.argmax": {"dimension": "axis"},
    "tf.argmin": {"dimension": "axis"},
    "tf.reduce_join": {"reduction_indices": "axis"},
    "tf.sparse_concat": {"concat_dim": "axis"},
    "tf.sparse_split": {"split_dim": "axis"},
    "tf.sparse_reduce_sum": {"reduction_axes": "axis"},
    "tf.reverse_sequence": {"seq_dim": "seq_axis", "batch_dim": "batch_axis"},
    "tf.sparse_reduce_sum_sparse": {"reduction_axes": "axis"},
    "tf.squeeze": {"squeeze_dims": "axis"},
    "tf.split": {"split_dim": "axis", "num_split": "num_or_size_splits"},
    "tf.concat": {"concat_dim": "axis"},
}

# old name -> new name
FUNCTION_RENAMES: dict[str, str] = {
    "tf.inv": "tf.reciprocal",
    "tf.contrib.deprecated.scalar_summary": "tf.summary.scalar",
    "tf.contrib.deprecated.histogram_summary": "tf.summary.histogram",
    "tf.listdiff": "tf.setdiff1d",
    "tf.list_diff": "tf.setdiff1d",
    "tf.mul": "tf.multiply",
    "tf.neg": "tf.negative",
    "tf.sub": "tf.subtract",
    "tf.train.SummaryWriter": "tf.summary.FileWriter",
    "tf.scalar_summary": "tf.summary.scalar",
    "tf.histogram_summary": "tf.summary.histogram",
    "tf.audio_summary": "tf.summary.audio",
    "tf.image_summary": "tf.summary.image",
    "tf.merge_summary": "tf.summary.merge",
    "tf.merge_all_summaries": "tf.summary.merge_all",
    "tf.image.per_image_whitening": "tf.image.per_image_standardization",
    "tf.all_variables": "tf.global_variables",
    "tf.VARIABLES": "tf.GLOBAL_VARIABLES",
    "tf.initialize_all_variables": "tf.global_variables_initializer",
    "tf.initialize_variables": "tf.variables_initializer",
    "tf.initialize_local_variables": "tf.local_variables_initializer",
    "tf.batch_matrix_diag": "tf.matrix_diag",
    "tf.batch_band_part": "tf.band_part",
    "tf.batch_set_diag": "tf.set_diag",
    "tf.batch_matrix_transpose": "tf.matrix_transpose",
    "tf.batch_matrix_determinant": "tf.matrix_determinant",
    "tf.batch_matrix_inverse": "tf.matrix_inverse",
    "tf.batch_cholesky": "tf.cholesky",
    "tf.batch_cholesky_solve": "tf.cholesky_solve",
    "tf.batch_matrix_solve": "tf.matrix_solve",
    "tf.batch_matrix_triangular_solve": "tf.matrix_triangular_solve",
    "tf.batch_matrix_solve_ls": "tf.matrix_solve_ls",
    "tf.batch_self_adjoint_eig": "tf.self_adjoint_eig",
    "tf.batch_self_adjoint_eigvals": "tf.self_adjoint_eigvals",
    "tf.batch_svd": "tf.svd",
    "tf.batch_fft": "tf.fft",
    "tf.batch_ifft": "tf.ifft",
    "tf.batch_fft2d": "tf.fft2d",
    "tf.batch_ifft2d": "tf.ifft2d",
    "tf.batch_fft3d": "tf.fft3d",
    "tf.batch_ifft3d": "tf.ifft3d",
    "tf.select": "tf.where",
    "tf.complex_abs": "tf.abs",
    "tf.batch_matmul": "tf.matmul",
    "tf.pack": "tf.stack",
    "tf.unpack": "tf.unstack",
    "tf.op_scope": "tf.name_scope",
}

# Names that became classes: `tf.zeros_initializer` -> `tf.zeros_initializer()`.
CHANGE_TO_FUNCTION: frozenset[str] = frozenset({"tf.ones_initializer", "tf.zeros_initializer"})

# TF 0.x's positional order, spelled with the keywords the upgrade script wrote for them
# (TF 1.0's names, except tf.concat's, which FUNCTION_KEYWORD_RENAMES then renames).
FUNCTION_REORDERS: dict[str, list[str]] = {
    "tf.split": ["axis", "num_or_size_splits", "value", "name"],
    "tf.sparse_split": ["axis", "num_or_size_splits", "value", "name"],
    "tf.concat": ["concat_dim", "values", "name"],
    "tf.svd": ["tensor", "compute_uv", "full_matrices", "name"],
    "tf.nn.softmax_cross_entropy_with_logits": ["logits", "labels", "dim", "name"],
    "tf.nn.sparse_softmax_cross_entropy_with_logits": ["logits", "labels", "name"],
    "tf.nn.sigmoid_cross_entropy_with_logits": ["logits", "labels", "name"],
    "tf.op_scope": ["values", "name", "default_name"],
}

# --- ours: what the table gets wrong or leaves out --------------------------------------

# Entries of the tables above that cannot be served as written, and why.
TF_TABLE_ERRATA: dict[str, str] = {
    "tf.VARIABLES": "TF 0.x spelled it tf.GraphKeys.VARIABLES, which tf.compat.v1 still has",
    "tf.batch_band_part": "the target tf.band_part never existed (tf.matrix_band_part)",
    "tf.batch_set_diag": "the target tf.set_diag never existed (tf.matrix_set_diag)",
    "tf.svd": "0.x's (compute_uv, full_matrices) and 1.0's (full_matrices, compute_uv) are "
              "both booleans: a positional call cannot tell which order it was written in",
}

# TF 0.12 positional orders the table has wrong or lacks, in the keywords tf.compat.v1 takes.
# tf.sparse_split: the table reused tf.split's keywords; TF 1.0's were (sp_input, num_split,
# axis). tf.batch_matmul(x, y, adj_x, adj_y): matmul's third positional is transpose_a.
REORDER_CORRECTIONS: dict[str, list[str]] = {
    "tf.sparse_split": ["axis", "num_split", "sp_input", "name"],
    "tf.batch_matmul": ["a", "b", "adjoint_a", "adjoint_b", "name"],
    # TF 1.0's release notes: "tf.nn.sampled_softmax_loss and tf.nn.nce_loss have both changed
    # their API such that you need to switch the inputs, labels to labels, inputs"; the
    # upgrade script left them out (the translate tutorial's sampled_loss hit it).
    "tf.nn.sampled_softmax_loss": ["weights", "biases", "inputs", "labels", "num_sampled",
                                   "num_classes", "num_true", "sampled_values",
                                   "remove_accidental_hits", "partition_strategy", "name"],
    "tf.nn.nce_loss": ["weights", "biases", "inputs", "labels", "num_sampled", "num_classes",
                       "num_true", "sampled_values", "remove_accidental_hits",
                       "partition_strategy", "name"],
}

# TF 0.12 keywords the table lacks: sigmoid_cross_entropy_with_logits(logits, targets, name).
KEYWORD_RENAME_CORRECTIONS: dict[str, dict[str, str]] = {
    "tf.nn.sigmoid_cross_entropy_with_logits": {"targets": "labels"},
}

# TF 0.12 names TF 1.0 moved by hand, not by the script (TF 1.0 and 1.2 release notes):
# tf.nn's RNN functions became tf.contrib.rnn's, then tf.nn.static_* in TF 1.2; three
# tf.nn.rnn_cell wrappers stayed in tf.contrib.rnn.
MOVED_BY_HAND: dict[str, str] = {
    "tf.nn.rnn": "tf.nn.static_rnn",
    "tf.nn.bidirectional_rnn": "tf.nn.static_bidirectional_rnn",
    "tf.nn.state_saving_rnn": "tf.nn.static_state_saving_rnn",
    "tf.nn.rnn_cell.InputProjectionWrapper": "tf.contrib.rnn.InputProjectionWrapper",
    "tf.nn.rnn_cell.OutputProjectionWrapper": "tf.contrib.rnn.OutputProjectionWrapper",
    "tf.nn.rnn_cell.EmbeddingWrapper": "tf.contrib.rnn.EmbeddingWrapper",
    "tf.nn.seq2seq": "tf.contrib.legacy_seq2seq",
}
