"""``tf.contrib.seq2seq`` on TensorFlow 2.21 (being built: issue 14)."""

from __future__ import annotations

from tf1_lstm.contrib.replacements import missing_name_hook

__all__: list[str] = []

__getattr__ = missing_name_hook("seq2seq", __all__)
