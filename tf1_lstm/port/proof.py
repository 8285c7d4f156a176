"""The proof: the same random input through the TF1 source and the port, max |diff| of each.

Both sides name their results as the TF1 source does (``outputs``, ``state_k_c``,
``state_k_h``, ``logits``; see ``source_tf1``), so the comparison is by name: a target that
returned Keras' [h, c] in TF1's (c, h) order would show up here as a large difference.

The bound is 1e-5 in float32. Outputs and h lie in [-1, 1], so for them it is absolute. A
memory c or a logit can be larger, and float32 keeps about 7 significant digits, so an exact
port of a logit of 40 differs by ~1e-5 from rounding alone: for values beyond 1 in size the
bound grows with them (1e-5 relative) and the report says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-5  # float32: the same equations differ by rounding only (measured ~1e-7..2e-6)


@dataclass(frozen=True)
class Difference:
    name: str  # "outputs", "state_0_c", ...
    shape: tuple[int, ...]
    max_abs_diff: float  # inf if the target lacks it or has another shape
    scale: float  # max |source value|, at least 1: the bound is tolerance * scale

    @property
    def bound(self) -> float:
        return TOLERANCE * self.scale


@dataclass(frozen=True)
class Proof:
    differences: tuple[Difference, ...]

    @property
    def worst(self) -> float:
        return max(difference.max_abs_diff for difference in self.differences)

    @property
    def ok(self) -> bool:
        return all(d.max_abs_diff <= d.bound for d in self.differences)


def compare(source: dict[str, np.ndarray], target: dict[str, np.ndarray]) -> Proof:
    """max |source - target| for every result the source has."""
    differences = []
    for name, expected in source.items():
        got = target.get(name)
        if got is None or np.shape(got) != np.shape(expected):
            diff = math.inf
        else:
            diff = float(np.max(np.abs(np.asarray(got, np.float64) - expected), initial=0.0))
        scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
        differences.append(Difference(name, tuple(np.shape(expected)), diff, scale))
    return Proof(tuple(differences))


def describe(name: str) -> str:
    """'state_2_h' -> 'layer 2 final h'; 'state_0_bw_c' -> 'bw layer 0 final c'."""
    if name.startswith("state_"):
        _, layer, *direction, part = name.split("_")  # state_2_h, state_0_bw_c
        return f"{'bw ' if direction else ''}layer {layer} final {part}"
    return {"outputs": "outputs (top layer, every step)", "logits": "logits (dense head)"}.get(
        name, name)


def format_proof(proof: Proof, source_name: str, target_name: str) -> str:
    lines = []
    for d in proof.differences:
        scaled = f"  (bound {d.bound:.1e}: values up to {d.scale:.3g})" if d.scale > 1 else ""
        lines.append(f"  {describe(d.name):34} {str(list(d.shape)):16} "
                     f"max |diff| {d.max_abs_diff:.2e}{scaled}")
    verdict = (f"  OK: all within {TOLERANCE:g} (float32): the {target_name} port computes what "
               f"the {source_name} computes" if proof.ok else
               f"  FAILED: max |diff| {proof.worst:.3g} is beyond the bound {TOLERANCE:g}")
    return "\n".join([*lines, verdict])
