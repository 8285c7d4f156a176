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
  a custom ``softmax_loss_function`` gets the target as it is;
- the 1e-12 keeps all-zero weights finite (the loss is then 0, not NaN);
- lists of different lengths raise TF 1.15's ValueError, naming the three lengths.

One deliberate difference: TF 1.15 called ``softmax_loss_function(labels=y, logits=l)``, but
TF 0.12 called it ``(logit, target)`` positionally, so the sampled losses of that era's
programs (``def sampled_loss(inputs, labels)``, the translate tutorial's) fail on TF 1.15 with
"unexpected keyword argument 'logits'". A function that does not take both keywords is called
positionally instead, in the order its own parameter names say (``(labels, inputs)`` as some
TF 1.0 programs wrote it; TF 0.12's order when the names say nothing), and
``on_positional_loss`` (``tf1_lstm.legacy.history`` sets it under ``tf1-lstm run``) is told.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf as _v1

__all__ = ["sequence_loss_by_example", "sequence_loss"]

# What a positional softmax_loss_function's parameter names say its arguments are.
_LOGITS_NAMES = frozenset({"logits", "logit", "inputs", "input", "outputs", "output"})
_LABELS_NAMES = frozenset({"labels", "label", "targets", "target"})

# Told (the function's name, its two parameter names) when a loss is called positionally.
on_positional_loss: Callable[[str, tuple[str, str]], None] | None = None


def _positional_parameters(function: Callable) -> tuple[str, str] | None:
    """The first two parameter names if ``function`` cannot take ``labels=, logits=``."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: call it as TF 1.15 did
        return None
    names = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    if {"labels", "logits"} <= names or any(p.kind is p.VAR_KEYWORD for p in parameters):
        return None
    positional = [p.name for p in parameters
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return (positional[0], positional[1]) if len(positional) >= 2 else None


def _softmax_loss(function: Callable, labels, logits):
    """``function(labels=labels, logits=logits)``, or positionally for an older loss."""
    positional = _positional_parameters(function)
    if positional is None:
        return function(labels=labels, logits=logits)
    if on_positional_loss is not None:
        on_positional_loss(getattr(function, "__name__", repr(function)), positional)
    first, second = positional
    if first in _LABELS_NAMES or second in _LOGITS_NAMES:
        return function(labels, logits)                      # (labels, inputs): TF 1.0 style
    return function(logits, labels)                          # TF 0.12's (logit, target)


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
                crossent = _softmax_loss(softmax_loss_function, target, logit)
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
