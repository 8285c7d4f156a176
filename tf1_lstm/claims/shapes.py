"""Documents 000 and 002's shape claims, checked on the graphs their code builds.

    000  static_rnn returns time_step_size (28) arrays of (batch_size, lstm_size)
    000  transpose -> reshape -> split gives 28 arrays of (128, 28), one per time step
    000  time_step_size is "the number of LSTM neurons"            (wrong: it is the steps)
    000  model() returns lstm.state_size, "the state size"
    000  B has "the same dimensions as W"                           (wrong: [10] vs [28, 10])
    000  "# tanh activation" on the output layer                    (wrong: there is none)
    002  static_rnn's inputs: a list of time_steps tensors (batch_size, input_size)
    002  ... "(batch_size, num_units)"                              (wrong: that is outputs)
    002  ``tf.static_rnn(cell, inputs)``                            (no such name in TF1)
    002  U, V, W are shared by all time steps
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tf1_lstm.claims.verdict import ClaimResult, holds_if
from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.models.static_rnn_inputs import static_rnn_inputs_by_unstack
from tf1_lstm.models.static_rnn_mnist import build_static_rnn_mnist
from tf1_lstm.models.transpose_split_mnist import build_transpose_split_mnist

BATCH = 128  # document 000's batch_size: its comments give shapes for it


def _cell_parameters(scope: str = "rnn/basic_lstm_cell/") -> dict[str, tuple[int, ...]]:
    return {v.op.name[len(scope):]: tuple(v.get_shape().as_list())
            for v in tf.trainable_variables() if v.op.name.startswith(scope)}


def _count(shapes: dict[str, tuple[int, ...]]) -> int:
    return sum(int(np.prod(shape)) for shape in shapes.values())


def ops_between(start, end) -> list[str]:
    """The op types on the paths from tensor ``start`` to tensor ``end`` (what end applies)."""
    reaches: dict[str, bool] = {}

    def leads_to_start(op) -> bool:
        if op is start.op:
            return True
        if op.name not in reaches:
            reaches[op.name] = any(leads_to_start(tensor.op) for tensor in op.inputs)
        return reaches[op.name]

    found, stack, seen = [], [end.op], set()
    while stack:
        op = stack.pop()
        if op.name in seen or op is start.op or not leads_to_start(op):
            continue
        seen.add(op.name)
        found.append(op.type)
        stack.extend(tensor.op for tensor in op.inputs)
    return sorted(found)


@dataclass(frozen=True)
class Document000Shapes:
    kernel: tuple[int, ...]
    output_shapes: list[tuple[int, ...]]  # evaluated, batch 128
    split_shapes: list[tuple[int, ...]]
    split_vs_unstack: float  # max |X_split[t] - unstack(X)[t]|
    split_without_transpose: float  # max |(split of reshape(X)) [t] - row t of each image|
    state_size: tuple[int, int]  # (c, h)
    W: tuple[int, ...]
    B: tuple[int, ...]
    ops_to_logits: list[str]
    by_time_steps: dict[int, tuple[int, int]]  # time_step_size -> (len(outputs), parameters)
    by_lstm_size: dict[int, tuple[tuple, int]]  # lstm_size -> (outputs[-1] shape, parameters)


def measure_document_000(seed: int = 0) -> Document000Shapes:
    images = np.random.default_rng(seed).uniform(size=(BATCH, 28, 28)).astype(np.float32)
    by_time_steps, by_lstm_size = {}, {}
    for time_steps, lstm_size in ((28, 28), (7, 28), (28, 64)):
        reset_graph(seed)
        model = build_transpose_split_mnist(time_step_size=time_steps, lstm_size=lstm_size)
        parameters = _cell_parameters()
        if lstm_size == 28:
            by_time_steps[time_steps] = (len(model.outputs), _count(parameters))
        if time_steps == 28:
            by_lstm_size[lstm_size] = (tuple(model.outputs[-1].get_shape().as_list()),
                                       _count(parameters))
        if (time_steps, lstm_size) == (28, 28):
            kept = model, parameters["kernel"]
            unstacked = tf.unstack(model.x, 28, 1)
            no_transpose = tf.split(tf.reshape(model.x, [-1, 28]), 28, 0)
            with tf.Session() as session:
                session.run(tf.global_variables_initializer())
                outputs, split, unstack, wrong = session.run(
                    [model.outputs, model.X_split, unstacked, no_transpose], {model.x: images})
            ops = ops_between(model.outputs[-1], model.py_x)
    model, kernel = kept
    return Document000Shapes(
        kernel=kernel,
        output_shapes=[o.shape for o in outputs], split_shapes=[s.shape for s in split],
        split_vs_unstack=max(float(np.max(np.abs(a - b))) for a, b in zip(split, unstack,
                                                                          strict=True)),
        split_without_transpose=max(float(np.max(np.abs(w - images[:, t])))
                                    for t, w in enumerate(wrong)),
        state_size=(model.state_size.c, model.state_size.h),
        W=tuple(model.W.get_shape().as_list()), B=tuple(model.B.get_shape().as_list()),
        ops_to_logits=ops, by_time_steps=by_time_steps, by_lstm_size=by_lstm_size)


def _same(shapes: list[tuple[int, ...]], shape: tuple[int, ...]) -> bool:
    return all(s == shape for s in shapes)


def document_000_claims(m: Document000Shapes) -> list[ClaimResult]:
    (t28, p28), (t7, p7) = m.by_time_steps[28], m.by_time_steps[7]
    shape64, p64 = m.by_lstm_size[64]
    time_step_claim = ClaimResult(
        "time_step_size_is_lstm_neurons", "000",
        "time_step_size (28) is the number of LSTM neurons",
        f"The neurons (units) come from lstm_size: kernel {list(m.kernel)} = [28 inputs + 28 "
        f"units, 4 x 28]. time_step_size only sets how many steps static_rnn unrolls: 28 -> "
        f"{t28} outputs, 7 -> {t7} outputs, with {p28:,} and {p7:,} cell parameters; "
        f"lstm_size 64 gives outputs {list(shape64)} and {p64:,} parameters.",
        holds_if(p28 != p7), f"T 28 -> 7: parameters {p28:,} -> {p7:,}")
    has_tanh = "Tanh" in m.ops_to_logits
    return [
        time_step_claim,
        ClaimResult(
            "static_rnn_outputs_list_of_T", "000",
            "static_rnn returns time_step_size (28) arrays of (batch_size, lstm_size)",
            f"outputs is a list of {len(m.output_shapes)} arrays, every one "
            f"{list(m.output_shapes[0])} for a batch of {BATCH} (lstm_size 28).",
            holds_if(len(m.output_shapes) == 28 and _same(m.output_shapes, (BATCH, 28))),
            f"{len(m.output_shapes)} x {list(m.output_shapes[0])}"),
        ClaimResult(
            "transpose_split_gives_rows", "000",
            "transpose -> reshape -> split gives 28 arrays of (128, 28), one per time step",
            f"X_split is {len(m.split_shapes)} arrays of {list(m.split_shapes[0])}, equal to "
            f"tf.unstack(X, 28, 1) (max |diff| {m.split_vs_unstack:g}): array t holds row t of "
            f"every image. The author asks why the transpose: without it the same reshape and "
            f"split hand step t pixels of other rows and images (max |diff| "
            f"{m.split_without_transpose:.2f} from row t).",
            holds_if(len(m.split_shapes) == 28 and _same(m.split_shapes, (BATCH, 28))
                     and m.split_vs_unstack == 0 and m.split_without_transpose > 0),
            f"28 x [{BATCH}, 28], == unstack"),
        ClaimResult(
            "state_size_is_c_and_h", "000",
            "model() returns lstm.state_size, the size of the state (to initialise it)",
            f"lstm.state_size is LSTMStateTuple(c={m.state_size[0]}, h={m.state_size[1]}): "
            "two vectors of lstm_size, not one number.",
            holds_if(m.state_size == (28, 28)), f"LSTMStateTuple(c={m.state_size[0]}, "
                                                 f"h={m.state_size[1]})"),
        ClaimResult(
            "B_has_the_dimensions_of_W", "000",
            "B, the bias, has the same dimensions as W",
            f"W is {list(m.W)}, B is {list(m.B)}: one bias per class, broadcast over the batch.",
            holds_if(m.B == m.W), f"W {list(m.W)}, B {list(m.B)}"),
        ClaimResult(
            "tanh_on_the_output", "000",
            "The output layer has a tanh activation (the comment '# tanh activation')",
            f"The ops between outputs[-1] and the logits are {', '.join(m.ops_to_logits)}: "
            f"{'a' if has_tanh else 'no'} Tanh; the logits go straight into the softmax "
            "cross-entropy.",
            holds_if(has_tanh), f"ops: {', '.join(m.ops_to_logits)}"),
    ]


@dataclass(frozen=True)
class Document002Shapes:
    inputs: list[list]  # static shapes of tf.unstack(x, 28, 1)
    output: list  # static shape of outputs[-1]
    variables_by_time_steps: dict[int, dict[str, tuple[int, ...]]]
    has_tf_static_rnn: bool
    has_tf_nn_static_rnn: bool


def measure_document_002(seed: int = 0) -> Document002Shapes:
    variables = {}
    for time_steps in (28, 1):
        reset_graph(seed)
        model = build_static_rnn_mnist(time_steps=time_steps)
        variables[time_steps] = _cell_parameters()
        if time_steps == 28:
            inputs = [t.get_shape().as_list() for t in static_rnn_inputs_by_unstack(model.x, 28)]
            output = model.outputs[-1].get_shape().as_list()
    return Document002Shapes(inputs, output, variables, hasattr(tf, "static_rnn"),
                             hasattr(tf.nn, "static_rnn"))


def document_002_claims(m: Document002Shapes) -> list[ClaimResult]:
    shared = m.variables_by_time_steps[28] == m.variables_by_time_steps[1]
    variables = ", ".join(f"{name} {list(shape)}" for name, shape in
                          m.variables_by_time_steps[28].items())
    return [
        ClaimResult(
            "static_rnn_inputs_list", "002",
            "static_rnn's inputs: a list of time_steps tensors of (batch_size, input_size)",
            f"tf.unstack(x, 28, 1) gives {len(m.inputs)} tensors {m.inputs[0]} "
            "(None: the batch), one image row per step.",
            holds_if(len(m.inputs) == 28 and all(s == [None, 28] for s in m.inputs)),
            f"{len(m.inputs)} x {m.inputs[0]}"),
        ClaimResult(
            "static_rnn_inputs_are_num_units", "002",
            "static_rnn's inputs are tensors of (batch_size, num_units)",
            f"They are {m.inputs[0]} = (batch_size, n_input); (batch_size, num_units) = "
            f"{m.output} is the shape of each OUTPUT.",
            holds_if(m.inputs[0] == m.output),
            f"inputs {m.inputs[0]}, outputs {m.output}".replace("None", "?")),
        ClaimResult(
            "tf_static_rnn_exists", "002",
            "The RNN is called as tf.static_rnn(cell, inputs)",
            f"TF1's API (tf.compat.v1) has tf.static_rnn: {m.has_tf_static_rnn}; "
            f"tf.nn.static_rnn: {m.has_tf_nn_static_rnn}. The document's own code calls "
            "rnn.static_rnn (tf.contrib.rnn).",
            holds_if(m.has_tf_static_rnn),
            f"tf.static_rnn exists: {m.has_tf_static_rnn}"),
        ClaimResult(
            "weights_shared_across_time_steps", "002",
            "The same parameters (U, V, W) are used at every time step",
            f"static_rnn over 28 steps creates one cell's variables: {variables}; over 1 step "
            f"exactly the same ({'equal' if shared else 'different'}): unrolling copies ops, "
            "not weights.",
            holds_if(shared), f"28 steps: {'same' if shared else 'other'} variables as 1"),
    ]
