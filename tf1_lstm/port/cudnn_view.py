"""tf.contrib.cudnn_rnn's checkpoints, read as the TF1 cells the port knows (a view, like eras).

A ``CudnnLSTM`` / ``CudnnGRU`` / ``CudnnRNNTanh`` / ``CudnnRNNRelu`` layer keeps its whole stack
in one 1-D variable in cuDNN's layout. TF 1.4 - 1.15's Saver writes it *and*, through
``CudnnOpaqueParamsSaveable``, the weights of the CudnnCompatible cells (``saveable.py``)::

    {scope}/opaque_kernel                                                   [N] cuDNN's buffer
    {scope}/rnn/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell/kernel   [in + H, 4H]
    {scope}/rnn/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell/bias     [4H] = b_W + b_R
    {scope}/stack_bidirectional_rnn/cell_{k}/bidirectional_rnn/{fw,bw}/...  (bidirectional)
    .../cudnn_compatible_gru_cell/gates/{kernel,bias}, candidate/{input,hidden}_projection/...
    .../basic_rnn_cell/{kernel,bias}                                        RNNTanh and RNNRelu

(in = I on layer 0, D*H above). TF 1.3's ``RNNParamsSaveable``, around the op wrapper
``CudnnLSTM(num_layers, num_units, input_size)`` whose buffer the script named, wrote
``{base}/multi_rnn_cell/cell_{k}/cudnn_compatible_lstm_cell/kernel``, ``bias`` and
``bias_cudnn_0``, ``bias_cudnn_1`` (b_W and b_R; GRU's ``bias_cudnn 0``, with a space). TF 1.0 -
1.2 saved the buffer only (or, with a saveable, cuDNN's per-gate matrices under op tensor names
such as ``CudnnRNNParamsToCanonical:0``, which this view does not read).

``cudnn_checkpoint`` presents, besides every other variable unchanged:

- ``cudnn_compatible_lstm_cell/{kernel,bias}`` as ``lstm_cell/{kernel,bias}``, LSTMCell's names
  and layout: rows [x_t, h_{t-1}], columns i, j, f, o (the saver put cuDNN's i, f, c, o in the
  order i, c, f, o, and c is TF1's j, the tanh block). CudnnCompatibleLSTMCell is
  ``LSTMBlockCell(forget_bias=0)``, cuDNN adds no constant to f, so ``CudnnFacts.forget_bias``
  is 0.0 for these cells: ``c = sigmoid(f) * c_prev + sigmoid(i) * tanh(j)``;
- the buffer, its optimizer slots and TF 1.3's ``bias_cudnn_*`` left out: the cells' weights,
  read or converted, are the same numbers (which a dense-head search must not see);
- a buffer saved alone converted in NumPy (``params_format``) to the names the saveable would
  have written, then as above; its sizes from ``cudnn_sizes`` (--cudnn, the .meta, its length);
- CudnnCompatibleGRUCell's names as saved: its candidate ``tanh(x W_h + b_Wh + r * (h R_h +
  b_Rh))`` applies the reset gate *after* the matmul (Keras reset_after=True, torch nn.GRU,
  ONNX linear_before_reset=1), which GRUCell does not: the port's ``cudnn_gru`` kind;
- CudnnRNNRelu's ``basic_rnn_cell`` left out: no TF1 cell is a relu RNN, and read as
  BasicRNNCell it would silently be tanh. Tanh and relu save the same names: the mode comes
  from --cudnn or the layer's default scope (``cudnn_rnn_relu``), else tanh is assumed.

A bidirectional layer's cells come out as ``stack_bidirectional_rnn``'s (layer k + 1 reads
layer k's [fw, bw] outputs), which is what cuDNN computes. ``refuse_cudnn`` refuses what the
port would read but cannot write (relu). Imports no TensorFlow until a buffer is
converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from tf1_lstm.port.checkpoint import Checkpoint
from tf1_lstm.port.cudnn_refusals import CudnnNotPorted, unported
from tf1_lstm.port.cudnn_sizes import (
    BI,
    MODES,
    OPTION,
    UNI,
    BadCudnnOption,
    CudnnSizes,
    CudnnSizesUnknown,
    describe,
    fit_sizes,
    graph_sizes,
)
from tf1_lstm.port.errors import PortError
from tf1_lstm.port.tf1_rnn import CELL_VARIABLE

_GROUPS = {"lstm": ("",), "gru": ("gates", "candidate/input_projection",
                                  "candidate/hidden_projection")}  # one kernel/bias pair each
_CELL = re.compile(r"^(?P<prefix>(?:.*?/)??)(?P<stack>(?:rnn/)?multi_rnn_cell/cell_(?P<k>\d+)"
                   r"|stack_bidirectional_rnn/cell_(?P<bk>\d+)/bidirectional_rnn/(?P<side>fw|bw))"
                   r"/(?P<cell>cudnn_compatible_lstm_cell|cudnn_compatible_gru_cell|basic_rnn_cell)"
                   r"/(?P<var>.+)$")
_LSTM_RENAME = re.compile(r"^(?P<path>(?:.*/)?)cudnn_compatible_lstm_cell/(?P<rest>(?:kernel|bias)"
                          r"(?:/.*)?)$")
# the canonical variables -> how often their numbers are in the buffer (b_W + b_R: twice)
_CANONICAL = {"kernel": 1, "bias": 2, "gates/kernel": 1, "gates/bias": 2,
              "candidate/input_projection/kernel": 1, "candidate/hidden_projection/kernel": 1,
              "candidate/input_projection/bias": 1, "candidate/hidden_projection/bias": 1}
_TF13_BIASES = re.compile(r"/cudnn_compatible_(?:lstm|gru)_cell/bias_cudnn[_ ]\d(?:/.*)?$")
_DEFAULT_SCOPE = re.compile(r"(?:^|/)cudnn_(lstm|gru|rnn_tanh|rnn_relu)(?:_\d+)?$")


class CudnnNameClash(PortError):
    """A name the view would present is already in the checkpoint."""


@dataclass(frozen=True)
class CudnnLayer:
    """One cuDNN layer found in the checkpoint, as the view presents it."""

    scope: str  # the saveable's prefix: "cudnn_lstm", "" at the top
    rnn_mode: str
    direction: str
    num_layers: int
    num_units: int
    input_size: int
    cell_scopes: tuple[str, ...]  # in the view: layer 0 (fw, bw), layer 1, ...
    buffer: str | None  # its 1-D buffer variable, if saved
    converted: bool  # True: the view's weights were computed from the buffer
    unported: str | None = None  # why the port cannot write it (a CudnnNotPorted message)
    sizes_from: str = "the shapes of its cells' weights"  # converted: --cudnn, the .meta, ...

    def describe(self) -> str:
        """'CudnnLSTM (2 layer(s) of 128 units, input 28, unidirectional)'."""
        return describe(CudnnSizes(self.rnn_mode, self.input_size, self.num_layers,
                                   self.num_units, self.direction))


@dataclass(frozen=True)
class CudnnFacts:
    """What the view did, and what the port must know about the cells it presents."""

    layers: tuple[CudnnLayer, ...]
    forget_bias: dict[str, float]  # view cell scope (".../lstm_cell") -> 0.0
    lines: tuple[str, ...]  # the report: what was renamed, converted, left out, and why
    assumed: tuple[str, ...]  # what could not be checked
    hidden: tuple[str, ...]  # checkpoint names left out of the view

    @property
    def gru_scopes(self) -> tuple[str, ...]:
        """Cell scopes of cuDNN GRUs (reset gate after the matmul), names kept as saved."""
        return tuple(s for layer in self.layers if layer.rnn_mode == "gru"
                     for s in layer.cell_scopes)


def cudnn_checkpoint(checkpoint: Checkpoint, sizes: CudnnSizes | None = None,
                     ) -> tuple[Checkpoint, CudnnFacts | None]:
    """``checkpoint`` as the port reads cuDNN layers (see the module docstring), and the facts;
    (checkpoint, None) when it holds no cuDNN layer."""
    shapes = checkpoint.shapes
    groups = _canonical_groups(shapes)
    buffers = _buffers(shapes, sizes, groups)
    graph: dict[str, CudnnSizes] | str | None = None
    if _needs_graph(shapes, sizes, groups, buffers):
        graph = graph_sizes(checkpoint.prefix)
        if isinstance(graph, dict):
            buffers |= {name for name in graph if len(shapes.get(name, ())) == 1}
    lone_cells = any(_LSTM_RENAME.match(name) for name in shapes)
    if not groups and not buffers and not lone_cells:
        return checkpoint, None
    lines, assumed, hidden = [], [], set()
    arrays: dict[str, np.ndarray] = {}
    layers = []
    alone = [name for name in sorted(buffers) if _linked(name, groups, shapes) is None]
    for name in sorted(buffers):
        prefix = _linked(name, groups, shapes)
        slots = {n for n in shapes if n.startswith(name + "/")}
        hidden |= {name, *slots}  # the cells' weights stand for it, read or converted
        if prefix is not None:
            groups[prefix]["buffer"] = name
            lines.append(f"{name} {list(shapes[name])}"
                         f"{f' and its {len(slots)} optimizer slot(s)' if slots else ''} left out:"
                         f" the same weights as the cells under {prefix or 'the top'}, in "
                         f"cuDNN's buffer")
            continue
        given = _sizes_for(name, alone, sizes, graph)
        layer, converted = _convert(name, checkpoint.read(name), given, assumed)
        clash = sorted(set(converted) & set(shapes))
        if clash:
            raise CudnnNameClash(f"{name} converts to {clash[0]}, which the checkpoint already "
                                 f"holds: two copies of one cell. Port the model saved from "
                                 f"one graph")
        arrays |= converted
        layers.append(layer)
        lines.append(f"{name} {list(shapes[name])}: the buffer of a {layer.describe()}, saved "
                     f"alone (sizes {layer.sizes_from}); converted in NumPy (params_format) to "
                     f"the cells under {layer.scope or 'the top'}")
    groups = {p: g for p, g in groups.items() if g["mode"] != "rnn_tanh" or g["buffer"]}
    if not groups and not layers and not lone_cells:
        return checkpoint, None
    hidden |= {n for n in shapes if _TF13_BIASES.search(n)}
    view = {n: s for n, s in shapes.items() if n not in hidden}
    view |= {n: a.shape for n, a in arrays.items()}
    layers += [_group_layer(prefix, group, view, sizes, assumed)
               for prefix, group in sorted(groups.items())]
    for layer in layers:
        if layer.rnn_mode == "rnn_relu":
            hidden |= {n for n in view if any(n.startswith(c + "/") for c in layer.cell_scopes)}
    view = {n: s for n, s in view.items() if n not in hidden}
    renamed = _rename_lstm(view)
    view = {renamed.get(n, n): s for n, s in view.items()}
    if sizes is not None and not any(layer.converted for layer in layers):
        lines.append(f"--cudnn {sizes.rnn_mode},... not needed: the checkpoint holds the cells' "
                     f"own weights")
    facts = _facts(layers, renamed, lines, assumed, hidden)

    def read(name: str) -> np.ndarray:
        original = renamed_back.get(name, name)
        return arrays[original] if original in arrays else checkpoint.read(original)

    renamed_back = {new: old for old, new in renamed.items()}
    return replace(checkpoint, shapes=view, read=read), facts


# ---- the canonical names ------------------------------------------------------------------

def _canonical_groups(shapes) -> dict[str, dict]:
    """Saveable prefix -> {"mode", "cells": {(k, side): cell scope}, "buffer"}, for the names
    a CudnnOpaqueParamsSaveable (or TF 1.3's RNNParamsSaveable) writes."""
    groups: dict[str, dict] = {}
    for name in shapes:
        match = _CELL.match(name)
        if not match:
            continue
        prefix = match["prefix"].rstrip("/")
        cell_scope = name[: -len(match["var"]) - 1]
        key = (int(match["k"] or match["bk"]), match["side"])
        mode = {"cudnn_compatible_lstm_cell": "lstm", "cudnn_compatible_gru_cell": "gru"}.get(
            match["cell"], "rnn_tanh")
        group = groups.setdefault(prefix, {"mode": mode, "cells": {}, "buffer": None,
                                           "length": 0})
        group["cells"][key] = cell_scope
        if match["var"] in _CANONICAL:  # the buffer's length: each bias that is a sum twice
            group["length"] += int(np.prod(shapes[name])) * _CANONICAL[match["var"]]
    # basic_rnn_cell under rnn/multi_rnn_cell is also a plain MultiRNNCell([BasicRNNCell]):
    # only a buffer beside it makes it a cuDNN layer's (checked in cudnn_checkpoint)
    return groups


def _group_layer(prefix: str, group: dict, view, sizes: CudnnSizes | None,
                 assumed: list[str]) -> CudnnLayer:
    cells = group["cells"]
    direction = BI if any(side for _, side in cells) else UNI
    order = sorted(cells, key=lambda key: (key[0], key[1] == "bw"))
    mode = group["mode"]
    kernel = view.get(f"{cells[order[0]]}/{'gates/kernel' if mode == 'gru' else 'kernel'}", ())
    units = kernel[1] // {"lstm": 4, "gru": 2}.get(mode, 1) if len(kernel) == 2 else 0
    if mode == "rnn_tanh":
        mode = _tanh_or_relu(prefix, group["buffer"], sizes, assumed)
    scopes = tuple(cells[key] for key in order)
    layer = CudnnLayer(prefix, mode, direction, max(k for k, _ in cells) + 1, units,
                       kernel[0] - units if units else 0, scopes, group["buffer"],
                       converted=False)
    return replace(layer, unported=unported(layer))


def _tanh_or_relu(prefix: str, buffer: str | None, sizes: CudnnSizes | None,
                  assumed: list[str]) -> str:
    if sizes and sizes.rnn_mode in ("rnn_tanh", "rnn_relu"):
        return sizes.rnn_mode
    hint = _DEFAULT_SCOPE.search(buffer.rpartition("/")[0] if buffer else prefix)
    if hint and hint[1] in ("rnn_tanh", "rnn_relu"):
        return hint[1]
    assumed.append(f"{prefix or 'the top'}: basic_rnn_cell beside a cuDNN buffer is CudnnRNNTanh "
                   f"or CudnnRNNRelu, saved under the same names; read as tanh (pass --cudnn "
                   f"rnn_relu,input=I if it was relu)")
    return "rnn_tanh"


def _rename_lstm(view) -> dict[str, str]:
    """cudnn_compatible_lstm_cell/{kernel,bias}[/slot] -> lstm_cell/...; CudnnNameClash if taken."""
    renamed = {}
    for name in view:
        if match := _LSTM_RENAME.match(name):
            new = f"{match['path']}lstm_cell/{match['rest']}"
            if new in view:
                raise CudnnNameClash(f"the checkpoint holds both {name} and {new}: the view "
                                     f"would give one name to two variables. Port the model "
                                     f"saved from one graph")
            renamed[name] = new
    return renamed


def _facts(layers, renamed, lines, assumed, hidden) -> CudnnFacts:
    new_scopes = {old.rpartition("/")[0]: new.rpartition("/")[0] for old, new in renamed.items()
                  if old.endswith("/kernel")}
    layers = tuple(replace(layer, cell_scopes=tuple(new_scopes.get(s, s) for s in
                                                    layer.cell_scopes)) for layer in layers)
    forget_bias = dict.fromkeys(sorted(new_scopes.values()), 0.0)
    if new_scopes:
        cells = sorted({old.rsplit("/", 1)[-1] for old in new_scopes})
        lines.append(f"{len(new_scopes)} {', '.join(cells)}(s) read as LSTMCell (.../lstm_cell/"
                     f"kernel, bias: the same [x_t, h_(t-1)] rows and i, j, f, o columns) with "
                     f"forget_bias 0.0: CudnnCompatibleLSTMCell is LSTMBlockCell(forget_bias=0), "
                     f"as cuDNN adds no constant to the forget gate")
    for layer in (layer for layer in layers if layer.rnn_mode == "gru"):
        lines.append(f"{layer.scope or 'the top'}: a {layer.describe()}, read as "
                     f"CudnnCompatibleGRUCell(s): the reset gate after the candidate's recurrent "
                     f"matmul (Keras GRU(reset_after=True), nn.GRU, ONNX linear_before_reset=1)")
    for layer in (layer for layer in layers if layer.unported):
        lines.append(f"{layer.scope or 'the top'}: a {layer.describe()}: left out, not to be read "
                     f"as a tanh BasicRNNCell; the port has no kind for it")
    tf13 = [n for n in hidden if _TF13_BIASES.search(n)]
    if tf13:
        lines.append(f"{len(tf13)} TF 1.3 bias_cudnn_* variable(s) left out: b_W and b_R, whose "
                     f"sum is the cell's bias")
    return CudnnFacts(layers, forget_bias, tuple(lines), tuple(assumed), tuple(sorted(hidden)))


# ---- the buffer ---------------------------------------------------------------------------

def _linked(buffer: str, groups: dict[str, dict], shapes) -> str | None:
    """The canonical group saved from ``buffer``: at its layer's scope, or, if its length
    fits, the one around it (a layer built by hand); else None."""
    scope = buffer.rpartition("/")[0]
    if scope in groups:
        return scope
    around = scope.rpartition("/")[0]
    if around in groups and groups[around]["length"] == int(np.prod(shapes[buffer])):
        return around
    return None


def _buffers(shapes, sizes: CudnnSizes | None, groups: dict[str, dict]) -> set[str]:
    """Every ``.../opaque_kernel`` [N], and the one ``sizes.buffer`` names."""
    found = {name for name, shape in shapes.items()
             if name.rsplit("/", 1)[-1] == "opaque_kernel" and len(shape) == 1}
    if sizes and sizes.buffer:
        if len(shapes.get(sizes.buffer, ())) != 1:
            what = list(shapes[sizes.buffer]) if sizes.buffer in shapes else "not in it"
            raise BadCudnnOption(f"--cudnn ...,buffer={sizes.buffer}: the checkpoint's cuDNN "
                                 f"buffer is a 1-D variable; {sizes.buffer} is {what}")
        found.add(sizes.buffer)
    return found


def _needs_graph(shapes, sizes: CudnnSizes | None, groups, buffers: set[str]) -> bool:
    """Read the .meta only without --cudnn, for a buffer saved alone, or for a checkpoint
    with no cell variable at all (TF 1.0 - 1.3 named the buffer as the script liked)."""
    if sizes is not None:
        return False
    if any(_linked(name, groups, shapes) is None for name in buffers):
        return True
    return not groups and not buffers and not any(CELL_VARIABLE.match(n) for n in shapes) \
        and any(len(shape) == 1 for shape in shapes.values())


def _sizes_for(name: str, alone: list[str], sizes: CudnnSizes | None,
               graph: dict[str, CudnnSizes] | str | None) -> CudnnSizes:
    if sizes is not None and (sizes.buffer == name or (not sizes.buffer and len(alone) == 1)):
        return sizes
    if sizes is not None and not sizes.buffer:
        raise BadCudnnOption(f"--cudnn: the checkpoint holds {len(alone)} cuDNN buffers saved "
                             f"alone ({', '.join(alone)}); say which one with ...,buffer=NAME")
    if isinstance(graph, dict) and name in graph:
        return graph[name]
    hint = _DEFAULT_SCOPE.search(name.rpartition("/")[0])
    what = f" (the default scope of a {MODES[hint[1]][0]})" if hint else ""
    why = graph if isinstance(graph, str) else \
        f"--cudnn ...,buffer={sizes.buffer} is another one" if sizes else \
        "its graph shows no cuDNN op using it"
    raise CudnnSizesUnknown(
        f"{name} is a cuDNN layer's parameter buffer{what} saved without its canonical weights, "
        f"and its sizes are not in it ({why}). Pass them: {OPTION}, e.g. --cudnn "
        f"lstm,layers=2,units=128,input=28 (layers and units may be left out when only one "
        f"pair fits its length)")


def _convert(name: str, buffer: np.ndarray, sizes: CudnnSizes, assumed: list[str],
             ) -> tuple[CudnnLayer, dict[str, np.ndarray]]:
    """The layer behind a buffer saved alone, and its canonical weights under the saveable's
    names (``saveable.py``: weights then biases, cell by cell, fw before bw)."""
    from tf1_lstm.contrib.cudnn_rnn import modes, params_format

    sizes = fit_sizes(name, int(buffer.size), sizes)
    layers, units = sizes.num_layers, sizes.num_units
    converter_cls = getattr(params_format, f"CudnnParamsFormatConverter{MODES[sizes.rnn_mode][2]}")
    try:
        converter = converter_cls(layers, units, sizes.input_size, input_mode=sizes.input_mode,
                                  direction=sizes.direction)
    except (modes.CudnnUnsupportedOnCPU, modes.CudnnOptionError) as error:
        raise CudnnNotPorted(f"{name}: {error}") from None
    scope, cell = name.rpartition("/")[0], MODES[sizes.rnn_mode][1]
    top = f"{scope}/" if scope else ""
    dirs = 2 if sizes.direction == BI else 1
    cells = [f"{top}rnn/multi_rnn_cell/cell_{p}/{cell}" if dirs == 1 else
             f"{top}stack_bidirectional_rnn/cell_{p // 2}/bidirectional_rnn/"
             f"{'fw' if p % 2 == 0 else 'bw'}/{cell}" for p in range(layers * dirs)]
    layer = CudnnLayer(scope, sizes.rnn_mode, sizes.direction, layers, units, sizes.input_size,
                       tuple(cells), name, converted=True, sizes_from=sizes.source)
    layer = replace(layer, unported=unported(layer))
    if sizes.rnn_mode == "rnn_relu":
        return layer, {}
    assumed.append(f"{name}: cuDNN's buffer read in params_format's unpadded layout (all "
                   f"matrices, then all biases, pseudo-layer by pseudo-layer), the one "
                   f"tf1-lstm's CudnnLSTM writes; a GPU's own layout is not checked")
    weights, biases = converter.opaque_to_tf_canonical(buffer)
    groups = _GROUPS.get(sizes.rnn_mode, ("",))
    arrays = {}
    for p, cell_scope in enumerate(cells):
        for j, group in enumerate(groups):
            where = f"{cell_scope}/{group}/" if group else f"{cell_scope}/"
            arrays[f"{where}kernel"] = weights[len(groups) * p + j]
            arrays[f"{where}bias"] = biases[len(groups) * p + j]
    return layer, arrays
