"""``%load_ext tf1_lstm``: TensorFlow 1.x in an ordinary IPython or Jupyter session.

The replacement for Colab's ``%tensorflow_version 1.x``. In the first cell:

    %load_ext tf1_lstm
    import tensorflow as tf          # tf.compat.v1 in graph mode, tf.contrib, input_data, ...

It switches the TF1 world on (``tf1_lstm.legacy.activation``), registers ``%tf1_reset`` and
shows errors as ``tf1-lstm run`` does (``session_errors``: our errors in one line, hints
after TensorFlow's). When it cannot, because TensorFlow's Keras route already went to Keras 3
in this process, it says so and what to do instead of raising: nothing can be undone without a
restart. Loading it twice, or in the TF1 kernel (which loads it itself), changes nothing.
"""

from __future__ import annotations

import sys

from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.legacy.activation import activate, session_notes

ACTIVE_LINE = ("tf1-lstm: TensorFlow 1.x API on: `import tensorflow as tf` is tf.compat.v1 in "
               "graph mode with tf.contrib and input_data; %tf1_reset clears the graph")
CANNOT_LINE = (
    "tf1-lstm: error: TensorFlow 1.x cannot be switched on in this session: {reason}. "
    "Restart the kernel (or Python) and run `%load_ext tf1_lstm` in the first cell, before "
    "anything imports tensorflow or keras; or choose the kernel "
    "\"Python 3 (TensorFlow 1.x, tf1-lstm)\" (tf1-lstm kernel install).")


def load(shell) -> bool:
    """Switch TF1 on in ``shell``'s process; True when it is on."""
    try:
        activation = activate()
    except Tf1LstmError as error:  # the bootstrap's LegacyKerasUnavailable: a restart is needed
        print(CANNOT_LINE.format(reason=getattr(error, "reason", error)), file=sys.stderr)
        return False
    from tf1_lstm.notebook.magics import Tf1Magics  # imports TensorFlow: after activate()
    from tf1_lstm.notebook.session_errors import show_error

    shell.register_magics(Tf1Magics)
    shell.set_custom_exc((Exception,), show_error)
    if not activation.already_active:
        print(ACTIVE_LINE)
        for note in session_notes(activation):
            print(f"tf1-lstm: note: {note}", file=sys.stderr)
    return True
