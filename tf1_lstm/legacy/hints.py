"""One-line hints for TF1 idioms that TensorFlow 2.21 rejects with a raw error.

``hint_for(error)`` reads the frames ``error`` passed through, with their arguments, and
names the idiom and its fix, or returns None. Under ``tf1-lstm run`` both idioms usually
run instead of failing (``tf1_lstm.legacy.repeated_cells``, ``tf1_lstm.legacy.history``,
each with a ``tf1-lstm: note:`` line); the hints are for the cases those cannot take:

- ``MultiRNNCell([cell] * n)``: one cell object (or one cell inside several wrappers) for
  every layer. Since TF 1.2 the layers share its weights, which only fit when the input
  size equals ``num_units``; otherwise the second layer's MatMul fails with "Dimensions
  must be equal". ``repeated_cells`` gives such a stack TF 1.0's separate weights when it
  can copy the cell (``from_config(get_config())``); for a cell class it cannot copy, the
  failure stays and gets the hint. A working shared stack (input size == units) is valid
  TF1 and is left alone: the hint needs the failure to happen while a later layer runs a
  cell an earlier layer already ran.
- ``tf.concat(1, [a, b])``: TF 0.x's order (axis first). Since TF 1.0 ``tf.concat`` takes
  the values first, so the failure is a TypeError or ValueError about converting the list
  to an int axis. The facade's ``tf.concat`` runs the unambiguous TF 0.x calls; the hint is
  for the others (``tf.compat.v1.concat`` or ``array_ops.concat`` called directly): it
  needs the error raised inside ``tf.concat`` with an int as its first argument and a list
  as its second.

- ``int(np.argmax(logits, axis=1))``: NumPy 1 turned a one-element array into a scalar
  (translate.py's decoding, char-rnn's ``weighted_pick``); NumPy 2 raises a TypeError. No
  name to serve (it is ``int`` itself): the hint is read from NumPy's message.

The frames must be TensorFlow's own, so ``keep_tensorflow_frames()`` turns off TF 2's
traceback filtering (TF 1.x had none).
"""

from __future__ import annotations

import inspect
import numbers
import traceback
from collections.abc import Iterator
from types import FrameType

from tf1_lstm.compat import rnn, tf
from tf1_lstm.legacy.repeated_cells import repeated_layers

SHARED_CELL_HINT = (
    "MultiRNNCell([cell] * n) reuses one cell object for every layer: since TF 1.2 its "
    "weights are shared and need input size == units; build a new cell per layer: "
    "MultiRNNCell([BasicLSTMCell(n) for _ in range(layers)])")
CONCAT_ORDER_HINT = (
    "tf.concat(1, [a, b]) is the TF 0.x argument order; since TF 1.0 it is tf.concat([a, b], 1)")

NUMPY1_SCALAR_HINT = (
    "int() / float() of an array: NumPy 1 accepted a one-element array (int(np.argmax(logits, "
    "axis=1)) of one row), NumPy 2 does not: take the element first, int(a.item()) or "
    "int(a[0])")
_NUMPY2_SCALAR_MESSAGE = "only 0-dimensional arrays can be converted to Python scalars"

_MULTI_RNN_CALL = rnn.MultiRNNCell.call.__code__
_CONCAT = inspect.unwrap(tf.concat).__code__  # array_ops.concat(values, axis), undecorated


def keep_tensorflow_frames() -> None:
    """Turn off TF 2's traceback filtering, which drops the frames ``hint_for`` reads."""
    tf.debugging.disable_traceback_filtering()


def _frames(error: BaseException) -> Iterator[FrameType]:
    return (frame for frame, _ in traceback.walk_tb(error.__traceback__))


def _shared_cell_failed(frame: FrameType) -> bool:
    """In MultiRNNCell.call: does layer ``i`` run a cell an earlier layer already ran?"""
    if frame.f_code is not _MULTI_RNN_CALL:
        return False
    names = frame.f_locals  # MultiRNNCell.call's loop: `for i, cell in enumerate(self._cells)`
    stack, layer = names.get("self"), names.get("i")
    if not isinstance(layer, int):
        return False
    return layer in repeated_layers(stack._cells[:layer + 1])


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _concat_axis_first(frame: FrameType) -> bool:
    """In tf.concat: was ``values`` an int (concat wraps it: ``[1]``) and ``axis`` a list?"""
    if frame.f_code is not _CONCAT:
        return False
    values, axis = frame.f_locals.get("values"), frame.f_locals.get("axis")
    wrapped_int = isinstance(values, list) and len(values) == 1 and _is_int(values[0])
    return (_is_int(values) or wrapped_int) and isinstance(axis, (list, tuple))


_HINTS = ((_shared_cell_failed, SHARED_CELL_HINT), (_concat_axis_first, CONCAT_ORDER_HINT))


def hint_for(error: BaseException) -> str | None:
    """The hint for the TF1 idiom behind ``error``, or None when it is not one we know."""
    if isinstance(error, TypeError) and str(error) == _NUMPY2_SCALAR_MESSAGE:
        return NUMPY1_SCALAR_HINT
    for frame in _frames(error):
        for matches, hint in _HINTS:
            if matches(frame):
                return hint
    return None
