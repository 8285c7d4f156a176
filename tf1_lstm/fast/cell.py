"""``FastLSTMCell``: BasicLSTMCell's variables and math, for the fast whole-sequence path.

    from tf1_lstm.fast.rnn import static_rnn
    cell = FastLSTMCell(128, forget_bias=1.0)
    outputs, state = static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)       # fast
    outputs, state = rnn.static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)   # works too

Variables, as ``BasicLSTMCell`` names and shapes them (so one checkpoint restores into
either): ``<scope>/basic_lstm_cell/kernel`` [I + H, 4H] with gate columns i, j, f, o, and
``<scope>/basic_lstm_cell/bias`` [4H]; ``forget_bias`` is added to f when the graph runs.

It is a ``HandLSTMCell`` (``tf1_lstm.cells.lstm``), so ``rnn.static_rnn``,
``tf.nn.dynamic_rnn`` and ``rnn.MultiRNNCell`` accept it and run the hand-written step, proven
equal to BasicLSTMCell. The speed comes only from ``tf1_lstm.fast.rnn.static_rnn`` /
``dynamic_rnn``, which run the whole sequence with the backward pass of
``tf1_lstm.fast.sequence``. The activation is tanh (that backward pass is written for it).
"""

from __future__ import annotations

from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.compat import tf
from tf1_lstm.fast.errors import FastPathError


class FastLSTMCell(HandLSTMCell):
    """``BasicLSTMCell(num_units, forget_bias)`` whose whole-sequence run is fast.

    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation=None, reuse: bool | None = None, name: str | None = None,
                 dtype=None) -> None:
        # BasicLSTMCell's parameters, in its order, so the class drops in for it
        if not state_is_tuple:
            raise FastPathError("FastLSTMCell keeps its state as LSTMStateTuple(c, h): "
                                "state_is_tuple=False (deprecated in TF1 too) runs with "
                                "rnn.BasicLSTMCell")
        if activation not in (None, tf.tanh, tf.nn.tanh, "tanh"):
            raise FastPathError(f"FastLSTMCell's backward pass is written for tanh; "
                                f"activation={getattr(activation, '__name__', activation)} runs "
                                f"with rnn.BasicLSTMCell")
        super().__init__(num_units, forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)

    @property
    def forget_bias(self) -> float:
        return float(self._forget_bias)

    def kernel_and_bias(self) -> tuple[tf.Tensor, tf.Tensor]:
        """(kernel [I + H, 4H], bias [4H]) as tensors, once the variables exist: after a step,
        or after ``tf1_lstm.cells.base.create_cell_variables``."""
        return tf.convert_to_tensor(self._kernel), tf.convert_to_tensor(self._bias)
