"""The hand-written cells compute what TensorFlow's built-in cells compute, and both compute
the float64 NumPy reference: the comparison matrix of ``tf1-lstm verify``, on a small matrix.

Each case restores ONE checkpoint written by the built-in graph into the hand-written graph
(the restore needs identical variable names and shapes), then compares outputs, final states
and gradients, and both graphs with NumPy. Random weights everywhere (biases and peephole
diagonals too), so a swapped gate, a misplaced forget_bias or a missing peephole term moves
the numbers by ~0.1, four orders of magnitude over the tolerances.

The small matrix below still has every value of every axis (checked by the last test).
"""

from __future__ import annotations

import pytest

from tf1_lstm.cells.kinds import is_lstm
from tf1_lstm.compat import reset_graph
from tf1_lstm.verify.compare import run_case
from tf1_lstm.verify.matrix import (
    CELLS,
    DTYPES,
    FORGET_BIASES,
    LAYERS,
    MODES,
    SHAPES,
    Case,
    full_matrix,
    quick_matrix,
)
from tf1_lstm.verify.table import BUILTIN_VS_NUMPY, HAND_VS_BUILTIN, HAND_VS_NUMPY

LSTM_CELLS = tuple(cell for cell in CELLS if is_lstm(cell))


def small_matrix() -> list[Case]:
    """Per LSTM cell: every mode x layers once; per GRU / simple RNN: static/dynamic x layers.

    The other axes rotate with different periods so they do not move in lockstep.
    """
    cases = []
    for cell in LSTM_CELLS:
        for n in range(6):
            cases.append(Case(cell, SHAPES[n % 4], FORGET_BIASES[(n // 2) % 3], n % 2 == 0,
                              LAYERS[n // 3], MODES[n % 3], DTYPES[(n // 2) % 2]))
    for cell in ("gru", "rnn"):
        for n in range(4):
            cases.append(Case(cell, SHAPES[n], None, n in (0, 3), LAYERS[n // 2],
                              ("static", "dynamic")[n % 2], DTYPES[int(n in (1, 2))]))
    return cases


SMALL_MATRIX = small_matrix()


@pytest.mark.parametrize("case", SMALL_MATRIX, ids=lambda c: f"{c.cell} {c.setting}")
def test_hand_cell_equals_builtin_cell_and_numpy_reference(case: Case, tmp_path):
    reset_graph()
    rows = run_case(case, tmp_path)
    assert [row.compared for row in rows] == [HAND_VS_BUILTIN, HAND_VS_NUMPY, BUILTIN_VS_NUMPY]
    for row in rows:
        assert row.passed, (f"{row.compared}: outputs {row.outputs:.2e}, states "
                            f"{row.states:.2e}, gradients {row.gradients}, tolerance "
                            f"{row.tolerance:g} / {row.gradient_tolerance}")
    assert rows[0].gradients is not None  # the hand vs built-in row measured the gradients


def _axis_values(cases: list[Case], cell: str) -> dict[str, set]:
    mine = [c for c in cases if c.cell == cell]
    return {
        "shape": {c.shape for c in mine}, "forget_bias": {c.forget_bias for c in mine},
        "sequence_length": {c.sequence_length for c in mine},
        "layers": {c.layers for c in mine}, "mode": {c.mode for c in mine},
        "dtype": {c.dtype for c in mine},
    }


@pytest.mark.parametrize("matrix", [SMALL_MATRIX, quick_matrix(), full_matrix()],
                         ids=["tests' small matrix", "verify --quick", "verify"])
def test_every_cell_meets_every_value_of_every_axis(matrix):
    reset_graph()
    for cell in CELLS:
        lstm = is_lstm(cell)
        assert _axis_values(matrix, cell) == {
            "shape": set(SHAPES),
            "forget_bias": set(FORGET_BIASES) if lstm else {None},
            "sequence_length": {False, True},
            "layers": set(LAYERS),
            "mode": set(MODES) if lstm else {"static", "dynamic"},
            "dtype": set(DTYPES),
        }, cell


def test_shapes_cover_batch_1_t_1_units_1_and_input_size_not_units():
    reset_graph()
    assert any(s.batch == 1 for s in SHAPES)
    assert any(s.steps == 1 for s in SHAPES)
    assert any(s.units == 1 for s in SHAPES)
    assert any(s.inputs != s.units for s in SHAPES)


def test_sequence_lengths_include_a_full_row_a_short_row_and_an_empty_row():
    reset_graph()
    case = Case("lstm", SHAPES[0], 1.0, True, 1, "dynamic", "float32")
    steps = case.shape.steps
    assert max(case.lengths) == steps and 0 in case.lengths
    assert any(0 < length < steps for length in case.lengths)
