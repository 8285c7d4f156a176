"""``tf.contrib.learn.datasets.text_datasets``: DBpedia from local files, as TF 1.15 read it.

``load_dbpedia(size, test_with_fake_data)`` reads ``dbpedia_data/dbpedia_csv/{train,test}.csv``
(under ``$TF_EXP_BASE_DIR`` if set): class id (int32) first, then title and text (str).
``size='small'`` first writes and reads every 1000th row (``train_small.csv``,
``test_small.csv``). TF 1.15 downloaded and unpacked the archive when the files were missing;
tf1-lstm never downloads, so a missing file is a ``DatasetFileMissing`` error naming the
archive's URL and the folder to unpack it into. ``test_with_fake_data=True`` returns TF
1.15's three-sample train / one-sample test fake data (its ``data/text_*.csv``, here inline).
"""

from __future__ import annotations

import os

import numpy as np

from tf1_lstm.bootstrap import tf
from tf1_lstm.contrib.learn.datasets import base

DBPEDIA_URL = "https://github.com/le-scientifique/torchDatasets/raw/master/dbpedia_csv.tar.gz"

# TF 1.15's data/text_train.csv and data/text_test.csv (class, title, text).
FAKE_TRAIN_ROWS = (
    ("1", "Google", "Google is a company."),
    ("2", "Larry Page", "Larry Page is the co-founder of Google."),
    ("3", "Time", "Time is a news magazine."),
)
FAKE_TEST_ROWS = (("2", "Sergey Brin", "Sergey Brin is the co-founder of Google."),)


def maybe_download_dbpedia(data_dir):
    """Check that ``data_dir/dbpedia_csv/{train,test}.csv`` are there (nothing downloads)."""
    for split in ("train", "test"):
        path = os.path.join(data_dir, f"dbpedia_csv/{split}.csv")
        if not tf.io.gfile.exists(path):
            raise base.DatasetFileMissing(
                f"{path} is not there and tf1-lstm does not download (TF 1.15 fetched and "
                f"unpacked {DBPEDIA_URL}). Download that archive and unpack it into "
                f"{data_dir}, or pass test_with_fake_data=True.")


def _as_dataset(rows):
    return base.dataset_from_rows(rows, target_dtype=np.int32, features_dtype=str,
                                  target_column=0)


def load_dbpedia(size="small", test_with_fake_data=False):
    """DBpedia as ``Datasets(train, validation=None, test)``, features [N, 2] str."""
    if test_with_fake_data:
        return base.Datasets(train=_as_dataset(FAKE_TRAIN_ROWS), validation=None,
                             test=_as_dataset(FAKE_TEST_ROWS))
    data_dir = os.path.join(os.getenv("TF_EXP_BASE_DIR", ""), "dbpedia_data")
    maybe_download_dbpedia(data_dir)
    train_path = os.path.join(data_dir, "dbpedia_csv", "train.csv")
    test_path = os.path.join(data_dir, "dbpedia_csv", "test.csv")
    if size == "small":  # a thousandth of the data
        base.shrink_csv(train_path, 1000)
        base.shrink_csv(test_path, 1000)
        train_path = train_path.replace("train.csv", "train_small.csv")
        test_path = test_path.replace("test.csv", "test_small.csv")
    read = {"target_dtype": np.int32, "features_dtype": str, "target_column": 0}
    return base.Datasets(train=base.load_csv_without_header(train_path, **read),
                         validation=None,
                         test=base.load_csv_without_header(test_path, **read))
