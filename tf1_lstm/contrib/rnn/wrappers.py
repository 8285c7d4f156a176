"""``tf.contrib.rnn``'s ways of composing cells, on TF 2.21.

- ``InputProjectionWrapper`` / ``OutputProjectionWrapper``: a dense layer in front of / after
  a cell, applied at every step (TF1: ``contrib/rnn/python/ops/core_rnn_cell.py``).
- ``stack_bidirectional_rnn`` / ``stack_bidirectional_dynamic_rnn``: bidirectional layers
  where each layer reads the previous layer's concatenated [fw, bw] outputs
  (TF1: ``contrib/rnn/python/ops/rnn.py``).

Variable names are TF1's. The projections live under the wrapper's own scope, e.g. under
``static_rnn``: ``rnn/output_projection_wrapper/kernel`` [H, P], ``.../bias`` [P] and the
wrapped cell's ``rnn/output_projection_wrapper/basic_lstm_cell/kernel``. The stacks use
``stack_bidirectional_rnn/cell_{i}/fw/...`` (static: TF1 handed the ``cell_{i}`` scope itself
to ``static_bidirectional_rnn``) and ``stack_bidirectional_rnn/cell_{i}/bidirectional_rnn/fw/...``
(dynamic).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_wrappers import _CellWrapper

_v1 = _tf2.compat.v1
# tf_keras runs a user layer's `call` through AutoGraph. These calls only build graph (no
# tensor-dependent Python control flow), so AutoGraph would add nothing but StagingError
# wrapped around the wrapped cell's own errors.
_plain_python = _tf2.autograph.experimental.do_not_convert


def _like_rnncell(cell) -> bool:
    """TF1's duck-typed check: anything with the RNNCell interface can be wrapped."""
    return callable(cell) and all(
        hasattr(cell, name) for name in ("output_size", "state_size", "zero_state"))


def _linear(inputs, output_size: int):
    """TF1's ``_Linear`` for one 2-D input: ``inputs @ kernel + bias``, variables in the
    current variable scope (``kernel`` [in, out] default initializer, ``bias`` [out] zeros)."""
    input_size = _tf2.compat.dimension_value(inputs.shape.with_rank(2)[1])
    if input_size is None:
        raise ValueError(f"linear expects shape[1] to be provided for shape {inputs.shape}")
    with _v1.variable_scope(_v1.get_variable_scope()) as outer_scope:
        kernel = _v1.get_variable("kernel", [input_size, output_size], dtype=inputs.dtype)
        with _v1.variable_scope(outer_scope) as inner_scope:
            inner_scope.set_partitioner(None)  # TF1 never partitioned the bias
            bias = _v1.get_variable("bias", [output_size], dtype=inputs.dtype,
                                    initializer=_v1.zeros_initializer())
    return kernel, bias


class _ProjectionWrapper(_CellWrapper):
    """What both projection wrappers share: TF1's duck-typed check of the cell, the
    projection; from ``_CellWrapper`` the cell's state, output size and zero state."""

    def __init__(self, cell, reuse=None) -> None:
        super().__init__(cell, reuse=reuse)
        if not _like_rnncell(cell):
            raise TypeError("The parameter cell is not RNNCell.")
        self._projection = None  # (kernel, bias), made at the first call as in TF1

    def _project(self, tensor, size: int, activation: Callable | None):
        if self._projection is None:
            self._projection = _linear(tensor, size)
        kernel, bias = self._projection
        projected = _v1.nn.bias_add(_v1.matmul(tensor, kernel), bias)
        return activation(projected) if activation else projected


class InputProjectionWrapper(_ProjectionWrapper):
    """``tf.contrib.rnn.InputProjectionWrapper``: project each step's input, then run the cell.

    ``cell(activation(x @ kernel + bias), state)``; ``kernel`` [I, num_proj] and ``bias``
    [num_proj] live under ``input_projection_wrapper/``. ``input_size`` is ignored (TF1 had
    deprecated it too).
    """

    def __init__(self, cell, num_proj: int, activation: Callable | None = None,
                 input_size=None, reuse=None) -> None:
        super().__init__(cell, reuse=reuse)
        if input_size is not None:
            logging.getLogger("tensorflow").warning(
                "%s: The input_size parameter is deprecated.", self)
        self._num_proj = num_proj
        self._activation = activation

    @_plain_python
    def call(self, inputs, state):
        projected = self._project(inputs, self._num_proj, self._activation)  # [B, num_proj]
        return self._cell(projected, state)


class OutputProjectionWrapper(_ProjectionWrapper):
    """``tf.contrib.rnn.OutputProjectionWrapper``: run the cell, then project its output.

    Output ``activation(cell_output @ kernel + bias)`` [B, output_size]; the state is the
    cell's, unprojected. ``kernel`` [cell.output_size, output_size] and ``bias``
    [output_size] live under ``output_projection_wrapper/``.
    """

    def __init__(self, cell, output_size: int, activation: Callable | None = None,
                 reuse=None) -> None:
        super().__init__(cell, reuse=reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = output_size
        self._activation = activation

    @property
    def output_size(self) -> int:
        return self._output_size

    @_plain_python
    def call(self, inputs, state):
        output, new_state = self._cell(inputs, state)                     # [B, H]
        return self._project(output, self._output_size, self._activation), new_state


# --- stacked bidirectional RNNs ------------------------------------------------------------

def _check_stack_arguments(cells_fw, cells_bw, initial_states_fw, initial_states_bw) -> None:
    # TF1's checks and messages, word for word.
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    for direction, states, cells in (("fw", initial_states_fw, cells_fw),
                                     ("bw", initial_states_bw, cells_bw)):
        if states is not None and (not isinstance(states, list) or len(states) != len(cells)):
            raise ValueError(
                f"initial_states_{direction} must be a list of state tensors (one per layer).")


def _stack_layers(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw, scope,
                  run_layer):
    """The loop both stacks share: layer i reads layer i-1's output, under ``cell_{i}``.

    ``run_layer(cell_fw, cell_bw, layer_inputs, initial_fw, initial_bw, cell_scope)`` returns
    ``(layer_outputs, state_fw, state_bw)``.
    """
    _check_stack_arguments(cells_fw, cells_bw, initial_states_fw, initial_states_bw)
    states_fw, states_bw = [], []
    layer_inputs = inputs
    with _v1.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw, strict=True)):
            initial_fw = initial_states_fw[i] if initial_states_fw else None
            initial_bw = initial_states_bw[i] if initial_states_bw else None
            with _v1.variable_scope(f"cell_{i}") as cell_scope:
                layer_inputs, state_fw, state_bw = run_layer(
                    cell_fw, cell_bw, layer_inputs, initial_fw, initial_bw, cell_scope)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return layer_inputs, tuple(states_fw), tuple(states_bw)


def stack_bidirectional_rnn(cells_fw: list, cells_bw: list, inputs: Sequence,
                            initial_states_fw: list | None = None,
                            initial_states_bw: list | None = None, dtype=None,
                            sequence_length=None, scope=None):
    """``tf.contrib.rnn.stack_bidirectional_rnn``: layer i's input is layer i-1's [fw, bw].

    ``inputs``: a length-T list of [B, I]. Returns ``(outputs, states_fw, states_bw)``:
    ``outputs`` a length-T list of [B, H_fw + H_bw] from the top layer; ``states_fw`` and
    ``states_bw`` tuples with each layer's final state. Variables:
    ``stack_bidirectional_rnn/cell_{i}/fw/<cell>/...`` and ``.../cell_{i}/bw/<cell>/...``.
    """
    def layer(cell_fw, cell_bw, layer_inputs, initial_fw, initial_bw, cell_scope):
        # TF1 passed the cell_{i} scope itself: no bidirectional_rnn/ level in the names.
        return _v1.nn.static_bidirectional_rnn(
            cell_fw, cell_bw, layer_inputs, initial_state_fw=initial_fw,
            initial_state_bw=initial_bw, dtype=dtype, sequence_length=sequence_length,
            scope=cell_scope)

    return _stack_layers(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw,
                         scope, layer)


def stack_bidirectional_dynamic_rnn(cells_fw: list, cells_bw: list, inputs,
                                    initial_states_fw: list | None = None,
                                    initial_states_bw: list | None = None, dtype=None,
                                    sequence_length=None, parallel_iterations: int | None = None,
                                    time_major: bool = False, scope=None):
    """``tf.contrib.rnn.stack_bidirectional_dynamic_rnn``: the same stack over a 3-D tensor.

    ``inputs`` [B, T, I] ([T, B, I] if ``time_major``). Returns ``(outputs, states_fw,
    states_bw)``: ``outputs`` [B, T, H_fw + H_bw] from the top layer (time-major if the input
    was); the states as in ``stack_bidirectional_rnn``. Variables:
    ``stack_bidirectional_rnn/cell_{i}/bidirectional_rnn/fw/<cell>/...`` (and ``bw``).
    """
    def layer(cell_fw, cell_bw, layer_inputs, initial_fw, initial_bw, cell_scope):
        (output_fw, output_bw), (state_fw, state_bw) = _v1.nn.bidirectional_dynamic_rnn(
            cell_fw, cell_bw, layer_inputs, initial_state_fw=initial_fw,
            initial_state_bw=initial_bw, sequence_length=sequence_length,
            parallel_iterations=parallel_iterations, dtype=dtype, time_major=time_major)
        return _v1.concat([output_fw, output_bw], 2), state_fw, state_bw  # [.., .., H_fw + H_bw]

    return _stack_layers(cells_fw, cells_bw, inputs, initial_states_fw, initial_states_bw,
                         scope, layer)
