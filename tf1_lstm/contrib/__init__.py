"""``tf.contrib`` on TensorFlow 2.21: one module (or sub-package) per sub-module we serve.

``tensorflow.contrib.X`` in a script run by ``tf1-lstm run`` is ``tf1_lstm.contrib.X``
(``tf1_lstm.legacy.shim`` maps them, importing each on first use), for every X that
``served_modules()`` finds here, for example:

- ``rnn``: the core cells, the block cells and the wrappers (``rnn/``);
- ``layers``: tf_slim's layers, initializers, regularizers and ``arg_scope``;
- ``slim``: the same names as ``layers`` (both are tf_slim today);
- ``crf``, ``cudnn_rnn``, ...: one file or folder each.

What is served is found, not listed: a module or sub-package of this folder is served when
its name is one of TF 1.x's own ``tf.contrib`` sub-modules (``TF1_CONTRIB_MODULES``). That
leaves out ``replacements`` (the one table of every ``tf.contrib`` name we do not serve and
its TF2 replacement), private ``_*`` modules and the helpers the served modules share
(``encoders``, ``embedding_lookups``, ``slim_repair``: TF 1.x had no ``tf.contrib.encoders``).

Each served module imports ``tf1_lstm.bootstrap`` itself, so it can be imported first; this
package's ``__init__`` and ``replacements`` import no TensorFlow, so ``served_modules()``
works without it (for a static scanner as well as for the shim).
"""

from __future__ import annotations

import pkgutil

# The sub-modules TF 1.x's tensorflow/contrib/__init__.py exposed as tf.contrib.X: TF 1.15's
# list, plus the three that TF 1.1's had and 1.15's no longer did (linalg, nccl, ndlstm).
TF1_CONTRIB_MODULES = frozenset({
    "autograph", "batching", "bayesflow", "checkpoint", "cloud", "cluster_resolver",
    "compiler", "constrained_optimization", "copy_graph", "crf", "cudnn_rnn", "data",
    "deprecated", "distribute", "distributions", "eager", "estimator", "factorization",
    "feature_column", "ffmpeg", "framework", "gan", "graph_editor", "grid_rnn", "image",
    "input_pipeline", "integrate", "keras", "kernel_methods", "labeled_tensor", "layers",
    "learn", "legacy_seq2seq", "linalg", "linear_optimizer", "lookup", "losses",
    "memory_stats", "metrics", "mixed_precision", "model_pruning", "nccl", "ndlstm", "nn",
    "opt", "optimizer_v2", "periodic_resample", "predictor", "proto", "quantization",
    "quantize", "receptive_field", "recurrent", "reduce_slice_ops", "remote_fused_graph",
    "resampler", "rnn", "rpc", "saved_model", "seq2seq", "signal", "slim", "solvers",
    "sparsemax", "specs", "staging", "stat_summarizer", "stateless", "summary",
    "tensor_forest", "tensorboard", "testing", "tfprof", "timeseries", "tpu", "training",
    "util",
})


def served_modules() -> tuple[str, ...]:
    """The ``tf.contrib`` sub-modules we serve, sorted: those of this folder TF 1.x also had.

    Reads the folder (``pkgutil.iter_modules``), imports nothing.
    """
    found = {module.name for module in pkgutil.iter_modules(__path__)}
    return tuple(sorted(found & TF1_CONTRIB_MODULES))
