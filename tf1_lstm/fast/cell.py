"""The fast path's cells: BasicLSTMCell's and LSTMCell's variables and math.

    from tf1_lstm.fast.rnn import static_rnn
    cell = FastLSTMCell(128, forget_bias=1.0)                      # was rnn.BasicLSTMCell
    cell = FastPeepholeLSTMCell(128, use_peepholes=True)           # was rnn.LSTMCell
    outputs, state = static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)       # fast
    outputs, state = rnn.static_rnn(cell, tf.unstack(x, 28, 1), dtype=tf.float32)   # works too

Variables, as the TF1 cells name and shape them (so one checkpoint restores into either):

    FastLSTMCell           <scope>/basic_lstm_cell/kernel [I + H, 4H], bias [4H]
    FastPeepholeLSTMCell   <scope>/lstm_cell/kernel [I + H, 4H], bias [4H], and with
                           use_peepholes=True w_f_diag, w_i_diag, w_o_diag [H] (in that order)

with gate columns i, j, f, o; ``forget_bias`` is added to f when the graph runs (inside f's
sigmoid, with the peephole term, in LSTMCell). FastLSTMCell is a ``HandLSTMCell``
(``tf1_lstm.cells.lstm``), FastPeepholeLSTMCell a ``HandPeepholeLSTMCell``
(``tf1_lstm.cells.peephole``), so ``rnn.static_rnn``, ``tf.nn.dynamic_rnn`` and
``rnn.MultiRNNCell`` accept them and run the hand-written step, proven equal to TF's cell.
The speed comes only from ``tf1_lstm.fast.rnn.static_rnn`` / ``dynamic_rnn``, which run the
whole sequence with the backward pass of ``tf1_lstm.fast.sequence``. The activation is tanh
(that backward pass is written for it); what else it does not compute (LSTMCell's cell_clip,
num_proj) is refused with a FastPathError naming TF's cell. GRUCell's fast twin is
``tf1_lstm.fast.gru.FastGRUCell``.
"""

from __future__ import annotations

from functools import partial

from tf1_lstm.cells.lstm import HandLSTMCell
from tf1_lstm.cells.peephole import HandPeepholeLSTMCell
from tf1_lstm.compat import tf
from tf1_lstm.fast.errors import FastPathError

# tanh by every name a TF1 script may give it (they are distinct wrapper objects);
# tf.keras.activations.tanh is what LSTMCell(activation="tanh") and GRUCell's store
TANH = (None, "tanh", tf.tanh, tf.nn.tanh, tf.math.tanh, tf.keras.activations.tanh)


class FastCell:
    """What ``tf1_lstm.fast.rnn`` reads from an LSTM layer's cell, once its variables exist
    (after a step, or after ``tf1_lstm.cells.base.create_cell_variables``); a GRU layer's is
    ``FastGRUCell.gru_weights()``."""

    @property
    def forget_bias(self) -> float:
        return float(self._forget_bias)

    def kernel_and_bias(self) -> tuple[tf.Tensor, tf.Tensor]:
        """(kernel [I + H, 4H], bias [4H]) as tensors."""
        return tf.convert_to_tensor(self._kernel), tf.convert_to_tensor(self._bias)

    def peepholes(self) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor] | None:
        """(w_i_diag, w_f_diag, w_o_diag) [H] each as tensors, or None: no peepholes."""
        return None


class FastLSTMCell(FastCell, HandLSTMCell):
    """``BasicLSTMCell(num_units, forget_bias)`` whose whole-sequence run is fast.

    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation=None, reuse: bool | None = None, name: str | None = None,
                 dtype=None) -> None:
        # BasicLSTMCell's parameters, in its order, so the class drops in for it
        _refuse_what_the_fast_path_cannot_run("FastLSTMCell", "rnn.BasicLSTMCell",
                                              state_is_tuple, activation)
        super().__init__(num_units, forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)


class FastPeepholeLSTMCell(FastCell, HandPeepholeLSTMCell):
    """``LSTMCell(num_units, use_peepholes, forget_bias=...)`` whose whole-sequence run is fast.

    LSTMCell's parameters in LSTMCell's order, so the class drops in for it. With
    ``use_peepholes=False`` (LSTMCell's default) it computes BasicLSTMCell's step with
    LSTMCell's variable names (``lstm_cell/kernel``, ``lstm_cell/bias``). ``initializer``
    initialises the kernel and the diagonals, as LSTMCell's does. ``proj_clip`` and
    ``num_proj_shards`` do nothing without ``num_proj`` (in TF1 too), so they are accepted.
    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, cell_clip=None,
                 initializer=None, num_proj=None, proj_clip=None, num_unit_shards=None,
                 num_proj_shards=None, forget_bias: float = 1.0, state_is_tuple: bool = True,
                 activation=None, reuse: bool | None = None, name: str | None = None,
                 dtype=None, **kwargs) -> None:
        del proj_clip, num_proj_shards  # no effect without num_proj, as in TF1's LSTMCell
        refused = {"cell_clip": cell_clip, "num_proj": num_proj,
                   "num_unit_shards": num_unit_shards, **kwargs}
        given = [f"{key}={value!r}" for key, value in refused.items() if value is not None]
        if given:
            raise FastPathError(
                f"FastPeepholeLSTMCell runs LSTMCell without cell clipping, projection, "
                f"partitioned kernels or extra layer options; {', '.join(given)} runs with "
                f"rnn.LSTMCell under rnn.static_rnn / tf.nn.dynamic_rnn")
        _refuse_what_the_fast_path_cannot_run("FastPeepholeLSTMCell", "rnn.LSTMCell",
                                              state_is_tuple, activation)
        super().__init__(num_units, forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)
        self._use_peepholes = bool(use_peepholes)
        self._initializer = initializer

    @property
    def use_peepholes(self) -> bool:
        return self._use_peepholes

    def _add_weights(self, input_depth: int, units: int, dtype) -> None:
        # LSTMCell.build's variables, in its order
        self._kernel = self.add_weight("kernel", [input_depth + units, 4 * units],  # [I+H, 4H]
                                       dtype=dtype, initializer=self._initializer)
        self._bias = self.add_weight("bias", [4 * units], dtype=dtype,               # [4H]
                                     initializer=tf.zeros_initializer())
        if self._use_peepholes:
            diagonal = partial(self.add_weight, shape=[units], dtype=dtype,           # [H]
                               initializer=self._initializer)
            self._w_f_diag = diagonal("w_f_diag")
            self._w_i_diag = diagonal("w_i_diag")
            self._w_o_diag = diagonal("w_o_diag")

    def _next_state(self, z, c_prev) -> tuple[tf.Tensor, tf.Tensor]:
        if self._use_peepholes:
            return super()._next_state(z, c_prev)      # HandPeepholeLSTMCell's equations
        return HandLSTMCell._next_state(self, z, c_prev)  # BasicLSTMCell's

    def peepholes(self) -> tuple[tf.Tensor, tf.Tensor, tf.Tensor] | None:
        if not self._use_peepholes:
            return None
        return tuple(tf.convert_to_tensor(w)
                     for w in (self._w_i_diag, self._w_f_diag, self._w_o_diag))


def _refuse_what_the_fast_path_cannot_run(cell: str, tf_cell: str, state_is_tuple: bool,
                                          activation) -> None:
    """A FastPathError for a concatenated state or an activation other than tanh."""
    if not state_is_tuple:
        raise FastPathError(f"{cell} keeps its state as LSTMStateTuple(c, h): "
                            f"state_is_tuple=False (deprecated in TF1 too) runs with {tf_cell}")
    if activation not in TANH:
        raise FastPathError(f"{cell}'s backward pass is written for tanh; "
                            f"activation={getattr(activation, '__name__', activation)} runs "
                            f"with {tf_cell}")
