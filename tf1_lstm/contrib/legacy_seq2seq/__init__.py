"""``tf.contrib.legacy_seq2seq`` on TensorFlow 2.21: TF 1.15's seq2seq library, rebuilt.

TF 1.15's ``tensorflow/contrib/legacy_seq2seq/python/ops/seq2seq.py`` (``tf.nn.seq2seq`` in
TF 0.x) built encoder-decoder models over Python lists of per-step tensors with
``static_rnn``: the library of the 2016 translation tutorial and of many chatbots and
char-rnn programs. It left with ``tf.contrib``. Every public name is rebuilt here with TF
1.15's arguments, defaults, errors and variable names and shapes, so such a model builds the
same graph and restores its TF 1.x checkpoints (e.g.
``embedding_attention_seq2seq/rnn/embedding_wrapper/embedding``,
``embedding_attention_seq2seq/embedding_attention_decoder/attention_decoder/AttnW_0``).

TF 1.15's public names, by concept (one file each):

- losses (``losses``): ``sequence_loss_by_example``, ``sequence_loss``;
- decoders over vectors (``decoders``): ``rnn_decoder``, ``attention_decoder``;
- decoders over symbols (``embedding_decoders``): ``embedding_rnn_decoder``,
  ``embedding_attention_decoder``;
- models (``models``): ``basic_rnn_seq2seq``, ``tied_rnn_seq2seq``,
  ``embedding_rnn_seq2seq``, ``embedding_tied_rnn_seq2seq``; ``embedding_attention_seq2seq``
  (``attention_seq2seq``); ``one2many_rnn_seq2seq`` (``one2many``);
- bucketing (``buckets``): ``model_with_buckets``.

What they share: the greedy loop function and the ``tf.cond`` of a boolean-tensor
``feed_previous`` (``feed_previous``), the deep copy of the cell for the encoder
(``encoder_cell``; a cell that has already run cannot be copied, as in TF 1.x, and says so),
TF 1.15's ``_Linear`` (``tf1_lstm.contrib.rnn.linear``) and its ``EmbeddingWrapper`` and
``OutputProjectionWrapper`` (``tf1_lstm.contrib.rnn``).

A name TF 1.15's module did not export raises ``ContribNameError`` naming what is here.
"""

from __future__ import annotations

import tf1_lstm.bootstrap  # noqa: F401 - the TF1 world first, whichever module is imported
from tf1_lstm.contrib.legacy_seq2seq.attention_seq2seq import embedding_attention_seq2seq
from tf1_lstm.contrib.legacy_seq2seq.buckets import model_with_buckets
from tf1_lstm.contrib.legacy_seq2seq.decoders import attention_decoder, rnn_decoder
from tf1_lstm.contrib.legacy_seq2seq.embedding_decoders import (
    embedding_attention_decoder,
    embedding_rnn_decoder,
)
from tf1_lstm.contrib.legacy_seq2seq.losses import sequence_loss, sequence_loss_by_example
from tf1_lstm.contrib.legacy_seq2seq.models import (
    basic_rnn_seq2seq,
    embedding_rnn_seq2seq,
    embedding_tied_rnn_seq2seq,
    tied_rnn_seq2seq,
)
from tf1_lstm.contrib.legacy_seq2seq.one2many import one2many_rnn_seq2seq
from tf1_lstm.contrib.replacements import missing_name_hook

# TF 1.15's @@ list (tensorflow/contrib/legacy_seq2seq/__init__.py), in its order.
__all__ = [
    "attention_decoder", "basic_rnn_seq2seq", "embedding_attention_decoder",
    "embedding_attention_seq2seq", "embedding_rnn_decoder", "embedding_rnn_seq2seq",
    "embedding_tied_rnn_seq2seq", "model_with_buckets", "one2many_rnn_seq2seq",
    "rnn_decoder", "sequence_loss", "sequence_loss_by_example", "tied_rnn_seq2seq",
]

__getattr__ = missing_name_hook("legacy_seq2seq", __all__)
