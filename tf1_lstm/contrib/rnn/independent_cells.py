"""``tf.contrib.rnn``'s cells whose units see only their own past: IndRNN, IndyGRU, IndyLSTM, SRU.

In an ordinary RNN every unit reads every unit's previous state through a matrix ``U h``.
These cells replace that matrix by a vector ``u * h`` (a diagonal matrix: unit ``k`` sees
only ``h[k]``), or drop the recurrent weights altogether (SRU). TF 1.15 shipped them in
``tensorflow/contrib/rnn/python/ops/rnn_cell.py`` as ``LayerRNNCell`` subclasses that made
their variables in ``build``; they are rebuilt here with TF 1.15's equations, constructor
arguments, variable names, shapes and initializers, so TF1 checkpoints restore:

================  ======================  =====================================================
cell              scope                   variables (I = input depth, H = num_units)
================  ======================  =====================================================
``IndRNNCell``    ``ind_rnn_cell/``       ``kernel_w`` [I, H], ``kernel_u`` [1, H], ``bias`` [H]
``IndyGRUCell``   ``indy_gru_cell/``      ``gates/kernel_w`` [I, 2H], ``gates/kernel_u`` [1, 2H],
                                          ``gates/bias`` [2H], ``candidate/kernel`` [I, H],
                                          ``candidate/kernel_u`` [1, H], ``candidate/bias`` [H]
``IndyLSTMCell``  ``indy_lstm_cell/``     ``kernel_w`` [I, 4H], ``kernel_u`` [1, 4H], ``bias`` [4H]
``SRUCell``       ``sru_cell/``           ``kernel`` [I, 4H], ``bias`` [2H]
================  ======================  =====================================================

Every ``kernel_u`` starts uniform in [-1, 1] whatever the enclosing scope's initializer (TF1
passed that initializer explicitly); the other kernels take the scope's initializer (or the
``kernel_initializer`` argument). IndyGRU's candidate input kernel is ``candidate/kernel``,
not ``candidate/kernel_w``: TF 1.15's name, kept for its checkpoints.

Papers: IndRNN https://arxiv.org/abs/1803.04831; IndyLSTM https://arxiv.org/abs/1903.08023;
SRU https://arxiv.org/abs/1709.02755.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import NumUnitsLSTMState, NumUnitsStateAndOutput

# isort: split
# TF1's LayerRNNCell (variables made in `build`, named under the cell's own scope); see
# block_cells for why it comes from tf_keras's private module.
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

__all__ = ["IndRNNCell", "IndyGRUCell", "IndyLSTMCell", "SRUCell"]

_v1 = _tf2.compat.v1
# tf_keras runs a layer's `call` through AutoGraph; these steps have no tensor-dependent
# Python control flow, so AutoGraph would only wrap errors.
_plain_python = _tf2.autograph.experimental.do_not_convert
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple


def _input_depth(inputs_shape) -> int:
    """inputs_shape[1], which TF1 required known (TF1 read axis 1, whatever the rank)."""
    depth = _tf2.compat.dimension_value(_tf2.TensorShape(inputs_shape)[1])
    if depth is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
    return depth


def _diagonal_initializer():
    """The recurrent vectors u: uniform in [-1, 1] (TF 1.15's explicit initializer)."""
    return _v1.random_uniform_initializer(minval=-1.0, maxval=1.0)


class _IndependentCell(NumUnitsStateAndOutput, LayerRNNCell):
    """What the four cells share: 2-D inputs, num_units, an activation defaulting to tanh;
    state and output [B, H] (IndyLSTM's state is an LSTMStateTuple)."""

    def __init__(self, num_units: int, activation=None, reuse=None, name=None, dtype=None,
                 **kwargs) -> None:
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self.input_spec = _v1.layers.InputSpec(ndim=2)   # TF1 restricted inputs to rank 2
        self._num_units = num_units
        self._activation = activation or _v1.tanh


class IndRNNCell(_IndependentCell):
    """``tf.contrib.rnn.IndRNNCell``: independently recurrent units.

    ::

        h = activation(x @ kernel_w + u * h_prev + bias)   # x [B, I], h, h_prev [B, H]

    with ``u = kernel_u`` [1, H] broadcast over the batch. Output and state: h [B, H].
    """

    def __init__(self, num_units: int, activation=None, reuse=None, name=None,
                 dtype=None) -> None:
        super().__init__(num_units, activation, reuse, name, dtype)

    def build(self, inputs_shape) -> None:
        input_depth, units = _input_depth(inputs_shape), self._num_units
        self._kernel_w = self.add_weight("kernel_w", [input_depth, units])
        self._kernel_u = self.add_weight("kernel_u", [1, units],
                                         initializer=_diagonal_initializer())
        self._bias = self.add_weight("bias", [units], initializer=_v1.zeros_initializer())
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        h_prev = state                                                    # [B, H]
        h = self._activation(_v1.nn.bias_add(
            _v1.matmul(inputs, self._kernel_w) + h_prev * self._kernel_u, self._bias))
        return h, h


class IndyGRUCell(_IndependentCell):
    """``tf.contrib.rnn.IndyGRUCell``: ``GRUCell`` with diagonal recurrent weights.

    The 2H gate columns are **r, u** (GRUCell's order)::

        r, u = split(sigmoid(x @ gates/kernel_w + tile(h_prev, [1, 2]) * gates/kernel_u
                             + gates/bias), 2, axis=1)                      # each [B, H]
        c = activation(x @ candidate/kernel + (r * h_prev) * candidate/kernel_u
                       + candidate/bias)
        h = u * h_prev + (1 - u) * c

    ``gates/bias`` starts at 1.0 and ``candidate/bias`` at 0 unless ``bias_initializer``
    is given (then both use it). Output and state: h [B, H].
    """

    def __init__(self, num_units: int, activation=None, reuse=None, kernel_initializer=None,
                 bias_initializer=None, name=None, dtype=None) -> None:
        super().__init__(num_units, activation, reuse, name, dtype)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape) -> None:
        input_depth, units = _input_depth(inputs_shape), self._num_units
        bias_init = self._bias_initializer
        self._gate_kernel_w = self.add_weight("gates/kernel_w", [input_depth, 2 * units],
                                              initializer=self._kernel_initializer)
        self._gate_kernel_u = self.add_weight("gates/kernel_u", [1, 2 * units],
                                              initializer=_diagonal_initializer())
        self._gate_bias = self.add_weight(
            "gates/bias", [2 * units], initializer=bias_init or _v1.constant_initializer(1.0))
        self._candidate_kernel_w = self.add_weight(   # "kernel", not "kernel_w": TF 1.15's name
            "candidate/kernel", [input_depth, units], initializer=self._kernel_initializer)
        self._candidate_kernel_u = self.add_weight("candidate/kernel_u", [1, units],
                                                   initializer=_diagonal_initializer())
        self._candidate_bias = self.add_weight(
            "candidate/bias", [units], initializer=bias_init or _v1.zeros_initializer())
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        h_prev = state                                                    # [B, H]
        gates = _v1.sigmoid(_v1.nn.bias_add(
            _v1.matmul(inputs, self._gate_kernel_w)
            + _v1.tile(h_prev, [1, 2]) * self._gate_kernel_u, self._gate_bias))  # [B, 2H]
        r, u = _v1.split(gates, 2, axis=1)
        c = self._activation(_v1.nn.bias_add(
            _v1.matmul(inputs, self._candidate_kernel_w)
            + (r * h_prev) * self._candidate_kernel_u, self._candidate_bias))
        h = u * h_prev + (1 - u) * c
        return h, h


class IndyLSTMCell(NumUnitsLSTMState, _IndependentCell):
    """``tf.contrib.rnn.IndyLSTMCell``: ``BasicLSTMCell`` with diagonal recurrent weights.

    The 4H gate columns are **i, j, f, o** (BasicLSTMCell's order)::

        i, j, f, o = split(x @ kernel_w + tile(h_prev, [1, 4]) * kernel_u + bias, 4, axis=1)
        c = c_prev * sigmoid(f + forget_bias) + sigmoid(i) * activation(j)
        h = activation(c) * sigmoid(o)

    Unit k's four gates all see h_prev[k] only. No peepholes, clipping or projection.
    State: ``LSTMStateTuple(c, h)``, each [B, H]; output: h.
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, activation=None, reuse=None,
                 kernel_initializer=None, bias_initializer=None, name=None,
                 dtype=None) -> None:
        super().__init__(num_units, activation, reuse, name, dtype)
        self._forget_bias = forget_bias
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, inputs_shape) -> None:
        input_depth, units = _input_depth(inputs_shape), self._num_units
        self._kernel_w = self.add_weight("kernel_w", [input_depth, 4 * units],
                                         initializer=self._kernel_initializer)
        self._kernel_u = self.add_weight("kernel_u", [1, 4 * units],
                                         initializer=_diagonal_initializer())
        self._bias = self.add_weight(
            "bias", [4 * units], initializer=self._bias_initializer or _v1.zeros_initializer())
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        c_prev, h_prev = state                                            # [B, H] each
        gates = _v1.nn.bias_add(_v1.matmul(inputs, self._kernel_w)
                                + _v1.tile(h_prev, [1, 4]) * self._kernel_u, self._bias)
        i, j, f, o = _v1.split(gates, 4, axis=1)
        forget_bias = _v1.constant(self._forget_bias, dtype=f.dtype)
        c = c_prev * _v1.sigmoid(f + forget_bias) + _v1.sigmoid(i) * self._activation(j)
        h = self._activation(c) * _v1.sigmoid(o)
        return h, LSTMStateTuple(c, h)


class SRUCell(_IndependentCell):
    """``tf.contrib.rnn.SRUCell``: the Simple Recurrent Unit; no recurrent weights at all.

    The 4H kernel columns are **x_bar, f, r, x_tx**; the 2H bias is f's and r's::

        x_bar, f, r, x_tx = split(x @ kernel, 4, axis=1)                     # each [B, H]
        f, r = split(sigmoid([f, r] + bias), 2, axis=1)
        c = f * c_prev + (1 - f) * x_bar
        h = r * activation(c) + (1 - r) * x_tx

    State: c [B, H]; output: h [B, H] (the output is not the state, unlike IndRNN/GRU).
    """

    def __init__(self, num_units: int, activation=None, reuse=None, name=None,
                 **kwargs) -> None:
        super().__init__(num_units, activation, reuse, name, **kwargs)

    def build(self, inputs_shape) -> None:
        input_depth, units = _input_depth(inputs_shape), self._num_units
        self._kernel = self.add_weight("kernel", [input_depth, 4 * units])
        self._bias = self.add_weight("bias", [2 * units], initializer=_v1.zeros_initializer())
        self.built = True

    @_plain_python
    def call(self, inputs, state):
        c_prev = state                                                    # [B, H]
        x_bar, f, r, x_tx = _v1.split(_v1.matmul(inputs, self._kernel), 4, axis=1)
        f, r = _v1.split(_v1.sigmoid(_v1.nn.bias_add(_v1.concat([f, r], 1), self._bias)),
                         2, axis=1)
        c = f * c_prev + (1.0 - f) * x_bar
        h = r * self._activation(c) + (1.0 - r) * x_tx
        return h, c
