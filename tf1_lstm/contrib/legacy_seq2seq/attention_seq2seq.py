"""``embedding_attention_seq2seq``: TF 1.15's translation model (the seq2seq tutorial's).

The encoder runs ``EmbeddingWrapper(copy of cell)`` over ``encoder_inputs`` (T_enc id tensors
[B]) and keeps every output; the decoder, ``embedding_attention_decoder``, starts from the
encoder's last state and attends over those outputs::

    enc_outputs, s = static_rnn(EmbeddingWrapper(copy(cell)), encoder_inputs)
    h = concat([reshape(o, [-1, 1, cell.output_size]) for o in enc_outputs], 1)  # [B, T_enc, H]
    outputs, state = embedding_attention_decoder(decoder_inputs, s, h, cell', ...)

``cell'`` is ``OutputProjectionWrapper(cell, num_decoder_symbols)`` when no
``output_projection`` is given, and then ``output_size`` = num_decoder_symbols: the
attention's output projection makes logits [B, S_dec] (TF 1.15 warned that the attention
variables then grow with the vocabulary). With (W, B) the outputs are [B, cell.output_size].

The variables, as TF 1.15 made them, e.g. for ``BasicLSTMCell(H)``, embedding size E, one
head (A = H, I = E, O = S_dec without a projection)::

    embedding_attention_seq2seq/rnn/embedding_wrapper/embedding                [S_enc, E]
    embedding_attention_seq2seq/rnn/embedding_wrapper/basic_lstm_cell/{kernel, bias}
    embedding_attention_seq2seq/embedding_attention_decoder/embedding          [S_dec, E]
    .../embedding_attention_decoder/attention_decoder/AttnW_0                  [1, 1, A, A]
    .../attention_decoder/AttnV_0 [A], .../attention_decoder/{kernel [E + A, E], bias [E]}
    .../attention_decoder/output_projection_wrapper/basic_lstm_cell/{kernel, bias}
    .../attention_decoder/output_projection_wrapper/{kernel [H, S_dec], bias [S_dec]}
    .../attention_decoder/Attention_0/{kernel [2H, A], bias [A]}   (the query: c and h)
    .../attention_decoder/AttnOutputProjection/{kernel [O + A, O], bias [O]}

``feed_previous`` may be a boolean tensor: both decoders are built (``feed_previous``), the
greedy one first and without updating the fed-back embeddings.
"""

from __future__ import annotations

from collections.abc import Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.legacy_seq2seq.embedding_decoders import embedding_attention_decoder
from tf1_lstm.contrib.legacy_seq2seq.encoder_cell import copy_cell_for_encoder
from tf1_lstm.contrib.legacy_seq2seq.feed_previous import decode_both_ways
from tf1_lstm.contrib.rnn import EmbeddingWrapper, OutputProjectionWrapper

__all__ = ["embedding_attention_seq2seq"]


def embedding_attention_seq2seq(encoder_inputs: Sequence, decoder_inputs: Sequence, cell,
                                num_encoder_symbols: int, num_decoder_symbols: int,
                                embedding_size: int, num_heads: int = 1,
                                output_projection=None, feed_previous=False, dtype=None,
                                scope=None, initial_state_attention: bool = False):
    """(outputs, state): T_dec tensors [B, S_dec] (or [B, cell.output_size] with an
    ``output_projection``) and the decoder's last state."""
    with _v1.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        encoder_cell = EmbeddingWrapper(
            copy_cell_for_encoder(cell, "embedding_attention_seq2seq"),
            embedding_classes=num_encoder_symbols, embedding_size=embedding_size)
        encoder_outputs, encoder_state = _v1.nn.static_rnn(
            encoder_cell, encoder_inputs, dtype=dtype)

        # The encoder's outputs, side by side: what the decoder attends over.
        top_states = [_v1.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
        attention_states = _v1.concat(top_states, 1)                  # [B, T_enc, H]

        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decoder(feed_previous_bool: bool, update_embedding_for_previous: bool = False):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=feed_previous_bool,
                update_embedding_for_previous=update_embedding_for_previous,
                initial_state_attention=initial_state_attention)

        if isinstance(feed_previous, bool):
            return decoder(feed_previous, update_embedding_for_previous=True)
        return decode_both_ways(feed_previous, decoder, len(decoder_inputs),
                                lambda: encoder_state)
