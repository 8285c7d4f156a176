"""What ``tf1-lstm bench`` measures, as data: the two models, the paths, the seq2seq
models, the jobs.

Imports no framework: the command plans the jobs here, and each job runs in a fresh process
(a ``tf1_lstm.worlds`` task) in its own world (TF1 graph mode, Keras 3, or PyTorch).

FLOPs are those of the LSTM matmuls, which dominate: per layer and forward pass
2 * B * T * (I + H) * 4H (the [B, I + H] @ [I + H, 4H] product of every step); a training
step is counted as 3 forward passes (the backward pass has two matmuls per forward one).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace

TRAIN, INFER = "train", "infer"
INFERENCE_BATCH = 1024
TUNED, DEFAULT = "tuned", "default"  # TF thread settings: see thread_settings()


@dataclass(frozen=True)
class ModelSpec:
    """One of the documents' models: an LSTM stack over image rows, then a dense layer to 10."""

    name: str        # "002", "001"
    title: str
    layers: int
    units: int       # H
    steps: int       # T
    inputs: int      # I
    batch: int       # the document's training batch
    unroller: str    # how the document unrolls it: "static" (static_rnn) or "dynamic"
    classes: int = 10

    def flops(self, batch: int, mode: str) -> float:
        """LSTM matmul FLOPs of one step (see the module docstring)."""
        forward, depth = 0.0, self.inputs
        for _ in range(self.layers):
            forward += 2.0 * batch * self.steps * (depth + self.units) * 4 * self.units
            depth = self.units
        return forward * (3 if mode == TRAIN else 1)


MODELS = {
    "002": ModelSpec("002", "document 002: 1 x LSTM(128) over static_rnn", 1, 128, 28, 28, 128,
                     "static"),
    "001": ModelSpec("001", "document 001: 3 x LSTM(150) in a MultiRNNCell over dynamic_rnn",
                     3, 150, 28, 28, 150, "dynamic"),
}


@dataclass(frozen=True)
class Path:
    name: str
    world: str       # "tf1", "keras", "torch": which kind of process runs it
    label: str       # what the table calls it


PATHS = {p.name: p for p in (
    Path("static_rnn", "tf1", "static_rnn + BasicLSTMCell"),
    Path("dynamic_rnn", "tf1", "dynamic_rnn + BasicLSTMCell"),
    Path("hand", "tf1", "HandLSTMCell (document's unroller)"),
    Path("hand_projected", "tf1", "HandLSTMCell.whole_sequence (tf.scan)"),
    Path("fast", "tf1", "fast path (tf1_lstm.fast)"),
    Path("fast_1shard", "tf1", "fast path, shards=1"),
    Path("block_cell", "tf1", "LSTMBlockCell (document's unroller)"),
    Path("block_fused", "tf1", "LSTMBlockFusedCell (BlockLSTM op)"),
    Path("keras3", "keras", "Keras 3 LSTM (TF2 eager + tf.function)"),
    Path("pytorch", "torch", "PyTorch nn.LSTM"),
)}
BASELINE, REFERENCE = "static_rnn", "pytorch"
CONSTRUCTION_PATHS = ("static_rnn", "dynamic_rnn", "fast")
THREAD_COMPARISON_PATHS = ("static_rnn", "dynamic_rnn", "fast", "keras3")


# --- seq2seq: the decoder loops of tf.contrib.legacy_seq2seq and tf.contrib.seq2seq ----------

SEQ2SEQ = "seq2seq"                                      # Job.kind
LEGACY_TRAIN, GREEDY, BEAM = "legacy_train", "greedy", "beam"   # what a seq2seq row times
SEQ2SEQ_WORLDS = ("tf1", "torch")                        # the TF1 graph, then PyTorch's


@dataclass(frozen=True)
class Seq2SeqSpec:
    """The seq2seq rows' sizes (one vocabulary for source and target; ids 0, 1, 2 are PAD,
    GO, EOS, the words 3 .. vocab - 1)."""

    vocab: int = 1000
    units: int = 256           # H: the decoder's cell, the attention depth
    embedding: int = 128       # E
    source_steps: int = 20     # S: every source has this length
    target_steps: int = 20     # T: training targets; decoding runs exactly T steps
    batch: int = 64
    beam_width: int = 10       # W


SEQ2SEQ_SPEC = Seq2SeqSpec()
# Also timed with TF's default threads: the decoders' while loops of small ops (the training
# step is a static graph like document 002's, whose thread comparison covers it).
SEQ2SEQ_THREAD_COMPARISON = ("attention",)
GO_ID = 1
NEVER_ID = -1  # the decoders' end_token: no id is -1, so every row decodes all T steps

# model -> (what the table calls it, the tasks one job of it times, in order). The texts'
# {fields} are the spec's sizes (report.py fills them in).
SEQ2SEQ_MODELS = {
    "legacy": ("legacy_seq2seq.embedding_attention_seq2seq (006's model: GRUCell({units}), "
               "output_projection=None: a full softmax)", (LEGACY_TRAIN,)),
    "attention": ("tf.contrib.seq2seq (005's model: bidirectional LSTMCell({half}) encoder, "
                  "AttentionWrapper(LSTMCell({units}), BahdanauAttention({units})))",
                  (GREEDY, BEAM)),
}
SEQ2SEQ_TASKS = {  # task -> (model, what one step is, {world: the row's label})
    LEGACY_TRAIN: ("legacy", "training step (forward, backward, clip_by_global_norm, Adam), "
                   "batch {batch}",
                   {"tf1": "model_with_buckets, one bucket ({source_steps}, {target_steps})",
                    "torch": "PyTorch nn.GRU + GRUCell attention loop"}),
    GREEDY: ("attention", "greedy decoding of {target_steps} steps, encoder included, "
             "batch {batch}",
             {"tf1": "BasicDecoder + GreedyEmbeddingHelper",
              "torch": "PyTorch nn.LSTM + LSTMCell argmax loop"}),
    BEAM: ("attention", "beam search of {target_steps} steps, width {beam_width}, encoder "
           "included, batch {batch}",
           {"tf1": "BeamSearchDecoder over tile_batch",
            "torch": "PyTorch, hand-written beam search"}),
}


@dataclass(frozen=True)
class Effort:
    """How long each measurement runs: warm-up, then ``blocks`` timed blocks of about
    ``block_seconds`` each (the step count per block is fixed from the warm-up's pace)."""

    warmup_seconds: float
    blocks: int
    block_seconds: float
    construction_steps: tuple[int, ...]
    models: tuple[str, ...]
    thread_comparison: bool
    seq2seq: tuple[str, ...] = ()   # SEQ2SEQ_MODELS to time


FULL = Effort(1.0, 7, 0.4, (28, 100, 500), ("002", "001"), True, ("legacy", "attention"))
# --quick keeps the contrib decoders, not legacy_seq2seq's training step: its static graph
# (S + T unrolled attention steps and their gradients) is the seq2seq job slowest to build
# and start, as 001 and T = 500 are the documents' (which --quick leaves out too).
QUICK = Effort(0.3, 3, 0.15, (28, 100), ("002",), False, ("attention",))


def seq2seq_only(effort: Effort) -> Effort:
    """``effort``'s timings for the seq2seq rows alone (``tf1-lstm bench --seq2seq-only``)."""
    return replace(effort, construction_steps=(), models=())


@dataclass
class Job:
    """One process's work; ``kind`` is "ceiling", "paths" (train + infer), "construction"
    or "seq2seq" (``model`` one of SEQ2SEQ_MODELS, its tasks; ``path`` the world's name)."""

    kind: str
    world: str
    path: str = ""
    model: str = ""
    threads: str = TUNED
    steps: int = 0                                   # construction: T
    effort: dict = field(default_factory=dict)
    cores: int = 1

    @property
    def label(self) -> str:
        if self.kind == "ceiling":
            return "matmul ceiling"
        if self.kind == "construction":
            return f"construction {self.path} T={self.steps}"
        suffix = "" if self.threads == TUNED else f" ({self.threads} threads)"
        if self.kind == SEQ2SEQ:
            return f"seq2seq {self.model} {self.path}{suffix}"
        return f"document {self.model} {self.path}{suffix}"

    def to_dict(self) -> dict:
        return asdict(self)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_settings(threads: str, cores: int) -> tuple[int, int]:
    """(intra_op, inter_op) for TF: "tuned" = 1 thread per op and one op per core at once
    (small LSTM ops gain nothing from splitting); "default" = TF's own choice (0, 0)."""
    return (1, cores) if threads == TUNED else (0, 0)


def plan(effort: Effort, torch_installed: bool, cores: int) -> list[Job]:
    """Every job of one bench run, in the order they run."""
    shared = {"effort": asdict(effort), "cores": cores}
    jobs = [Job("ceiling", "tf1", **shared)] if effort.models else []  # for GFLOP/s only
    for model in effort.models:
        for path in PATHS.values():
            if path.world == "torch" and not torch_installed:
                continue
            jobs.append(Job("paths", path.world, path.name, model, **shared))
    if effort.thread_comparison and "002" in effort.models:
        jobs += [Job("paths", PATHS[name].world, name, "002", threads=DEFAULT, **shared)
                 for name in THREAD_COMPARISON_PATHS]
    jobs += [Job("construction", "tf1", name, "002", steps=steps, **shared)
             for steps in effort.construction_steps for name in CONSTRUCTION_PATHS]
    jobs += [Job(SEQ2SEQ, world, world, model, **shared) for model in effort.seq2seq
             for world in SEQ2SEQ_WORLDS if world != "torch" or torch_installed]
    if effort.thread_comparison:
        jobs += [Job(SEQ2SEQ, "tf1", "tf1", model, threads=DEFAULT, **shared)
                 for model in effort.seq2seq if model in SEQ2SEQ_THREAD_COMPARISON]
    return jobs
