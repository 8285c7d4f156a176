"""``tf.contrib.framework.zero_initializer``: fill an *uninitialized* variable with zeros.

TF 1.15 ran a custom kernel (``ZeroInitializer`` / ``ZeroVarInitializer``, from contrib's
``_variable_ops.so``) so that a large variable could be initialized without a zeros
constant of its size in the graph. TF 2.21 has no such kernel; this builds the same
contract from standard ops: an ``Assert`` that the variable is not initialized yet (the
run fails with ``input is already initialized`` and the value is left as it was), then an
assign of zeros. The result is the variable's new value. ``use_locking`` is accepted for
TF 1.15's signature; the assign always locks, as TF 1.15's kernel did.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf


def zero_initializer(ref, use_locking=True, name="zero_initializer"):
    """An op that sets the uninitialized variable ``ref`` to zeros and returns its value."""
    with tf.name_scope(name):
        not_yet = tf.logical_not(tf.is_variable_initialized(ref))
        check = tf.Assert(not_yet, [f"{ref.op.name}: input is already initialized"])
        with tf.control_dependencies([check]):
            return tf.assign(ref, tf.zeros(ref.shape, ref.dtype), use_locking=True)
