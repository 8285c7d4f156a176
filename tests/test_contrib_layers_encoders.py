"""TF 1.15's tf.contrib.layers encoders and embedding lookups, which tf_slim lacks, on TF 2.21.

The expected values are TF 1.15's own (encoders_test.py, embedding_ops_test.py; each test
names its source), and the variables TF 1.15 made: ``<scope>/embeddings`` of shape
``[vocab_size, embed_dim]`` in the model variables.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tf1_lstm.contrib.layers as layers
import tf1_lstm.contrib.slim as slim
from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.errors import Tf1LstmError

DOCS = [[1, 1], [2, 3]]
TABLE = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]  # [vocab 4, dim 3]


def run(tensors):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(tensors)


def constant_table(scope: str = "test"):
    """TF 1.15 encoders_test._get_const_var: embeddings made before the encoder reuses them."""
    with tf.variable_scope(scope):
        table = tf.get_variable("embeddings", (4, 3), initializer=tf.constant_initializer(TABLE))
    assert table.name == f"{scope}/embeddings:0"
    return table


# --- embed_sequence -----------------------------------------------------------------------

@pytest.mark.parametrize("unique", [False, True])
def test_embed_sequence_reads_the_reused_embeddings_as_tf115(unique):
    """TF 1.15 encoders_test: testEmbedSequence."""
    reset_graph()
    constant_table()
    embedded = layers.embed_sequence(DOCS, 4, 3, unique=unique, scope="test", reuse=True)
    np.testing.assert_allclose(run(embedded), [[[3, 4, 5], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]])


def test_embed_sequence_makes_tf1s_model_variable_and_looks_up_its_rows():
    reset_graph()
    embedded = layers.embed_sequence(DOCS, vocab_size=4, embed_dim=3,
                                     initializer=tf.constant_initializer(TABLE))
    (table,) = tf.global_variables()
    assert (table.op.name, table.shape.as_list()) == ("EmbedSequence/embeddings", [4, 3])
    assert tf.get_collection(tf.GraphKeys.MODEL_VARIABLES) == [table]
    assert tf.trainable_variables() == [table]
    assert embedded.shape.as_list() == [2, 2, 3]
    np.testing.assert_allclose(run(embedded), np.array(TABLE)[DOCS])


def test_embed_sequence_shares_one_table_between_encoder_and_decoder():
    reset_graph()
    encoder = layers.embed_sequence(DOCS, 4, 3, scope="shared")
    decoder = layers.embed_sequence([[3, 2]], scope="shared", reuse=True)  # no sizes needed
    assert [v.op.name for v in tf.global_variables()] == ["shared/embeddings"]
    encoded, decoded = run([encoder, decoder])
    np.testing.assert_allclose(decoded[0], encoded[1][::-1])


def test_embed_sequence_passes_regularizer_and_trainable_to_the_table():
    reset_graph()
    layers.embed_sequence(DOCS, 4, 3, regularizer=layers.l2_regularizer(0.5), trainable=False,
                          initializer=tf.constant_initializer(TABLE))
    assert tf.trainable_variables() == []
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert run(penalty) == pytest.approx(0.5 * np.square(TABLE).sum() / 2)


def test_embed_sequence_without_sizes_says_what_to_pass():
    reset_graph()
    with pytest.raises(ValueError, match="vocab_size and embed_dim") as error:
        layers.embed_sequence(DOCS, vocab_size=4)
    assert isinstance(error.value, Tf1LstmError)


# --- bow_encoder --------------------------------------------------------------------------

@pytest.mark.parametrize(("docs", "sparse_lookup", "shape"), [
    ([[0, 1], [2, 3]], True, [2, 3]),                   # testBowEncoderSparse
    ([[0, 1], [2, 3], [0, 0]], True, [3, 3]),           # testBowEncoderSparseEmptyRow
    ([[0, 1], [2, 3], [0, 0], [0, 0]], False, [4, 3]),  # testBowEncoderDense
])
def test_bow_encoder_gives_one_vector_per_document(docs, sparse_lookup, shape):
    """TF 1.15 encoders_test: the shapes of testBowEncoderSparse/...EmptyRow/...Dense."""
    reset_graph()
    encoded = layers.bow_encoder(docs, 4, 3, sparse_lookup=sparse_lookup)
    assert [v.op.name for v in tf.global_variables()] == ["bow_encoder/embeddings"]
    assert list(run(encoded).shape) == shape


def test_bow_encoder_averages_the_reused_embeddings_as_tf115():
    """TF 1.15 encoders_test: testBowEncoderReuseEmbeddingsVariable."""
    reset_graph()
    constant_table()
    encoded = layers.bow_encoder(DOCS, 4, 3, scope="test", reuse=True)
    np.testing.assert_allclose(run(encoded), [[3, 4, 5], [7.5, 8.5, 9.5]])


def test_bow_encoder_sparse_lookup_skips_id_0_and_gives_an_empty_row_row_0():
    reset_graph()
    constant_table()
    sparse = layers.bow_encoder([[0, 2], [0, 0]], 4, 3, scope="test", reuse=True)
    dense = layers.bow_encoder([[0, 2], [0, 0]], 4, 3, scope="test", reuse=True,
                               sparse_lookup=False)
    np.testing.assert_allclose(run(sparse), [TABLE[2], TABLE[0]])
    np.testing.assert_allclose(run(dense), [np.mean([TABLE[0], TABLE[2]], 0), TABLE[0]])


def test_bow_encoder_accepts_a_sparse_tensor_and_rejects_it_for_a_dense_lookup():
    """TF 1.15 encoders_test: testBowEncoderSparseTensor, ...SparseTensorDenseLookup."""
    reset_graph()
    sparse_docs = tf.sparse.from_dense(tf.constant([[0, 1], [2, 3]]))
    assert list(run(layers.bow_encoder(sparse_docs, 4, 3)).shape) == [2, 3]
    with pytest.raises(TypeError, match="sparse_lookup=True"):
        layers.bow_encoder(sparse_docs, 4, 3, sparse_lookup=False)


@pytest.mark.parametrize("sharing", ["scope", "inherited_scope", "reuse_variables"])
def test_bow_encoders_share_their_embeddings(sharing):
    """TF 1.15 encoders_test: testBowEncodersSharingEmbeddings(InheritedScopes/SharedScope)."""
    reset_graph()
    if sharing == "scope":
        first = layers.bow_encoder(DOCS, 4, 3, scope="test")
        second = layers.bow_encoder(DOCS, 4, 3, scope="test", reuse=True)
    elif sharing == "inherited_scope":
        with tf.variable_scope("test"):
            first = layers.bow_encoder(DOCS, 4, 3)
        with tf.variable_scope("test", reuse=True):
            second = layers.bow_encoder(DOCS, 4, 3)
    else:
        first = layers.bow_encoder(DOCS, 4, 3, scope="bow")
        tf.get_variable_scope().reuse_variables()
        second = layers.bow_encoder(DOCS, 4, 3, scope="bow")
    assert len(tf.global_variables()) == 1
    np.testing.assert_array_equal(*run([first, second]))


# --- embedding_lookup_unique, safe_embedding_lookup_sparse ----------------------------------

def test_embedding_lookup_unique_matches_numpy_indexing_for_3d_ids():
    """TF 1.15 embedding_ops_test: testEmbeddingLookupUnique."""
    reset_graph()
    rng = np.random.default_rng(0)
    table, ids = rng.normal(size=(10, 5)), rng.integers(0, 10, (2, 3, 4))
    embedded = layers.embedding_lookup_unique(table, ids)
    assert embedded.shape.as_list() == [2, 3, 4, 5]
    np.testing.assert_allclose(run(embedded), table[ids])


def random_shards(num_shards: int = 1) -> list[np.ndarray]:
    """TF 1.15 embedding_ops_test._random_weights: a [4, 4] table in num_shards pieces."""
    table = tf.get_variable("embedding_weights", [4, 4],
                            partitioner=tf.fixed_size_partitioner(num_shards),
                            initializer=tf.truncated_normal_initializer(stddev=0.5))
    return run(list(table))


def ids_and_weights_2d():
    """Rows: valid ids + 1 invalid, all invalid, none, one id, only weights <= 0."""
    indices = [[0, 0], [0, 1], [0, 2], [1, 0], [3, 0], [4, 0], [4, 1]]
    ids = tf.SparseTensor(indices, tf.constant([0, 1, -1, -1, 2, 0, 1], tf.int64), [5, 4])
    weights = tf.SparseTensor(indices, [1.0, 2.0, 1.0, 1.0, 3.0, 0.0, -0.5], [5, 4])
    return ids, weights


def test_safe_embedding_lookup_sparse_gives_zeros_or_the_default_row_to_empty_rows():
    """TF 1.15 embedding_ops_test: ..._return_zero_vector, ..._return_special_vector."""
    reset_graph()
    (w,) = random_shards()
    ids, weights = ids_and_weights_2d()
    zero, special = run([layers.safe_embedding_lookup_sparse([w], ids, weights),
                         layers.safe_embedding_lookup_sparse([w], ids, weights, default_id=3)])
    mean_01 = (1.0 * w[0] + 2.0 * w[1]) / 3.0
    np.testing.assert_allclose(zero, [mean_01, [0] * 4, [0] * 4, w[2], [0] * 4], atol=1e-6)
    np.testing.assert_allclose(special, [mean_01, w[3], w[3], w[2], w[3]], atol=1e-6)


@pytest.mark.parametrize("num_shards", [1, 3])
def test_safe_embedding_lookup_sparse_without_weights_means_the_valid_ids(num_shards):
    """TF 1.15 embedding_ops_test: ..._no_weights, ..._partitioned."""
    reset_graph()
    shards = random_shards(num_shards)
    ids, _ = ids_and_weights_2d()
    got = run(layers.safe_embedding_lookup_sparse(shards, ids, None))
    w = list(itertools.chain(*shards))
    mean_01 = (w[0] + w[1]) / 2.0
    np.testing.assert_allclose(got, [mean_01, [0] * 4, [0] * 4, w[2], mean_01], atol=1e-6)


def test_safe_embedding_lookup_sparse_3d_ids_keep_their_leading_dimensions():
    """TF 1.15 embedding_ops_test: ..._3d_return_zero_vector."""
    reset_graph()
    (w,) = random_shards()
    indices = [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]]
    ids = tf.SparseTensor(indices, tf.constant([0, 1, -1, -1, 2, 0, 1], tf.int64), [2, 3, 4])
    weights = tf.SparseTensor(indices, [1.0, 2.0, 1.0, 1.0, 3.0, 0.0, -0.5], [2, 3, 4])
    got = run(layers.safe_embedding_lookup_sparse([w], ids, weights))
    np.testing.assert_allclose(got, [[(1.0 * w[0] + 2.0 * w[1]) / 3.0, [0] * 4, [0] * 4],
                                     [w[2], [0] * 4, [0] * 4]], atol=1e-6)


def test_safe_embedding_lookup_sparse_rejects_shards_of_mixed_dtypes():
    """TF 1.15 embedding_ops_test: ..._partitioned_inconsistent_weights."""
    reset_graph()
    shards = random_shards(3)
    ids, weights = ids_and_weights_2d()
    shards[1] = shards[1].astype(np.float64)
    with pytest.raises(ValueError):
        layers.safe_embedding_lookup_sparse(shards, ids)
    with pytest.raises(ValueError):
        layers.safe_embedding_lookup_sparse([tf.constant(s, tf.float64) for s in shards],
                                            ids, weights)


def test_the_encoders_are_the_same_objects_under_slim():
    for name in layers.ADDED_TO_TF_SLIM:
        assert getattr(slim, name) is getattr(layers, name)
