"""The fast path's fused LSTM step: one C++ op for a step's elementwise math, built on this machine.

An LSTM step after its matmul, ``z [B, 4H] = [x, h, 1] @ K``, is about ten small TensorFlow ops
(a split, three sigmoids, two tanhs, the products and the sum) that each read and write
[B, H] arrays. ``Tf1LstmStep`` does them in one pass over the row (``kernels/lstm_step.cc``,
equations there and in ``sequence.py``)::

    i, j, f, o, c, tanh_c, h = library().tf1_lstm_step(z, c_prev, w_i, w_f, w_o,
                                                        use_peephole=False)

(the diagonals w_* [H] are read only with ``use_peephole``; pass zeros without). Its outputs are
exactly what ``LSTMBlockCellGrad`` reads for the backward step. ``Tf1LstmStepGrad`` is built too,
for the tests; it measured no faster than TF's ``LSTMBlockCellGrad``, which the fast path keeps.

TensorFlow ships no such op, so it is compiled here, once per machine, with the C++ compiler
(``$CXX`` or ``g++``) against the installed TensorFlow's headers, ``-O3 -march=native`` for the
math, into ``$TF1_LSTM_CACHE/kernels-<key>/`` (default ``~/.cache/tf1-lstm``). The key hashes the
sources, flags, TensorFlow's version, the compiler and this CPU's flags, so a new machine type,
TensorFlow or source builds anew. Building takes about 10-20 s and says so on stderr; processes
that start together wait for one build (a file lock); the library is published by an atomic
rename. Without a compiler, on a failed build, or with ``TF1_LSTM_FUSED=0``, ``library()`` is
None and the fast path runs the same step as TensorFlow ops; ``status()`` says which and why.

A graph that holds the op (a ``.meta`` written under the fast path) imports only where the
library is loaded: ``load_for(graph_def)`` does that for a graph that needs it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tensorflow.python.framework import meta_graph

from tf1_lstm.compat import tf

SOURCES = Path(__file__).with_name("kernels")
MATH, OPS = "lstm_step.cc", "lstm_step_ops.cc"
OP_TYPES = ("Tf1LstmStep", "Tf1LstmStepGrad")
LIBRARY = "tf1_lstm_kernels.so"
# The math alone gets -ffast-math (for the vectorised expf/tanhf of glibc's libmvec) and
# -march=native; it is compiled without TensorFlow's headers, whose Eigen does not build with
# -march=native on gcc 12. -ffast-math is a compile flag only: linked with it, gcc would add
# crtfastmath.o, which turns on flush-to-zero for the whole process.
MATH_FLAGS = ("-O3", "-march=native", "-ffast-math", "-fopenmp-simd", "-fPIC")
OPS_FLAGS = ("-O2", "-w", "-fPIC")
OFF = "TF1_LSTM_FUSED"          # "0": do not build or load the op

_state: dict = {}               # "library": the loaded module or None, "status": why


def library():
    """The loaded op library (``tf1_lstm_step``, ``tf1_lstm_step_grad``), or None (``status()``)."""
    if "status" not in _state:
        _state["library"], _state["status"] = _load()
    return _state["library"]


def status() -> str:
    """One line: where the fused step was loaded from, or why the fast path runs TF ops."""
    library()
    return _state["status"]


def load_for(graph) -> None:
    """Load the library if ``graph`` (a GraphDef, a MetaGraphDef, or a .meta file's path) holds
    its ops; a RuntimeError naming the way out if it does and the library cannot be loaded."""
    if isinstance(graph, (str, os.PathLike)):
        graph = meta_graph.read_meta_graph_file(str(graph))
    graph_def = getattr(graph, "graph_def", graph)
    functions = getattr(getattr(graph_def, "library", None), "function", ())
    ops = {node.op for node in graph_def.node} | {node.op for function in functions
                                                  for node in function.node_def}
    if ops.isdisjoint(OP_TYPES) or library() is not None:
        return
    raise RuntimeError(f"this graph was built by tf1-lstm's fast path and holds its fused LSTM "
                       f"step op, which could not be loaded: {status()}. Restore the checkpoint "
                       f"into a graph built by the script instead (the variables are TF1's), or "
                       f"install a C++ compiler (g++)")


def cache_dir() -> Path:
    """``$TF1_LSTM_CACHE``, else ``$XDG_CACHE_HOME/tf1-lstm``, else ``~/.cache/tf1-lstm``."""
    if os.environ.get("TF1_LSTM_CACHE"):
        return Path(os.environ["TF1_LSTM_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tf1-lstm"


def _load():
    if os.environ.get(OFF) == "0":
        return None, f"turned off ({OFF}=0): the fast path runs its step as TensorFlow ops"
    compiler = os.environ.get("CXX") or shutil.which("g++")
    if not compiler or not shutil.which(compiler):
        return None, ("no C++ compiler (g++, or $CXX) to build the fused LSTM step: the fast "
                      "path runs its step as TensorFlow ops")
    target = cache_dir() / f"kernels-{_key(compiler)}" / LIBRARY
    try:
        if not target.exists():
            _build(compiler, target)
        return tf.load_op_library(str(target)), f"fused LSTM step loaded from {target}"
    except (OSError, subprocess.CalledProcessError, tf.errors.NotFoundError) as error:
        detail = getattr(error, "stderr", None) or str(error)
        last = " | ".join(line for line in str(detail).splitlines()[-3:] if line.strip())
        return None, (f"the fused LSTM step did not build ({last}): the fast path runs its "
                      f"step as TensorFlow ops")


def _key(compiler: str) -> str:
    """What the built library depends on, hashed: sources, flags, TF, compiler, CPU."""
    parts = [(SOURCES / name).read_bytes() for name in (MATH, OPS)]
    version = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                             check=False).stdout.splitlines()[:1]
    parts += [repr((MATH_FLAGS, OPS_FLAGS, tf.__version__, version, platform.machine(),
                    _cpu_flags())).encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()[:16]


def _cpu_flags() -> str:
    """The CPU's feature flags (-march=native code runs only where they are all present)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return line
    return platform.processor()


def _build(compiler: str, target: Path) -> None:
    """Compile and link the library into ``target`` (atomically), one process at a time."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # another process may be building it right now
        if target.exists():
            return
        print("tf1-lstm: building the fast path's fused LSTM step for this machine "
              "(once, about 15 s) ...", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            math_o, ops_o, built = (Path(work) / name for name in ("m.o", "o.o", LIBRARY))
            _compile(compiler, [*MATH_FLAGS, "-c", str(SOURCES / MATH), "-o", str(math_o)])
            _compile(compiler, [*OPS_FLAGS, *tf.sysconfig.get_compile_flags(), "-c",
                                str(SOURCES / OPS), "-o", str(ops_o)])
            _compile(compiler, ["-shared", str(ops_o), str(math_o), "-o", str(built),
                                *tf.sysconfig.get_link_flags(), "-lmvec"])
            os.replace(built, target)


def _compile(compiler: str, arguments: list[str]) -> None:
    subprocess.run([compiler, *arguments], capture_output=True, text=True, check=True)
