"""TF1's naming eras: TF 0.12's and TF 1.0-1.1's RNN variable names read as TF 1.2+'s.

The old names are written out by hand from the TF sources that made them (TF 0.12's
``tensorflow/python/ops/rnn_cell.py``: scopes named after the class, ``_linear``'s
``Linear/Matrix`` and ``Linear/Bias``, LSTMCell's ``W_0``/``B``/``W_F_diag``/``W_P_0``,
``MultiRNNCell/Cell0``, ``RNN``, ``BiRNN/FW``; TF 1.0's ``core_rnn_cell_impl.py``: ``weights``
and ``biases``), and so are the TF 1.2+ names they must become (TF 1.15's ``rnn_cell_impl.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from checkpoint_eras_support import tf012_shards

from tf1_lstm.port.eras import (
    TF012,
    TF10,
    TF12,
    MixedEras,
    era_of,
    upgrade_names,
    upgraded_view,
)

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
UNCHANGED = ["rnn/basic_lstm_cell/kernel", "rnn/lstm_cell/w_f_diag", "RNN/softmax_w",
             "Variable", "global_step", "beta1_power", "embedding", "rnn/gru_cell/gates/kernel"]


@pytest.mark.parametrize("era, table", [(TF012, TF012_TO_TF12), (TF10, TF10_TO_TF12)],
                         ids=["TF 0.12", "TF 1.0-1.1"])
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
