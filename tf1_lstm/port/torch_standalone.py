"""A TF1 RNN checkpoint in plain PyTorch, written by ``tf1-lstm port --to torch``.

This file is copied beside the weights (``port.pt`` -> ``port.py``) and needs only Python and
PyTorch, not tf1-lstm or TensorFlow::

    from port import load
    model = load()                    # the .pt beside this file (or load("other.pt"))
    logits = model(x)                 # x [B, T, I] float32, batch first -> [B, classes]
    outputs, states = model.run(x)    # top layer's outputs [B, T, H]; per layer (h, c) or (h,)

One module per TF1 cell, in ``model.layers``; where PyTorch has the same equations its own
layer is used, elsewhere the TF1 equations are written out (t = each step, [a, b] = concat):

``lstm``  BasicLSTMCell / LSTMCell: ``nn.LSTM(I, H)``, TF1's gate blocks i, j, f, o reordered
    to PyTorch's i, f, g, o, and TF1's ``forget_bias`` (a constructor argument, never saved)
    added to the f block of ``bias_ih``. ``LSTMCell(num_proj=P)``: ``nn.LSTM(I, H,
    proj_size=P)``, the same equations: h = (o * tanh(c)) @ projection/kernel, [B, P].
``rnn``  BasicRNNCell: ``nn.RNN(I, H, nonlinearity="tanh")``.
``cudnn_gru``  CudnnGRU (saved as CudnnCompatibleGRUCell): ``nn.GRU(I, H)``, the same equations,
    the reset gate applied to ``W_hn h + b_hn``.
``gru``  GRUCell, ``TF1GRU``: PyTorch's ``nn.GRU`` applies the reset gate after its matmul,
    ``r * (W_hn h + b_hn)``; TF1 before it, so no ``nn.GRU`` weights compute TF1's GRU::

        r, u = split(sigmoid([x_t, h] @ gates_kernel + gates_bias))      # [B, H] each
        c    = tanh([x_t, r * h] @ candidate_kernel + candidate_bias)
        h    = u * h + (1 - u) * c

``peephole``  LSTMCell(use_peepholes=True), ``TF1LSTMCell`` (``nn.LSTM`` has no
    peepholes, and no cell clip: an LSTM or peephole LSTM with ``cell_clip`` is this module
    too); TF1's order and layout, ``forget_bias`` already in ``bias``'s f block::

        i, j, f, o = split([x_t, h] @ kernel + bias)                     # [B, H] each
        c = sigmoid(f + w_f_diag * c) * c + sigmoid(i + w_i_diag * c) * tanh(j)
        c = clip(c, -cell_clip, cell_clip)             # only with a cell_clip > 0
        h = sigmoid(o + w_o_diag * c) * tanh(c)       # c: the new memory here
        h = h @ projection_kernel                      # num_proj=P only: [B, P]

Around the cells: ``nn.Embedding(V, E)`` first when the TF1 graph looked its input up in a
table (the model then takes ids [B, T]); a bidirectional RNN has a ``backward`` module per
layer that reads the sequence reversed in time (``x.flip(1)``: TF1 reverses it the same way
when no ``sequence_length`` is given), its outputs flipped back and concatenated with the
forward ones, [B, T, H_fw + H_bw], per layer (``stack_bidirectional_dynamic_rnn``) or at the
top of two stacks (``bidirectional_dynamic_rnn`` of two MultiRNNCells).

``layer_norm_lstm``  LayerNormBasicLSTMCell, ``TF1LayerNormLSTM``: layer norm (TF1's
    ``contrib.layers.layer_norm``, epsilon 1e-12, variance over H) on each gate and on c, with
    TF1's ``input/gamma`` ... ``state/beta`` as ``input_gamma`` ... ``state_beta``::

        i, j, f, o = split([x_t, h] @ kernel, 4)                         # [B, H] each
        i, j, f, o = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)
        c = LN_state(c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j))
        h = tanh(c) * sigmoid(o)

The head, if the TF1 graph had one, is ``nn.Linear(H, classes)`` on the top layer's last
output (its final h; ``outputs[-1]`` of static_rnn), on every step's output ([B, T, classes],
a character model's), or on [fw final h, bw final h], as the TF1 graph applied it.
The ``.pt`` file holds ``{"format", "architecture", "state_dict"}`` and loads with
``torch.load(path, weights_only=True)``.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

FORMAT = "tf1-lstm port, torch, 3"
READS = (FORMAT, "tf1-lstm port, torch, 2")  # format 2: no embedding, one direction


class TF1GRU(nn.Module):
    """TF1's GRUCell over a sequence, with TF1's variables as they were saved."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        rows = input_size + hidden_size
        self.gates_kernel = nn.Parameter(torch.zeros(rows, 2 * hidden_size))  # [I + H, 2H]
        self.gates_bias = nn.Parameter(torch.zeros(2 * hidden_size))
        self.candidate_kernel = nn.Parameter(torch.zeros(rows, hidden_size))  # [I + H, H]
        self.candidate_bias = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor]]:
        h = x.new_zeros(x.shape[0], self.candidate_bias.shape[0])  # [B, H]
        outputs = []
        for x_t in x.unbind(1):  # [B, I]
            gates = torch.sigmoid(torch.cat([x_t, h], 1) @ self.gates_kernel + self.gates_bias)
            r, u = gates.chunk(2, dim=1)
            c = torch.tanh(torch.cat([x_t, r * h], 1) @ self.candidate_kernel
                           + self.candidate_bias)
            h = u * h + (1 - u) * c
            outputs.append(h)
        return torch.stack(outputs, 1), (h,)


class TF1LSTMCell(nn.Module):
    """TF1's LSTMCell (or LSTMBlockCell) over a sequence, with TF1's variables: peepholes,
    a projection and a cell clip each if the TF1 cell had them."""

    def __init__(self, input_size: int, hidden_size: int, projection: int | None = None,
                 peepholes: bool = True, cell_clip: float | None = None) -> None:
        super().__init__()
        rows = input_size + (projection or hidden_size)  # [x_t, h]: h has P columns if projected
        self.kernel = nn.Parameter(torch.zeros(rows, 4 * hidden_size))
        self.bias = nn.Parameter(torch.zeros(4 * hidden_size))  # forget_bias in the f block
        for name in ("w_i_diag", "w_f_diag", "w_o_diag"):  # [H]; without peepholes, zeros
            if peepholes:
                setattr(self, name, nn.Parameter(torch.zeros(hidden_size)))
            else:
                self.register_buffer(name, torch.zeros(hidden_size), persistent=False)
        self.projection_kernel = (nn.Parameter(torch.zeros(hidden_size, projection))
                                  if projection else None)  # [H, P]
        self.cell_clip = cell_clip  # TF1 clips c to [-cell_clip, cell_clip] when it is > 0

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        units = self.bias.shape[0] // 4
        h = x.new_zeros(x.shape[0], self.kernel.shape[0] - x.shape[2])  # [B, H or P]
        c = x.new_zeros(x.shape[0], units)  # [B, H]
        outputs = []
        for x_t in x.unbind(1):
            i, j, f, o = (torch.cat([x_t, h], 1) @ self.kernel + self.bias).chunk(4, dim=1)
            c = torch.sigmoid(f + self.w_f_diag * c) * c + \
                torch.sigmoid(i + self.w_i_diag * c) * torch.tanh(j)
            if self.cell_clip is not None and self.cell_clip > 0:
                c = c.clamp(-self.cell_clip, self.cell_clip)
            h = torch.sigmoid(o + self.w_o_diag * c) * torch.tanh(c)
            if self.projection_kernel is not None:
                h = h @ self.projection_kernel
            outputs.append(h)
        return torch.stack(outputs, 1), (h, c)


class TF1LayerNormLSTM(nn.Module):
    """TF1's LayerNormBasicLSTMCell over a sequence, with TF1's variables."""

    # TF1's layer-norm scopes, in the order TF1 creates them: the gates i, j, f, o, then c.
    NORMALISED = ("input", "transform", "forget", "output", "state")

    def __init__(self, input_size: int, hidden_size: int, layer_norm: bool = True,
                 forget_bias: float = 1.0) -> None:
        super().__init__()
        self.layer_norm = layer_norm
        self.forget_bias = float(forget_bias)
        self.kernel = nn.Parameter(torch.zeros(input_size + hidden_size, 4 * hidden_size))
        if not layer_norm:
            self.bias = nn.Parameter(torch.zeros(4 * hidden_size))  # [4H]: i, j, f, o
            return
        self.register_parameter("bias", None)  # TF1 makes no bias when it normalises
        for scope in self.NORMALISED:  # input_gamma, input_beta, ... [H] each
            setattr(self, f"{scope}_gamma", nn.Parameter(torch.ones(hidden_size)))
            setattr(self, f"{scope}_beta", nn.Parameter(torch.zeros(hidden_size)))

    def _norm(self, z: torch.Tensor, scope: str) -> torch.Tensor:
        """``contrib.layers.layer_norm(z)`` over the last axis, with ``scope``'s gamma, beta."""
        gamma, beta = getattr(self, f"{scope}_gamma"), getattr(self, f"{scope}_beta")
        epsilon = 1e-3 if z.dtype == torch.float16 else 1e-12
        mean = z.mean(-1, keepdim=True)                                   # [B, 1]
        variance = (z - mean).square().mean(-1, keepdim=True)             # [B, 1]
        inv = torch.rsqrt(variance + epsilon) * gamma                     # [B, H]
        return z * inv + (beta - mean * inv)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        units = self.kernel.shape[1] // 4
        h = x.new_zeros(x.shape[0], units)  # [B, H]
        c = x.new_zeros(x.shape[0], units)
        outputs = []
        for x_t in x.unbind(1):  # [B, I]
            z = torch.cat([x_t, h], 1) @ self.kernel  # [B, 4H]
            if self.bias is not None:
                z = z + self.bias
            i, j, f, o = z.chunk(4, dim=1)
            if self.layer_norm:
                i, j, f, o = (self._norm(gate, scope) for gate, scope in
                              zip((i, j, f, o), self.NORMALISED[:4], strict=True))
            c = c * torch.sigmoid(f + self.forget_bias) + torch.sigmoid(i) * torch.tanh(j)
            if self.layer_norm:
                c = self._norm(c, "state")
            h = torch.tanh(c) * torch.sigmoid(o)
            outputs.append(h)
        return torch.stack(outputs, 1), (h, c)


class _Single(nn.Module):
    """``nn.LSTM`` / ``nn.RNN`` of one layer, answering as the TF1 layers above do."""

    def __init__(self, layer: nn.Module) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        outputs, state = self.layer(x)  # state: (h_n, c_n) or h_n, each [1, B, H]
        if isinstance(state, tuple):
            return outputs, (state[0][0], state[1][0])
        return outputs, (state[0],)


def _layer(kind: str, input_size: int, units: int, projection: int | None,
           forget_bias: float = 1.0, cell_clip: float | None = None) -> nn.Module:
    if kind == "peephole" or (kind == "lstm" and cell_clip):  # nn.LSTM has neither
        return TF1LSTMCell(input_size, units, projection, kind == "peephole", cell_clip)
    if kind == "lstm":
        return _Single(nn.LSTM(input_size, units, batch_first=True, proj_size=projection or 0))
    if kind == "rnn":
        return _Single(nn.RNN(input_size, units, nonlinearity="tanh", batch_first=True))
    if kind == "cudnn_gru":  # CudnnGRU's equations are nn.GRU's
        return _Single(nn.GRU(input_size, units, batch_first=True))
    if kind == "gru":
        return TF1GRU(input_size, units)
    if kind == "layer_norm_lstm":
        return TF1LayerNormLSTM(input_size, units, forget_bias=forget_bias)
    raise ValueError(f"no PyTorch layer for a TF1 cell of kind {kind!r}")


class TF1Rnn(nn.Module):
    """The TF1 model: an optional embedding, the stack (one module per cell, bottom first;
    bidirectional: ``backward`` too) and its optional dense head."""

    def __init__(self, architecture: dict) -> None:
        super().__init__()
        self.architecture = architecture
        vocabulary = architecture.get("embedding")
        self.embedding = nn.Embedding(*vocabulary) if vocabulary else None  # [V, E]
        self.layers = _modules(architecture["layers"])
        backward = architecture.get("backward")
        self.backward = _modules(backward) if backward else None
        self.merge = architecture.get("merge")
        self.head_reads = architecture.get("head_reads", "last")
        # the head reads the top outputs, or [fw final h, bw final h]: as wide either way
        width = sum(_output_size(layers[-1]) for layers in (architecture["layers"], backward)
                    if layers)
        classes = architecture["classes"]
        self.head = nn.Linear(width, classes) if classes else None

    def run(self, x: torch.Tensor) -> tuple[torch.Tensor, list]:
        """The top layer's outputs [B, T, H] and each layer's final state: (h, c) or (h,);
        bidirectional: [B, T, H_fw + H_bw] and per layer a pair (fw state, bw state)."""
        if self.embedding is not None:
            x = self.embedding(x)  # ids [B, T] -> [B, T, E]
        if self.backward is None:
            states = []
            for layer in self.layers:
                x, state = layer(x)
                states.append(state)
            return x, states
        if self.merge == "per_layer":  # each layer reads [fw, bw] of the layer below
            states = []
            for forward, backward in zip(self.layers, self.backward, strict=True):
                x, pair = _both_ways([forward], [backward], x)
                states.append((pair[0][0], pair[1][0]))
            return x, states
        x, (fw_states, bw_states) = _both_ways(self.layers, self.backward, x)  # at the top
        return x, list(zip(fw_states, bw_states, strict=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        outputs, states = self.run(x)
        if self.head is None:
            return outputs
        if self.head_reads == "every_step":
            return self.head(outputs)  # [B, T, classes]
        if self.head_reads == "final_states":  # [fw final h, bw final h]
            return self.head(torch.cat([states[-1][0][0], states[-1][1][0]], 1))
        return self.head(outputs[:, -1])  # the top layer's last output: its final h one way


def _both_ways(forward: nn.ModuleList, backward: nn.ModuleList, x: torch.Tensor):
    """TF1's bidirectional RNN without sequence lengths: the backward stack reads the
    sequence reversed in time, and its outputs are reversed back to line up with x's steps."""
    fw, bw = x, x.flip(1)
    fw_states, bw_states = [], []
    for layer in forward:
        fw, state = layer(fw)
        fw_states.append(state)
    for layer in backward:
        bw, state = layer(bw)
        bw_states.append(state)
    return torch.cat([fw, bw.flip(1)], 2), (fw_states, bw_states)


def _modules(layers: list[dict]) -> nn.ModuleList:
    return nn.ModuleList(_layer(layer["kind"], layer["input_size"], layer["units"],
                                layer.get("projection"), layer.get("forget_bias", 1.0),
                                layer.get("cell_clip"))
                         for layer in layers)


def _output_size(layer: dict) -> int:
    return layer.get("projection") or layer["units"]


def load(path: str | Path | None = None) -> TF1Rnn:
    """The model saved at ``path`` (default: the ``.pt`` beside this file), in eval mode."""
    path = Path(path) if path is not None else Path(__file__).with_suffix(".pt")
    saved = torch.load(path, weights_only=True)
    if not isinstance(saved, dict) or saved.get("format") not in READS:
        raise ValueError(f"{path} is not a model written by tf1-lstm port --to torch "
                         f"(format {FORMAT!r})")
    model = TF1Rnn(saved["architecture"])
    model.load_state_dict(saved["state_dict"])
    return model.eval()
