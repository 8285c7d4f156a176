"""What ``outputs`` and ``states`` are: build a TF1 RNN, show their nested structure, verify it.

    outputs, states = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32, sequence_length=None)
    outputs, states = tf.nn.static_rnn(cell, tf.unstack(X, T, 1), dtype=tf.float32)

The contract (TF1's ``rnn.py``), for X of shape [B, T, I], a cell of H units, N layers:

``outputs`` -- the *top* layer's output at every time step, and nothing else:
    dynamic_rnn   one Tensor [B, T, H] (batch-major; ``time_major=True`` would give [T, B, H])
    static_rnn    a Python list of T Tensors [B, H], ``outputs[t]`` is step t
    For every cell here the output is the layer's h (LSTM: h = o * tanh(c); GRU and simple
    RNN: the state itself). A MultiRNNCell does not add a layer axis: lower layers' h appear
    only in ``states``.

``states`` -- every layer's state after the last step, shaped like ``cell.state_size``:
    BasicLSTMCell / LSTMCell   LSTMStateTuple(c=[B, H], h=[B, H]); c long-term, h short-term
    GRUCell / BasicRNNCell     one Tensor [B, H], equal to the last output
    MultiRNNCell of N cells    a tuple of N such states, bottom layer first, so for LSTMs
                               ``states[-1][1]`` (= ``states[-1].h``) is the top layer's h.

With ``sequence_length`` (one length L_b per batch row b, 0 <= L_b <= T):
    outputs[b, t] is exactly 0 for t >= L_b (zeros past the end), and
    states[.][b] is the state after step L_b - 1, copied through the remaining steps; so the
    top layer's h equals outputs[b, L_b - 1], and a row with L_b = 0 keeps the zero state.
Without it every row runs all T steps and the top layer's h equals outputs[:, -1, :] (dynamic)
or outputs[-1] (static).

``inspect_rnn`` (build.py) builds one such graph, describes the structure as data
(``Inspection``, data.py) and checks those equalities numerically on one run (checks.py);
``format_inspection`` (format.py) renders it as text and ``main`` (command.py) is the
``tf1-lstm inspect`` command.

A seq2seq decoder returns three things instead (tf.contrib.seq2seq, TF 1.15)::

    outputs, final_state, final_sequence_lengths = tf.contrib.seq2seq.dynamic_decode(decoder)

``BasicDecoder`` (TrainingHelper, GreedyEmbeddingHelper)
    outputs                 BasicDecoderOutput(rnn_output [B, T, V], sample_id [B, T])
    final_state             the decoder cell's state after each row's last step; with an
                            AttentionWrapper an AttentionWrapperState(cell_state, attention
                            [B, A], time, alignments [B, T_memory], alignment_history,
                            attention_state)
    final_sequence_lengths  [B]: the helper's lengths, or up to the first end_token
``BeamSearchDecoder`` (W beams)
    outputs                 FinalBeamSearchDecoderOutput(predicted_ids [B, T, W] (gather_tree:
                            whole beams, best first), beam_search_decoder_output=(scores,
                            predicted_ids, parent_ids) [B, T, W] each, per step and slot)
    final_state             BeamSearchDecoderState(cell_state [B, W, ...], log_probs,
                            finished, lengths [B, W], accumulated_attention_probs)
    final_sequence_lengths  [B, W], per slot: each final beam's length is final_state.lengths

``inspect_decoder`` (decoder_build.py) builds an encoder and one such decoder, runs it once
and returns a ``DecoderInspection``; decoder_checks.py verifies the equalities between the
three results, ``format_decoder_inspection`` (decoder_format.py) renders the tree. TensorFlow
is imported only when a graph is built.
"""

from tf1_lstm.inspect.build import inspect_rnn
from tf1_lstm.inspect.command import add_arguments, main
from tf1_lstm.inspect.data import (
    CELLS,
    MODES,
    SEQUENCE_LENGTH_001,
    X_BATCH_001,
    Check,
    InspectError,
    Inspection,
    InspectOptions,
    LayerParameters,
    TreeNode,
    Variable,
)
from tf1_lstm.inspect.decoder_build import inspect_decoder
from tf1_lstm.inspect.decoder_data import (
    ATTENTIONS,
    DECODERS,
    DecoderInspection,
    DecoderNode,
    DecoderOptions,
)
from tf1_lstm.inspect.decoder_format import format_decoder_inspection
from tf1_lstm.inspect.format import format_inspection

__all__ = [
    "ATTENTIONS", "CELLS", "DECODERS", "MODES", "SEQUENCE_LENGTH_001", "X_BATCH_001", "Check",
    "DecoderInspection", "DecoderNode", "DecoderOptions", "InspectError", "InspectOptions",
    "Inspection", "LayerParameters", "TreeNode", "Variable", "add_arguments",
    "format_decoder_inspection", "format_inspection", "inspect_decoder", "inspect_rnn", "main",
]
