"""``tf.contrib.tensorboard.plugins``: TF 1.15 had one plugin here, ``projector``."""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before TensorFlow

# isort: split
from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.tensorboard.plugins import projector

__all__ = ["projector"]

__getattr__ = _missing_name_hook("tensorboard.plugins", __all__)
