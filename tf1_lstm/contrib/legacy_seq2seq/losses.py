"""``sequence_loss_by_example`` and ``sequence_loss``: TF 1.15's weighted log-perplexity.

A decoder's T steps give ``logits`` l_t [B, C], ``targets`` y_t [B] (int ids) and ``weights``
w_t [B] (0 for padding), each a Python list of T tensors. Per example b::

    crossent_t[b] = -log softmax(l_t[b])[y_t[b]]        (or softmax_loss_function(labels=y_t,
                                                          logits=l_t), e.g. a sampled softmax)
    log_perp[b]   = sum_t crossent_t[b] * w_t[b]
                    / (sum_t w_t[b] + 1e-12)             if average_across_timesteps

``sequence_loss`` is ``sum_b log_perp[b]``, divided by B (``tf.shape(targets[0])[0]``, at run
time) when ``average_across_batch``. TF 1.15's details, kept:

- the default loss reshapes each target to [-1] first (TF 1.x was called with scalar targets);
  a custom ``softmax_loss_function`` gets the target as it is, by keyword only;
- the 1e-12 keeps all-zero weights finite (the loss is then 0, not NaN);
- lists of different lengths raise TF 1.15's ValueError, naming the three lengths.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf as _v1

__all__ = ["sequence_loss_by_example", "sequence_loss"]


def sequence_loss_by_example(logits: Sequence, targets: Sequence, weights: Sequence,
                             average_across_timesteps: bool = True,
                             softmax_loss_function: Callable | None = None, name=None):
    """The weighted cross-entropy of each sequence: a [B] tensor (see the module docstring)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        # TF 1.15's message, with its order of the three lengths (logits, weights, targets).
        raise ValueError("Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    values = list(logits) + list(targets) + list(weights)
    with _v1.name_scope(name, "sequence_loss_by_example", values):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights, strict=True):
            if softmax_loss_function is None:
                target = _v1.reshape(target, [-1])                                   # [B]
                crossent = _v1.nn.sparse_softmax_cross_entropy_with_logits(
                    labels=target, logits=logit)                                    # [B]
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = _v1.add_n(log_perp_list)                                        # [B]
        if average_across_timesteps:
            total_size = _v1.add_n(list(weights)) + 1e-12  # all-zero weights: 0, not NaN
            log_perps /= total_size
    return log_perps


def sequence_loss(logits: Sequence, targets: Sequence, weights: Sequence,
                  average_across_timesteps: bool = True, average_across_batch: bool = True,
                  softmax_loss_function: Callable | None = None, name=None):
    """The weighted cross-entropy of the batch: a scalar (see the module docstring)."""
    values = list(logits) + list(targets) + list(weights)
    with _v1.name_scope(name, "sequence_loss", values):
        cost = _v1.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))                          # []
        if average_across_batch:
            batch_size = _v1.shape(targets[0])[0]
            return cost / _v1.cast(batch_size, cost.dtype)
        return cost
