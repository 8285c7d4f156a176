"""The one table: every ``tf.contrib`` name we do not serve -> what replaced it in TF2.

Keys are paths under ``tf.contrib``: a sub-module (``"metrics"``) or a name inside a
sub-module we do serve (``"rnn.ConvLSTMCell"``). The errors built from it are what a TF1
user sees instead of a bare AttributeError from deep inside: the name, and what to use.
TensorFlow-free: plain data and the two error classes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tf1_lstm.errors import Tf1LstmError

# Replacements that several entries share.
_QUEUED_STATE = "tf.data batches into keras.layers.LSTM(stateful=True), or truncated BPTT by hand"
_RESAMPLE = "tf.data.Dataset.rejection_resample"
_DEVICE_PLACEMENT = "tf.compat.v1.train.replica_device_setter or tf.distribute strategies"
_WARM_START = "tf.compat.v1.train.warm_start, or tf.train.load_variable + an initializer"
_CANNED_ESTIMATOR = ("the tf.estimator canned estimator of that name (TF <= 2.15) or a "
                     "keras.Sequential")
_ESTIMATOR = "tf.estimator.Estimator (TF 2.15 and older) or a keras.Model"
_EXPERIMENT = ("tf.estimator.train_and_evaluate (TF <= 2.15) or "
               "keras.Model.fit(validation_data=...)")
_RNN_ESTIMATOR = "a keras.Model with keras.layers.LSTM"
_TOY_DATA = "sklearn.datasets.make_circles / make_moons"

TF2_REPLACEMENTS: dict[str, str] = {
    # tf.contrib sub-modules TF1 LSTM code imports that we do not provide.
    "metrics": "tf.compat.v1.metrics or keras.metrics",
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
    # training, framework, learn: the names TF 1.15 had that we do not serve.
    "training.HParamDef": "HParams.to_json() / HParams.parse_json() (TF 2 has no hparam_pb2)",
    "training.SequenceQueueingStateSaver": _QUEUED_STATE,
    "training.batch_sequences_with_states": _QUEUED_STATE,
    "training.NextQueuedSequenceBatch": _QUEUED_STATE,
    "training.stratified_sample": _RESAMPLE,
    "training.rejection_sample": _RESAMPLE,
    "training.resample_at_rate": _RESAMPLE,
    "training.weighted_resample": "tf.data.Dataset.sample_from_datasets(weights=...)",
    "training.FeedingQueueRunner": "tf.data.Dataset.from_generator",
    "training.RandomStrategy": _DEVICE_PLACEMENT,
    "training.GreedyLoadBalancingStrategy": _DEVICE_PLACEMENT,
    "training.byte_size_load_fn": _DEVICE_PLACEMENT,
    "training.Tuner": "keras_tuner",
    "framework.py_func": "tf.compat.v1.py_func or tf.numpy_function",
    "framework.print_op": "tf.print",
    "framework.fuse_op": "no TF2 equivalent (tf.compat.v1.graph_util for graph rewrites)",
    "framework.load_and_remap_matrix_initializer": _WARM_START,
    "framework.load_embedding_initializer": _WARM_START,
    "framework.load_linear_multiclass_bias_initializer": _WARM_START,
    "framework.load_variable_slot_initializer": _WARM_START,
    "learn.Estimator": _ESTIMATOR,
    "learn.BaseEstimator": _ESTIMATOR,
    "learn.Experiment": _EXPERIMENT,
    "learn.learn_runner": _EXPERIMENT,
    "learn.RunConfig": "tf.estimator.RunConfig (TF <= 2.15)",
    "learn.ModelFnOps": "tf.estimator.EstimatorSpec (TF <= 2.15)",
    "learn.MetricSpec": "tf.compat.v1.metrics or keras.metrics",
    "learn.DNNClassifier": _CANNED_ESTIMATOR,
    "learn.DNNRegressor": _CANNED_ESTIMATOR,
    "learn.LinearClassifier": _CANNED_ESTIMATOR,
    "learn.LinearRegressor": _CANNED_ESTIMATOR,
    "learn.DNNLinearCombinedClassifier": _CANNED_ESTIMATOR,
    "learn.DynamicRnnEstimator": _RNN_ESTIMATOR,
    "learn.StateSavingRnnEstimator": _RNN_ESTIMATOR,
    "learn.SKCompat": "keras.Model.fit / predict",
    "learn.monitors": "tf.estimator.SessionRunHook or keras.callbacks",
    "learn.preprocessing.CategoricalProcessor": "keras.layers.StringLookup / IntegerLookup",
    "learn.datasets.synthetic": _TOY_DATA,
    "learn.datasets.make_dataset": _TOY_DATA,
    "layers.SPARSE_FEATURE_CROSS_DEFAULT_HASH_KEY": "tf.sparse.cross_hashed(..., salt=...)",
}

# What the message says for a sub-module, or a name in a served sub-module, the table lacks.
UNLISTED_MODULE = "see MIGRATION.md and the TF2 API docs"
UNLISTED_NAME_IN: dict[str, str] = {
    "rnn": "see MIGRATION.md, or keras.layers for the TF2 API",
    "layers": "see MIGRATION.md, or keras.layers for the TF2 API",
    "slim": "see MIGRATION.md, or keras.layers for the TF2 API",
    "cudnn_rnn": "keras.layers.LSTM / keras.layers.GRU (they use cuDNN on a GPU)",
    "training": "tf.compat.v1.train, or tf.data for input pipelines",
    "framework": "tf.compat.v1, tf.nest or tf_slim",
    "learn": "tf.estimator (TF 2.15 and older) or a plain keras.Model",
    "learn.preprocessing": "keras.layers.TextVectorization",
    "learn.datasets": "tf.data / tensorflow_datasets, or sklearn.datasets",
    "tensorboard": "tensorboard.plugins.projector",
    "seq2seq": "see MIGRATION.md's seq2seq table (keras.layers attention layers, a decoding loop)",
    "legacy_seq2seq": "see MIGRATION.md's seq2seq table (a keras.Model encoder-decoder)",
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



def missing_name_hook(module: str, provided: Sequence[str]) -> Callable[[str], object]:
    """The module ``__getattr__`` of ``tf.contrib.<module>``, whose served names are ``provided``.

        __getattr__ = missing_name_hook("learn.datasets", __all__)

    A name the module does not define raises ``ContribNameError`` naming its TF2 replacement
    and what the module has. Dunder probes (``__wrapped__``, ``__path__``, ...) fail as plain
    ``AttributeError``s, so Python's own machinery (import, inspect, pickle) works as usual.
    """

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise name_not_provided(module, name, provided)

    return __getattr__


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
