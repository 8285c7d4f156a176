"""TF 0.12 / 1.0 code under `tf1-lstm run`: old names, TF 0.x argument orders, repeated cells.

The spec is TF 1.0's own upgrade table (tf_upgrade.py, kept in tf1_lstm.legacy.tf_upgrade_table)
and TF 0.12's signatures. Numbers are checked against float64 NumPy written here (tolerance
1e-5). Most checks run on a facade of our own (history.install on a fresh TF1Facade); one
TF 0.12-style script runs through the runner in a new process.
"""

from __future__ import annotations

import json
import sysconfig
import types
from pathlib import Path

import numpy as np
import pytest
from conftest import run_python
from contrib_support import ATOL, initialize_randomly, names_and_shapes, sigmoid

import tf1_lstm.contrib.rnn
from tf1_lstm.bootstrap import tf2
from tf1_lstm.compat import rnn
from tf1_lstm.compat import tf as v1
from tf1_lstm.legacy import hints, history, notices, repeated_cells, shim
from tf1_lstm.legacy.tf012_summaries import TF012_SUMMARIES
from tf1_lstm.legacy.tf_upgrade_table import FUNCTION_RENAMES, TF_TABLE_ERRATA

SCRIPTS = Path(__file__).parent / "scripts" / "history"


def lookup(root, dotted: str):
    for part in dotted.split(".")[1:]:
        root = getattr(root, part)
    return root


@pytest.fixture
def tf(monkeypatch):
    """A facade like the runner's, with TF 0.12's names installed, in a fresh graph."""
    monkeypatch.setattr(notices, "_noted", set())
    contrib = types.ModuleType("tensorflow.contrib")
    contrib.rnn = tf1_lstm.contrib.rnn
    facade = shim.TF1Facade(tf2, contrib, types.ModuleType("tensorflow.examples"))
    history.install(facade)
    with v1.Graph().as_default():
        yield facade


def run(*tensors):
    with v1.Session() as session:
        session.run(v1.global_variables_initializer())
        return session.run(list(tensors))


def numpy_xent(logits, labels):
    shifted = logits - logits.max(1, keepdims=True)
    return -(labels * (shifted - np.log(np.exp(shifted).sum(1, keepdims=True)))).sum(1)


# --- the rename table ---------------------------------------------------------------------

def test_every_rename_of_tf_upgrade_reaches_its_tf10_target_or_stays_tf_compat_v1s(tf):
    for old, new in FUNCTION_RENAMES.items():
        if old.startswith("tf.contrib.") or old in TF_TABLE_ERRATA:
            continue
        served = lookup(tf, old)
        if hasattr(v1, old[3:]):  # still in tf.compat.v1: left as it is
            assert served is getattr(v1, old[3:]), old
        elif old in TF012_SUMMARIES:
            assert served.__wrapped__ is TF012_SUMMARIES[old], old
        else:  # namespaced: the target itself; top-level: our wrapper of it
            target = lookup(tf, new)
            assert served is target or served.__wrapped__ is target, old


def test_the_table_entries_tf_itself_got_wrong_are_not_served(tf):
    for old in ("tf.VARIABLES", "tf.batch_band_part", "tf.batch_set_diag"):
        assert old in TF_TABLE_ERRATA
        with pytest.raises(AttributeError):
            lookup(tf, old)


def test_tf012_math_names_compute_what_numpy_computes(tf):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 2, 3))
    mask = np.array([[True, False, True], [False, True, False]])
    got = run(tf.mul(a, b), tf.sub(a, b), tf.neg(a), tf.pack([a, b], axis=1),
              tf.unpack(np.stack([a, b]))[1], tf.select(mask, a, b), tf.inv(a),
              tf.batch_matmul(a[None], b[None], adj_x=True),  # [1, 3, 3]
              tf.batch_matmul(a[None], b[None], False, True),  # 0.12 positional adj_y
              tf.reverse_sequence(a, [3, 2], seq_dim=1, batch_dim=0))  # v1 still takes these
    reversed_rows = np.stack([a[0, ::-1], np.concatenate([a[1, 1::-1], a[1, 2:]])])
    expected = [a * b, a - b, -a, np.stack([a, b], 1), b, np.where(mask, a, b), 1 / a,
                (a.T @ b)[None], (a @ b.T)[None], reversed_rows]
    for value, reference in zip(got, expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=0, atol=ATOL)


# --- TF 0.x argument orders ----------------------------------------------------------------

def test_concat_and_split_in_tf0_order_equal_numpy_and_the_tf1_order_is_untouched(tf):
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3, 4))
    joined = np.concatenate([a, b], 1)
    got = run(tf.concat(1, [a, b]), tf.concat(concat_dim=0, values=[a, b]),
              tf.concat([a, b], 1), *tf.split(1, 2, joined),
              *tf.split(split_dim=0, num_split=3, value=joined), *tf.split(joined, 4, 1))
    expected = [joined, np.concatenate([a, b]), joined, a, b, *np.split(joined, 3),
                *np.split(joined, 4, 1)]
    for value, reference in zip(got, expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=0, atol=ATOL)
    with pytest.raises(ValueError, match="Shape must be rank 2"):
        tf.concat([a, b[None]], 1)  # a genuine TF 1.0 call keeps its TF error


def test_sparse_split_in_tf0_positional_order_splits_like_tf1_keywords(tf):
    sparse = tf.SparseTensor([[0, 0], [1, 3], [2, 5]], [1.0, 2.0, 3.0], [3, 6])
    old = tf.sparse_split(1, 2, sparse)
    new = tf.sparse_split(sp_input=sparse, num_split=2, axis=1)
    got = run(*[tf.sparse.to_dense(s) for s in old + new])
    for value, reference in zip(got[:2], got[2:], strict=True):
        np.testing.assert_array_equal(value, reference)
    assert got[0].shape == (3, 3) and got[1][2, 2] == 3.0


def test_positional_cross_entropies_are_tf012s_logits_first(tf):
    """TF 2.21's v1 functions would read these calls as (labels, logits): silently wrong."""
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(4, 3))
    labels = np.eye(3)[[0, 2, 1, 2]]
    targets = rng.uniform(size=(4, 3))
    got = run(tf.nn.softmax_cross_entropy_with_logits(logits, labels),
              tf.nn.sparse_softmax_cross_entropy_with_logits(logits, np.array([0, 2, 1, 2])),
              tf.nn.sigmoid_cross_entropy_with_logits(logits, targets),
              tf.nn.sigmoid_cross_entropy_with_logits(logits=logits, targets=targets),
              tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    sigmoid_xent = -(targets * np.log(sigmoid(logits)) + (1 - targets) * np.log(sigmoid(-logits)))
    expected = [numpy_xent(logits, labels)] * 2 + [sigmoid_xent] * 2 + [numpy_xent(logits, labels)]
    for value, reference in zip(got, expected, strict=True):
        np.testing.assert_allclose(value, reference, rtol=0, atol=ATOL)


def test_a_library_calling_positionally_keeps_tf2s_labels_first(tf):
    """Only the script's own code is a TF 0.x caller; site-packages keeps today's meaning."""
    logits, labels = np.array([[2.0, 0.5, -1.0]]), np.array([[0.2, 0.3, 0.5]])
    library_file = str(Path(sysconfig.get_paths()["purelib"]) / "some_library" / "losses.py")
    call = compile("tf.nn.softmax_cross_entropy_with_logits(labels, logits)", library_file, "eval")
    from_library, from_script = run(eval(call, {"tf": tf, "labels": labels, "logits": logits}),
                                    tf.nn.softmax_cross_entropy_with_logits(logits, labels))
    np.testing.assert_allclose(from_library, numpy_xent(logits, labels), rtol=0, atol=ATOL)
    np.testing.assert_allclose(from_script, numpy_xent(logits, labels), rtol=0, atol=ATOL)


def test_each_emulated_name_notes_once_and_tf1_calls_note_nothing(tf, capsys):
    a = np.ones((2, 2))
    tf.concat([a, a], 1), tf.split(a, 2, 1), tf.nn.softmax_cross_entropy_with_logits(
        labels=a, logits=a)
    assert capsys.readouterr().err == ""
    for _ in range(3):
        tf.mul(a, a), tf.concat(1, [a, a]), tf.train.SummaryWriter  # noqa: B018
    assert capsys.readouterr().err.splitlines() == [
        "tf1-lstm: note: tf.mul is TF 0.x; ran it as tf.multiply",
        "tf1-lstm: note: tf.concat(concat_dim, values, name) is TF 0.x's argument order; "
        "ran it as tf.concat(values, axis, name)",
        "tf1-lstm: note: tf.train.SummaryWriter is TF 0.x; ran it as tf.summary.FileWriter"]


def test_a_concat_the_facade_does_not_route_keeps_the_hint(tf, tensorflow_frames):
    a = v1.placeholder(v1.float32, [None, 3])
    with pytest.raises((TypeError, ValueError)) as raised:
        v1.concat(1, [a, a])  # tf.compat.v1 itself, not the facade
    assert hints.hint_for(raised.value) == hints.CONCAT_ORDER_HINT


def test_int_of_a_one_element_array_gets_the_numpy1_hint_and_other_type_errors_none():
    with pytest.raises(TypeError) as raised:
        int(np.argmax(np.array([[0.1, 0.7, 0.2]]), axis=1))  # translate.py's decode
    assert hints.hint_for(raised.value) == hints.NUMPY1_SCALAR_HINT
    with pytest.raises(TypeError) as other:
        int([1])
    assert hints.hint_for(other.value) is None


# --- moved names and TF 0.12's summaries ---------------------------------------------------

def test_tf012_rnn_names_are_tf12s_and_seq2seq_names_its_tf10_home(tf):
    assert tf.nn.rnn is v1.nn.static_rnn
    assert tf.nn.bidirectional_rnn is v1.nn.static_bidirectional_rnn
    assert tf.nn.rnn_cell.BasicLSTMCell is v1.nn.rnn_cell.BasicLSTMCell
    assert tf.nn.rnn_cell.OutputProjectionWrapper is rnn.OutputProjectionWrapper
    with pytest.raises(history.LegacyNameError, match="moved it to tf.contrib.legacy_seq2seq"):
        tf.nn.seq2seq  # noqa: B018
    tf.contrib.legacy_seq2seq = seq2seq = types.ModuleType("legacy_seq2seq")
    assert tf.nn.seq2seq is seq2seq  # the same module, once the shim serves it


def test_a_tf012_rnn_cell_name_follows_whatever_contrib_rnn_serves(tf):
    tf.contrib.rnn = types.ModuleType("tensorflow.contrib.rnn")  # a contrib.rnn without it
    with pytest.raises(history.LegacyNameError, match="moved it to tf.contrib.rnn.EmbeddingW"):
        tf.nn.rnn_cell.EmbeddingWrapper  # noqa: B018
    tf.contrib.rnn.EmbeddingWrapper = wrapper = type("EmbeddingWrapper", (), {})
    assert tf.nn.rnn_cell.EmbeddingWrapper is wrapper


def test_tf012_summaries_keep_their_tags_where_tf_summary_prefixes_the_scope(tf):
    loss = tf.constant(0.25)
    with tf.name_scope("train"):
        tf.scalar_summary("loss", loss)
        tf.scalar_summary(["a", "b"], tf.constant([1.0, 2.0]))  # 0.12: a tensor of tags
        tf.summary.scalar("loss", loss)
        tf.image_summary("digits", tf.zeros([2, 4, 4, 1]), max_images=2)
        tf.histogram_summary("weights", tf.constant([1.0, 2.0, 2.0]))
        tf.audio_summary("voice", tf.zeros([1, 80]), 8000)
    merged = tf.merge_all_summaries()
    summary = tf.Summary.FromString(run(merged)[0])
    values = {value.tag: value for value in summary.value}
    assert sorted(values) == ["a", "b", "digits/image/0", "digits/image/1", "loss",
                              "train/loss", "voice/audio/0", "weights"]
    assert (values["loss"].simple_value, values["b"].simple_value) == (0.25, 2.0)
    assert values["weights"].histo.num == 3 and values["digits/image/0"].image.height == 4
    assert values["voice/audio/0"].audio.sample_rate == 8000


# --- MultiRNNCell([cell] * n) --------------------------------------------------------------

def numpy_lstm_stack(x, weights, units: int, forget_bias: float = 1.0):
    """Float64 BasicLSTMCell layers over x [B, T, I]; weights = [(kernel, bias), ...]."""
    layer_input = x.astype(np.float64)
    for kernel, bias in weights:
        c = h = np.zeros((x.shape[0], units))
        outputs = []
        for step in range(x.shape[1]):
            gates = np.concatenate([layer_input[:, step], h], 1) @ kernel + bias
            i, j, f, o = np.split(gates, 4, 1)
            c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
            h = np.tanh(c) * sigmoid(o)
            outputs.append(h)
        layer_input = np.stack(outputs, 1)  # [B, T, H]
    return layer_input


def stack_of(kind: str, units: int):
    if kind == "one cell object":
        return [rnn.BasicLSTMCell(units)] * 3
    if kind == "one dropout wrapper":
        return [rnn.DropoutWrapper(rnn.BasicLSTMCell(units), output_keep_prob=1.0)] * 3
    inner = rnn.BasicLSTMCell(units)  # "wrappers of one cell"
    return [rnn.DropoutWrapper(inner, output_keep_prob=1.0) for _ in range(3)]


@pytest.mark.parametrize("kind", ["one cell object", "one dropout wrapper", "wrappers of one cell"])
def test_a_repeated_cell_that_fails_when_shared_gets_tf10_weights_per_layer(kind):
    """Input depth 3 != 5 units: TF 1.2+ fails, TF 1.0 had three sets of weights."""
    with v1.Graph().as_default():
        x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype(np.float32)
        stack = rnn.MultiRNNCell(stack_of(kind, 5))
        assert repeated_cells.give_each_layer_its_own_weights(stack, 3)
        outputs, _ = v1.nn.dynamic_rnn(stack, x, dtype=v1.float32)
        layers = names_and_shapes()
        with v1.Session() as session:
            initialize_randomly(session, v1.trainable_variables())
            got, weights = session.run([outputs, v1.trainable_variables()])
    assert layers == [(f"rnn/multi_rnn_cell/cell_{n}/basic_lstm_cell/{name}", shape)
                      for n, depth in enumerate([3, 5, 5])
                      for name, shape in [("kernel", [depth + 5, 20]), ("bias", [20])]]
    reference = numpy_lstm_stack(x, list(zip(weights[::2], weights[1::2], strict=True)), 5)
    np.testing.assert_allclose(got, reference, rtol=0, atol=ATOL)


def test_a_repeated_cell_that_works_when_shared_keeps_one_set_of_weights():
    with v1.Graph().as_default():
        stack = rnn.MultiRNNCell([rnn.BasicLSTMCell(5)] * 3)
        assert not repeated_cells.give_each_layer_its_own_weights(stack, 5)
        v1.nn.dynamic_rnn(stack, np.ones((2, 4, 5), np.float32), dtype=v1.float32)
        assert [shape for _, shape in names_and_shapes()] == [[10, 20], [20]]


class PlainTanhCell(v1.nn.rnn_cell.RNNCell):
    """A user's TF1 cell: get_variable in call, a constructor get_config cannot feed."""

    def __init__(self, units: int) -> None:
        super().__init__()
        self._units = units

    state_size = output_size = property(lambda self: self._units)

    def call(self, inputs, state):
        depth = inputs.shape[1] + self._units
        kernel = v1.get_variable("kernel", [depth, self._units])
        new_h = v1.tanh(v1.matmul(v1.concat([inputs, state], 1), kernel))
        return new_h, new_h


@pytest.fixture
def tensorflow_frames():
    was_filtering = tf2.debugging.is_traceback_filtering_enabled()
    hints.keep_tensorflow_frames()
    yield
    if was_filtering:
        tf2.debugging.enable_traceback_filtering()


def test_a_repeated_cell_that_cannot_be_copied_keeps_tfs_error_and_gets_the_hint(
        tensorflow_frames):
    with v1.Graph().as_default():
        stack = rnn.MultiRNNCell([PlainTanhCell(5)] * 2)
        assert not repeated_cells.give_each_layer_its_own_weights(stack, 3)
        with pytest.raises(ValueError) as raised:
            v1.nn.dynamic_rnn(stack, np.ones((2, 4, 3), np.float32), dtype=v1.float32)
    assert hints.hint_for(raised.value) == hints.SHARED_CELL_HINT


def test_the_library_process_serves_no_tf0_names():
    assert not hasattr(v1, "mul") and not hasattr(v1.nn, "rnn")
    assert "build" not in vars(rnn.MultiRNNCell)  # repeated_cells.install() never ran here


# --- a TF 0.12 script through the runner -----------------------------------------------------

@pytest.mark.slow
def test_a_tf012_stacked_lstm_script_runs_with_one_note_per_old_name(tmp_path):
    result = run_python("", "-m", "tf1_lstm", "run", str(SCRIPTS / "tf012_stacked_lstm.py"),
                        str(tmp_path))
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    variables = {name: np.array(value) for name, value in printed.pop("variables").items()}
    got = {key: np.array(value) for key, value in printed.items()}
    layer = "rnn/multi_rnn_cell/cell_{}/basic_lstm_cell/{}:0"
    assert {name: value.shape for name, value in variables.items()} == {  # weights per layer
        layer.format(0, "kernel"): (3 + 4, 16), layer.format(0, "bias"): (16,),
        layer.format(1, "kernel"): (4 + 4, 16), layer.format(1, "bias"): (16,),
        "Variable:0": (4, 2)}
    top = numpy_lstm_stack(got["x"], [(variables[layer.format(n, "kernel")],
                                       variables[layer.format(n, "bias")]) for n in range(2)], 4)
    last = top[:, -1]
    first, second = np.split(np.concatenate([last, last], 1), 2, 1)
    logits = (2 * first - (-second)) @ variables["Variable:0"]
    for key, reference in [("top", top), ("logits", logits),
                           ("loss", numpy_xent(logits, got["y"]).mean())]:
        np.testing.assert_allclose(got[key], reference, rtol=0, atol=ATOL)
    notes = [line for line in result.stderr.splitlines() if line.startswith(notices.PREFIX)]
    assert len(notes) == len(result.stderr.splitlines()) == 13, result.stderr
    subjects = sorted(line[len(notices.PREFIX):].split(" is ")[0].split("(")[0] for line in notes)
    assert subjects == sorted([
        "MultiRNNCell", "tf.concat", "tf.merge_all_summaries", "tf.mul", "tf.neg", "tf.nn.rnn",
        "tf.nn.softmax_cross_entropy_with_logits", "tf.pack", "tf.scalar_summary", "tf.split",
        "tf.sub", "tf.train.SummaryWriter", "tf.unpack"])
    events = [value for path in tmp_path.glob("events.out.tfevents.*")
              for event in v1.train.summary_iterator(str(path)) for value in event.summary.value]
    assert [(value.tag, round(value.simple_value, 5)) for value in events] == [
        ("loss", round(float(got["loss"]), 5))]
