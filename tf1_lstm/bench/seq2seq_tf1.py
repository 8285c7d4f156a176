"""The seq2seq rows' TF1-world jobs: the two programs' models, built with our rebuilt contrib.

``legacy``: legacy_examples/006_legacy_seq2seq_buckets.py at the bench's sizes (jobs.Seq2SeqSpec:
V words, H units, E embedding, S source and T target steps, batch B)::

    encoder_inputs S x [B], decoder_inputs T + 1 x [B], targets = decoder_inputs[1:],
    target_weights T x [B] (all 1: every target counts)
    model_with_buckets(..., buckets=[(S, T)],
        lambda x, y: embedding_attention_seq2seq(x, y, GRUCell(H), V, V, E,
                                                 output_projection=None))
    -> T logits [B, V] (OutputProjectionWrapper: a full softmax) and the bucket's loss
    update = Adam(0.001).apply_gradients(clip_by_global_norm(gradients, 5))

A step is ``sess.run([loss, update])``, as 006 runs it: one bucket, one static graph.

``attention``: legacy_examples/005_seq2seq_attention_reversal.py's decoders at these sizes::

    encoder   bidirectional_dynamic_rnn(LSTMCell(H / 2) x 2, embedded source, source lengths):
              memory [B, S, H] (both directions' outputs), state LSTMStateTuple(c, h) [B, H]
    cell      AttentionWrapper(LSTMCell(H), BahdanauAttention(H, memory, lengths),
              attention_layer_size=H); output layer tf.layers.Dense(V, use_bias=False)
    greedy    BasicDecoder + GreedyEmbeddingHelper(embedding, GO, end_token)   ids [B, T]
    beam      BeamSearchDecoder(beam_width=W) on tile_batch'ed memory, lengths and state,
              length_penalty_weight=0.0                                       ids [B, T, W]

both under ``variable_scope("decoder")`` (the beam one with reuse=True: one set of weights),
``maximum_iterations=T``. The end token is ``jobs.NEVER_ID`` (-1, no word's id): the weights
are random, so a real EOS would end rows at random steps; with it every row decodes exactly
T steps, in TF1 and in PyTorch alike. A step is ``sess.run(ids)`` with a source batch fed:
the encoder runs in every step, as when a program translates a batch.

Run only as a task of ``tf1_lstm.worlds`` in a process of the TF1 world (``run_task``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from tf1_lstm.bench.jobs import (
    BEAM,
    GO_ID,
    GREEDY,
    LEGACY_TRAIN,
    NEVER_ID,
    SEQ2SEQ_MODELS,
    SEQ2SEQ_SPEC,
    Seq2SeqSpec,
)
from tf1_lstm.bench.tf1_graphs import session
from tf1_lstm.bench.timing import time_blocks
from tf1_lstm.compat import tf
from tf1_lstm.contrib.legacy_seq2seq import embedding_attention_seq2seq, model_with_buckets
from tf1_lstm.contrib.seq2seq.attention_mechanisms import BahdanauAttention
from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapper
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoder
from tf1_lstm.contrib.seq2seq.beam_search_decoder import BeamSearchDecoder
from tf1_lstm.contrib.seq2seq.decoder import dynamic_decode
from tf1_lstm.contrib.seq2seq.inference_helpers import GreedyEmbeddingHelper
from tf1_lstm.contrib.seq2seq.tile_batch import tile_batch

WORLD = "tf1"  # a tf1_lstm.worlds task: graph mode, the v1 cells
FIRST_WORD = 3  # ids 0, 1, 2: PAD, GO, EOS
LEARNING_RATE, MAX_GRADIENT_NORM = 0.001, 5.0


@dataclass
class Seq2SeqGraph:
    graph: tf.Graph
    init: tf.Operation
    feed: dict                                   # placeholder -> the batch's values
    fetches: dict = field(default_factory=dict)  # task -> what one step runs


def token_batches(spec: Seq2SeqSpec) -> tuple[np.ndarray, np.ndarray]:
    """(source [B, S], target [B, T]) random word ids; the same in every world."""
    rng = np.random.default_rng(0)
    source = rng.integers(FIRST_WORD, spec.vocab, (spec.batch, spec.source_steps))
    target = rng.integers(FIRST_WORD, spec.vocab, (spec.batch, spec.target_steps))
    return source.astype(np.int32), target.astype(np.int32)


def build_legacy(spec: Seq2SeqSpec) -> Seq2SeqGraph:
    """006's training graph with one bucket (S, T); fetches[LEGACY_TRAIN] = [loss, update],
    fetches["logits"] the T logits [B, V]."""
    source, target = token_batches(spec)
    decoder_ids = np.concatenate([np.full((spec.batch, 1), GO_ID, np.int32), target], 1)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(1)
        encoder_inputs = [tf.placeholder(tf.int32, [None], name=f"encoder{i}")
                          for i in range(spec.source_steps)]
        decoder_inputs = [tf.placeholder(tf.int32, [None], name=f"decoder{i}")
                          for i in range(spec.target_steps + 1)]
        target_weights = [tf.placeholder(tf.float32, [None], name=f"weight{i}")
                          for i in range(spec.target_steps + 1)]
        targets = decoder_inputs[1:]

        def seq2seq_f(encoder, decoder):
            return embedding_attention_seq2seq(
                encoder, decoder, tf.nn.rnn_cell.GRUCell(spec.units),
                num_encoder_symbols=spec.vocab, num_decoder_symbols=spec.vocab,
                embedding_size=spec.embedding, output_projection=None, feed_previous=False,
                dtype=tf.float32)

        outputs, losses = model_with_buckets(
            encoder_inputs, decoder_inputs, targets, target_weights,
            [(spec.source_steps, spec.target_steps)], seq2seq_f)
        params = tf.trainable_variables()
        gradients, _ = tf.clip_by_global_norm(tf.gradients(losses[0], params),
                                              MAX_GRADIENT_NORM)
        update = tf.train.AdamOptimizer(LEARNING_RATE).apply_gradients(
            zip(gradients, params, strict=True))
        init = tf.global_variables_initializer()
    feed = {p: source[:, i] for i, p in enumerate(encoder_inputs)}
    feed |= {p: decoder_ids[:, i] for i, p in enumerate(decoder_inputs)}
    feed |= {p: np.ones(spec.batch, np.float32) for p in target_weights}
    return Seq2SeqGraph(graph, init, feed,
                        {LEGACY_TRAIN: [losses[0], update], "logits": outputs[0]})


def _attention_cell(spec: Seq2SeqSpec, memory, lengths) -> AttentionWrapper:
    mechanism = BahdanauAttention(spec.units, memory, memory_sequence_length=lengths)
    return AttentionWrapper(tf.nn.rnn_cell.LSTMCell(spec.units), mechanism,
                            attention_layer_size=spec.units, name="attention")


def build_attention(spec: Seq2SeqSpec) -> Seq2SeqGraph:
    """005's encoder and its greedy and beam decoders; fetches[GREEDY] the ids [B, T],
    fetches[BEAM] the ids [B, T, W] (beams best first)."""
    if spec.units % 2:
        raise ValueError(f"units must be even (two encoder directions of units / 2), "
                         f"got {spec.units}")
    source, _ = token_batches(spec)
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(0)
        encoder_inputs = tf.placeholder(tf.int32, [None, None], name="encoder_inputs")  # [B, S]
        source_lengths = tf.placeholder(tf.int32, [None], name="source_lengths")       # [B]
        batch_size = tf.shape(encoder_inputs)[0]
        embedding = tf.get_variable("embedding", [spec.vocab, spec.embedding])

        with tf.variable_scope("encoder"):
            embedded = tf.nn.embedding_lookup(embedding, encoder_inputs)               # [B, S, E]
            half = spec.units // 2
            (out_fw, out_bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
                tf.nn.rnn_cell.LSTMCell(half), tf.nn.rnn_cell.LSTMCell(half), embedded,
                sequence_length=source_lengths, dtype=tf.float32)
            memory = tf.concat([out_fw, out_bw], -1)                                   # [B, S, H]
            encoder_state = tf.nn.rnn_cell.LSTMStateTuple(
                c=tf.concat([state_fw.c, state_bw.c], 1),
                h=tf.concat([state_fw.h, state_bw.h], 1))                              # [B, H]
        output_layer = tf.layers.Dense(spec.vocab, use_bias=False, name="output_projection")
        start_tokens = tf.fill([batch_size], GO_ID)

        with tf.variable_scope("decoder") as scope:
            cell = _attention_cell(spec, memory, source_lengths)
            initial = cell.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state)
            helper = GreedyEmbeddingHelper(embedding, start_tokens, NEVER_ID)
            greedy = BasicDecoder(cell, helper, initial, output_layer=output_layer)
            greedy_outputs, _, _ = dynamic_decode(
                greedy, maximum_iterations=spec.target_steps, scope=scope)

        with tf.variable_scope("decoder", reuse=True) as scope:
            width = spec.beam_width
            cell = _attention_cell(spec, tile_batch(memory, width),
                                   tile_batch(source_lengths, width))
            initial = cell.zero_state(batch_size * width, tf.float32).clone(
                cell_state=tile_batch(encoder_state, width))
            beam = BeamSearchDecoder(cell, embedding, start_tokens, NEVER_ID, initial, width,
                                     output_layer=output_layer, length_penalty_weight=0.0)
            beam_outputs, _, _ = dynamic_decode(
                beam, maximum_iterations=spec.target_steps, scope=scope)
        init = tf.global_variables_initializer()
    feed = {encoder_inputs: source,
            source_lengths: np.full(spec.batch, spec.source_steps, np.int32)}
    return Seq2SeqGraph(graph, init, feed, {GREEDY: greedy_outputs.sample_id,       # [B, T]
                                            BEAM: beam_outputs.predicted_ids})      # [B, T, W]


BUILDERS = {"legacy": build_legacy, "attention": build_attention}


def run_seq2seq(job: dict, spec: Seq2SeqSpec = SEQ2SEQ_SPEC) -> dict:
    """Every task of ``job["model"]``: per task, seconds per step of each timed block, the
    batch (sequences per step) and the target tokens per step (B x T)."""
    model, effort = job["model"], job["effort"]
    built = BUILDERS[model](spec)
    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    result = {}
    with session(built.graph, job["threads"], job["cores"]) as sess:
        sess.run(built.init)
        for task in SEQ2SEQ_MODELS[model][1]:
            seconds = time_blocks(partial(sess.run, built.fetches[task], built.feed), **timing)
            result[task] = {"batch": spec.batch, "tokens": spec.batch * spec.target_steps,
                            "seconds": seconds}
    return result


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one seq2seq job."""
    return run_seq2seq(job), {}
