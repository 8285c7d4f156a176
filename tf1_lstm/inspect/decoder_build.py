"""What ``dynamic_decode`` returns: build a small encoder-decoder, run it once, describe it.

    outputs, final_state, final_sequence_lengths = tf.contrib.seq2seq.dynamic_decode(decoder)

The encoder is ``dynamic_rnn`` over random inputs [B, T_memory, I] with the source lengths
L [B]: its outputs are the memory [B, T_memory, H] (0 past L_b), its state starts the decoder.
The decoder is one of (GO = 0 is the start token, EOS = 1 the end token, V the vocabulary)::

    training  BasicDecoder(cell, TrainingHelper(embedded targets [B, T_memory, I], L), state,
              Dense(V)): teacher forcing, the targets as long as the sources (a copy task);
              dynamic_decode(impute_finished=True)
    greedy    BasicDecoder(cell, GreedyEmbeddingHelper(embedding, GO, EOS), state, Dense(V)):
              its own argmax fed back until EOS; impute_finished=True,
              maximum_iterations = 2 * max(L) (the TF1 NMT tutorial's bound)
    beam      BeamSearchDecoder(cell, embedding, GO, EOS, tile_batch(state, W), W, Dense(V))
              over tile_batch'ed memory and lengths; maximum_iterations = 2 * max(L)

With ``attention`` the decoder cell is ``AttentionWrapper(cell, BahdanauAttention or
LuongAttention(H, memory, memory_sequence_length=L), attention_layer_size=A,
alignment_history=True)``, started from ``zero_state(rows).clone(cell_state=state)``.

``inspect_decoder`` builds one such graph, runs it once and returns a ``DecoderInspection``:
the tree of the three results (``DecoderNode``, with the words of ``decoder_format``), the
variables, and the equalities ``decoder_checks`` verified on the run's values. TensorFlow is
imported only when a graph is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import state_by_part
from tf1_lstm.inspect.data import Variable
from tf1_lstm.inspect.decoder_checks import decoder_checks_for
from tf1_lstm.inspect.decoder_data import (
    DEFAULT_CELL,
    DEFAULT_STEPS,
    DEFAULT_VOCAB,
    EOS,
    GO,
    DecoderInspection,
    DecoderNode,
    DecoderOptions,
    validated_decoder_options,
)
from tf1_lstm.inspect.decoder_format import decoder_code, decoder_notes, describe_node

# ---------------------------------------------------------------------------------------------
# The graph


def _encoder_and_decoder(options: DecoderOptions) -> dict[str, Any]:
    """Build the graph of the module docstring; returns its placeholders and results."""
    from tf1_lstm.compat import tf
    from tf1_lstm.contrib.seq2seq.attention_mechanisms import BahdanauAttention, LuongAttention
    from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapper
    from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder
    from tf1_lstm.contrib.seq2seq.beam_search_decoder import BeamSearchDecoder
    from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode
    from tf1_lstm.contrib.seq2seq.inference_helpers import GreedyEmbeddingHelper
    from tf1_lstm.contrib.seq2seq.tile_batch import tile_batch
    from tf1_lstm.contrib.seq2seq.training_helpers import TrainingHelper
    from tf1_lstm.models.cells import make_cell

    T, I, H = options.steps, options.inputs, options.units  # noqa: E741
    B = None if options.unknown_batch else options.batch
    encoder_inputs = tf.placeholder(tf.float32, [B, T, I], name="encoder_inputs")
    source_lengths = tf.placeholder(tf.int32, [B], name="source_lengths")
    target_ids = (tf.placeholder(tf.int32, [B, T], name="target_ids")
                  if options.decoder == "training" else None)
    batch_size = tf.shape(encoder_inputs)[0] if B is None else B
    memory, encoder_state = tf.nn.dynamic_rnn(                         # [B, T_memory, H]
        make_cell(options.cell, H), encoder_inputs, sequence_length=source_lengths,
        dtype=tf.float32, scope="encoder")
    embedding = tf.get_variable("embedding", [options.vocab, I])        # [V, I]
    cell = make_cell(options.cell, H)
    output_layer = tf.layers.Dense(options.vocab)                      # decoder/dense/kernel

    W = options.beam_width
    attended, attended_lengths, state = memory, source_lengths, encoder_state
    if options.decoder == "beam":  # each entry's row repeated W times: [B * W, ...]
        attended, attended_lengths, state = (tile_batch(t, multiplier=W) for t in
                                             (memory, source_lengths, encoder_state))
    if options.attention != "none":
        mechanism = {"bahdanau": BahdanauAttention, "luong": LuongAttention}[options.attention]
        cell = AttentionWrapper(
            cell, mechanism(H, attended, memory_sequence_length=attended_lengths),
            attention_layer_size=options.attention_layer_size, alignment_history=True)
        state = cell.zero_state(batch_size * W, tf.float32).clone(cell_state=state)

    # The decoders that feed back their own ids stop at EOS, or at the NMT tutorial's bound.
    maximum_iterations = (None if options.decoder == "training"
                          else 2 * tf.reduce_max(source_lengths))
    if options.decoder == "training":
        helper = TrainingHelper(tf.nn.embedding_lookup(embedding, target_ids), source_lengths)
        decoder = BasicDecoder(cell, helper, state, output_layer=output_layer)
    elif options.decoder == "greedy":
        helper = GreedyEmbeddingHelper(embedding, tf.fill([batch_size], GO), EOS)
        decoder = BasicDecoder(cell, helper, state, output_layer=output_layer)
    else:
        decoder = BeamSearchDecoder(cell, embedding, tf.fill([batch_size], GO), EOS, state, W,
                                    output_layer=output_layer, length_penalty_weight=0.0)
    outputs, final_state, final_sequence_lengths = dynamic_decode(
        decoder, impute_finished=options.decoder != "beam",
        maximum_iterations=maximum_iterations)
    return {"encoder_inputs": encoder_inputs, "source_lengths": source_lengths,
            "memory": memory, "outputs": outputs, "final_state": final_state,
            "final_sequence_lengths": final_sequence_lengths, "target_ids": target_ids}


# ---------------------------------------------------------------------------------------------
# The tree


def _shape(shape: Any) -> tuple[int | None, ...] | None:
    return None if shape.ndims is None else tuple(shape.as_list())


def _walk(value: Any, run_value: Any, path: str, depth: int, parent: str | None,
          options: DecoderOptions, nodes: list[DecoderNode]) -> None:
    """Append the node for ``value`` (a Tensor, TensorArray or tuple) and then its children."""
    from tf1_lstm.compat import tf

    if isinstance(value, (tf.Tensor, tf.TensorArray)):
        is_array = isinstance(value, tf.TensorArray)
        static = value.element_shape if is_array else value.get_shape()
        axes, text = describe_node(options, path, "TensorArray" if is_array else "Tensor")
        nodes.append(DecoderNode(path, "TensorArray" if is_array else "Tensor",
                                 value.dtype.name, _shape(static), tuple(np.shape(run_value)),
                                 axes, text, depth, parent, 0))
        return
    if not isinstance(value, tuple):
        raise TypeError(f"unexpected {type(value).__name__} at {path}")
    axes, text = describe_node(options, path, type(value).__name__)
    nodes.append(DecoderNode(path, type(value).__name__, None, None, None, axes, text, depth,
                             parent, len(value)))
    fields = getattr(value, "_fields", None)
    for index, child in enumerate(value):
        child_path = f"{path}.{fields[index]}" if fields else f"{path}[{index}]"
        _walk(child, run_value[index], child_path, depth + 1, path, options, nodes)


def _stacked(structure: Any) -> Any:
    """The structure with each TensorArray replaced by its ``stack()`` (what a run can fetch)."""
    from tf1_lstm.compat import tf

    return tf.nest.map_structure(
        lambda t: t.stack() if isinstance(t, tf.TensorArray) else t, structure)


# ---------------------------------------------------------------------------------------------
# The API


def inspect_decoder(decoder: str = "training", attention: str = "none",
                    cell: str = DEFAULT_CELL, units: int = 5, steps: int = DEFAULT_STEPS,
                    inputs: int = 3, batch: int | None = None, vocab: int = DEFAULT_VOCAB,
                    beam_width: int | None = None, sequence_length: Sequence[int] | None = None,
                    seed: int = 0, unknown_batch: bool = False) -> DecoderInspection:
    """Build an encoder and one decoder in a fresh graph, run ``dynamic_decode`` once, explain.

    ``sequence_length`` is the source lengths L (the memory's, and the TrainingHelper's);
    by default T, T-1, ..., 1, T, ... over ``batch`` rows (4), so the padding shows.
    ``beam_width`` (default 3) is only for ``decoder="beam"``. Raises ``InspectError`` for a
    bad option. ``unknown_batch`` builds the placeholders with a None batch dimension (as TF1
    programs did): the static shapes show ``?`` there, and beam search then reorders the
    alignment history (TF 1.15 leaves it in slot order when B is static).
    """
    options = validated_decoder_options(decoder, attention, cell, units, steps, inputs, batch,
                                        vocab, beam_width, sequence_length, seed, unknown_batch)
    from tf1_lstm.compat import reset_graph, tf

    reset_graph(options.seed)
    rng = np.random.default_rng(options.seed)
    x = rng.standard_normal((options.batch, options.steps, options.inputs)).astype(np.float32)
    targets = rng.integers(2, options.vocab, (options.batch, options.steps)).astype(np.int32)
    targets[:, 0] = GO  # the training targets, as long as the sources: GO, then random words
    graph = _encoder_and_decoder(options)
    results = {name: graph[name] for name in ("outputs", "final_state",
                                              "final_sequence_lengths")}
    variables = tf.trainable_variables()
    feed = {graph["encoder_inputs"]: x,
            graph["source_lengths"]: np.asarray(options.memory_lengths, np.int32)}
    if graph["target_ids"] is not None:
        feed[graph["target_ids"]] = targets
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run({**_stacked(results), "memory": graph["memory"]}, feed)
        variable_values = sess.run(variables)

    nodes: list[DecoderNode] = []
    for name, value in results.items():
        _walk(value, values[name], name, 0, None, options, nodes)
    named = tuple(Variable(v.name, v.name.split(":")[0], tuple(v.get_shape().as_list()), value)
                  for v, value in zip(variables, variable_values, strict=True))
    inspection_values = {**values, "weights": {v.short_name: v.value for v in named}}
    checks = decoder_checks_for(options, inspection_values, h_of=lambda state: state_by_part(
        state, options.cell)["h"], end_token=EOS)
    return DecoderInspection(
        options=options, code=decoder_code(options), tree=tuple(nodes), variables=named,
        checks=checks, notes=decoder_notes(options, values, tuple(nodes)), inputs=x,
        memory=values["memory"],
        outputs=values["outputs"], final_state=values["final_state"],
        final_sequence_lengths=values["final_sequence_lengths"])
