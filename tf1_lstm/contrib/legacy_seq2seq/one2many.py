"""``one2many_rnn_seq2seq``: TF 1.15's multi-task model, one encoder and a decoder per task.

After Luong et al., "Multi-task Sequence to Sequence Learning"
(https://arxiv.org/abs/1511.06114). One embedded encoder, then for each name in
``decoder_inputs_dict`` an ``embedding_rnn_decoder`` with its own cell, embedding and logits::

    _, s = static_rnn(EmbeddingWrapper(enc_cell), encoder_inputs)
    outputs[name], state[name] = embedding_rnn_decoder(
        decoder_inputs_dict[name], s, OutputProjectionWrapper(dec_cells_dict[name],
        num_decoder_symbols_dict[name]), ...)          # each output [B, S_name]

Variables: ``one2many_rnn_seq2seq/rnn/embedding_wrapper/...`` for the encoder (``enc_cell``
itself, not a copy) and ``one2many_rnn_seq2seq/one2many_decoder_<name>/embedding_rnn_decoder/
...`` for each decoder, built in the dict's order. TF 1.15's details, kept:

- the cells must be RNNCells (TypeError) and both dicts must have the same keys (ValueError,
  with TF 1.15's message, typo "decodre" included);
- with a boolean-tensor ``feed_previous`` each decoder is built twice under a ``tf.cond``,
  and, unlike the other models, its greedy branch *does* update the fed-back embeddings
  (TF 1.15 left ``update_embedding_for_previous`` at its default here).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.legacy_seq2seq.embedding_decoders import embedding_rnn_decoder
from tf1_lstm.contrib.legacy_seq2seq.feed_previous import decode_both_ways
from tf1_lstm.contrib.rnn import EmbeddingWrapper, OutputProjectionWrapper

__all__ = ["one2many_rnn_seq2seq"]

_RNNCell = _v1.nn.rnn_cell.RNNCell


def _check_cells(enc_cell, dec_cells_dict: Mapping, decoder_inputs_dict: Mapping) -> None:
    if not isinstance(enc_cell, _RNNCell):
        raise TypeError(f"enc_cell is not an RNNCell: {type(enc_cell)}")
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")  # TF's typo
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, _RNNCell):
            raise TypeError(f"dec_cell is not an RNNCell: {type(dec_cell)}")


def one2many_rnn_seq2seq(encoder_inputs: Sequence, decoder_inputs_dict: Mapping, enc_cell,
                         dec_cells_dict: Mapping, num_encoder_symbols: int,
                         num_decoder_symbols_dict: Mapping, embedding_size: int,
                         feed_previous=False, dtype=None, scope=None):
    """(outputs_dict, state_dict): each decoder's T_name outputs [B, S_name] and last state."""
    _check_cells(enc_cell, dec_cells_dict, decoder_inputs_dict)
    outputs_dict = {}
    state_dict = {}

    with _v1.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as scope:
        dtype = scope.dtype
        enc_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        _, encoder_state = _v1.nn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)

        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with _v1.variable_scope("one2many_decoder_" + str(name)):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def decoder(feed_previous_bool: bool, decoder_inputs=decoder_inputs,
                            dec_cell=dec_cell, num_decoder_symbols=num_decoder_symbols):
                    return embedding_rnn_decoder(
                        decoder_inputs, encoder_state, dec_cell, num_decoder_symbols,
                        embedding_size, feed_previous=feed_previous_bool)

                if isinstance(feed_previous, bool):
                    outputs, state = decoder(feed_previous)
                else:
                    outputs, state = decode_both_ways(feed_previous, decoder,
                                                      len(decoder_inputs), lambda: encoder_state)
            outputs_dict[name] = outputs
            state_dict[name] = state

    return outputs_dict, state_dict
