"""`tf1-lstm kernel install | list | uninstall`: the TF1 kernel as Jupyter sees it.

Everything goes into temporary folders: ``--prefix P`` (Jupyter finds it with
``JUPYTER_PATH=P/share/jupyter``) and, for the per-user default, ``JUPYTER_DATA_DIR``; ``HOME``,
``IPYTHONDIR`` and Jupyter's config and runtime folders point into the test's folder too, so
the real ``~/.local/share/jupyter`` is never touched.

- the fast tests run the command in this process (``tf1_lstm.cli.main``; jupyter_core reads
  the environment at call time) and ask Jupyter itself (``jupyter kernelspec list``) what it
  finds;
- the slow ones start the installed kernel through jupyter_client, as Jupyter, JupyterLab and
  VS Code do, and run cells in it (one kernel for the module).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import ipykernel
import pytest
from conftest import run_python
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from tf1_lstm import cli
from tf1_lstm.notebook import DISPLAY_NAME, KERNEL_MODULE, KERNEL_NAME

JUPYTER = Path(sys.executable).with_name("jupyter")  # the one beside this Python
OUR_ARGV = [sys.executable, "-m", KERNEL_MODULE, "-f", "{connection_file}"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jupyter_env(root: Path) -> dict[str, str]:
    """Jupyter's and IPython's folders inside ``root``; kernels installed with --prefix
    ``root/prefix`` are found through JUPYTER_PATH."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "IPYTHONDIR": str(home / "ipython"),
            "JUPYTER_PATH": str(root / "prefix" / "share" / "jupyter")}


@pytest.fixture
def prefix(tmp_path, monkeypatch) -> Path:
    """The --prefix folder, with this process's Jupyter paths in tmp_path."""
    for name, value in jupyter_env(tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("JUPYTER_PREFER_ENV_PATH", raising=False)
    return tmp_path / "prefix"


def kernels_in(prefix: Path) -> Path:
    return prefix / "share" / "jupyter" / "kernels"


def tf1_lstm_kernel(capsys, *args: str) -> tuple[int, str, str]:
    """``tf1-lstm kernel ARGS`` in this process: exit code, stdout, stderr."""
    code = cli.main(["kernel", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def hand_written_spec(folder: Path, argv: list[str], display_name: str = "Somebody's") -> Path:
    """A kernelspec the way a user or another tool writes one."""
    folder.mkdir(parents=True)
    spec = {"argv": argv, "display_name": display_name, "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))
    return folder / "kernel.json"


def foreign_argv() -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]


def jupyter_kernelspecs(root: Path) -> dict:
    """What ``jupyter kernelspec list --json`` finds with root's JUPYTER_PATH."""
    result = subprocess.run([str(JUPYTER), "kernelspec", "list", "--json"], capture_output=True,
                            text=True, env={**_base_env(), **jupyter_env(root)}, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["kernelspecs"]


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER_")}


# --- install -----------------------------------------------------------------------------------


def test_install_into_a_prefix_writes_our_argv_display_name_and_the_python_logos(prefix, capsys):
    code, out, err = tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix))
    folder = kernels_in(prefix) / KERNEL_NAME
    assert (code, err) == (0, "")
    assert str(folder) in out and "jupyter kernelspec list" in out
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"] == OUR_ARGV
    assert spec["display_name"] == "Python 3 (TensorFlow 1.x, tf1-lstm)" == DISPLAY_NAME
    assert spec["language"] == "python"
    logos = sorted(Path(ipykernel.__file__).parent.joinpath("resources").glob("logo-*"))
    assert logos and sorted(p.name for p in folder.glob("logo-*")) == [p.name for p in logos]
    assert all((folder / logo.name).read_bytes() == logo.read_bytes() for logo in logos)


@pytest.mark.slow  # runs the jupyter command
def test_jupyter_kernelspec_list_shows_the_installed_kernel(prefix, capsys, tmp_path):
    tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix))
    found = jupyter_kernelspecs(tmp_path)
    assert Path(found[KERNEL_NAME]["resource_dir"]) == kernels_in(prefix) / KERNEL_NAME
    assert found[KERNEL_NAME]["spec"]["argv"] == OUR_ARGV
    assert found[KERNEL_NAME]["spec"]["display_name"] == DISPLAY_NAME
    plain = subprocess.run([str(JUPYTER), "kernelspec", "list"], capture_output=True, text=True,
                           env={**_base_env(), **jupyter_env(tmp_path)}, timeout=60)
    assert [KERNEL_NAME, str(kernels_in(prefix) / KERNEL_NAME)] in [
        line.split() for line in plain.stdout.splitlines()]


def test_the_default_install_is_per_user_with_the_name_and_display_name_given(prefix, capsys,
                                                                            tmp_path):
    code, _, err = tf1_lstm_kernel(capsys, "install", "--name", "tf1-course",
                                   "--display-name", "TF1 course")
    folder = Path(jupyter_env(tmp_path)["JUPYTER_DATA_DIR"]) / "kernels" / "tf1-course"
    assert (code, err) == (0, "")
    spec = json.loads((folder / "kernel.json").read_text())
    assert (spec["argv"], spec["display_name"]) == (OUR_ARGV, "TF1 course")
    assert not kernels_in(prefix).exists()


def test_installing_again_replaces_our_own_kernel(prefix, capsys):
    tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix), "--display-name", "first")
    code, _, err = tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix),
                                   "--display-name", "second")
    assert (code, err) == (0, "")
    spec = json.loads((kernels_in(prefix) / KERNEL_NAME / "kernel.json").read_text())
    assert spec["display_name"] == "second"


@pytest.mark.parametrize("content", ["foreign", "no kernel.json"])
def test_install_refuses_to_overwrite_a_kernelspec_of_that_name_that_is_not_ours(
        prefix, capsys, content):
    folder = kernels_in(prefix) / "py-other"
    if content == "foreign":
        kernel_json = hand_written_spec(folder, foreign_argv())
        before = kernel_json.read_text()
    else:
        folder.mkdir(parents=True)
    code, out, err = tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix),
                                     "--name", "py-other")
    assert (code, out) == (1, "")
    assert err == (f"tf1-lstm: error: a kernel named 'py-other' that is not tf1-lstm's is "
                   f"installed at {folder}; it was left alone: choose another name with --name\n")
    if content == "foreign":
        assert kernel_json.read_text() == before
    else:
        assert list(folder.iterdir()) == []


def test_install_under_another_case_does_not_overwrite_a_foreign_kernelspec(prefix, capsys):
    kernel_json = hand_written_spec(kernels_in(prefix) / "other", foreign_argv())
    before = kernel_json.read_text()
    code, _, _ = tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix), "--name", "OTHER")
    assert (code, kernel_json.read_text()) == (1, before)


@pytest.mark.parametrize("name", ["a b", "../stray"])
def test_a_kernel_name_jupyter_rejects_is_a_one_line_error_and_writes_nothing(prefix, capsys,
                                                                              name):
    code, _, err = tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix), "--name", name)
    assert code == 1
    assert err.strip() == (f"tf1-lstm: error: {name!r} cannot be a kernel name: use letters, "
                           "digits, '.', '_' and '-' only (e.g. tf1-lstm-course)")
    assert not (prefix.parent / "stray").exists() and not kernels_in(prefix).exists()


# --- list --------------------------------------------------------------------------------------


def test_list_shows_our_kernels_with_their_folder_and_marks_a_missing_python_broken(prefix,
                                                                                  capsys):
    tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix))
    gone = "/no/such/env/bin/python"
    hand_written_spec(kernels_in(prefix) / "tf1-old-env", [gone, *OUR_ARGV[1:]])
    hand_written_spec(kernels_in(prefix) / "py-other", foreign_argv())
    code, out, err = tf1_lstm_kernel(capsys, "list")
    assert (code, err) == (0, "")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert sorted(lines) == [KERNEL_NAME, "tf1-old-env"]  # not somebody else's kernel
    ours = lines[KERNEL_NAME]
    assert DISPLAY_NAME in ours and str(kernels_in(prefix) / KERNEL_NAME) in ours
    assert f"(python: {sys.executable})" in ours and "broken" not in ours
    assert str(kernels_in(prefix) / "tf1-old-env") in lines["tf1-old-env"]
    assert f"[broken: {gone} no longer exists; reinstall]" in lines["tf1-old-env"]


def test_list_without_any_of_our_kernels_says_how_to_install_one(prefix, capsys):
    hand_written_spec(kernels_in(prefix) / "py-other", foreign_argv())
    assert tf1_lstm_kernel(capsys, "list") == (
        0, "no tf1-lstm kernel is installed: tf1-lstm kernel install\n", "")


# --- uninstall ---------------------------------------------------------------------------------


def test_uninstall_removes_our_kernel(prefix, capsys, tmp_path):
    tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix), "--name", "tf1-x")
    folder = kernels_in(prefix) / "tf1-x"
    assert tf1_lstm_kernel(capsys, "uninstall", "--name", "tf1-x") == (
        0, f"removed the kernel tf1-x from {folder}\n", "")
    assert not folder.exists()
    assert "tf1-x" not in jupyter_kernelspecs(tmp_path)


def test_uninstall_refuses_a_kernelspec_that_is_not_ours_and_leaves_it(prefix, capsys):
    kernel_json = hand_written_spec(kernels_in(prefix) / "py-other", foreign_argv())
    before = kernel_json.read_text()
    code, out, err = tf1_lstm_kernel(capsys, "uninstall", "--name", "py-other")
    assert (code, out) == (1, "")
    assert err == (f"tf1-lstm: error: the kernel 'py-other' at {kernel_json.parent} is not a "
                   "tf1-lstm kernel; it was left alone (jupyter kernelspec remove removes any "
                   "kernel)\n")
    assert kernel_json.read_text() == before


def test_uninstall_of_an_unknown_name_names_the_installed_tf1_lstm_kernels(prefix, capsys):
    hand_written_spec(kernels_in(prefix) / "py-other", foreign_argv())
    code, _, err = tf1_lstm_kernel(capsys, "uninstall", "--name", "nope")
    assert (code, err) == (1, "tf1-lstm: error: no kernel named 'nope' is installed (tf1-lstm "
                              "kernels: none); see tf1-lstm kernel list\n")
    for name in ("tf1-b", "tf1-a"):
        tf1_lstm_kernel(capsys, "install", "--prefix", str(prefix), "--name", name)
    code, _, err = tf1_lstm_kernel(capsys, "uninstall", "--name", "nope")
    assert "(tf1-lstm kernels: tf1-a, tf1-b)" in err and code == 1


# --- the installed kernel, started as Jupyter starts it ----------------------------------------


@dataclass
class Reply:
    status: str
    text: str  # streams and results, in order
    traceback: str  # the error output's lines, colours removed


class RunningKernel:
    def __init__(self, manager: KernelManager, client) -> None:
        self.manager, self.client = manager, client

    def run(self, code: str) -> Reply:
        parts = []
        def keep(message):
            content = message["content"]
            if message["msg_type"] == "stream":
                parts.append(content["text"])
            elif message["msg_type"] == "execute_result":
                parts.append(content["data"]["text/plain"] + "\n")
        reply = self.client.execute_interactive(code, output_hook=keep, timeout=120)["content"]
        return Reply(reply["status"], "".join(parts),
                     ANSI.sub("", "\n".join(reply.get("traceback", []))))


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The kernel installed by ``tf1-lstm kernel install --prefix`` (a new process), started
    by jupyter_client from the folder Jupyter finds it in."""
    root = tmp_path_factory.mktemp("installed_kernel")
    env = jupyter_env(root)
    installed = run_python("", "-m", "tf1_lstm", "kernel", "install", "--prefix",
                           str(root / "prefix"), env=env, timeout=120)
    assert installed.returncode == 0, installed.stderr
    with pytest.MonkeyPatch.context() as patch:  # the kernel process inherits these
        for name, value in env.items():
            patch.setenv(name, value)
        specs = KernelSpecManager(kernel_dirs=[str(kernels_in(root / "prefix"))])
        manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=180)
            yield RunningKernel(manager, client)
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)


@pytest.mark.slow
def test_the_installed_kernel_is_started_from_our_spec_and_serves_tf1(kernel):
    assert kernel.manager.kernel_spec.argv == OUR_ARGV
    reply = kernel.run("import tensorflow as tf\n"
                       "print(tf.contrib.rnn.BasicLSTMCell.__name__, tf.executing_eagerly())")
    assert (reply.status, reply.text) == ("ok", "BasicLSTMCell False\n")


@pytest.mark.slow
def test_the_kernel_hides_its_connection_file_argument_from_the_notebook(kernel):
    reply = kernel.run("import sys\nprint(sys.argv[1:], '-f' in sys.argv, sys.executable)")
    assert (reply.status, reply.text) == ("ok", f"[] False {sys.executable}\n")


@pytest.mark.slow
def test_a_graph_cell_run_twice_carries_the_hint_and_tf1_reset_lets_it_run_again(kernel):
    cell = "w = tf.get_variable('w', [3, 2])\nprint(w.name)"
    kernel.run("import tensorflow as tf\n%tf1_reset")
    assert kernel.run(cell).text == "w:0\n"
    again = kernel.run(cell)
    assert again.status == "error"
    assert "ValueError: Variable w already exists, disallowed" in again.traceback
    assert again.traceback.splitlines()[-1].startswith("tf1-lstm: hint: ")
    assert "%tf1_reset" in again.traceback.splitlines()[-1]
    assert kernel.run("%tf1_reset").text == "tf1-lstm: new empty default graph\n"
    assert (kernel.run(cell).status, kernel.run("print(len(tf.global_variables()))").text) == (
        "ok", "1\n")
