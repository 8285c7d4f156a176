"""NumPy 1's removed names (``np.float``, ``np.asscalar``, ``np.NaN``, ...) for a script's code.

Scripts of the TF 0.12 / 1.x years ran on NumPy 1.11 - 1.19, which still had the builtin
aliases (``np.float is float``: deprecated in 1.20, removed in 1.24) and the names NumPy 2.0
removed (``numpy/_expired_attrs_2_0.py`` and the NumPy 2.0 migration guide: ``np.NaN``,
``np.PINF``, ``np.float_``, ``np.round_``, ``np.alltrue``, ``np.product``, ...).
``install()`` serves them with NumPy 1's meaning, one ``tf1-lstm: note:`` line per name per
run, by wrapping ``numpy.__getattr__`` (NumPy's hook for names its module lacks):

- only names NumPy 2 no longer has: ``np.bool`` and ``np.long`` exist again in NumPy 2 (as
  NumPy's own scalar types) and are left alone;
- only for the script's own code (``callers``): an access from a file of the Python
  installation (site-packages, the standard library) or of tf1_lstm gets NumPy 2's
  AttributeError, so libraries that probe ``hasattr(np, "float_")`` keep seeing NumPy 2.

Only ``tf1-lstm run`` calls ``install()``, just before the script runs; the library and its
tests never do.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

from tf1_lstm.legacy import callers, notices

NUMPY1 = "NumPy 1"


def _asscalar(a):
    """NumPy 1's ``np.asscalar(a)``: ``a.item()``."""
    return a.item()


def _asfarray(a, dtype=np.float64):
    """NumPy 1's ``np.asfarray``: ``a`` as an array of an inexact dtype (float64 otherwise)."""
    if not np.issubdtype(dtype, np.inexact):
        dtype = np.float64
    return np.asarray(a, dtype=dtype)


def _msort(a):
    """NumPy 1's ``np.msort(a)``: sorted along the first axis."""
    return np.sort(a, axis=0)


def _in1d(ar1, ar2, assume_unique=False, invert=False, **kwargs):
    """NumPy 1's ``np.in1d``: ``np.isin`` of the flattened ``ar1``."""
    return np.isin(np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert, **kwargs)


def _issubclass_(arg1, arg2) -> bool:
    """NumPy 1's ``np.issubclass_``: ``issubclass`` that is False instead of a TypeError."""
    try:
        return issubclass(arg1, arg2)
    except TypeError:
        return False


# name -> (NumPy 1's value, how the note names it)
NUMPY1_NAMES: dict[str, tuple[object, str]] = {
    # The builtin aliases (removed in NumPy 1.24).
    "float": (float, "float"),
    "int": (int, "int"),
    "complex": (complex, "complex"),
    "object": (object, "object"),
    "str": (str, "str"),
    "unicode": (str, "str"),
    # Constants (removed in NumPy 2.0).
    "Inf": (np.inf, "np.inf"),
    "Infinity": (np.inf, "np.inf"),
    "infty": (np.inf, "np.inf"),
    "PINF": (np.inf, "np.inf"),
    "NINF": (-np.inf, "-np.inf"),
    "NaN": (np.nan, "np.nan"),
    "PZERO": (0.0, "0.0"),
    "NZERO": (-0.0, "-0.0"),
    # Scalar type aliases (removed in NumPy 1.24 and 2.0).
    "float_": (np.float64, "np.float64"),
    "complex_": (np.complex128, "np.complex128"),
    "cfloat": (np.complex128, "np.complex128"),
    "singlecomplex": (np.complex64, "np.complex64"),
    "longfloat": (np.longdouble, "np.longdouble"),
    "longcomplex": (np.clongdouble, "np.clongdouble"),
    "clongfloat": (np.clongdouble, "np.clongdouble"),
    "string_": (np.bytes_, "np.bytes_"),
    "unicode_": (np.str_, "np.str_"),
    "int0": (np.intp, "np.intp"),
    "uint0": (np.uintp, "np.uintp"),
    "bool8": (np.bool_, "np.bool_"),
    "object0": (np.object_, "np.object_"),
    "str0": (np.str_, "np.str_"),
    "bytes0": (np.bytes_, "np.bytes_"),
    "void0": (np.void, "np.void"),
    "typeDict": (np.sctypeDict, "np.sctypeDict"),
    # Functions (removed in NumPy 1.23 - 2.x).
    "asscalar": (_asscalar, "a.item()"),
    "alltrue": (np.all, "np.all"),
    "sometrue": (np.any, "np.any"),
    "product": (np.prod, "np.prod"),
    "cumproduct": (np.cumprod, "np.cumprod"),
    "round_": (np.round, "np.round"),
    "asfarray": (_asfarray, "np.asarray(a, dtype=np.float64)"),
    "msort": (_msort, "np.sort(a, axis=0)"),
    "in1d": (_in1d, "np.isin(np.ravel(ar1), ar2)"),
    "trapz": (np.trapezoid, "np.trapezoid"),
    "mat": (np.asmatrix, "np.asmatrix"),
    "issubclass_": (_issubclass_, "issubclass"),
    "safe_eval": (ast.literal_eval, "ast.literal_eval"),
}

def numpy1_getattr(numpy_getattr: Callable[[str], object]) -> Callable[[str], object]:
    """A module ``__getattr__`` for numpy: NUMPY1_NAMES for the script, else ``numpy_getattr``."""

    def __getattr__(name: str):
        served = NUMPY1_NAMES.get(name)
        if served is None or not callers.called_from_the_script():
            return numpy_getattr(name)
        value, how = served
        notices.note_once(f"np.{name}", notices.ran_as(f"np.{name}", NUMPY1, how))
        return value

    __getattr__.numpy1 = True
    return __getattr__


def installed() -> bool:
    """Has ``install()`` run in this process?"""
    return getattr(vars(np).get("__getattr__"), "numpy1", False)


def install() -> None:
    """Serve NUMPY1_NAMES to the script's code (see above). NumPy calls its module
    ``__getattr__`` only for names it lacks, so a name NumPy has again keeps its meaning."""
    if not installed():
        np.__getattr__ = numpy1_getattr(vars(np)["__getattr__"])
