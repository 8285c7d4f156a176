"""``tf.contrib.learn`` on TensorFlow 2.21: only what TF1 RNN scripts took from it.

- ``preprocessing``: ``VocabularyProcessor`` and its tokenizer and vocabulary, rebuilt
  from TF 1.15's ``preprocessing/text.py`` and ``categorical_vocabulary.py``;
- ``datasets``: the loaders that read local files (CSV, MNIST, a local DBpedia);
- ``ModeKeys``: TF 1.15's ``TRAIN``, ``EVAL``, ``INFER`` strings (tensorflow/nmt's model
  switched on them).

Everything else of ``tf.contrib.learn`` (``Estimator``, ``Experiment``, ``RunConfig``, the
canned estimators, ``learn_runner``, ``monitors``, ...) was deprecated in TF 1.x for
``tf.estimator`` and is not provided: those names raise ``ContribNameError`` naming the
TF2 replacement (``tf1_lstm.contrib.replacements``).
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.learn import datasets, preprocessing
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook


class ModeKeys:
    """TF 1.15's ``tf.contrib.learn.ModeKeys`` (``learn/python/learn/estimators/model_fn.py``):
    plain strings, so ``mode == "infer"`` and ``ModeKeys.INFER`` are the same test. Not
    ``tf.estimator.ModeKeys``, whose inference key is ``"infer"`` too but ``PREDICT`` by name."""

    TRAIN = "train"
    EVAL = "eval"
    INFER = "infer"


__all__ = ["ModeKeys", "datasets", "preprocessing"]

__getattr__ = _missing_name_hook("learn", __all__)
