"""``tf.contrib.learn.datasets``: TF 1.15's dataset loaders that read local files.

- ``base``: the CSV loaders and ``Dataset`` / ``Datasets`` tuples;
- ``mnist``: ``read_data_sets`` (tf1-lstm's MNIST reader);
- ``text_datasets``: ``load_dbpedia`` from an unpacked local copy, or TF's fake data;
- ``load_dataset(name, size, test_with_fake_data)``: ``'mnist'``, ``'dbpedia'``, and
  ``'iris'`` / ``'boston'`` (these two raise: TF 1.15 shipped their CSVs, tf1-lstm does not).

Nothing downloads; a file TF 1.15 would have fetched is a ``DatasetFileMissing`` error that
names its URL. ``synthetic`` (``make_dataset``, circles, spirals) is not provided.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.learn.datasets import base, mnist, text_datasets
from tf1_lstm.contrib.learn.datasets.base import DatasetFileMissing, load_boston, load_iris
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.errors import Tf1LstmError

# TF 1.15's table of loaders by name.
DATASETS = {
    "iris": load_iris,
    "boston": load_boston,
    "mnist": mnist.load_mnist,
    "dbpedia": text_datasets.load_dbpedia,
}


class UnknownDatasetError(Tf1LstmError, ValueError):
    """A ``load_dataset`` name TF 1.15's table did not have."""


def load_dataset(name, size="small", test_with_fake_data=False):
    """The dataset ``name`` of ``DATASETS`` (``size`` and fake data: dbpedia only)."""
    if name not in DATASETS:
        raise UnknownDatasetError(
            f"Name of dataset is not found: {name} (known: {', '.join(DATASETS)})")
    if name == "dbpedia":
        return DATASETS[name](size, test_with_fake_data)
    return DATASETS[name]()


__all__ = ["base", "mnist", "text_datasets", "load_dataset", "load_iris", "load_boston",
           "DATASETS", "DatasetFileMissing"]

__getattr__ = _missing_name_hook("learn.datasets", __all__)
