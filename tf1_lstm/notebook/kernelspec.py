"""The TF1 kernel's spec, and ``tf1-lstm kernel install | list | uninstall``.

A Jupyter kernelspec is a folder ``kernels/NAME/`` holding ``kernel.json``: the command that
starts the kernel and the name the notebook UI shows. Ours:

    {"argv": [PYTHON, "-m", "tf1_lstm.notebook.kernel", "-f", "{connection_file}"],
     "display_name": "Python 3 (TensorFlow 1.x, tf1-lstm)", "language": "python", ...}

where PYTHON is the interpreter tf1-lstm is installed in, so the kernel imports the same
tf1-lstm, TensorFlow and tf_keras. Where it goes (jupyter_client's own rules):

- ``--user`` (the default): ``~/.local/share/jupyter/kernels/`` (per user, every Jupyter);
- ``--sys-prefix``: ``<this venv>/share/jupyter/kernels/`` (Jupyter running from this venv);
- ``--prefix P``: ``P/share/jupyter/kernels/`` (Jupyter finds it with JUPYTER_PATH=P/share/jupyter).

``uninstall`` removes only a spec whose ``argv`` starts our kernel module: a kernelspec the
user made for something else is refused, never deleted. ``tf1-lstm run NOTEBOOK`` needs no
install: ``TransientKernelSpecs`` hands the same spec to nbclient in memory.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.kernelspec import (
    KernelSpec,
    KernelSpecManager,
    NoSuchKernel,
    _is_valid_kernel_name,  # the rule install_kernel_spec applies, checked before we write
)
from jupyter_core.paths import SYSTEM_JUPYTER_PATH, jupyter_data_dir

from tf1_lstm import __version__
from tf1_lstm.errors import Tf1LstmError
from tf1_lstm.notebook import DISPLAY_NAME, KERNEL_MODULE, KERNEL_NAME


class KernelSpecError(Tf1LstmError):
    """A kernel name that is not there, or not ours to remove."""


def kernel_json(display_name: str = DISPLAY_NAME) -> dict:
    """The content of our ``kernel.json``."""
    return {
        "argv": [sys.executable, "-m", KERNEL_MODULE, "-f", "{connection_file}"],
        "display_name": display_name,
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": True, "tf1_lstm": {"version": __version__}},
    }


def is_ours(spec: KernelSpec) -> bool:
    return KERNEL_MODULE in spec.argv


class TransientKernelSpecs(KernelSpecManager):
    """The installed kernelspecs, plus ours under ``KERNEL_NAME`` without installing it."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == KERNEL_NAME:
            return KernelSpec(resource_dir=str(_logo_folder()), **kernel_json())
        return super().get_kernel_spec(kernel_name)


def _logo_folder() -> Path:
    import ipykernel  # its logos: the Python logo every Python kernel shows

    return Path(ipykernel.__file__).parent / "resources"


def _is_our_folder(folder: Path) -> bool:
    try:
        return is_ours(KernelSpec.from_resource_dir(str(folder)))
    except (OSError, ValueError, KeyError):  # no or broken kernel.json: somebody else's
        return False


def _kernel_name(name: str) -> str:
    """``name`` as Jupyter stores it (lower case), or the error naming what it accepts."""
    if not _is_valid_kernel_name(name):
        raise KernelSpecError(f"{name!r} cannot be a kernel name: use letters, digits, '.', "
                              "'_' and '-' only (e.g. tf1-lstm-course)")
    return name.lower()  # jupyter_client stores and finds kernels under the lower-case name


def install(name: str, display_name: str, user: bool, prefix: str | None) -> Path:
    """Write our kernelspec as ``name``; returns the folder it is in (replacing ours only)."""
    name = _kernel_name(name)
    destination = (Path(prefix) / "share" / "jupyter" if prefix else
                   Path(jupyter_data_dir()) if user else Path(SYSTEM_JUPYTER_PATH[0]))
    existing = destination / "kernels" / name
    if existing.exists() and not _is_our_folder(existing):
        raise KernelSpecError(f"a kernel named {name!r} that is not tf1-lstm's is installed at "
                              f"{existing}; it was left alone: choose another name with --name")
    manager = KernelSpecManager()
    with tempfile.TemporaryDirectory() as staging:
        folder = Path(staging) / name
        folder.mkdir()
        (folder / "kernel.json").write_text(json.dumps(kernel_json(display_name), indent=1))
        for logo in _logo_folder().glob("logo-*"):
            shutil.copy(logo, folder / logo.name)
        return Path(manager.install_kernel_spec(str(folder), name, user=user, prefix=prefix))


def our_kernels() -> dict[str, KernelSpec]:
    """Our installed kernelspecs, by name, as Jupyter finds them (JUPYTER_PATH included)."""
    manager = KernelSpecManager()
    found = {}
    for name, folder in sorted(manager.find_kernel_specs().items()):
        try:
            spec = manager.get_kernel_spec(name)
        except (NoSuchKernel, ValueError, OSError):  # a broken kernel.json is not ours to judge
            continue
        if is_ours(spec):
            spec.resource_dir = folder
            found[name] = spec
    return found


def uninstall(name: str) -> Path:
    """Remove our kernelspec ``name``; returns the folder removed."""
    name = _kernel_name(name)
    manager = KernelSpecManager()
    folder = manager.find_kernel_specs().get(name)
    if folder is None:
        ours = ", ".join(our_kernels()) or "none"
        raise KernelSpecError(f"no kernel named {name!r} is installed (tf1-lstm kernels: "
                              f"{ours}); see tf1-lstm kernel list")
    if not is_ours(manager.get_kernel_spec(name)):
        raise KernelSpecError(f"the kernel {name!r} at {folder} is not a tf1-lstm kernel; "
                              "it was left alone (jupyter kernelspec remove removes any kernel)")
    return Path(manager.remove_kernel_spec(name))


def describe(name: str, spec: KernelSpec) -> str:
    python = Path(spec.argv[0])
    state = "" if python.exists() else f"  [broken: {python} no longer exists; reinstall]"
    return f"{name:<16} {spec.display_name}  {spec.resource_dir}  (python: {python}){state}"
