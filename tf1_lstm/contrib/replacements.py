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
}

# What the message says for a sub-module, or a name in a served sub-module, the table lacks.
UNLISTED_MODULE = "see MIGRATION.md and the TF2 API docs"
UNLISTED_NAME_IN: dict[str, str] = {
    "rnn": "see MIGRATION.md, or keras.layers for the TF2 API",
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
    return ContribNameError(f"{_removed(path, replacement)} Provided here: {', '.join(provided)}.")


def markdown_table() -> str:
    """The table as MIGRATION.md publishes it: ``python -m tf1_lstm.contrib.replacements``."""
    rows = ["| TF1 name | what to use in TF2 |", "|---|---|"]
    rows += [f"| `tf.contrib.{path}` | {replacement} |"
             for path, replacement in sorted(TF2_REPLACEMENTS.items())]
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
