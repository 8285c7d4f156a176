"""The model the port writes: the checkpoint's cells plus the facts a checkpoint lacks (TF1 world).

``find_rnn`` reads what a checkpoint holds: each cell's arrays. What it cannot hold is taken
from the checkpoint's own graph (``PREFIX.meta``) when there is one, and otherwise *assumed*,
and the report says which::

    fact                       from the .meta graph                 without it (assumed)
    forget_bias per LSTM cell  the Const added to f                 --forget-bias, or 1.0
    layers                     each application's input's source    cell_0, cell_1, ... once each
                               (MultiRNNCell([cell] * 3): 3 layers,
                               one cell's weights)

A ``--forget-bias`` that contradicts the graph is an error: one of them is wrong, and a port
with the wrong one loads, runs, and scores a few points lower (measured: 94.8% vs 97.0%).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from tf1_lstm.cells.kinds import is_lstm
from tf1_lstm.port.cudnn_view import CudnnFacts
from tf1_lstm.port.errors import ForgetBiasContradiction, GraphUnreadable
from tf1_lstm.port.graph_facts import GraphFacts, read_graph_facts
from tf1_lstm.port.tf1_rnn import Tf1Rnn


@dataclass
class ResolvedModel:
    model: Tf1Rnn
    facts: GraphFacts | None  # None: no usable .meta
    read: list[str] = field(default_factory=list)  # facts read from the graph, for the report
    assumed: list[str] = field(default_factory=list)  # facts assumed, unchecked
    known: list[str] = field(default_factory=list)  # facts the checkpoint's names show


def resolve_model(model: Tf1Rnn, prefix: Path, forget_bias: float | None,
                  old_names: Mapping[str, str | None] | None = None,
                  cudnn: CudnnFacts | None = None) -> ResolvedModel:
    """``model`` with its layers and forget_bias decided (see the module docstring).
    ``old_names``: each TF 1.2+ name's variable in the checkpoint (and so in its graph), when
    the checkpoint is of an older era (``eras.original_names``).
    ``cudnn``: what ``cudnn_view`` found; its LSTM cells add no forget_bias."""
    meta = Path(f"{prefix}.meta")
    resolved = ResolvedModel(model, None)
    resolved.assumed += list(cudnn.assumed) if cudnn else []
    if meta.is_file():  # a cuDNN layer's graph computes from its buffer: no cell facts there
        try:
            resolved.facts = read_graph_facts(meta, model, old_names)
        except GraphUnreadable as error:
            resolved.assumed.append(f"(the .meta graph could not be used: {error})")
    else:
        resolved.assumed.append(f"(no {meta.name} beside the checkpoint: the graph that would "
                                f"show these facts)")
    cudnn_cells = {scope for layer in cudnn.layers for scope in layer.cell_scopes} \
        if cudnn else set()
    if cudnn_cells and {layer.scope for layer in model.all_layers} <= cudnn_cells:
        resolved.known.append("each layer applied once per step (a cuDNN layer's layers have "
                              "their own weights)")
    else:
        _decide_layers(resolved)
    _decide_forget_bias(resolved, forget_bias, cudnn.forget_bias if cudnn else {})
    return resolved


def _decide_layers(resolved: ResolvedModel) -> None:
    model, facts = resolved.model, resolved.facts
    directions = [("fw " if model.backward else "", "layers",
                   facts.layer_scopes if facts else None)]
    if model.backward:
        directions.append(("bw ", "backward", facts.backward_scopes if facts else None))
    for label, field_name, scopes in directions:
        layers = getattr(resolved.model, field_name)
        by_scope = {layer.scope: layer for layer in layers}
        if scopes is None or not set(scopes) <= set(by_scope):
            why = f" ({'; '.join(facts.unknown)})" if facts and facts.unknown else ""
            resolved.assumed.append(
                f"each {label}cell is applied once per step, as its own layer{why}; a "
                f"MultiRNNCell([cell] * n) would apply one cell's weights n times")
            continue
        unused = [scope for scope in by_scope if scope not in scopes]
        if unused:
            resolved.read.append(f"not applied in the graph: {', '.join(unused)}")
        resolved.model = replace(resolved.model, **{field_name: tuple(by_scope[scope]
                                                                      for scope in scopes)})
        tied = len(scopes) - len(set(scopes))
        resolved.read.append(f"{len(scopes)} {label}layer(s) per step" + (
            f", {tied} of them re-applying a cell below (shared weights)" if tied else ""))


def _decide_forget_bias(resolved: ResolvedModel, option: float | None,
                        by_name: dict[str, float]) -> None:
    """Each LSTM layer's forget_bias: from its class's name (cuDNN's cells: 0), the graph,
    --forget-bias, or TF1's default."""
    def each(layers):
        return layers and _with_forget_biases(resolved, layers, option, by_name)
    resolved.model = replace(resolved.model, layers=each(resolved.model.layers),
                             backward=each(resolved.model.backward))
    # a tied stack lists one note per application: keep each once, in order
    resolved.read = list(dict.fromkeys(resolved.read))
    resolved.assumed = list(dict.fromkeys(resolved.assumed))


def _with_forget_biases(resolved: ResolvedModel, model_layers: tuple, option: float | None,
                        by_name: dict[str, float]) -> tuple:
    layers = []
    for layer in model_layers:
        if not is_lstm(layer.kind):  # no forget gate
            layers.append(layer)
            continue
        if layer.scope in by_name:
            value = by_name[layer.scope]
            if option is not None and option != value:
                raise ForgetBiasContradiction(
                    f"--forget-bias {option:g} contradicts the checkpoint: {layer.scope} is a "
                    f"cuDNN layer's CudnnCompatibleLSTMCell, which adds {value:g} to its forget "
                    f"gate. Leave --forget-bias out. Nothing was written.")
            resolved.known.append(f"forget_bias = {value:g} for {layer.scope} (a cuDNN LSTM)")
            layers.append(replace(layer, forget_bias=value))
            continue
        found = resolved.facts.forget_bias.get(layer.scope) if resolved.facts else None
        if found is not None:
            value, op = found
            if option is not None and option != value:
                raise ForgetBiasContradiction(
                    f"--forget-bias {option:g} contradicts the checkpoint's own graph: "
                    f"{layer.scope} adds {value:g} to its forget gate (op {op} in "
                    f"{resolved.facts.meta.name}). Leave --forget-bias out to use the graph's "
                    f"value. Nothing was written.")
            note = f"forget_bias = {value:g} for {layer.scope} (op {op})"
        else:
            value = 1.0 if option is None else option
            how = "given with --forget-bias" if option is not None else \
                "TF1's default; pass --forget-bias if the cells were built with another"
            note = f"forget_bias = {value:g} for {layer.scope} ({how})"
        (resolved.read if found is not None else resolved.assumed).append(note)
        layers.append(replace(layer, forget_bias=value, cell_clip=_cell_clip(resolved, layer)))
    return tuple(layers)


def _cell_clip(resolved: ResolvedModel, layer) -> float | None:
    """The graph's cell_clip for the layer, or the one its old release's names imply."""
    found = resolved.facts.cell_clip.get(layer.scope) if resolved.facts else None
    if found is None:
        return layer.cell_clip  # set from the era's facts or --cell-clip before, or None
    value, op = found
    if value <= 0:
        if layer.cell_clip:
            resolved.read.append(f"no cell_clip for {layer.scope} (op {op}: cell_clip={value:g})")
        return None
    resolved.read.append(f"cell_clip = {value:g} for {layer.scope} (op {op}): c is clipped to "
                         f"[-{value:g}, {value:g}] at every step")
    return value
