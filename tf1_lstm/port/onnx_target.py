"""The ONNX side of the port (TF2 world): the model as one ONNX graph, run by ONNX Runtime.

Built from the arrays alone (``onnx.helper``, no PyTorch or TensorFlow export), one recurrent
operator per TF1 layer (``onnx_layout``: LSTM with its peepholes, GRU with
``linear_before_reset=0``, RNN), batch first outside and with the batch and time dimensions
free::

    x [B, T, I] -> Transpose -> LSTM/GRU/RNN -> Squeeze -> ... -> Transpose -> outputs [B, T, H]
                   each layer's Y_h (and Y_c) -> state_K_h [B, H], state_K_c [B, H]
                   the top h -> MatMul + Add -> logits [B, n]       (when there is a head)

so ``onnxruntime.InferenceSession("port.onnx").run(["logits"], {"x": x})`` gives the logits
and the other outputs are there by name. An embedding is a ``Gather`` of ids [B, T] (int64)
first; a bidirectional layer is two operators, ``direction="forward"`` and ``"reverse"``, whose
outputs are concatenated ([fw, bw]: per layer, or at the top of two stacks); a head on every
step is the MatMul on [B, T, H]. The file is written, loaded back by ONNX Runtime and
run, so the proof runs what the user will run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import PortError
from tf1_lstm.port.onnx_layout import IR_VERSION, ONNX_OPERATOR, OPSET, needs_scan
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap

try:
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    from tf1_lstm.port.onnx_scan import scan_layer
except ImportError as error:  # the worker turns this into the error below
    raise PortError(f"--to onnx needs onnx and onnxruntime, which are not installed here "
                    f"({error}): pip install onnx==1.23.2 onnxruntime==1.31.1") from None


class _Graph:
    """The nodes and initializers of the model as they are added."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.initializers = [numpy_helper.from_array(value, name)
                             for name, value in weights.items()]
        self.nodes: list = []
        self.states: list[tuple[str, list]] = []  # (output name, shape), layer by layer

    def node(self, op: str, inputs: list[str], output: str, **attributes) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def constant(self, name: str, value: np.ndarray) -> str:
        if not any(init.name == name for init in self.initializers):
            self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def squeeze(self, tensor: str, axis: int, name: str) -> str:
        axes = self.constant(f"axes_{axis}", np.array([axis], np.int64))
        return self.node("Squeeze", [tensor, axes], name)

    def layer(self, k: int, direction: str, layer: dict, x: str) -> str:
        """One recurrent operator over x [T, B, I] (time major); its outputs [T, B, H]; a
        Scan of TF1's step where no operator computes it (``onnx_scan``)."""
        if needs_scan(layer):
            return scan_layer(self, k, direction, layer, x)
        op, units = ONNX_OPERATOR[layer["kind"]], layer["units"]
        suffix = "_bw" if direction == "reverse" else ""
        p = f"layer_{k}{suffix}/"
        inputs = [x, f"{p}W", f"{p}R", f"{p}B"]
        results = [f"{p}Y", f"{p}Y_h"] + ([f"{p}Y_c"] if op == "LSTM" else [])
        if layer["kind"] == "peephole":
            inputs += ["", "", "", f"{p}P"]  # no sequence_lens, initial_h, initial_c
        # layout 0: Y [T, 1, B, H], Y_h [1, B, H]; "reverse" reads x from its last step and
        # writes Y at the steps it read, as TF1's reversed-then-reversed-back outputs
        attributes = {"hidden_size": units, "direction": direction}
        if op == "GRU":  # TF1's GRUCell: reset before the matmul; cuDNN's after it
            attributes["linear_before_reset"] = int(layer["kind"] == "cudnn_gru")
        self.nodes.append(helper.make_node(op, inputs, results, name=f"layer_{k}{suffix}",
                                           **attributes))
        for part, result in zip("hc", results[1:], strict=False):  # [1, B, H] -> [B, H]
            name = f"state_{k}_{'bw_' if suffix else ''}{part}"
            self.states.append((self.squeeze(result, 0, name), ["batch", units]))
        return self.squeeze(f"{p}Y", 1, f"{p}outputs")  # [T, 1, B, H] -> [T, B, H]


def build_onnx_model(architecture: dict, weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The graph above, its initializers ``weights`` (``onnx_layout.onnx_weights``)."""
    layers, backward, merge = (architecture["layers"], architecture.get("backward"),
                               architecture.get("merge"))
    graph = _Graph(weights)
    if architecture.get("embedding"):  # ids [B, T] int64 -> [B, T, E]
        x_input = helper.make_tensor_value_info("x", TensorProto.INT64, ["batch", "time"])
        x = graph.node("Gather", ["embedding", "x"], "x_embedded", axis=0)
    else:
        x_input = helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                ["batch", "time", layers[0]["input_size"]])
        x = "x"
    # ONNX Runtime runs only layout=0 (time major): x [B, T, I] -> [T, B, I] once, back at the end
    x = graph.node("Transpose", [x], "x_time_major", perm=[1, 0, 2])
    if merge is None:
        for k, layer in enumerate(layers):
            x = graph.layer(k, "forward", layer, x)
    elif merge == "per_layer":  # layer k + 1 reads [fw, bw] of layer k
        for k, (fw, bw) in enumerate(zip(layers, backward, strict=True)):
            x = graph.node("Concat", [graph.layer(k, "forward", fw, x),
                                      graph.layer(k, "reverse", bw, x)], f"layer_{k}/both",
                           axis=2)
    else:  # two stacks, side by side, meeting at the top
        fw = bw = x
        for k, (fw_layer, bw_layer) in enumerate(zip(layers, backward, strict=True)):
            fw, bw = graph.layer(k, "forward", fw_layer, fw), graph.layer(k, "reverse",
                                                                           bw_layer, bw)
        x = graph.node("Concat", [fw, bw], "both", axis=2)
    width = sum(layer.get("projection") or layer["units"]
                for layer in (layers[-1], *(backward[-1:] if backward else [])))
    graph.node("Transpose", [x], "outputs", perm=[1, 0, 2])  # [B, T, H]
    outputs = [("outputs", ["batch", "time", width]), *graph.states]
    classes = architecture["classes"]
    if classes:
        head_input, shape = _head_input(graph, architecture, x)
        graph.node("MatMul", [head_input, "head/kernel"], "head/matmul")
        graph.node("Add", ["head/matmul", "head/bias"], "logits")
        outputs.insert(0, ("logits", [*shape, classes]))
    model = helper.make_model(
        helper.make_graph(graph.nodes, "tf1_lstm_port", [x_input],
                          [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
                           for name, shape in outputs], graph.initializers),
        opset_imports=[helper.make_opsetid("", OPSET)], producer_name="tf1-lstm port",
        ir_version=IR_VERSION)
    onnx.checker.check_model(model, full_check=True)
    return model


def _head_input(graph: _Graph, architecture: dict, time_major: str) -> tuple[str, list]:
    """What the head reads (``Tf1Rnn.head_reads``) and the batch/time part of its shape."""
    top = len(architecture["layers"]) - 1
    reads = architecture.get("head_reads", "last")
    if reads == "every_step":
        return "outputs", ["batch", "time"]  # MatMul broadcasts over [B, T, H]
    if reads == "final_states":
        return graph.node("Concat", [f"state_{top}_h", f"state_{top}_bw_h"], "final_states",
                          axis=1), ["batch"]
    if architecture.get("backward") is None:
        return f"state_{top}_h", ["batch"]  # the top layer's final h = its last output
    last = graph.constant("last_step", np.array(-1, np.int64))
    return graph.node("Gather", [time_major, last], "last_output", axis=0), ["batch"]


def write_and_run(architecture: dict, weights: dict[str, np.ndarray], x: np.ndarray,
                  path: Path) -> dict[str, np.ndarray]:
    """Write the ONNX file, load it with ONNX Runtime, run it on x."""
    onnx.save(build_onnx_model(architecture, weights), str(path))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    ids = architecture.get("embedding") is not None
    values = session.run(names, {"x": np.asarray(x, np.int64 if ids else np.float32)})
    return dict(zip(names, values, strict=True))


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
