"""``tf.contrib.slim`` on TensorFlow 2.21: the names of ``tf.contrib.layers``, the same objects.

Both are the repaired ``tf_slim`` package plus TF 1.15's encoders (see
``tf1_lstm.contrib.layers``, the home of the names), so an ``arg_scope`` opened through one
applies to the functions reached through the other.
"""

from tf1_lstm.contrib.layers import *  # noqa: F403
from tf1_lstm.contrib.layers import __all__, __path__, missing_name_hook  # noqa: F401

__getattr__ = missing_name_hook("slim")
