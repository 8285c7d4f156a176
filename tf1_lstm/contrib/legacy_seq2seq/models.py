"""TF 1.15's encoder-decoder models without attention: plain, tied, embedded, embedded-tied.

Each runs ``static_rnn`` over ``encoder_inputs`` (T_enc tensors) and starts a decoder over
``decoder_inputs`` (T_dec tensors) from the encoder's last state::

    _, s = static_rnn(encoder_cell, encoder_inputs)            # s: the cell's state
    outputs, state = decoder(decoder_inputs, initial_state=s)  # T_dec tensors [B, O]

- ``basic_rnn_seq2seq``: vectors [B, I] in; the encoder runs a deep copy of ``cell``
  (``encoder_cell``), so encoder and decoder have the same shape and separate variables:
  ``basic_rnn_seq2seq/rnn/<cell>/...`` and ``basic_rnn_seq2seq/rnn_decoder/<cell>/...``.
- ``tied_rnn_seq2seq``: the same ``cell`` and the same variables for both, under
  ``combined_tied_rnn_seq2seq/tied_rnn_seq2seq/<cell>/...`` (``scope`` names the inner one).
- ``embedding_rnn_seq2seq``: ids [B] in. The encoder runs ``EmbeddingWrapper(copy of cell)``
  (``embedding_rnn_seq2seq/rnn/embedding_wrapper/{embedding [S_enc, E], <cell>/...}``); the
  decoder is ``embedding_rnn_decoder`` with its own embedding [S_dec, E]
  (``embedding_rnn_seq2seq/embedding_rnn_decoder/...``).
- ``embedding_tied_rnn_seq2seq``: one ``embedding`` [S, E] for both sides
  (``embedding_tied_rnn_seq2seq/embedding``), then ``tied_rnn_seq2seq`` on the rows.

Without ``output_projection`` the decoder's cell is wrapped in ``OutputProjectionWrapper``
(logits [B, S_dec]: ``.../output_projection_wrapper/{kernel, bias}``); with one, the outputs
stay [B, cell.output_size] and (W, B) is only used to pick the fed-back symbols.
``feed_previous`` may be a Python bool or a boolean tensor (``feed_previous``: both decoders
are built, ``tf.cond`` picks; the greedy one then does not update the fed-back embeddings).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.legacy_seq2seq.decoders import rnn_decoder
from tf1_lstm.contrib.legacy_seq2seq.embedding_decoders import (
    check_output_projection,
    embedding_rnn_decoder,
)
from tf1_lstm.contrib.legacy_seq2seq.encoder_cell import copy_cell_for_encoder
from tf1_lstm.contrib.legacy_seq2seq.feed_previous import (
    decode_both_ways,
    extract_argmax_and_embed,
)
from tf1_lstm.contrib.rnn import EmbeddingWrapper, OutputProjectionWrapper

__all__ = ["basic_rnn_seq2seq", "tied_rnn_seq2seq", "embedding_rnn_seq2seq",
           "embedding_tied_rnn_seq2seq"]

_static_rnn = _v1.nn.static_rnn
_dimension_at_index = _tf2.compat.dimension_at_index


def basic_rnn_seq2seq(encoder_inputs: Sequence, decoder_inputs: Sequence, cell,
                      dtype=_v1.float32, scope=None):
    """(outputs, state): encoder on a copy of ``cell``, ``rnn_decoder`` on ``cell``."""
    with _v1.variable_scope(scope or "basic_rnn_seq2seq"):
        enc_cell = copy_cell_for_encoder(cell, "basic_rnn_seq2seq")
        _, enc_state = _static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs: Sequence, decoder_inputs: Sequence, cell,
                     loop_function: Callable | None = None, dtype=_v1.float32, scope=None):
    """(outputs, state): encoder and decoder on ``cell``, sharing its variables."""
    with _v1.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = _static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        _v1.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function,
                           scope=scope)


def embedding_rnn_seq2seq(encoder_inputs: Sequence, decoder_inputs: Sequence, cell,
                          num_encoder_symbols: int, num_decoder_symbols: int,
                          embedding_size: int, output_projection=None, feed_previous=False,
                          dtype=None, scope=None):
    """(outputs, state): embedded encoder on a copy of ``cell``, ``embedding_rnn_decoder``."""
    with _v1.variable_scope(scope or "embedding_rnn_seq2seq") as scope:
        if dtype is not None:
            scope.set_dtype(dtype)
        else:
            dtype = scope.dtype

        encoder_cell = EmbeddingWrapper(
            copy_cell_for_encoder(cell, "embedding_rnn_seq2seq"),
            embedding_classes=num_encoder_symbols, embedding_size=embedding_size)
        _, encoder_state = _static_rnn(encoder_cell, encoder_inputs, dtype=dtype)

        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        if isinstance(feed_previous, bool):
            return embedding_rnn_decoder(
                decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                output_projection=output_projection, feed_previous=feed_previous)

        def decoder(feed_previous_bool: bool):
            return embedding_rnn_decoder(
                decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                output_projection=output_projection, feed_previous=feed_previous_bool,
                update_embedding_for_previous=False)

        return decode_both_ways(feed_previous, decoder, len(decoder_inputs),
                                lambda: encoder_state)


def embedding_tied_rnn_seq2seq(encoder_inputs: Sequence, decoder_inputs: Sequence, cell,
                               num_symbols: int, embedding_size: int,
                               num_decoder_symbols: int | None = None, output_projection=None,
                               feed_previous=False, dtype=None, scope=None):
    """(outputs, state): one embedding for both sides, then ``tied_rnn_seq2seq``.

    The logits cover symbols 0 .. num_decoder_symbols - 1 (all ``num_symbols`` when None).
    """
    with _v1.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        if output_projection is not None:
            check_output_projection(output_projection, num_symbols, dtype)

        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [_v1.nn.embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [_v1.nn.embedding_lookup(embedding, x) for x in decoder_inputs]

        output_symbols = num_symbols if num_decoder_symbols is None else num_decoder_symbols
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, output_symbols)

        if isinstance(feed_previous, bool):
            loop_function = extract_argmax_and_embed(
                embedding, output_projection, True) if feed_previous else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell,
                                    loop_function=loop_function, dtype=dtype)

        def decoder(feed_previous_bool: bool):
            loop_function = extract_argmax_and_embed(
                embedding, output_projection, False) if feed_previous_bool else None
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell,
                                    loop_function=loop_function, dtype=dtype)

        def zero_state():
            """TF 1.15 packed the state like the cell's zero state (for the static batch
            size of the encoder inputs, which must agree, else the run-time one)."""
            batch = _dimension_at_index(encoder_inputs[0].get_shape(), 0)
            for inp in encoder_inputs[1:]:
                # TF 1.15 dropped merge_with's result: it only checks the sizes agree.
                batch.merge_with(_dimension_at_index(inp.get_shape(), 0))
            batch_size = batch.value
            if batch_size is None:
                batch_size = _v1.shape(encoder_inputs[0])[0]
            return cell.zero_state(batch_size, dtype)

        return decode_both_ways(feed_previous, decoder, len(decoder_inputs), zero_state)
