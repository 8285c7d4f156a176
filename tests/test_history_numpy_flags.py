"""The Python around TF1 code under `tf1-lstm run`: NumPy 1's names, TF <= 1.13's flags.

NumPy 1's meanings come from NumPy's own removal notes (numpy/_expired_attrs_2_0.py, the
1.20 deprecation of the builtin aliases); the flags from TF 1.13's app.py and absl's
FlagValues. The library process itself must never see any of it.
"""

from __future__ import annotations

import json
import math
import sysconfig
from pathlib import Path

import numpy as np
import pytest
from absl import flags as absl_flags
from conftest import run_python

import tf1_lstm.compat  # noqa: F401 - the TF1 world, as every test process has it
from tf1_lstm.legacy import absl_flags as tf113_flags
from tf1_lstm.legacy import notices, numpy1, runner, shim  # noqa: F401 - imported, not run

SCRIPT = Path(__file__).parent / "scripts" / "history" / "numpy1_and_flags.py"

# --- NumPy 1 ----------------------------------------------------------------------------


def test_the_library_process_has_numpy2_names_only():
    assert not numpy1.installed()
    for name in ("float", "asscalar", "NaN", "product"):
        with pytest.raises(AttributeError):
            getattr(np, name)


def test_numpy1_names_are_only_names_numpy2_lacks():
    assert [name for name in numpy1.NUMPY1_NAMES if name in vars(np)] == []
    assert "bool" not in numpy1.NUMPY1_NAMES and "long" not in numpy1.NUMPY1_NAMES


@pytest.fixture
def numpy1_getattr(monkeypatch):
    """What ``np.<name>`` resolves through once installed, without installing it here."""
    monkeypatch.setattr(notices, "_noted", set())
    return numpy1.numpy1_getattr(vars(np)["__getattr__"])


def test_numpy1_functions_mean_what_numpy1_documented(numpy1_getattr):
    a = np.array([[3, 1], [2, 5]])
    assert numpy1_getattr("asscalar")(np.array([[7.5]])) == 7.5
    assert numpy1_getattr("asfarray")(a).dtype == np.float64
    assert numpy1_getattr("asfarray")(a, dtype=np.float32).dtype == np.float32
    assert numpy1_getattr("asfarray")(a, dtype=np.int8).dtype == np.float64  # never an int
    np.testing.assert_array_equal(numpy1_getattr("msort")(a), [[2, 1], [3, 5]])
    np.testing.assert_array_equal(numpy1_getattr("in1d")(a, [2, 3]), [True, False, True, False])
    assert numpy1_getattr("product")([1, 2, 3, 4]) == math.prod([1, 2, 3, 4])
    assert numpy1_getattr("issubclass_")(1, int) is False  # not a class: False, no TypeError
    assert (numpy1_getattr("NINF"), numpy1_getattr("float_")) == (-math.inf, np.float64)


def test_numpy1_names_note_once_and_only_for_the_scripts_code(numpy1_getattr, capsys):
    assert numpy1_getattr("float") is float and numpy1_getattr("float") is float
    assert capsys.readouterr().err == "tf1-lstm: note: np.float is NumPy 1; ran it as float\n"
    library_file = str(Path(sysconfig.get_paths()["purelib"]) / "some_library" / "probe.py")
    probe = compile("numpy1_getattr('float_')", library_file, "eval")
    with pytest.raises(AttributeError, match="np.float_` was removed in the NumPy 2.0"):
        eval(probe, {"numpy1_getattr": numpy1_getattr})  # a library probing NumPy 2
    assert capsys.readouterr().err == ""


# --- tf.app.flags named like absl's own ------------------------------------------------------


def absl_like_flags() -> absl_flags.FlagValues:
    """A FlagValues holding what absl.logging defines, as absl.logging defines it."""
    flag_values = absl_flags.FlagValues()
    common = dict(flag_values=flag_values, module_name="absl.logging")
    absl_flags.DEFINE_string("log_dir", "", "directory to write logfiles into", **common)
    absl_flags.DEFINE_boolean("logtostderr", False, "Should only log to stderr?", **common)
    absl_flags.DEFINE_integer("verbosity", -1, "Logging verbosity level", short_name="v",
                              **common)
    return flag_values


def test_without_tf1_lstm_a_script_flag_named_like_absls_is_a_duplicate():
    with pytest.raises(absl_flags.DuplicateFlagError, match="'log_dir' is defined twice"):
        absl_flags.DEFINE_string("log_dir", "/logs", "mine", flag_values=absl_like_flags())


def test_a_scripts_flags_replace_absls_own_of_the_same_names():
    flag_values = absl_like_flags()
    assert sorted(tf113_flags.let_scripts_redefine_framework_flags(flag_values)) == [
        "log_dir", "logtostderr", "verbosity"]
    absl_flags.DEFINE_string("log_dir", "/logs", "mine", flag_values=flag_values)
    absl_flags.DEFINE_boolean("logtostderr", True, "mine", flag_values=flag_values)
    absl_flags.DEFINE_integer("v", 0, "mine", flag_values=flag_values)
    absl_flags.DEFINE_string("verbosity", "quiet", "mine", flag_values=flag_values)
    leftover = flag_values(["script.py", "--nologtostderr", "--v=2", "--verbosity=loud", "x"])
    assert leftover == ["script.py", "x"]
    assert (flag_values.log_dir, flag_values.logtostderr, flag_values.v,
            flag_values.verbosity) == ("/logs", False, 2, "loud")
    assert flag_values["v"] is not flag_values["verbosity"]  # -v changed hands, not --verbosity


def test_a_scripts_own_flag_defined_twice_is_still_a_duplicate():
    flag_values = absl_like_flags()
    tf113_flags.let_scripts_redefine_framework_flags(flag_values)
    absl_flags.DEFINE_integer("batch_size", 8, "mine", flag_values=flag_values)
    with pytest.raises(absl_flags.DuplicateFlagError):
        absl_flags.DEFINE_integer("batch_size", 16, "again", flag_values=flag_values)


def test_the_library_process_leaves_absls_flags_as_absl_defined_them():
    assert absl_flags.FLAGS["log_dir"].allow_override is False
    assert absl_flags.FLAGS["verbosity"].allow_override is False


# --- a TF 1.x script through the runner ---------------------------------------------------------

@pytest.mark.slow
def test_a_numpy1_script_with_absl_named_flags_runs_as_under_tf113(tmp_path):
    args = ["--log_dir", str(tmp_path), "--logtostderr", "-v", "2", "--verbosity=chatty",
            "left", "--unknown=1", "over"]
    result = run_python("", "-m", "tf1_lstm", "run", str(SCRIPT), *args)
    assert result.returncode == 3, result.stderr  # tf.app.run(): sys.exit(main(argv))
    printed = json.loads(result.stdout)
    assert printed["flags"] == {"log_dir": str(tmp_path), "logtostderr": True, "v": 2,
                                "verbosity": "chatty", "batch_size": 8}
    assert printed["argv"] == ["left", "--unknown=1", "over"]  # known flags only, as TF 1.13
    a = np.array([[1.5, -2.5], [3.0, 4.0]])
    assert printed["same_twice"] and printed["numpy"] == {
        "builtin_aliases": [True] * 6, "float_of_3": 3.0, "int_of_2.7": 2, "complex": [2.0],
        "zeros_dtype": "if", "constants": [True] * 4, "asscalar": 7,
        "alltrue": bool((a > 0).all()), "sometrue": bool((a > 0).any()),
        "product": math.prod(a.ravel()), "cumproduct": list(np.cumprod(a.ravel())),
        "round_": [[round(v / 3, 2) for v in row] for row in a.tolist()], "float_": "float64"}
    names = ["float", "int", "object", "str", "unicode", "complex", "Inf", "PINF", "NINF", "NaN",
             "asscalar", "alltrue", "sometrue", "product", "cumproduct", "round_", "float_"]
    notes = result.stderr.splitlines()
    assert [line.split(" is ")[0] for line in notes] == [
        f"{notices.PREFIX}np.{name}" for name in names]  # one each, nothing about the flags
    assert notes[0] == "tf1-lstm: note: np.float is NumPy 1; ran it as float"
