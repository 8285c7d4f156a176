"""tf.contrib.rnn on TF 2.21: TF1's variable names and checkpoints, the projection wrappers
and the stacked bidirectional RNNs, each checked against NumPy or the TF functions they
chain. Float32, tolerance 1e-5.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import (
    B,
    H,
    I,
    T,
    assert_all_close,
    copy_weights,
    initialize_randomly,
    inputs_batch_major,
    names_and_shapes,
    unroll,
    variables,
)

from tf1_lstm.compat import reset_graph, rnn, tf

# --- TF1's variable names, shapes and initial values; checkpoints ---------------------------

def _projected_static_rnn(wrapper):
    return lambda x: rnn.static_rnn(wrapper(rnn.BasicLSTMCell(H)), tf.unstack(x, T, 1),
                                    dtype=tf.float32)


def _stack(function, **kwargs):
    def build(x):
        cells = [rnn.BasicLSTMCell(H) for _ in range(4)]
        inputs = tf.unstack(x, T, 1) if function is rnn.stack_bidirectional_rnn else x
        return function(cells[:2], cells[2:], inputs, dtype=tf.float32, **kwargs)
    return build


LSTM = [[I + H, 4 * H], [4 * H]]
VARIABLE_CASES = {
    "OutputProjectionWrapper": (
        _projected_static_rnn(lambda cell: rnn.OutputProjectionWrapper(cell, 2)),
        [("rnn/output_projection_wrapper/basic_lstm_cell/kernel", LSTM[0]),
         ("rnn/output_projection_wrapper/basic_lstm_cell/bias", LSTM[1]),
         ("rnn/output_projection_wrapper/kernel", [H, 2]),
         ("rnn/output_projection_wrapper/bias", [2])]),
    "InputProjectionWrapper": (
        _projected_static_rnn(lambda cell: rnn.InputProjectionWrapper(cell, 3)),
        [("rnn/input_projection_wrapper/kernel", [I, 3]),
         ("rnn/input_projection_wrapper/bias", [3]),
         ("rnn/input_projection_wrapper/basic_lstm_cell/kernel", [3 + H, 4 * H]),
         ("rnn/input_projection_wrapper/basic_lstm_cell/bias", LSTM[1])]),
    "LSTMBlockCell": (
        lambda x: unroll("dynamic", rnn.LSTMBlockCell(H, use_peephole=True), x),
        [("rnn/lstm_cell/kernel", LSTM[0]), ("rnn/lstm_cell/bias", LSTM[1]),
         ("rnn/lstm_cell/w_i_diag", [H]), ("rnn/lstm_cell/w_f_diag", [H]),
         ("rnn/lstm_cell/w_o_diag", [H])]),
    "LSTMBlockFusedCell": (
        lambda x: rnn.LSTMBlockFusedCell(H)(tf.transpose(x, [1, 0, 2]), dtype=tf.float32),
        [("lstm_fused_cell/kernel", LSTM[0]), ("lstm_fused_cell/bias", LSTM[1])]),
    "GRUBlockCell": (
        lambda x: unroll("dynamic", rnn.GRUBlockCell(H), x),
        [("rnn/gru_cell/w_ru", [I + H, 2 * H]), ("rnn/gru_cell/b_ru", [2 * H]),
         ("rnn/gru_cell/w_c", [I + H, H]), ("rnn/gru_cell/b_c", [H])]),
    "GRUBlockCellV2": (
        lambda x: unroll("dynamic", rnn.GRUBlockCellV2(H), x),
        [("rnn/gru_cell/gates/kernel", [I + H, 2 * H]), ("rnn/gru_cell/gates/bias", [2 * H]),
         ("rnn/gru_cell/candidate/kernel", [I + H, H]), ("rnn/gru_cell/candidate/bias", [H])]),
    # TF1 passed the cell_{i} scope itself to static_bidirectional_rnn: no "bidirectional_rnn".
    "stack_bidirectional_rnn": (
        _stack(rnn.stack_bidirectional_rnn),
        [(f"stack_bidirectional_rnn/cell_{i}/{d}/basic_lstm_cell/{v}", shape)
         for i, depth in enumerate((I, 2 * H)) for d in ("fw", "bw")
         for v, shape in (("kernel", [depth + H, 4 * H]), ("bias", LSTM[1]))]),
    "stack_bidirectional_dynamic_rnn": (
        _stack(rnn.stack_bidirectional_dynamic_rnn),
        [(f"stack_bidirectional_rnn/cell_{i}/bidirectional_rnn/{d}/basic_lstm_cell/{v}", shape)
         for i, depth in enumerate((I, 2 * H)) for d in ("fw", "bw")
         for v, shape in (("kernel", [depth + H, 4 * H]), ("bias", LSTM[1]))]),
}


@pytest.mark.parametrize("name", VARIABLE_CASES)
def test_variable_names_and_shapes_are_tf1s(name):
    build, expected = VARIABLE_CASES[name]
    reset_graph()
    build(tf.constant(inputs_batch_major()))
    assert names_and_shapes() == expected


def test_initial_biases_are_tf1s_zeros_for_lstm_and_ones_for_gru_gates():
    reset_graph()
    x = tf.constant(inputs_batch_major())
    with tf.variable_scope("lstm"):
        unroll("dynamic", rnn.LSTMBlockCell(H), x)
    with tf.variable_scope("gru"):
        unroll("dynamic", rnn.GRUBlockCell(H), x)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        values = {v.op.name: session.run(v) for v in tf.global_variables()}
    assert not values["lstm/rnn/lstm_cell/bias"].any()
    assert (values["gru/rnn/gru_cell/b_ru"] == 1).all()
    assert not values["gru/rnn/gru_cell/b_c"].any()


def _dynamic(cell_factory):
    return lambda x: unroll("dynamic", cell_factory(), x)


def _fused_in_rnn_scope(name):
    def build(x):
        with tf.variable_scope("rnn"):
            outputs, state = rnn.LSTMBlockFusedCell(H, name=name)(tf.transpose(x, [1, 0, 2]),
                                                                  dtype=tf.float32)
        return tf.transpose(outputs, [1, 0, 2]), state
    return build


# TF1: "The weight and bias matrices should be compatible as long as the variable scope
# matches." LSTMCell's names are the block cells' defaults; BasicLSTMCell's need name=.
CHECKPOINT_CASES = {
    "LSTMCell->LSTMBlockCell": (
        lambda x: unroll("static", rnn.LSTMCell(H, use_peepholes=True, cell_clip=1.5), x),
        lambda x: unroll("static", rnn.LSTMBlockCell(H, use_peephole=True, cell_clip=1.5), x)),
    "BasicLSTMCell->LSTMBlockCell": (
        _dynamic(lambda: rnn.BasicLSTMCell(H)),
        _dynamic(lambda: rnn.LSTMBlockCell(H, name="basic_lstm_cell"))),
    "MultiRNNCell(LSTMCell)->MultiRNNCell(LSTMBlockCell)": (
        _dynamic(lambda: rnn.MultiRNNCell([rnn.LSTMCell(H) for _ in range(2)])),
        _dynamic(lambda: rnn.MultiRNNCell([rnn.LSTMBlockCell(H) for _ in range(2)]))),
    "GRUCell->GRUBlockCellV2": (
        _dynamic(lambda: rnn.GRUCell(H)), _dynamic(lambda: rnn.GRUBlockCellV2(H))),
    "BasicLSTMCell->LSTMBlockFusedCell": (
        _dynamic(lambda: rnn.BasicLSTMCell(H)), _fused_in_rnn_scope("basic_lstm_cell")),
}


@pytest.mark.parametrize("case", CHECKPOINT_CASES)
def test_core_cell_checkpoint_restores_into_block_cell_and_computes_the_same(case, tmp_path):
    build_core, build_block = CHECKPOINT_CASES[case]
    x = inputs_batch_major()
    reset_graph()
    fetches = build_core(tf.constant(x))
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        expected = session.run(fetches)
        path = tf.train.Saver().save(session, str(tmp_path / "core.ckpt"))
    reset_graph()
    fetches = build_block(tf.constant(x))
    with tf.Session() as session:
        tf.train.Saver().restore(session, path)   # fails on any name or shape mismatch
        assert_all_close(session.run(fetches), expected)


# --- projection wrappers ---------------------------------------------------------------------

def test_output_projection_is_cell_output_times_kernel_plus_bias():
    reset_graph()
    x = tf.constant(inputs_batch_major())
    with tf.variable_scope("reference"):
        cell_outputs, cell_state = unroll("static", rnn.BasicLSTMCell(H), x)
    with tf.variable_scope("wrapped"):
        wrapper = rnn.OutputProjectionWrapper(rnn.BasicLSTMCell(H), 2, activation=tf.tanh)
        outputs, state = unroll("static", wrapper, x)
    assert wrapper.output_size == 2 and outputs.shape.as_list() == [B, T, 2]
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        copy_weights(session, "wrapped/rnn/output_projection_wrapper/basic_lstm_cell",
                     "reference/rnn/basic_lstm_cell")
        projection = {v.op.name.split("/")[-1]: session.run(v)
                      for v in variables("wrapped/rnn/output_projection_wrapper/")
                      if "basic_lstm_cell" not in v.op.name}
        (outputs, state), (cell_outputs, cell_state) = session.run(
            ((outputs, state), (cell_outputs, cell_state)))
    assert_all_close(outputs, np.tanh(cell_outputs @ projection["kernel"] + projection["bias"]))
    assert_all_close(state, cell_state)   # the state is the cell's, not projected


def test_input_projection_feeds_x_times_kernel_plus_bias_to_the_cell():
    reset_graph()
    x_value = inputs_batch_major()
    with tf.variable_scope("wrapped"):
        wrapped = unroll("dynamic", rnn.InputProjectionWrapper(rnn.BasicLSTMCell(H), 3),
                         tf.constant(x_value))
    projected = tf.placeholder(tf.float32, [B, T, 3])
    with tf.variable_scope("reference"):
        expected = unroll("dynamic", rnn.BasicLSTMCell(H), projected)
    with tf.Session() as session:
        initialize_randomly(session, tf.global_variables())
        copy_weights(session, "reference/rnn/basic_lstm_cell",
                     "wrapped/rnn/input_projection_wrapper/basic_lstm_cell")
        kernel, bias = session.run(variables("wrapped/rnn/input_projection_wrapper/")[:2])
        expected = session.run(expected, {projected: x_value @ kernel + bias})
        assert_all_close(session.run(wrapped), expected)


def test_wrappers_refuse_what_is_not_a_cell():
    reset_graph()
    with pytest.raises(TypeError, match="not RNNCell"):
        rnn.OutputProjectionWrapper("not a cell", 2)
    with pytest.raises(ValueError, match="output_size must be > 0"):
        rnn.OutputProjectionWrapper(rnn.BasicLSTMCell(H), 0)


# --- stacked bidirectional RNNs --------------------------------------------------------------

def test_stack_bidirectional_outputs_are_2h_wide_with_one_state_per_layer():
    reset_graph()
    x = tf.constant(inputs_batch_major())
    outputs, states_fw, states_bw = _stack(rnn.stack_bidirectional_rnn)(x)
    assert len(outputs) == T and outputs[0].shape.as_list() == [B, 2 * H]
    assert len(states_fw) == len(states_bw) == 2
    outputs, states_fw, _ = _stack(rnn.stack_bidirectional_dynamic_rnn, scope="dyn")(x)
    assert outputs.shape.as_list() == [B, T, 2 * H]
    assert states_fw[1].h.shape.as_list() == [B, H]


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic"])
def test_stack_bidirectional_equals_hand_chained_bidirectional_rnns(dynamic):
    reset_graph()
    x = tf.constant(inputs_batch_major())
    lengths = np.array([T, 3, 1], np.int32)
    stack = rnn.stack_bidirectional_dynamic_rnn if dynamic else rnn.stack_bidirectional_rnn
    with tf.variable_scope("stack"):
        actual = _stack(stack, sequence_length=lengths)(x)
    layer_inputs, states_fw, states_bw = x if dynamic else tf.unstack(x, T, 1), [], []
    with tf.variable_scope("hand"):
        for layer in range(2):
            with tf.variable_scope(f"layer_{layer}"):
                cells = rnn.BasicLSTMCell(H), rnn.BasicLSTMCell(H)
                if dynamic:
                    outputs, (state_fw, state_bw) = tf.nn.bidirectional_dynamic_rnn(
                        *cells, layer_inputs, sequence_length=lengths, dtype=tf.float32)
                    layer_inputs = tf.concat(outputs, 2)
                else:
                    layer_inputs, state_fw, state_bw = rnn.static_bidirectional_rnn(
                        *cells, layer_inputs, sequence_length=lengths, dtype=tf.float32)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    expected = (layer_inputs, tuple(states_fw), tuple(states_bw))
    stack_names = [v.op.name for v in variables("stack")]
    with tf.Session() as session:
        initialize_randomly(session, variables("hand"))
        for stack_variable, hand_variable in zip(variables("stack"), variables("hand"),
                                                 strict=True):
            assert stack_variable.shape == hand_variable.shape
            session.run(tf.assign(stack_variable, hand_variable))
        assert_all_close(*session.run((actual, expected)))
    assert len(set(stack_names)) == 8   # 2 layers x (fw, bw) x (kernel, bias)


# --- the whole public surface -----------------------------------------------------------------

# Every @@name of TF 1.15's tensorflow/contrib/rnn/__init__.py docstring (remove_undocumented
# kept exactly these public), in its order.
TF115_CONTRIB_RNN = """
    RNNCell LayerRNNCell BasicRNNCell BasicLSTMCell GRUCell LSTMCell LSTMStateTuple
    DropoutWrapper MultiRNNCell DeviceWrapper ResidualWrapper
    EmbeddingWrapper InputProjectionWrapper OutputProjectionWrapper
    LayerNormBasicLSTMCell LSTMBlockWrapper LSTMBlockCell GRUBlockCell GRUBlockCellV2
    FusedRNNCell FusedRNNCellAdaptor TimeReversedFusedRNN LSTMBlockFusedCell
    CoupledInputForgetGateLSTMCell TimeFreqLSTMCell GridLSTMCell BidirectionalGridLSTMCell
    NASCell UGRNNCell IntersectionRNNCell PhasedLSTMCell ConvLSTMCell Conv1DLSTMCell
    Conv2DLSTMCell Conv3DLSTMCell HighwayWrapper GLSTMCell SRUCell IndRNNCell IndyGRUCell
    IndyLSTMCell AttentionCellWrapper CompiledWrapper
    static_rnn static_state_saving_rnn static_bidirectional_rnn
    stack_bidirectional_dynamic_rnn stack_bidirectional_rnn
    transpose_batch_time best_effort_input_batch_size
""".split()


def test_every_public_name_of_tf115_contrib_rnn_is_served_and_nothing_else():
    # TF 1.15 had these five in contrib/rnn/python/ops/rnn_cell.py without @@-listing them, so
    # only the private path reached them; tf.contrib.rnn serves them too.
    private_only = ["NTMCell", "CFNCell", "MinimalRNNCell", "LayerNormLSTMCell",
                    "WeightNormLSTMCell"]
    assert sorted(rnn.__all__) == sorted([*TF115_CONTRIB_RNN, *private_only])
    for name in rnn.__all__:
        getattr(rnn, name)  # each listed name really resolves


def test_core_names_are_the_very_classes_tf_nn_rnn_cell_serves():
    for name in ("RNNCell", "BasicLSTMCell", "LSTMCell", "GRUCell", "MultiRNNCell",
                 "LSTMStateTuple", "DropoutWrapper"):
        assert getattr(rnn, name) is getattr(tf.nn.rnn_cell, name), name
    assert issubclass(rnn.BasicLSTMCell, rnn.LayerRNNCell)


def test_transpose_batch_time_swaps_the_first_two_axes():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    with tf.Session() as session:
        swapped = session.run(rnn.transpose_batch_time(tf.constant(x)))
        unknown = tf.placeholder(tf.float32, [3, None, 4])
        run_time_batch = session.run(rnn.best_effort_input_batch_size([unknown]),
                                     {unknown: x.transpose(1, 0, 2)})
    np.testing.assert_array_equal(swapped, x.transpose(1, 0, 2))
    # time-major [T, B, I]: the batch is axis 1, static when known, else a tensor
    assert rnn.best_effort_input_batch_size([tf.constant(x.transpose(1, 0, 2))]) == 2
    assert run_time_batch == 2
