"""The comparison matrix as data: which cells, shapes and settings ``tf1-lstm verify`` runs.

A ``Case`` is one point of the matrix: a cell kind, a shape [B, T, I] -> H, forget_bias (the
LSTMs only), with or without sequence_length, 1 or 3 layers, how the RNN is unrolled and the
graphs' dtype. Each case compares the hand-written graph with the built-in one (same
checkpoint) and both with the float64 NumPy reference.

The axes (every value of every axis appears in both matrices):

    cell             every kind of tf1_lstm.cells.kinds: lstm, peephole, gru, rnn
    shape            input size != units, batch 1, T = 1, units 1
    forget_bias      0, 1, 2.5                          (lstm and peephole)
    sequence_length  none, or rows that end at T, about T/2 and 0
    layers           1, or 3 in a MultiRNNCell
    mode             static_rnn, dynamic_rnn, and "projected" (lstm and peephole): the hand
                     LSTM's whole_sequence (one input matmul for all steps) vs dynamic_rnn
    dtype            float32 and float64 graphs

``full_matrix()`` is the whole product; ``quick_matrix()`` a covering subset in which each
value of each axis (and each cell with each other axis' values) still appears. Imports no
TensorFlow.
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass

from tf1_lstm.cells.kinds import CELL_KINDS, is_lstm

CELLS = tuple(CELL_KINDS)  # every kind of the vocabulary
FORGET_BIASES = (0.0, 1.0, 2.5)
LAYERS = (1, 3)
MODES = ("static", "dynamic", "projected")
DTYPES = ("float32", "float64")

# max |diff| of outputs and final states; max relative |diff| of gradients (float32: the brief's
# 1e-5 and 1e-4; float64: eight more digits than float32 leaves room for are not needed).
VALUE_TOLERANCE = {"float32": 1e-5, "float64": 1e-10}
GRADIENT_TOLERANCE = {"float32": 1e-4, "float64": 1e-8}
FINITE_DIFFERENCE_TOLERANCE = 1e-6  # float64 central differences, delta 1e-5


@dataclass(frozen=True)
class Shape:
    batch: int   # B
    steps: int   # T
    inputs: int  # I
    units: int   # H
    why: str     # which corner of the shapes this one covers

    def __str__(self) -> str:
        return f"B{self.batch} T{self.steps} I{self.inputs} H{self.units}"


SHAPES = (
    Shape(3, 5, 4, 6, "input size != units"),
    Shape(1, 4, 3, 3, "batch 1"),
    Shape(3, 1, 2, 4, "T = 1"),
    Shape(3, 4, 3, 1, "units 1"),
)


@dataclass(frozen=True)
class Case:
    cell: str                   # lstm | peephole | gru | rnn
    shape: Shape
    forget_bias: float | None   # None for gru and rnn (no forget gate)
    sequence_length: bool
    layers: int                 # 1, or N cells in a MultiRNNCell
    mode: str                   # static | dynamic | projected
    dtype: str                  # float32 | float64

    @property
    def lengths(self) -> list[int] | None:
        """One length per row: a full row, one ending about half way, one of length 0."""
        if not self.sequence_length:
            return None
        steps = self.shape.steps
        if self.shape.batch == 1:
            return [(steps + 1) // 2]
        pattern = (steps, (steps + 1) // 2, 0)
        return [pattern[row % 3] for row in range(self.shape.batch)]

    @property
    def setting(self) -> str:
        """e.g. 'B3 T5 I4 H6  fb 1  len 5,3,0  3 layers  static  f32'."""
        parts = [str(self.shape)]
        if self.forget_bias is not None:
            parts.append(f"fb {self.forget_bias:g}")
        parts.append("len " + (",".join(map(str, self.lengths)) if self.lengths else "-"))
        parts.append(f"{self.layers} layer" + ("s" if self.layers > 1 else ""))
        parts.append(self.mode)
        parts.append("f32" if self.dtype == "float32" else "f64")
        return "  ".join(parts)

    @property
    def seed(self) -> int:
        """Fresh random weights and inputs per case, the same in every run and matrix."""
        return zlib.crc32(f"{self.cell} {self.setting}".encode())

    @property
    def is_lstm(self) -> bool:
        return is_lstm(self.cell)


def _modes(cell: str) -> tuple[str, ...]:
    return MODES if is_lstm(cell) else ("static", "dynamic")


def _forget_biases(cell: str) -> tuple[float | None, ...]:
    return FORGET_BIASES if is_lstm(cell) else (None,)


def full_matrix(cells: tuple[str, ...] = CELLS) -> list[Case]:
    """Every combination of every axis."""
    return [
        Case(cell, shape, forget_bias, sequence_length, layers, mode, dtype)
        for cell in cells
        for shape, forget_bias, sequence_length, layers, mode, dtype in itertools.product(
            SHAPES, _forget_biases(cell), (False, True), LAYERS, _modes(cell), DTYPES)
    ]


def quick_matrix(cells: tuple[str, ...] = CELLS) -> list[Case]:
    """A covering subset: per cell, each mode x layers x sequence_length x dtype once.

    The shape and forget_bias rotate through their values from one case to the next (the
    shape shifted by one every 4 cases, so that each shape meets each sequence_length x dtype
    pair), so each cell still sees every shape and, for the LSTMs, every forget_bias.
    """
    cases = []
    for cell in cells:
        forget_biases = _forget_biases(cell)
        combos = itertools.product(_modes(cell), LAYERS, (True, False), DTYPES)
        for n, (mode, layers, sequence_length, dtype) in enumerate(combos):
            shape = SHAPES[(n + n // 4) % len(SHAPES)]
            cases.append(Case(cell, shape, forget_biases[n % len(forget_biases)],
                              sequence_length, layers, mode, dtype))
    return cases


def gradient_check_cases(cells: tuple[str, ...] = CELLS) -> list[Case]:
    """The finite-difference checks: float64, small shapes (each weight is perturbed twice)."""
    small = Shape(2, 3, 3, 2, "small: every weight is perturbed")
    cases = []
    for cell in cells:
        forget_bias = 2.5 if is_lstm(cell) else None
        cases.append(Case(cell, small, forget_bias, True, 1, "dynamic", "float64"))
        cases.append(Case(cell, small, forget_bias, False, 3, "static", "float64"))
        if is_lstm(cell):
            cases.append(Case(cell, small, forget_bias, True, 1, "projected", "float64"))
    return cases
