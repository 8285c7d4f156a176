"""Document 001's claims about what ``outputs`` and ``states`` are, checked with tf1-lstm inspect.

    "Its state is split in two vectors: h(t) and c(t)"
    top_layer_h_state = states[-1][1]                                   (the top layer's h)
    multi-layer outputs: "not a tensor but a tuple, [batch_size, layers, max_time, units]"
    LSTM outputs: "[batch_size, max_time, (cell_state_size, hidden state size)]"
    states: each layer's last state, a tuple of (c, h) for LSTMs
    GRU: the two state vectors merged into one
    its printout of BasicRNNCell(5) on X_batch (a zero row, states[1] == outputs[1][0])

The structure comes from ``tf1_lstm.inspect.inspect_rnn``, which builds the graph, runs it
and measures the equalities (max |diff|).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tf1_lstm.claims.verdict import ClaimResult, Verdict, holds_if, scientific
from tf1_lstm.compat import tf
from tf1_lstm.inspect import inspect_rnn
from tf1_lstm.inspect.data import SEQUENCE_LENGTH_001, X_BATCH_001
from tf1_lstm.models.cells import make_cell

# Document 001's printout, copied digit for digit: outputs [4, 2, 5] and states [4, 5].
PRINTED_OUTPUTS = np.array([
    [[-0.9123188, 0.16516446, 0.5548655, -0.39159346, 0.20846416],
     [-1.0, 0.956726, 0.99831694, 0.99970174, 0.96518576]],
    [[-0.9998612, 0.6702289, 0.9723653, 0.6631046, 0.74457586],
     [0.0, 0.0, 0.0, 0.0, 0.0]],
    [[-0.99999976, 0.8967997, 0.9986295, 0.9647514, 0.93662],
     [-0.9999526, 0.9681953, 0.96002865, 0.98706263, 0.85459226]],
    [[-0.96435434, 0.99501586, -0.36150697, 0.9983378, 0.999497],
     [-0.9613586, 0.9568762, 0.7132288, 0.97729224, -0.0958299]]])
PRINTED_STATES = np.array([
    [-1.0, 0.956726, 0.99831694, 0.99970174, 0.96518576],
    [-0.9998612, 0.6702289, 0.9723653, 0.6631046, 0.74457586],
    [-0.9999526, 0.9681953, 0.96002865, 0.98706263, 0.85459226],
    [-0.9613586, 0.9568762, 0.7132288, 0.97729224, -0.0958299]])
INITIALISATIONS = 20  # random weight draws tried without sequence_length


def lengths_implied_by_printout(outputs: np.ndarray, states: np.ndarray) -> list[int | None]:
    """Per row b: the L such that states[b] == outputs[b, L-1] and outputs[b, L:] are all 0."""
    lengths: list[int | None] = []
    for b in range(outputs.shape[0]):
        found = None
        for length in range(outputs.shape[1], 0, -1):
            if (np.array_equal(states[b], outputs[b, length - 1])
                    and not np.any(outputs[b, length:])):
                found = length
                break
        lengths.append(found)
    return lengths


def smallest_output_without_length(initialisations: int = INITIALISATIONS, seed: int = 0
                                   ) -> float:
    """min over random weight draws of max |outputs[1, 1]| with no sequence_length."""

    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        x = tf.constant(np.asarray(X_BATCH_001, np.float32))
        outputs, _ = tf.nn.dynamic_rnn(make_cell("rnn", 5), x, dtype=tf.float32)
        initialise = tf.global_variables_initializer()
        with tf.Session() as session:
            largest = []
            for _ in range(initialisations):  # each run of the initialiser draws new weights
                session.run(initialise)
                largest.append(float(np.max(np.abs(session.run(outputs)[1, 1]))))
    return min(largest)


@dataclass(frozen=True)
class StatesMeasurement:
    lstm: object  # Inspection of 3 x BasicLSTMCell(150), 28 steps (document 001's model)
    gru: object  # Inspection of 3 x GRUCell(5) on X_batch (document 001's "multi-layer" case)
    rnn_with_length: object  # Inspection of BasicRNNCell(5), X_batch, sequence_length=[2,1,2,2]
    implied_lengths: list[int | None]
    smallest_without_length: float


def measure_states(seed: int = 0) -> StatesMeasurement:
    lstm = inspect_rnn(cell="lstm", layers=3, units=150, steps=28, inputs=28, batch=4, seed=seed)
    gru = inspect_rnn(cell="gru", layers=3, units=5, x_batch=X_BATCH_001, seed=seed)
    rnn = inspect_rnn(cell="rnn", x_batch=X_BATCH_001, sequence_length=SEQUENCE_LENGTH_001,
                      seed=seed)
    return StatesMeasurement(lstm, gru, rnn,
                             lengths_implied_by_printout(PRINTED_OUTPUTS, PRINTED_STATES),
                             smallest_output_without_length(seed=seed))


def _check(inspection, name: str):
    return next(check for check in inspection.checks if check.name == name)


def _shape(inspection, path: str) -> str:
    node = inspection.node(path)
    return f"{node.type_name} {list(node.shape)}" if node.shape else node.type_name


def states_claims(m: StatesMeasurement) -> list[ClaimResult]:
    lstm, gru = m.lstm, m.gru
    top = _check(lstm, "top_layer_h_is_last_output")
    c_h = _check(lstm, "c_and_h_differ")
    lower = _check(lstm, "lower_layers_h_are_not_the_outputs")
    gru_lower = _check(gru, "lower_layers_h_are_not_the_outputs")
    outputs_tree = lstm.node("outputs")
    top_c = lstm.layer_states[-1].c
    c_vs_outputs = float(np.max(np.abs(top_c - lstm.outputs[:, -1, :])))
    state_types = {lstm.node(f"states[{k}]").type_name for k in range(3)}
    gru_state = _shape(gru, "states[2]")
    gru_top_vs_output = float(np.max(np.abs(gru.layer_states[-1] - gru.outputs[:, -1, :])))
    return [
        ClaimResult(
            "lstm_state_is_c_and_h", "001",
            "An LSTM's state is split in two vectors: h(t), short-term, and c(t), long-term",
            f"Each BasicLSTMCell layer's state is {_shape(lstm, 'states[2]')}(c "
            f"{_shape(lstm, 'states[2].c')}, h {_shape(lstm, 'states[2].h')}); c and h differ "
            f"(max |c - h| {c_h.max_abs_diff:.3f}): h = o * tanh(c).",
            holds_if(state_types == {"LSTMStateTuple"} and c_h.passed), "LSTMStateTuple(c, h)"),
        ClaimResult(
            "states_last_h_is_top_layer_h", "001",
            "top_layer_h_state = states[-1][1] is the top layer's h",
            f"3 x BasicLSTMCell(150) over 28 steps, batch 4: max |states[-1][1] - "
            f"outputs[:, -1, :]| = {top.max_abs_diff:g}; the two lower layers' h differ from it "
            f"by at least {lower.max_abs_diff:.3f}.",
            holds_if(top.passed and lower.passed), f"max |diff| {top.max_abs_diff:g}"),
        ClaimResult(
            "multi_layer_outputs_is_a_tuple", "001",
            "For a multi-layer RNN/GRU, outputs is a tuple over layers: [batch_size, layers, "
            "max_time, units]",
            f"3 x GRUCell(5) on X_batch: outputs is ONE {_shape(gru, 'outputs')} holding only "
            f"the top layer (the lower layers' states differ from it by at least "
            f"{gru_lower.max_abs_diff:.3f}); only states has one entry per layer.",
            holds_if(gru.node("outputs").type_name != "Tensor"), _shape(gru, "outputs")),
        ClaimResult(
            "lstm_outputs_hold_c_and_h", "001",
            "For LSTM layers, outputs holds (c, h) at each step: [batch_size, max_time, "
            "(cell_state_size, hidden state size)]",
            f"outputs is ONE {outputs_tree.type_name} {list(outputs_tree.shape)}: the top "
            f"layer's h only (outputs[:, -1] == states[-1].h, max |diff| {top.max_abs_diff:g}; "
            f"vs states[-1].c {c_vs_outputs:.3f}).",
            holds_if(outputs_tree.type_name != "Tensor"),
            f"Tensor {list(outputs_tree.shape)}: h only"),
        ClaimResult(
            "states_one_per_layer", "001",
            "states keeps each layer's state after the last step; for LSTMs a tuple of (c, h) "
            "per layer",
            f"states is a {_shape(lstm, 'states')} of {lstm.node('states').length}, one "
            f"{lstm.node('states[0]').type_name}(c, h) per layer, bottom first, each "
            f"{list(lstm.node('states[0].c').shape)}: the batch is the inner axis, not the "
            "outer one the document writes.",
            holds_if(lstm.node("states").length == 3 and state_types == {"LSTMStateTuple"}),
            f"tuple of 3 LSTMStateTuple {list(lstm.node('states[0].c').shape)}"),
        ClaimResult(
            "gru_state_is_one_vector", "001",
            "A GRU merges the state into one vector",
            f"Each GRUCell layer's state is one {gru_state}, and the top one equals the last "
            f"output (max |diff| {gru_top_vs_output:g}); states[-1][1] on a GRU stack picks "
            "batch row 1, not an h.",
            holds_if(gru.node("states[2]").type_name == "Tensor" and gru_top_vs_output < 1e-6),
            f"one {gru_state}"),
        printed_outputs_claim(m),
    ]


def printed_outputs_claim(m: StatesMeasurement) -> ClaimResult:
    zero_past_end = _check(m.rnn_with_length, "outputs_are_zero_past_the_end")
    last_valid = _check(m.rnn_with_length, "top_layer_h_is_output_at_last_valid_step")
    reproduced = zero_past_end.passed and last_valid.passed
    needs_length = m.implied_lengths != [2, 2, 2, 2] and m.smallest_without_length > 0
    verdict = Verdict.DOES_NOT_HOLD if needs_length and reproduced else holds_if(not needs_length)
    return ClaimResult(
        "printed_outputs_from_plain_dynamic_rnn", "001",
        "Its printed outputs/states come from dynamic_rnn(BasicRNNCell(5), X_batch) as "
        "written (no sequence_length)",
        f"The printout itself implies lengths {m.implied_lengths} (states[b] == outputs[b, "
        f"L-1] exactly, and instance 2's t=1 row is exactly 0). Without sequence_length that "
        f"row is never 0: over {INITIALISATIONS} random weight draws its largest |value| was "
        f"at least {m.smallest_without_length:.3f}. With sequence_length=[2, 1, 2, 2] it is "
        f"exactly 0 (max |output| {zero_past_end.max_abs_diff:g}) and states == the last "
        f"valid outputs (max |diff| {scientific(last_valid.max_abs_diff)}).",
        verdict, "needs sequence_length=[2, 1, 2, 2]")
