"""The PyTorch job: the same two models as ``nn.LSTM`` + ``nn.Linear`` on the top layer's h.

Adam(0.001), cross-entropy on class ids (the same loss as 002's one-hot softmax
cross-entropy). A training step is zero_grad, forward, backward, ``optimizer.step()``;
inference is a forward pass of 1024 rows under ``torch.inference_mode()``. Threads:
``torch.set_num_threads(cores)``, PyTorch's own default on this machine, said explicitly.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.bench.jobs import INFER, INFERENCE_BATCH, MODELS, TRAIN
from tf1_lstm.bench.timing import time_blocks

WORLD = "tf2"  # a tf1_lstm.worlds task: never loads the TF1 bootstrap


def run_paths(job: dict) -> dict:
    import torch
    from torch import nn

    torch.set_num_threads(job["cores"])
    torch.manual_seed(42)
    spec, effort = MODELS[job["model"]], job["effort"]

    class DocumentModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.LSTM(spec.inputs, spec.units, num_layers=spec.layers,
                               batch_first=True)
            self.head = nn.Linear(spec.units, spec.classes)

        def forward(self, x):                       # x [B, T, I]
            _, (h_n, _) = self.rnn(x)               # h_n [layers, B, H]
            return self.head(h_n[-1])               # [B, 10]

    model = DocumentModel()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()

    def data(batch: int):
        rng = np.random.default_rng(0)
        x = rng.random((batch, spec.steps, spec.inputs), dtype=np.float32)
        return torch.from_numpy(x), torch.from_numpy(rng.integers(0, spec.classes, batch))

    def train_step() -> None:
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    def infer_step() -> None:
        with torch.inference_mode():
            model(x_infer)

    timing = {k: effort[k] for k in ("warmup_seconds", "blocks", "block_seconds")}
    x, y = data(spec.batch)
    train = time_blocks(train_step, **timing)
    x_infer, _ = data(INFERENCE_BATCH)
    infer = time_blocks(infer_step, **timing)
    return {TRAIN: {"batch": spec.batch, "seconds": train},
            INFER: {"batch": INFERENCE_BATCH, "seconds": infer},
            "notes": {"torch": torch.__version__, "threads": torch.get_num_threads()}}


def run_task(job: dict, arrays: dict) -> tuple[dict, dict]:
    """``tf1_lstm.worlds``' entry point: one bench job."""
    return run_paths(job), {}
