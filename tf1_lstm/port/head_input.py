"""What the dense head reads, decided by the checkpoint's own graph (TF1 world).

The head's kernel is in the checkpoint; what it was applied *to* is not. TF1 programs apply
it to the last output (documents 000-002), to every step's output (document 004's character
model, taggers), or, bidirectional, to the two final states side by side
(``Tf1Rnn.head_reads``). The graph's logits tell them apart::

    graph logits      [B, n]                        last, or [fw h, bw h] (bidirectional)
                      [B*T, n]                      every step, rows batch-major
                                                    (reshape(outputs, [-1, H])) or
                                                    time-major (tf.concat(outputs, 0))
                      [B, T, n] / [T, B, n]         every step (tf.layers.dense on outputs;
                                                    static_rnn's per-step list, stacked)

and where a shape fits more than one reading, their values do: the TF1 cells rebuilt with
each reading are run on the proof input, and the reading whose logits equal the graph's
(1e-5) is the model's. No reading fitting leaves the default, and the proof then fails with
the numbers. Without a graph, ``--head`` says it (default: last), as an assumption.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tf1_lstm.port.errors import BadPortOption, GraphProofImpossible
from tf1_lstm.port.proof import compare
from tf1_lstm.port.source_tf1 import run_source
from tf1_lstm.port.tf1_rnn import HEAD_OPTIONS, Tf1Rnn

DESCRIPTIONS = {"last": "the top layer's last output, outputs[:, -1]",
                "every_step": "every step's output (logits [B, T, n])",
                "final_states": "the two final states, [fw h, bw h]"}


@dataclass(frozen=True)
class HeadDecision:
    model: Tf1Rnn  # with head_reads decided
    graph_logits: np.ndarray  # the graph's logits in the port's shape ([B, n] or [B, T, n])
    note: str  # for the report's "read from the graph"


def readings(model: Tf1Rnn) -> tuple[str, ...]:
    """The head inputs this model can have."""
    return ("last", "final_states", "every_step") if model.backward else ("last", "every_step")


def check_option(model: Tf1Rnn, option: str | None) -> str | None:
    """--head as a ``head_reads`` value; BadPortOption if the model cannot read it."""
    if option is None:
        return None
    reads = HEAD_OPTIONS[option]
    if reads not in readings(model):
        raise BadPortOption(f"--head {option}: only a bidirectional RNN has two final states; "
                            f"this RNN's head reads 'last' or 'every-step'")
    return reads


def decide_head(model: Tf1Rnn, graph_logits: np.ndarray, x: np.ndarray,
                option: str | None) -> HeadDecision:
    """The reading whose rebuilt logits equal the graph's (see the module docstring)."""
    batch, steps, classes = x.shape[0], x.shape[1], model.dense.classes
    shape = graph_logits.shape
    if shape == (batch, classes):
        candidates = [(reads, graph_logits, "") for reads in readings(model)
                      if reads != "every_step"]
    elif shape in ((batch * steps, classes), (batch, steps, classes), (steps, batch, classes)):
        flat = graph_logits.reshape(-1, classes)
        candidates = [("every_step", flat.reshape(batch, steps, classes), " (rows batch-major)"),
                      ("every_step", flat.reshape(steps, batch, classes).transpose(1, 0, 2),
                       " (rows time-major)")]
    else:
        raise GraphProofImpossible(
            f"the graph's logits have shape {list(shape)} for a proof input of {batch} "
            f"sequences of {steps} steps: neither [{batch}, {classes}] (one row per sequence) "
            f"nor {batch * steps} rows (one per step)")
    wanted = check_option(model, option)
    for reads, aligned, how in candidates:
        rebuilt = run_source(replace(model, head_reads=reads), x)["logits"]
        if compare({"logits": aligned}, {"logits": rebuilt}).ok:
            if wanted is not None and wanted != reads:
                raise BadPortOption(
                    f"--head {option} contradicts the checkpoint's own graph, whose head reads "
                    f"{DESCRIPTIONS[reads]}. Leave --head out to use the graph's. Nothing was "
                    f"written.")
            return HeadDecision(replace(model, head_reads=reads), aligned,
                                f"the dense head reads {DESCRIPTIONS[reads]}{how}")
    reads, aligned, _ = candidates[0]  # no reading fits: the proof reports the difference
    return HeadDecision(replace(model, head_reads=wanted or reads), aligned,
                        "the dense head's input: no reading the port knows gives the graph's "
                        "logits")
