"""The fast path's GRU: ``GRUCell``'s variables and math, its whole-sequence run fast.

    from tf1_lstm.fast.gru import FastGRUCell
    from tf1_lstm.fast.rnn import static_rnn
    cell = FastGRUCell(128)                                                  # was rnn.GRUCell
    outputs, state = static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)       # fast
    outputs, state = rnn.static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)   # works too

One step, as TF 1.15's ``GRUCell`` computes it (``tf1_lstm.cells.gru``)::

    [r, u] = sigmoid([x_t, h_{t-1}] @ gates/kernel + gates/bias)           # [B, 2H]: r first
    c      = tanh([x_t, r * h_{t-1}] @ candidate/kernel + candidate/bias)   # [B, H]
    h_t    = u * h_{t-1} + (1 - u) * c                                      # output = state

Variables, as GRUCell names, shapes and initialises them (so one checkpoint restores into
either), under the caller's scope (``rnn/gru_cell/`` for static_rnn and dynamic_rnn,
``rnn/multi_rnn_cell/cell_k/gru_cell/`` in a MultiRNNCell), created in this order::

    gates/kernel      [I + H, 2H]   kernel_initializer (None: the scope's, as GRUCell)
    gates/bias        [2H]          bias_initializer, else 1.0 (r and u start near 0.73)
    candidate/kernel  [I + H, H]    kernel_initializer
    candidate/bias    [H]           bias_initializer, else zeros

FastGRUCell is a ``HandGRUCell``, so ``rnn.static_rnn``, ``tf.nn.dynamic_rnn`` and
``rnn.MultiRNNCell`` accept it and run the hand-written step, proven equal to TF's cell; a
MultiRNNCell may mix it with the fast LSTM cells. The speed comes from
``tf1_lstm.fast.rnn.static_rnn`` / ``dynamic_rnn``, which run the whole sequence with the
backward pass of ``tf1_lstm.fast.gru_sequence``. That backward pass is written for tanh: any
other activation (and the layer options GRUCell takes as ``**kwargs``) is refused with a
FastPathError naming rnn.GRUCell.
"""

from __future__ import annotations

from tf1_lstm.cells.gru import HandGRUCell
from tf1_lstm.compat import tf
from tf1_lstm.fast.cell import TANH
from tf1_lstm.fast.errors import FastPathError


class FastGRUCell(HandGRUCell):
    """``GRUCell(num_units, ...)`` whose whole-sequence run is fast. State and output: h [B, H].

    GRUCell's parameters in GRUCell's order (num_units, activation, reuse,
    kernel_initializer, bias_initializer, name, dtype), so the class drops in for it.
    """

    def __init__(self, num_units: int, activation=None, reuse: bool | None = None,
                 kernel_initializer=None, bias_initializer=None, name: str | None = None,
                 dtype=None, **kwargs) -> None:
        given = [f"{key}={value!r}" for key, value in kwargs.items()]
        if given:
            raise FastPathError(f"FastGRUCell runs GRUCell without extra layer options; "
                                f"{', '.join(given)} runs with rnn.GRUCell under "
                                f"rnn.static_rnn / tf.nn.dynamic_rnn")
        if activation not in TANH:
            raise FastPathError(f"FastGRUCell's backward pass is written for tanh; "
                                f"activation={getattr(activation, '__name__', activation)} "
                                f"runs with rnn.GRUCell")
        super().__init__(num_units, reuse=reuse, name=name, dtype=dtype)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        # GRUCell.build's variables, in its order
        def bias_initializer(default):
            return self._bias_initializer if self._bias_initializer is not None else default

        self._gate_kernel = self.add_weight(
            "gates/kernel", [input_depth + units, 2 * units], dtype=dtype,        # [I+H, 2H]
            initializer=self._kernel_initializer)
        self._gate_bias = self.add_weight(
            "gates/bias", [2 * units], dtype=dtype,                               # [2H]
            initializer=bias_initializer(tf.constant_initializer(1.0, dtype=dtype)))
        self._candidate_kernel = self.add_weight(
            "candidate/kernel", [input_depth + units, units], dtype=dtype,        # [I+H, H]
            initializer=self._kernel_initializer)
        self._candidate_bias = self.add_weight(
            "candidate/bias", [units], dtype=dtype,                               # [H]
            initializer=bias_initializer(tf.zeros_initializer(dtype=dtype)))

    def gru_weights(self) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]:
        """(gates/kernel [I + H, 2H], gates/bias [2H], candidate/kernel [I + H, H],
        candidate/bias [H]) as tensors, once the variables exist."""
        return tuple(tf.convert_to_tensor(w) for w in (
            self._gate_kernel, self._gate_bias, self._candidate_kernel, self._candidate_bias))
