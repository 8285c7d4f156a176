"""The translate tutorial's bucketed attention seq2seq in TF2 / Keras 3, on a toy translation.

Side by side with legacy_examples/006_legacy_seq2seq_buckets.py. The toy language writes each
digit in bi-quinary, as an abacus does: d < 5 is one word "d", d >= 5 is two words "V d-5"
(so "7 3 9" -> "V 2 3 V 4"); targets are up to twice as long as sources.

    TF1 (2018, the translate tutorial)            Keras 3 (here)
    buckets [(4, 8), (7, 14)]: one static graph   one model, every batch padded to the
      per bucket, model_with_buckets sharing        longest source / target, masks on PAD:
      the variables; a batch goes to the           the encoder skips the PAD steps, the
      smallest bucket it fits                       attention ignores them, the loss too
    encoder inputs reversed and front-padded      kept (the tutorial's data layout), masked
    embedding_attention_seq2seq(GRUCell(64))      Embedding + GRU(64, reset_after=False)
      encoder: a deep copy of the cell            encoder GRU and decoder GRUCell: separate
                                                    weights, as the deep copy gives
      attention_decoder                           AttentionDecoderStep below (hand-written)
      OutputProjectionWrapper(cell, V)            cell_projection: Dense(V) on the GRU output
    feed_previous=True                            greedy_decode(): argmax, embedded, fed back
    sequence_loss(logits, targets, weights)       SparseCategoricalCrossentropy with
      (per example: sum(w * ce) / sum(w),           sample_weight = w * T / sum_t(w): the same
      then the mean over the batch)                 per-example average, then the batch mean

One step of TF1's attention_decoder (num_heads=1, initial_state_attention=False; the context
d_0 = 0; m_j the encoder outputs, x_t the embedded previous target word):

    u_t      = W_in [x_t, d_{t-1}] + b_in            (the cell's input: the Linear of both)
    h_t      = GRU(u_t, h_{t-1})
    e_tj     = v . tanh(W_1 m_j + W_2 h_t + b_2)      (W_1: a 1x1 conv in TF1; -inf on PAD here)
    d_t      = sum_j softmax_j(e_tj) m_j
    logits_t = W_out [W_p h_t + b_p, d_t] + b_out     (W_p: OutputProjectionWrapper)

Run:  python tf2_examples/006_legacy_seq2seq_buckets.py [--steps N] [--quick]
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: quiet C++ logs

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, ops  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=300, help="training batches (default 300)")
parser.add_argument("--quick", action="store_true",
                    help="a smoke run for the tests: 100 batches, accuracy bar 0.7")
args = parser.parse_args()
steps, accuracy_bar = (100, 0.7) if args.quick else (args.steps, 0.9)

PAD, GO, EOS, UNK = 0, 1, 2, 3                 # the tutorial's special ids, both vocabularies
SOURCE_VOCAB = 4 + 10                           # digits 0..9 are 4..13
TARGET_WORDS = ["0", "1", "2", "3", "4", "V"]   # target ids 4..9
TARGET_VOCAB = 4 + len(TARGET_WORDS)
FIVE = 4 + TARGET_WORDS.index("V")
BUCKETS = [(4, 8), (7, 14)]                     # (source size, target size), as the tutorial
MIN_LEN, MAX_LEN = 2, 6                         # 2..3 digits fit bucket 0, 4..6 bucket 1
SOURCE_SIZE, TARGET_SIZE = BUCKETS[-1]          # the Keras model pads to the largest bucket
DECODE_STEPS = TARGET_SIZE - 1                  # GO + up to 12 words; targets: words + EOS
EMBED, UNITS, BATCH, HELD_OUT = 32, 64, 64, 200

problems = []


def check(ok, what):
    print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        problems.append(what)


# ---- data ------------------------------------------------------------------------------------
rng = np.random.default_rng(1)
keras.utils.set_random_seed(1)


def translate(digits):
    """The toy language: d < 5 -> [d], d >= 5 -> [V, d - 5] (target ids)."""
    out = []
    for d in digits:
        out += [4 + d] if d < 5 else [FIVE, 4 + d - 5]
    return out


def random_pairs(n, exclude=frozenset()):
    pairs = []
    while len(pairs) < n:
        digits = tuple(rng.integers(0, 10, rng.integers(MIN_LEN, MAX_LEN + 1)).tolist())
        if digits not in exclude:
            pairs.append(digits)
    return pairs


def bucket_of(digits):
    """The smallest bucket that fits, by the tutorial's rule: len(source) < source size and
    len(target + EOS) < target size (the decoder also reads GO)."""
    return next(b for b, (s, t) in enumerate(BUCKETS)
                if len(digits) < s and len(translate(digits)) + 1 < t)


def to_arrays(pairs):
    """The tutorial's get_batch, batch-major: the source reversed and front-padded to the
    largest bucket; decoder input GO + target; target = target + EOS; weight 0 on PAD."""
    n = len(pairs)
    source = np.full((n, SOURCE_SIZE), PAD, np.int32)
    decoder_in = np.full((n, DECODE_STEPS), PAD, np.int32)
    target = np.full((n, DECODE_STEPS), PAD, np.int32)
    for i, digits in enumerate(pairs):
        words = translate(digits)
        source[i, SOURCE_SIZE - len(digits):] = [4 + d for d in reversed(digits)]
        decoder_in[i, :len(words) + 1] = [GO] + words
        target[i, :len(words) + 1] = words + [EOS]
    weights = (target != PAD).astype(np.float32)                    # [N, T]
    # TF1's legacy sequence_loss: mean over examples of sum_t(w * ce) / sum_t(w). Keras'
    # default reduction divides sum(w * ce) by N * T, so scale each example's weights.
    sample_weight = weights * DECODE_STEPS / weights.sum(1, keepdims=True)
    return source, decoder_in, target, sample_weight


held_out = random_pairs(HELD_OUT)
train = random_pairs(steps * BATCH // 4, exclude=frozenset(held_out))   # 4 epochs of these
x_source, x_decoder, y_target, y_weight = to_arrays(train)
counts = np.bincount([bucket_of(p) for p in train], minlength=len(BUCKETS))
print(f"toy translation, digits -> bi-quinary words: {len(train)} training pairs "
      f"(buckets {BUCKETS}: {counts.tolist()}), {HELD_OUT} held out")


# ---- the model -------------------------------------------------------------------------------
class AttentionDecoderStep(layers.Layer):
    """One step of TF1's legacy attention_decoder around a GRU cell (see the docstring above).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_layer = layers.Dense(EMBED, name="input_linear")             # W_in, b_in
        self.cell = layers.GRUCell(UNITS, reset_after=False, name="gru_cell")
        self.memory_features = layers.Dense(UNITS, use_bias=False, name="AttnW_0")  # W_1
        self.query_layer = layers.Dense(UNITS, name="attention_query")          # W_2, b_2
        self.cell_projection = layers.Dense(TARGET_VOCAB, name="output_projection_wrapper")
        self.output_layer = layers.Dense(TARGET_VOCAB, name="AttnOutputProjection")

    def build(self, input_shape=None):
        self.v = self.add_weight(shape=(UNITS,), name="AttnV_0")

    def features(self, memory):
        return self.memory_features(memory)                       # W_1 m_j: once a sequence

    def call(self, x, h, d, memory, features, memory_mask):
        u = self.input_layer(ops.concatenate([x, d], -1))                     # [B, EMBED]
        h, _ = self.cell(u, [h])                                             # [B, UNITS]
        q = self.query_layer(h)[:, None, :]                                  # [B, 1, UNITS]
        e = ops.sum(self.v * ops.tanh(features + q), -1)                     # [B, S]
        e = ops.where(memory_mask, e, -1e9)   # TF1 attends to the PAD steps too; not here
        alpha = ops.softmax(e, -1)                                           # [B, S]
        d = ops.sum(alpha[:, :, None] * memory, 1)                           # [B, UNITS]
        logits = self.output_layer(ops.concatenate([self.cell_projection(h), d], -1))
        return logits, h, d


class BucketedSeq2Seq(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.source_embedding = layers.Embedding(SOURCE_VOCAB, EMBED, name="encoder_embedding")
        self.target_embedding = layers.Embedding(TARGET_VOCAB, EMBED, name="decoder_embedding")
        self.encoder = layers.GRU(UNITS, reset_after=False, return_sequences=True,
                                  return_state=True, name="encoder")
        self.step = AttentionDecoderStep(name="attention_decoder")

    def encode(self, source):
        mask = ops.not_equal(source, PAD)                                     # [B, S]
        memory, h = self.encoder(self.source_embedding(source), mask=mask)   # [B, S, U], [B, U]
        return memory, self.step.features(memory), mask, h

    def call(self, inputs):
        """feed_previous=False: step t reads the true word t - 1 (GO first)."""
        source, decoder_in = inputs
        memory, features, mask, h = self.encode(source)
        x = self.target_embedding(decoder_in)                                 # [B, T, EMBED]
        d = ops.zeros((ops.shape(source)[0], UNITS))
        logits = []
        for t in range(DECODE_STEPS):
            step_logits, h, d = self.step(x[:, t], h, d, memory, features, mask)
            logits.append(step_logits)
        return ops.stack(logits, 1)                                           # [B, T, V]


model = BucketedSeq2Seq()
model.compile(optimizer=keras.optimizers.Adam(0.01, global_clipnorm=5.0),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
history = model.fit((x_source, x_decoder), y_target, sample_weight=y_weight, batch_size=BATCH,
                    epochs=4, verbose=0)
losses = history.history["loss"]
print("mean loss per epoch: " + " ".join(f"{v:.4f}" for v in losses))


# ---- feed_previous=True: greedy decoding -----------------------------------------------------
def greedy_decode(source):
    """Each step reads the embedding of the previous step's argmax; [B, DECODE_STEPS] ids."""
    memory, features, mask, h = model.encode(source)
    d = ops.zeros((len(source), UNITS))
    word, words = np.full(len(source), GO, np.int32), []
    for _ in range(DECODE_STEPS):
        logits, h, d = model.step(model.target_embedding(word), h, d, memory, features, mask)
        word = keras.ops.convert_to_numpy(logits).argmax(-1).astype(np.int32)
        words.append(word)
    return np.stack(words, 1)


def cut_at_eos(ids):
    ids = list(ids)
    return ids[:ids.index(EOS)] if EOS in ids else ids


def spell(ids):
    return " ".join(TARGET_WORDS[i - 4] if i >= 4 else "_" for i in ids)


source_held, _, _, _ = to_arrays(held_out)
decoded = greedy_decode(source_held)
right = np.zeros(len(BUCKETS))
total = np.zeros(len(BUCKETS))
print("held-out translations (bucket: source -> decoded):")
for i, digits in enumerate(held_out):
    b = bucket_of(digits)
    got = cut_at_eos(decoded[i])
    right[b] += got == translate(digits)
    total[b] += 1
    print(f"  {b}: {' '.join(map(str, digits))} -> {spell(got)}")
accuracy = right.sum() / total.sum()
for b, bucket in enumerate(BUCKETS):
    print(f"bucket {b} {bucket}: {int(total[b])} held-out pairs, exact-sequence accuracy "
          f"{right[b] / total[b]:.4f}")
print(f"held-out exact-sequence accuracy (feed_previous, greedy): {accuracy:.4f}")

check(losses[-1] < 0.5 * losses[0], f"loss fell ({losses[0]:.4f} -> {losses[-1]:.4f})")
check(all(total > 0), "the held-out pairs fill both buckets")
check(accuracy >= accuracy_bar,
      f"held-out exact-sequence accuracy {accuracy:.4f} >= {accuracy_bar}")

if problems:
    sys.exit("CHECK FAILED: " + "; ".join(problems))
print(f"CHECK OK: toy translation learned; held-out exact-sequence accuracy {accuracy:.4f} "
      f"(buckets: {right[0] / total[0]:.4f}, {right[1] / total[1]:.4f})")
