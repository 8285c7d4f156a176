"""The PyTorch side of the port (TF2 world): ``PortedRnn``, its state_dict file, and a run.

    model = PortedRnn("lstm", input_size=28, hidden_size=150, num_layers=3, classes=10)
    model.load_state_dict(torch.load("port.pt", weights_only=True))
    logits = model(x)                 # x [B, T, I] float32 (batch first) -> [B, 10]

``model.rnn`` is a plain ``nn.LSTM`` (or ``nn.RNN(nonlinearity="tanh")`` for BasicRNNCell) with
``batch_first=True`` (PyTorch's default is time-major [T, B, I]); ``model.head`` an
``nn.Linear`` applied to the top layer's last h, or None when the TF1 graph had no head.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import TorchMissing
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap

try:
    import torch
    from torch import nn
except ImportError as error:  # the worker turns this into the error below
    raise TorchMissing(
        f"--to torch needs PyTorch, which is not installed in this environment ({error}). "
        f"Install the CPU build: pip install torch==2.13.0") from None


class PortedRnn(nn.Module):
    """nn.LSTM / nn.RNN over [B, T, I], then nn.Linear on the top layer's final h."""

    def __init__(self, kind: str, input_size: int, hidden_size: int, num_layers: int,
                 classes: int | None = None) -> None:
        super().__init__()
        if kind == "lstm":
            self.rnn = nn.LSTM(input_size, hidden_size, num_layers=num_layers, batch_first=True)
        elif kind == "rnn":
            self.rnn = nn.RNN(input_size, hidden_size, num_layers=num_layers,
                              nonlinearity="tanh", batch_first=True)
        else:
            raise ValueError(f"PortedRnn holds nn.LSTM or nn.RNN layers, not {kind!r}")
        self.head = nn.Linear(hidden_size, classes) if classes else None

    @classmethod
    def from_architecture(cls, architecture: dict) -> PortedRnn:
        layers = architecture["layers"]
        return cls(layers[0]["kind"], layers[0]["input_size"], layers[0]["units"], len(layers),
                   architecture["classes"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, state = self.rnn(x)  # [B, T, H]; LSTM (h_n, c_n), RNN h_n: [layers, B, H]
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(h_n[-1]) if self.head is not None else outputs


@torch.no_grad()
def write_and_run(architecture: dict, weights: dict[str, np.ndarray], x: np.ndarray,
                  path: Path) -> dict[str, np.ndarray]:
    """Load ``weights`` into a PortedRnn, save its state_dict to ``path``, reload, run on x."""
    model = PortedRnn.from_architecture(architecture)
    model.load_state_dict({key: torch.from_numpy(value) for key, value in weights.items()})
    torch.save(model.state_dict(), path)
    loaded = PortedRnn.from_architecture(architecture).eval()
    loaded.load_state_dict(torch.load(path, weights_only=True))
    return run(loaded, architecture, x)


@torch.no_grad()
def run(model: PortedRnn, architecture: dict, x: np.ndarray) -> dict[str, np.ndarray]:
    """Outputs and final states, named as the TF1 source names them."""
    x_t = torch.from_numpy(np.asarray(x, np.float32))
    outputs, state = model.rnn(x_t)
    result = {"outputs": outputs}
    h_n, c_n = state if isinstance(state, tuple) else (state, None)  # [layers, B, H]
    for k in range(len(architecture["layers"])):
        result[f"state_{k}_h"] = h_n[k]
        if c_n is not None:
            result[f"state_{k}_c"] = c_n[k]
    result["logits" if architecture["classes"] else "outputs"] = model(x_t)  # what users call
    return {name: value.numpy() for name, value in result.items()}


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
