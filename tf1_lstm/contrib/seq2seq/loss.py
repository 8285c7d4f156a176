"""``tf.contrib.seq2seq.sequence_loss`` on TF 2.21: TF 1.15's weighted sequence cross-entropy.

TF 1.15's ``tensorflow/contrib/seq2seq/python/ops/loss.py``. With ``logits`` [B, T, V],
``targets`` [B, T] (int) and ``weights`` w [B, T] (float; usually a ``tf.sequence_mask``)::

    crossent[b, t] = w[b, t] * CE(targets[b, t], logits[b, t])          # [B, T]
        CE = sparse_softmax_cross_entropy_with_logits, or softmax_loss_function(labels=,
             logits=) on the flattened [B*T] targets and [B*T, V] logits

then reduced over the axes the flags name (x / 0 = 0, TF's ``div_no_nan``)::

    average_across_timesteps and average_across_batch:  sum(crossent) / sum(w)       # []
    sum_over_timesteps and sum_over_batch:              sum(crossent) / count(w != 0) # []
    average_across_batch only:    sum_b(crossent) / sum_b(w)                         # [T]
    average_across_timesteps only: sum_t(crossent) / sum_t(w)                        # [B]
    sum_over_batch only:          sum_b(crossent) / count_b(w != 0)                  # [T]
    sum_over_timesteps only:      sum_t(crossent) / count_t(w != 0)                  # [B]
    none of them:                 crossent                                           # [B, T]

(the "sum_over" modes are means over the nonzero weights, despite the name). The defaults
(average over both) give the weighted mean cross-entropy per symbol, the log-perplexity.
TF 1.15's rules, kept: the first branch that applies wins, so an average flag on one axis
with a sum flag on the other (e.g. ``average_across_timesteps=True, sum_over_batch=True``)
is the average on its axis only, [B]; average and sum on the same axis is a ``ValueError``,
as are logits not of rank 3 and targets or weights not of rank 2.

``SequenceLoss`` (TF 1.15's Keras-style class, in loss.py but not exported by
``tf.contrib.seq2seq``) calls ``sequence_loss(y_pred, y_true, sample_weight)`` with its
flags; its defaults are the sum modes.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1

# isort: split
from tf_keras.losses import Loss as _KerasLoss  # TF 1.15's tensorflow.python.keras Loss

__all__ = ["sequence_loss", "SequenceLoss"]


def _check_ranks_and_flags(logits, targets, weights, average_across_timesteps,
                           average_across_batch, sum_over_timesteps, sum_over_batch) -> None:
    """TF 1.15's checks, in its order and with its messages."""
    if len(logits.shape) != 3:
        raise ValueError("Logits must be a [batch_size x sequence_length x logits] tensor")
    if len(targets.shape) != 2:
        raise ValueError("Targets must be a [batch_size x sequence_length] tensor")
    if len(weights.shape) != 2:
        raise ValueError("Weights must be a [batch_size x sequence_length] tensor")
    if average_across_timesteps and sum_over_timesteps:
        raise ValueError("average_across_timesteps and sum_over_timesteps cannot "
                         "be set to True at same time.")
    if average_across_batch and sum_over_batch:
        raise ValueError("average_across_batch and sum_over_batch cannot be set "
                         "to True at same time.")


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, sum_over_timesteps=False, sum_over_batch=False,
                  softmax_loss_function=None, name=None):
    """Weighted cross-entropy of a sequence of logits: rank 0, 1 or 2 by the flags above.

    ``logits`` [B, T, V] float, ``targets`` [B, T] int, ``weights`` [B, T] float.
    ``softmax_loss_function(labels=, logits=)`` replaces the sparse softmax cross-entropy
    (called with keywords). ``name`` defaults to "sequence_loss". Unlike TF 1.15 (which read
    ``.get_shape()`` of its arguments), NumPy arrays are accepted and converted.
    """
    logits = _v1.convert_to_tensor(logits, name="logits")
    targets = _v1.convert_to_tensor(targets, name="targets")
    weights = _v1.convert_to_tensor(weights, name="weights")
    _check_ranks_and_flags(logits, targets, weights, average_across_timesteps,
                           average_across_batch, sum_over_timesteps, sum_over_batch)
    with _v1.name_scope(name, "sequence_loss", [logits, targets, weights]):
        num_classes = _v1.shape(logits)[2]
        logits_flat = _v1.reshape(logits, [-1, num_classes])                 # [B*T, V]
        targets_flat = _v1.reshape(targets, [-1])                            # [B*T]
        if softmax_loss_function is None:
            crossent = _v1.nn.sparse_softmax_cross_entropy_with_logits(
                labels=targets_flat, logits=logits_flat)
        else:
            crossent = softmax_loss_function(labels=targets_flat, logits=logits_flat)
        crossent *= _v1.reshape(weights, [-1])                               # [B*T]

        if average_across_timesteps and average_across_batch:
            return _v1.div_no_nan(_v1.reduce_sum(crossent), _v1.reduce_sum(weights))
        if sum_over_timesteps and sum_over_batch:
            total_count = _v1.cast(_v1.count_nonzero(weights), crossent.dtype)
            return _v1.div_no_nan(_v1.reduce_sum(crossent), total_count)
        crossent = _v1.reshape(crossent, _v1.shape(logits)[0:2])             # [B, T]
        if average_across_timesteps or average_across_batch:
            axis = [0] if average_across_batch else [1]
            return _v1.div_no_nan(_v1.reduce_sum(crossent, axis=axis),
                                  _v1.reduce_sum(weights, axis=axis))
        if sum_over_timesteps or sum_over_batch:
            axis = [0] if sum_over_batch else [1]
            count = _v1.cast(_v1.count_nonzero(weights, axis=axis), dtype=crossent.dtype)
            return _v1.div_no_nan(_v1.reduce_sum(crossent, axis=axis), count)
        return crossent


class SequenceLoss(_KerasLoss):
    """TF 1.15's ``SequenceLoss``: ``sequence_loss`` as a Keras loss (sum modes by default).

    ``loss(y_true=targets, y_pred=logits, sample_weight=weights)``.
    """

    def __init__(self, average_across_timesteps=False, average_across_batch=False,
                 sum_over_timesteps=True, sum_over_batch=True, softmax_loss_function=None,
                 name=None):
        super().__init__(name=name)
        self.average_across_timesteps = average_across_timesteps
        self.average_across_batch = average_across_batch
        self.sum_over_timesteps = sum_over_timesteps
        self.sum_over_batch = sum_over_batch
        self.softmax_loss_function = softmax_loss_function

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduction is sequence_loss's own, not Keras'."""
        return sequence_loss(y_pred, y_true, sample_weight,
                             average_across_timesteps=self.average_across_timesteps,
                             average_across_batch=self.average_across_batch,
                             sum_over_timesteps=self.sum_over_timesteps,
                             sum_over_batch=self.sum_over_batch,
                             softmax_loss_function=self.softmax_loss_function,
                             name=self.name)

    def call(self, y_true, y_pred):
        """Unused: ``__call__`` does the work (as TF 1.15)."""
