"""Mappings a target cannot represent exactly are refused, before anything is written.

A port that is only approximately right is worse than none: it loads, runs and gives plausible
numbers. So each case below raises an ``UnportableMapping`` saying what differs (the
equations), and the nearest alternative that *is* exact.
"""

from __future__ import annotations

from tf1_lstm.cells.kinds import cell_kind
from tf1_lstm.port.errors import (
    GruResetPlacement,
    PeepholesUnsupported,
    ProjectionUnsupported,
    StackNotUniform,
)
from tf1_lstm.port.tf1_rnn import Tf1Rnn

TARGETS = ("keras", "torch")


def refuse_unportable(rnn: Tf1Rnn, target: str) -> None:
    """Raise the refusal for the first layer ``target`` cannot hold exactly; else return."""
    for layer in rnn.layers:
        if layer.projection:
            raise ProjectionUnsupported(
                f"{layer.scope} is an LSTMCell(num_proj={layer.projection}): its output is "
                f"projected, h = (o * tanh(c)) @ projection/kernel [{layer.units}, "
                f"{layer.projection}]. Keras 3's LSTM has no projection and this converter "
                f"does not write one. Nearest exact alternative: PyTorch's "
                f"nn.LSTM(proj_size={layer.projection}) has the same equations (weight_hr = "
                f"projection/kernel transposed), but you would have to map it by hand.")
    if target != "torch":
        return
    for layer in rnn.layers:
        if layer.kind == "gru":
            raise GruResetPlacement(
                f"{layer.scope} is a TF1 GRUCell, which applies the reset gate r to the "
                f"previous state BEFORE the candidate's matmul: c = tanh([x, r * h] @ W_c + "
                f"b_c). PyTorch's nn.GRU applies it AFTER: n = tanh(W_in x + b_in + r * (W_hn h "
                f"+ b_hn)). r * (W h) differs from W (r * h) for any W that is not diagonal, "
                f"so no nn.GRU weights compute the TF1 GRU. Nearest exact alternative: --to "
                f"keras, whose keras.layers.GRU(reset_after=False) has TF1's equations (or, in "
                f"PyTorch, a custom cell computing them: see MIGRATION.md).")
        if cell_kind(layer.kind).peepholes:
            raise PeepholesUnsupported(
                f"{layer.scope} is an LSTMCell(use_peepholes=True): w_i_diag, w_f_diag and "
                f"w_o_diag [{layer.units}] feed the memory c into the input, forget and output "
                f"gates (i = sigmoid(z_i + w_i_diag * c_prev), ...). PyTorch's nn.LSTM has no "
                f"peephole weights, and dropping them changes every output. Nearest exact "
                f"alternative: --to keras, which writes the peephole cell "
                f"tf1_lstm.port.keras_peephole.PeepholeLSTMCell inside keras.layers.RNN.")
    kinds = {layer.kind for layer in rnn.layers}
    units = {layer.units for layer in rnn.layers}
    if len(kinds) > 1 or len(units) > 1:
        layers = ", ".join(f"{layer.cell_class}({layer.units})" for layer in rnn.layers)
        raise StackNotUniform(
            f"the stack is {layers}, but nn.LSTM(num_layers=N) / nn.RNN(num_layers=N) need one "
            f"cell type and one hidden size in all N layers. Nearest exact alternative: --to "
            f"keras (one Keras layer per TF1 cell, each its own size and type).")
