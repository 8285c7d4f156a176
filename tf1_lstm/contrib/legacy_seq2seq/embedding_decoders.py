"""``embedding_rnn_decoder`` and ``embedding_attention_decoder``: decoders that read symbols.

``decoder_inputs`` are T int tensors [B] (symbol ids). Each is looked up in a new
``embedding`` [num_symbols, embedding_size] (in the decoder's scope, the scope's initializer
and dtype) and the rows go to ``rnn_decoder`` / ``attention_decoder`` (``decoders``)::

    input_i = embedding[decoder_inputs[i]]              # [B, E]

``feed_previous=True`` makes the decoder greedy (``feed_previous.extract_argmax_and_embed``):
step i > 0 embeds the argmax of step i - 1's output, first through ``output_projection``
(W [O, num_symbols], B [num_symbols]) when one is given. ``update_embedding_for_previous=False``
stops the gradient at those looked-up rows, so only the "GO" symbol's row learns from them.

Variables (TF 1.15's): ``embedding_rnn_decoder/embedding`` and the cell's under
``embedding_rnn_decoder/rnn_decoder/``; ``embedding_attention_decoder/embedding`` and
``embedding_attention_decoder/attention_decoder/{AttnW_0, AttnV_0, kernel, bias,
Attention_0/..., AttnOutputProjection/..., <cell>/...}``.

TF 1.15 checked ``output_projection``'s shapes (W [?, num_symbols], B [num_symbols]; the
attention decoder only B) and raised TF's "Shapes ... are incompatible" ValueError
(``check_output_projection``, shared with the models).
"""

from __future__ import annotations

from collections.abc import Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.contrib.legacy_seq2seq.decoders import attention_decoder, rnn_decoder
from tf1_lstm.contrib.legacy_seq2seq.feed_previous import extract_argmax_and_embed

__all__ = ["embedding_rnn_decoder", "embedding_attention_decoder", "check_output_projection"]


def check_output_projection(output_projection, num_symbols: int, dtype,
                            weights: bool = True) -> None:
    """TF 1.15's check of (W, B): W [?, num_symbols] (when ``weights``), B [num_symbols].

    Raises TF's ValueError, worded as TF 1.15 printed it: "Shapes (2, 4) and (?, 5) are
    incompatible".
    """
    if weights:
        proj_weights = _v1.convert_to_tensor(output_projection[0], dtype=dtype)
        proj_weights.get_shape().assert_is_compatible_with(_v1.TensorShape([None, num_symbols]))
    proj_biases = _v1.convert_to_tensor(output_projection[1], dtype=dtype)
    proj_biases.get_shape().assert_is_compatible_with(_v1.TensorShape([num_symbols]))


def embedding_rnn_decoder(decoder_inputs: Sequence, initial_state, cell, num_symbols: int,
                          embedding_size: int, output_projection=None,
                          feed_previous: bool = False,
                          update_embedding_for_previous: bool = True, scope=None):
    """(outputs, state) of ``rnn_decoder`` over the embedded ``decoder_inputs``.

    ``outputs``: T tensors [B, cell.output_size] (the caller projects them with
    ``output_projection``; wrap the cell in an ``OutputProjectionWrapper`` for logits).
    ``feed_previous`` is a Python bool here (the models accept a tensor too).
    """
    with _v1.variable_scope(scope or "embedding_rnn_decoder") as scope:
        if output_projection is not None:
            check_output_projection(output_projection, num_symbols, scope.dtype)

        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])  # [S, E]
        loop_function = extract_argmax_and_embed(
            embedding, output_projection,
            update_embedding_for_previous) if feed_previous else None
        # TF 1.15 passed a generator: each lookup is built when rnn_decoder reaches its step.
        emb_inp = (_v1.nn.embedding_lookup(embedding, i) for i in decoder_inputs)  # [B, E]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def embedding_attention_decoder(decoder_inputs: Sequence, initial_state, attention_states,
                                cell, num_symbols: int, embedding_size: int,
                                num_heads: int = 1, output_size: int | None = None,
                                output_projection=None, feed_previous: bool = False,
                                update_embedding_for_previous: bool = True, dtype=None,
                                scope=None, initial_state_attention: bool = False):
    """(outputs, state) of ``attention_decoder`` over the embedded ``decoder_inputs``.

    ``outputs``: T tensors [B, output_size] (``cell.output_size`` when None);
    ``attention_states`` [B, L, A] as for ``attention_decoder``.
    """
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:  # TF 1.15 checked only B here
        check_output_projection(output_projection, num_symbols, dtype, weights=False)

    with _v1.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = _v1.get_variable("embedding", [num_symbols, embedding_size])  # [S, E]
        loop_function = extract_argmax_and_embed(
            embedding, output_projection,
            update_embedding_for_previous) if feed_previous else None
        emb_inp = [_v1.nn.embedding_lookup(embedding, i) for i in decoder_inputs]  # [B, E]
        return attention_decoder(
            emb_inp, initial_state, attention_states, cell, output_size=output_size,
            num_heads=num_heads, loop_function=loop_function,
            initial_state_attention=initial_state_attention)
