"""``tf.contrib.learn.datasets.mnist``: tf1-lstm's MNIST reader (``tf1_lstm.data.mnist``).

TF 1.15's ``tensorflow.examples.tutorials.mnist.input_data`` was this module re-exported, so
both names serve the same reader: the four IDX files in ``train_dir``, or the embedded
5,000-digit subset; nothing downloads (``source_url`` is ignored).
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.data.mnist import (
    TEST_IMAGES,
    TEST_LABELS,
    TRAIN_IMAGES,
    TRAIN_LABELS,
    DataSet,
    dense_to_one_hot,
    read_data_sets,
)

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"  # never fetched


def load_mnist(train_dir="MNIST-data"):
    """TF 1.15's shortcut: ``read_data_sets(train_dir)``."""
    return read_data_sets(train_dir)


__all__ = ["DataSet", "read_data_sets", "load_mnist", "dense_to_one_hot", "DEFAULT_SOURCE_URL",
           "TRAIN_IMAGES", "TRAIN_LABELS", "TEST_IMAGES", "TEST_LABELS"]

__getattr__ = _missing_name_hook("learn.datasets.mnist", __all__)
