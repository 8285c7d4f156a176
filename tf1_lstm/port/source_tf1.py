"""The proof's source: the TF1 graph rebuilt from the checkpoint's variables (TF1 world).

The port is only proven if it is compared with what TF1 itself computes from those numbers,
not with our reading of TF1's equations. So this module builds the real TF1 cells
(``BasicLSTMCell(H, forget_bias)``, ``LSTMCell(H, use_peepholes=..., forget_bias)``,
``GRUCell(H)``, ``BasicRNNCell(H)``; a ``MultiRNNCell`` when stacked) under ``dynamic_rnn``,
loads the checkpoint's arrays into their variables and runs them. A weight-tied stack
(``MultiRNNCell([cell] * n)``) is n layers holding the same arrays::

    x             [B, T, I]        batch-major, as the targets take it
    outputs       [B, T, H_top]    the top layer's h at every step
    state_k_c/_h  [B, H_k]         layer k's final LSTMStateTuple(c, h); GRU/RNN layers: _h only
    logits        [B, n_classes]   top_h @ dense kernel + bias (when there is a head)

``static_rnn`` (documents 000 and 002) computes the same numbers as ``dynamic_rnn``; the
variable names differ only above the cell, and we load by the cell's own names.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.cells.kinds import layer_states, state_by_part
from tf1_lstm.compat import rnn, tf
from tf1_lstm.models.cells import make_cell, stack_cells
from tf1_lstm.port.tf1_rnn import CELL_VARIABLE, Tf1Layer, Tf1Rnn


def run_source(model: Tf1Rnn, x: np.ndarray) -> dict[str, np.ndarray]:
    """Run the TF1 cells with the checkpoint's weights on ``x`` [B, T, I]; see the docstring."""
    with tf.Graph().as_default() as graph:
        x_in = tf.placeholder(tf.float32, [None, None, model.input_size], name="x")
        cells = [_tf1_cell(layer) for layer in model.layers]
        outputs, states = tf.nn.dynamic_rnn(stack_cells(cells), x_in, dtype=tf.float32)
        fetch = {"outputs": outputs}
        per_layer = layer_states(states, stacked=len(cells) > 1)
        for k, (layer, state) in enumerate(zip(model.layers, per_layer, strict=True)):
            for part, tensor in state_by_part(state, layer.kind).items():  # c and h, or h
                fetch[f"state_{k}_{part}"] = tensor
        if model.dense:
            top_h = fetch[f"state_{len(cells) - 1}_h"]  # states[-1][1]: [B, H]
            fetch["logits"] = tf.matmul(top_h, model.dense.kernel) + model.dense.bias
        with tf.Session(graph=graph) as session:
            for cell, layer in zip(cells, model.layers, strict=True):
                _load_weights(cell, layer, session)
            return session.run(fetch, {x_in: np.asarray(x, np.float32)})


def _tf1_cell(layer: Tf1Layer) -> rnn.RNNCell:
    """The TF1 class that made this layer's variables (LSTMBlockFusedCell: LSTMCell, same math).

    An lstm layer without peepholes that an LSTMCell (or LSTMBlockFusedCell) wrote is rebuilt
    as an LSTMCell, not as the lstm kind's BasicLSTMCell; so is one with ``num_proj``.
    """
    if layer.projection or (layer.kind == "lstm" and layer.cell_class != "BasicLSTMCell"):
        return rnn.LSTMCell(layer.units, use_peepholes=layer.kind == "peephole",
                            num_proj=layer.projection, forget_bias=layer.forget_bias)
    return make_cell(layer.kind, layer.units, layer.forget_bias)


def _load_weights(cell: rnn.RNNCell, layer: Tf1Layer, session: tf.Session) -> None:
    """Give each variable of the rebuilt cell the checkpoint's array of the same cell name."""
    for variable in cell.weights:
        name = variable.name.split(":")[0]  # rnn/multi_rnn_cell/cell_0/lstm_cell/w_f_diag
        var = CELL_VARIABLE.match(name)["var"]  # w_f_diag
        variable.load(layer.arrays[var], session)
