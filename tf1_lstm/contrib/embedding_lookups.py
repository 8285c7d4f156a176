"""TF 1.15's ``tf.contrib.layers`` embedding lookups that tf_slim left out, on TensorFlow 2.21.

- ``embedding_lookup_unique(params, ids)``: ``tf.nn.embedding_lookup`` that looks each distinct
  id up once and repeats the rows, for ids of any rank:

      unique_ids, idx = unique(flatten(ids))        # [U], [N]   (N = number of ids)
      rows = embedding_lookup(params, unique_ids)   # [U, d1, ...]
      out = reshape(gather(rows, idx), shape(ids) + [d1, ...])

- ``safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights, ...)``: the
  embeddings of each row of a ``SparseTensor`` of ids, combined ("mean", "sqrtn" or "sum")
  along the last dimension, with ids < 0 (and, unless "sum", weights <= 0) pruned, and rows
  left empty given the row of ``default_id`` (or zeros). TF 1.13 moved this function into
  core as ``tf.compat.v1.nn.safe_embedding_lookup_sparse``; TF 2.21 still has it there, and
  the contrib name is that function with contrib's two differences kept: ``combiner=None``
  means "mean" (contrib logged a notice about a change of default that never came; we do not),
  and embedding shards of different float dtypes are a ValueError before any op is built.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf  # the TF1 world before anything imports TensorFlow

# isort: split
from tensorflow.python.ops.variables import PartitionedVariable  # not in the public API


def embedding_lookup_unique(params, ids, partition_strategy: str = "mod", name=None):
    """``embedding_lookup`` with each distinct id looked up once; ``ids`` may have any rank.

    Args:
        params: a ``[vocab, d1, d2, ...]`` tensor or variable, or a list of shards of one.
        ids: int32/int64 ids of shape ``[n1, n2, ...]``.
        partition_strategy: "mod" (TF 1.15's default here) or "div", when params is sharded.
        name: name scope, default "EmbeddingLookupUnique".

    Returns:
        ``[n1, n2, ..., d1, d2, ...]``: row ``ids[i, j, ...]`` of params at ``[i, j, ...]``.
    """
    with tf.name_scope(name, "EmbeddingLookupUnique", [params, ids]):
        ids = tf.convert_to_tensor(ids)
        ids_shape = tf.shape(ids)                                            # [rank]
        ids_flat = tf.reshape(ids, tf.reduce_prod(ids_shape, keepdims=True))  # [N]
        unique_ids, idx = tf.unique(ids_flat)                               # [U], [N]
        unique_rows = tf.nn.embedding_lookup(params, unique_ids, partition_strategy)
        rows = tf.gather(unique_rows, idx)                                  # [N, d1, ...]
        out = tf.reshape(rows, tf.concat([ids_shape, tf.shape(unique_rows)[1:]], 0))
        out.set_shape(ids.shape.concatenate(unique_rows.shape[1:]))
        return out


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner=None, default_id=None, name=None,
                                 partition_strategy: str = "div", max_norm=None):
    """Combined embeddings of each row of ``sparse_ids``, robust to invalid ids and empty rows.

    Args:
        embedding_weights: ``[vocab, e1, ...]`` embeddings, a list of shards of them (all of
            one float dtype) or a ``PartitionedVariable``.
        sparse_ids: ``SparseTensor`` ``[d0, ..., dn]`` of int ids.
        sparse_weights: ``SparseTensor`` of float weights at the same indices, or None (1.0).
        combiner: "mean" (also for None, as in TF 1.15), "sqrtn" or "sum".
        default_id: the id whose embedding an empty row gets; None gives zeros.
        name, partition_strategy, max_norm: as ``tf.nn.embedding_lookup_sparse``.

    Returns:
        Dense ``[d0, ..., d(n-1), e1, ...]``.

    Raises:
        ValueError: no embedding weights, or shards (and weights) of different float dtypes.
    """
    shards = embedding_weights
    if isinstance(shards, PartitionedVariable):
        shards = list(shards)
    if not isinstance(shards, list):
        shards = [shards]
    if not shards:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    weight_dtype = sparse_weights.dtype if sparse_weights is not None else None
    # As TF 1.15: the shards become tensors (of the weights' dtype, if given), all one dtype.
    shards = [tf.convert_to_tensor(shard, dtype=weight_dtype) for shard in shards]
    tf.debugging.assert_same_float_dtype(
        shards + ([sparse_weights] if sparse_weights is not None else []))
    return tf.nn.safe_embedding_lookup_sparse(
        shards, sparse_ids, sparse_weights, combiner=combiner or "mean",
        default_id=default_id, name=name, partition_strategy=partition_strategy,
        max_norm=max_norm)
