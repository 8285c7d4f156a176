"""The equalities the explainer verifies numerically on one run, each with its max |diff|."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tf1_lstm.cells.kinds import layer_states, state_by_part, top_layer_h
from tf1_lstm.inspect.data import (
    DIFFER_THRESHOLD,
    EQUAL_TOLERANCE,
    REFERENCE_TOLERANCE,
    Check,
    InspectOptions,
)

# The checks


def _max_abs_diff(a: Any, b: Any) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def _equal(name: str, claim: str, diff: float, tolerance: float) -> Check:
    return Check(name, claim, diff, tolerance, diff <= tolerance)


def _differ(name: str, claim: str, diff: float) -> Check:
    return Check(name, claim, diff, DIFFER_THRESHOLD, diff > DIFFER_THRESHOLD, kind="differ")


def _flat_layers(states: list, kind: str) -> list[np.ndarray]:
    """Every state array of every layer ([c0, h0, c1, h1, ...] or [h0, h1, ...])."""
    return [array for state in states for array in state_by_part(state, kind).values()]


def checks_for(options: InspectOptions, outputs: Any, states: Any,
            row_states: Callable[[int], tuple[np.ndarray, list]]) -> tuple[Check, ...]:
    """Verify the outputs/states contract on this run's values.

    ``row_states(b)`` runs the same cell on row b alone, truncated to its sequence length,
    without sequence_length: an independent computation of what "copied through" must give.
    """
    # One [B, T, H] view of outputs whatever the mode, and names in the mode's own indexing.
    outputs_btH = np.stack(outputs, axis=1) if options.mode == "static" else outputs
    static = options.mode == "static"
    last_output = "outputs[-1]" if static else "outputs[:, -1, :]"
    output_at = "outputs[L-1][b]" if static else "outputs[b, L-1, :]"
    stacked = options.layers > 1
    per_layer = layer_states(states, stacked)
    prefix = "states[-1]" if stacked else "states"
    top = per_layer[-1]
    top_h = top_layer_h(states, options.cell, stacked)
    top_h_name = f"{prefix}.h" if options.is_lstm else prefix
    lengths = options.sequence_length
    valid_rows = [b for b in range(options.batch) if lengths is None or lengths[b] > 0]
    checks: list[Check] = []

    if lengths is None:
        checks.append(_equal("top_layer_h_is_last_output", f"{top_h_name} == {last_output}",
                             _max_abs_diff(top_h, outputs_btH[:, -1, :]), EQUAL_TOLERANCE))
    else:
        if valid_rows:
            diff = max(_max_abs_diff(top_h[b], outputs_btH[b, lengths[b] - 1]) for b in valid_rows)
            checks.append(_equal("top_layer_h_is_output_at_last_valid_step",
                                 f"{top_h_name}[b] == {output_at} for every row b with L > 0",
                                 diff, EQUAL_TOLERANCE))
        padding = np.arange(options.steps)[None, :] >= np.asarray(lengths)[:, None]  # [B, T]
        if padding.any():
            checks.append(_equal("outputs_are_zero_past_the_end",
                                 "outputs are exactly 0 at every t >= L (max |output| there)",
                                 _max_abs_diff(outputs_btH[padding], 0.0), 0.0))
        state_diff = output_diff = 0.0
        for b in range(options.batch):
            reference_outputs, reference_layers = row_states(b)
            ours = [array[b] for array in _flat_layers(per_layer, options.cell)]
            theirs = [array[0] for array in _flat_layers(reference_layers, options.cell)]
            pairs = zip(ours, theirs, strict=True)
            state_diff = max([state_diff] + [_max_abs_diff(x, y) for x, y in pairs])
            output_diff = max(output_diff, _max_abs_diff(outputs_btH[b, :lengths[b]],
                                                         reference_outputs[0]))
        scale = max(1.0, max(float(np.max(np.abs(a)))
                             for a in _flat_layers(per_layer, options.cell)))
        what = "every layer's c and h" if options.is_lstm else "every layer's state"
        checks.append(_equal(
            "states_are_copied_through_past_the_end",
            f"states (row b, {what}) == a run on row b alone truncated to its L steps",
            state_diff, REFERENCE_TOLERANCE * scale))
        checks.append(_equal(
            "outputs_before_the_end_match_the_truncated_run",
            f"{'outputs[t][b] for t < L' if static else 'outputs[b, :L]'} == the outputs of "
            "that truncated run", output_diff,
            REFERENCE_TOLERANCE * scale))

    if valid_rows and options.is_lstm:
        checks.append(_differ("c_and_h_differ", f"{prefix}.c != {prefix}.h (h = o * tanh(c))",
                              _max_abs_diff(top.c[valid_rows], top.h[valid_rows])))
    if valid_rows and options.layers > 1:
        lower = [state_by_part(state, options.cell)["h"] for state in per_layer[:-1]]
        field = ".h" if options.is_lstm else ""
        checks.append(_differ(
            "lower_layers_h_are_not_the_outputs",
            f"states[i]{field} != {top_h_name} for i < {options.layers - 1} (outputs carry "
            "only the top layer)",
            min(_max_abs_diff(h[valid_rows], top_h[valid_rows]) for h in lower)))
    return tuple(checks)


# ---------------------------------------------------------------------------------------------
