"""What ``tf1-lstm bench`` measures, as data: the models, the paths, the seq2seq models, the jobs.

Imports no framework: the command plans the jobs here, and each job runs in a fresh process
(a ``tf1_lstm.worlds`` task) in its own world (TF1 graph mode, Keras 3, or PyTorch).

The models: documents 002 (1 x LSTM(128), batch 128) and 001 (3 x LSTM(150), batch 150), and
at document 002's sizes the cells the issue names beside them: LSTMCell with peepholes, GRUCell,
and a bidirectional LSTM. Each model lists the paths timed on it (``ModelSpec.paths``), its
TF1 built-in that "vs static" divides by (``baseline``) and its PyTorch row (``reference``).

FLOPs are those of the recurrent matmuls, which dominate: per layer, direction and forward
pass 2 * B * T * (I + H) * G * H, the [B, I + H] @ [I + H, G * H] products of every step, with
G = 4 gate blocks for an LSTM (i, j, f, o; the peepholes' elementwise terms not counted) and
G = 3 for a GRU (r and u in one matmul, the candidate in another); a bidirectional layer counts
both directions. A training step is counted as 3 forward passes (the backward pass has two
matmuls per forward one).

Modes: a training step at the model's batch, inference at batch 1024 (throughput), and, for
the models in ``Effort.latency``, inference of one sequence (batch 1: latency). Thread
settings of the TF1 rows: ``TUNED``, TF's ``DEFAULT``, and ``ONE_CORE`` (the worker pinned to
one core, one thread per pool). PyTorch is timed with every count of ``torch_thread_counts``
and its row keeps the fastest (the report says which).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, replace

TRAIN, INFER, LATENCY = "train", "infer", "latency"
INFERENCE_BATCH = 1024
LATENCY_BATCH = 1      # one sequence: the time to answer one request
TUNED, DEFAULT, ONE_CORE = "tuned", "default", "one_core"  # TF threads: thread_settings()


@dataclass(frozen=True)
class Path:
    name: str
    world: str       # "tf1", "keras", "torch": which kind of process runs it
    label: str       # what the table calls it


PATHS = {p.name: p for p in (
    # documents 002 and 001
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
    # LSTMCell(use_peepholes=True): Keras 3 and PyTorch have no peephole LSTM
    Path("peephole_static", "tf1", "static_rnn + LSTMCell(use_peepholes=True)"),
    Path("peephole_fast", "tf1", "fast path (FastPeepholeLSTMCell)"),
    Path("pytorch_no_peepholes", "torch", "PyTorch nn.LSTM, no peepholes"),
    # GRUCell
    Path("gru_static", "tf1", "static_rnn + GRUCell"),
    Path("gru_fast", "tf1", "fast path (FastGRUCell)"),
    Path("gru_block", "tf1", "GRUBlockCell (static_rnn)"),
    Path("keras3_gru", "keras", "Keras 3 GRU(reset_after=False)"),
    Path("pytorch_gru", "torch", "PyTorch nn.GRU"),
    # two BasicLSTMCells, one a direction
    Path("bidi_dynamic", "tf1", "bidirectional_dynamic_rnn + BasicLSTMCell"),
    Path("bidi_fast", "tf1", "fast bidirectional_dynamic_rnn (FastLSTMCell)"),
    Path("keras3_bidi", "keras", "Keras 3 Bidirectional(LSTM)"),
    Path("pytorch_bidi", "torch", "PyTorch nn.LSTM(bidirectional=True)"),
)}
DOCUMENT_PATHS = ("static_rnn", "dynamic_rnn", "hand", "hand_projected", "fast", "fast_1shard",
                  "block_cell", "block_fused", "keras3", "pytorch")
BASELINE, REFERENCE = "static_rnn", "pytorch"   # documents 002's and 001's
CONSTRUCTION_PATHS = ("static_rnn", "dynamic_rnn", "fast")
THREAD_COMPARISON_PATHS = ("static_rnn", "dynamic_rnn", "fast", "keras3")
ONE_CORE_MODELS, ONE_CORE_PATHS = ("002", "001"), ("static_rnn", "fast")


@dataclass(frozen=True)
class ModelSpec:
    """One model: a recurrent stack over image rows, then a dense layer to 10 classes.

    ``graph`` is the TF1 graph around the cells (``tf1_graphs.build``): "static_rnn_mnist"
    (document 002's: ``out_weights``/``out_bias`` on the last output, softmax cross-entropy
    on one-hot labels), "stacked_lstm_mnist" (document 001's: ``tf.layers.dense`` on the top
    layer's h, sparse cross-entropy on class ids) or "bidirectional" (002's head on both
    directions' last outputs). ``cell`` is what Keras 3 and PyTorch build: "lstm",
    "peephole" (PyTorch: an LSTM without peepholes) or "gru".
    """

    name: str        # "002", "001", "peephole", "gru", "bidirectional"
    title: str
    layers: int
    units: int       # H
    steps: int       # T
    inputs: int      # I
    batch: int       # the training batch
    unroller: str    # how the TF1 built-in unrolls it: "static" (static_rnn) or "dynamic"
    graph: str = "static_rnn_mnist"
    paths: tuple[str, ...] = DOCUMENT_PATHS
    baseline: str = BASELINE      # the TF1 built-in: "vs static" divides by this row
    reference: str = REFERENCE    # the PyTorch row: "vs PyTorch" divides by it
    cell: str = "lstm"
    directions: int = 1
    classes: int = 10

    @property
    def short(self) -> str:
        """'document 002', or the model's name ('gru')."""
        return f"document {self.name}" if self.name.isdigit() else self.name

    @property
    def sparse_labels(self) -> bool:
        """Class ids (001's sparse cross-entropy) rather than one-hot rows (002's)."""
        return self.graph == "stacked_lstm_mnist"

    @property
    def gate_blocks(self) -> int:
        return 3 if self.cell == "gru" else 4

    def batch_of(self, mode: str) -> int:
        return {TRAIN: self.batch, INFER: INFERENCE_BATCH, LATENCY: LATENCY_BATCH}[mode]

    def flops(self, batch: int, mode: str) -> float:
        """Recurrent matmul FLOPs of one step (see the module docstring)."""
        forward, depth = 0.0, self.inputs
        for _ in range(self.layers):
            forward += (2.0 * batch * self.steps * (depth + self.units) * self.gate_blocks
                        * self.units * self.directions)
            depth = self.units * self.directions
        return forward * (3 if mode == TRAIN else 1)


SIZES_002 = {"layers": 1, "units": 128, "steps": 28, "inputs": 28, "batch": 128}
MODELS = {m.name: m for m in (
    ModelSpec("002", "document 002: 1 x LSTM(128) over static_rnn", **SIZES_002,
              unroller="static"),
    ModelSpec("001", "document 001: 3 x LSTM(150) in a MultiRNNCell over dynamic_rnn",
              3, 150, 28, 28, 150, "dynamic", graph="stacked_lstm_mnist"),
    ModelSpec("peephole", "peephole: 1 x LSTMCell(128, use_peepholes=True) over static_rnn, "
              "document 002's sizes and head", **SIZES_002, unroller="static",
              paths=("peephole_static", "peephole_fast", "pytorch_no_peepholes"),
              baseline="peephole_static", reference="pytorch_no_peepholes", cell="peephole"),
    ModelSpec("gru", "gru: 1 x GRUCell(128) over static_rnn, document 002's sizes and head",
              **SIZES_002, unroller="static",
              paths=("gru_static", "gru_fast", "gru_block", "keras3_gru", "pytorch_gru"),
              baseline="gru_static", reference="pytorch_gru", cell="gru"),
    ModelSpec("bidirectional", "bidirectional: BasicLSTMCell(128) forward and backward, "
              "document 002's sizes, the head on both last outputs [B, 256]", **SIZES_002,
              unroller="dynamic", graph="bidirectional",
              paths=("bidi_dynamic", "bidi_fast", "keras3_bidi", "pytorch_bidi"),
              baseline="bidi_dynamic", reference="pytorch_bidi", directions=2),
)}


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
    ``block_seconds`` each (the step count per block is fixed from the warm-up's pace); and
    which rows a run has besides every path of every model in ``models``."""

    warmup_seconds: float
    blocks: int
    block_seconds: float
    construction_steps: tuple[int, ...]
    models: tuple[str, ...]
    thread_comparison: bool
    seq2seq: tuple[str, ...] = ()   # SEQ2SEQ_MODELS to time
    latency: tuple[str, ...] = ()   # models also timed at batch 1 (inference of one sequence)
    one_core: bool = False          # ONE_CORE_PATHS on ONE_CORE_MODELS pinned to one core


FULL = Effort(1.0, 7, 0.4, (28, 100, 500), tuple(MODELS), True, ("legacy", "attention"),
              latency=("002", "001"), one_core=True)
# --quick keeps the contrib decoders, not legacy_seq2seq's training step: its static graph
# (S + T unrolled attention steps and their gradients) is the seq2seq job slowest to build
# and start, as 001 and T = 500 are the documents' (which --quick leaves out too). Of the
# rest it keeps what document 002 measures cheaply: its latency and its one-core rows.
QUICK = Effort(0.3, 3, 0.15, (28, 100), ("002",), False, ("attention",), latency=("002",),
               one_core=True)


def seq2seq_only(effort: Effort) -> Effort:
    """``effort``'s timings for the seq2seq rows alone (``tf1-lstm bench --seq2seq-only``)."""
    return replace(effort, construction_steps=(), models=())


@dataclass
class Job:
    """One process's work; ``kind`` is "ceiling", "paths" (``modes`` of one path on one
    model), "construction" or "seq2seq" (``model`` one of SEQ2SEQ_MODELS, its tasks;
    ``path`` the world's name). ``torch_threads``: the thread counts a PyTorch job tries."""

    kind: str
    world: str
    path: str = ""
    model: str = ""
    threads: str = TUNED
    steps: int = 0                                   # construction: T
    effort: dict = field(default_factory=dict)
    cores: int = 1
    modes: tuple[str, ...] = (TRAIN, INFER)
    torch_threads: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.kind == "ceiling":
            return "matmul ceiling"
        if self.kind == "construction":
            return f"construction {self.path} T={self.steps}"
        suffix = {TUNED: "", ONE_CORE: " (1 core)"}.get(self.threads,
                                                       f" ({self.threads} threads)")
        if self.kind == SEQ2SEQ:
            return f"seq2seq {self.model} {self.path}{suffix}"
        return f"{MODELS[self.model].short}: {PATHS[self.path].label}{suffix}"

    def to_dict(self) -> dict:
        return asdict(self)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def thread_settings(threads: str, cores: int) -> tuple[int, int]:
    """(intra_op, inter_op) for TF: "tuned" = 1 thread per op and one op per core at once
    (small LSTM ops gain nothing from splitting); "default" = TF's own choice (0, 0);
    "one_core" = one of each (the process is pinned to one core)."""
    return {TUNED: (1, cores), DEFAULT: (0, 0), ONE_CORE: (1, 1)}[threads]


def torch_thread_counts(cores: int) -> tuple[int, ...]:
    """The thread counts a PyTorch job tries: 1, the core count, and the powers of 2 between."""
    counts = {1, cores} | {2 ** k for k in range(cores.bit_length()) if 2 ** k < cores}
    return tuple(sorted(counts))


def plan(effort: Effort, torch_installed: bool, cores: int) -> list[Job]:
    """Every job of one bench run, in the order they run."""
    shared = {"effort": asdict(effort), "cores": cores}
    jobs = [Job("ceiling", "tf1", **shared)] if effort.models else []  # for GFLOP/s only
    for model in effort.models:
        modes = (TRAIN, INFER, LATENCY) if model in effort.latency else (TRAIN, INFER)
        for name in MODELS[model].paths:
            world = PATHS[name].world
            if world == "torch" and not torch_installed:
                continue
            threads = torch_thread_counts(cores) if world == "torch" else ()
            jobs.append(Job("paths", world, name, model, modes=modes, torch_threads=threads,
                            **shared))
    if effort.thread_comparison and "002" in effort.models:
        jobs += [Job("paths", PATHS[name].world, name, "002", threads=DEFAULT, **shared)
                 for name in THREAD_COMPARISON_PATHS]
    if effort.one_core:
        jobs += [Job("paths", "tf1", name, model, threads=ONE_CORE, **shared)
                 for model in ONE_CORE_MODELS if model in effort.models
                 for name in ONE_CORE_PATHS]
    jobs += [Job("construction", "tf1", name, "002", steps=steps, **shared)
             for steps in effort.construction_steps for name in CONSTRUCTION_PATHS]
    jobs += [Job(SEQ2SEQ, world, world, model, **shared) for model in effort.seq2seq
             for world in SEQ2SEQ_WORLDS if world != "torch" or torch_installed]
    if effort.thread_comparison:
        jobs += [Job(SEQ2SEQ, "tf1", "tf1", model, threads=DEFAULT, **shared)
                 for model in effort.seq2seq if model in SEQ2SEQ_THREAD_COMPARISON]
    return jobs
