"""``tf.contrib.learn`` on TensorFlow 2.21: only what TF1 RNN scripts took from it.

- ``preprocessing``: ``VocabularyProcessor`` and its tokenizer and vocabulary, rebuilt
  from TF 1.15's ``preprocessing/text.py`` and ``categorical_vocabulary.py``;
- ``datasets``: the loaders that read local files (CSV, MNIST, a local DBpedia).

Everything else of ``tf.contrib.learn`` (``Estimator``, ``Experiment``, ``RunConfig``, the
canned estimators, ``learn_runner``, ``monitors``, ...) was deprecated in TF 1.x for
``tf.estimator`` and is not provided: those names raise ``ContribNameError`` naming the
TF2 replacement (``tf1_lstm.contrib.replacements``).
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.learn import datasets, preprocessing
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook

__all__ = ["datasets", "preprocessing"]

__getattr__ = _missing_name_hook("learn", __all__)
