"""Every variable of the checkpoint, and what the port does with it: ported, or why not.

Silently leaving a variable out is how a port ends up computing something else (an embedding
in front of the RNN, a second dense layer). So the command lists them all::

    ported      rnn/basic_lstm_cell/kernel [156, 512]   layer 0 kernel
    not ported  rnn/basic_lstm_cell/kernel/Adam ...     optimizer state (14 variables)
    not ported  other/w [3, 3]                          the output does not read it (.meta)

With the ``.meta`` graph the "not ported" variables are the ones the model's output does not
read (a variable they do read stops the port: ``graph_proof.refuse_unported``). Without it
nobody can tell, and the listing says so, pointing at variables shaped like an embedding.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tf1_lstm.port.tf1_rnn import Tf1Rnn, is_slot

_OPTIMIZER = re.compile(r"(^|/)(beta[12]_power(_\d+)?|global_step|[^/]*(Adam|RMSProp|Momentum|"
                        r"Adagrad|Adadelta|Ftrl|ExponentialMovingAverage)(_\d+)?)$")


def roles(model: Tf1Rnn) -> dict[str, str]:
    """Checkpoint name -> what it becomes in the port."""
    result = {}
    if model.embedding:
        result[model.embedding.name] = "embedding (ids -> the RNN's input)"
    forward = "fw " if model.backward else ""
    for direction, layers in ((forward, model.layers), ("bw ", model.backward or ())):
        for k, layer in enumerate(layers):
            for array, name in layer.variables.items():
                result.setdefault(name, f"{direction}layer {k} {array}")
    if model.dense:
        result[model.dense.kernel_name] = "dense head kernel"
        if model.dense.bias_name:
            result[model.dense.bias_name] = "dense head bias"
    return result


def is_optimizer_state(name: str, shapes: Mapping[str, object]) -> bool:
    """An optimizer slot (``kernel/Adam``) or counter (``beta1_power``, ``global_step``)."""
    return is_slot(name, shapes) or bool(_OPTIMIZER.search(name))


def inventory_lines(model: Tf1Rnn, shapes: Mapping[str, tuple[int, ...]],
                    read_by_model: set[str] | None) -> list[str]:
    """The listing; ``read_by_model`` is None when there is no graph to tell."""
    ported = roles(model)
    lines = [f"  ported      {name} {list(shapes[name])}  -> {role}"
             for name, role in sorted(ported.items()) if name in shapes]
    optimizer = [name for name in shapes if name not in ported and is_optimizer_state(name, shapes)]
    if optimizer:
        lines.append(f"  not ported  {len(optimizer)} optimizer variables ({optimizer[0]}, ...): "
                     f"training state, not part of the model")
    for name in sorted(set(shapes) - set(ported) - set(optimizer)):
        if read_by_model is not None:
            why = ("the model reads it: see below" if name in read_by_model
                   else "the model's output does not read it (checked in the .meta graph)")
        else:
            why = "no .meta graph: whether the model uses it cannot be checked"
            if model.embedding is None and _looks_like_embedding(shapes[name],
                                                                 model.input_size):
                why += f"; its shape looks like an embedding [vocabulary, {model.input_size}] " \
                       f"in front of the RNN, which the port would leave out: if it is one, " \
                       f"pass --embedding {name}"
        lines.append(f"  not ported  {name} {list(shapes[name])}  ({why})")
    return ["variables:", *lines]


def _looks_like_embedding(shape: tuple[int, ...], input_size: int) -> bool:
    return len(shape) == 2 and shape[1] == input_size and shape[0] > 1
