"""tf.contrib.rnn's TimeFreqLSTMCell, GridLSTMCell and BidirectionalGridLSTMCell on TF 2.21.

Three kinds of evidence: TF 1.15's own test numbers (``contrib/rnn/python/kernel_tests/
rnn_cell_test.py``, constant 0.5 initializer, its tolerances rtol = atol = 1e-6), TF 1.15's
variable names and shapes (read in its ``rnn_cell.py``), and, because a constant initializer
makes every unit and gate alike, a float64 NumPy grid written out here with random weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import names_and_shapes, variables
from numpy_grid_lstm import SIZE, SKIP, UNITS, WIDTH, numpy_grid, numpy_time_freq, weights_by_name

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib.rnn.grid_cells import (
    BidirectionalGridLSTMCell,
    FrequencyWindowError,
    GridLSTMCell,
    TimeFreqLSTMCell,
)

TF_X = np.array([[1.0] * 4, [2.0] * 4, [3.0] * 4], np.float32)          # TF's inputs [3, 4]
TF_X_RAMP = TF_X + np.array([0.0, 0.1, 0.2, 0.3], np.float32)            # the bidirectional one


def assert_tf_close(actual, expected) -> None:
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)  # TF's assertAllClose


def run(fetches):
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        return session.run(fetches)


def pairs(rows) -> np.ndarray:
    """TF's expected arrays list every value twice: its two units are alike under a constant
    initializer. Written here once each, in TF's order."""
    return np.repeat(np.array(rows), 2, axis=1)


def initialize_randomly(session, variable_list, seed: int = 1) -> None:
    """Normal(0, 0.5) values everywhere, biases included, loaded without new graph ops."""
    rng = np.random.default_rng(seed)
    for variable in variable_list:
        variable.load(rng.normal(scale=0.5, size=variable.shape.as_list()), session)


def constant_state(cell, batch: int = 3):
    value = tf.constant(0.1 * np.ones((batch, cell._num_units), np.float32))
    return cell.state_tuple_type(*[value] * len(cell.state_tuple_type._fields))


# --- TF 1.15's numbers -----------------------------------------------------------------------

def test_time_freq_lstm_cell_passes_tf115_smoke_test():
    """testTimeFreqLSTMCell: 3 windows of 2 of a 4-wide input, shapes and distinct rows."""
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        x = tf.zeros([3, 4])
        m = tf.zeros([3, 16 * 3])
        output, state = TimeFreqLSTMCell(num_units=8, feature_size=2, frequency_skip=1,
                                         forget_bias=1.0)(x, m)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        out, new_state = session.run([output, state], {x: TF_X, m: 0.1 * np.ones((3, 48))})
    assert out.shape == (3, 8 * 3) and new_state.shape == (3, 16 * 3)
    for i in (1, 2):
        assert np.linalg.norm(out[0] - out[i]) > 1e-6
        assert np.linalg.norm(new_state[0] - new_state[i]) > 1e-6


@pytest.mark.parametrize("blocks", [dict(num_frequency_blocks=[3]),
                                    dict(num_frequency_blocks=[1, 1], start_freqindex_list=[0, 2],
                                         end_freqindex_list=[2, 4])],
                         ids=["testGridLSTMCell", "testGridLSTMCellWithFrequencyBlocks"])
def test_grid_lstm_cell_passes_tf115_smoke_tests(blocks):
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        cell = GridLSTMCell(num_units=8, feature_size=2, frequency_skip=1, forget_bias=1.0,
                            couple_input_forget_gates=True, state_is_tuple=True, **blocks)
        output, state = cell(tf.constant(TF_X), constant_state(cell))
    out, new_state = run([output, state])
    total_blocks = sum(blocks["num_frequency_blocks"])
    assert out.shape == (3, 8 * total_blocks * 2)
    assert all(part.shape == (3, 8) for part in new_state)
    for i in (1, 2):
        assert np.linalg.norm(out[0] - out[i]) > 1e-6
        assert np.linalg.norm(new_state.state_f00_b00_c[0] - new_state.state_f00_b00_c[i]) > 1e-6


GRID_COUPLED_OUTPUT = pairs([[0.416383, 0.403238, 0.524020, 0.565425, 0.557865, 0.609699],
                             [0.627331, 0.622393, 0.688342, 0.708078, 0.694245, 0.715171],
                             [0.711050, 0.709197, 0.736533, 0.744264, 0.737390, 0.745250]])
GRID_COUPLED_STATE = pairs([[0.625556, 0.416383, 0.759134, 0.524020, 0.798795, 0.557865],
                            [0.875488, 0.627331, 0.936432, 0.688342, 0.941961, 0.694245],
                            [0.957327, 0.711050, 0.979522, 0.736533, 0.980245, 0.737390]])


@pytest.mark.parametrize("state_is_tuple", [False, True])
def test_grid_lstm_cell_with_coupled_gates_matches_tf115_numbers(state_is_tuple):
    """testGridLstmCellWithCoupledInputForgetGates, both state layouts."""
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        cell = GridLSTMCell(num_units=2, feature_size=2, frequency_skip=1, forget_bias=1.0,
                            num_frequency_blocks=[3], couple_input_forget_gates=True,
                            state_is_tuple=state_is_tuple)
        state = (constant_state(cell) if state_is_tuple
                 else tf.constant(0.1 * np.ones((3, 12), np.float32)))
        output, new_state = cell(tf.constant(TF_X), state)
    out, new_state = run([output, new_state])
    assert_tf_close(out, GRID_COUPLED_OUTPUT)
    if state_is_tuple:
        assert len(new_state) == 6 and all(part.shape == (3, 2) for part in new_state)
        new_state = np.concatenate(new_state, axis=1)
    assert_tf_close(new_state, GRID_COUPLED_STATE)


# Forward half of both TF tests, then the backward halves for slice offsets 0 and 1.
BIDI_FWD = (pairs([[0.464130, 0.419165, 0.593283, 0.738350, 0.661638, 0.866774],
                   [0.669636, 0.628966, 0.736057, 0.895927, 0.755559, 0.954359],
                   [0.751109, 0.711716, 0.778357, 0.940779, 0.784530, 0.980604]]),
            pairs([[0.710660, 0.464130, 0.877293, 0.593283, 0.958505, 0.661638],
                   [0.967579, 0.669636, 1.038811, 0.736057, 1.058201, 0.755559],
                   [1.053842, 0.751109, 1.079919, 0.778357, 1.085620, 0.784530]]))
BIDI_BWD = {
    0: (pairs([[0.520789, 0.476968, 0.604341, 0.760207, 0.635773, 0.850218],
               [0.692621, 0.652363, 0.737517, 0.899558, 0.745984, 0.946840],
               [0.759940, 0.720652, 0.778552, 0.941606, 0.781035, 0.977731]]),
        pairs([[0.785405, 0.520789, 0.890836, 0.604341, 0.928512, 0.635773],
               [0.993088, 0.692621, 1.040288, 0.737517, 1.048773, 0.745984],
               [1.062455, 0.759940, 1.080101, 0.778552, 1.082402, 0.781035]])),
    1: (pairs([[0.322645, 0.276068, 0.584654, 0.690292, 0.640446, 0.840071],
               [0.493625, 0.449236, 0.730828, 0.865996, 0.749429, 0.944958],
               [0.608587, 0.566683, 0.777345, 0.925820, 0.782597, 0.976858]]),
        pairs([[0.516575, 0.322645, 0.866628, 0.584654, 0.934002, 0.640446],
               [0.749836, 0.493625, 1.033488, 0.730828, 1.052186, 0.749429],
               [0.895999, 0.608587, 1.078978, 0.777345, 1.083843, 0.782597]])),
}


@pytest.mark.parametrize("offset", [0, 1], ids=["testBidirectionGridLSTMCell",
                                                "testBidirectionGridLSTMCellWithSliceOffset"])
def test_bidirectional_grid_lstm_cell_matches_tf115_numbers(offset):
    reset_graph()
    with tf.variable_scope("root", initializer=tf.constant_initializer(0.5)):
        cell = BidirectionalGridLSTMCell(
            num_units=2, feature_size=2, share_time_frequency_weights=True, frequency_skip=1,
            forget_bias=1.0, num_frequency_blocks=[3], backward_slice_offset=offset)
        output, state = cell(tf.constant(TF_X_RAMP), constant_state(cell))
    out, new_state = run([output, state])
    (fwd_output, fwd_state), (bwd_output, bwd_state) = BIDI_FWD, BIDI_BWD[offset]
    assert out.shape == (3, 2 * 3 * 4)
    assert_tf_close(out, np.concatenate([fwd_output, bwd_output], axis=1))
    assert len(new_state) == 12 and all(part.shape == (3, 2) for part in new_state)
    assert_tf_close(np.concatenate(new_state, axis=1),
                    np.concatenate([fwd_state, bwd_state], axis=1))


# --- TF 1.15's variable names, shapes and state fields ----------------------------------------

def _diag(lstms: str, gates: str, block: int = 0, units: int = 2) -> list:
    return [(f"W_{gate}_diag_{lstm}{seen}_{block}", [units])
            for lstm in lstms.split() for gate in gates for seen in "ft"]


NAME_CASES = {
    # H = 2, feature_size 3: rows F + 2H = 7, split 4 + 3 over two shards.
    "time_freq_peepholes_two_shards": (
        lambda: TimeFreqLSTMCell(2, use_peepholes=True, num_unit_shards=2, feature_size=3),
        "time_freq_lstm_cell",
        [("W_0", [4, 8]), ("W_1", [3, 8]), ("B", [8]),
         ("W_F_diag", [2]), ("W_I_diag", [2]), ("W_O_diag", [2])]),
    "grid_peepholes": (
        lambda: GridLSTMCell(2, use_peepholes=True, feature_size=3, frequency_skip=1,
                             num_frequency_blocks=[4]),
        "grid_lstm_cell",
        [("W_f_0_0", [7, 8]), ("B_f_0", [8]), ("W_t_0_0", [7, 8]), ("B_t_0", [8]),
         *_diag("freq time", "FIO")]),
    "grid_shared_coupled_peepholes": (
        lambda: GridLSTMCell(2, use_peepholes=True, share_time_frequency_weights=True,
                             couple_input_forget_gates=True, feature_size=3, frequency_skip=1,
                             num_frequency_blocks=[4]),
        "grid_lstm_cell",
        [("W_f_0_0", [7, 6]), ("B_f_0", [6]), *_diag("freq", "IO")]),
    "grid_two_blocks_two_shards": (
        lambda: GridLSTMCell(2, num_unit_shards=2, feature_size=3, frequency_skip=2,
                             num_frequency_blocks=[1, 2], start_freqindex_list=[0, 1],
                             end_freqindex_list=[3, 6]),
        "grid_lstm_cell",
        [(f"{name}_{block}{shard}", shape) for block in "01"
         for name, shard, shape in (("W_f", "_0", [4, 8]), ("W_f", "_1", [3, 8]),
                                    ("B_f", "", [8]), ("W_t", "_0", [4, 8]),
                                    ("W_t", "_1", [3, 8]), ("B_t", "", [8]))]),
    "bidirectional_peepholes": (
        lambda: BidirectionalGridLSTMCell(2, use_peepholes=True, feature_size=3,
                                          frequency_skip=1, num_frequency_blocks=[4]),
        "bidirectional_grid_lstm_cell",
        [(f"{direction}/{name}", shape) for direction in ("fwd", "bwd")
         for name, shape in (("W_f_0_0", [7, 8]), ("B_f_0", [8]), ("W_t_0_0", [7, 8]),
                             ("B_t_0", [8]), *_diag("freq time", "FIO"))]),
}


@pytest.mark.parametrize("case", NAME_CASES)
def test_variable_names_and_shapes_are_tf115s(case):
    make_cell, cell_name, expected = NAME_CASES[case]
    reset_graph()
    cell = make_cell()
    x = tf.zeros([3, 6])
    state = (tf.zeros([3, 16]) if isinstance(cell, TimeFreqLSTMCell)
             else cell.zero_state(3, tf.float32))
    with tf.variable_scope("root"):
        cell(x, state)
    assert names_and_shapes() == [(f"root/{cell_name}/{name}", shape)
                                  for name, shape in expected]
    assert [v.op.name for v in cell.trainable_variables] == [
        f"root/{cell_name}/{name}" for name, _ in expected]


def test_state_tuples_are_tf115s_namedtuples():
    grid = GridLSTMCell(2, feature_size=2, frequency_skip=1, num_frequency_blocks=[2, 1],
                        start_freqindex_list=[0, 2], end_freqindex_list=[3, 4])
    assert grid.state_tuple_type.__name__ == "GridLSTMStateTuple"
    assert grid.state_tuple_type._fields == (
        "state_f00_b00_c", "state_f00_b00_m", "state_f01_b00_c", "state_f01_b00_m",
        "state_f00_b01_c", "state_f00_b01_m")
    assert grid.state_size == grid.state_tuple_type(*[2] * 6) and grid.output_size == 12
    bidi = BidirectionalGridLSTMCell(2, feature_size=2, frequency_skip=1,
                                     num_frequency_blocks=[2])
    assert bidi.state_tuple_type.__name__ == "BidirectionalGridLSTMStateTuple"
    assert bidi.state_tuple_type._fields == tuple(
        f"{d}_state_f0{k}_b00_{p}" for d in ("fwd", "bwd") for k in "01" for p in "cm")
    assert bidi.output_size == 2 * 2 * 2 * 2
    flat = GridLSTMCell(2, num_frequency_blocks=[3], state_is_tuple=False)
    assert flat.state_tuple_type is None and flat.state_size == flat.output_size == 12
    # TF 1.15's TimeFreqLSTMCell declares one window's sizes (see its docstring).
    assert (TimeFreqLSTMCell(5).state_size, TimeFreqLSTMCell(5).output_size) == (10, 5)


# --- an independent float64 NumPy grid (tests/numpy_grid_lstm.py), random weights -----------

TWO_BLOCKS = dict(num_frequency_blocks=[2, 1], start_freqindex_list=[0, 3],
                  end_freqindex_list=[5, 7])
GRID_CASES = {
    "peepholes_clip_two_shards": dict(use_peepholes=True, cell_clip=0.6, num_unit_shards=2,
                                      forget_bias=0.5, num_frequency_blocks=[3]),
    "shared_coupled_peepholes": dict(use_peepholes=True, share_time_frequency_weights=True,
                                     couple_input_forget_gates=True, num_frequency_blocks=[3]),
    "two_blocks": TWO_BLOCKS,
    # TF 1.15 sliced a concatenated state at 2 k H in every block: block 1 reads block 0's.
    "two_blocks_concatenated_state": dict(state_is_tuple=False, **TWO_BLOCKS),
    "bidirectional_peepholes": dict(use_peepholes=True, num_frequency_blocks=[3]),
    "bidirectional_pad_front": dict(backward_slice_offset=-1, num_frequency_blocks=[3]),
    "bidirectional_pad_end_two_blocks": dict(backward_slice_offset=2, **TWO_BLOCKS),
}


@pytest.mark.parametrize("case", GRID_CASES)
def test_grid_cells_match_a_float64_numpy_grid(case):
    kwargs = GRID_CASES[case]
    bidirectional = case.startswith("bidirectional")
    cell_class = BidirectionalGridLSTMCell if bidirectional else GridLSTMCell
    reset_graph()
    rng = np.random.default_rng(7)
    cell = cell_class(UNITS, feature_size=SIZE, frequency_skip=SKIP, **kwargs)
    x = rng.normal(size=(3, WIDTH))
    state = tf.nest.map_structure(lambda s: rng.normal(size=(3, s)), cell.state_size)
    with tf.variable_scope("root"):
        output, new_state = cell(tf.constant(x), tf.nest.map_structure(tf.constant, state))
    cell_scope = "root/bidirectional_grid_lstm_cell" if bidirectional else "root/grid_lstm_cell"
    with tf.Session() as session:
        initialize_randomly(session, variables(cell_scope))
        actual = session.run((output, new_state))
        weights = weights_by_name(session, cell_scope)
    expected_output, expected_state = numpy_grid(x, state, weights, kwargs,
                                                 ("fwd", "bwd") if bidirectional else ("",))
    np.testing.assert_allclose(actual[0], expected_output, rtol=0, atol=1e-12)
    actual_state = actual[1] if kwargs.get("state_is_tuple", True) else [actual[1]]
    np.testing.assert_allclose(np.concatenate(actual_state, 1),
                               np.concatenate(expected_state, 1), rtol=0, atol=1e-12)


def test_time_freq_lstm_cell_matches_a_float64_numpy_reference():
    reset_graph()
    rng = np.random.default_rng(3)
    cell = TimeFreqLSTMCell(UNITS, use_peepholes=True, cell_clip=0.5, num_unit_shards=3,
                            forget_bias=0.3, feature_size=SIZE, frequency_skip=SKIP)
    windows = (WIDTH - SIZE) // SKIP + 1
    x, state = rng.normal(size=(3, WIDTH)), rng.normal(size=(3, 2 * UNITS * windows))
    with tf.variable_scope("root"):
        output, new_state = cell(tf.constant(x), tf.constant(state))
    with tf.Session() as session:
        initialize_randomly(session, variables("root"))
        actual = session.run((output, new_state))
        weights = weights_by_name(session, "root/time_freq_lstm_cell")
    expected = numpy_time_freq(x, state, weights, forget_bias=0.3, clip=0.5)
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(a, e, rtol=0, atol=1e-12)


# --- over time: unrolled, and gradients --------------------------------------------------------

# Two windows of 3 every 2 columns of a 5-wide input: enough for the frequency recurrence.
WINDOWS = dict(feature_size=SIZE, frequency_skip=SKIP)
GRADIENT_CASES = {
    "time_freq": lambda: TimeFreqLSTMCell(UNITS, use_peepholes=True, **WINDOWS),
    "grid": lambda: GridLSTMCell(UNITS, use_peepholes=True, num_frequency_blocks=[2], **WINDOWS),
    "grid_concatenated_state": lambda: GridLSTMCell(
        UNITS, couple_input_forget_gates=True, num_frequency_blocks=[2], state_is_tuple=False,
        **WINDOWS),
    "bidirectional": lambda: BidirectionalGridLSTMCell(
        UNITS, use_peepholes=True, num_unit_shards=2, num_frequency_blocks=[2],
        backward_slice_offset=1, **WINDOWS),
}


@pytest.mark.parametrize("case", GRADIENT_CASES)
def test_a_gradient_reaches_every_variable_over_two_steps(case):
    reset_graph()
    cell = GRADIENT_CASES[case]()
    x = tf.constant(np.random.default_rng(0).normal(size=(3, 2, 5)).astype(np.float32))
    if isinstance(cell, TimeFreqLSTMCell):  # its declared state_size is one window's
        outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1),
                                          initial_state=tf.zeros([3, 2 * UNITS * 2]))
        outputs = tf.stack(outputs, 1)
    else:                                   # the others unroll from zero_state as any cell
        outputs, state = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    loss = tf.reduce_sum(outputs * outputs) + sum(tf.reduce_sum(s) for s in tf.nest.flatten(state))
    trainable = tf.trainable_variables()
    assert trainable and cell.trainable_variables == trainable
    gradients = tf.gradients(loss, trainable)
    assert all(g is not None for g in gradients)
    norms = [tf.norm(g) for g in gradients]
    with tf.Session() as session:
        initialize_randomly(session, trainable)
        norms = session.run(norms)
    assert min(norms) > 0, dict(zip([v.op.name for v in trainable], norms, strict=True))


# --- errors ------------------------------------------------------------------------------------

def test_grid_without_num_frequency_blocks_says_what_to_pass():
    with pytest.raises(ValueError, match="Must specify num_frequency_blocks"):
        GridLSTMCell(2, feature_size=2, frequency_skip=1)


def test_grid_with_a_wrong_window_count_names_the_count_it_needs():
    reset_graph()
    cell = GridLSTMCell(2, feature_size=2, frequency_skip=1, num_frequency_blocks=[2])
    with pytest.raises(FrequencyWindowError, match="requires 3 but gets 2"):
        cell(tf.zeros([3, 4]), cell.zero_state(3, tf.float32))
