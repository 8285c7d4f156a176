"""TF1 LSTM steps ONNX's LSTM operator cannot compute, written out as a ``Scan`` (TF2 world).

ONNX's ``LSTM`` has no projection, no clip of the memory (its ``clip`` bounds the gates'
inputs) and no layer norm. Those layers become a ``Scan`` over the time-major input whose body
is one TF1 step in plain operators, with TF1's own arrays (``onnx_layout.needs_scan`` says
which layers, ``scan_weights`` gives their arrays)::

    z          = Concat(x_t, h) @ kernel + bias              # [B, 4H]: i, j, f, o; forget_bias
    i, j, f, o = Split(z, 4)                                 #   folded into bias (LN: no bias)
    LSTMCell:    i += w_i_diag * c;  f += w_f_diag * c       # use_peepholes
    LayerNorm:   i, j, f, o = LN_input(i), ..., LN_output(o); f += forget_bias
    c          = Sigmoid(f) * c + Sigmoid(i) * Tanh(j)
                 c = Clip(c, -cell_clip, cell_clip)          # cell_clip
                 c = LN_state(c)                             # LayerNormBasicLSTMCell
    o         += w_o_diag * c                                # use_peepholes: the new c
    h          = Sigmoid(o) * Tanh(c)
                 h = h @ projection_kernel                   # num_proj=P: [B, P]

``LN`` is ``LayerNormalization`` over the last axis with epsilon 1e-12 (TF1's
``contrib.layers.layer_norm``; both divide the variance by H). The body reads the weights from
the outer graph by name. A backward layer scans from the last step and writes each output at
the step it read (``scan_input_directions`` and ``scan_output_directions`` 1), as TF1's
reversed-and-reversed-back outputs.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper, numpy_helper

EPSILON = 1e-12  # tf.contrib.layers.layer_norm's variance_epsilon (float32)
NORMS = ("input", "transform", "forget", "output")  # LN scopes of i, j, f, o; then "state"


def scan_layer(graph, k: int, direction: str, layer: dict, x: str) -> str:
    """The Scan for layer k over ``x`` [T, B, I]; its outputs [T, B, P or H]. ``graph`` is
    ``onnx_target._Graph`` (nodes, initializers, states)."""
    p = f"layer_{k}{'_bw' if direction == 'reverse' else ''}/"
    units, width = layer["units"], layer.get("projection") or layer["units"]
    zeros_h = _zeros(graph, x, width, f"{p}h_0")  # [B, P or H]
    zeros_c = _zeros(graph, x, units, f"{p}c_0")  # [B, H]
    body = helper.make_graph(
        _step(p, layer), f"{p}step",
        [helper.make_tensor_value_info(f"{p}h_prev", TensorProto.FLOAT, ["batch", width]),
         helper.make_tensor_value_info(f"{p}c_prev", TensorProto.FLOAT, ["batch", units]),
         helper.make_tensor_value_info(f"{p}x_t", TensorProto.FLOAT, ["batch", None])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", size])
         for name, size in ((f"{p}h", width), (f"{p}c", units), (f"{p}y", width))])
    backward = int(direction == "reverse")
    state = f"state_{k}_{'bw_' if backward else ''}"
    graph.nodes.append(helper.make_node(
        "Scan", [zeros_h, zeros_c, x], [f"{state}h", f"{state}c", f"{p}outputs"],
        name=f"layer_{k}{'_bw' if backward else ''}", body=body, num_scan_inputs=1,
        scan_input_directions=[backward], scan_output_directions=[backward]))
    graph.states += [(f"{state}h", ["batch", width]), (f"{state}c", ["batch", units])]
    return f"{p}outputs"


def _zeros(graph, x: str, size: int, name: str) -> str:
    """A [B, size] zero state, B read from x [T, B, I] at run time."""
    one = graph.constant("index_1", np.array([1], np.int64))
    graph.node("Shape", [x], f"{name}/shape")
    graph.node("Gather", [f"{name}/shape", one], f"{name}/batch", axis=0)  # [1]
    width = graph.constant(f"{name}/width", np.array([size], np.int64))
    graph.node("Concat", [f"{name}/batch", width], f"{name}/dims", axis=0)
    graph.nodes.append(helper.make_node(
        "ConstantOfShape", [f"{name}/dims"], [name],
        value=numpy_helper.from_array(np.zeros([1], np.float32))))
    return name


def _step(p: str, layer: dict) -> list:
    """The body's nodes: one TF1 step (the module docstring), names under ``p``."""
    nodes = []

    def node(op: str, inputs: list[str], output: str, **attributes) -> str:
        nodes.append(helper.make_node(op, inputs, [f"{p}{output}"], **attributes))
        return f"{p}{output}"

    peepholes, layer_norm = layer["kind"] == "peephole", layer["kind"] == "layer_norm_lstm"
    z = node("MatMul", [node("Concat", [f"{p}x_t", f"{p}h_prev"], "xh", axis=1),
                        f"{p}kernel"], "z")
    if not layer_norm:
        z = node("Add", [z, f"{p}bias"], "z_biased")
    nodes.append(helper.make_node("Split", [z], [f"{p}{g}" for g in "ijfo"], axis=1,
                                  num_outputs=4))
    i, j, f, o = (f"{p}{g}" for g in "ijfo")
    if layer_norm:
        i, j, f, o = (_norm(node, gate, scope) for gate, scope in zip((i, j, f, o), NORMS,
                                                                      strict=True))
        f = node("Add", [f, f"{p}forget_bias"], "f_biased")
    if peepholes:
        i = node("Add", [i, node("Mul", [f"{p}w_i_diag", f"{p}c_prev"], "peep_i")], "i_peep")
        f = node("Add", [f, node("Mul", [f"{p}w_f_diag", f"{p}c_prev"], "peep_f")], "f_peep")
    kept = node("Mul", [node("Sigmoid", [f], "f_gate"), f"{p}c_prev"], "kept")
    new = node("Mul", [node("Sigmoid", [i], "i_gate"), node("Tanh", [j], "j_tanh")], "new")
    c = node("Add", [kept, new], "c_sum")
    if layer.get("cell_clip"):
        c = node("Clip", [c, f"{p}clip_min", f"{p}clip_max"], "c_clipped")
    if layer_norm:
        c = _norm(node, c, "state")
    c = node("Identity", [c], "c")
    if peepholes:
        o = node("Add", [o, node("Mul", [f"{p}w_o_diag", c], "peep_o")], "o_peep")
    h = node("Mul", [node("Sigmoid", [o], "o_gate"), node("Tanh", [c], "c_tanh")], "h_cell")
    if layer.get("projection"):
        h = node("MatMul", [h, f"{p}projection_kernel"], "h_projected")
    node("Identity", [h], "h")
    node("Identity", [h], "y")
    return nodes


def _norm(node, tensor: str, scope: str) -> str:
    prefix = tensor.rsplit("/", 1)[0] + "/"
    return node("LayerNormalization", [tensor, f"{prefix}{scope}_gamma",
                                       f"{prefix}{scope}_beta"], f"{scope}_normed",
                axis=-1, epsilon=EPSILON)
