"""TF 1.x's private ``_linear`` and ``_Linear``, each era with its own variable names.

Every TF 1.x RNN cell built its gates with one matmul over its concatenated inputs, and TF1
code reused that private helper (imported from where its TF version kept it)::

    y = concat([x_1, ..., x_k], axis=1) @ W  (+ b)
    x_i [batch, n_i],  W [n_1 + ... + n_k, output_size],  b [output_size],  y [batch, output_size]

The arithmetic never changed; the names of W and b, so what a checkpoint holds, changed
three times. ``tf1_lstm.legacy.private_paths`` serves each import path its era's version:

- TF 0.x - 0.12, ``tensorflow.python.ops.rnn_cell._linear``: ``linear_tf012``, variables
  ``Linear/Matrix`` and ``Linear/Bias`` (under ``scope or "Linear"``);
- TF 1.0 - 1.1, ``tensorflow.contrib.rnn.python.ops.core_rnn_cell_impl._linear``:
  ``linear_tf10``, ``weights`` and ``biases`` in the current variable scope;
- TF 1.2 - 1.5, ``tensorflow.python.ops.rnn_cell_impl._linear`` (and ``_Linear`` from 1.4):
  ``linear`` / ``Linear``, ``kernel`` and ``bias`` in the current variable scope;
- TF 1.6 - 1.15, ``tensorflow.contrib.rnn.python.ops.core_rnn_cell._linear`` / ``_Linear``:
  the same ``linear`` / ``Linear``.

Read from TF's own files: TF 0.12's ``python/ops/rnn_cell.py``, TF 1.0/1.1's
``contrib/rnn/python/ops/core_rnn_cell_impl.py`` (``_WEIGHTS_VARIABLE_NAME = "weights"``),
TF 1.15's ``contrib/rnn/python/ops/core_rnn_cell.py`` (``"kernel"``, from rnn_cell_impl); the
1.2 rename is the table of TF's ``contrib/rnn/python/tools/checkpoint_convert.py``
(``basic_lstm_cell/weights -> basic_lstm_cell/kernel``). TF's behaviour kept on purpose:

- TF 1.0's ``_linear`` took ``scope=`` and ignored it (it read the current variable scope
  instead); 1.1 dropped the argument. ``linear_tf10`` accepts it and ignores it too.
- From 1.0 on, the bias is made with the scope's partitioner switched off (a partitioned
  scope shards W, never b); 0.12 made both with the scope as it was.
- The bias starts at ``bias_start`` (0.x - 1.1) or from ``bias_initializer`` (zeros when
  None, 1.2+); W takes ``kernel_initializer`` (1.2+) or else the scope's initializer.
- ``Linear`` makes its variables when constructed (the ``args`` given there only give the
  shapes) and applies them at each call, as TF 1.4+'s ``_Linear``.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.errors import Tf1LstmError

__all__ = ["linear_tf012", "linear_tf10", "linear", "Linear", "LinearArgumentsError"]


class LinearArgumentsError(Tf1LstmError, ValueError):
    """``_linear`` got no inputs, or inputs that are not [batch, known width] (TF: ValueError)."""


def _as_list(args) -> list:
    """``args`` as a list of tensors: TF accepted one tensor or a (non-empty) list/tuple."""
    if isinstance(args, (list, tuple)):
        if not args:
            raise LinearArgumentsError("_linear needs at least one input tensor; got an empty "
                                       "list. Pass [inputs, state] (or one tensor).")
        return list(args)
    if args is None:
        raise LinearArgumentsError("_linear needs at least one input tensor; got None.")
    return [args]


def _input_width(args: list) -> int:
    """n_1 + ... + n_k: the rows of W. Every input must be 2-D with a known last dimension."""
    shapes = [arg.get_shape() for arg in args]
    if any(shape.rank != 2 for shape in shapes):
        raise LinearArgumentsError(f"_linear takes 2-D inputs [batch, n]; got shapes {shapes}. "
                                   "Reshape the inputs to [batch, n] first.")
    widths = [shape.as_list()[1] for shape in shapes]
    if None in widths:
        raise LinearArgumentsError(f"_linear needs the last dimension of every input to be known "
                                   f"when the graph is built; got shapes {shapes}. Give the "
                                   "placeholder a fixed width, or call set_shape().")
    return sum(widths)


def _matmul(args: list, weights):
    inputs = args[0] if len(args) == 1 else _v1.concat(args, 1)  # [batch, n_1 + ... + n_k]
    return _v1.matmul(inputs, weights)                            # [batch, output_size]


def linear_tf012(args, output_size: int, bias: bool, bias_start: float = 0.0, scope=None):
    """TF 0.12's ``rnn_cell._linear``: ``Matrix`` and ``Bias`` under ``scope or "Linear"``."""
    args = _as_list(args)
    dtype = args[0].dtype
    with _v1.variable_scope(scope or "Linear"):
        matrix = _v1.get_variable("Matrix", [_input_width(args), output_size], dtype=dtype)
        res = _matmul(args, matrix)
        if not bias:
            return res
        bias_term = _v1.get_variable(
            "Bias", [output_size], dtype=dtype,
            initializer=_v1.constant_initializer(bias_start, dtype=dtype))
    return res + bias_term  # TF 0.12 added; 1.0+ used bias_add (the same numbers)


class Linear:
    """TF 1.4 - 1.15's ``_Linear``: ``kernel`` W and ``bias`` b in the current variable scope.

    ``Linear(args, output_size, build_bias)`` makes W [n_1 + ... + n_k, output_size] (and b
    [output_size]) from the shapes of ``args``; ``linear_map(args)`` returns [batch,
    output_size], as often as it is called, with the same variables.
    """

    KERNEL_NAME = "kernel"
    BIAS_NAME = "bias"

    def __init__(self, args, output_size: int, build_bias: bool, bias_initializer=None,
                 kernel_initializer=None) -> None:
        self._build_bias = build_bias
        self._is_sequence = isinstance(args, (list, tuple))
        args = _as_list(args)
        dtype = args[0].dtype
        if bias_initializer is None:
            bias_initializer = _v1.constant_initializer(0.0, dtype=dtype)
        with _v1.variable_scope(_v1.get_variable_scope()) as outer_scope:
            self._weights = _v1.get_variable(
                self.KERNEL_NAME, [_input_width(args), output_size], dtype=dtype,
                initializer=kernel_initializer)
            if build_bias:
                with _v1.variable_scope(outer_scope) as inner_scope:
                    inner_scope.set_partitioner(None)  # W may be sharded, b never
                    self._biases = _v1.get_variable(
                        self.BIAS_NAME, [output_size], dtype=dtype, initializer=bias_initializer)

    def __call__(self, args):
        args = _as_list(args) if self._is_sequence else [args]
        res = _matmul(args, self._weights)
        return _v1.nn.bias_add(res, self._biases) if self._build_bias else res


class _LinearTF10(Linear):
    """TF 1.0 - 1.1's variables: ``weights`` and ``biases`` (renamed kernel/bias in 1.2)."""

    KERNEL_NAME = "weights"
    BIAS_NAME = "biases"


def linear(args, output_size: int, bias: bool, bias_initializer=None, kernel_initializer=None):
    """TF 1.2 - 1.15's ``_linear``: one call of a new ``Linear`` (``kernel``, ``bias``)."""
    return Linear(args, output_size, bias, bias_initializer, kernel_initializer)(args)


def linear_tf10(args, output_size: int, bias: bool, bias_start: float = 0.0, scope=None):
    """TF 1.0 - 1.1's ``core_rnn_cell_impl._linear``: ``weights``, ``biases``.

    ``scope`` is accepted and ignored, as TF 1.0 did (it used the current variable scope).
    """
    del scope
    dtype = _as_list(args)[0].dtype
    starts_at = _v1.constant_initializer(bias_start, dtype=dtype)
    return _LinearTF10(args, output_size, bias, bias_initializer=starts_at)(args)
