"""TF 0.12's summary functions, keyed by the tag the script gives, as TF 0.12 wrote them.

TF 1.0 replaced ``tf.scalar_summary(tags, values)`` by ``tf.summary.scalar(name, tensor)``,
which is not a rename: the new functions key the event by the op's *name* (so the tag
gains the enclosing name scopes, ``train/loss`` instead of ``loss``), accept one scalar
only (0.12 took a tensor of tags with a tensor of values of the same shape) and renamed
``max_images`` to ``max_outputs``. The TF 0.12 ops are still in TensorFlow 2.21
(``ScalarSummary``, ``HistogramSummary``, ``ImageSummary``, ``AudioSummaryV2``), so these
functions are TF 0.12's ``logging_ops`` again: the op under ``name_scope(name, <Op>)``,
added to ``collections`` (default ``[GraphKeys.SUMMARIES]``), so ``tf.merge_all_summaries()``
and ``tf.summary.merge_all()`` find them.
"""

from __future__ import annotations

from collections.abc import Iterable

from tf1_lstm.bootstrap import tf as _v1


def _collect(summary, collections: Iterable[str] | None):
    for key in [_v1.GraphKeys.SUMMARIES] if collections is None else collections:
        _v1.add_to_collection(key, summary)
    return summary


def scalar_summary(tags, values, collections=None, name=None):
    """A Summary with one scalar per tag: ``tags`` and ``values`` have the same shape."""
    with _v1.name_scope(name, "ScalarSummary", [tags, values]) as scope:
        return _collect(_v1.raw_ops.ScalarSummary(tags=tags, values=values, name=scope),
                        collections)


def histogram_summary(tag, values, collections=None, name=None):
    """A Summary with a histogram of ``values`` (any shape) under the scalar string ``tag``."""
    with _v1.name_scope(name, "HistogramSummary", [tag, values]) as scope:
        return _collect(_v1.raw_ops.HistogramSummary(tag=tag, values=values, name=scope),
                        collections)


def image_summary(tag, tensor, max_images=3, collections=None, name=None):
    """Up to ``max_images`` images of ``tensor`` [batch, height, width, 1|3|4], tagged
    ``tag/image`` (one) or ``tag/image/0``, ``tag/image/1``, ... (several)."""
    with _v1.name_scope(name, "ImageSummary", [tag, tensor]) as scope:
        return _collect(_v1.raw_ops.ImageSummary(tag=tag, tensor=tensor, max_images=max_images,
                                                 name=scope), collections)


def audio_summary(tag, tensor, sample_rate, max_outputs=3, collections=None, name=None):
    """Up to ``max_outputs`` clips of ``tensor`` [batch, frames(, channels)] in [-1, 1]."""
    with _v1.name_scope(name, "AudioSummary", [tag, tensor]) as scope:
        sample_rate = _v1.convert_to_tensor(sample_rate, dtype=_v1.float32, name="sample_rate")
        return _collect(_v1.raw_ops.AudioSummaryV2(tag=tag, tensor=tensor, sample_rate=sample_rate,
                                                   max_outputs=max_outputs, name=scope),
                        collections)


# old name -> the TF 0.12 function (merge_summary and merge_all_summaries are plain renames).
TF012_SUMMARIES = {
    "tf.scalar_summary": scalar_summary,
    "tf.histogram_summary": histogram_summary,
    "tf.image_summary": image_summary,
    "tf.audio_summary": audio_summary,
}
