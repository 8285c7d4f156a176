"""The PyTorch side of the port (TF2 world): write the model file, load it back, run it.

What users load is ``tf1_lstm.port.torch_standalone``, copied beside the weights by the
command (``port.pt`` + ``port.py``): plain PyTorch, one module per TF1 cell (``nn.LSTM``,
``nn.RNN``, and TF1's own GRU and peephole LSTM equations where PyTorch has none). Here the
weights are loaded into it, saved as ``{"format", "architecture", "state_dict"}``, read back
with that file's ``load`` and run, so the proof runs what the user will run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import TorchMissing
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap

try:
    import torch

    from tf1_lstm.port.torch_standalone import FORMAT, TF1Rnn, load
except ImportError as error:  # the worker turns this into the error below
    raise TorchMissing(
        f"--to torch needs PyTorch, which is not installed in this environment ({error}). "
        f"Install the CPU build: pip install torch==2.13.0") from None


@torch.no_grad()
def write_and_run(architecture: dict, weights: dict[str, np.ndarray], x: np.ndarray,
                  path: Path) -> dict[str, np.ndarray]:
    """Load ``weights`` into the model, save it to ``path``, load it back, run it on x."""
    model = TF1Rnn(architecture)
    model.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    torch.save({"format": FORMAT, "architecture": architecture,
                "state_dict": model.state_dict()}, path)
    return run(load(path), x)


@torch.no_grad()
def run(model: TF1Rnn, x: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs and final states, named as the TF1 source names them."""
    ids = model.embedding is not None  # the model looks x up: ids [B, T]
    x_t = torch.from_numpy(np.asarray(x, np.int64 if ids else np.float32))
    outputs, states = model.run(x_t)
    result = {"outputs": outputs}
    for k, state in enumerate(states):
        pairs = [("", state)] if model.backward is None else [("", state[0]), ("bw_", state[1])]
        for direction, parts in pairs:  # (h, c) or (h,)
            result |= dict(zip((f"state_{k}_{direction}h", f"state_{k}_{direction}c"), parts,
                               strict=False))
    result["logits" if model.head is not None else "outputs"] = model(x_t)  # what users call
    return {name: value.numpy() for name, value in result.items()}


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
