"""Switch the TF1 world on in the running process, before the user's code runs.

One sequence for every way in: ``tf1-lstm run`` (scripts, ``-m`` modules), the TF1 Jupyter
kernel, ``%load_ext tf1_lstm`` and ``import tf1_lstm.activate``:

1. ``tf1_lstm.bootstrap``: ``TF_USE_LEGACY_KERAS=1``, quiet logs, ``import tensorflow``, the
   v1 cells checked to come from ``tf_keras``, graph mode. It raises
   ``LegacyKerasUnavailable`` when TensorFlow's Keras route already resolved to Keras 3
   (``tf.compat.v1.nn.rnn_cell.BasicLSTMCell`` was touched before): nothing can undo that
   in the same process. Measured on TF 2.21: TensorFlow imported earlier, even eager ops
   run and ``tf.keras`` or ``import keras`` used earlier, do not prevent it.
2. ``legacy.shim.install()``: ``import tensorflow`` is the TF1 facade, ``tf.contrib``,
   ``input_data``, TF1's private paths, ``import keras`` as Keras 2.
3. ``hints.keep_tensorflow_frames()``: TF 2's traceback filtering off (TF 1.x had none, and
   the hints read TensorFlow's frames).
4. ``numpy1.install()``: NumPy 1's removed names (``np.float``, ``np.asscalar``, ...).
5. ``fast_graphs.install()``: ``tf.train.import_meta_graph`` loads the fast path's fused op
   first when the graph holds it (a ``.meta`` a ``--fast`` run saved).
6. with ``TF1_LSTM_STEP_TIMES=FILE``: ``legacy.step_times.install(FILE)``, every
   ``Session.run`` timed, FILE written at exit (``tf1_lstm.bench.examples`` reads it).
7. with ``TF1_LSTM_FAST=1`` (``tf1-lstm run --fast``): ``legacy.fast_calls.install()``, the
   RNN calls the fast path can run served by it.

A live session may have imported things before it asked for TF1: ``Activation`` says what,
so the session can tell its user (a ``tf`` bound earlier is TensorFlow 2's module; a
``keras`` imported earlier stays Keras 3).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from tf1_lstm.legacy.switches import FAST, STEP_TIMES


@dataclass(frozen=True)
class Activation:
    """What ``activate()`` found in the process before it ran."""

    already_active: bool  # the TF1 facade was installed earlier in this process
    tensorflow_was_imported: bool  # a name bound to `tensorflow` before now is TF 2's module
    keras3_was_imported: bool  # `import keras` keeps giving Keras 3 in this process


def _keras3_imported() -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and str(getattr(keras, "__version__", "")).startswith("3")


def activate() -> Activation:
    """Install the TF1 world (idempotent); raises ``LegacyKerasUnavailable`` if it cannot."""
    tensorflow = sys.modules.get("tensorflow")
    keras3 = _keras3_imported()
    from tf1_lstm.legacy import fast_graphs, hints, numpy1, shim  # imports TF: the bootstrap

    already = isinstance(tensorflow, shim.TF1Facade)
    shim.install()
    hints.keep_tensorflow_frames()
    numpy1.install()
    fast_graphs.install()
    if os.environ.get(STEP_TIMES):  # first: its clock starts before --fast's imports
        from tf1_lstm.legacy import step_times

        step_times.install(os.environ[STEP_TIMES], source=STEP_TIMES)
    if os.environ.get(FAST) == "1":  # tf1-lstm run --fast
        from tf1_lstm.legacy import fast_calls

        fast_calls.install()
    return Activation(already_active=already,
                      tensorflow_was_imported=tensorflow is not None and not already,
                      keras3_was_imported=keras3)


def session_notes(activation: Activation) -> list[str]:
    """What a live session's user should know about what was imported before TF1 was on."""
    notes = []
    if activation.tensorflow_was_imported:
        notes.append("TensorFlow was imported before tf1-lstm: a `tf` bound earlier is "
                     "TensorFlow 2's module; run `import tensorflow as tf` again to get the "
                     "TF1 API")
    if activation.keras3_was_imported:
        notes.append("Keras 3 was imported before tf1-lstm, so `import keras` stays Keras 3 "
                     "in this session; for Keras 2 (tf_keras, graph mode), restart and "
                     "activate TF1 before importing keras")
    return notes
