"""tf.contrib.cudnn_rnn checkpoints read by the port: the cuDNN view (``port.cudnn_view``).

Every checkpoint is written by our TF1 world's CudnnLSTM / CudnnGRU / CudnnRNNTanh / Relu layers
(default Saver: the buffer and the CudnnCompatible cells' weights; ``Saver([layer.kernel])``:
the buffer alone, as TF 1.0 - 1.3 scripts saved it), or, for TF 1.x's GPU graphs and TF 1.3's
names, by hand. The claim checked numerically: the arrays the view presents, read by
``find_rnn`` and run through a float64 NumPy LSTM with forget_bias 0 (GRU: reset after the
matmul; RNN: tanh), give the layer's own outputs and final states in the TF1 graph (<= 1e-5).
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import sigmoid
from cudnn_rnn_support import run_pseudo_layers, save_random_layer

from tf1_lstm.compat import reset_graph, tf
from tf1_lstm.contrib import cudnn_rnn as cr
from tf1_lstm.port.checkpoint import open_checkpoint
from tf1_lstm.port.cudnn_refusals import CudnnNotPorted, refuse_cudnn
from tf1_lstm.port.cudnn_sizes import (
    BadCudnnOption,
    CudnnSizes,
    CudnnSizesMismatch,
    CudnnSizesUnknown,
    parse_cudnn_sizes,
    solve_sizes,
)
from tf1_lstm.port.cudnn_view import CudnnNameClash, cudnn_checkpoint
from tf1_lstm.port.tf1_rnn import find_rnn

LAYERS = {"lstm": cr.CudnnLSTM, "gru": cr.CudnnGRU, "rnn_tanh": cr.CudnnRNNTanh,
          "rnn_relu": cr.CudnnRNNRelu}
DIRECTIONS = {1: "unidirectional", 2: "bidirectional"}
T, B, I, H = 5, 3, 4, 6  # noqa: E741 - the symbols of the shapes: [T, B, I], H units


def save_layer(path, mode="lstm", layers=1, dirs=1, opaque_only=False, head=False):
    """A layer with a random buffer run on a random x [T, B, I]: (prefix, x, outputs, states)."""
    reset_graph()
    rng = np.random.default_rng(layers * 10 + dirs)
    x = rng.standard_normal((T, B, I)).astype(np.float32)
    layer = LAYERS[mode](layers, H, direction=DIRECTIONS[dirs])
    outputs, states = layer(tf.constant(x))
    if head:  # a dense head and an Adam slot of the buffer, named as a training script's
        tf.get_variable("softmax/kernel", [dirs * H, 10])
        tf.get_variable("softmax/bias", [10])
        tf.get_variable("cudnn_lstm/opaque_kernel/Adam", initializer=tf.zeros_like(
            layer.kernel.initialized_value()), validate_shape=False)
    buffer = rng.normal(scale=0.5, size=layer.saveable.format_converter.opaque_size())
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        session.run(tf.assign(layer.kernel, buffer.astype(np.float32), validate_shape=False))
        got = session.run((outputs, states))
        saver = tf.train.Saver([layer.kernel] if opaque_only else None)
        prefix = saver.save(session, str(path / "model.ckpt"))
    return prefix, x, *got


def save_arrays(path, arrays: dict[str, np.ndarray]) -> str:
    """A checkpoint holding ``arrays`` under exactly these names (any name: SaveV2 itself)."""
    reset_graph()
    names = list(arrays)
    save = tf.raw_ops.SaveV2(prefix=str(path / "model.ckpt"), tensor_names=names,
                             shape_and_slices=[""] * len(names),
                             tensors=[tf.constant(arrays[n]) for n in names])
    with tf.Session() as session:
        session.run(save)
    return str(path / "model.ckpt")


# --- NumPy references: the cells' equations, float64 ----------------------------------------

def lstm_step(x, h, c, arrays):  # CudnnCompatibleLSTMCell: i, j, f, o and no forget bias
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ arrays["kernel"] + arrays["bias"], 4, 1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(j)
    return sigmoid(o) * np.tanh(c), c


def rnn_step(x, h, c, arrays):  # BasicRNNCell (CudnnRNNTanh)
    return np.tanh(np.concatenate([x, h], 1) @ arrays["kernel"] + arrays["bias"]), c


def gru_step(x, h, c, a):  # CudnnCompatibleGRUCell: r multiplies (h R_h + b_Rh)
    r, u = np.split(sigmoid(np.concatenate([x, h], 1) @ a["gates/kernel"] + a["gates/bias"]),
                    2, 1)
    h_tilde = np.tanh(x @ a["candidate/input_projection/kernel"]
                      + a["candidate/input_projection/bias"]
                      + r * (h @ a["candidate/hidden_projection/kernel"]
                             + a["candidate/hidden_projection/bias"]))
    return (1 - u) * h_tilde + u * h, c


def run_stack(step, x, forward, backward=None):
    """outputs [T, B, D*H] and final (h, c) per pseudo-layer of a (bidirectional) stack whose
    layer k + 1 reads layer k's [fw, bw] outputs, as cuDNN's."""
    cells = [cell for k, fw in enumerate(forward)
             for cell in ([fw] if backward is None else [fw, backward[k]])]
    zeros = np.zeros((x.shape[1], H))
    steps = [lambda x_t, h, c, cell=cell: step(x_t, h, c, cell) for cell in cells]
    return run_pseudo_layers(x.astype(np.float64), steps, [(zeros, zeros)] * len(cells),
                             1 if backward is None else 2)


def assert_view_computes_the_layer(view, x, outputs, states, step=lstm_step, scope=None):
    model = find_rnn(view.shapes, view.read, scope=scope, dense="none")
    forward = [layer.arrays for layer in model.layers]
    backward = [layer.arrays for layer in model.backward] if model.backward else None
    got, h, c = run_stack(step, x, forward, backward)
    np.testing.assert_allclose(got, outputs, atol=1e-5, rtol=0)
    np.testing.assert_allclose(h, states[0], atol=1e-5, rtol=0)
    if step is lstm_step:
        np.testing.assert_allclose(c, states[1], atol=1e-5, rtol=0)
    return model


# --- the canonical weights a default Saver writes -------------------------------------------

@pytest.mark.parametrize("layers, dirs", [(1, 1), (2, 1), (1, 2), (2, 2)],
                         ids=["1 layer", "2 layers", "bidirectional", "2 bidirectional"])
def test_cudnn_compatible_lstm_cells_read_as_lstm_cells_with_forget_bias_zero(tmp_path, layers,
                                                                              dirs):
    prefix, x, outputs, states = save_layer(tmp_path, "lstm", layers, dirs, head=dirs == 1)
    view, facts = cudnn_checkpoint(open_checkpoint(prefix))
    model = assert_view_computes_the_layer(view, x, outputs, states)
    scopes = [layer.scope for layer in model.all_layers]
    assert all(scope.endswith("/lstm_cell") for scope in scopes) and len(scopes) == layers * dirs
    assert facts.forget_bias == dict.fromkeys(sorted(scopes), 0.0)
    assert "forget_bias 0.0" in " ".join(facts.lines) and "LSTMBlockCell" in " ".join(facts.lines)
    assert not [name for name in view.shapes if "opaque_kernel" in name or "cudnn" in name[6:]]
    (layer,) = facts.layers
    assert (layer.num_layers, layer.num_units, layer.input_size, layer.converted) == \
        (layers, H, I, False)
    if dirs == 1:  # the head is found, not the buffer or its slot
        head = find_rnn(view.shapes, view.read).dense
        assert (head.kernel_name, head.bias_name) == ("softmax/kernel", "softmax/bias")
        assert "cudnn_lstm/opaque_kernel/Adam" in facts.hidden


def test_a_layer_built_by_hand_has_its_cells_at_the_scope_around_it(tmp_path):
    save_random_layer("lstm", 2, 1, H, I, str(tmp_path / "model.ckpt"))  # build() at the top
    view, facts = cudnn_checkpoint(open_checkpoint(tmp_path / "model.ckpt"))
    assert sorted(view.shapes) == [f"rnn/multi_rnn_cell/cell_{k}/lstm_cell/{var}"
                                   for k in range(2) for var in ("bias", "kernel")]
    (layer,) = facts.layers
    assert (layer.scope, layer.buffer, layer.converted) == ("", "cudnn_lstm/opaque_kernel", False)


def test_a_checkpoint_without_cudnn_layers_is_returned_as_it_is(tmp_path):
    prefix = save_arrays(tmp_path, {"rnn/basic_rnn_cell/kernel": np.ones((7, 3), np.float32),
                                    "rnn/basic_rnn_cell/bias": np.ones(3, np.float32)})
    checkpoint = open_checkpoint(prefix)
    assert cudnn_checkpoint(checkpoint) == (checkpoint, None)


# --- the buffer saved alone ------------------------------------------------------------------

@pytest.mark.parametrize("layers, dirs", [(1, 1), (2, 2)], ids=["1 layer", "2 bidirectional"])
def test_a_buffer_saved_alone_is_converted_with_the_sizes_given(tmp_path, layers, dirs):
    prefix, x, outputs, states = save_layer(tmp_path, "lstm", layers, dirs, opaque_only=True)
    checkpoint = open_checkpoint(prefix)
    assert list(checkpoint.shapes) == ["cudnn_lstm/opaque_kernel"]
    given = parse_cudnn_sizes(f"lstm,layers={layers},units={H},input={I},{DIRECTIONS[dirs]}")
    view, facts = cudnn_checkpoint(checkpoint, given)
    assert_view_computes_the_layer(view, x, outputs, states)
    assert facts.layers[0].converted and "params_format" in facts.lines[0]
    solved, solved_facts = cudnn_checkpoint(checkpoint, parse_cudnn_sizes(
        f"lstm,units={H},input={I},{DIRECTIONS[dirs]}"))  # layers from the buffer's length
    assert solved.shapes == view.shapes and "solved from its length" in solved_facts.lines[0]


def test_a_buffer_saved_alone_without_sizes_names_the_option(tmp_path):
    prefix, *_ = save_layer(tmp_path, "lstm", 2, 1, opaque_only=True)
    with pytest.raises(CudnnSizesUnknown, match=r"default scope of a CudnnLSTM.*--cudnn MODE,"
                                                r"layers=L,units=H,input=I"):
        cudnn_checkpoint(open_checkpoint(prefix))
    with pytest.raises(CudnnSizesMismatch, match="no CudnnGRU .* has that many parameters"):
        cudnn_checkpoint(open_checkpoint(prefix), parse_cudnn_sizes(f"gru,layers=2,units={H},"
                                                                    f"input={I}"))


def save_gpu_checkpoint(path, name, buffer, build_gpu_graph) -> str:
    """The buffer saved under ``name`` with the .meta of a GPU graph (cuDNN ops have no CPU
    kernel, so that graph is only exported, never run)."""
    reset_graph()
    variable = tf.Variable(tf.zeros([1]), validate_shape=False, name=name)
    with tf.Session() as session:
        session.run(tf.assign(variable, buffer, validate_shape=False))
        prefix = tf.train.Saver([variable]).save(session, str(path), write_meta_graph=False)
    gpu_graph = tf.Graph()
    with gpu_graph.as_default():
        tf.train.Saver([build_gpu_graph()])
        tf.train.export_meta_graph(f"{prefix}.meta", graph=gpu_graph)
    return prefix


def test_a_gpu_graphs_cudnn_op_gives_the_sizes(tmp_path):
    """TF 1.x on a GPU: a CudnnRNN op reads the buffer; its x and h shapes give I, H and L."""
    prefix, x, outputs, states = save_layer(tmp_path / "cpu", "lstm", 2, 1, opaque_only=True)

    def gpu_graph():
        kernel = tf.get_variable("cudnn_lstm/opaque_kernel", initializer=tf.zeros([1]),
                                 validate_shape=False)
        h0 = tf.zeros([2, B, H])
        tf.raw_ops.CudnnRNN(input=tf.placeholder(tf.float32, [T, B, I]), input_h=h0,
                            input_c=h0, params=kernel, rnn_mode="lstm")
        return kernel

    buffer = open_checkpoint(prefix).read("cudnn_lstm/opaque_kernel")
    gpu_prefix = save_gpu_checkpoint(tmp_path / "gpu.ckpt", "cudnn_lstm/opaque_kernel", buffer,
                                     gpu_graph)
    view, facts = cudnn_checkpoint(open_checkpoint(gpu_prefix))
    assert_view_computes_the_layer(view, x, outputs, states)
    assert "read from gpu.ckpt.meta: CudnnRNN" in facts.lines[0]


def test_tf10_params_size_op_finds_a_buffer_the_script_named(tmp_path):
    """TF 1.0 - 1.3: params = tf.Variable(tf.random_uniform([model.params_size()]), ...)."""
    prefix, x, outputs, states = save_layer(tmp_path / "cpu", "lstm", 1, 1, opaque_only=True)

    def gpu_graph():
        size = tf.raw_ops.CudnnRNNParamsSize(
            num_layers=tf.constant(1), num_units=tf.constant(H), input_size=tf.constant(I),
            T=tf.float32, S=tf.int32, rnn_mode="lstm")
        return tf.Variable(tf.random_uniform(size), validate_shape=False, name="lstm_params")

    buffer = open_checkpoint(prefix).read("cudnn_lstm/opaque_kernel")
    old_prefix = save_gpu_checkpoint(tmp_path / "old.ckpt", "lstm_params", buffer, gpu_graph)
    view, facts = cudnn_checkpoint(open_checkpoint(old_prefix))
    assert_view_computes_the_layer(view, x, outputs, states)
    assert facts.layers[0].buffer == "lstm_params" and "CudnnRNNParamsSize" in facts.lines[0]


def test_buffer_length_formula_agrees_with_params_format():
    for mode in ("lstm", "gru", "rnn_tanh"):
        for dirs in (1, 2):
            for layers, units, inputs in [(1, 1, 1), (1, 5, 3), (3, 4, 2), (2, 7, 7)]:
                converter = {"lstm": cr.CudnnParamsFormatConverterLSTM,
                             "gru": cr.CudnnParamsFormatConverterGRU,
                             "rnn_tanh": cr.CudnnParamsFormatConverterTanh}[mode](
                    layers, units, inputs, direction=DIRECTIONS[dirs])
                length = converter.opaque_size()
                sizes = CudnnSizes(mode, inputs, direction=DIRECTIONS[dirs])
                assert (layers, units) in solve_sizes(length, sizes)
                assert solve_sizes(length, CudnnSizes(mode, inputs, layers, units,
                                                      DIRECTIONS[dirs])) == [(layers, units)]


def test_lengths_that_fit_several_sizes_or_none_are_errors(tmp_path):
    sizes = CudnnSizes("rnn_tanh", 1)
    length = next(n for n in range(10, 2000) if len(solve_sizes(n, sizes)) > 1)
    fits = solve_sizes(length, sizes)
    prefix = save_arrays(tmp_path, {"cudnn_rnn_tanh/opaque_kernel": np.zeros(length, np.float32)})
    checkpoint = open_checkpoint(prefix)
    with pytest.raises(CudnnSizesUnknown, match=f"layers={fits[0][0]},units={fits[0][1]}"):
        cudnn_checkpoint(checkpoint, sizes)
    with pytest.raises(CudnnSizesMismatch, match="has that many parameters"):
        cudnn_checkpoint(checkpoint, CudnnSizes("lstm", 1, num_layers=1))


# --- GRU, tanh, relu --------------------------------------------------------------------------

def test_cudnn_gru_names_are_kept_reported_and_read_as_reset_after_grus(tmp_path):
    prefix, x, outputs, states = save_layer(tmp_path / "all", "gru", 2, 1)
    canonical = open_checkpoint(prefix)
    view, facts = cudnn_checkpoint(canonical)
    assert set(view.shapes) == set(canonical.shapes) - {"cudnn_gru/opaque_kernel"}
    assert facts.gru_scopes == tuple(f"cudnn_gru/rnn/multi_rnn_cell/cell_{k}/"
                                     f"cudnn_compatible_gru_cell" for k in range(2))
    cells = [{var: view.read(f"{scope}/{var}") for var in (
        "gates/kernel", "gates/bias", "candidate/input_projection/kernel",
        "candidate/input_projection/bias", "candidate/hidden_projection/kernel",
        "candidate/hidden_projection/bias")} for scope in facts.gru_scopes]
    got, h, _ = run_stack(gru_step, x, cells)
    np.testing.assert_allclose(got, outputs, atol=1e-5, rtol=0)
    np.testing.assert_allclose(h, states[0], atol=1e-5, rtol=0)
    assert any("reset_after=True" in line for line in facts.lines)
    refuse_cudnn(facts, view.shapes)  # the port's cudnn_gru kind
    assert {layer.kind for layer in find_rnn(view.shapes, view.read).layers} == {"cudnn_gru"}
    alone, *_ = save_layer(tmp_path / "alone", "gru", 2, 1, opaque_only=True)
    converted, _ = cudnn_checkpoint(open_checkpoint(alone), parse_cudnn_sizes(f"gru,input={I}"))
    assert converted.shapes == view.shapes
    for name in view.shapes:  # the NumPy conversion writes what the saveable wrote
        np.testing.assert_allclose(converted.read(name), view.read(name), atol=1e-7)


def test_cudnn_rnn_tanh_reads_as_basic_rnn_cells_and_relu_is_refused(tmp_path):
    prefix, x, outputs, states = save_layer(tmp_path / "tanh", "rnn_tanh", 2, 1)
    view, facts = cudnn_checkpoint(open_checkpoint(prefix))
    model = assert_view_computes_the_layer(view, x, outputs, states, step=rnn_step)
    assert {layer.kind for layer in model.layers} == {"rnn"} and not facts.forget_bias
    refuse_cudnn(facts, view.shapes)  # tanh is ported
    prefix, *_ = save_layer(tmp_path / "relu", "rnn_relu", 1, 1)
    view, facts = cudnn_checkpoint(open_checkpoint(prefix))
    assert not [name for name in view.shapes if "basic_rnn_cell" in name]  # not read as tanh
    with pytest.raises(CudnnNotPorted, match="relu RNN, which no TF1 cell computes"):
        refuse_cudnn(facts, view.shapes)
    refuse_cudnn(facts, view.shapes, scope="encoder")  # --scope picks another stack


# --- TF 1.3's names, clashes, the option -----------------------------------------------------

def test_tf13_names_and_their_split_biases(tmp_path):
    kernel, bias = np.ones((I + H, 4 * H), np.float32), np.ones(4 * H, np.float32)
    cell = "multi_rnn_cell/cell_0/cudnn_compatible_lstm_cell"
    prefix = save_arrays(tmp_path, {f"{cell}/kernel": kernel, f"{cell}/bias": bias,
                                    f"{cell}/bias_cudnn_0": bias / 2,
                                    f"{cell}/bias_cudnn_1": bias / 2})
    view, facts = cudnn_checkpoint(open_checkpoint(prefix))
    assert sorted(view.shapes) == ["multi_rnn_cell/cell_0/lstm_cell/bias",
                                   "multi_rnn_cell/cell_0/lstm_cell/kernel"]
    assert facts.forget_bias == {"multi_rnn_cell/cell_0/lstm_cell": 0.0}
    assert "bias_cudnn" in facts.lines[-1]
    (layer,) = find_rnn(view.shapes, view.read).layers
    assert (layer.input_size, layer.units) == (I, H)


def test_a_name_the_view_would_give_twice_is_refused(tmp_path):
    arrays = {f"rnn/{cell}/{var}": np.zeros(shape, np.float32)
              for cell in ("lstm_cell", "cudnn_compatible_lstm_cell")
              for var, shape in (("kernel", (I + H, 4 * H)), ("bias", (4 * H,)))}
    with pytest.raises(CudnnNameClash, match="both rnn/cudnn_compatible_lstm_cell/kernel and "
                                             "rnn/lstm_cell/kernel"):
        cudnn_checkpoint(open_checkpoint(save_arrays(tmp_path, arrays)))


@pytest.mark.parametrize("text, expected", [
    ("lstm,layers=2,units=128,input=28", CudnnSizes("lstm", 28, 2, 128)),
    ("gru, input=3, bidirectional", CudnnSizes("gru", 3, direction="bidirectional")),
    ("rnn_tanh,input=5,buffer=enc/params", CudnnSizes("rnn_tanh", 5, buffer="enc/params")),
])
def test_the_cudnn_option_is_parsed(text, expected):
    assert parse_cudnn_sizes(text) == expected


@pytest.mark.parametrize("text, problem", [
    ("lstmp,input=3", "'lstmp' is not a cuDNN rnn_mode"),
    ("lstm,layers=2,units=128", "input=I is missing"),
    ("lstm,input=0", "input=0 is not a positive whole number"),
    ("lstm,input=3,depth=2", "'depth=2' is not one of"),
])
def test_a_bad_cudnn_option_says_what_is_wrong_and_the_form(text, problem):
    with pytest.raises(BadCudnnOption, match=rf"--cudnn '{text}': {problem}.*expected --cudnn "
                                             rf"MODE,layers=L,units=H,input=I"):
        parse_cudnn_sizes(text)
