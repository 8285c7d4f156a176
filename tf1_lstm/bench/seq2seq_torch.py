"""The seq2seq rows' PyTorch jobs: the same two models as ``seq2seq_tf1``, the same sizes.

PyTorch has the layers (``nn.GRU``, ``nn.LSTM``, ``nn.GRUCell``, ``nn.LSTMCell``) but no
seq2seq decoders: the decoder loops, the attention and the beam search are written here, as a
PyTorch user writes them, one op for each of TF's.

``LegacyAttentionSeq2Seq``: ``embedding_attention_seq2seq`` with ``output_projection=None``
(TF 1.15's ``attention_decoder``, one head; h the encoder's outputs [B, S, H])::

    h, s_0   = GRU(embed_enc(source))                     # [B, S, H], [B, H]
    x_i      = input_projection([embed_dec(y_i), d_{i-1}])   # kernel [E + H, E], d_0 = 0
    s_i      = GRUCell(x_i, s_{i-1});  o_i = cell_projection(s_i)   # [B, V] (the wrapper)
    d_i      = sum_t softmax_t(attn_v . tanh(attn_w(h)[t] + attn_query(s_i)))  h[t]
    logits_i = output_projection([o_i, d_i])              # [B, V + H] -> [B, V]

A training step: zero_grad, forward, cross-entropy (every target weighs 1, so
``sequence_loss``'s mean), backward, ``clip_grad_norm_(5)``, Adam(0.001).

``BahdanauSeq2Seq``: 005's encoder and AttentionWrapper(LSTMCell, BahdanauAttention)::

    m, (h_n, c_n) = LSTM(embed(source), bidirectional, H / 2 each)   # m [B, S, H]
    keys          = memory_layer(m);  (h, c) = the directions' final states side by side
    h, c          = LSTMCell([embed(y), a], (h, c))             # a_0 = 0
    alpha         = softmax_j(v . tanh(keys_j + query_layer(h))), -inf where j >= length
    a             = attention_layer([h, sum_j alpha_j m_j]);  logits = output_layer(a)

``greedy``: argmax fed back for T steps. ``beam``: TF 1.15's beam search without length
penalty on B * W rows (row b * W + w, ``tile_batch``'s layout): log-probabilities added to the
beams', ``topk`` over W * V per entry, the states gathered from the parent beams; beams
start finished but beam 0, a finished beam only extends by the end token at no cost; then the
ids traced back through the parents (``gather_tree``). The end token is ``jobs.NEVER_ID``,
as in TF1: every row decodes T steps. Inference under ``torch.inference_mode()``;
``torch.set_num_threads(cores)``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

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
from tf1_lstm.bench.timing import time_blocks

WORLD = "tf2"  # a tf1_lstm.worlds task: never loads the TF1 bootstrap
FIRST_WORD = 3  # ids 0, 1, 2: PAD, GO, EOS (as seq2seq_tf1)
LEARNING_RATE, MAX_GRADIENT_NORM = 0.001, 5.0


def token_batches(spec: Seq2SeqSpec) -> tuple[torch.Tensor, torch.Tensor]:
    """(source [B, S], target [B, T]) int64: seq2seq_tf1's ids, drawn the same way."""
    rng = np.random.default_rng(0)
    source = rng.integers(FIRST_WORD, spec.vocab, (spec.batch, spec.source_steps))
    target = rng.integers(FIRST_WORD, spec.vocab, (spec.batch, spec.target_steps))
    return torch.from_numpy(source), torch.from_numpy(target)


class LegacyAttentionSeq2Seq(nn.Module):
    def __init__(self, spec: Seq2SeqSpec) -> None:
        super().__init__()
        vocab, units, embedding = spec.vocab, spec.units, spec.embedding
        self.embed_enc = nn.Embedding(vocab, embedding)
        self.encoder = nn.GRU(embedding, units, batch_first=True)
        self.embed_dec = nn.Embedding(vocab, embedding)
        self.attn_w = nn.Linear(units, units, bias=False)        # AttnW_0, a 1x1 conv in TF
        self.attn_v = nn.Parameter(torch.empty(units).uniform_(-0.1, 0.1))   # AttnV_0
        self.attn_query = nn.Linear(units, units)                # Attention_0
        self.input_projection = nn.Linear(embedding + units, embedding)
        self.cell = nn.GRUCell(embedding, units)
        self.cell_projection = nn.Linear(units, vocab)           # OutputProjectionWrapper
        self.output_projection = nn.Linear(vocab + units, vocab)  # AttnOutputProjection

    def forward(self, source, decoder_inputs):                   # [B, S], [B, T] ids
        h, s = self.encoder(self.embed_enc(source))              # [B, S, H], [1, B, H]
        s = s[0]
        hidden_features = self.attn_w(h)                         # [B, S, H]
        d = h.new_zeros(h.shape[0], h.shape[2])                  # [B, H]
        logits = []
        for y in self.embed_dec(decoder_inputs).unbind(1):       # T x [B, E]
            s = self.cell(self.input_projection(torch.cat([y, d], 1)), s)
            o = self.cell_projection(s)                          # [B, V]
            u = torch.tanh(hidden_features + self.attn_query(s)[:, None]) @ self.attn_v
            a = torch.softmax(u, -1)                             # [B, S]
            d = torch.bmm(a[:, None], h)[:, 0]                   # [B, H]
            logits.append(self.output_projection(torch.cat([o, d], 1)))
        return torch.stack(logits, 1)                            # [B, T, V]


class BahdanauSeq2Seq(nn.Module):
    def __init__(self, spec: Seq2SeqSpec) -> None:
        super().__init__()
        if spec.units % 2:
            raise ValueError(f"units must be even (two encoder directions of units / 2), "
                             f"got {spec.units}")
        vocab, units, embedding = spec.vocab, spec.units, spec.embedding
        self.spec = spec
        self.embed = nn.Embedding(vocab, embedding)
        self.encoder = nn.LSTM(embedding, units // 2, batch_first=True, bidirectional=True)
        self.memory_layer = nn.Linear(units, units, bias=False)
        self.query_layer = nn.Linear(units, units, bias=False)
        self.attention_v = nn.Parameter(torch.empty(units).uniform_(-0.1, 0.1))
        self.cell = nn.LSTMCell(embedding + units, units)
        self.attention_layer = nn.Linear(2 * units, units, bias=False)
        self.output_layer = nn.Linear(units, vocab, bias=False)

    def encode(self, source, lengths, repeat: int = 1):
        """(memory, keys, mask, (h, c), attention), each row repeated ``repeat`` times in
        place (tile_batch's layout)."""
        memory, (h_n, c_n) = self.encoder(self.embed(source))       # [B, S, H], [2, B, H/2]
        state = (torch.cat([h_n[0], h_n[1]], 1), torch.cat([c_n[0], c_n[1]], 1))  # [B, H]
        mask = torch.arange(source.shape[1])[None] < lengths[:, None]   # [B, S]
        parts = [memory, self.memory_layer(memory), mask, *state]
        if repeat > 1:
            parts = [p.repeat_interleave(repeat, 0) for p in parts]
        memory, keys, mask, h, c = parts
        return memory, keys, mask, (h, c), h.new_zeros(h.shape)

    def step(self, ids, state, attention, memory, keys, mask):
        """One AttentionWrapper step: (logits [N, V], (h, c), attention [N, H])."""
        h, c = self.cell(torch.cat([self.embed(ids), attention], 1), state)
        score = torch.tanh(keys + self.query_layer(h)[:, None]) @ self.attention_v  # [N, S]
        alpha = torch.softmax(score.masked_fill(~mask, float("-inf")), -1)   # [N, S]
        context = torch.bmm(alpha[:, None], memory)[:, 0]                    # [N, H]
        attention = self.attention_layer(torch.cat([h, context], 1))
        return self.output_layer(attention), (h, c), attention

    def greedy(self, source, lengths, end_token: int = NEVER_ID):
        """Ids [B, T]: the argmax of every step, fed back."""
        memory, keys, mask, state, attention = self.encode(source, lengths)
        ids = torch.full((source.shape[0],), GO_ID)
        finished = torch.zeros(source.shape[0], dtype=torch.bool)
        out = []
        for _ in range(self.spec.target_steps):
            logits, state, attention = self.step(ids, state, attention, memory, keys, mask)
            ids = logits.argmax(-1)
            out.append(ids)
            finished |= ids == end_token
            if finished.all():
                break
        return torch.stack(out, 1)

    def beam(self, source, lengths, end_token: int = NEVER_ID):
        """(ids [B, T, W], log_probs [B, W]): the beams best first and their
        log-probabilities (the module docstring's search)."""
        batch, width, vocab = source.shape[0], self.spec.beam_width, self.spec.vocab
        memory, keys, mask, state, attention = self.encode(source, lengths, width)
        log_probs = torch.full((batch, width), float("-inf"))
        log_probs[:, 0] = 0.0                                                # [B, W]
        finished = torch.ones(batch, width, dtype=torch.bool)
        finished[:, 0] = False
        finished_row = torch.full((vocab,), torch.finfo(torch.float32).min)  # [V]
        if 0 <= end_token < vocab:
            finished_row[end_token] = 0.0
        ids = torch.full((batch * width,), GO_ID)
        first_row = (torch.arange(batch) * width)[:, None]                  # [B, 1]
        words, parents = [], []
        for _ in range(self.spec.target_steps):
            logits, state, attention = self.step(ids, state, attention, memory, keys, mask)
            step = torch.log_softmax(logits, -1).view(batch, width, vocab)
            step = torch.where(finished[..., None], finished_row, step)
            scores, index = (log_probs[..., None] + step).view(batch, -1).topk(width)
            parent, word = index // vocab, index % vocab                     # [B, W]
            rows = (first_row + parent).view(-1)
            state, attention = (state[0][rows], state[1][rows]), attention[rows]
            finished = finished.gather(1, parent) | (word == end_token)
            log_probs, ids = scores, word.view(-1)
            words.append(word)
            parents.append(parent)
            if finished.all():
                break
        beam = torch.arange(width).expand(batch, width)                      # gather_tree
        out = []
        for word, parent in zip(reversed(words), reversed(parents), strict=True):
            out.append(word.gather(1, beam))
            beam = parent.gather(1, beam)
        return torch.stack(out[::-1], 1), log_probs                          # [B, T, W]


def legacy_train_step(spec: Seq2SeqSpec):
    """The training step of ``LegacyAttentionSeq2Seq`` on one batch: a function -> loss."""
    model = LegacyAttentionSeq2Seq(spec)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    source, target = token_batches(spec)
    decoder_inputs = torch.cat([torch.full((spec.batch, 1), GO_ID), target[:, :-1]], 1)

    def step() -> torch.Tensor:
        optimizer.zero_grad()
        logits = model(source, decoder_inputs)                    # [B, T, V]
        loss = loss_fn(logits.reshape(-1, spec.vocab), target.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), MAX_GRADIENT_NORM)
        optimizer.step()
        return loss

    return step, model


def decode_steps(spec: Seq2SeqSpec) -> dict:
    """{GREEDY: ..., BEAM: ...}: functions that decode one source batch (ids out)."""
    model = BahdanauSeq2Seq(spec).eval()
    source, _ = token_batches(spec)
    lengths = torch.full((spec.batch,), spec.source_steps)

    def run(decode):
        def step():
            with torch.inference_mode():
                return decode(source, lengths)
        return step

    return {GREEDY: run(model.greedy), BEAM: run(model.beam)}


def run_seq2seq(job: dict, spec: Seq2SeqSpec = SEQ2SEQ_SPEC) -> dict:
    """Every task of ``job["model"]``, as ``seq2seq_tf1.run_seq2seq`` reports them."""
    torch.set_num_threads(job["cores"])
    torch.manual_seed(42)
    model, effort = job["model"], job["effort"]
    steps = {LEGACY_TRAIN: legacy_train_step(spec)[0]} if model == "legacy" else \
        decode_steps(spec)
    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    result = {task: {"batch": spec.batch, "tokens": spec.batch * spec.target_steps,
                     "seconds": time_blocks(steps[task], **timing)}
              for task in SEQ2SEQ_MODELS[model][1]}
    result["notes"] = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    return result


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one seq2seq job."""
    return run_seq2seq(job), {}
