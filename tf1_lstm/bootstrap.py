"""The TF1 world's bootstrap: the first thing the TF1 world runs, before TensorFlow is touched.

Every TF1-world module reaches it, directly (``tf1_lstm.contrib``, ``tf1_lstm.legacy``) or
through ``tf1_lstm.compat``, which exports the TF1 world on top of it. Importing it does, in
this order (each step must come before the next):

1. ``TF_USE_LEGACY_KERAS=1``. On TF 2.16+ ``tf.compat.v1.nn.rnn_cell.*`` are served by
   whichever Keras the lazy loader picks the *first time* a Keras-backed name is touched.
   With the flag it picks ``tf_keras`` (home of the v1 cells); without it Keras 3, which
   raises "`BasicLSTMCell` is not available with Keras 3".
2. Quiet logs: ``TF_CPP_MIN_LOG_LEVEL=3`` hides TF's C++ logs, but two lines printed while
   ``import tensorflow`` runs (the CUDA stub notice and absl's "All log messages before
   absl::InitializeLog()") ignore every variable we tried, so file descriptor 2 is pointed
   at a temporary file around the import and replayed if the import fails.
3. ``import tensorflow`` and a check that the v1 cells really come from ``tf_keras``.
4. TensorFlow's, Keras' and tf_slim's own Python-side notices (``warnings`` and TF's logger)
   are silenced; everyone else's warnings (NumPy's, pandas', the user's) are left alone.
5. ``tf.compat.v1.disable_v2_behavior()``: graph mode, sessions, placeholders, and TF1's
   ``TensorShape`` whose dimensions have ``.value`` (legacy scripts use it).

Set ``TF1_LSTM_VERBOSE=1`` before the import (or pass ``--verbose`` to the CLI) to keep all
of TensorFlow's output; ``set_verbose(True)`` turns the Python-side messages back on later.

Exports: ``tf`` (= ``tf.compat.v1``), ``tf2`` (the ``tensorflow`` package itself, whatever
``sys.modules["tensorflow"]`` becomes later), ``set_verbose(on)``, ``LegacyKerasUnavailable``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator

from tf1_lstm import VERBOSE_ENV
from tf1_lstm.errors import Tf1LstmError


class LegacyKerasUnavailable(Tf1LstmError, RuntimeError):
    """The TF1 RNN cells cannot appear in this process any more.

    ``reason`` is the cause alone, for a live session that words its own fix (a restart).
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _verbose_requested() -> bool:
    return os.environ.get(VERBOSE_ENV, "").lower() in ("1", "true", "yes", "on")


@contextlib.contextmanager
def _stderr_fd_captured() -> Iterator[None]:
    """Point fd 2 at a temporary file; replay what it caught if the block raises."""
    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved_fd, 2)
            caught.seek(0)
            os.write(2, caught.read())
            raise
        finally:
            os.dup2(saved_fd, 2)
            os.close(saved_fd)


def _import_tensorflow():
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    if _verbose_requested() or "tensorflow" in sys.modules:
        import tensorflow
        return tensorflow
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with _stderr_fd_captured():
        import tensorflow
    return tensorflow


def _check_legacy_cells(tf_module) -> None:
    """Fail early, with the fix, if Keras 3 already claimed ``tf.compat.v1.nn.rnn_cell``."""
    try:
        tf_module.compat.v1.nn.rnn_cell.BasicLSTMCell  # noqa: B018 - resolves the lazy loader
    except AttributeError as error:
        reason = ("TensorFlow's Keras route already resolved to Keras 3, so its v1 RNN cells "
                  f"(BasicLSTMCell, ...) cannot appear (TensorFlow said: {error})")
        raise LegacyKerasUnavailable(
            f"{reason}. Fix: import tf1_lstm.compat before anything else imports tensorflow "
            "or keras, or set TF_USE_LEGACY_KERAS=1 in the environment before starting "
            "Python, or run the script with `tf1-lstm run SCRIPT`.", reason) from None


def _disable_v2_behavior(tf_module) -> None:
    try:
        tf_module.compat.v1.disable_v2_behavior()
    except (ValueError, RuntimeError) as error:
        reason = f"TensorFlow could not be switched to TF1 graph mode ({error})"
        raise LegacyKerasUnavailable(
            f"{reason}. Eager code already ran in this process; import tf1_lstm.compat before "
            "running any TensorFlow code.", reason) from None


# The packages whose notices we hide: a warning is "theirs" when the module it is attributed
# to (the warning's `module`, i.e. the __name__ of the frame `stacklevel` points at) is one of
# them or inside one of them.
_FRAMEWORK_MODULES = r"(tensorflow|tf_keras|keras|tf_slim)(\.|$)"
_FRAMEWORK_CATEGORIES = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
# TF's and Keras' deprecation notices that point (stacklevel=2) at the caller, e.g. the
# script's `tf.layers.dense(...)` line, so they are attributed to the caller's module.
_DEPRECATION_MESSAGES = (r".*(is deprecated|deprecated and will be removed|will be replaced by"
                         r"|will be removed in a future version).*")


def set_verbose(on: bool) -> None:
    """Show (True) or hide (False) TensorFlow's Python-side warnings and deprecation notices.

    Only TensorFlow's, Keras', tf_keras' and tf_slim's own: a DeprecationWarning or
    FutureWarning from NumPy, pandas or the user's code keeps Python's default treatment.
    """
    from tensorflow.python.util import deprecation

    deprecation._PRINT_DEPRECATION_WARNINGS = on
    logging.getLogger("tensorflow").setLevel(logging.INFO if on else logging.ERROR)
    action = "default" if on else "ignore"
    for category in _FRAMEWORK_CATEGORIES:
        warnings.filterwarnings(action, category=category, module=_FRAMEWORK_MODULES)
    warnings.filterwarnings(action, message=_DEPRECATION_MESSAGES, category=UserWarning)


tf2 = _import_tensorflow()
_check_legacy_cells(tf2)
set_verbose(_verbose_requested())
_disable_v2_behavior(tf2)

tf = tf2.compat.v1
