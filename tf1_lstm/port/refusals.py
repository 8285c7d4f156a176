"""Mappings a target cannot represent exactly are refused, before anything is written.

A port that is only approximately right is worse than none: it loads, runs and gives plausible
numbers. So each case below raises an ``UnportableMapping`` saying what differs (the
equations), and the nearest alternative that *is* exact.
"""

from __future__ import annotations

from tf1_lstm.port.errors import UnportableMapping
from tf1_lstm.port.tf1_rnn import Tf1Rnn

TARGETS = ("keras", "torch", "onnx")


def refuse_unportable(rnn: Tf1Rnn, target: str) -> None:
    """Raise the refusal for the first layer ``target`` cannot hold exactly; else return."""
    if rnn.backward and target == "keras":
        for k, (fw, bw) in enumerate(zip(rnn.layers, rnn.backward, strict=True)):
            if (fw.kind, fw.units, fw.projection) != (bw.kind, bw.units, bw.projection):
                raise UnportableMapping(
                    f"layer {k} of the bidirectional RNN has a {fw.cell_class}({fw.units}) "
                    f"forward and a {bw.cell_class}({bw.units}) backward: Keras 3's "
                    f"Bidirectional runs one layer's copy both ways, so both must be the same "
                    f"cell. Exact alternatives: --to torch or --to onnx, which hold each "
                    f"direction's own cell.")
    # --to torch holds every cell exactly: nn.LSTM / nn.RNN / nn.GRU where PyTorch has TF1's
    # equations, TF1's own modules elsewhere (port.torch_standalone), one module per layer,
    # so a stack may mix kinds and sizes; --to onnx too (its recurrent operators, and a Scan
    # of TF1's step where they lack a projection, a clip or layer norm: port.onnx_scan);
    # --to keras too, but for a bidirectional pair of different cells (Keras' own layers,
    # and keras_lstm_cell / keras_layer_norm elsewhere).
