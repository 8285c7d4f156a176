"""``tf.contrib.layers`` on TensorFlow 2.21: the ``tf_slim`` package, repaired, plus the encoders.

TF-Slim left ``tf.contrib`` as the ``tf_slim`` package, which carries what TF1 LSTM code
took from ``tf.contrib.layers`` and ``tf.contrib.slim``: ``fully_connected``, ``batch_norm``,
``optimize_loss``, ``xavier_initializer``, ``l2_regularizer``, ``arg_scope``, ... This module
has every public name of ``tf_slim`` (the same objects, so an ``arg_scope`` over
``tf.contrib.layers.X`` applies to ``slim.X``), falls back to ``tf_slim`` for any other name
tf_slim has, and shares its ``__path__``, so ``import tensorflow.contrib.slim.nets`` finds
tf_slim's sub-packages.

Importing it repairs tf_slim 1.1.0 for TF 2.21 (``tf1_lstm.contrib.slim_repair``: the TF
names tf_slim reads that TF 2.21 moved, such as ``ops.Tensor``, given back to tf_slim's own
modules only), then adds what TF 1.15's ``tf.contrib.layers`` had and tf_slim does not:

- ``embed_sequence``, ``bow_encoder`` (``tf1_lstm.contrib.encoders``);
- ``embedding_lookup_unique``, ``safe_embedding_lookup_sparse``
  (``tf1_lstm.contrib.embedding_lookups``).

Any other name raises ``ContribNameError`` (an ``AttributeError``) naming its TF2 replacement
(``tf1_lstm.contrib.replacements``), e.g. the feature columns (``real_valued_column``, ...).
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before tf_slim loads

# isort: split
import tf_slim as _tf_slim

from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.slim_repair import repair_tf_slim as _repair_tf_slim

_repair_tf_slim()  # before the star import, so the names copied below are the repaired ones

# isort: split
from tf_slim import *  # noqa: E402, F403 - every public name (tf_slim has no __all__)

from tf1_lstm.contrib.embedding_lookups import (  # noqa: E402, F401 - served names
    embedding_lookup_unique,
    safe_embedding_lookup_sparse,
)
from tf1_lstm.contrib.encoders import bow_encoder, embed_sequence  # noqa: E402, F401

ADDED_TO_TF_SLIM = ["embed_sequence", "bow_encoder", "embedding_lookup_unique",
                    "safe_embedding_lookup_sparse"]

__all__ = [name for name in vars(_tf_slim) if not name.startswith("_")] + ADDED_TO_TF_SLIM
__path__ = _tf_slim.__path__

# What a missing-name error lists: the functions and classes, not the modules tf_slim leaks.
_PROVIDED = sorted(name for name in __all__ if callable(globals()[name]))


def missing_name_hook(module: str):
    """The module ``__getattr__`` of ``tf.contrib.<module>`` (``layers`` or ``slim``): any
    other name tf_slim has, else the shared explanation of a name we do not serve."""
    explain = _missing_name_hook(module, _PROVIDED)

    def __getattr__(name: str):
        if not name.startswith("__") and hasattr(_tf_slim, name):
            return getattr(_tf_slim, name)
        return explain(name)

    return __getattr__


__getattr__ = missing_name_hook("layers")
