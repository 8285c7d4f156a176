"""TF 1.15's text preprocessing of ``tf.contrib.learn``: documents -> fixed-length id rows.

    vocab_processor = VocabularyProcessor(max_document_length=4)
    x = np.array(list(vocab_processor.fit_transform(["a b c", "a, b - c"])))
    # [[1 2 3 0]
    #  [1 2 4 3]]        ("-" is a token; 0 pads, and marks words not in the vocabulary)
    vocab_processor.save("vocab")                 # then, in eval.py:
    vocab_processor = VocabularyProcessor.restore("vocab")

- ``tokenizer``: TF 1.15's ``TOKENIZER_RE`` (runs of capitals, capitalised words, and runs
  of word characters, apostrophes and hyphens), one token list per document;
- ``VocabularyProcessor``: ``fit`` learns a ``CategoricalVocabulary`` (ids from 1 in order
  of first appearance, or by frequency when ``min_frequency`` trims it); ``transform``
  yields one int64 row of ``max_document_length`` ids per document, cut or zero-padded at
  the end; ``reverse`` turns rows back into space-joined words (``<UNK>`` for 0);
- ``ByteProcessor``: one uint8 row of UTF-8 bytes per document, the same way.

``transform`` and ``reverse`` are generators, as in TF 1.15 (wrap them in ``list``), and
``fit_transform`` reads its documents twice, so pass a list, not a one-shot iterator.

``save`` pickles the processor as TF 1.15 did; ``restore`` also reads files pickled by
TF 1.15 itself, whose classes are named by TF's module paths
(``tensorflow.contrib.learn.python.learn.preprocessing.text``, ...).
"""

from __future__ import annotations

import io
import itertools
import pickle
import re

import numpy as np

from tf1_lstm.bootstrap import tf
from tf1_lstm.contrib.learn.preprocessing import categorical_vocabulary
from tf1_lstm.contrib.learn.preprocessing.categorical_vocabulary import CategoricalVocabulary

TOKENIZER_RE = re.compile(r"[A-Z]{2,}(?![a-z])|[A-Z][a-z]+(?=[A-Z])|[\'\w\-]+", re.UNICODE)

# The modules a TF 1.15 pickle names for the processor, its vocabulary and its tokenizer.
_TF115_MODULES = {
    "tensorflow.contrib.learn.python.learn.preprocessing.text": __name__,
    "tensorflow.contrib.learn.python.learn.preprocessing.categorical_vocabulary":
        categorical_vocabulary.__name__,
}


class _TF115Unpickler(pickle.Unpickler):
    """Reads TF 1.15's module paths in a pickle as the modules of this package."""

    def find_class(self, module, name):
        return super().find_class(_TF115_MODULES.get(module, module), name)


def tokenizer(iterator):
    """For each string of ``iterator``, the list of its tokens (``TOKENIZER_RE``)."""
    for value in iterator:
        yield TOKENIZER_RE.findall(value)


class ByteProcessor:
    """Maps documents to rows of ``max_document_length`` UTF-8 byte values (0 pads)."""

    def __init__(self, max_document_length):
        self.max_document_length = max_document_length

    def fit(self, x):
        """Nothing to learn."""

    def fit_transform(self, x):
        return self.transform(x)

    def reverse(self, x):
        """Rows of bytes back to strings (trailing zeros dropped; '' if not valid UTF-8)."""
        for data in x:
            document = np.trim_zeros(data.astype(np.int8), trim="b").tobytes()
            try:
                yield document.decode("utf-8")
            except UnicodeDecodeError:
                yield ""

    def transform(self, x):
        """Each document (str, encoded as UTF-8, or bytes) as a uint8 row, cut or padded."""
        for document in x:
            if isinstance(document, str):
                document = document.encode("utf-8")
            row = np.frombuffer(memoryview(document)[:self.max_document_length], dtype=np.uint8)
            yield np.pad(row, (0, self.max_document_length - len(row)), "constant")


class VocabularyProcessor:
    """Maps documents to rows of ``max_document_length`` word ids (see the module docstring).

    ``vocabulary`` (a ``CategoricalVocabulary``) replaces the learned one; ``tokenizer_fn``
    (documents -> token lists) replaces ``tokenizer``. Attributes as in TF 1.15:
    ``vocabulary_``, ``max_document_length``, ``min_frequency``.
    """

    def __init__(self, max_document_length, min_frequency=0, vocabulary=None,
                 tokenizer_fn=None):
        self.max_document_length = max_document_length
        self.min_frequency = min_frequency
        self.vocabulary_ = vocabulary if vocabulary else CategoricalVocabulary()
        self._tokenizer = tokenizer_fn if tokenizer_fn else tokenizer

    def fit(self, raw_documents, unused_y=None):
        """Learn the vocabulary of all tokens of ``raw_documents``, then freeze it."""
        for tokens in self._tokenizer(raw_documents):
            for token in tokens:
                self.vocabulary_.add(token)
        if self.min_frequency > 0:
            self.vocabulary_.trim(self.min_frequency)
        self.vocabulary_.freeze()
        return self

    def fit_transform(self, raw_documents, unused_y=None):
        """``fit``, then ``transform`` of the same documents (read twice)."""
        self.fit(raw_documents)
        return self.transform(raw_documents)

    def transform(self, raw_documents):
        """Yield each document's first ``max_document_length`` word ids, zero-padded."""
        for tokens in self._tokenizer(raw_documents):
            word_ids = np.zeros(self.max_document_length, np.int64)
            for index, token in enumerate(itertools.islice(tokens, self.max_document_length)):
                word_ids[index] = self.vocabulary_.get(token)
            yield word_ids

    def reverse(self, documents):
        """Yield each row of ids as its words joined by spaces."""
        for item in documents:
            yield " ".join(self.vocabulary_.reverse(class_id) for class_id in item)

    def save(self, filename):
        """Pickle this processor into ``filename`` (any path ``tf.io.gfile`` writes)."""
        with tf.io.gfile.GFile(filename, "wb") as file:
            file.write(pickle.dumps(self))

    @classmethod
    def restore(cls, filename):
        """The processor pickled in ``filename``, by ``save`` or by TF 1.15's."""
        with tf.io.gfile.GFile(filename, "rb") as file:
            return _TF115Unpickler(io.BytesIO(file.read())).load()
