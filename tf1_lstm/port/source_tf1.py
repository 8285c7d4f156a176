"""The proof's source: the TF1 graph rebuilt from the checkpoint's variables (TF1 world).

The port is only proven if it is compared with what TF1 itself computes from those numbers,
not with our reading of TF1's equations. So this module builds the real TF1 cells
(``BasicLSTMCell(H, forget_bias)``, ``LSTMCell(H, use_peepholes=..., forget_bias)``,
``GRUCell(H)``, ``BasicRNNCell(H)``; a ``MultiRNNCell`` when stacked) under ``dynamic_rnn``,
loads the checkpoint's arrays into their variables and runs them. A weight-tied stack
(``MultiRNNCell([cell] * n)``) is n layers holding the same arrays::

    x             [B, T, I]        batch-major, as the targets take it (ids [B, T] int32
                                   with an embedding: x = embedding_lookup(table, ids))
    outputs       [B, T, H_top]    the top layer's h at every step ([fw, bw] bidirectional)
    state_k_c/_h  [B, H_k]         layer k's final LSTMStateTuple(c, h); GRU/RNN layers: _h only
    state_k_bw_c  [B, H_k]         the same for the backward direction's layer k
    logits        [B, n_classes]   head input @ dense kernel + bias, the input being
                                   outputs[:, -1] (= the top h), every step's outputs
                                   ([B, T, n_classes]) or [fw h, bw h] (``Tf1Rnn.head_reads``)

A bidirectional RNN runs as ``stack_bidirectional_dynamic_rnn`` (layers merged per layer; one
layer is that too) or ``bidirectional_dynamic_rnn`` of two MultiRNNCells (merged at the top).

``static_rnn`` (documents 000 and 002) computes the same numbers as ``dynamic_rnn``; the
variable names differ only above the cell, and we load by the cell's own names.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.cells.kinds import layer_states, state_by_part
from tf1_lstm.compat import rnn, tf
from tf1_lstm.contrib.cudnn_rnn import CudnnCompatibleGRUCell
from tf1_lstm.models.cells import make_cell, stack_cells
from tf1_lstm.port.tf1_rnn import CELL_VARIABLE, Tf1Layer, Tf1Rnn


def run_source(model: Tf1Rnn, x: np.ndarray) -> dict[str, np.ndarray]:
    """Run the TF1 cells with the checkpoint's weights on ``x`` [B, T, I] (ids [B, T] with an
    embedding); see the module docstring. Results are named as ``result_names`` says."""
    with tf.Graph().as_default() as graph:
        if model.embedding:
            x_in = tf.placeholder(tf.int32, [None, None], name="ids")  # [B, T]
            inputs = tf.nn.embedding_lookup(model.embedding.table, x_in)  # [B, T, E]
        else:
            x_in = tf.placeholder(tf.float32, [None, None, model.input_size], name="x")
            inputs = x_in
        cells = [_tf1_cell(layer) for layer in model.layers]
        fetch = {}
        if model.backward is None:
            outputs, states = tf.nn.dynamic_rnn(stack_cells(cells), inputs, dtype=tf.float32)
            per_layer = {"": layer_states(states, stacked=len(cells) > 1), "bw_": []}
            final_h = None
        else:
            outputs, per_layer, final_h, back = _bidirectional(model, cells, inputs)
            cells += back
        fetch["outputs"] = outputs  # [B, T, H_top] (bidirectional: [fw, bw])
        for direction, layers in (("", model.layers), ("bw_", model.backward or ())):
            for k, (layer, state) in enumerate(zip(layers, per_layer[direction], strict=True)):
                for part, tensor in state_by_part(state, layer.kind).items():  # c and h, or h
                    fetch[f"state_{k}_{direction}{part}"] = tensor
        if model.dense:
            head_input = {"last": outputs[:, -1], "every_step": outputs,  # [B, H] / [B, T, H]
                          "final_states": final_h}[model.head_reads]
            fetch["logits"] = tf.tensordot(head_input, model.dense.kernel, 1) + \
                model.dense.bias  # [B, n] or [B, T, n]
        with tf.Session(graph=graph) as session:
            for cell, layer in zip(cells, model.all_layers, strict=True):
                _load_weights(cell, layer, session)
            feed = np.asarray(x, np.int32 if model.embedding else np.float32)
            return session.run(fetch, {x_in: feed})


def _bidirectional(model: Tf1Rnn, cells: list, inputs: tf.Tensor):
    """The two directions as TF1 ran them: outputs [B, T, fw + bw], each direction's states
    by layer, [fw final h, bw final h] of the top layers, and the backward cells."""
    back = [_tf1_cell(layer) for layer in model.backward]
    if model.merge == "per_layer":  # stack_bidirectional_dynamic_rnn (one layer: the same)
        outputs, states_fw, states_bw = rnn.stack_bidirectional_dynamic_rnn(
            cells, back, inputs, dtype=tf.float32)
        states_fw, states_bw = list(states_fw), list(states_bw)
    else:  # bidirectional_dynamic_rnn over two MultiRNNCells
        (out_fw, out_bw), (states_fw, states_bw) = tf.nn.bidirectional_dynamic_rnn(
            stack_cells(cells), stack_cells(back), inputs, dtype=tf.float32)
        outputs = tf.concat([out_fw, out_bw], 2)
        states_fw, states_bw = list(states_fw), list(states_bw)
    top_h = [state_by_part(states[-1], layers[-1].kind)["h"] for states, layers in
             ((states_fw, model.layers), (states_bw, model.backward))]
    return outputs, {"": states_fw, "bw_": states_bw}, tf.concat(top_h, 1), back


def _tf1_cell(layer: Tf1Layer) -> rnn.RNNCell:
    """The TF1 class that made this layer's variables (LSTMBlockFusedCell: LSTMCell, same math).

    An lstm layer without peepholes that an LSTMCell (or LSTMBlockFusedCell) wrote is rebuilt
    as an LSTMCell, not as the lstm kind's BasicLSTMCell; so is one with ``num_proj``.
    """
    if layer.projection or layer.cell_clip or (layer.kind == "lstm" and
                                               layer.cell_class != "BasicLSTMCell"):
        return rnn.LSTMCell(layer.units, use_peepholes=layer.kind == "peephole",
                            num_proj=layer.projection, forget_bias=layer.forget_bias,
                            cell_clip=layer.cell_clip)
    if layer.kind == "cudnn_gru":  # tf.contrib.cudnn_rnn's, not tf.contrib.rnn's
        return CudnnCompatibleGRUCell(layer.units)
    return make_cell(layer.kind, layer.units, layer.forget_bias)


def _load_weights(cell: rnn.RNNCell, layer: Tf1Layer, session: tf.Session) -> None:
    """Give each variable of the rebuilt cell the checkpoint's array of the same cell name."""
    for variable in cell.weights:
        name = variable.name.split(":")[0]  # rnn/multi_rnn_cell/cell_0/lstm_cell/w_f_diag
        var = CELL_VARIABLE.match(name)["var"]  # w_f_diag
        variable.load(layer.arrays[var], session)
