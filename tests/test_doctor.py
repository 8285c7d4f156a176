"""``tf1-lstm doctor``: the TF1 names a project uses and what ``run`` does with each, unrun.

- scanning reads scripts, folders and notebooks as syntax trees and imports no TensorFlow;
- each name's verdict (served / emulated with its note / missing with its replacement) is
  what ``tf1-lstm run`` does: checked against the live shim in a TF1-world subprocess, for the
  sample files' names and for every public name of tf.compat.v1 and of each served contrib
  module, and the emulated notes against the notes ``run`` prints;
- the report: per file, each name once with its count and first use; the summary; exit
  status 0 / 1 (--strict: emulated too) / 2; the JSON document.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from conftest import run_python

from tf1_lstm.cli import main as cli
from tf1_lstm.legacy.doctor import legacy_tables
from tf1_lstm.legacy.doctor.catalogue import TF2_API, V1_API, Catalogue
from tf1_lstm.legacy.doctor.files import find_files
from tf1_lstm.legacy.doctor.report import name_lines, summary
from tf1_lstm.legacy.doctor.scan import REPEATED_CELLS, REPEATED_CELLS_WHEN, scan_file
from tf1_lstm.legacy.doctor.sources import read_module

SAMPLES = Path(__file__).parent / "scripts" / "doctor"
TF012 = SAMPLES / "tf012_stacked_lstm.py"
SERVED_ONLY = SAMPLES / "served_contrib_paths.py"
NOTEBOOK = SAMPLES / "notebook.ipynb"
PYTHON2 = SAMPLES / "python2_print.py"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue()


def lines_of(path: Path, catalogue: Catalogue) -> dict[str, tuple[str, int, str, str]]:
    """name -> (status, count, first location, note) for one file."""
    return {line.name: (line.status, line.count, str(line.first), line.note)
            for line in name_lines(scan_file(path, catalogue).uses)}


def first_line(path: Path, text: str) -> int:
    """The line number where ``text`` first appears in ``path``."""
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def snippet(tmp_path: Path, code: str, name: str = "snippet.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(code))
    return path


def doctor(capsys, *args: str) -> tuple[int, str, str]:
    code = cli(["doctor", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- scanning ---------------------------------------------------------------------------------

def test_scanning_a_project_imports_no_tensorflow_keras_or_tf_slim():
    result = run_python(f"""
        import contextlib, io, json, sys
        from tf1_lstm.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = main(["doctor", "--json", {str(SAMPLES)!r}, {str(SAMPLES.parent)!r}])
        heavy = sorted(m for m in sys.modules
                       if m.split(".")[0] in ("tensorflow", "tf_keras", "tf_slim", "keras"))
        print(json.dumps([code, heavy, len(json.loads(out.getvalue())["files"])]))
    """)
    assert result.returncode == 0, result.stderr
    code, heavy, files = json.loads(result.stdout)
    assert heavy == []
    assert code == 1 and files >= 4  # the samples have missing names


def test_tf012_script_names_are_emulated_with_runs_notes_and_contrib_metrics_is_missing(catalogue):
    found = lines_of(TF012, catalogue)
    emulated = {name for name, (status, *_) in found.items() if status == "emulated"}
    assert emulated == {"tf.unpack", "tf.nn.rnn", "tf.mul", "tf.train.SummaryWriter", "np.float",
                        "tf.concat(concat_dim, values, name)", REPEATED_CELLS}
    assert found["tf.mul"][:3] == ("emulated", 2, f"line {first_line(TF012, 'tf.mul(')}")
    assert found["tf.mul"][3] == "tf.mul is TF 0.x; ran it as tf.multiply"
    assert found["np.float"][3] == "np.float is NumPy 1; ran it as float"
    status, count, where, note = found["tf.contrib.metrics.streaming_accuracy"]
    assert (status, count) == ("missing", 1) and "keras.metrics" in note
    # A from-imported name counts its import and each use; the TF 1.0 call of tf.concat is
    # the old-order entry only, the TF 1.0 one stays served.
    assert found["tf.contrib.rnn.LSTMCell"][:2] == ("served", 2)
    assert found["tf.concat"][:3] == ("served", 1, f"line {first_line(TF012, 'merged =')}")


def test_aliases_private_paths_slim_keras_and_mnist_reader_are_all_served(catalogue, capsys):
    found = lines_of(SERVED_ONLY, catalogue)
    assert {status for status, *_ in found.values()} == {"served"}
    for name in ("tf.contrib.rnn.BasicLSTMCell", "tf.contrib.slim.fully_connected",
                 "tf.contrib.slim.l2_regularizer", "tf.app.flags",
                 "tensorflow.contrib.rnn.python.ops.rnn_cell.LayerNormBasicLSTMCell",
                 "tensorflow.python.ops.rnn_cell_impl._linear", "keras.layers.recurrent.LSTM",
                 "tensorflow.examples.tutorials.mnist.input_data.read_data_sets"):
        assert name in found, name
    assert "tf_keras" in found["keras.models.Sequential"][3]
    assert doctor(capsys, SERVED_ONLY)[0] == 0


def test_notebook_names_are_placed_by_cell_and_line_and_magics_are_skipped(catalogue):
    scan = scan_file(NOTEBOOK, catalogue)
    found = {line.name: (line.status, str(line.first)) for line in name_lines(scan.uses)}
    assert found["tensorflow"] == ("served", "cell 2, line 3")  # after %matplotlib and !pip
    assert found["tf.contrib.rnn.BasicLSTMCell"] == ("served", "cell 4, line 1")
    assert found["tf.sub"] == ("emulated", "cell 4, line 4")  # after an indented !ls
    assert found["np.NaN"] == ("emulated", "cell 4, line 4")
    assert "tf.contrib.seq2seq" not in str(found)  # the %%bash cell is not Python
    assert [(p.kind, p.location.cell, p.location.line) for p in scan.problems] == [
        ("python2", 5, 2)]


@pytest.mark.parametrize("line", [
    'print "hello"', "print x", "exec 'x = 1'", "mode = 0777", "y = `x`", "z = 10L",
    "raise ValueError, 'bad'", "if a <> b: pass", "s = ur'raw'",
    "try:\n    pass\nexcept ValueError, e:\n    pass",
])
def test_python2_syntax_is_the_files_finding_not_a_crash(tmp_path, catalogue, line):
    scan = scan_file(snippet(tmp_path, f"import tensorflow as tf\n{line}\n"), catalogue)
    assert [p.kind for p in scan.problems] == ["python2"]
    assert "Python 2 syntax" in scan.problems[0].message
    assert "run 2to3 first" in scan.problems[0].message


def test_python2_sample_and_a_plain_syntax_error_are_told_apart(tmp_path, catalogue, capsys):
    code, out, _ = doctor(capsys, PYTHON2)
    assert code == 1
    assert "Python 2 syntax (line 3: print" in out and "run 2to3 first" in out
    broken = scan_file(snippet(tmp_path, "import tensorflow as tf\ndef f(:\n"), catalogue)
    assert [p.kind for p in broken.problems] == ["syntax"]
    assert "not valid Python 3 (line 2" in broken.problems[0].message


def test_folder_scan_recurses_but_skips_hidden_venv_and_site_packages(tmp_path):
    for relative in ("a.py", "pkg/b.py", "pkg/c.ipynb", "pkg/notes.txt", ".venv/lib/d.py",
                     ".hidden/e.py", "env/lib/site-packages/f.py", "pkg/__pycache__/g.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    assert [p.relative_to(tmp_path).as_posix() for p in find_files(tmp_path)] == [
        "a.py", "pkg/b.py", "pkg/c.ipynb"]


# --- verdicts from the script's code ---------------------------------------------------------

@pytest.mark.parametrize(("call", "old_order"), [
    ("tf.concat(1, [a, b])", True), ("tf.concat(axis, [a, b])", True),
    ("tf.concat([a, b], 1)", False), ("tf.concat(values=[a, b], axis=1)", False),
    ("tf.concat(concat_dim=1, values=[a, b])", True),  # a keyword TF 2.21 refuses
    ("tf.split(1, 2, x)", True), ("tf.split(x, 2, 1)", False),
    ("tf.split(value=x, num_split=2, split_dim=1)", True),
    ("tf.nn.softmax_cross_entropy_with_logits(logits, labels)", True),
    ("tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z)", False),
    ("tf.nn.sigmoid_cross_entropy_with_logits(logits=z, targets=y)", True),
    ("tf.nn.sampled_softmax_loss(w, b, inputs, labels, 4, 10)", True),
    ("tf.nn.sampled_softmax_loss(w, b, labels, inputs, 4, 10)", False),
    ("tf.nn.nce_loss(w, b, self.outputs, y, 4, 10)", True),
])
def test_tf0_argument_orders_are_judged_from_the_calls_literals(tmp_path, catalogue, call,
                                                                old_order):
    found = lines_of(snippet(tmp_path, f"import tensorflow as tf\nout = {call}\n"), catalogue)
    emulated = [name for name, (status, *_) in found.items() if status == "emulated"]
    assert bool(emulated) == old_order, found
    if old_order:
        assert "is TF 0.x's argument order; ran it as" in found[emulated[0]][3]


@pytest.mark.parametrize(("cells", "repeated"), [
    ("[cell] * 3", True), ("3 * [cell]", True), ("[cell for _ in range(3)]", True),
    ("[cell, other]", False), ("[make_cell() for _ in range(3)]", False),
    ("[make_cell(i) for i in range(3)]", False),
])
def test_multi_rnn_cell_of_one_repeated_cell_is_emulated(tmp_path, catalogue, cells, repeated):
    code = f"import tensorflow as tf\nstack = tf.nn.rnn_cell.MultiRNNCell({cells})\n"
    found = lines_of(snippet(tmp_path, code), catalogue)
    assert (REPEATED_CELLS in found) == repeated
    if repeated:
        assert found[REPEATED_CELLS][3].startswith(legacy_tables.repeated_cells_note())


def test_static_predicates_cover_every_old_order_call_of_history():
    from tf1_lstm.legacy.history import OLD_ORDER_CALLS  # imports TensorFlow: the test world

    static = legacy_tables.old_order_calls()
    assert static.keys() == OLD_ORDER_CALLS.keys()
    assert all(static[path] is legacy_tables.STATIC_PREDICATES[predicate.__name__]
               for path, predicate in OLD_ORDER_CALLS.items())


def test_a_bare_input_data_is_the_scripts_own_when_it_has_one(tmp_path, catalogue):
    script = snippet(tmp_path, "import input_data\nd = input_data.read_data_sets('/tmp')\n")
    assert lines_of(script, catalogue)["input_data.read_data_sets"][0] == "served"
    (tmp_path / "input_data.py").write_text("def read_data_sets(path): pass\n")
    assert lines_of(script, catalogue) == {}


# --- the catalogue is what run does ----------------------------------------------------------

RESOLVE_UNDER_RUN = """
    import importlib, json, sys
    from tf1_lstm.legacy import numpy1, shim
    tf = shim.install()
    numpy1.install()

    def resolve(module, attributes, from_import):
        value = importlib.import_module(module)
        if from_import and attributes:
            try:
                value = getattr(value, attributes[0])
            except AttributeError:
                value = importlib.import_module(module + "." + attributes[0])
            attributes = attributes[1:]
        for name in attributes:
            value = getattr(value, name)

    resolved = []
    for module, attributes, from_import in json.load(open(sys.argv[1])):
        try:
            resolve(module, attributes, from_import)
            resolved.append(True)
        except (AttributeError, ImportError):
            resolved.append(False)
    v1 = sorted(name for name in dir(tf.compat.v1) if not name.startswith("_"))
    contrib = {name: sorted(importlib.import_module("tensorflow.contrib." + name).__all__)
               for name in tf.contrib.__all__}
    print(json.dumps({"resolved": resolved, "v1": v1, "contrib": contrib}))
"""

# Names run refuses, each from another rule of the catalogue.
MISSING_SAMPLE = [
    ("tensorflow", ("contrib", "metrics")), ("tensorflow", ("contrib", "rnn", "NotACell")),
    ("tensorflow", ("contrib", "layers", "real_valued_column")), ("tensorflow", ("VARIABLES",)),
    ("tensorflow", ("batch_band_part",)), ("tensorflow", ("nn", "rnn_cell", "NoSuchCell")),
    ("tensorflow", ("no_such_op",)), ("tensorflow.contrib.metrics.python.ops.metric_ops", ()),
    ("tensorflow.python.ops.no_such_module", ()), ("keras.wrappers.scikit_learn", ()),
    ("tensorflow.nn", ("no_such_cell",)), ("tensorflow.compat.v1", ("contrib",)),
    ("numpy", ("set_string_function",)),
]
# slim star-imports layers, whose __all__ is computed: the doctor reads layers' public names
# for it, one more than the computed list (the list's own name).
STATIC_ONLY = {("slim", "ADDED_TO_TF_SLIM")}


def test_catalogue_agrees_with_the_live_shim_for_every_sampled_name(tmp_path, catalogue):
    expected: dict[tuple, str] = {}
    for path in find_files(SAMPLES):
        for use in scan_file(path, catalogue).uses:
            reference = use.reference
            expected[(reference.module, reference.attributes, reference.from_import)] = (
                use.verdict.status)
    for name in {*read_module(V1_API).public(), *read_module(TF2_API).public()}:
        expected[("tensorflow", (name,), False)] = catalogue.walk("tensorflow", (name,)).status
    for module in catalogue.served_contrib:
        for name in read_module(f"tf1_lstm.contrib.{module}").public():
            if (module, name) not in STATIC_ONLY:
                attributes = ("contrib", module, name)
                expected[("tensorflow", attributes, False)] = catalogue.walk(
                    "tensorflow", attributes).status
    for path, verdict in catalogue.emulated().items():
        expected[("tensorflow", tuple(path.split(".")[1:]), False)] = verdict.status
    for module, attributes in MISSING_SAMPLE:
        assert catalogue.walk(module, attributes).status == "missing", (module, attributes)
        expected[(module, attributes, False)] = "missing"
    names = tmp_path / "names.json"
    names.write_text(json.dumps(list(expected)))

    result = run_python(RESOLVE_UNDER_RUN, str(names))
    assert result.returncode == 0, result.stderr
    live = json.loads(result.stdout)
    disagree = [(name, status) for (name, status), resolved in zip(
        expected.items(), live["resolved"], strict=True) if resolved != (status != "missing")]
    assert disagree == []
    assert len(expected) > 1000  # the sample is the whole public API, not a handful
    # Nothing run serves is missing from the catalogue either.
    assert live["v1"] == sorted(read_module(V1_API).public())
    assert sorted(live["contrib"]) == list(catalogue.served_contrib)
    for module, names_live in live["contrib"].items():
        unserved = [n for n in names_live
                    if catalogue.walk("tensorflow", ("contrib", module, n)).status != "served"]
        assert unserved == [], module


def test_emulated_notes_are_exactly_the_notes_run_prints(tmp_path, capsys):
    script = snippet(tmp_path, """
        import numpy as np
        import tensorflow as tf

        a = tf.zeros([2, 2])
        product = tf.mul(1.0, 2.0)
        writer_class = tf.train.SummaryWriter
        rnn_function = tf.nn.rnn
        ones = np.ones(2, dtype=np.float)
        both = tf.concat(1, [a, a])
        halves = tf.split(1, 2, a)
        loss = tf.nn.softmax_cross_entropy_with_logits(a, a)
        summary = tf.scalar_summary("loss", 1.0)
        stack = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(4)] * 2)
        outputs, state = tf.nn.static_rnn(stack, [tf.zeros([2, 3])], dtype=tf.float32)
    """, "tf012_notes.py")
    code, out, _ = doctor(capsys, "--json", script)
    names = json.loads(out)["files"][0]["names"]
    # The repeated-cell note says when it is printed; run prints the note itself.
    predicted = {n["note"].removesuffix(REPEATED_CELLS_WHEN) for n in names
                 if n["status"] == "emulated"}
    assert len(predicted) == 9 and code == 0

    result = run_python("", "-m", "tf1_lstm", "run", str(script))
    assert result.returncode == 0, result.stderr
    printed = {line.removeprefix("tf1-lstm: note: ") for line in result.stderr.splitlines()
               if line.startswith("tf1-lstm: note: ")}
    assert printed == predicted


# --- the report --------------------------------------------------------------------------------

def test_exit_status_is_0_served_1_missing_strict_1_emulated_2_bad_path(tmp_path, capsys):
    emulated_only = snippet(tmp_path, "import tensorflow as tf\nx = tf.mul(1.0, 2.0)\n")
    assert doctor(capsys, SERVED_ONLY)[0] == 0
    assert doctor(capsys, TF012)[0] == 1
    assert doctor(capsys, emulated_only)[0] == 0
    assert doctor(capsys, "--strict", emulated_only)[0] == 1
    assert doctor(capsys, "--strict", SERVED_ONLY)[0] == 0
    code, out, err = doctor(capsys, SERVED_ONLY, tmp_path / "nope.py")
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"tf1-lstm doctor: error: no such file or folder: "
                                f"{tmp_path / 'nope.py'}"]


def test_text_report_lists_each_name_once_per_file_with_the_summary(capsys):
    code, out, _ = doctor(capsys, TF012, NOTEBOOK)
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines()[0] == str(TF012)
    assert blocks[1].splitlines()[0] == str(NOTEBOOK)
    mul = [line for line in blocks[0].splitlines() if " tf.mul " in line]
    assert len(mul) == 1 and "x2" in mul[0] and "ran it as tf.multiply" in mul[0]
    statuses = [line.split()[0] for line in blocks[0].splitlines()[1:]]
    assert statuses == sorted(statuses, key=["missing", "emulated", "served"].index)
    assert blocks[-1].startswith("tf1-lstm doctor: ") and "2 files scanned" in blocks[-1]


def test_json_document_has_the_documented_shape(capsys, catalogue):
    code, out, _ = doctor(capsys, "--json", TF012, PYTHON2, NOTEBOOK)
    document = json.loads(out)
    assert set(document) == {"doctor", "files", "summary", "exit_status"}
    assert document["doctor"] == 1 and document["exit_status"] == code == 1
    assert [f["path"] for f in document["files"]] == [str(TF012), str(PYTHON2), str(NOTEBOOK)]
    for entry in (name for f in document["files"] for name in f["names"]):
        assert set(entry) == {"name", "status", "count", "line", "column", "cell", "note"}
    python2 = document["files"][1]
    assert python2["names"] == [] and python2["problems"][0]["kind"] == "python2"
    assert python2["problems"][0]["line"] == 3
    scans = [scan_file(path, catalogue) for path in (TF012, PYTHON2, NOTEBOOK)]
    assert document["summary"] == summary(scans)
    assert document["summary"]["unreadable_files"] == 2  # the Python 2 file, the notebook's cell


def test_cli_import_stays_light():
    result = run_python("""
        import sys
        import tf1_lstm.cli
        print(sorted(m for m in ("tensorflow", "tf1_lstm.legacy.doctor.catalogue",
                                 "tf1_lstm.legacy.doctor.sources") if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_an_api_module_imported_by_its_path_is_tf_compat_v1s(catalogue):
    # the shim serves `import tensorflow.nn` as tf.compat.v1.nn, TF 0.x names included
    assert catalogue.walk("tensorflow.nn", ("rnn_cell", "BasicLSTMCell")).status == "served"
    assert catalogue.walk("tensorflow.nn", ("rnn",)).status == "emulated"
    assert catalogue.walk("tensorflow.nn", ("no_such_cell",)).status == "missing"
