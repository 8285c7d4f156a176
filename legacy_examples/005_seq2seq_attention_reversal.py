# -*- coding: utf-8 -*-
# Seq2seq with attention the way the TF 1.x NMT tutorial wrote it (2017-2018): reverse strings
# of random digits.
#
#   encoder:   tf.nn.bidirectional_dynamic_rnn over LSTMCell(32) x 2, sequence_length given;
#              both directions' outputs concatenated (the attention memory, depth 64) and their
#              final states concatenated into the decoder's initial LSTMStateTuple(c, h)
#   decoder:   LSTMCell(64) in an AttentionWrapper with BahdanauAttention(64, memory,
#              memory_sequence_length) and attention_layer_size=64; a tf.layers.Dense output
#              layer over the 13 tokens (PAD, GO, EOS, digits 0-9)
#   training:  TrainingHelper (teacher forcing) + BasicDecoder + dynamic_decode,
#              tf.contrib.seq2seq.sequence_loss with the target mask as weights
#   decoding:  GreedyEmbeddingHelper (with alignment_history=True: where the decoder looked),
#              and BeamSearchDecoder(beam_width=5) on tile_batch'ed memory, lengths and state
#
# The three decoders live in one graph and share their variables: each is built in
# tf.variable_scope("decoder") (the first time) or ("decoder", reuse=True), creating the same
# layers in the same order, so every name resolves to the training decoder's variable.
#
# Run:  tf1-lstm run legacy_examples/005_seq2seq_attention_reversal.py
import sys
import time

import numpy as np
import tensorflow as tf

PAD, GO, EOS = 0, 1, 2          # digits 0..9 are tokens 3..12
VOCAB = 13
MIN_LEN, MAX_LEN = 3, 8         # source lengths
MAX_DECODE = MAX_LEN + 1        # reversed digits, then EOS
EMBED, ENC_UNITS, DEC_UNITS = 16, 32, 64
BATCH, TRAIN_STEPS, LEARNING_RATE = 64, 200, 0.01
HELD_OUT, BEAM_WIDTH = 200, 5
ACCURACY_BAR = 0.9

problems = []


def check(ok, what):
    print("  [%s] %s" % ("ok" if ok else "FAILED", what))
    if not ok:
        problems.append(what)


# ---- data -----------------------------------------------------------------------------------
rng = np.random.RandomState(0)


def random_string():
    return tuple(rng.randint(3, VOCAB, size=rng.randint(MIN_LEN, MAX_LEN + 1)))


def make_batch(strings):
    """Batch-major, padded to the longest in the batch. The decoder reads GO + reversed and
    must write reversed + EOS."""
    n, longest = len(strings), max(len(s) for s in strings)
    source = np.full((n, longest), PAD, np.int32)
    decoder_in = np.full((n, longest + 1), PAD, np.int32)
    target = np.full((n, longest + 1), PAD, np.int32)
    for i, s in enumerate(strings):
        rev = list(reversed(s))
        source[i, :len(s)] = s
        decoder_in[i, :len(s) + 1] = [GO] + rev
        target[i, :len(s) + 1] = rev + [EOS]
    lengths = np.array([len(s) for s in strings], np.int32)
    return source, lengths, decoder_in, target, lengths + 1


held_out = set()
while len(held_out) < HELD_OUT:
    held_out.add(random_string())
held_out = sorted(held_out)


def training_batch():
    strings = []
    while len(strings) < BATCH:
        s = random_string()
        if s not in held_out:     # the held-out strings are never trained on
            strings.append(s)
    return make_batch(strings)


# ---- the graph ------------------------------------------------------------------------------
tf.reset_default_graph()
tf.set_random_seed(0)

encoder_inputs = tf.placeholder(tf.int32, [None, None], name="encoder_inputs")    # [B, S]
source_lengths = tf.placeholder(tf.int32, [None], name="source_lengths")          # [B]
decoder_inputs = tf.placeholder(tf.int32, [None, None], name="decoder_inputs")    # [B, T]
decoder_targets = tf.placeholder(tf.int32, [None, None], name="decoder_targets")  # [B, T]
target_lengths = tf.placeholder(tf.int32, [None], name="target_lengths")          # [B]
batch_size = tf.shape(encoder_inputs)[0]

embedding = tf.get_variable("embedding", [VOCAB, EMBED])   # shared: one vocabulary

with tf.variable_scope("encoder"):
    encoder_emb = tf.nn.embedding_lookup(embedding, encoder_inputs)               # [B, S, E]
    (out_fw, out_bw), (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
        tf.nn.rnn_cell.LSTMCell(ENC_UNITS), tf.nn.rnn_cell.LSTMCell(ENC_UNITS), encoder_emb,
        sequence_length=source_lengths, dtype=tf.float32)
    encoder_outputs = tf.concat([out_fw, out_bw], -1)                             # [B, S, 64]
    encoder_state = tf.nn.rnn_cell.LSTMStateTuple(
        c=tf.concat([state_fw.c, state_bw.c], 1), h=tf.concat([state_fw.h, state_bw.h], 1))

output_layer = tf.layers.Dense(VOCAB, use_bias=False, name="output_projection")


def attention_cell(memory, memory_lengths, alignment_history=False):
    attention_mechanism = tf.contrib.seq2seq.BahdanauAttention(
        DEC_UNITS, memory, memory_sequence_length=memory_lengths)
    return tf.contrib.seq2seq.AttentionWrapper(
        tf.nn.rnn_cell.LSTMCell(DEC_UNITS), attention_mechanism,
        attention_layer_size=DEC_UNITS, alignment_history=alignment_history, name="attention")


# training: teacher forcing
with tf.variable_scope("decoder") as decoder_scope:
    cell = attention_cell(encoder_outputs, source_lengths)
    initial_state = cell.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state)
    helper = tf.contrib.seq2seq.TrainingHelper(
        tf.nn.embedding_lookup(embedding, decoder_inputs), target_lengths)
    decoder = tf.contrib.seq2seq.BasicDecoder(cell, helper, initial_state,
                                              output_layer=output_layer)
    train_outputs, _, _ = tf.contrib.seq2seq.dynamic_decode(decoder, scope=decoder_scope)
logits = train_outputs.rnn_output                                # [B, max(target_lengths), V]
weights = tf.sequence_mask(target_lengths, tf.shape(logits)[1], dtype=tf.float32)
loss = tf.contrib.seq2seq.sequence_loss(logits, decoder_targets, weights)
params = tf.trainable_variables()
n_training_variables = len(params)
gradients, _ = tf.clip_by_global_norm(tf.gradients(loss, params), 5.0)
train_op = tf.train.AdamOptimizer(LEARNING_RATE).apply_gradients(zip(gradients, params))

# greedy decoding, recording the alignments
with tf.variable_scope("decoder", reuse=True) as decoder_scope:
    cell = attention_cell(encoder_outputs, source_lengths, alignment_history=True)
    helper = tf.contrib.seq2seq.GreedyEmbeddingHelper(embedding, tf.fill([batch_size], GO), EOS)
    decoder = tf.contrib.seq2seq.BasicDecoder(
        cell, helper, cell.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state),
        output_layer=output_layer)
    greedy_outputs, greedy_state, greedy_lengths = tf.contrib.seq2seq.dynamic_decode(
        decoder, maximum_iterations=MAX_DECODE, scope=decoder_scope)
greedy_ids = greedy_outputs.sample_id                                     # [B, T]
alignment_history = greedy_state.alignment_history.stack()                # [T, B, S]

# beam search: every input repeated beam_width times
with tf.variable_scope("decoder", reuse=True) as decoder_scope:
    tiled_memory = tf.contrib.seq2seq.tile_batch(encoder_outputs, multiplier=BEAM_WIDTH)
    tiled_lengths = tf.contrib.seq2seq.tile_batch(source_lengths, multiplier=BEAM_WIDTH)
    tiled_state = tf.contrib.seq2seq.tile_batch(encoder_state, multiplier=BEAM_WIDTH)
    cell = attention_cell(tiled_memory, tiled_lengths)
    decoder = tf.contrib.seq2seq.BeamSearchDecoder(
        cell=cell, embedding=embedding, start_tokens=tf.fill([batch_size], GO), end_token=EOS,
        initial_state=cell.zero_state(batch_size * BEAM_WIDTH, tf.float32).clone(
            cell_state=tiled_state),
        beam_width=BEAM_WIDTH, output_layer=output_layer, length_penalty_weight=0.0)
    beam_outputs, beam_state, _ = tf.contrib.seq2seq.dynamic_decode(
        decoder, maximum_iterations=MAX_DECODE, scope=decoder_scope)
beam_ids = beam_outputs.predicted_ids[:, :, 0]                            # [B, T]: best beam
beam_log_probs = beam_state.log_probs                                     # [B, W]

print("trainable variables (shared by the three decoders):")
for v in tf.trainable_variables():
    print("  %-55s %s" % (v.name, v.shape.as_list()))
n_variables = len(tf.trainable_variables())

# ---- train, then decode the held-out strings ------------------------------------------------
start = time.time()
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, TRAIN_STEPS + 1):
        source, lengths, dec_in, target, tlengths = training_batch()
        batch_loss, _ = sess.run([loss, train_op], feed_dict={
            encoder_inputs: source, source_lengths: lengths, decoder_inputs: dec_in,
            decoder_targets: target, target_lengths: tlengths})
        losses.append(batch_loss)
        if step % 50 == 0 or step == 1:
            print("step %d  loss %.4f" % (step, batch_loss))
    train_seconds = time.time() - start

    source, lengths, _, _, _ = make_batch(held_out)
    feed = {encoder_inputs: source, source_lengths: lengths}
    greedy, greedy_len, alignments, beam, beam_scores = sess.run(
        [greedy_ids, greedy_lengths, alignment_history, beam_ids, beam_log_probs],
        feed_dict=feed)
print("trained %d steps in %.1f s" % (TRAIN_STEPS, train_seconds))


def strip(ids):
    """The digits before the first EOS."""
    out = []
    for t in ids:
        if t in (EOS, PAD):
            break
        out.append(int(t) - 3)
    return out


print("held-out predictions (source -> greedy | beam):")
greedy_right = beam_right = 0
for i, s in enumerate(held_out):
    digits = [t - 3 for t in s]
    g, b = strip(greedy[i]), strip(beam[i])
    greedy_right += g == digits[::-1]
    beam_right += b == digits[::-1]
    print("  %s -> %s | %s" % ("".join(map(str, digits)), "".join(map(str, g)),
                               "".join(map(str, b))))
greedy_accuracy = greedy_right / float(HELD_OUT)
beam_accuracy = beam_right / float(HELD_OUT)
print("greedy exact-sequence accuracy: %.4f" % greedy_accuracy)
print("beam search (width %d) exact-sequence accuracy: %.4f" % (BEAM_WIDTH, beam_accuracy))

on_mirror = seen = 0
for i, n in enumerate(lengths):
    for t in range(min(n, alignments.shape[0])):
        on_mirror += alignments[t, i].argmax() == n - 1 - t
        seen += 1
print("alignment_history %s [T, B, S]: argmax on the mirrored source position in %.2f%% of "
      "the output steps" % (list(alignments.shape), 100.0 * on_mirror / seen))

check(n_variables == n_training_variables == 12,
      "one set of 12 trainable variables for the three decoders (reuse=True created none; "
      "found %d after training, %d in all)" % (n_training_variables, n_variables))
check(np.mean(losses[-20:]) < 0.25 * np.mean(losses[:20]),
      "loss fell (first 20 steps %.4f, last 20 %.4f)" % (np.mean(losses[:20]),
                                                         np.mean(losses[-20:])))
check(greedy_accuracy >= ACCURACY_BAR,
      "greedy exact-sequence accuracy %.4f >= %.2f" % (greedy_accuracy, ACCURACY_BAR))
check(beam_accuracy >= ACCURACY_BAR,
      "beam search exact-sequence accuracy %.4f >= %.2f" % (beam_accuracy, ACCURACY_BAR))
past_end = np.concatenate([alignments[:, i, n:].ravel() for i, n in enumerate(lengths)])
check(np.allclose(alignments.sum(-1), 1.0, atol=1e-5) and np.all(past_end < 1e-6),
      "every alignment sums to 1 and is 0 past the source's length (memory_sequence_length)")
check(np.all(np.diff(beam_scores, axis=1) <= 1e-6),
      "the beams come out best first (log_probs fall from beam 0 to beam %d)" % (BEAM_WIDTH - 1))
check(np.all(greedy_len <= MAX_DECODE) and greedy.shape[1] <= MAX_DECODE,
      "greedy decoding stopped within maximum_iterations=%d" % MAX_DECODE)

if problems:
    sys.exit("CHECK FAILED: " + "; ".join(problems))
print("CHECK OK: reversal learned; held-out exact-sequence accuracy greedy %.4f, beam %.4f"
      % (greedy_accuracy, beam_accuracy))
