"""``tf.contrib.seq2seq`` on TensorFlow 2.21: TF 1.15's dynamic decoders, rebuilt.

TF 1.15's ``tensorflow/contrib/seq2seq`` was the graph-mode encoder-decoder library of the
NMT tutorial, of chatbots and of many translation and summarisation programs. It left with
``tf.contrib``; TF Addons' port changed the API and does not run with Keras 3. Every public
name is rebuilt here with TF 1.15's arguments, defaults, errors and variable names and
shapes, so a TF1 seq2seq program builds the same graph and restores its checkpoints
(``decoder/attention_wrapper/basic_lstm_cell/kernel``, ``memory_layer/kernel``,
``decoder/attention_wrapper/bahdanau_attention/attention_v``, ``decoder/dense/kernel``, ...).

The pieces, in the order data flows through them (one concept a file):

- ``helper`` (+ ``training_helpers``, ``inference_helpers``): what the decoder reads at each
  step and when it is done: ``TrainingHelper`` (teacher forcing), ``GreedyEmbeddingHelper``,
  ``SampleEmbeddingHelper``, the two scheduled-sampling helpers, ``InferenceHelper``,
  ``CustomHelper``;
- ``attention_mechanisms`` (+ ``monotonic_mechanisms``) and ``attention_wrapper``: the score
  functions ``BahdanauAttention`` (additive) and ``LuongAttention`` (multiplicative), their
  monotonic variants, and the cell wrapper ``AttentionWrapper`` whose state is an
  ``AttentionWrapperState``;
- ``basic_decoder`` and ``decoder``: one step (``BasicDecoder``: cell, helper, output
  layer -> ``BasicDecoderOutput(rnn_output, sample_id)``) and the loop over time
  (``dynamic_decode`` -> outputs, final state, final sequence lengths);
- ``beam_search_decoder`` (+ ``beam_search_step``, ``beam_search_reorder``,
  ``beam_search_coverage``, ``tile_batch``) and ``beam_search_ops``: beam search, and
  ``gather_tree`` rebuilt from graph ops (TF 2.21 has no ``GatherTree`` kernel);
- ``loss``: ``sequence_loss``, the masked, averaged cross-entropy of the decoder's logits.

TF 1.15's private module paths (``tensorflow.contrib.seq2seq.python.ops.attention_wrapper``
and the others) are these modules, see ``tf1_lstm.legacy.private_paths``. A name TF 1.15 did
not export here (its Keras-style ``BasicDecoderV2``, ``BeamSearchDecoderV2``, ...) raises
``ContribNameError`` naming its replacement.
"""

from __future__ import annotations

import tf1_lstm.bootstrap  # noqa: F401 - the TF1 world first, whichever module is imported
from tf1_lstm.contrib.replacements import missing_name_hook
from tf1_lstm.contrib.seq2seq.attention_mechanisms import (
    AttentionMechanism,
    BahdanauAttention,
    LuongAttention,
    hardmax,
)
from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapper, AttentionWrapperState
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder, BasicDecoderOutput
from tf1_lstm.contrib.seq2seq.beam_search_decoder import (
    BeamSearchDecoder,
    BeamSearchDecoderOutput,
    BeamSearchDecoderState,
    FinalBeamSearchDecoderOutput,
)
from tf1_lstm.contrib.seq2seq.beam_search_ops import gather_tree
from tf1_lstm.contrib.seq2seq.decoder import Decoder, dynamic_decode
from tf1_lstm.contrib.seq2seq.helper import CustomHelper, Helper
from tf1_lstm.contrib.seq2seq.inference_helpers import (
    GreedyEmbeddingHelper,
    InferenceHelper,
    SampleEmbeddingHelper,
)
from tf1_lstm.contrib.seq2seq.loss import sequence_loss
from tf1_lstm.contrib.seq2seq.monotonic_mechanisms import (
    BahdanauMonotonicAttention,
    LuongMonotonicAttention,
    monotonic_attention,
    safe_cumprod,
)
from tf1_lstm.contrib.seq2seq.tile_batch import tile_batch
from tf1_lstm.contrib.seq2seq.training_helpers import (
    ScheduledEmbeddingTrainingHelper,
    ScheduledOutputTrainingHelper,
    TrainingHelper,
)

# TF 1.15's _allowed_symbols (tensorflow/contrib/seq2seq/__init__.py), in its order, less
# "monotonic_probability_fn": listed there, never defined (TF 1.15 served no such name).
__all__ = [
    "sequence_loss", "Decoder", "dynamic_decode", "BasicDecoder", "BasicDecoderOutput",
    "BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState", "Helper",
    "CustomHelper", "FinalBeamSearchDecoderOutput", "gather_tree", "GreedyEmbeddingHelper",
    "InferenceHelper", "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
    "ScheduledOutputTrainingHelper", "TrainingHelper", "BahdanauAttention", "LuongAttention",
    "hardmax", "AttentionWrapperState", "AttentionWrapper", "AttentionMechanism", "tile_batch",
    "safe_cumprod", "monotonic_attention", "BahdanauMonotonicAttention",
    "LuongMonotonicAttention",
]

__getattr__ = missing_name_hook("seq2seq", __all__)
