"""``tf1-lstm port CHECKPOINT --to keras|torch|onnx --out PATH``: the options and the pipeline.

    checkpoint ──read──> NumPy ──old eras' names, cuDNN layers: read as TF 1.2+ cells──>
        ──find cells by name/shape (stacks, bidirectional pairs, embedding, head)──> Tf1Rnn
        ──facts from PREFIX.meta (forget_bias, cell_clip, layers, what the logits read),
          else from the old release's names or the options, else assumed──>
        ──the graph restored and run on x: its logits decide what the head reads──>
        ──> layouts
        ──> target world (subprocess): write a staged file, load it back, run it on x
        ──> TF1 world (this process, meanwhile): the real TF1 cells rebuilt with the same
            weights, on x
        ──> max |diff| of logits (vs the graph), outputs and final states (vs the rebuilt
            cells) ──> publish (atomically) if <= 1e-5

Every assumption the proof could not check is printed as one: without the ``.meta`` the
TF1 side is rebuilt from the same facts the port used, so it could not catch a wrong one.

This module imports no TensorFlow, Keras or PyTorch: the command imports the TF1 world
(``tf1_lstm.compat``) when it runs, and the target's world lives in its own process.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tf1_lstm.port.cell_options import (
    CellDecisions,
    apply_cell_clips,
    parse_cell_clip,
    peepholes_off,
)
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.cudnn_refusals import refuse_cudnn
from tf1_lstm.port.cudnn_sizes import parse_cudnn_sizes
from tf1_lstm.port.cudnn_view import cudnn_checkpoint
from tf1_lstm.port.embedding import Embedding
from tf1_lstm.port.eras import (
    block_cell_facts,
    era_of,
    original_names,
    rename_lines,
    upgrade_checkpoint,
)
from tf1_lstm.port.errors import BadPortOption, GraphProofImpossible, ProofFailed, TorchMissing
from tf1_lstm.port.files import (
    TARGETS,
    check_companion,
    check_output,
    companion_modules,
    publish_companion,
    staged_output,
)
from tf1_lstm.port.inventory import inventory_lines
from tf1_lstm.port.layouts import keras_custom_cells, keras_weights, torch_state_dict
from tf1_lstm.port.onnx_layout import onnx_weights
from tf1_lstm.port.proof import Proof, compare, format_proof
from tf1_lstm.port.tf1_rnn import HEAD_OPTIONS, Tf1Rnn, find_rnn
from tf1_lstm.port.worlds import TargetJob, TargetWorld

if TYPE_CHECKING:  # the TF1 world's types, imported only when the command runs
    from tf1_lstm.port.model_facts import ResolvedModel


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def _finite_float(text: str) -> float:
    """--forget-bias: a finite number (nan or inf would silently make every gate nan or 1)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number such as 1.0, got {text}")
    return value


def _feed(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip() or not value.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, e.g. keep_prob=1.0; got {text}")
    return name.strip(), value.strip()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``tf1-lstm port`` options."""
    parser.add_argument("checkpoint",
                        help="the TF1 checkpoint: the prefix tf.train.Saver().save returned "
                             "(e.g. runs/model.ckpt), one of its files, or its folder")
    parser.add_argument("--to", choices=TARGETS, required=True,
                        help="keras: a Keras 3 model; torch: PyTorch weights (.pt) and, "
                             "beside them, the model as a plain-PyTorch module file (.py); "
                             "onnx: an ONNX model (opset 21), proven with ONNX Runtime")
    parser.add_argument("--out", type=Path, required=True,
                        help="the file to write: .keras (whole model) or .weights.h5 for keras, "
                             ".pt or .pth for torch")
    parser.add_argument("--forget-bias", type=_finite_float, default=None,
                        help="the forget_bias the TF1 LSTM cells were built with; it is not "
                             "stored in checkpoints. Default: read from the .meta graph beside "
                             "the checkpoint, else 1.0 (TF1's default); a value that "
                             "contradicts the graph is an error")
    parser.add_argument("--force", action="store_true",
                        help="replace --out if it exists (atomically)")
    parser.add_argument("--scope", default=None,
                        help="which RNN stack to port when the checkpoint holds several, e.g. "
                             "rnn/multi_rnn_cell")
    parser.add_argument("--dense", default=None, metavar="KERNEL[,BIAS]",
                        help="the dense head's variables, when finding them by shape "
                             "([H, n_classes]) is ambiguous; 'none' ports the RNN alone")
    parser.add_argument("--embedding", default=None, metavar="NAME",
                        help="the embedding variable in front of the RNN ([vocabulary, I]), "
                             "when neither its name nor the .meta graph shows it; 'none' ports "
                             "the RNN from its float input")
    parser.add_argument("--head", choices=list(HEAD_OPTIONS), default=None,
                        help="what the dense head reads when there is no .meta graph to show "
                             "it: last (outputs[:, -1], the default), every-step (a head on "
                             "each step's output: logits [B, T, n]) or final-states "
                             "(bidirectional: [fw final h, bw final h])")
    parser.add_argument("--cudnn", default=None, metavar="MODE,layers=L,units=H,input=I",
                        help="the sizes of a tf.contrib.cudnn_rnn layer whose checkpoint holds "
                             "only its opaque buffer, when the .meta graph does not show them: "
                             "MODE lstm, gru or rnn_tanh; add ',bidirectional' for two "
                             "directions (e.g. --cudnn lstm,layers=2,units=128,input=28)")
    parser.add_argument("--cell-clip", default=None, metavar="C|none",
                        help="the cell_clip old LSTMBlockCell / LSTMBlockFusedCell models were "
                             "built with, where neither their release nor the .meta graph "
                             "shows it (up to TF 1.3 the block ops clipped c to [-3, 3] by "
                             "default)")
    parser.add_argument("--peepholes", choices=("yes", "no"), default=None,
                        help="whether a TF 0.10/0.11 LSTMBlockCell used its wci/wcf/wco "
                             "(created either way then; default: no, TF's default)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the proof's random input (default: %(default)s)")
    parser.add_argument("--batch", type=_positive_int, default=4,
                        help="the proof's batch size B (default: %(default)s)")
    parser.add_argument("--feed", action="append", type=_feed, metavar="NAME=VALUE",
                        help="a placeholder of the .meta graph the logits need besides the "
                             "RNN's input, e.g. --feed keep_prob=1.0 (repeatable)")
    parser.add_argument("--steps", type=_positive_int, default=28,
                        help="the proof's time steps T (default: %(default)s)")


def main(args: argparse.Namespace) -> int:
    """Port, prove, publish; the report goes to stdout. Errors are Tf1LstmErrors."""
    port_checkpoint(args.checkpoint, target=args.to, out=args.out,
                    forget_bias=args.forget_bias, force=args.force, scope=args.scope,
                    dense=args.dense, seed=args.seed, batch=args.batch, steps=args.steps,
                    feeds=dict(args.feed or []), embedding=args.embedding, head=args.head,
                    cudnn=args.cudnn, cell_clip=args.cell_clip, peepholes=args.peepholes)
    return 0


@dataclass(frozen=True)
class PortReport:
    model: Tf1Rnn
    proof: Proof  # the port vs the TF1 cells rebuilt from the checkpoint
    out: Path
    original: Proof | None = None  # the port's logits vs the checkpoint's own graph's


def port_checkpoint(checkpoint: str | Path, target: str, out: str | Path,
                    forget_bias: float | None = None, force: bool = False,
                    scope: str | None = None, dense: str | None = None, seed: int = 0,
                    batch: int = 4, steps: int = 28, feeds: dict[str, str] | None = None,
                    embedding: str | None = None, head: str | None = None,
                    cudnn: str | None = None, cell_clip: str | None = None,
                    peepholes: str | None = None, echo: Callable[[str], None] = print
                    ) -> PortReport:
    """The whole command as a function (see the module docstring); raises on any failure,
    leaving ``out`` as it was. ``forget_bias`` None: read it from the .meta graph, else 1.0."""
    out = Path(out)
    check_output(out, target, force)  # before any slow work
    if forget_bias is not None and not math.isfinite(forget_bias):
        raise BadPortOption(f"--forget-bias {forget_bias}: must be a finite number such as 1.0")
    if target == "torch" and importlib.util.find_spec("torch") is None:
        raise TorchMissing("--to torch needs PyTorch, which is not installed in this "
                           "environment. Install the CPU build: pip install torch==2.13.0")
    import tf1_lstm.compat  # noqa: F401 - this process becomes the TF1 world (the source)
    from tf1_lstm.port.graph_proof import refuse_unported, run_graph
    from tf1_lstm.port.head_input import DESCRIPTIONS, check_option, decide_head
    from tf1_lstm.port.model_facts import resolve_model
    from tf1_lstm.port.source_tf1 import run_source

    found, renamed = upgrade_checkpoint(open_checkpoint(checkpoint))
    cell_facts, decisions = block_cell_facts(renamed), CellDecisions()
    off = peepholes_off(cell_facts, peepholes, decisions)
    if off:  # those cells' wci/wcf/wco stay unread: use_peephole was False
        found, renamed = upgrade_checkpoint(open_checkpoint(checkpoint), without_peepholes_in=off)
    era = era_of(renamed) if renamed else None
    if renamed:
        echo(f"{found.prefix} names its RNN variables as {era} did; read as TF 1.2+ names:")
        echo("\n".join(f"  {line}" for line in rename_lines(renamed)))
    found, cudnn_facts = cudnn_checkpoint(found, parse_cudnn_sizes(cudnn) if cudnn else None)
    if cudnn_facts is not None:
        echo(f"{found.prefix} holds tf.contrib.cudnn_rnn layers; read as the cells they save:")
        echo("\n".join(f"  {line}" for line in cudnn_facts.lines))
        refuse_cudnn(cudnn_facts, found.shapes, scope)
    model = find_rnn(found.shapes, found.read, scope=scope, dense=dense, embedding=embedding)
    model = apply_cell_clips(model, cell_facts, parse_cell_clip(cell_clip), decisions)
    resolved = resolve_model(model, found.prefix, forget_bias,
                             old_names=original_names(renamed), cudnn=cudnn_facts)
    resolved.known += decisions.known
    resolved.assumed += decisions.assumed
    run, reads, unported = _locate_in_graph(resolved, found, embedding)
    model = resolved.model
    x = _proof_input(model, run, seed, batch, steps)
    logits = None
    if run is not None:
        graph_logits = run_graph(resolved.facts, run, found.prefix, x, feeds or {})
        decision = decide_head(model, graph_logits, x, head)
        model, logits = decision.model, decision.graph_logits
        resolved.read.append(decision.note)
    elif model.dense:
        model = replace(model, head_reads=check_option(model, head) or "last")
        resolved.assumed.append(
            f"the dense head reads {DESCRIPTIONS[model.head_reads]} "
            f"({'given with --head' if head else 'the default; --head says otherwise'}), and "
            f"nothing else lies between the input and the logits")
    echo(f"read {found.prefix}: RNN stack '{model.stack}'")
    read_by_model = reads.variables if reads else None
    for line in [*model.describe(), *inventory_lines(model, found.shapes, read_by_model)]:
        echo(f"  {line}")
    _echo_facts(resolved, echo)
    if reads is not None:
        refuse_unported(unported, found.shapes, reads, resolved.facts.graph)
    cells = keras_custom_cells(model)
    check_companion(out, target, cells, force)

    weights = {"keras": keras_weights, "torch": torch_state_dict, "onnx": onnx_weights}[target](
        model)
    target_name = {"keras": "Keras 3", "torch": "PyTorch", "onnx": "ONNX Runtime"}[target]
    with staged_output(out, force) as staged:
        with TargetWorld(target, [TargetJob(model.architecture(), weights, x, staged)]) as world:
            source = run_source(model, x)  # meanwhile, in this (TF1) process
            (ported,) = world.results()
        proof = compare(source, ported)
        original = compare({"logits": logits}, ported) if logits is not None else None
        what = "ids" if model.embedding else "random input x"
        echo(f"proof: {what} {list(x.shape)} (seed {seed}), the {target_name} file read back")
        if original is not None:
            echo(f" against the checkpoint's own graph ({resolved.facts.meta.name}, restored):")
            echo(format_proof(original, "TF1 graph", target_name))
        echo(" against the TF1 cells rebuilt from the checkpoint"
             f"{' with the facts above' if resolved.read else ''}:")
        echo(format_proof(proof, "rebuilt TF1 model", target_name))
        if original is None:
            echo("  NOT CHECKED: the proof rebuilt the TF1 side from the assumptions listed "
                 "above, so it cannot detect a wrong one.")
        _refuse_failed(proof, original, target_name, out)
    echo(f"wrote {out}")
    for module in publish_companion(out, target, cells, force):
        what = "its model in plain PyTorch" if target == "torch" else \
            f"the TF1 cell Keras 3 lacks ({_registers(module)}), for keras.models.load_model"
        echo(f"wrote {module} ({what})")
    echo(_usage(model, target, out))
    return PortReport(model, proof, out, original)


def _locate_in_graph(resolved: ResolvedModel, found, embedding: str | None):
    """Where the .meta graph is fed, what its output reads, and the variables it reads that
    the port would drop; (None, None, []) without a graph. An embedding the graph looks the
    RNN's input up in joins the model."""
    from tf1_lstm.port.graph_proof import embedding_in_graph, locate, model_reads, unported_on_path

    if resolved.facts is None:
        return None, None, []
    run = _try_locate(resolved, locate)
    reads = model_reads(resolved.facts, run)
    unported = unported_on_path(reads, resolved.model, found.shapes)
    if unported and resolved.model.embedding is None and embedding is None:
        table = embedding_in_graph(resolved.facts.graph, unported, found.shapes,
                                   resolved.model.input_size)
        if table is not None:
            resolved.model = replace(resolved.model, embedding=Embedding(
                table, np.asarray(found.read(table), np.float32)))
            resolved.read.append(f"{table} is an embedding: the graph looks the RNN's input up "
                                 f"in it (tf.nn.embedding_lookup)")
            run = _try_locate(resolved, locate)
            reads = model_reads(resolved.facts, run)
            unported = unported_on_path(reads, resolved.model, found.shapes)
    return run, reads, unported


def _try_locate(resolved: ResolvedModel, locate):
    try:
        return locate(resolved.facts, resolved.model)
    except GraphProofImpossible as error:
        resolved.assumed.append(f"the port's output is the graph's; not compared with the "
                                f"graph itself: {error}")
        return None


def _proof_input(model: Tf1Rnn, run, seed: int, batch: int, steps: int) -> np.ndarray:
    """The proof's random input: x [B, T, I] float32, or ids [B, T] for an embedding; the
    graph's own sizes where it fixes them."""
    shape = run.proof_shape(batch, steps, model.input_size) if run else \
        (batch, steps, model.input_size)
    rng = np.random.default_rng(seed)
    if model.embedding:
        return rng.integers(0, model.embedding.table.shape[0], shape[:2]).astype(np.int32)
    return rng.standard_normal(shape).astype(np.float32)


def _echo_facts(resolved: ResolvedModel, echo: Callable[[str], None]) -> None:
    if resolved.known:
        echo("known from the checkpoint's names:")
        echo("\n".join(f"  {line}" for line in resolved.known))
    if resolved.read:
        echo(f"read from the checkpoint's graph ({resolved.facts.meta.name}):")
        echo("\n".join(f"  {line}" for line in resolved.read))
    if resolved.assumed:
        echo("assumed, not checked:")
        echo("\n".join(f"  {line}" for line in resolved.assumed))


def _refuse_failed(proof: Proof, original: Proof | None, target_name: str, out: Path) -> None:
    if original is not None and not original.ok:
        raise ProofFailed(
            f"the {target_name} port's logits differ from the checkpoint's own graph by "
            f"{original.worst:.3g}: the model computes something the port does not (a head "
            f"applied differently, a layer after it, another input path). {out} was not "
            f"written.")
    if not proof.ok:
        raise ProofFailed(
            f"the {target_name} port differs from the TF1 source by {proof.worst:.3g}, "
            f"beyond the 1e-5 bound; {out} was not written. This is a bug in tf1-lstm: "
            f"please report it with the checkpoint's variable names and shapes.")


def _registers(module: Path) -> str:
    """The Keras cell a companion module registers."""
    return "LayerNormLSTMCell" if module.stem.endswith("_layer_norm") else "TF1LSTMCell"


def _usage(model: Tf1Rnn, target: str, out: Path) -> str:
    architecture = model.architecture()
    classes = architecture["classes"]
    companions = [module for module, _ in companion_modules(out, target,
                                                            keras_custom_cells(model))]
    returns = "logits" if classes else "the top layer's outputs"
    x = (f"ids [B, T] int (< {model.embedding.table.shape[0]})" if model.embedding
         else f"x [B, T, {model.input_size}] float32")
    if target == "onnx":
        return "\n".join([
            "load it (ONNX Runtime, or any ONNX runtime; batch and time are free):",
            "  import onnxruntime",
            f"  session = onnxruntime.InferenceSession({str(out)!r})",
            f"  {'logits' if classes else 'outputs'}, = session.run("
            f"[{'logits' if classes else 'outputs'!r}], {{'x': x}})  # {x}"
            f"{' (int64)' if model.embedding else ''}; also outputs, state_K_h, state_K_c"])
    if target == "torch":
        module = companions[0].stem
        return "\n".join([
            f"load it (PyTorch only; {module}.py is beside {out.name}, tf1-lstm not needed):",
            f"  from {module} import load",
            f"  model = load()  # model({x}) -> {returns}; model.run(x) -> outputs, states"])
    if out.name.endswith(".weights.h5"):
        return "\n".join([
            "load it (tf1-lstm builds the model around these weights; --out NAME.keras "
            "writes a file Keras 3 loads alone):",
            "  from tf1_lstm.port.keras_target import build_keras_model",
            f"  model = build_keras_model({architecture})",
            f"  model.load_weights({str(out)!r})"])
    lines = ["load it (Keras 3 only, tf1-lstm not needed):"]
    for module in companions:
        lines.append(f"  import {module.stem}  # {module.name}, beside {out.name}: registers "
                     f"TF1's {_registers(module)}")
    lines.append(f"  model = keras.models.load_model({str(out)!r})  # model({x}) -> {returns}")
    return "\n".join(lines)
