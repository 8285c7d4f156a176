"""The sizes of a cuDNN layer whose buffer was saved alone: --cudnn, the .meta graph, its length.

A ``CudnnLSTM`` / ``CudnnGRU`` / ``CudnnRNNTanh`` / ``CudnnRNNRelu`` keeps its weights in one 1-D
buffer, ``opaque_kernel`` (TF 1.0 - 1.3: a variable the script named). Its length is all it
tells; to cut it into the cells' weights (``params_format``) the port needs the rnn_mode,
num_layers L, num_units H, input_size I and direction (D = 1 or 2). They come from, in turn:

1. ``--cudnn lstm,layers=2,units=128,input=28[,bidirectional][,buffer=NAME]``
   (``parse_cudnn_sizes``); layers and units may be left out;
2. the cuDNN ops of the ``.meta`` graph beside the checkpoint (``graph_sizes``), tied to the
   buffer through the data flow::

       CudnnRNN / V2 / V3(input [T, B, I], input_h [L*D, B, H], input_c, params)   attrs
       CudnnRNNParamsSize(num_layers, num_units, input_size) -> the buffer's length  rnn_mode,
       CudnnRNNParamsToCanonical[V2](num_layers, num_units, input_size, params)      direction,
       CudnnRNNCanonicalToParams[V2](num_layers, num_units, input_size, ...) -> init input_mode

   (a graph from tf1-lstm's CPU layers has none of these ops: its sizes are not read there);
3. the length, when the mode, direction and I are known and exactly one (L, H) fits
   (``solve_sizes``). cuDNN's canonical layout has, per direction, G gates of W [H, in] and
   R [H, H] and 2G biases [H] per layer, in = I on layer 0 and D*H above::

       N = D * G * H * [(I + H + 2) + (L - 1) * (D * H + H + 2)]     G = 4 LSTM, 3 GRU, 1 RNN

TF 1.x's own ``import_meta_graph`` fails on the graph of a cuDNN layer ("The name
'cudnn_lstm/opaque_kernel_saveable' refers to an Operation not in the graph", TensorFlow issue
#23898): the saveable is listed in the ``saveable_objects`` collection by a name no op has. The
graph is read here without that collection. Imports no TensorFlow until a graph is read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tf1_lstm.port.errors import BadPortOption, PortError

MODES = {"lstm": ("CudnnLSTM", "cudnn_compatible_lstm_cell", "LSTM", 4),
         "gru": ("CudnnGRU", "cudnn_compatible_gru_cell", "GRU", 3),
         "rnn_tanh": ("CudnnRNNTanh", "basic_rnn_cell", "Tanh", 1),
         "rnn_relu": ("CudnnRNNRelu", "basic_rnn_cell", "Relu", 1)}  # class, cell, converter, G
UNI, BI = "unidirectional", "bidirectional"
OPTION = "--cudnn MODE,layers=L,units=H,input=I[,bidirectional]"
_SIZE_OPS = ("CudnnRNNParamsSize", "CudnnRNNParamsToCanonical", "CudnnRNNParamsToCanonicalV2",
             "CudnnRNNCanonicalToParams", "CudnnRNNCanonicalToParamsV2")
_RUN_OPS = ("CudnnRNN", "CudnnRNNV2", "CudnnRNNV3")


class BadCudnnOption(BadPortOption):
    """The --cudnn text cannot be read, or names no buffer of the checkpoint."""


class CudnnSizesUnknown(PortError):
    """A buffer saved alone, and nothing says its sizes."""


class CudnnSizesMismatch(PortError):
    """The sizes given or read do not fit the buffer's length."""


@dataclass(frozen=True)
class CudnnSizes:
    """What a cuDNN layer was built with. None: solved from the buffer's length."""

    rnn_mode: str  # "lstm" | "gru" | "rnn_tanh" | "rnn_relu"
    input_size: int  # I
    num_layers: int | None = None  # L
    num_units: int | None = None  # H
    direction: str = UNI
    buffer: str | None = None  # the buffer's variable name, when there are several
    input_mode: str = "linear_input"  # only the graph shows it (TF 1.0-1.2: 'auto_select')
    source: str = "--cudnn"  # where they were read, for the report


def parse_cudnn_sizes(text: str) -> CudnnSizes:
    """``lstm,layers=2,units=128,input=28[,bidirectional][,buffer=NAME]`` -> CudnnSizes."""
    def bad(problem: str) -> BadCudnnOption:
        return BadCudnnOption(f"--cudnn {text!r}: {problem}; expected {OPTION}[,buffer=NAME] "
                              f"with MODE one of {', '.join(MODES)}, e.g. --cudnn "
                              f"lstm,layers=2,units=128,input=28")
    mode, *items = [item.strip() for item in text.split(",")]
    if mode not in MODES:
        raise bad(f"{mode!r} is not a cuDNN rnn_mode")
    values: dict[str, object] = {"direction": UNI}
    keys = {"layers": "num_layers", "units": "num_units", "input": "input_size"}
    for item in items:
        key, equals, value = (part.strip() for part in item.partition("="))
        if not equals and key in (UNI, BI):
            values["direction"] = key
        elif equals and key == "buffer" and value:
            values["buffer"] = value
        elif equals and key in keys:
            if not value.isdigit() or int(value) < 1:
                raise bad(f"{key}={value} is not a positive whole number")
            values[keys[key]] = int(value)
        else:
            raise bad(f"{item!r} is not one of layers=, units=, input=, buffer=, bidirectional")
    if "input_size" not in values:
        raise bad("input=I is missing (the input size is not in the buffer)")
    return CudnnSizes(rnn_mode=mode, **values)


def describe(sizes: CudnnSizes) -> str:
    """'CudnnLSTM (2 layer(s) of 128 units, input 28, unidirectional)'."""
    return (f"{MODES[sizes.rnn_mode][0]} ({sizes.num_layers} layer(s) of {sizes.num_units} "
            f"units, input {sizes.input_size}, {sizes.direction})")


def solve_sizes(length: int, sizes: CudnnSizes) -> list[tuple[int, int]]:
    """Every (L, H) whose buffer has ``length`` numbers, for the mode, direction and I given
    (and L or H, if given), by the formula of the module docstring."""
    g, d, i = MODES[sizes.rnn_mode][3], 2 if sizes.direction == BI else 1, sizes.input_size
    found, h = [], 1
    while d * g * h * (i + h + 2) <= length:
        first, above = d * g * h * (i + h + 2), d * g * h * (d * h + h + 2)
        more, left = divmod(length - first, above)
        if not left and sizes.num_units in (None, h) and sizes.num_layers in (None, more + 1):
            found.append((more + 1, h))
        h += 1
    return found


def fit_sizes(name: str, length: int, sizes: CudnnSizes) -> CudnnSizes:
    """``sizes`` completed from the buffer's length; CudnnSizesMismatch if no (L, H) fits,
    CudnnSizesUnknown if several do."""
    fits = solve_sizes(length, sizes)
    if not fits:
        given = "".join([f", {sizes.num_layers} layers" if sizes.num_layers else "",
                         f", {sizes.num_units} units" if sizes.num_units else ""])
        raise CudnnSizesMismatch(
            f"{name} [{length}]: no {MODES[sizes.rnn_mode][0]} ({sizes.direction}, input "
            f"{sizes.input_size}{given}) has that many parameters (sizes {sizes.source}); give "
            f"the mode, input size and direction it was built with: {OPTION}. (A GPU's cuDNN "
            f"may pad its buffer, TF 1.15's testOpaqueParamsSize allows it; such a buffer "
            f"cannot be cut here: save the canonical weights with TF's default Saver)")
    if len(fits) > 1:
        listing = ", ".join(f"layers={layers},units={units}" for layers, units in fits[:4])
        raise CudnnSizesUnknown(
            f"{name} [{length}]: {len(fits)} sizes fit its length ({listing}"
            f"{', ...' if len(fits) > 4 else ''}); say which with --cudnn "
            f"{sizes.rnn_mode},layers=L,units=H,input={sizes.input_size}")
    (layers, units), = fits
    if (layers, units) == (sizes.num_layers, sizes.num_units):
        return sizes
    return replace(sizes, num_layers=layers, num_units=units,
                   source=f"{sizes.source}; layers and units solved from its length")


# ---- the .meta graph ------------------------------------------------------------------------

def graph_sizes(prefix: Path) -> dict[str, CudnnSizes] | str:
    """Buffer variable -> its sizes, from the cuDNN ops of PREFIX.meta; else why not."""
    meta = Path(f"{prefix}.meta")
    if not meta.is_file():
        return f"no {meta.name} beside the checkpoint to read them from"
    from tf1_lstm.compat import tf
    from tf1_lstm.fast.fused import load_for as load_fused_step_for

    graph = tf.Graph()
    try:
        with graph.as_default():  # without the unimportable saveable_objects (see above)
            load_fused_step_for(meta)  # a graph the fast path built holds its fused op
            tf.train.import_meta_graph(str(meta), clear_devices=True,
                                       restore_collections_predicate=lambda key:
                                       key != tf.GraphKeys.SAVEABLE_OBJECTS)
    except Exception as error:  # noqa: BLE001 - an op TF 2.21 lacks, a damaged file, ...
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"{meta.name} cannot be imported into TensorFlow 2.21: {first}"
    known: dict[str, dict[str, tuple[object, str]]] = {}
    for op in graph.get_operations():
        if op.type not in _SIZE_OPS + _RUN_OPS:
            continue
        variable, found = _op_sizes(op)
        for key, value in found.items():
            if variable is None or value is None:
                continue
            seen = known.setdefault(variable, {}).setdefault(key, (value, op.name))
            if seen[0] != value:
                return (f"{meta.name}'s cuDNN ops disagree on {variable}'s {key}: {seen[0]} "
                        f"({seen[1]}) and {value} ({op.name})")
    sizes = {}
    for variable, found in known.items():
        values = {key: value for key, (value, _) in found.items()}
        if {"rnn_mode", "input_size", "num_layers", "num_units"} <= set(values):
            ops = ", ".join(sorted({where for _, where in found.values()}))
            sizes[variable] = CudnnSizes(**values, buffer=variable,
                                         source=f"read from {meta.name}: {ops}")
    return sizes or f"{meta.name} has no cuDNN op that shows the sizes of a buffer"


def _op_sizes(op) -> tuple[str | None, dict[str, object]]:
    """(the buffer variable the op reads or initializes, the sizes it shows)."""
    from tf1_lstm.compat import tf

    found = {key: op.get_attr(key).decode() for key in ("rnn_mode", "direction", "input_mode")}
    dirs = 2 if found["direction"] == BI else 1
    if op.type in _RUN_OPS:  # input [T, B, I] (or [B, T, I]), input_h [L*D, B, H] ([B, L*D, H])
        x, h = (t.shape.as_list() if t.shape.rank == 3 else [None] * 3 for t in op.inputs[:2])
        batch_major = op.type == "CudnnRNNV3" and not op.get_attr("time_major")
        stacked = h[1] if batch_major else h[0]
        found |= {"input_size": x[-1], "num_units": h[-1],
                  "num_layers": stacked // dirs if stacked else None}
        return _variable_above(op.inputs[3]), found
    for k, key in enumerate(("num_layers", "num_units", "input_size")):
        value = tf.get_static_value(op.inputs[k])
        found[key] = int(value) if value is not None and np.size(value) == 1 else None
    reads = op.type.startswith("CudnnRNNParamsToCanonical")
    return (_variable_above(op.inputs[3]) if reads else _variable_below(op)), found


def _variable_above(tensor) -> str | None:
    """The variable a tensor reads, through Identity / ReadVariableOp / Enter / ..."""
    from tf1_lstm.port.graph_facts import PASS_THROUGH, VARIABLE_OPS

    op = tensor.op
    while op.type in PASS_THROUGH and op.inputs:
        op = op.inputs[0].op
    return op.name if op.type in VARIABLE_OPS else None


def _variable_below(op, steps: int = 12) -> str | None:
    """The one variable the op's output initializes (Assign / AssignVariableOp) within
    ``steps`` ops: CanonicalToParams is opaque_kernel's initial value, ParamsSize its shape."""
    frontier, seen, assigned = [op], set(), set()
    for _ in range(steps):
        below = []
        for consumer in (c for current in frontier for out in current.outputs
                         for c in out.consumers()):
            if consumer.type in ("Assign", "AssignVariableOp"):
                assigned.add(_variable_above(consumer.inputs[0]))
            elif consumer.name not in seen:
                seen.add(consumer.name)
                below.append(consumer)
        frontier = below
    assigned.discard(None)
    return assigned.pop() if len(assigned) == 1 else None
