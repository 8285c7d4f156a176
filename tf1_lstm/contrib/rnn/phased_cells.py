"""``tf.contrib.rnn.PhasedLSTMCell`` on TF 2.21: an LSTM whose units open on a clock.

Phased LSTM (Neil, Pfeiffer, Liu, https://arxiv.org/abs/1610.09513) gives every unit a
period ``tau``, a phase shift ``s`` and an open ratio ``r_on``. The cell updates a unit only
while that unit's time gate ``k`` is open; the rest of the cycle the unit keeps its state
but for a small leak ``alpha``. Each input is the pair ``(time, x)``, so the steps need not
be evenly spaced in time.

One step (``t`` [B, 1], ``x`` [B, I], state ``(c_prev, h_prev)`` [B, H] each)::

    i, f    = split(sigmoid([x, h_prev (, c_prev)] @ mask_gates/kernel + mask_gates/bias), 2)
    j       = tanh([x, h_prev] @ new_input/kernel + new_input/bias)
    c_tilde = f * c_prev + i * j
    o       = sigmoid([x, h_prev (, c_tilde)] @ output_gate/kernel + output_gate/bias)
    h_tilde = tanh(c_tilde) * o
    phi     = ((t - s) mod tau) / tau                      # the cycle ratio, [B, H]
    k       = 2 phi / r_on        if phi < r_on / 2        # opening
            = 2 - 2 phi / r_on    if phi < r_on            # closing
            = alpha * phi         otherwise                # closed: the leak
    c = k * c_tilde + (1 - k) * c_prev
    h = k * h_tilde + (1 - k) * h_prev                     # output: h

The ``(, c_prev)`` / ``(, c_tilde)`` inputs are there only with ``use_peepholes``: TF 1.15's
"peepholes" are full matrices (extra rows of the gate kernels), not the usual diagonal
vectors. The leak applies always; TF1's docstring says "during training" but the code has
no training switch, and neither has this one.

Variables, TF 1.15's names (``phased_lstm_cell/`` in the caller's scope):
``mask_gates/kernel`` [I + H (+ H), 2H], ``mask_gates/bias`` [2H], ``new_input/kernel``
[I + H, H], ``new_input/bias`` [H], ``output_gate/kernel`` [I + H (+ H), H],
``output_gate/bias`` [H] (kernels: the scope's initializer; biases: zeros), and ``period``
``tau`` [H] ~ exp(U(log period_init_min, log period_init_max)), ``phase`` ``s`` [H] ~
U(0, tau), ``ratio_on`` ``r_on`` [H] = ratio_on (trainable unless
``trainable_ratio_on=False``). These three are always float32, as in TF1: ``x`` must be
float32; ``time`` may be float32 or float64 (``phi`` is computed in time's dtype).
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import NumUnitsLSTMState
from tf1_lstm.contrib.rnn.wrappers import _linear

__all__ = ["PhasedLSTMCell"]

_v1 = _tf2.compat.v1
# tf_keras runs a layer's `call` through AutoGraph, which would only wrap errors here.
_plain_python = _tf2.autograph.experimental.do_not_convert
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple


def _random_exp_initializer(minval: float, maxval: float):
    """exp(U(log minval, log maxval)): periods spread evenly over orders of magnitude."""

    def initializer(shape, dtype=_tf2.float32, partition_info=None):
        del partition_info  # unused, as in TF1
        return _v1.exp(_v1.random_uniform(shape, _v1.log(minval), _v1.log(maxval), dtype))

    return initializer


def _dense(args: list, output_size: int):
    """TF1's ``_Linear(args, output_size, bias=True)``: concat(args) @ kernel + bias."""
    inputs = _v1.concat(args, 1)
    kernel, bias = _linear(inputs, output_size)
    return _v1.nn.bias_add(_v1.matmul(inputs, kernel), bias)


def _mod(x, y):
    """x mod y whose gradient is x's (TF1's trick): the time gate trains period and phase."""
    return _v1.stop_gradient(_v1.mod(x, y) - x) + x


class PhasedLSTMCell(NumUnitsLSTMState, _v1.nn.rnn_cell.RNNCell):
    """``tf.contrib.rnn.PhasedLSTMCell``: see the module docstring for the step and variables.

    Call it on ``(time, x)``: ``time`` [B, 1] (float32 or float64), ``x`` [B, I] float32;
    under ``dynamic_rnn`` pass the tuple ``(times [B, T, 1], inputs [B, T, I])``.
    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, leak: float = 0.001,
                 ratio_on: float = 0.1, trainable_ratio_on: bool = True,
                 period_init_min: float = 1.0, period_init_max: float = 1000.0,
                 reuse=None) -> None:
        # autocast=False, as TF 1.15: time and x may have different dtypes.
        super().__init__(_reuse=reuse, autocast=False)
        self._num_units = num_units
        self._use_peepholes = use_peepholes
        self._leak = leak
        self._ratio_on = ratio_on
        self._trainable_ratio_on = trainable_ratio_on
        self._period_init_min = period_init_min
        self._period_init_max = period_init_max

    def _time_gate_variables(self) -> tuple:
        """period tau, phase s, ratio_on r_on: [H] each, float32 (TF1 gave no dtype)."""
        units = self._num_units
        period = _v1.get_variable("period", [units], initializer=_random_exp_initializer(
            self._period_init_min, self._period_init_max))
        phase = _v1.get_variable("phase", [units], initializer=_v1.random_uniform_initializer(
            0.0, period.initial_value))
        ratio_on = _v1.get_variable("ratio_on", [units],
                                    initializer=_v1.constant_initializer(self._ratio_on),
                                    trainable=self._trainable_ratio_on)
        return period, phase, ratio_on

    @staticmethod
    def _cycle_ratio(time, phase, period):
        """phi = ((t - s) mod tau) / tau in time's dtype, returned as float32. [B, H]"""
        phase, period = (_v1.cast(v, time.dtype) for v in (phase, period))
        return _v1.cast(_mod(time - phase, period) / period, _tf2.float32)

    @_plain_python
    def call(self, inputs, state):
        c_prev, h_prev = state                                            # [B, H] each
        time, x = inputs                                                  # [B, 1], [B, I]
        peephole_c = [c_prev] if self._use_peepholes else []
        with _v1.variable_scope("mask_gates"):
            i, f = _v1.split(_v1.sigmoid(_dense([x, h_prev, *peephole_c], 2 * self._num_units)),
                             2, axis=1)
        with _v1.variable_scope("new_input"):
            j = _v1.tanh(_dense([x, h_prev], self._num_units))
        c_tilde = c_prev * f + i * j
        peephole_c = [c_tilde] if self._use_peepholes else []
        with _v1.variable_scope("output_gate"):
            o = _v1.sigmoid(_dense([x, h_prev, *peephole_c], self._num_units))
        h_tilde = _v1.tanh(c_tilde) * o

        period, phase, ratio_on = self._time_gate_variables()
        phi = self._cycle_ratio(time, phase, period)                      # [B, H]
        k_up = 2 * phi / ratio_on
        k_down = 2 - k_up
        k_closed = self._leak * phi
        k = _v1.where(phi < ratio_on, k_down, k_closed)
        k = _v1.where(phi < 0.5 * ratio_on, k_up, k)

        c = k * c_tilde + (1 - k) * c_prev
        h = k * h_tilde + (1 - k) * h_prev
        return h, LSTMStateTuple(c, h)
