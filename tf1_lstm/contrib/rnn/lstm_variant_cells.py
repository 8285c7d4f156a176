"""``tf.contrib.rnn``'s LSTM variants on TF 2.21: the coupled-gate LSTM and the NAS cell.

Rebuilt from TF 1.15's ``tensorflow/contrib/rnn/python/ops/rnn_cell.py`` with TF1's maths,
arguments and variable names (TF1 checkpoints restore). Both keep an LSTM's two-part state
``LSTMStateTuple(c, m)`` and an optional projection of m:

- ``CoupledInputForgetGateLSTMCell``: an LSTM whose input gate is 1 - forget gate
  (Greff et al. 2015, "LSTM: A Search Space Odyssey", arXiv:1503.04069), with peepholes, a
  projection and optional layer norm; TF1's capitalised, sharded names ``W_0``, ``B``,
  ``W_F_diag``, ``W_P_0``.
- ``NASCell``: the recurrent cell found by Neural Architecture Search (Zoph and Le 2017).

As in TF1, CIFG subclasses ``RNNCell`` and calls ``get_variable`` in ``call`` (through
``norm_cells._PeepholeProjectionCell``, which holds the LSTMCell options it shares with
``LayerNormLSTMCell``); NAS subclasses ``LayerRNNCell`` and makes its weights in ``build``.
"""

from __future__ import annotations

from collections.abc import Callable

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import FixedSizes, warn_if_concatenated_state
from tf1_lstm.contrib.rnn.norm_cells import _input_depth, _PeepholeProjectionCell
from tf1_lstm.contrib.rnn.sharded_variables import concat_variable

# isort: split
# TF1's LayerRNNCell (weights made in build, no get_variable capture); see block_cells.
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

_v1 = _tf2.compat.v1
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple
_plain_python = _tf2.autograph.experimental.do_not_convert  # see norm_cells
sigmoid, tanh, relu = _v1.sigmoid, _v1.tanh, _v1.nn.relu

__all__ = ["CoupledInputForgetGateLSTMCell", "NASCell"]


class CoupledInputForgetGateLSTMCell(_PeepholeProjectionCell):
    """``tf.contrib.rnn.CoupledInputForgetGateLSTMCell``: input gate = 1 - forget gate.

    One step (c [B, H]; m [B, P], P = num_proj or H)::

        j, f, o = split([x, m_prev] @ W (+ B), 3, axis=1)   # B added only if not layer_norm
        j, f, o = LN_transform(j), LN_forget(f), LN_output(o)          # if layer_norm
        f_act = sigmoid(f + forget_bias + W_F_diag * c_prev)          # W_F_diag: peepholes
        c = f_act * c_prev + (1 - f_act) * activation(j)
        c = LN_state(c)                                                # if layer_norm
        m = sigmoid(o + W_O_diag * c) * activation(c)
        m = clip(m @ W_P, proj_clip)                                   # if num_proj

    Variables under ``coupled_input_forget_gate_lstm_cell/``: ``W_0`` ... [I + P, 3H] split
    in ``num_unit_shards`` row shards, ``B`` [3H] (zeros; made but unused with layer norm),
    the LN ``transform|forget|output|state/gamma|beta`` [H], ``W_F_diag``, ``W_O_diag`` [H]
    and ``W_P_0`` ... [H, P] (``num_proj_shards``). The state is ``LSTMStateTuple(c, m)``,
    or ``[c, m]`` concatenated with ``state_is_tuple=False``. As in TF1, ``initializer`` is
    stored but never used: the variables take the enclosing scope's initializer.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False, initializer=None,
                 num_proj: int | None = None, proj_clip: float | None = None,
                 num_unit_shards: int = 1, num_proj_shards: int = 1, forget_bias: float = 1.0,
                 state_is_tuple: bool = True, activation: Callable = _v1.tanh, reuse=None,
                 layer_norm: bool = False, norm_gain: float = 1.0,
                 norm_shift: float = 0.0) -> None:
        # No cell clipping (TF1's CIFG had no cell_clip); activation as given, even None.
        super().__init__(num_units, use_peepholes, None, initializer, num_proj, proj_clip,
                         forget_bias, activation, reuse, state_is_tuple, norm_gain, norm_shift)
        warn_if_concatenated_state(self, state_is_tuple)
        self._num_unit_shards = num_unit_shards
        self._num_proj_shards = num_proj_shards
        self._state_is_tuple = state_is_tuple
        self._layer_norm = layer_norm

    @_plain_python
    def call(self, inputs, state):
        units = self._num_units
        num_proj = units if self._num_proj is None else self._num_proj
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = _v1.slice(state, [0, 0], [-1, units])                 # [B, H]
            m_prev = _v1.slice(state, [0, units], [-1, num_proj])          # [B, P]
        dtype = inputs.dtype
        w = concat_variable("W", [_input_depth(inputs) + num_proj, 3 * units], dtype,
                              self._num_unit_shards)
        b = _v1.get_variable("B", shape=[3 * units], dtype=dtype,
                             initializer=_v1.zeros_initializer())
        gates = _v1.matmul(_v1.concat([inputs, m_prev], 1), w)            # [B, 3H]
        if not self._layer_norm:
            gates = _v1.nn.bias_add(gates, b)
        j, f, o = _v1.split(gates, 3, axis=1)
        if self._layer_norm:
            j, f, o = self._norm(j, "transform"), self._norm(f, "forget"), self._norm(o, "output")
        if self._use_peepholes:
            w_f_diag = _v1.get_variable("W_F_diag", shape=[units], dtype=dtype)
            w_o_diag = _v1.get_variable("W_O_diag", shape=[units], dtype=dtype)
            f_act = sigmoid(f + self._forget_bias + w_f_diag * c_prev)
        else:
            f_act = sigmoid(f + self._forget_bias)
        c = f_act * c_prev + (1 - f_act) * self._activation(j)
        if self._layer_norm:
            c = self._norm(c, "state")
        m = sigmoid(o + w_o_diag * c if self._use_peepholes else o) * self._activation(c)
        if self._num_proj is not None:
            w_p = concat_variable("W_P", [units, self._num_proj], dtype,
                                    self._num_proj_shards)
            m = _v1.matmul(m, w_p)                                        # [B, P]
            if self._proj_clip is not None:
                m = _v1.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else _v1.concat([c, m], 1)
        return m, new_state


class NASCell(FixedSizes, LayerRNNCell):
    """``tf.contrib.rnn.NASCell``: the cell Neural Architecture Search found (arXiv:1611.01578).

    Eight branches, each a column block of ``x @ kernel`` (``a_k``) and ``m_prev @
    recurrent_kernel (+ bias)`` (``b_k``), k = 0..7, [B, H] each::

        l1 = [sigmoid(a0 + b0), relu(a1 + b1), sigmoid(a2 + b2), relu(a3 * b3),
              tanh(a4 + b4), sigmoid(a5 + b5), tanh(a6 + b6), sigmoid(a7 + b7)]
        l2_0 = tanh(tanh(l1[0] * l1[1]) + c_prev)         # the cell enters here
        l2_1, l2_2, l2_3 = tanh(l1[2] + l1[3]), tanh(l1[4] * l1[5]), sigmoid(l1[6] + l1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3)) (@ projection_weights if num_proj)

    Variables under ``nas_cell/``: ``recurrent_kernel`` [P, 8H], ``kernel`` [I, 8H],
    ``bias`` [8H] (zeros, only with ``use_bias``) and ``projection_weights`` [H, P].
    State ``LSTMStateTuple(c [B, H], m [B, P])``.
    """

    _NAS_BASE = 8

    def __init__(self, num_units: int, num_proj: int | None = None, use_bias: bool = False,
                 reuse=None, **kwargs) -> None:
        super().__init__(_reuse=reuse, **kwargs)
        self._num_units = num_units
        self._num_proj = num_proj
        self._use_bias = use_bias
        output_size = num_units if num_proj is None else num_proj
        self._state_size = LSTMStateTuple(num_units, output_size)
        self._output_size = output_size

    def build(self, inputs_shape) -> None:
        input_size = _tf2.compat.dimension_value(_tf2.TensorShape(inputs_shape).with_rank(2)[1])
        if input_size is None:
            raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
        width = self._NAS_BASE * self._num_units
        self.recurrent_kernel = self.add_weight("recurrent_kernel", [self._output_size, width])
        self.kernel = self.add_weight("kernel", [input_size, width])
        if self._use_bias:
            self.bias = self.add_weight("bias", shape=[width],
                                        initializer=_v1.zeros_initializer())
        if self._num_proj is not None:
            self.projection_weights = self.add_weight(
                "projection_weights", [self._num_units, self._num_proj])
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        c_prev, m_prev = state
        m_matrix = _v1.matmul(m_prev, self.recurrent_kernel)              # [B, 8H]
        if self._use_bias:
            m_matrix = _v1.nn.bias_add(m_matrix, self.bias)
        b = _v1.split(m_matrix, self._NAS_BASE, axis=1)
        a = _v1.split(_v1.matmul(inputs, self.kernel), self._NAS_BASE, axis=1)
        l1 = [sigmoid(a[0] + b[0]), relu(a[1] + b[1]), sigmoid(a[2] + b[2]),
              relu(a[3] * b[3]), tanh(a[4] + b[4]), sigmoid(a[5] + b[5]),
              tanh(a[6] + b[6]), sigmoid(a[7] + b[7])]
        l2_0 = tanh(tanh(l1[0] * l1[1]) + c_prev)
        l2_1 = tanh(l1[2] + l1[3])
        l2_2 = tanh(l1[4] * l1[5])
        l2_3 = sigmoid(l1[6] + l1[7])
        new_c = l2_0 * l2_1
        new_m = tanh(new_c * tanh(l2_2 + l2_3))                           # [B, H]
        if self._num_proj is not None:
            new_m = _v1.matmul(new_m, self.projection_weights)            # [B, P]
        return new_m, LSTMStateTuple(new_c, new_m)
