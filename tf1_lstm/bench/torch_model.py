"""The PyTorch job: the models as ``nn.LSTM`` / ``nn.GRU`` + ``nn.Linear`` on the top layer's h.

    002, 001, peephole   nn.LSTM(28, H, num_layers) (PyTorch has no peephole LSTM: the
                         peephole model's PyTorch row is this LSTM, labelled so)
    gru                  nn.GRU(28, 128): the reset gate after the candidate's matmul
                         (cuDNN's GRU, Keras 3's reset_after=True), not TF1 GRUCell's before it
    bidirectional        nn.LSTM(28, 128, bidirectional=True), the head on
                         [h_n forward, h_n backward] [B, 256]: TF1's [state_fw.h, state_bw.h]

Adam(0.001), cross-entropy on class ids (the same loss as 002's one-hot softmax
cross-entropy). A training step is zero_grad, forward, backward, ``optimizer.step()``;
inference is a forward pass of 1024 rows (latency: one row) under ``torch.inference_mode()``.

Threads: every count of the job's ``torch_threads`` (1, the core count, and the powers of 2
between: ``jobs.torch_thread_counts``) is timed, their blocks taking turns
(``timing.time_blocks_alternating``), and every count's blocks are returned: the report
keeps the fastest and says which it was. PyTorch's own default is the core count, whose
threads meet at a barrier inside every op: on a machine where other processes take a core,
one thread can be many times faster (BENCHMARKS.md, "A busy machine").
"""

from __future__ import annotations

from functools import partial

import numpy as np

from tf1_lstm.bench.jobs import MODELS, TRAIN, ModelSpec
from tf1_lstm.bench.timing import time_blocks_alternating

WORLD = "tf2"  # a tf1_lstm.worlds task: never loads the TF1 bootstrap


def build_model(spec: ModelSpec):
    """The model as an ``nn.Module``: x [B, T, I] -> logits [B, classes]."""
    from torch import cat, nn

    class BenchModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            recurrent = nn.GRU if spec.cell == "gru" else nn.LSTM
            self.rnn = recurrent(spec.inputs, spec.units, num_layers=spec.layers,
                                 batch_first=True, bidirectional=spec.directions == 2)
            self.head = nn.Linear(spec.units * spec.directions, spec.classes)

        def forward(self, x):                            # x [B, T, I]
            _, state = self.rnn(x)
            h_n = state[0] if isinstance(state, tuple) else state  # [layers * D, B, H]
            top = h_n[-spec.directions:]                 # the top layer's directions
            return self.head(cat(list(top), 1))          # [B, D * H] -> [B, 10]

    return BenchModel()


def run_paths(job: dict) -> dict:
    import torch
    from torch import nn

    torch.manual_seed(42)
    spec, effort = MODELS[job["model"]], job["effort"]
    model = build_model(spec)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()

    def data(batch: int):
        rng = np.random.default_rng(0)
        x = rng.random((batch, spec.steps, spec.inputs), dtype=np.float32)
        return torch.from_numpy(x), torch.from_numpy(rng.integers(0, spec.classes, batch))

    def train_step(x, y) -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def infer_step(x) -> None:
        with torch.inference_mode():
            model(x)

    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    counts = list(job["torch_threads"]) or [job["cores"]]
    result = {}
    for mode in job["modes"]:
        batch = spec.batch_of(mode)
        x, y = data(batch)
        step = partial(train_step, x, y) if mode == TRAIN else partial(infer_step, x)
        seconds = time_blocks_alternating(step, counts, torch.set_num_threads, **timing)
        result[mode] = {"batch": batch,
                        "seconds_by_threads": {str(n): s for n, s in seconds.items()}}
    return result | {"notes": {"torch": torch.__version__, "threads_tried": counts}}


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one bench job."""
    return run_paths(job), {}
