"""``tf.contrib.slim`` on TensorFlow 2.21: today the same names as ``tf.contrib.layers``.

Both are the ``tf_slim`` package (see ``tf1_lstm.contrib.layers``, the home of the names).
"""

from tf1_lstm.contrib.layers import *  # noqa: F403
from tf1_lstm.contrib.layers import __all__, __getattr__, __path__  # noqa: F401
