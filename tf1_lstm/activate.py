"""``import tf1_lstm.activate``: TensorFlow 1.x in a plain Python session or script.

For ``python`` itself (a REPL, or the first line of a script run with ``python``, not
``tf1-lstm run``): the same switch as ``%load_ext tf1_lstm``, then ``import tensorflow as tf``
is tf.compat.v1 in graph mode with tf.contrib and input_data. Uncaught errors are shown as
``tf1-lstm run`` shows them (``sys.excepthook``: our errors in one line, a hint after
TensorFlow's). When TF1 cannot be switched on in this process the import raises
``LegacyKerasUnavailable`` with the reason and the fix.
"""

from __future__ import annotations

import sys

from tf1_lstm.legacy.activation import activate, session_notes

# activate() first: it notes whether TensorFlow was imported before it, and the error
# display below imports TensorFlow itself.
_activation = activate()

from tf1_lstm.notebook.session_errors import excepthook  # noqa: E402 - after activate()

sys.excepthook = excepthook
for _note in session_notes(_activation):
    print(f"tf1-lstm: note: {_note}", file=sys.stderr)
