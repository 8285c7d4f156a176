"""``tf.contrib.layers`` on TensorFlow 2.21: the ``tf_slim`` package, served as it is.

TF-Slim left ``tf.contrib`` as the ``tf_slim`` package, which carries what TF1 LSTM code
took from ``tf.contrib.layers`` and ``tf.contrib.slim``: ``fully_connected``,
``xavier_initializer``, ``l2_regularizer``, ``arg_scope``, ... This module has every public
name of ``tf_slim`` (the same objects, so an ``arg_scope`` over ``tf.contrib.layers.X``
applies to ``slim.X``), falls back to ``tf_slim`` for any other attribute, and shares its
``__path__``, so ``import tensorflow.contrib.slim.nets`` finds tf_slim's sub-packages.

tf_slim 1.1.0 is served unrepaired: some of it uses names TF 2.21 removed
(``ops.Tensor``, ``ops.IndexedSlices``) and fails when called.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before tf_slim loads

# isort: split
import tf_slim as _tf_slim
from tf_slim import *  # noqa: F403 - every public name (tf_slim has no __all__)

__all__ = [name for name in vars(_tf_slim) if not name.startswith("_")]
__path__ = _tf_slim.__path__


def __getattr__(name: str):
    return getattr(_tf_slim, name)
