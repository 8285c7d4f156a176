"""The ONNX side of the port (TF2 world): the model as one ONNX graph, run by ONNX Runtime.

Built from the arrays alone (``onnx.helper``, no PyTorch or TensorFlow export), one recurrent
operator per TF1 layer (``onnx_layout``: LSTM with its peepholes, GRU with
``linear_before_reset=0``, RNN), batch first outside and with the batch and time dimensions
free::

    x [B, T, I] -> Transpose -> LSTM/GRU/RNN -> Squeeze -> ... -> Transpose -> outputs [B, T, H]
                   each layer's Y_h (and Y_c) -> state_K_h [B, H], state_K_c [B, H]
                   the top h -> MatMul + Add -> logits [B, n]       (when there is a head)

so ``onnxruntime.InferenceSession("port.onnx").run(["logits"], {"x": x})`` gives the logits
and the other outputs are there by name. The file is written, loaded back by ONNX Runtime and
run, so the proof runs what the user will run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import PortError
from tf1_lstm.port.onnx_layout import IR_VERSION, ONNX_OPERATOR, OPSET
from tf1_lstm.port.worlds import run_target_jobs

WORLD = "tf2"  # run by tf1_lstm.worlds in a process that never loads the TF1 bootstrap

try:
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper
except ImportError as error:  # the worker turns this into the error below
    raise PortError(f"--to onnx needs onnx and onnxruntime, which are not installed here "
                    f"({error}): pip install onnx==1.23.2 onnxruntime==1.31.1") from None


def _squeeze(nodes: list, initializers: list, tensor: str, axis: int, name: str) -> str:
    axes = f"axes_{axis}"
    if not any(init.name == axes for init in initializers):
        initializers.append(numpy_helper.from_array(np.array([axis], np.int64), axes))
    nodes.append(helper.make_node("Squeeze", [tensor, axes], [name]))
    return name


def build_onnx_model(architecture: dict, weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    """The graph above, its initializers ``weights`` (``onnx_layout.onnx_weights``)."""
    layers = architecture["layers"]
    initializers = [numpy_helper.from_array(value, name) for name, value in weights.items()]
    # ONNX Runtime runs only layout=0 (time major): x [B, T, I] -> [T, B, I] once, back at the end
    nodes, states, x = [helper.make_node("Transpose", ["x"], ["x_time_major"], perm=[1, 0, 2])], \
        [], "x_time_major"
    for k, layer in enumerate(layers):
        op, units, p = ONNX_OPERATOR[layer["kind"]], layer["units"], f"layer_{k}/"
        inputs = [x, f"{p}W", f"{p}R", f"{p}B"]
        results = [f"{p}Y", f"{p}Y_h"] + ([f"{p}Y_c"] if op == "LSTM" else [])
        if layer["kind"] == "peephole":
            inputs += ["", "", "", f"{p}P"]  # no sequence_lens, initial_h, initial_c
        attributes = {"hidden_size": units}  # layout 0: Y [T, 1, B, H], Y_h [1, B, H]
        if op == "GRU":
            attributes["linear_before_reset"] = 0  # TF1's GRUCell: reset before the matmul
        nodes.append(helper.make_node(op, inputs, results, name=f"layer_{k}", **attributes))
        x = _squeeze(nodes, initializers, f"{p}Y", 1, f"{p}outputs")  # [T, 1, B, H] -> [T, B, H]
        for part, result in zip("hc", results[1:], strict=False):  # [1, B, H] -> [B, H]
            states.append((_squeeze(nodes, initializers, result, 0, f"state_{k}_{part}"),
                           ["batch", units]))
    nodes.append(helper.make_node("Transpose", [x], ["outputs"], perm=[1, 0, 2]))  # [B, T, H]
    outputs = [("outputs", ["batch", "time", layers[-1]["units"]]), *states]
    if architecture["classes"]:
        nodes += [helper.make_node("MatMul", [f"state_{len(layers) - 1}_h", "head/kernel"],
                                   ["head/matmul"]),
                  helper.make_node("Add", ["head/matmul", "head/bias"], ["logits"])]
        outputs.insert(0, ("logits", ["batch", architecture["classes"]]))
    graph = helper.make_graph(
        nodes, "tf1_lstm_port",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["batch", "time", layers[0]["input_size"]])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
         for name, shape in outputs],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="tf1-lstm port", ir_version=IR_VERSION)
    onnx.checker.check_model(model, full_check=True)
    return model


def write_and_run(architecture: dict, weights: dict[str, np.ndarray], x: np.ndarray,
                  path: Path) -> dict[str, np.ndarray]:
    """Write the ONNX file, load it with ONNX Runtime, run it on x."""
    onnx.save(build_onnx_model(architecture, weights), str(path))
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [output.name for output in session.get_outputs()]
    values = session.run(names, {"x": np.asarray(x, np.float32)})
    return dict(zip(names, values, strict=True))


def run_task(request: dict, arrays: dict[str, np.ndarray]) -> tuple[dict, dict[str, np.ndarray]]:
    """``tf1_lstm.worlds``' entry point: the port's jobs (``tf1_lstm.port.worlds``)."""
    return run_target_jobs(write_and_run, request, arrays)
