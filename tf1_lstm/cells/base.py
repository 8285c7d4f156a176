"""What every hand-written cell shares: the constructor, sizes, and where its variables come from.

A subclass names its scope (``default_name``, the built-in cell's, so checkpoints
interchange), creates its variables in ``_add_weights(input_depth, units, dtype)`` and writes
the equations of one step in ``call``. Its sizes are those of ``NumUnitsStateAndOutput``
(``contrib/rnn/cell_sizes.py``, the contrib cells' too): state and output h [B, H], unless
the subclass overrides ``state_size`` (an LSTM's ``LSTMStateTuple``). The variables are
made once, by one of two routes that give them the same names, shapes and dtype:

- ``build``, which Keras runs when static_rnn / dynamic_rnn first call the cell (one step);
- ``create_cell_variables``, for a function that runs a whole sequence without calling the
  cell (``cells.lstm.whole_sequence``, ``fast.rnn.dynamic_rnn``).
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.compat import rnn, tf
from tf1_lstm.contrib.rnn.cell_sizes import NumUnitsStateAndOutput

Activation = Callable[[tf.Tensor], tf.Tensor]


class HandCell(NumUnitsStateAndOutput, rnn.RNNCell):
    """An RNNCell of ``num_units`` whose state and output are h [B, H] unless overridden."""

    default_name = "rnn_cell"

    def __init__(self, num_units: int, activation: Activation | None = None,
                 reuse: bool | None = None, name: str | None = None, dtype=None) -> None:
        super().__init__(_reuse=reuse, name=name or self.default_name, dtype=dtype)
        self._num_units = num_units
        self._activation = activation or tf.tanh

    def build(self, inputs_shape) -> None:
        # Run by the first step's __call__, in the caller's scope, with the inputs' dtype set.
        self._add_weights(known_input_depth(self, inputs_shape), self._num_units, self.dtype)
        super().build(inputs_shape)  # marks the layer built: add_weight would now reuse

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        raise NotImplementedError


def known_input_depth(cell: HandCell, inputs_shape) -> int:
    """I, the last dimension of a step's [B, I] or a sequence's [B, T, I] inputs."""
    depth = tf.compat.dimension_value(tf.TensorShape(inputs_shape)[-1])
    if depth is None:
        raise ValueError(f"{type(cell).__name__} needs the input depth known, got "
                         f"inputs of shape {inputs_shape}")
    return depth


def create_cell_variables(cell: HandCell, input_depth: int, dtype) -> None:
    """Create ``cell``'s variables in the current variable scope, as a step called there would.

    For a function that runs a whole sequence without calling the cell: the variables get
    the names, shapes and dtype static_rnn / dynamic_rnn give them, so one checkpoint
    restores either way. Inside ``tf.variable_scope("rnn")`` (dynamic_rnn's default scope)
    an LSTM's are ``rnn/basic_lstm_cell/kernel`` [I + H, 4H] and ``rnn/basic_lstm_cell/bias``
    [4H]; inside ``tf.variable_scope("rnn/multi_rnn_cell/cell_k")``, layer k's of a
    MultiRNNCell. ``dtype`` is the inputs' (a step's build takes it from them).

    A cell already built (by a step, or by an earlier run) keeps its variables, as a Keras
    layer does: nothing is created, wherever this is called.
    """
    if cell.built:
        return
    cell._add_weights(input_depth, cell._num_units, tf.as_dtype(dtype))
    cell.built = True  # as after build: later steps and runs reuse these variables
