"""``tf.contrib.learn.datasets.base``: TF 1.15's CSV loaders and dataset tuples, local files only.

- ``Dataset(data, target)``, ``Datasets(train, validation, test)``: TF 1.15's namedtuples;
- ``load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1)``: the
  first row is ``n_samples,n_features,...`` (TF's iris.csv layout), then one sample a row;
- ``load_csv_without_header(...)``: one sample a row;
- ``shrink_csv(filename, ratio)``: every ``ratio``-th row into ``<name>_small.<ext>``;
- ``maybe_download(filename, work_directory, source_url)``: the path of a file that is
  already there. tf1-lstm never downloads: a missing file is a ``DatasetFileMissing`` error
  naming the URL to fetch it from and the path to put it at;
- ``load_iris(data_path)``, ``load_boston(data_path)``: read the CSV at ``data_path``.
  TF 1.15 shipped the two files inside its package; tf1-lstm does not, so without a
  ``data_path`` they raise ``DatasetFileMissing`` naming scikit-learn's loaders.

Files are read with ``tf.io.gfile`` as TF 1.15 did (local paths, and any file system TF has).
"""

from __future__ import annotations

import collections
import csv
import os

import numpy as np

from tf1_lstm.bootstrap import tf
from tf1_lstm.errors import Tf1LstmError

Dataset = collections.namedtuple("Dataset", ["data", "target"])
Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


class DatasetFileMissing(Tf1LstmError, FileNotFoundError):
    """A dataset file TF 1.15 would have downloaded or shipped, which is not on disk."""


def load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1):
    """A ``Dataset`` from a CSV whose first row starts with ``n_samples,n_features``."""
    with tf.io.gfile.GFile(filename) as csv_file:
        rows = csv.reader(csv_file)
        header = next(rows)
        n_samples, n_features = int(header[0]), int(header[1])
        data = np.zeros((n_samples, n_features), dtype=features_dtype)
        target = np.zeros((n_samples,), dtype=target_dtype)
        for i, row in enumerate(rows):
            target[i] = np.asarray(row.pop(target_column), dtype=target_dtype)
            data[i] = np.asarray(row, dtype=features_dtype)
    return Dataset(data=data, target=target)


def dataset_from_rows(rows, target_dtype, features_dtype, target_column=-1):
    """A ``Dataset`` from rows of strings, the target taken out of column ``target_column``."""
    data, target = [], []
    for row in rows:
        row = list(row)
        target.append(row.pop(target_column))
        data.append(np.asarray(row, dtype=features_dtype))
    return Dataset(data=np.array(data), target=np.array(target, dtype=target_dtype))


def load_csv_without_header(filename, target_dtype, features_dtype, target_column=-1):
    """A ``Dataset`` from a CSV with one sample a row and no header."""
    with tf.io.gfile.GFile(filename) as csv_file:
        return dataset_from_rows(csv.reader(csv_file), target_dtype, features_dtype,
                                 target_column)


def shrink_csv(filename, ratio):
    """Write every ``ratio``-th row of ``filename`` to its ``_small`` copy."""
    # TF 1.15 replaced *every* '.' of the path, directories included; kept as it was.
    filename_small = filename.replace(".", "_small.")
    with tf.io.gfile.GFile(filename_small, "w") as csv_file_small:
        writer = csv.writer(csv_file_small)
        with tf.io.gfile.GFile(filename) as csv_file:
            for i, row in enumerate(csv.reader(csv_file)):
                if i % ratio == 0:
                    writer.writerow(row)


def maybe_download(filename, work_directory, source_url):
    """``work_directory/filename`` if it exists (the folder is created, as TF 1.15 did)."""
    if not tf.io.gfile.exists(work_directory):
        tf.io.gfile.makedirs(work_directory)
    filepath = os.path.join(work_directory, filename)
    if not tf.io.gfile.exists(filepath):
        raise DatasetFileMissing(
            f"{filepath} is not there and tf1-lstm does not download (TF 1.15's "
            f"maybe_download fetched it from {source_url}). Download that file yourself "
            f"and save it as {filepath}.")
    return filepath


def _shipped_csv(data_path, name: str, replacement: str) -> str:
    if data_path is None:
        raise DatasetFileMissing(
            f"load_{name}() read {name} from a CSV file inside TF 1.15's package, which "
            f"tf1-lstm does not ship. Use {replacement}, or pass data_path= a CSV in TF's "
            "layout (first row: n_samples,n_features,...; the target in the last column).")
    return data_path


def load_iris(data_path=None):
    """Iris (150 x 4 float64 features, int targets) from the CSV at ``data_path``."""
    path = _shipped_csv(data_path, "iris", "sklearn.datasets.load_iris()")
    return load_csv_with_header(path, target_dtype=int, features_dtype=float)


def load_boston(data_path=None):
    """Boston housing (506 x 13 float64 features, float targets) from ``data_path``."""
    path = _shipped_csv(data_path, "boston",
                        "sklearn.datasets.fetch_openml(name='boston', version=1)")
    return load_csv_with_header(path, target_dtype=float, features_dtype=float)
