"""Read and write MNIST's IDX files, with errors that say what is wrong.

IDX is big-endian: a 4-byte magic number (0x00000803 = 2051 for images,
0x00000801 = 2049 for labels), one uint32 per dimension, then raw uint8 data.
Images have the header ``magic, count, rows, cols``; labels ``magic, count``.

Every problem with a file, reading it (a folder of that name, no permission)
or its content, is reported as :class:`MnistFileError`, whose message names
the file, the fault and what to do about it.
"""

from __future__ import annotations

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from tf1_lstm.errors import Tf1LstmError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
IMAGE_ROWS = IMAGE_COLS = 28
NUM_CLASSES = 10

_IMAGES_HEADER_BYTES = 16  # magic, count, rows, cols
_LABELS_HEADER_BYTES = 8  # magic, count
_GZIP_MAGIC = b"\x1f\x8b"
_KIND_BY_MAGIC = {IMAGES_MAGIC: "images", LABELS_MAGIC: "labels"}


class MnistFileError(Tf1LstmError, ValueError):
    """An MNIST file is missing, damaged or not what its name says.

    A ``ValueError`` subclass because TF1's reader raised ``ValueError`` for a
    bad magic number, so existing ``except ValueError`` code keeps working.
    """


# --- reading -----------------------------------------------------------------


def read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the contents of ``path``, gunzipped when its name ends in .gz."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MnistFileError(f"{path}: cannot read it: {_describe_read_error(exc)}") from exc
    if path.suffix != ".gz":
        if raw.startswith(_GZIP_MAGIC):
            raise MnistFileError(
                f"{path}: file is gzip-compressed but its name does not end in "
                f"'.gz'; rename it to '{path.name}.gz' or gunzip it."
            )
        return raw
    try:
        return gzip.decompress(raw)
    except gzip.BadGzipFile as exc:
        hint = ""
        if raw[:4] in (
            IMAGES_MAGIC.to_bytes(4, "big"),
            LABELS_MAGIC.to_bytes(4, "big"),
        ):
            hint = (
                " It looks like an uncompressed IDX file: drop the '.gz' from its"
                f" name ('{path.stem}')."
            )
        raise MnistFileError(
            f"{path}: not a valid gzip file ({exc}).{hint} Re-download the MNIST"
            " file or gunzip it and remove the '.gz' from its name."
        ) from exc
    except (EOFError, zlib.error) as exc:
        # EOFError: the gzip stream stops early (an interrupted download).
        raise MnistFileError(
            f"{path}: gzip data is truncated or corrupt ({exc}); re-download the file."
        ) from exc


def _describe_read_error(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "it is a folder; the MNIST file of that name must be a file."
    if isinstance(exc, PermissionError):
        return "permission denied; make it readable (chmod a+r) or run as its owner."
    return f"{exc.strerror or exc}."


def parse_idx_images(
    data: bytes,
    source: str | os.PathLike[str] = "<bytes>",
    *,
    rows: int = IMAGE_ROWS,
    cols: int = IMAGE_COLS,
) -> np.ndarray:
    """Parse IDX image bytes into a uint8 array of shape [N, rows, cols, 1].

    ``rows``/``cols`` are the required image size: MNIST programs reshape
    images to 28x28, so any other size is reported here rather than as a
    baffling reshape error deep inside a model.  ``source`` names the data in
    error messages.
    """
    _check_header(data, source, IMAGES_MAGIC, _IMAGES_HEADER_BYTES)
    count, found_rows, found_cols = np.frombuffer(data, dtype=">u4", count=3, offset=4)
    count, found_rows, found_cols = int(count), int(found_rows), int(found_cols)
    if (found_rows, found_cols) != (rows, cols):
        raise MnistFileError(
            f"{source}: wrong image size: images are {found_rows}x{found_cols}"
            f" pixels, expected {rows}x{cols} (MNIST programs reshape every image"
            f" to {rows}x{cols})."
        )
    pixels = _data_part(data, source, _IMAGES_HEADER_BYTES, count * rows * cols, "images")
    return pixels.reshape(count, rows, cols, 1)


def parse_idx_labels(data: bytes, source: str | os.PathLike[str] = "<bytes>") -> np.ndarray:
    """Parse IDX label bytes into a uint8 array of shape [N] with values 0..9."""
    _check_header(data, source, LABELS_MAGIC, _LABELS_HEADER_BYTES)
    count = int(np.frombuffer(data, dtype=">u4", count=1, offset=4)[0])
    labels = _data_part(data, source, _LABELS_HEADER_BYTES, count, "labels")
    bad = np.flatnonzero(labels >= NUM_CLASSES)
    if bad.size:
        raise MnistFileError(
            f"{source}: labels outside 0..{NUM_CLASSES - 1}: found {labels[bad[0]]}"
            f" at index {bad[0]} ({bad.size} bad label(s) in all). MNIST labels"
            " are digit classes; this is not an MNIST labels file or it is corrupt."
        )
    return labels


def read_idx_images(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX images file (.gz or plain) into uint8 [N, 28, 28, 1]."""
    return parse_idx_images(read_file_bytes(path), path)


def read_idx_labels(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX labels file (.gz or plain) into uint8 [N] with values 0..9."""
    return parse_idx_labels(read_file_bytes(path), path)


def check_same_count(
    images: np.ndarray,
    labels: np.ndarray,
    images_path: str | os.PathLike[str],
    labels_path: str | os.PathLike[str],
) -> None:
    """Raise MnistFileError unless the images and labels pair up one to one."""
    if len(images) != len(labels):
        raise MnistFileError(
            f"image/label count mismatch: {images_path} has {len(images)} images"
            f" but {labels_path} has {len(labels)} labels; the two files must"
            " come from the same MNIST set."
        )


def _check_header(
    data: bytes, source: str | os.PathLike[str], magic: int, header_bytes: int
) -> None:
    kind = _KIND_BY_MAGIC[magic]
    if len(data) < 4:
        raise MnistFileError(
            f"{source}: file is truncated: header needs {header_bytes} bytes,"
            f" found {len(data)}. Re-download the file."
        )
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise MnistFileError(f"{source}: {_describe_bad_magic(found, magic, kind)}")
    if len(data) < header_bytes:
        raise MnistFileError(
            f"{source}: file is truncated: the IDX {kind} header needs"
            f" {header_bytes} bytes, found {len(data)}. Re-download the file."
        )


def _describe_bad_magic(found: int, expected: int, kind: str) -> str:
    message = f"wrong magic number: expected {expected} for IDX {kind}, got {found}"
    other = _KIND_BY_MAGIC.get(found)
    if other is not None:
        return (
            f"{message}. This looks like an MNIST {other} file where an {kind} file"
            " was expected; check that the images and labels files are not swapped."
        )
    if found.to_bytes(4, "big").startswith(_GZIP_MAGIC):
        return f"{message}. The data is gzip-compressed: name the file '*.gz' or gunzip it."
    return f"{message}. This is not an MNIST {kind} file (or it is corrupt)."


def _data_part(
    data: bytes, source: str | os.PathLike[str], offset: int, expected: int, kind: str
) -> np.ndarray:
    found = len(data) - offset
    if found < expected:
        raise MnistFileError(
            f"{source}: file is truncated: the header promises {expected} bytes"
            f" of {kind} data, found {found}. Re-download the file."
        )
    # Bytes past the promised count are ignored, as TF1's reader did.
    # .copy() so the array owns writable memory instead of viewing ``data``.
    return np.frombuffer(data, dtype=np.uint8, count=expected, offset=offset).copy()


# --- writing -----------------------------------------------------------------


def write_idx_images(path: str | os.PathLike[str], images: np.ndarray) -> None:
    """Write uint8 images [N, rows, cols] or [N, rows, cols, 1] as an IDX file.

    Gzipped when ``path`` ends in .gz.  Refuses to overwrite: FileExistsError.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[3] == 1:
        images = images[..., 0]
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            "write_idx_images needs a uint8 array of shape [N, rows, cols] or"
            f" [N, rows, cols, 1]; got {images.dtype} {images.shape}"
        )
    header = np.array([IMAGES_MAGIC, *images.shape], dtype=">u4").tobytes()
    _write_new_file(path, header + np.ascontiguousarray(images).tobytes())


def write_idx_labels(path: str | os.PathLike[str], labels: np.ndarray) -> None:
    """Write labels [N] (integers 0..255) as an IDX file.

    Values above 9 are allowed on purpose so tests can build bad files.
    Gzipped when ``path`` ends in .gz.  Refuses to overwrite: FileExistsError.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"write_idx_labels needs a 1-D integer array; got {labels.dtype} {labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 255):
        raise ValueError("write_idx_labels: labels must fit in a byte (0..255)")
    header = np.array([LABELS_MAGIC, len(labels)], dtype=">u4").tobytes()
    _write_new_file(path, header + labels.astype(np.uint8).tobytes())


def _write_new_file(path: str | os.PathLike[str], payload: bytes) -> None:
    path = Path(path)
    # Mode "x" makes the no-overwrite check atomic (no exists()-then-open race).
    with path.open("xb") as raw:
        if path.suffix == ".gz":
            # mtime=0: identical input gives byte-identical files.
            with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed:
                compressed.write(payload)
        else:
            raw.write(payload)
