"""TF 1.15's ``tf.contrib.layers`` encoders (``embed_sequence``, ``bow_encoder``) on TF 2.21.

Both make one model variable, the embedding matrix, under their variable scope
(``EmbedSequence`` / ``bow_encoder`` by default), exactly as TF 1.15 named it, so a TF1
checkpoint restores:

    E = <scope>/embeddings                      # [vocab_size, embed_dim], in MODEL_VARIABLES

- ``embed_sequence(ids)``: ``out[b, t] = E[ids[b, t]]``, ``[B, T] -> [B, T, embed_dim]``;
  typical use: one embedding shared by an encoder and a decoder (``scope=..., reuse=True``).
- ``bow_encoder(ids)``: the mean of the row's embeddings, ``[B, T] -> [B, embed_dim]``.
  With ``sparse_lookup=True`` (the default) dense ids equal to 0 are padding and left out,
  and a row with no other id gets ``E[0]``, TF 1.15's ``default_id=0``; with
  ``sparse_lookup=False`` it is ``mean_t E[ids[b, t]]`` over every position, 0s included.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf  # the TF1 world before tf_slim loads TensorFlow

# isort: split
import tf_slim
from tf_slim.layers.sparse_ops import dense_to_sparse_tensor

from tf1_lstm.contrib.embedding_lookups import (
    embedding_lookup_unique,
    safe_embedding_lookup_sparse,
)
from tf1_lstm.errors import Tf1LstmError


class EncoderArgumentError(Tf1LstmError, ValueError):
    """An encoder called without the vocabulary size or embedding width it needs."""


class EncoderIdsTypeError(Tf1LstmError, TypeError):
    """An encoder given sparse ids where it needs dense ones."""


def _embeddings(shape, initializer, regularizer, trainable: bool):
    return tf_slim.model_variable("embeddings", shape=shape, initializer=initializer,
                                  regularizer=regularizer, trainable=trainable)


def embed_sequence(ids, vocab_size=None, embed_dim=None, unique: bool = False,
                   initializer=None, regularizer=None, trainable: bool = True,
                   scope=None, reuse=None):
    """Maps a sequence of symbol ids to a sequence of embeddings (TF 1.15 semantics).

    Args:
        ids: ``[batch_size, doc_length]`` int32/int64 symbol ids.
        vocab_size, embed_dim: the shape of ``E``; both needed unless ``reuse``.
        unique: look each distinct id up once (``embedding_lookup_unique``).
        initializer: for ``E``; None uses the variable scope's (glorot uniform by default).
        regularizer: optional regularizer for ``E``.
        trainable: also put ``E`` in ``TRAINABLE_VARIABLES``.
        scope: variable scope, default "EmbedSequence"; needed with ``reuse=True``.
        reuse: reuse the ``E`` of ``scope``.

    Returns:
        ``[batch_size, doc_length, embed_dim]`` embeddings.
    """
    if not (reuse or (vocab_size and embed_dim)):
        raise EncoderArgumentError(
            "embed_sequence needs vocab_size and embed_dim when it creates the embeddings "
            f"(got vocab_size={vocab_size}, embed_dim={embed_dim}). Pass both, or pass "
            "scope=... and reuse=True to use embeddings made earlier.")
    with tf.variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        # TF 1.15 wrote `reuse and vocab_size is None or embed_dim is None`; after the check
        # above that is the same as this: an unknown size means "take the existing shape".
        shape = None if vocab_size is None or embed_dim is None else [vocab_size, embed_dim]
        embeddings = _embeddings(shape, initializer, regularizer, trainable)  # [V, D]
        if unique:
            return embedding_lookup_unique(embeddings, ids)
        return tf.nn.embedding_lookup(embeddings, ids)                      # [B, T, D]


def bow_encoder(ids, vocab_size, embed_dim, sparse_lookup: bool = True, initializer=None,
                regularizer=None, trainable: bool = True, scope=None, reuse=None):
    """Maps a sequence of symbol ids to one vector per example: the mean embedding.

    Args:
        ids: ``[batch_size, doc_length]`` int ids, a ``Tensor`` or a ``SparseTensor``.
        vocab_size, embed_dim: the shape of ``E`` (both required).
        sparse_lookup: use a sparse lookup (0 ids are padding, empty rows get ``E[0]``);
            False averages every position and needs dense ids.
        initializer, regularizer, trainable, scope, reuse: as ``embed_sequence``; the
            default scope is "bow_encoder".

    Returns:
        ``[batch_size, embed_dim]`` mean embeddings.
    """
    if not vocab_size or not embed_dim:
        raise EncoderArgumentError(
            "bow_encoder needs vocab_size and embed_dim "
            f"(got vocab_size={vocab_size}, embed_dim={embed_dim}).")
    with tf.variable_scope(scope, "bow_encoder", [ids], reuse=reuse):
        embeddings = _embeddings([vocab_size, embed_dim], initializer, regularizer, trainable)
        is_sparse = isinstance(ids, tf.SparseTensor)
        if sparse_lookup:
            sparse_ids = ids if is_sparse else dense_to_sparse_tensor(ids)
            return safe_embedding_lookup_sparse([embeddings], sparse_ids, combiner="mean",
                                                default_id=0)
        if is_sparse:
            raise EncoderIdsTypeError(
                "bow_encoder(sparse_lookup=False) needs dense ids, got a SparseTensor. "
                "Pass sparse_lookup=True, or tf.sparse.to_dense(ids).")
        return tf.reduce_mean(tf.nn.embedding_lookup(embeddings, ids), axis=1)  # [B, D]
