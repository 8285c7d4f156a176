# -*- coding: utf-8 -*-
# A bucketed attention seq2seq as TensorFlow's translate tutorial built it (seq2seq_model.py,
# TF 1.x): tf.contrib.legacy_seq2seq.embedding_attention_seq2seq inside model_with_buckets.
#
# The toy "translation": each digit written in bi-quinary, as an abacus does; d < 5 is one
# word "d", d >= 5 is two words "V d-5". So "7 3 9" -> "V 2 3 V 4": the target can be twice
# as long as the source, which is what buckets of (source size, target size) are for.
#
#   buckets [(4, 8), (7, 14)]: static graphs of 4 encoder / 8 decoder steps and of 7 / 14,
#     sharing their variables (model_with_buckets reuses them for every bucket after the first)
#   inputs: lists of [batch] int32 placeholders, one per time step, as the tutorial's; the
#     source reversed and front-padded, the decoder input GO + target + EOS + PAD; targets are
#     the decoder inputs shifted by one, with weight 0 on PAD (sequence_loss weights)
#   GRUCell(64), embedding size 32, output_projection=None (OutputProjectionWrapper)
#   one train op per bucket (Adam, gradients clipped by global norm), a batch goes to the
#     smallest bucket it fits
#   decoding: the same buckets built again with feed_previous=True (each step reads the
#     argmax of the previous one), under reuse=True: the same variables
#
# Run:  tf1-lstm run legacy_examples/006_legacy_seq2seq_buckets.py
import sys
import time

import numpy as np
import tensorflow as tf

PAD_ID, GO_ID, EOS_ID, UNK_ID = 0, 1, 2, 3     # the tutorial's data_utils ids
SOURCE_VOCAB = 4 + 10                           # digits 0..9 are 4..13
TARGET_WORDS = ["0", "1", "2", "3", "4", "V"]   # target ids 4..9
TARGET_VOCAB = 4 + len(TARGET_WORDS)
FIVE = 4 + TARGET_WORDS.index("V")
BUCKETS = [(4, 8), (7, 14)]
MIN_LEN, MAX_LEN = 2, 6
SIZE, EMBED, BATCH = 64, 32, 64
TRAIN_STEPS, LEARNING_RATE, MAX_GRADIENT_NORM = 400, 0.01, 5.0
HELD_OUT, ACCURACY_BAR = 200, 0.9

problems = []


def check(ok, what):
    print("  [%s] %s" % ("ok" if ok else "FAILED", what))
    if not ok:
        problems.append(what)


# ---- data -----------------------------------------------------------------------------------
rng = np.random.RandomState(1)


def translate(digits):
    out = []
    for d in digits:
        out += [4 + d] if d < 5 else [FIVE, 4 + d - 5]
    return out


def random_pair():
    digits = tuple(rng.randint(0, 10, size=rng.randint(MIN_LEN, MAX_LEN + 1)))
    return [4 + d for d in digits], translate(digits) + [EOS_ID]   # target ids end with EOS


def bucket_of(source_ids, target_ids):
    """The tutorial's rule: the first bucket with len(source) < s and len(target) < t."""
    for bucket_id, (source_size, target_size) in enumerate(BUCKETS):
        if len(source_ids) < source_size and len(target_ids) < target_size:
            return bucket_id
    raise ValueError("no bucket fits %s" % (source_ids,))


def get_batch(pairs, bucket_id):
    """Time-major lists, as the tutorial's Seq2SeqModel.get_batch."""
    encoder_size, decoder_size = BUCKETS[bucket_id]
    encoder_inputs, decoder_inputs = [], []
    for source_ids, target_ids in pairs:
        encoder_pad = [PAD_ID] * (encoder_size - len(source_ids))
        encoder_inputs.append(list(reversed(source_ids + encoder_pad)))
        decoder_pad = [PAD_ID] * (decoder_size - len(target_ids) - 1)
        decoder_inputs.append([GO_ID] + target_ids + decoder_pad)
    batch_encoder = [np.array([e[i] for e in encoder_inputs], np.int32)
                     for i in range(encoder_size)]
    batch_decoder = [np.array([d[i] for d in decoder_inputs], np.int32)
                     for i in range(decoder_size)]
    batch_weights = []
    for i in range(decoder_size):
        weight = np.ones(len(pairs), np.float32)
        for b in range(len(pairs)):
            # the target of step i is decoder input i + 1; PAD targets (and the last step,
            # whose target is past the end) weigh nothing
            if i == decoder_size - 1 or decoder_inputs[b][i + 1] == PAD_ID:
                weight[b] = 0.0
        batch_weights.append(weight)
    return batch_encoder, batch_decoder, batch_weights


held_out = []
held_out_keys = set()
while len(held_out) < HELD_OUT:
    pair = random_pair()
    if tuple(pair[0]) not in held_out_keys:
        held_out_keys.add(tuple(pair[0]))
        held_out.append(pair)


def training_pairs(bucket_id):
    pairs = []
    while len(pairs) < BATCH:
        pair = random_pair()
        if tuple(pair[0]) not in held_out_keys and bucket_of(*pair) == bucket_id:
            pairs.append(pair)
    return pairs


# ---- the graph ------------------------------------------------------------------------------
tf.reset_default_graph()
tf.set_random_seed(1)

encoder_inputs, decoder_inputs, target_weights = [], [], []
for i in range(BUCKETS[-1][0]):  # the last bucket is the biggest one
    encoder_inputs.append(tf.placeholder(tf.int32, shape=[None], name="encoder{0}".format(i)))
for i in range(BUCKETS[-1][1] + 1):
    decoder_inputs.append(tf.placeholder(tf.int32, shape=[None], name="decoder{0}".format(i)))
    target_weights.append(tf.placeholder(tf.float32, shape=[None], name="weight{0}".format(i)))
targets = [decoder_inputs[i + 1] for i in range(len(decoder_inputs) - 1)]


def seq2seq_f(encoder_inputs, decoder_inputs, do_decode):
    # A new cell for every call: embedding_attention_seq2seq deep-copies its cell for the
    # encoder, and deep-copying a cell that already holds variables failed in TF 1.x
    # ("can't pickle _thread.lock objects"). The variable scopes make the cells share weights.
    cell = tf.contrib.rnn.GRUCell(SIZE)
    return tf.contrib.legacy_seq2seq.embedding_attention_seq2seq(
        encoder_inputs, decoder_inputs, cell,
        num_encoder_symbols=SOURCE_VOCAB, num_decoder_symbols=TARGET_VOCAB,
        embedding_size=EMBED, output_projection=None, feed_previous=do_decode,
        dtype=tf.float32)


outputs, losses = tf.contrib.legacy_seq2seq.model_with_buckets(
    encoder_inputs, decoder_inputs, targets, target_weights, BUCKETS,
    lambda x, y: seq2seq_f(x, y, False))
n_training_variables = len(tf.trainable_variables())

params = tf.trainable_variables()
opt = tf.train.AdamOptimizer(LEARNING_RATE)
updates = []
for b in range(len(BUCKETS)):
    gradients = tf.gradients(losses[b], params)
    clipped_gradients, _ = tf.clip_by_global_norm(gradients, MAX_GRADIENT_NORM)
    updates.append(opt.apply_gradients(zip(clipped_gradients, params)))

with tf.variable_scope(tf.get_variable_scope(), reuse=True):
    decode_outputs, decode_losses = tf.contrib.legacy_seq2seq.model_with_buckets(
        encoder_inputs, decoder_inputs, targets, target_weights, BUCKETS,
        lambda x, y: seq2seq_f(x, y, True))
decoded_ids = [[tf.argmax(logit, 1) for logit in bucket_outputs]
               for bucket_outputs in decode_outputs]

print("trainable variables (shared by both buckets, training and decoding):")
for v in tf.trainable_variables():
    print("  %-90s %s" % (v.name, v.shape.as_list()))
for b, bucket in enumerate(BUCKETS):
    print("bucket %d %s: %d decoder outputs of %s" % (
        b, bucket, len(outputs[b]), outputs[b][0].shape.as_list()))


def input_feed(batch_encoder, batch_decoder, batch_weights, bucket_id):
    encoder_size, decoder_size = BUCKETS[bucket_id]
    feed = {}
    for i in range(encoder_size):
        feed[encoder_inputs[i].name] = batch_encoder[i]
    for i in range(decoder_size):
        feed[decoder_inputs[i].name] = batch_decoder[i]
        feed[target_weights[i].name] = batch_weights[i]
    # the last target: decoder input decoder_size, not read (weight 0) but fed
    feed[decoder_inputs[decoder_size].name] = np.zeros([len(batch_encoder[0])], np.int32)
    return feed


# ---- train, then decode the held-out pairs --------------------------------------------------
held_out_buckets = [[p for p in held_out if bucket_of(*p) == b] for b in range(len(BUCKETS))]
bucket_sizes = [len(bucket) for bucket in held_out_buckets]
bucket_scale = np.cumsum(bucket_sizes) / float(sum(bucket_sizes))  # pick buckets by their share

start = time.time()
train_losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(1, TRAIN_STEPS + 1):
        bucket_id = int(np.searchsorted(bucket_scale, rng.random_sample(), side="right"))
        feed = input_feed(*get_batch(training_pairs(bucket_id), bucket_id), bucket_id)
        step_loss, _ = sess.run([losses[bucket_id], updates[bucket_id]], feed_dict=feed)
        train_losses.append(step_loss)
        if step % 50 == 0 or step == 1:
            print("step %d  bucket %d  loss %.4f  perplexity %.2f"
                  % (step, bucket_id, step_loss, np.exp(step_loss)))
    train_seconds = time.time() - start

    decoded = []
    for b, pairs in enumerate(held_out_buckets):
        feed = input_feed(*get_batch([(s, []) for s, _ in pairs], b), b)  # only GO is read
        ids = np.array(sess.run(decoded_ids[b], feed_dict=feed)).T       # [batch, steps]
        decoded.append(ids)
print("trained %d steps in %.1f s" % (TRAIN_STEPS, train_seconds))


def spell(ids):
    return " ".join(TARGET_WORDS[i - 4] if i >= 4 else "_" for i in ids)


print("held-out translations (bucket: source -> decoded):")
right = [0] * len(BUCKETS)
for b, pairs in enumerate(held_out_buckets):
    for (source_ids, target_ids), ids in zip(pairs, decoded[b]):
        ids = list(ids)
        ids = ids[:ids.index(EOS_ID)] if EOS_ID in ids else ids
        right[b] += ids == target_ids[:-1]
        print("  %d: %s -> %s" % (b, " ".join(str(s - 4) for s in source_ids), spell(ids)))
accuracy = sum(right) / float(HELD_OUT)
for b, bucket in enumerate(BUCKETS):
    print("bucket %d %s: %d held-out pairs, exact-sequence accuracy %.4f"
          % (b, bucket, bucket_sizes[b], right[b] / float(bucket_sizes[b])))
print("held-out exact-sequence accuracy (feed_previous, greedy): %.4f" % accuracy)

check(len(tf.trainable_variables()) == n_training_variables,
      "the decoding model (feed_previous=True, reuse=True) created no variables (%d in all)"
      % n_training_variables)
check([len(o) for o in outputs] == [t for _, t in BUCKETS]
      and all(o.shape.as_list() == [None, TARGET_VOCAB] for bo in outputs for o in bo),
      "model_with_buckets: one list of [batch, %d] logits per bucket, as long as its "
      "target size" % TARGET_VOCAB)
check(np.mean(train_losses[-20:]) < 0.25 * np.mean(train_losses[:20]),
      "loss fell (first 20 steps %.4f, last 20 %.4f)" % (np.mean(train_losses[:20]),
                                                         np.mean(train_losses[-20:])))
check(all(bucket_sizes), "the held-out pairs fill both buckets")
check(accuracy >= ACCURACY_BAR,
      "held-out exact-sequence accuracy %.4f >= %.2f" % (accuracy, ACCURACY_BAR))

if problems:
    sys.exit("CHECK FAILED: " + "; ".join(problems))
print("CHECK OK: toy translation learned; held-out exact-sequence accuracy %.4f (buckets: %s)"
      % (accuracy, ", ".join("%.4f" % (r / float(n)) for r, n in zip(right, bucket_sizes))))
