"""What of a tf.contrib.cudnn_rnn layer the port reads but cannot write, refused by name.

``cudnn_view`` presents every cuDNN layer as the cells its saveable writes. Two it cannot
present as any cell the port writes: ``CudnnRNNRelu`` (no TF1 cell is a relu RNN, and read as
a BasicRNNCell it would silently be tanh), and a buffer whose converter refuses its options
(``skip_input`` / ``auto_select`` with I == H). Those stop the port when they are what it
would read.
"""

from __future__ import annotations

from tf1_lstm.port.errors import UnportableMapping
from tf1_lstm.port.stacks import CELL_VARIABLE


class CudnnNotPorted(UnportableMapping):
    """A cuDNN layer the port has no kind for (relu, skip_input)."""


def unported(layer) -> str | None:
    """Why the port cannot write ``layer`` (a ``cudnn_view.CudnnLayer``), or None."""
    where = f"{layer.scope or 'the top'} ({layer.describe()})"
    if layer.rnn_mode == "rnn_relu":
        return (f"{where} is a relu RNN, which no TF1 cell computes (BasicRNNCell is tanh) and "
                f"the port does not write; if it was CudnnRNNTanh, pass --cudnn rnn_tanh,input=I")
    return None


def refuse_cudnn(facts, shapes, scope: str | None = None) -> None:
    """CudnnNotPorted when what the port would read is a cuDNN layer it cannot write: the one
    ``scope`` (--scope) lies in or around, or with no scope, when no other cell is there.
    ``facts``: ``cudnn_view.CudnnFacts`` or None (no cuDNN layer)."""
    if facts is None:
        return
    blocked = [layer for layer in facts.layers if layer.unported]
    cells = {c for layer in blocked for c in layer.cell_scopes}
    if scope is not None:
        scope = scope.strip("/")
        blocked = [layer for layer in blocked if any(
            place == scope or place.startswith(scope + "/") or scope.startswith(place + "/")
            for place in (*layer.cell_scopes, *filter(None, [layer.scope])))]
    elif any((m := CELL_VARIABLE.match(n)) and n[: -len(m["var"]) - 1] not in cells
             for n in shapes):
        blocked = []
    if blocked:
        raise CudnnNotPorted(f"{blocked[0].unported}. Nothing was written.")
