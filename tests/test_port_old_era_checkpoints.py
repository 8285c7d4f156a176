"""Checkpoints written with TF 0.12's and TF 1.0's names: upgraded, restored, ported, proven.

TF 2.21 cannot make such a checkpoint, so each is made here: a model is built with TF 1.2+
cells, and its trained arrays are saved (``SaveV2``, no Saver) under the names the old
release gave them, written out by hand in ``OLD_NAMES`` from TF 0.12's ``rnn_cell.py`` and
TF 1.0's ``core_rnn_cell_impl.py`` (TF 0.12's LSTMCell kernel as two row shards, as its
``num_unit_shards=2`` stored it). Then:

- ``tf1-lstm ckpt upgrade`` writes a checkpoint that a plain ``tf.train.Saver`` of the
  TF 1.2+ graph restores, giving the original logits bit for bit;
- ``tf1-lstm port`` reads the old checkpoint directly, and the written Keras 3 / PyTorch /
  ONNX file, loaded in a process where tf1_lstm cannot be imported, gives the original graph's
  logits within 1e-5;
- a ``.meta`` graph saved with the old names (made with a custom getter) is read by them, and
  the port is proven against it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
from checkpoint_eras_support import tf012_shards
from conftest import run_python

from tf1_lstm.compat import tf
from tf1_lstm.port import ckpt_command
from tf1_lstm.port.command import port_checkpoint
from tf1_lstm.port.errors import BadOutputPath, OutputExists
from tf1_lstm.port.proof import TOLERANCE

INPUTS, STEPS, CLASSES = 3, 6, 4
SUFFIX = {"keras": ".keras", "torch": ".pt", "onnx": ".onnx"}

# case -> (cell builder, target, {TF 1.2+ variable name: the old release's name(s)})
CASES = {
    "tf012_basic_lstm_stack": (
        lambda: tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(6) for _ in range(2)]),
        "torch", {
            "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel":
                "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Matrix",
            "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias":
                "RNN/MultiRNNCell/Cell0/BasicLSTMCell/Linear/Bias",
            "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel":
                "RNN/MultiRNNCell/Cell1/BasicLSTMCell/Linear/Matrix",
            "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/bias":
                "RNN/MultiRNNCell/Cell1/BasicLSTMCell/Linear/Bias",
            "softmax_w": "softmax_w", "softmax_b": "softmax_b"}),
    "tf10_gru": (
        lambda: tf.nn.rnn_cell.GRUCell(5), "torch", {
            "rnn/gru_cell/gates/kernel": "rnn/gru_cell/gates/weights",
            "rnn/gru_cell/gates/bias": "rnn/gru_cell/gates/biases",
            "rnn/gru_cell/candidate/kernel": "rnn/gru_cell/candidate/weights",
            "rnn/gru_cell/candidate/bias": "rnn/gru_cell/candidate/biases",
            "softmax_w": "softmax_w", "softmax_b": "softmax_b"}),
    "tf012_sharded_peephole_lstm": (
        lambda: tf.nn.rnn_cell.LSTMCell(5, use_peepholes=True), "keras", {
            "rnn/lstm_cell/kernel": ("RNN/LSTMCell/W_0", "RNN/LSTMCell/W_1"),
            "rnn/lstm_cell/bias": "RNN/LSTMCell/B",
            "rnn/lstm_cell/w_f_diag": "RNN/LSTMCell/W_F_diag",
            "rnn/lstm_cell/w_i_diag": "RNN/LSTMCell/W_I_diag",
            "rnn/lstm_cell/w_o_diag": "RNN/LSTMCell/W_O_diag",
            "softmax_w": "softmax_w", "softmax_b": "softmax_b"}),
    "tf10_basic_rnn": (
        lambda: tf.nn.rnn_cell.BasicRNNCell(4), "onnx", {
            "rnn/basic_rnn_cell/kernel": "rnn/basic_rnn_cell/weights",
            "rnn/basic_rnn_cell/bias": "rnn/basic_rnn_cell/biases",
            "softmax_w": "softmax_w", "softmax_b": "softmax_b"}),
}


def build(case: str):
    """The case's model with TF 1.2+ cells: (x, logits) in a new default graph."""
    tf.reset_default_graph()
    tf.set_random_seed(7)
    x = tf.placeholder(tf.float32, [None, STEPS, INPUTS], name="x")
    outputs, _ = tf.nn.dynamic_rnn(CASES[case][0](), x, dtype=tf.float32)
    units = outputs.shape[-1].value
    w = tf.get_variable("softmax_w", [units, CLASSES])
    b = tf.get_variable("softmax_b", [CLASSES], initializer=tf.random_normal_initializer())
    return x, tf.matmul(outputs[:, -1], w) + b


def save_with_old_names(arrays: dict[str, np.ndarray], old_names: dict, prefix: Path) -> None:
    named = {}
    for new, old in old_names.items():
        if isinstance(old, tuple):  # row shards
            named.update(zip(old, tf012_shards(arrays[new], len(old)), strict=True))
        else:
            named[old] = arrays[new]
    names = sorted(named)
    with tf.Graph().as_default(), tf.Session() as session:
        session.run(tf.raw_ops.SaveV2(prefix=str(prefix), tensor_names=names,
                                      shape_and_slices=[""] * len(names),
                                      tensors=[tf.constant(named[name]) for name in names]))


@pytest.fixture(scope="module")
def old_checkpoints(tmp_path_factory):
    """case -> {"old": prefix, "x": input, "logits": the TF 1.2+ graph's, "arrays": ...}."""
    folder = tmp_path_factory.mktemp("old_eras")
    x_value = np.random.default_rng(3).standard_normal((5, STEPS, INPUTS)).astype(np.float32)
    made = {}
    for case, (_, _, old_names) in CASES.items():
        x, logits = build(case)
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            arrays = {v.op.name: session.run(v) for v in tf.global_variables()}
            logits_value = session.run(logits, {x: x_value})
        assert set(arrays) == set(old_names), case  # the table names every variable
        save_with_old_names(arrays, old_names, folder / f"{case}.ckpt")
        made[case] = {"old": folder / f"{case}.ckpt", "x": x_value, "logits": logits_value,
                      "arrays": arrays}
    return made


@pytest.mark.parametrize("case", CASES)
def test_the_upgraded_checkpoint_restores_into_the_tf12_graph_with_the_same_logits(
        old_checkpoints, case):
    made = old_checkpoints[case]
    new = made["old"].with_name(f"{case}-upgraded.ckpt")
    report = ckpt_command.upgrade(str(made["old"]), new, force=False)
    assert report[0].endswith("-> " + f"{new} (TF 1.2+ names):")
    x, logits = build(case)
    with tf.Session() as session:
        tf.train.Saver().restore(session, str(new))  # every TF 1.2+ name must be there
        restored = {v.op.name: session.run(v) for v in tf.global_variables()}
        np.testing.assert_array_equal(session.run(logits, {x: made["x"]}), made["logits"])
    for name, array in made["arrays"].items():
        np.testing.assert_array_equal(restored[name], array)
    assert Path(f"{made['old']}.index").is_file()  # OLD untouched, NEW without a .meta
    assert not Path(f"{new}.meta").exists()


@pytest.fixture(scope="module")
def ports(old_checkpoints):
    """Each old checkpoint ported directly: case -> (file, the printed lines)."""
    done = {}
    for case, (_, target, _) in CASES.items():
        made = old_checkpoints[case]
        out = made["old"].with_name(f"{case}{SUFFIX[target]}")
        printed = []
        report = port_checkpoint(made["old"], target=target, out=out, steps=STEPS,
                                 echo=printed.append)
        assert report.proof.ok, case
        done[case] = (out, "\n".join(printed))
    return done


@pytest.mark.parametrize("case", CASES)
def test_port_reads_the_old_names_directly_and_says_so(ports, case):
    _, printed = ports[case]
    era = "TF 0.12" if case.startswith("tf012") else "TF 1.0-1.1"
    assert f"names its RNN variables as {era} did; read as TF 1.2+ names:" in printed
    old_names = CASES[case][2]
    first_cell_variable = next(new for new in old_names if new != "softmax_w")
    old = old_names[first_cell_variable]
    assert f"{' + '.join(old) if isinstance(old, tuple) else old}  ->  " \
           f"{first_cell_variable}" in printed


def test_the_ported_files_give_the_old_checkpoints_logits_in_the_tf2_world(old_checkpoints,
                                                                            ports):
    x = next(iter(old_checkpoints.values()))["x"]
    folder = next(iter(ports.values()))[0].parent
    np.save(folder / "x.npy", x)
    jobs = {case: (str(out), CASES[case][1]) for case, (out, _) in ports.items()}
    result = run_python(f"""
        import importlib, importlib.util, json, sys
        from pathlib import Path
        sys.modules["tf1_lstm"] = None  # the ports load without tf1-lstm
        import numpy as np, keras, onnxruntime, torch
        x = np.load({str(folder / "x.npy")!r})
        logits = {{}}
        for case, (path, target) in {jobs!r}.items():
            if target == "onnx":
                session = onnxruntime.InferenceSession(path)
                logits[case] = session.run(["logits"], {{"x": x}})[0].tolist()
                continue
            if target == "keras":  # its peephole cell: the module written beside it
                sys.path.insert(0, str(Path(path).parent))
                importlib.import_module(Path(path).stem + "_lstm_cell")
                logits[case] = keras.models.load_model(path).predict(x, verbose=0).tolist()
                continue
            module = path[:-len(".pt")] + ".py"  # written beside the weights
            spec = importlib.util.spec_from_file_location(case, module)
            standalone = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(standalone)
            with torch.no_grad():
                logits[case] = standalone.load(path)(torch.from_numpy(x)).numpy().tolist()
        print(json.dumps(logits))
    """)
    assert result.returncode == 0, result.stderr[-3000:]
    logits = json.loads(result.stdout.splitlines()[-1])
    for case, made in old_checkpoints.items():
        assert np.max(np.abs(np.array(logits[case]) - made["logits"])) <= TOLERANCE, case


def test_ckpt_ls_names_each_old_variable_with_its_role_and_its_tf12_name(old_checkpoints):
    from tf1_lstm.port.checkpoint import open_checkpoint

    lines = ckpt_command.listing(open_checkpoint(old_checkpoints["tf012_basic_lstm_stack"]["old"]))
    assert lines[0].endswith("6 variables, RNN names of TF 0.12")
    by_name = {line.split()[0]: line for line in lines[1:]}
    assert by_name["RNN/MultiRNNCell/Cell1/BasicLSTMCell/Linear/Matrix"].endswith(
        "layer 1 kernel (TF 1.2+ name: rnn/multi_rnn_cell/cell_1/basic_lstm_cell/kernel)")
    assert by_name["softmax_w"].endswith("dense head kernel")


def test_ckpt_upgrade_refuses_to_write_over_old_or_an_existing_new(old_checkpoints, tmp_path):
    old = old_checkpoints["tf10_gru"]["old"]
    with pytest.raises(BadOutputPath, match="is OLD itself"):
        ckpt_command.upgrade(str(old), old, force=False)
    new = tmp_path / "new.ckpt"
    ckpt_command.upgrade(str(old), new, force=False)
    before = Path(f"{new}.index").read_bytes()
    with pytest.raises(OutputExists, match="--force"):
        ckpt_command.upgrade(str(old), new, force=False)
    assert Path(f"{new}.index").read_bytes() == before
    again = ckpt_command.upgrade(str(new), tmp_path / "newer.ckpt", force=False)
    assert again == [f"{new} already uses TF 1.2+ names: nothing to upgrade, "
                     f"{tmp_path / 'newer.ckpt'} not written"]
    assert not Path(f"{tmp_path / 'newer.ckpt'}.index").exists()


def tf10_names(getter, name, *args, **kwargs):
    """A custom getter giving the cells' variables TF 1.0-1.1's names (weights, biases)."""
    for new, old in (("/kernel", "/weights"), ("/bias", "/biases")):
        if name.endswith(new):
            name = name[: -len(new)] + old
    return getter(name, *args, **kwargs)


def test_an_old_eras_meta_graph_is_read_by_the_old_names_and_proves_the_port(tmp_path):
    # The graph a TF 1.0 Saver wrote names the variables as the checkpoint does: the port
    # finds the cells' ops by those names, reads forget_bias (0.5 here) from them, and proves
    # the port against the restored graph.
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, STEPS, INPUTS], name="x")
    with tf.variable_scope("", custom_getter=tf10_names):
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(5, forget_bias=0.5)
                                            for _ in range(2)])
        outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    w = tf.get_variable("softmax_w", [5, CLASSES])
    logits = tf.matmul(outputs[:, -1], w) + tf.get_variable(
        "softmax_b", [CLASSES], initializer=tf.random_normal_initializer())
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        names = sorted(v.op.name for v in tf.global_variables())
        prefix = tf.train.Saver().save(session, str(tmp_path / "model.ckpt"))
        x_value = np.random.default_rng(1).standard_normal((4, STEPS, INPUTS)).astype(np.float32)
        expected = session.run(logits, {x: x_value})
    assert "rnn/multi_rnn_cell/cell_1/basic_lstm_cell/weights" in names
    printed: list[str] = []
    report = port_checkpoint(prefix, target="onnx", out=tmp_path / "m.onnx", steps=STEPS,
                             echo=printed.append)
    text = "\n".join(printed)
    assert "names its RNN variables as TF 1.0-1.1 did" in text
    assert [layer.forget_bias for layer in report.model.layers] == [0.5, 0.5]
    assert "forget_bias = 0.5 for rnn/multi_rnn_cell/cell_0/basic_lstm_cell (op " in text
    assert report.original is not None and report.original.ok and "NOT CHECKED" not in text
    got = onnxruntime.InferenceSession(str(tmp_path / "m.onnx")).run(["logits"], {"x": x_value})
    assert np.max(np.abs(got[0] - expected)) <= TOLERANCE
