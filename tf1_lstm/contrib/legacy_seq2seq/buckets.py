"""``model_with_buckets``: TF 1.15's one model, built once per bucket, with shared variables.

Sequences of very different lengths are padded to the smallest bucket (T_enc, T_dec) that
fits them, so a short batch does not run the longest graph. The model is built for every
bucket j on the first T_enc^j encoder inputs and T_dec^j decoder inputs, the first bucket
creating the variables and the others reusing them (``reuse=True`` for j > 0, in the caller's
variable scope; the caller's own reuse flag is left as it was)::

    outputs[j], _ = seq2seq(encoder_inputs[:T_enc^j], decoder_inputs[:T_dec^j])
    losses[j]     = sequence_loss(outputs[j], targets[:T_dec^j], weights[:T_dec^j])  # []
                    (sequence_loss_by_example, [B], when per_example_loss)

``seq2seq(x, y)`` returns (outputs, state), e.g. ``lambda x, y: basic_rnn_seq2seq(x, y,
cell)``; its outputs are what ``softmax_loss_function(labels=, logits=)`` (default: sparse
softmax cross-entropy) reads, logits or, with an output projection, the cell's outputs for a
sampled softmax. The buckets must be sorted by size: the inputs, targets and weights must be
at least as long as the *last* bucket's (TF 1.15's ValueErrors and messages).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.legacy_seq2seq.losses import sequence_loss, sequence_loss_by_example

__all__ = ["model_with_buckets"]


def _check_lengths(encoder_inputs: Sequence, targets: Sequence, weights: Sequence,
                   buckets: Sequence) -> None:
    last_encoder, last_decoder = buckets[-1]
    # TF 1.15's messages (split mid-word, "la" "st", in its source; the text is whole).
    if len(encoder_inputs) < last_encoder:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least "
                         f"that of last bucket ({last_encoder}).")
    if len(targets) < last_decoder:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of last "
                         f"bucket ({last_decoder}).")
    if len(weights) < last_decoder:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of last "
                         f"bucket ({last_decoder}).")


def model_with_buckets(encoder_inputs: Sequence, decoder_inputs: Sequence, targets: Sequence,
                       weights: Sequence, buckets: Sequence[tuple[int, int]],
                       seq2seq: Callable, softmax_loss_function: Callable | None = None,
                       per_example_loss: bool = False, name=None):
    """(outputs, losses): per bucket, the model's T_dec^j outputs and its loss."""
    _check_lengths(encoder_inputs, targets, weights, buckets)
    all_inputs = list(encoder_inputs) + list(decoder_inputs) + list(targets) + list(weights)
    losses = []
    outputs = []
    with _v1.name_scope(name, "model_with_buckets", all_inputs):
        for j, (encoder_length, decoder_length) in enumerate(buckets):
            with _v1.variable_scope(_v1.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:encoder_length],
                                            decoder_inputs[:decoder_length])
                outputs.append(bucket_outputs)
                loss = sequence_loss_by_example if per_example_loss else sequence_loss
                losses.append(loss(outputs[-1], targets[:decoder_length],
                                   weights[:decoder_length],
                                   softmax_loss_function=softmax_loss_function))
    return outputs, losses
