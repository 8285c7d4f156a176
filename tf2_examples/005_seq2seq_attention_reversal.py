"""Seq2seq with Bahdanau attention in TF2 / Keras 3: reverse digit strings, greedy and beam.

Side by side with legacy_examples/005_seq2seq_attention_reversal.py, the same model:

    TF1 (2018)                                    Keras 3 (here)
    bidirectional_dynamic_rnn(LSTMCell(32) x 2,   layers.Bidirectional(layers.LSTM(32,
      sequence_length=L)                            return_sequences=True, return_state=True))
                                                    with mask = source != PAD
    BahdanauAttention(64, memory, L)              query_layer, memory_layer (Dense, no bias) +
                                                    layers.AdditiveAttention(use_scale=True),
                                                    mask=[None, source != PAD]
    AttentionWrapper(LSTMCell(64), mechanism,     DecoderStep below: the cell reads
      attention_layer_size=64)                      [input, previous attention]; attention =
                                                    attention_layer([h, context]) is the output
    TrainingHelper + BasicDecoder + dynamic_decode  a Python loop over the (padded) decoder steps
    sequence_loss(logits, targets, weights)       SparseCategoricalCrossentropy(from_logits=True,
                                                    reduction="mean_with_sample_weight")
    GreedyEmbeddingHelper                         greedy_decode(): argmax, fed back, in NumPy
    BeamSearchDecoder(beam_width=5) + tile_batch  beam_decode(): the same search in NumPy, the
                                                    memory repeated per beam (np.repeat)
    alignment_history=True                        the scores AdditiveAttention returns per step

The equations of one decoder step (TF1's AttentionWrapper with BahdanauAttention, normalize=False,
output_attention=True; x_t the embedded previous token, a_{t-1} the previous attention vector):

    h_t, c_t = LSTM([x_t, a_{t-1}], (h_{t-1}, c_{t-1}))
    e_tj     = v . tanh(W_q h_t + W_m m_j)           (score; -inf where j >= L)
    alpha_t  = softmax_j(e_tj)                       (the alignment)
    ctx_t    = sum_j alpha_tj m_j
    a_t      = W_a [h_t, ctx_t]                      (attention_layer, no bias)
    logits_t = W_o a_t                               (the output layer)

Run:  python tf2_examples/005_seq2seq_attention_reversal.py [--steps N] [--quick]
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: quiet C++ logs

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers, ops  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--steps", type=int, default=320, help="training batches (default 320)")
parser.add_argument("--quick", action="store_true",
                    help="a smoke run for the tests: 120 batches, accuracy bars 0.8")
args = parser.parse_args()
steps, accuracy_bar = (120, 0.8) if args.quick else (args.steps, 0.9)

PAD, GO, EOS = 0, 1, 2                    # digits 0..9 are tokens 3..12
VOCAB = 13
MIN_LEN, MAX_LEN = 3, 8                   # source lengths
MAX_DECODE = MAX_LEN + 1                  # the reversed digits, then EOS
EMBED, ENC_UNITS, DEC_UNITS = 16, 32, 64  # bidirectional encoder: 2 x 32 = 64 memory depth
BATCH, HELD_OUT, BEAM_WIDTH = 64, 200, 5

problems = []


def check(ok, what):
    print(f"  [{'ok' if ok else 'FAILED'}] {what}")
    if not ok:
        problems.append(what)


# ---- data: random digit strings and their reversal -------------------------------------------
rng = np.random.default_rng(0)
keras.utils.set_random_seed(0)


def random_strings(n, exclude=frozenset()):
    """n digit strings (tuples of tokens 3..12) of length MIN_LEN..MAX_LEN, none in exclude."""
    out = []
    while len(out) < n:
        s = tuple(rng.integers(3, VOCAB, rng.integers(MIN_LEN, MAX_LEN + 1)).tolist())
        if s not in exclude:
            out.append(s)
    return out


def to_arrays(strings):
    """Batch-major padded arrays: source [N, MAX_LEN]; decoder input GO + reversed; target
    reversed + EOS; weights 1 on the target's tokens (EOS included), 0 on PAD."""
    n = len(strings)
    source = np.full((n, MAX_LEN), PAD, np.int32)
    decoder_in = np.full((n, MAX_DECODE), PAD, np.int32)
    target = np.full((n, MAX_DECODE), PAD, np.int32)
    for i, s in enumerate(strings):
        rev = list(reversed(s))
        source[i, :len(s)] = s
        decoder_in[i, :len(s) + 1] = [GO] + rev
        target[i, :len(s) + 1] = rev + [EOS]
    return source, decoder_in, target, (target != PAD).astype(np.float32)


held_out = random_strings(HELD_OUT)
train = random_strings(steps * BATCH // 4, exclude=frozenset(held_out))  # 4 epochs of these
x_source, x_decoder, y_target, y_weights = to_arrays(train)
print(f"reversal of digit strings of length {MIN_LEN}..{MAX_LEN}: {len(train)} training "
      f"strings, {HELD_OUT} held out (none seen in training)")


# ---- the model -------------------------------------------------------------------------------
class DecoderStep(layers.Layer):
    """One step of TF1's AttentionWrapper(LSTMCell, BahdanauAttention, attention_layer_size).

    State: h, c [B, DEC_UNITS] and the previous attention vector a [B, DEC_UNITS] (zeros first).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.cell = layers.LSTMCell(DEC_UNITS, name="lstm_cell")
        self.query_layer = layers.Dense(DEC_UNITS, use_bias=False, name="query_layer")
        self.memory_layer = layers.Dense(DEC_UNITS, use_bias=False, name="memory_layer")
        self.attention = layers.AdditiveAttention(use_scale=True, name="bahdanau")  # v
        self.attention_layer = layers.Dense(DEC_UNITS, use_bias=False, name="attention_layer")

    def keys(self, memory):
        return self.memory_layer(memory)                     # W_m m_j, once per sequence

    def call(self, x, h, c, a, memory, keys, memory_mask):
        out, (h, c) = self.cell(ops.concatenate([x, a], -1), [h, c])  # [B, DEC_UNITS]
        query = self.query_layer(out)[:, None, :]            # [B, 1, DEC_UNITS]
        context, alignment = self.attention([query, memory, keys], mask=[None, memory_mask],
                                            return_attention_scores=True)
        # context [B, 1, 64], alignment [B, 1, S]
        a = self.attention_layer(ops.concatenate([out, context[:, 0]], -1))  # [B, DEC_UNITS]
        return a, h, c, alignment[:, 0]


class ReversalSeq2Seq(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(VOCAB, EMBED, name="embedding")  # encoder and decoder
        self.encoder = layers.Bidirectional(
            layers.LSTM(ENC_UNITS, return_sequences=True, return_state=True), name="encoder")
        self.step = DecoderStep(name="decoder")
        self.output_layer = layers.Dense(VOCAB, use_bias=False, name="output_projection")

    def encode(self, source):
        mask = ops.not_equal(source, PAD)                                    # [B, S]
        memory, fh, fc, bh, bc = self.encoder(self.embedding(source), mask=mask)  # [B, S, 64]
        # TF1 concatenates the two directions' final states into the decoder's (c, h).
        h, c = ops.concatenate([fh, bh], -1), ops.concatenate([fc, bc], -1)  # [B, 64]
        return memory, self.step.keys(memory), mask, h, c

    def call(self, inputs):
        """Teacher forcing (TF1's TrainingHelper): step t reads the true token t - 1."""
        source, decoder_in = inputs
        memory, keys, mask, h, c = self.encode(source)
        x = self.embedding(decoder_in)                                       # [B, T, E]
        a = ops.zeros_like(h)
        logits = []
        for t in range(MAX_DECODE):
            a, h, c, _ = self.step(x[:, t], h, c, a, memory, keys, mask)
            logits.append(self.output_layer(a))                              # [B, VOCAB]
        return ops.stack(logits, 1)                                          # [B, T, VOCAB]


model = ReversalSeq2Seq()
model.compile(optimizer=keras.optimizers.Adam(0.01, global_clipnorm=5.0),
              loss=keras.losses.SparseCategoricalCrossentropy(
                  from_logits=True, reduction="mean_with_sample_weight"))
history = model.fit((x_source, x_decoder), y_target, sample_weight=y_weights, batch_size=BATCH,
                    epochs=4, verbose=0)
losses = history.history["loss"]
print("mean loss per epoch: " + " ".join(f"{v:.4f}" for v in losses))


# ---- decoding, written out ---------------------------------------------------------------------
def numpy(x):
    return keras.ops.convert_to_numpy(x)


def log_softmax(z):
    z = z - z.max(-1, keepdims=True)
    return z - np.log(np.exp(z).sum(-1, keepdims=True))


def greedy_decode(source):
    """GreedyEmbeddingHelper: feed back the argmax until EOS (or MAX_DECODE steps).

    Returns the tokens [B, MAX_DECODE] (EOS then PAD after the end) and the alignment history
    [MAX_DECODE, B, S] (TF1's final_state.alignment_history.stack(): time first)."""
    memory, keys, mask, h, c = model.encode(source)
    a, token = ops.zeros_like(h), np.full(len(source), GO, np.int32)
    tokens, alignments = [], []
    finished = np.zeros(len(source), bool)
    for _ in range(MAX_DECODE):
        a, h, c, alignment = model.step(model.embedding(token), h, c, a, memory, keys, mask)
        token = numpy(model.output_layer(a)).argmax(-1).astype(np.int32)
        token = np.where(finished, PAD, token)
        tokens.append(token)
        alignments.append(numpy(alignment))
        finished |= token == EOS
        if finished.all():
            break
    return np.stack(tokens, 1), np.stack(alignments)


def beam_decode(source, beam_width=BEAM_WIDTH, length_penalty_weight=0.0):
    """BeamSearchDecoder: keep the beam_width best prefixes of every example.

    As TF1: every source is repeated beam_width times (tile_batch: memory, mask and the
    encoder state), only beam 0 is live at the start (the others have log-prob -inf), a
    finished beam can only extend itself by EOS at no cost, and the beams are ranked by
    log p / ((5 + length) / 6) ** length_penalty_weight (1 when the weight is 0: pure log p).
    Back-pointers are followed from the last step (gather_tree). Returns the best beam's
    tokens [B, T]."""
    b, k = len(source), beam_width
    memory, keys, mask, h, c = (np.repeat(numpy(v), k, axis=0) for v in model.encode(source))
    a = np.zeros_like(h)
    token = np.full(b * k, GO, np.int32)
    log_probs = np.tile(np.r_[0.0, np.full(k - 1, -np.inf)], b)            # [B*K]
    lengths = np.zeros(b * k, np.int64)
    finished = np.zeros(b * k, bool)
    parents, tokens = [], []
    for _ in range(MAX_DECODE):
        a, h, c, _ = model.step(model.embedding(token), h, c, a, memory, keys, mask)
        step = log_softmax(numpy(model.output_layer(a)).astype(np.float64))  # [B*K, V]
        step[finished] = -np.inf                                           # finished: only EOS
        step[finished, EOS] = 0.0
        total = log_probs[:, None] + step                                  # [B*K, V]
        # TF1's length for the penalty does not count the EOS just chosen
        grown = lengths[:, None] + (~finished[:, None] & (np.arange(VOCAB) != EOS))
        scores = (total / ((5.0 + grown) / 6.0) ** length_penalty_weight).reshape(b, -1)
        best = np.argsort(-scores, axis=1, kind="stable")[:, :k]           # [B, K]: top_k
        parent = (best // VOCAB + np.arange(b)[:, None] * k).reshape(-1)   # rows of [B*K]
        token = (best % VOCAB).reshape(-1).astype(np.int32)
        log_probs = total.reshape(b, -1)[np.arange(b)[:, None], best].reshape(-1)
        lengths = lengths[parent] + ~finished[parent]                      # EOS counted once
        finished = finished[parent] | (token == EOS)
        a, h, c = (numpy(v)[parent] for v in (a, h, c))
        parents.append(parent)
        tokens.append(token)
        if finished.all():
            break
    # gather_tree: walk the back-pointers from the last step to the first.
    row = np.arange(b * k)
    path = []
    for parent, token in zip(reversed(parents), reversed(tokens), strict=True):
        path.append(token[row])
        row = parent[row]
    best_beam = np.stack(path[::-1], 1).reshape(b, k, -1)[:, 0]                 # [B, T]
    return best_beam


def strip(tokens):
    """Tokens up to (not including) the first EOS, as digits."""
    out = []
    for t in tokens:
        if t in (EOS, PAD):
            break
        out.append(int(t) - 3)
    return out


source_held, _, _, _ = to_arrays(held_out)
greedy_tokens, alignment_history = greedy_decode(source_held)
beam_tokens = beam_decode(source_held)
print("held-out predictions (source -> greedy | beam):")
greedy_right = beam_right = 0
for i, s in enumerate(held_out):
    digits = [t - 3 for t in s]
    greedy, beam = strip(greedy_tokens[i]), strip(beam_tokens[i])
    greedy_right += greedy == digits[::-1]
    beam_right += beam == digits[::-1]
    print(f"  {''.join(map(str, digits))} -> {''.join(map(str, greedy))} | "
          f"{''.join(map(str, beam))}")
greedy_accuracy, beam_accuracy = greedy_right / HELD_OUT, beam_right / HELD_OUT
print(f"greedy exact-sequence accuracy: {greedy_accuracy:.4f}")
print(f"beam search (width {BEAM_WIDTH}) exact-sequence accuracy: {beam_accuracy:.4f}")

# Alignment: at output step t of a source of length L, attention should sit on position L-1-t.
lengths = np.array([len(s) for s in held_out])
on_mirror, steps_seen = 0, 0
for i, n in enumerate(lengths):
    for t in range(min(n, alignment_history.shape[0])):
        on_mirror += alignment_history[t, i].argmax() == n - 1 - t
        steps_seen += 1
mirror_fraction = on_mirror / steps_seen
print(f"alignment history {list(alignment_history.shape)} [T, B, S]: argmax on the mirrored "
      f"source position in {mirror_fraction:.2%} of the output steps")

check(losses[-1] < 0.5 * losses[0], f"loss fell ({losses[0]:.4f} -> {losses[-1]:.4f})")
check(greedy_accuracy >= accuracy_bar,
      f"greedy exact-sequence accuracy {greedy_accuracy:.4f} >= {accuracy_bar}")
check(beam_accuracy >= accuracy_bar,
      f"beam search exact-sequence accuracy {beam_accuracy:.4f} >= {accuracy_bar}")
past_end = np.concatenate([alignment_history[:, i, n:].ravel() for i, n in enumerate(lengths)])
check(np.allclose(alignment_history.sum(-1), 1.0, atol=1e-5) and np.all(past_end < 1e-6),
      "every alignment sums to 1 and is 0 past the source's length (memory_sequence_length)")

if problems:
    sys.exit("CHECK FAILED: " + "; ".join(problems))
print(f"CHECK OK: reversal learned; held-out exact-sequence accuracy greedy "
      f"{greedy_accuracy:.4f}, beam {beam_accuracy:.4f}")
