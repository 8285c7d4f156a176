"""TF1's naming eras: TF 0.x's and TF 1.0-1.4's RNN variable names read as TF 1.2+'s.

The old names are written out by hand from the TF sources that made them (TF 0.12's
``tensorflow/python/ops/rnn_cell.py``: scopes named after the class, ``_linear``'s
``Linear/Matrix`` and ``Linear/Bias``, LSTMCell's ``W_0``/``B``/``W_F_diag``/``W_P_0``,
``MultiRNNCell/Cell0``, ``RNN``, ``BiRNN/FW``; TF 1.0's ``core_rnn_cell_impl.py``: ``weights``
and ``biases``; the block cells' ``tensorflow/contrib/rnn/python/ops/lstm_ops.py`` and
``gru_ops.py`` at the release tags v0.10.0 to v1.4.0), and so are the TF 1.2+ names they must
become (TF 1.15's ``rnn_cell_impl.py``, ``lstm_ops.py``, ``gru_ops.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from checkpoint_eras_support import (
    gru_block_arrays,
    lstm_block_arrays,
    save_named_variables,
    tf012_shards,
)

from tf1_lstm.compat import tf
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.eras import (
    TF010,
    TF011,
    TF011_14,
    TF012,
    TF10,
    TF10_14,
    TF12,
    TF12_14,
    TF14,
    MixedEras,
    block_cell_facts,
    era_of,
    original_names,
    upgrade_checkpoint,
    upgrade_names,
    upgraded_view,
    without_peepholes,
)
from tf1_lstm.port.tf1_rnn import find_rnn

TF012_TO_TF12 = {
    # tf.nn.rnn / dynamic_rnn (scope "RNN") over MultiRNNCell([BasicLSTMCell] * 2)
    "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
    "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Bias":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
    "RNN/MultiRNNCell/Cell1/BasicLSTMCell/Linear/Matrix":
        "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel",
    # GRUCell: Gates (r, u) and Candidate, each a _linear
    "encoder/GRUCell/Gates/Linear/Matrix": "encoder/gru_cell/gates/kernel",
    "encoder/GRUCell/Gates/Linear/Bias": "encoder/gru_cell/gates/bias",
    "encoder/GRUCell/Candidate/Linear/Matrix": "encoder/gru_cell/candidate/kernel",
    "encoder/GRUCell/Candidate/Linear/Bias": "encoder/gru_cell/candidate/bias",
    "RNN/BasicRNNCell/Linear/Matrix": "rnn/basic_rnn_cell/kernel",
    # LSTMCell(use_peepholes=True, num_proj=P): its own names, no _linear
    "RNN/LSTMCell/W_0": "rnn/lstm_cell/kernel",
    "RNN/LSTMCell/B": "rnn/lstm_cell/bias",
    "RNN/LSTMCell/W_F_diag": "rnn/lstm_cell/w_f_diag",
    "RNN/LSTMCell/W_I_diag": "rnn/lstm_cell/w_i_diag",
    "RNN/LSTMCell/W_O_diag": "rnn/lstm_cell/w_o_diag",
    "RNN/LSTMCell/W_P_0": "rnn/lstm_cell/projection/kernel",
    # bidirectional_rnn's default scope
    "BiRNN/FW/BasicLSTMCell/Linear/Matrix": "bidirectional_rnn/fw/basic_lstm_cell/kernel",
    "BiRNN/BW/BasicLSTMCell/Linear/Bias": "bidirectional_rnn/bw/basic_lstm_cell/bias",
    # optimizer slots follow their variable
    "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix/Adam":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel/Adam",
    "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix/Adam_1":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel/Adam_1",
}
TF10_TO_TF12 = {
    "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/weights":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel",
    "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/biases":
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias",
    "rnn/gru_cell/gates/weights": "rnn/gru_cell/gates/kernel",
    "rnn/gru_cell/gates/biases": "rnn/gru_cell/gates/bias",
    "rnn/gru_cell/candidate/weights": "rnn/gru_cell/candidate/kernel",
    "rnn/gru_cell/candidate/biases": "rnn/gru_cell/candidate/bias",
    "rnn/basic_rnn_cell/weights": "rnn/basic_rnn_cell/kernel",
    "decoder/lstm_cell/weights": "decoder/lstm_cell/kernel",
    "decoder/lstm_cell/projection/weights": "decoder/lstm_cell/projection/kernel",
    "bidirectional_rnn/fw/lstm_cell/biases/RMSProp": "bidirectional_rnn/fw/lstm_cell/bias/RMSProp",
}
# the block cells of tf.contrib.rnn, by the era (release tags) that wrote each name
BLOCK_TO_TF12 = {
    TF010: {  # LSTMFusedCell (v0.10.0): scope the class name, W, b, wci, wcf, wco
        "RNN/LSTMFusedCell/W": "rnn/lstm_cell/kernel",
        "RNN/LSTMFusedCell/b": "rnn/lstm_cell/bias",
        "RNN/LSTMFusedCell/wci": "rnn/lstm_cell/w_i_diag"},
    TF011: {  # LSTMBlockCell (v0.11.0, v0.12.0): the same names, the class renamed
        "RNN/MultiRNNCell/Cell1/LSTMBlockCell/W": "rnn/multi_rnn_cell/cell_1/lstm_cell/kernel",
        "RNN/MultiRNNCell/Cell1/LSTMBlockCell/b": "rnn/multi_rnn_cell/cell_1/lstm_cell/bias",
        "RNN/LSTMBlockCell/wci": "rnn/lstm_cell/w_i_diag",
        "RNN/LSTMBlockCell/wcf": "rnn/lstm_cell/w_f_diag",
        "RNN/LSTMBlockCell/wco": "rnn/lstm_cell/w_o_diag",
        "BiRNN/FW/LSTMBlockCell/W/Adam": "bidirectional_rnn/fw/lstm_cell/kernel/Adam"},
    TF012: {  # LSTMBlockFusedCell (v0.12.0): LSTMCell's W_0, B, W_*_diag
        "LSTMBlockFusedCell/W_0": "lstm_fused_cell/kernel",
        "LSTMBlockFusedCell/B": "lstm_fused_cell/bias",
        "LSTMBlockFusedCell/W_I_diag": "lstm_fused_cell/w_i_diag",
        "LSTMBlockFusedCell/W_F_diag": "lstm_fused_cell/w_f_diag",
        "encoder/LSTMBlockFusedCell/W_O_diag/Momentum":
            "encoder/lstm_fused_cell/w_o_diag/Momentum"},
    TF10: {  # LSTMBlockFusedCell (v1.0.0, v1.1.0): LSTMBlockWrapper's scope
        "lstm_block_wrapper/weights": "lstm_fused_cell/kernel",
        "encoder/lstm_block_wrapper/biases": "encoder/lstm_fused_cell/bias"},
    TF12_14: {  # (v1.2.0 - v1.4.0)
        "lstm_block_wrapper/kernel": "lstm_fused_cell/kernel",
        "lstm_block_wrapper/bias/Adam_1": "lstm_fused_cell/bias/Adam_1"},
    TF10_14: {"lstm_block_wrapper/w_f_diag": "lstm_fused_cell/w_f_diag"},
    TF011_14: {  # GRUBlockCell (v0.11.0 - v1.4.0): scope the class name
        "rnn/multi_rnn_cell/cell_0/GRUBlockCell/w_ru": "rnn/multi_rnn_cell/cell_0/gru_cell/w_ru",
        "RNN/MultiRNNCell/Cell0/GRUBlockCell/b_ru": "rnn/multi_rnn_cell/cell_0/gru_cell/b_ru",
        "rnn/GRUBlockCell/w_c": "rnn/gru_cell/w_c",
        "rnn/GRUBlockCell/b_c": "rnn/gru_cell/b_c"},
    TF14: {  # GRUBlockCellV2 (v1.4.0): GRUCell's names under the class name
        "rnn/GRUBlockCellV2/gates/kernel": "rnn/gru_cell/gates/kernel",
        "rnn/GRUBlockCellV2/candidate/bias": "rnn/gru_cell/candidate/bias"},
}
UNCHANGED = ["rnn/basic_lstm_cell/kernel", "rnn/lstm_cell/w_f_diag", "RNN/softmax_w",
             "Variable", "global_step", "beta1_power", "embedding", "rnn/gru_cell/gates/kernel",
             # TF 1.5+'s block cells, a fused cell given scope="encoder", names no cell wrote
             "rnn/gru_cell/w_ru", "lstm_fused_cell/kernel", "encoder/weights",
             "LSTMBlockCell/W_0", "GRUBlockCell/gates/kernel", "lstm_block_wrapper/W"]


@pytest.mark.parametrize("era, table", [(TF012, TF012_TO_TF12), (TF10, TF10_TO_TF12),
                                        *BLOCK_TO_TF12.items()],
                         ids=["TF 0.12", "TF 1.0-1.1",
                              *(f"block cells of {era}" for era in BLOCK_TO_TF12)])
def test_every_old_cell_variable_gets_its_tf12_name(era, table):
    renamed = upgrade_names([*table, *UNCHANGED])
    assert {entry.old[0]: new for new, entry in renamed.items()} == table
    assert {entry.era for entry in renamed.values()} == {era}


def test_names_of_tf12_and_names_of_no_cell_are_left_alone():
    assert upgrade_names(UNCHANGED) == {}
    assert era_of(upgrade_names(UNCHANGED)) == TF12


def test_a_checkpoint_with_both_old_eras_is_of_the_oldest():
    renamed = upgrade_names(["RNN/BasicLSTMCell/Linear/Matrix", "rnn/gru_cell/gates/weights"])
    assert era_of(renamed) == TF012


def test_lstm_cells_row_shards_are_joined_in_order_into_one_kernel():
    kernel = np.arange(7 * 8, dtype=np.float32).reshape(7, 8)  # [I + H, 4H], 3 shards: 3, 2, 2
    shards = dict(zip(["RNN/LSTMCell/W_0", "RNN/LSTMCell/W_1", "RNN/LSTMCell/W_2"],
                      tf012_shards(kernel, 3), strict=True))
    assert [len(s) for s in shards.values()] == [3, 2, 2]
    shards["RNN/LSTMCell/W_2/Adam"] = np.zeros((2, 8), np.float32)
    renamed = upgrade_names(shards)
    assert renamed["rnn/lstm_cell/kernel"].old == ("RNN/LSTMCell/W_0", "RNN/LSTMCell/W_1",
                                                   "RNN/LSTMCell/W_2")
    shapes = {name: array.shape for name, array in shards.items()}
    view, read = upgraded_view(shapes, shards.__getitem__,
                               {"rnn/lstm_cell/kernel": renamed["rnn/lstm_cell/kernel"]})
    assert view == {"rnn/lstm_cell/kernel": (7, 8), "RNN/LSTMCell/W_2/Adam": (2, 8)}
    np.testing.assert_array_equal(read("rnn/lstm_cell/kernel"), kernel)


def test_a_variable_saved_under_its_old_and_its_new_name_is_refused():
    with pytest.raises(MixedEras, match="rnn/basic_lstm_cell/kernel .* two copies"):
        upgraded_view({"rnn/basic_lstm_cell/kernel": (5, 8), "rnn/basic_lstm_cell/weights": (5, 8)},
                      lambda name: None, upgrade_names(["rnn/basic_lstm_cell/weights"]))
    with pytest.raises(MixedEras, match="two copies of one variable"):
        upgrade_names(["RNN/LSTMCell/W_P_0", "rnn/lstm_cell/projection/weights"])


@pytest.mark.parametrize("names, era", [
    (["rnn/GRUBlockCell/w_ru"], TF011_14),
    (["rnn/GRUBlockCell/w_ru", "rnn/basic_lstm_cell/weights"], TF10),
    (["rnn/GRUBlockCell/w_ru", "RNN/BasicLSTMCell/Linear/Matrix"], TF011),
    (["lstm_block_wrapper/w_i_diag", "lstm_block_wrapper/kernel"], TF12_14),
    (["lstm_block_wrapper/w_i_diag", "lstm_block_wrapper/weights"], TF10),
    (["RNN/LSTMFusedCell/W", "RNN/BasicLSTMCell/Linear/Matrix"], TF010),
])
def test_the_era_is_the_releases_every_old_name_was_written_in(names, era):
    assert era_of(upgrade_names(names)) == era


def test_a_block_cell_and_an_lstm_cell_under_one_tf12_name_are_refused():
    with pytest.raises(MixedEras, match="rnn/lstm_cell/kernel"):
        upgrade_names(["RNN/LSTMCell/W_0", "RNN/LSTMBlockCell/W"])


def facts_of(names):
    return {(fact.scope, fact.argument): (fact.value, fact.known)
            for fact in block_cell_facts(upgrade_names(names))}


def test_tf010_and_tf011_peephole_variables_do_not_tell_whether_peepholes_were_used():
    # TF 0.11 created wci, wcf, wco whatever use_peephole was; TF 0.12 only when True
    lstm_block = [f"RNN/LSTMBlockCell/{name}" for name in ("W", "b", "wci", "wcf", "wco")]
    assert facts_of(lstm_block) == {("rnn/lstm_cell", "use_peephole"): (False, False),
                                    ("rnn/lstm_cell", "cell_clip"): (3.0, True)}
    assert facts_of(["LSTMFusedCell/W", "LSTMFusedCell/wcf"])[
        ("lstm_cell", "use_peephole")] == (False, False)
    # without them: TF 0.12's LSTMBlockCell(use_peephole=False), nothing left open
    assert facts_of(lstm_block[:2]) == {("rnn/lstm_cell", "cell_clip"): (3.0, True)}


def test_fused_cells_clipped_at_3_by_default_until_tf14_and_gru_block_cells_have_no_facts():
    assert facts_of(["LSTMBlockFusedCell/W_0", "LSTMBlockFusedCell/W_I_diag"]) == {
        ("lstm_fused_cell", "cell_clip"): (3.0, False)}
    assert facts_of(["enc/lstm_block_wrapper/weights"]) == {
        ("enc/lstm_fused_cell", "cell_clip"): (3.0, False)}
    assert facts_of(["lstm_block_wrapper/kernel"]) == {  # 3.0 in TF 1.2-1.3, none in 1.4
        ("lstm_fused_cell", "cell_clip"): (None, False)}
    assert facts_of(["rnn/GRUBlockCell/w_ru", "GRUBlockCellV2/gates/kernel",
                     "RNN/LSTMCell/W_0", "decoder/lstm_cell/weights"]) == {}
    assert "cell_clip unknown, no default" in block_cell_facts(
        upgrade_names(["lstm_block_wrapper/kernel"]))[0].line()


def test_without_peepholes_leaves_a_cells_peephole_variables_and_slots_under_old_names():
    names = [f"RNN/LSTMBlockCell/{name}" for name in ("W", "b", "wci", "wcf", "wco")]
    renamed = upgrade_names([*names, "RNN/LSTMBlockCell/wci/Adam", "x/LSTMBlockCell/wci"])
    kept = without_peepholes(renamed, ["rnn/lstm_cell"])
    assert sorted(kept) == ["rnn/lstm_cell/bias", "rnn/lstm_cell/kernel", "x/lstm_cell/w_i_diag"]


def test_original_names_give_the_one_old_variable_or_none_for_joined_shards():
    renamed = upgrade_names(["RNN/LSTMCell/W_0", "RNN/LSTMCell/W_1", "RNN/LSTMCell/B",
                             "RNN/LSTMCell/B/Adam", "rnn/GRUBlockCell/w_ru", "softmax_w"])
    assert original_names(renamed) == {"rnn/lstm_cell/kernel": None,
                                       "rnn/lstm_cell/bias": "RNN/LSTMCell/B",
                                       "rnn/lstm_cell/bias/Adam": "RNN/LSTMCell/B/Adam",
                                       "rnn/gru_cell/w_ru": "rnn/GRUBlockCell/w_ru"}
    assert original_names({}) == {}


# ---- checkpoints saved with the old names, read back through the port ---------------------

INPUTS, UNITS, CLASSES = 3, 4, 2
LSTM_NAMES = {"kernel": 0, "bias": 1, "w_i_diag": 2, "w_f_diag": 3, "w_o_diag": 4}
GRU_NAMES = {"gates/kernel": 0, "gates/bias": 1, "candidate/kernel": 2, "candidate/bias": 3}


def _cases(rng):
    """case -> (the arrays under their old names, era, stack, [(scope, kind, class, names)])."""
    cell0, cell1 = "RNN/MultiRNNCell/Cell0/LSTMBlockCell", "RNN/MultiRNNCell/Cell1/LSTMBlockCell"
    lstm011 = ("W", "b", "wci", "wcf", "wco")
    stack = {**lstm_block_arrays(cell0, lstm011, INPUTS, UNITS, rng),
             **lstm_block_arrays(cell1, lstm011, UNITS, UNITS, rng)}
    stack[f"{cell0}/W/Adam"] = np.zeros((INPUTS + UNITS, 4 * UNITS), np.float32)
    stack |= {"softmax_w": rng.standard_normal((UNITS, CLASSES)).astype(np.float32),
              "softmax_b": rng.standard_normal(CLASSES).astype(np.float32)}
    peephole = ("peephole", "LSTMCell", lstm011)
    fused = ("W_0", "B", "W_I_diag", "W_F_diag", "W_O_diag")
    gru = ("w_ru", "b_ru", "w_c", "b_c")
    return {
        "tf011_lstm_block_cell_stack": (stack, TF011, "rnn/multi_rnn_cell", [
            ("rnn/multi_rnn_cell/cell_0/lstm_cell", *peephole),
            ("rnn/multi_rnn_cell/cell_1/lstm_cell", *peephole)]),
        "tf010_lstm_fused_cell": (lstm_block_arrays(
            "RNN/LSTMFusedCell", lstm011, INPUTS, UNITS, rng), TF010, "rnn/lstm_cell",
            [("rnn/lstm_cell", *peephole)]),
        "tf012_lstm_block_fused_cell": (lstm_block_arrays(
            "LSTMBlockFusedCell", fused, INPUTS, UNITS, rng), TF012, "lstm_fused_cell",
            [("lstm_fused_cell", "peephole", "LSTMBlockFusedCell", fused)]),
        "tf10_lstm_block_wrapper": (lstm_block_arrays(
            "encoder/lstm_block_wrapper", ("weights", "biases"), INPUTS, UNITS, rng), TF10,
            "encoder/lstm_fused_cell",
            [("encoder/lstm_fused_cell", "lstm", "LSTMBlockFusedCell", ("weights", "biases"))]),
        "tf12_14_lstm_block_wrapper": (lstm_block_arrays(
            "lstm_block_wrapper", ("kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag"),
            INPUTS, UNITS, rng), TF12_14, "lstm_fused_cell",
            [("lstm_fused_cell", "peephole", "LSTMBlockFusedCell",
              ("kernel", "bias", "w_i_diag", "w_f_diag", "w_o_diag"))]),
        "tf011_14_gru_block_cell": (gru_block_arrays(
            "rnn/GRUBlockCell", gru, INPUTS, UNITS, rng), TF011_14, "rnn/gru_cell",
            [("rnn/gru_cell", "gru", "GRUCell", gru)]),
        "tf14_gru_block_cell_v2": (gru_block_arrays(
            "rnn/GRUBlockCellV2", tuple(GRU_NAMES), INPUTS, UNITS, rng), TF14, "rnn/gru_cell",
            [("rnn/gru_cell", "gru", "GRUCell", tuple(GRU_NAMES))]),
    }


CASES = _cases(np.random.default_rng(11))


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """case -> the prefix of its checkpoint, written by tf.train.Saver with its .meta."""
    folder = tmp_path_factory.mktemp("block_eras")
    for case, (arrays, *_) in CASES.items():
        save_named_variables(arrays, folder / f"{case}.ckpt")
    return {case: folder / f"{case}.ckpt" for case in CASES}


@pytest.mark.parametrize("case", CASES)
def test_an_old_block_cell_checkpoint_is_read_as_its_tf12_cells_bit_for_bit(saved, case):
    arrays, era, stack, layers = CASES[case]
    found, renamed = upgrade_checkpoint(open_checkpoint(saved[case]))
    assert era_of(renamed) == era
    model = find_rnn(found.shapes, found.read)
    assert model.stack == stack
    assert [(layer.scope, layer.kind, layer.cell_class) for layer in model.layers] == [
        (scope, kind, cell_class) for scope, kind, cell_class, _ in layers]
    old_name = original_names(renamed)
    for k, (layer, (*_, names)) in enumerate(zip(model.layers, layers, strict=True)):
        assert (layer.input_size, layer.units) == (UNITS if k else INPUTS, UNITS)
        for var, index in (GRU_NAMES if layer.kind == "gru" else LSTM_NAMES).items():
            if index >= len(names):
                assert var not in layer.arrays
                continue
            old = old_name[layer.variables[var]]
            assert old.endswith(f"/{names[index]}"), (var, old)
            assert layer.arrays[var].dtype == np.float32
            assert layer.arrays[var].tobytes() == arrays[old].tobytes(), (var, old)
    if "softmax_w" in arrays:
        assert model.dense.kernel_name == "softmax_w"


def test_each_ported_variables_old_name_is_a_variable_of_the_old_meta_graph(saved):
    found, renamed = upgrade_checkpoint(open_checkpoint(saved["tf011_lstm_block_cell_stack"]))
    ported = find_rnn(found.shapes, found.read).ported_variables
    with tf.Graph().as_default():
        tf.train.import_meta_graph(f"{saved['tf011_lstm_block_cell_stack']}.meta")
        graph_names = {variable.op.name for variable in tf.global_variables()}
    old = original_names(renamed)
    assert {old.get(name, name) for name in ported} <= graph_names
    assert old["rnn/multi_rnn_cell/cell_1/lstm_cell/w_o_diag"] == \
        "RNN/MultiRNNCell/Cell1/LSTMBlockCell/wco"


def test_a_tf011_cell_read_without_peepholes_leaves_wci_wcf_wco_out(saved):
    checkpoint = open_checkpoint(saved["tf011_lstm_block_cell_stack"])
    _, renamed = upgrade_checkpoint(checkpoint)
    unknown = [fact.scope for fact in block_cell_facts(renamed)
               if fact.argument == "use_peephole" and not fact.known]
    assert unknown == ["rnn/multi_rnn_cell/cell_0/lstm_cell",
                       "rnn/multi_rnn_cell/cell_1/lstm_cell"]
    found, _ = upgrade_checkpoint(checkpoint, without_peepholes_in=unknown)
    model = find_rnn(found.shapes, found.read)
    assert [layer.kind for layer in model.layers] == ["lstm", "lstm"]
    assert "RNN/MultiRNNCell/Cell0/LSTMBlockCell/wci" in found.shapes  # kept, not ported
    assert "RNN/MultiRNNCell/Cell0/LSTMBlockCell/wci" not in model.ported_variables
