"""``tf.contrib.training`` on TensorFlow 2.21: HParams, bucketing, and the train/eval loops.

What TF1 RNN code took from ``tf.contrib.training``:

- ``HParams``, ``parse_values``: rebuilt from TF 1.15's ``hparam.py`` (``hparam``,
  ``hparam_parsing``), without the ``HParamDef`` protocol buffer;
- ``bucket``, ``bucket_by_sequence_length``: rebuilt on ``tf.compat.v1``'s queues
  (``bucket_ops``);
- the training and evaluation loops (``create_train_op``, ``train``, ``evaluate_once``,
  ``checkpoints_iterator``, ``wait_for_new_checkpoint``, ...): tf_slim's ``training``
  package, which is TF 1.15's ``training.py`` and ``evaluation.py`` moved out of contrib
  (the same functions, repaired for TF 2.21 by ``tf1_lstm.contrib.slim_repair``).

Not provided, each with its TF2 replacement in ``tf1_lstm.contrib.replacements``: the
state-saving queue (``SequenceQueueingStateSaver``, ``batch_sequences_with_states``,
``NextQueuedSequenceBatch``: 1,900 lines of barrier-queue machinery), the samplers
(``stratified_sample``, ``rejection_sample``, ``resample_at_rate``, ``weighted_resample``),
``FeedingQueueRunner``, the device-setter strategies, ``Tuner`` and ``HParamDef``.
"""

from tf1_lstm import bootstrap as _bootstrap  # noqa: F401 - the TF1 world before tf_slim loads

# isort: split
from tf_slim.training.evaluation import (
    StopAfterNEvalsHook,
    SummaryAtEndHook,
    checkpoints_iterator,
    evaluate_once,
    evaluate_repeatedly,
    get_or_create_eval_step,
    wait_for_new_checkpoint,
)
from tf_slim.training.training import (
    add_gradients_summaries,
    clip_gradient_norms,
    clip_gradient_norms_fn,
    create_train_op,
    multiply_gradients,
    train,
)

from tf1_lstm.contrib.replacements import missing_name_hook as _missing_name_hook
from tf1_lstm.contrib.slim_repair import repair_tf_slim as _repair_tf_slim
from tf1_lstm.contrib.training.bucket_ops import bucket, bucket_by_sequence_length
from tf1_lstm.contrib.training.hparam import HParams
from tf1_lstm.contrib.training.hparam_parsing import parse_values

_repair_tf_slim()  # create_train_op & co. read TF names that TF 2.21 moved

__all__ = [
    "HParams", "parse_values",
    "bucket", "bucket_by_sequence_length",
    # tf_slim.training (TF 1.15's training.py and evaluation.py)
    "add_gradients_summaries", "clip_gradient_norms", "clip_gradient_norms_fn",
    "create_train_op", "multiply_gradients", "train",
    "checkpoints_iterator", "evaluate_once", "evaluate_repeatedly", "get_or_create_eval_step",
    "StopAfterNEvalsHook", "SummaryAtEndHook", "wait_for_new_checkpoint",
]

__getattr__ = _missing_name_hook("training", __all__)
