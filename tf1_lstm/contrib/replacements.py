"""The one table: every ``tf.contrib`` name we do not serve -> what replaced it in TF2.

Keys are paths under ``tf.contrib``: a sub-module (``"seq2seq"``) or a name inside a
sub-module we do serve (``"rnn.ConvLSTMCell"``). The errors built from it are what a TF1
user sees instead of a bare AttributeError from deep inside: the name, and what to use.
TensorFlow-free: plain data and the two error classes.
"""

from __future__ import annotations

from collections.abc import Iterable

from tf1_lstm.errors import Tf1LstmError

TF2_REPLACEMENTS: dict[str, str] = {
    # tf.contrib sub-modules TF1 LSTM code imports that we do not provide.
    "seq2seq": "tensorflow_addons.seq2seq (archived) or keras_nlp / keras.layers attention layers",
    "legacy_seq2seq": "keras.layers.LSTM encoder-decoder models",
    "learn": "tf.estimator (TF 2.15 and older) or a plain keras.Model",
    "metrics": "tf.compat.v1.metrics or keras.metrics",
    "training": "tf.compat.v1.train",
    "framework": "tf.compat.v1 (arg_scope lives in tf_slim)",
    "distributions": "tensorflow_probability.distributions",
    "tpu": "tf.distribute.TPUStrategy",
    # tf.contrib.layers names TF 1.15 had that we do not serve (feature columns, targets).
    "layers.real_valued_column":
        "tf.feature_column.numeric_column (TF <= 2.15) or keras.Input + keras.layers.Normalization",
    "layers.sparse_column_with_hash_bucket":
        "tf.feature_column.categorical_column_with_hash_bucket or keras.layers.Hashing",
    "layers.sparse_column_with_keys":
        "tf.feature_column.categorical_column_with_vocabulary_list or "
        "keras.layers.StringLookup / IntegerLookup",
    "layers.sparse_column_with_integerized_feature":
        "tf.feature_column.categorical_column_with_identity or keras.layers.IntegerLookup",
    "layers.sparse_column_with_vocabulary_file":
        "tf.feature_column.categorical_column_with_vocabulary_file or "
        "keras.layers.StringLookup(vocabulary=path)",
    "layers.weighted_sparse_column": "tf.feature_column.weighted_categorical_column",
    "layers.bucketized_column":
        "tf.feature_column.bucketized_column or keras.layers.Discretization",
    "layers.crossed_column": "tf.feature_column.crossed_column or keras.layers.HashedCrossing",
    "layers.embedding_column": "tf.feature_column.embedding_column or keras.layers.Embedding",
    "layers.shared_embedding_columns":
        "tf.feature_column.shared_embeddings (TF <= 2.15) or one keras.layers.Embedding used twice",
    "layers.scattered_embedding_column":
        "keras.layers.Hashing + keras.layers.Embedding (no hashed-weights equivalent)",
    "layers.one_hot_column": "tf.feature_column.indicator_column or keras.layers.CategoryEncoding",
    "layers.input_from_feature_columns":
        "tf.compat.v1.feature_column.input_layer or keras preprocessing layers",
    "layers.sequence_input_from_feature_columns":
        "tf.keras.experimental.SequenceFeatures (tf_keras) or keras preprocessing layers",
    "layers.weighted_sum_from_feature_columns": "tf.compat.v1.feature_column.linear_model",
    "layers.joint_weighted_sum_from_feature_columns": "tf.compat.v1.feature_column.linear_model",
    "layers.transform_features": "keras preprocessing layers applied to the raw features",
    "layers.create_feature_spec_for_parsing": "tf.feature_column.make_parse_example_spec",
    "layers.parse_feature_columns_from_examples":
        "tf.io.parse_example(serialized, tf.feature_column.make_parse_example_spec(columns))",
    "layers.parse_feature_columns_from_sequence_examples": "tf.io.parse_sequence_example",
    "layers.make_place_holder_tensors_for_base_features":
        "tf.compat.v1.placeholder per tf.feature_column.make_parse_example_spec entry, "
        "or keras.Input",
    "layers.infer_real_valued_columns": "one tf.feature_column.numeric_column per feature",
    "layers.check_feature_columns": "nothing: tf.feature_column checks its columns itself",
    "layers.feature_column": "tf.feature_column (TF <= 2.15) or keras preprocessing layers",
    "layers.multi_class_target": "a keras.losses.SparseCategoricalCrossentropy head",
    "layers.regression_target": "a keras.losses.MeanSquaredError head",
    "layers.SPARSE_FEATURE_CROSS_DEFAULT_HASH_KEY": "tf.sparse.cross_hashed(..., salt=...)",
}

# What the message says for a sub-module, or a name in a served sub-module, the table lacks.
UNLISTED_MODULE = "see MIGRATION.md and the TF2 API docs"
UNLISTED_NAME_IN: dict[str, str] = {
    "rnn": "see MIGRATION.md, or keras.layers for the TF2 API",
    "layers": "see MIGRATION.md, or keras.layers for the TF2 API",
    "slim": "see MIGRATION.md, or keras.layers for the TF2 API",
    "cudnn_rnn": "keras.layers.LSTM / keras.layers.GRU (they use cuDNN on a GPU)",
}


class ContribModuleError(Tf1LstmError, AttributeError):
    """A ``tf.contrib`` sub-module that TensorFlow 2 removed and we do not provide."""


class ContribNameError(Tf1LstmError, AttributeError):
    """A name in a ``tf.contrib`` sub-module we serve, that we do not provide."""


def _removed(path: str, replacement: str) -> str:
    return (f"tf.contrib.{path} is not provided by tf1-lstm (tf.contrib was removed in "
            f"TensorFlow 2). TF2 replacement: {replacement}.")


def module_not_provided(name: str, served: Iterable[str]) -> ContribModuleError:
    """The error for ``tf.contrib.<name>``, listing the sub-modules we do serve."""
    provided = ", ".join(f"tf.contrib.{module}" for module in served)
    return ContribModuleError(
        f"{_removed(name, TF2_REPLACEMENTS.get(name, UNLISTED_MODULE))} Provided: {provided}.")


def name_not_provided(module: str, name: str, provided: Iterable[str]) -> ContribNameError:
    """The error for ``tf.contrib.<module>.<name>``, listing the names the module has."""
    path = f"{module}.{name}"
    replacement = TF2_REPLACEMENTS.get(path, UNLISTED_NAME_IN.get(module, UNLISTED_MODULE))
    return ContribNameError(f"{_removed(path, replacement)} {_provided_here(module, provided)}")


def _provided_here(module: str, provided: Iterable[str], most: int = 12) -> str:
    """The names the module has, or the first ``most`` of them and how to see the rest."""
    names = list(provided)
    if len(names) <= most:
        return f"Provided here: {', '.join(names)}."
    return (f"Provided here: {len(names)} names, e.g. {', '.join(names[:most])}; "
            f"print(dir(tf.contrib.{module})) lists them all.")


def markdown_table() -> str:
    """The table as MIGRATION.md publishes it: ``python -m tf1_lstm.contrib.replacements``."""
    rows = ["| TF1 name | what to use in TF2 |", "|---|---|"]
    rows += [f"| `tf.contrib.{path}` | {replacement} |"
             for path, replacement in sorted(TF2_REPLACEMENTS.items())]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
