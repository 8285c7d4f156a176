"""``tf.contrib`` on TensorFlow 2.21: one module (or sub-package) per sub-module we serve.

``tensorflow.contrib.X`` in a script run by ``tf1-lstm run`` is ``tf1_lstm.contrib.X``
(``tf1_lstm.legacy.shim`` maps them):

- ``rnn``: the core cells, the block cells and the wrappers (``rnn/``);
- ``layers``: tf_slim's layers, initializers, regularizers and ``arg_scope``;
- ``slim``: the same names as ``layers`` (both are tf_slim today).

``replacements`` is the one table of every ``tf.contrib`` name we do not serve and its TF2
replacement. Each served module imports ``tf1_lstm.bootstrap`` itself, so it can be imported
first; this package's ``__init__`` and ``replacements`` import no TensorFlow.
"""
