"""``tf.contrib.learn.preprocessing``: TF 1.15's text preprocessing (``VocabularyProcessor``).

``text`` holds ``VocabularyProcessor``, ``ByteProcessor``, ``tokenizer`` and
``TOKENIZER_RE``; ``categorical_vocabulary`` the ``CategoricalVocabulary`` they fill.
``CategoricalProcessor`` (pandas / per-column categories) is not provided.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.learn.preprocessing.categorical_vocabulary import CategoricalVocabulary
from tf1_lstm.contrib.learn.preprocessing.text import (
    TOKENIZER_RE,
    ByteProcessor,
    VocabularyProcessor,
    tokenizer,
)
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook

__all__ = ["VocabularyProcessor", "ByteProcessor", "CategoricalVocabulary", "tokenizer",
           "TOKENIZER_RE"]

__getattr__ = _missing_name_hook("learn.preprocessing", __all__)
