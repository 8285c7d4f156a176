"""``tf.contrib.rnn``'s normalised LSTM cells on TF 2.21: layer norm and weight norm.

TF 1.15's ``tensorflow/contrib/rnn/python/ops/rnn_cell.py`` had three LSTM cells that
normalise something inside the step; this module rebuilds them with TF1's maths, arguments
and variable names (so TF1 checkpoints restore):

- ``LayerNormBasicLSTMCell``: BasicLSTMCell, layer norm on each gate and on c, and
  recurrent dropout on the candidate (Ba et al. 2016, arXiv:1607.06450; Semeniuta et al.
  2016, arXiv:1603.05118).
- ``LayerNormLSTMCell``: LSTMCell (peepholes, cell clipping, projection) with layer norm.
- ``WeightNormLSTMCell``: LSTMCell whose kernel columns are weight-normalised (Salimans and
  Kingma 2016, arXiv:1602.07868).

Like TF1 they subclass ``RNNCell`` and take their variables with ``get_variable`` inside
``call``, so the variables sit under the cell's scope (e.g. ``rnn/layer_norm_lstm_cell/``).

Layer norm is ``tf.contrib.layers.layer_norm`` over the last axis (``layer_norm`` below)::

    LN(x) = (x - mean(x)) / sqrt(var(x) + eps) * gamma + beta   # eps 1e-12 (1e-3 float16)

with ``gamma`` and ``beta`` [D] in a scope named after what is normalised (``input``,
``transform``, ``forget``, ``output``, ``state``), initialised to ``norm_gain`` and
``norm_shift``. All gate blocks are in BasicLSTMCell's order **i, j, f, o**.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import FixedSizes
from tf1_lstm.contrib.rnn.wrappers import _linear

_v1 = _tf2.compat.v1
_RNNCell = _v1.nn.rnn_cell.RNNCell
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple
# tf_keras runs a layer's `call` through AutoGraph; there is no tensor-dependent Python
# control flow here, so AutoGraph would only wrap our errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert
sigmoid = _v1.sigmoid

__all__ = ["LayerNormBasicLSTMCell", "LayerNormLSTMCell", "WeightNormLSTMCell", "layer_norm"]


def layer_norm(x, scope: str, gain: float, shift: float, dtype=None):
    """``contrib.layers.layer_norm(x)`` over the last axis, gamma/beta under ``scope``.

    TF1 made ``scope/gamma`` then ``scope/beta`` [D] itself (initialised to gain, shift) and
    had ``layer_norm`` reuse them. ``dtype`` defaults to x's: TF1's module-level ``_norm``
    (LayerNormLSTMCell, CoupledInputForgetGateLSTMCell) made them float32 whatever x was,
    which broke float64 cells; only the float32 behaviour is kept.
    """
    dtype = dtype or x.dtype
    depth = x.shape[-1:]
    with _v1.variable_scope(scope):
        gamma = _v1.get_variable("gamma", depth, dtype=dtype,
                                 initializer=_v1.constant_initializer(gain))
        beta = _v1.get_variable("beta", depth, dtype=dtype,
                                initializer=_v1.constant_initializer(shift))
    mean, variance = _v1.nn.moments(x, [x.shape.rank - 1], keep_dims=True)   # [B, 1] each
    epsilon = 1e-3 if x.dtype == _tf2.float16 else 1e-12
    return _v1.nn.batch_normalization(x, mean, variance, offset=beta, scale=gamma,
                                      variance_epsilon=epsilon)


def _input_depth(inputs) -> int:
    depth = _tf2.compat.dimension_value(inputs.shape.with_rank(2)[1])
    if depth is None:
        raise ValueError("Could not infer input size from inputs.get_shape()[-1]")
    return depth


def _peephole_weights(units: int, dtype) -> tuple:
    """(w_f_diag, w_i_diag, w_o_diag) [H] each, created in TF1's order f, i, o."""
    return tuple(_v1.get_variable(name, shape=[units], dtype=dtype)
                 for name in ("w_f_diag", "w_i_diag", "w_o_diag"))


def _peephole_cell_state(i, j, f, c_prev, forget_bias, activation: Callable, peepholes):
    """LSTMCell's c: sigmoid(f + forget_bias + w_f_diag * c_prev) * c_prev
    + sigmoid(i + w_i_diag * c_prev) * activation(j); no w_* terms without peepholes."""
    f = f + forget_bias
    if peepholes:
        w_f_diag, w_i_diag, _ = peepholes
        f, i = f + w_f_diag * c_prev, i + w_i_diag * c_prev
    return sigmoid(f) * c_prev + sigmoid(i) * activation(j)


def _peephole_output(o, c, activation: Callable, peepholes):
    """LSTMCell's m before projection: sigmoid(o + w_o_diag * c) * activation(c)."""
    if peepholes:
        o = o + peepholes[2] * c
    return sigmoid(o) * activation(c)


def _clip(x, limit: float | None):
    return x if limit is None else _v1.clip_by_value(x, -limit, limit)


class _LSTMStateCell(FixedSizes, _RNNCell):
    """What the LSTM cells here (and CIFG) share: state ``LSTMStateTuple(c [B, H], m [B, P])``
    (P = num_proj or H; ``[c, m]`` concatenated if not ``state_is_tuple``), output m, and a
    layer norm with the cell's ``norm_gain`` and ``norm_shift``."""

    def __init__(self, num_units: int, num_proj: int | None, reuse, state_is_tuple=True,
                 norm_gain: float = 1.0, norm_shift: float = 0.0) -> None:
        super().__init__(_reuse=reuse)
        self._num_units = num_units
        self._num_proj = num_proj
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift
        output_size = num_proj if num_proj else num_units
        self._state_size = (LSTMStateTuple(num_units, output_size) if state_is_tuple
                            else num_units + output_size)
        self._output_size = output_size

    def _norm(self, x, scope: str, dtype=None):
        return layer_norm(x, scope, self._norm_gain, self._norm_shift, dtype=dtype)


class _PeepholeProjectionCell(_LSTMStateCell):
    """What LayerNormLSTMCell, WeightNormLSTMCell and CIFG (lstm_variant_cells) share, the
    options of TF1's LSTMCell: peepholes, cell clipping (None: none; CIFG has none), the
    initializer, a projection clipped to proj_clip, forget_bias and the activation."""

    def __init__(self, num_units: int, use_peepholes: bool, cell_clip: float | None,
                 initializer, num_proj: int | None, proj_clip: float | None,
                 forget_bias: float, activation: Callable | None, reuse,
                 state_is_tuple: bool = True, norm_gain: float = 1.0,
                 norm_shift: float = 0.0) -> None:
        super().__init__(num_units, num_proj, reuse, state_is_tuple, norm_gain, norm_shift)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._activation = activation


class LayerNormBasicLSTMCell(_LSTMStateCell):
    """``tf.contrib.rnn.LayerNormBasicLSTMCell``: BasicLSTMCell with layer norm and dropout.

    One step (x [B, I], state ``LSTMStateTuple(c, h)`` [B, H] each)::

        i, j, f, o = split([x, h] @ kernel (+ bias), 4, axis=1)   # bias only if not layer_norm
        i, j, f, o = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)   # if layer_norm
        g = dropout(activation(j), dropout_keep_prob)   # unless keep_prob is the float 1.0
        new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * g
        new_c = LN_state(new_c)                                      # if layer_norm
        new_h = activation(new_c) * sigmoid(o)

    Variables under ``layer_norm_basic_lstm_cell/``: ``kernel`` [I + H, 4H]; ``bias`` [4H]
    only when ``layer_norm=False`` (and, as in TF1, initialised by the scope's initializer,
    not zeros); with layer norm ``input/gamma``, ``input/beta``, ``transform/...``,
    ``forget/...``, ``output/...``, ``state/...`` [H] each. A fresh dropout mask is drawn at
    every step. ``input_size`` is ignored (deprecated in TF1 too).
    """

    def __init__(self, num_units: int, forget_bias: float = 1.0, input_size=None,
                 activation: Callable = _v1.tanh, layer_norm: bool = True,
                 norm_gain: float = 1.0, norm_shift: float = 0.0, dropout_keep_prob=1.0,
                 dropout_prob_seed: int | None = None, reuse=None) -> None:
        super().__init__(num_units, None, reuse, norm_gain=norm_gain, norm_shift=norm_shift)
        if input_size is not None:
            logging.getLogger("tensorflow").warning(
                "%s: The input_size parameter is deprecated.", self)
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm

    @_plain_python
    def call(self, inputs, state):
        c, h = state
        args = _v1.concat([inputs, h], 1)                                 # [B, I + H]
        dtype = args.dtype
        kernel = _v1.get_variable(
            "kernel", [_input_depth(args), 4 * self._num_units], dtype=dtype)
        gates = _v1.matmul(args, kernel)                                  # [B, 4H]
        if not self._layer_norm:
            bias = _v1.get_variable("bias", [4 * self._num_units], dtype=dtype)
            gates = _v1.nn.bias_add(gates, bias)
        i, j, f, o = _v1.split(gates, 4, axis=1)
        if self._layer_norm:
            i, j, f, o = (self._norm(gate, name, dtype) for gate, name in
                          zip((i, j, f, o), ("input", "transform", "forget", "output"),
                              strict=True))
        g = self._activation(j)
        # TF1's test, kept as it was: any keep_prob that is not a Python float (a tensor,
        # or the int 1) goes through dropout.
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = _v1.nn.dropout(g, keep_prob=self._keep_prob, seed=self._seed)
        new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state", dtype)
        new_h = self._activation(new_c) * sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)


class LayerNormLSTMCell(_PeepholeProjectionCell):
    """``tf.contrib.rnn.LayerNormLSTMCell``: LSTMCell (peepholes, clipping, projection) + LN.

    One step (state ``LSTMStateTuple(c, m)``: c [B, H], m [B, P], P = num_proj or H)::

        i, j, f, o = split([x, m] @ kernel (+ bias), 4, axis=1)   # bias added only if not LN
        i, j, f, o = LN_input(i), LN_transform(j), LN_forget(f), LN_output(o)   # if layer_norm
        c = sigmoid(f + forget_bias + w_f_diag * c_prev) * c_prev
            + sigmoid(i + w_i_diag * c_prev) * activation(j)   # w_*_diag only with peepholes
        c = clip(LN_state(c), cell_clip)            # LN if layer_norm; clip if cell_clip set
        m = sigmoid(o + w_o_diag * c) * activation(c)
        m = clip(m @ projection/kernel, proj_clip)                # if num_proj

    Variables under ``layer_norm_lstm_cell/``: ``kernel`` [I + P, 4H], ``bias`` [4H] (zeros;
    TF1 made it even with ``layer_norm=True``, where it is never used and gets no
    gradient), the LN ``*/gamma``, ``*/beta`` [H], ``w_f_diag``, ``w_i_diag``, ``w_o_diag``
    [H] and ``projection/kernel`` [H, P]. ``initializer`` initialises kernel, peepholes and
    projection.
    """

    def __init__(self, num_units: int, use_peepholes: bool = False,
                 cell_clip: float | None = None, initializer=None, num_proj: int | None = None,
                 proj_clip: float | None = None, forget_bias: float = 1.0,
                 activation: Callable | None = None, layer_norm: bool = False,
                 norm_gain: float = 1.0, norm_shift: float = 0.0, reuse=None) -> None:
        super().__init__(num_units, use_peepholes, cell_clip, initializer, num_proj, proj_clip,
                         forget_bias, activation or _v1.tanh, reuse, norm_gain=norm_gain,
                         norm_shift=norm_shift)
        self._layer_norm = layer_norm

    @_plain_python
    def call(self, inputs, state):
        c_prev, m_prev = state
        _input_depth(inputs)
        dtype = inputs.dtype
        with _v1.variable_scope(_v1.get_variable_scope(), initializer=self._initializer):
            xm = _v1.concat([inputs, m_prev], 1)                           # [B, I + P]
            kernel, bias = _linear(xm, 4 * self._num_units)
            gates = _v1.matmul(xm, kernel)                                   # [B, 4H]
            if not self._layer_norm:
                gates = _v1.nn.bias_add(gates, bias)
            i, j, f, o = _v1.split(gates, 4, axis=1)
            if self._layer_norm:
                i, j, f, o = (self._norm(gate, name) for gate, name in
                              zip((i, j, f, o), ("input", "transform", "forget", "output"),
                                  strict=True))
            peepholes = (_peephole_weights(self._num_units, dtype)
                         if self._use_peepholes else None)
            c = _peephole_cell_state(i, j, f, c_prev, self._forget_bias, self._activation,
                                     peepholes)
            if self._layer_norm:
                c = self._norm(c, "state")
            c = _clip(c, self._cell_clip)
            m = _peephole_output(o, c, self._activation, peepholes)          # [B, H]
            if self._num_proj is not None:
                with _v1.variable_scope("projection"):
                    projection = _v1.get_variable(
                        "kernel", [self._num_units, self._num_proj], dtype=dtype)
                m = _clip(_v1.matmul(m, projection), self._proj_clip)        # [B, P]
        return m, LSTMStateTuple(c, m)


class WeightNormLSTMCell(_PeepholeProjectionCell):
    """``tf.contrib.rnn.WeightNormLSTMCell``: LSTMCell with weight-normalised kernels.

    With ``norm=True`` each row block of a kernel (the block read by x, the block read by
    h) has its columns scaled to unit L2 norm and then by a learnt gain::

        kernel_n = concat([l2_normalize(kernel[:I], axis=0) * norm_0,
                           l2_normalize(kernel[I:], axis=0) * norm_1], axis=0)
        i, j, f, o = split([x, h] @ kernel_n + bias, 4, axis=1)
        new_c = c * sigmoid(f + forget_bias + w_f_diag * c) + sigmoid(i + w_i_diag * c) * act(j)
        new_c = clip(new_c, cell_clip)                                # if cell_clip set
        new_h = sigmoid(o + w_o_diag * new_c) * act(new_c)            # w_* only with peepholes
        new_h = clip(new_h @ projection/kernel_n, proj_clip)          # if num_proj

    ``norm=False`` is exactly LSTMCell. Variables, under ``wn_lstm_cell/wn_lstm_cell/`` (sic,
    see ``__init__``; e.g. ``rnn/wn_lstm_cell/wn_lstm_cell/kernel``): ``kernel``
    [I + H, 4H], ``norm_0``, ``norm_1`` [4H] (with norm), ``bias`` [4H] (zeros),
    ``w_f_diag``, ``w_i_diag``, ``w_o_diag`` [H], ``projection/kernel`` [H, P] and
    ``projection/norm_0`` [P].
    """

    def __init__(self, num_units: int, norm: bool = True, use_peepholes: bool = False,
                 cell_clip: float | None = None, initializer=None, num_proj: int | None = None,
                 proj_clip: float | None = None, forget_bias: float = 1,
                 activation: Callable | None = None, reuse=None) -> None:
        super().__init__(num_units, use_peepholes, cell_clip, initializer, num_proj, proj_clip,
                         forget_bias, activation or _v1.tanh, reuse)
        # TF1 stored its inner scope name in `_scope`, the attribute where the layer keeps
        # its own scope: the layer then opens "wn_lstm_cell" instead of
        # "weight_norm_lstm_cell", and call opens it once more. Kept, so the names match.
        self._scope = "wn_lstm_cell"
        self._weight_norm = norm

    def _normalized_matmul(self, args: list, output_size: int, bias: bool):
        """concat(args) @ kernel_n (+ bias): kernel, norm_k per arg, then bias, in TF1's order."""
        depths = [_tf2.compat.dimension_value(a.shape.with_rank(2)[1]) for a in args]
        if None in depths:
            raise ValueError(f"linear expects shape[1] to be provided, saw "
                             f"{[a.shape for a in args]}")
        dtype = args[0].dtype
        with _v1.variable_scope(_v1.get_variable_scope()) as outer_scope:
            kernel = _v1.get_variable("kernel", [sum(depths), output_size], dtype=dtype)
            if self._weight_norm:
                # TF1 built the normalised kernel outside any control-flow context (e.g.
                # dynamic_rnn's while loop): it is computed once, not at every step.
                with _v1.control_dependencies(None):
                    rows = _v1.split(kernel, depths, axis=0)
                    kernel = _v1.concat(
                        [_v1.nn.l2_normalize(block, axis=0)
                         * _v1.get_variable(f"norm_{k}", [output_size], dtype=dtype)
                         for k, block in enumerate(rows)], axis=0)
            result = _v1.matmul(_v1.concat(args, 1) if len(args) > 1 else args[0], kernel)
            if not bias:
                return result
            with _v1.variable_scope(outer_scope) as inner_scope:
                inner_scope.set_partitioner(None)
                biases = _v1.get_variable("bias", [output_size], dtype=dtype,
                                          initializer=_v1.zeros_initializer())
        return _v1.nn.bias_add(result, biases)

    @_plain_python
    def call(self, inputs, state):
        c, h = state
        _input_depth(inputs)
        with _v1.variable_scope(self._scope, initializer=self._initializer):
            gates = self._normalized_matmul([inputs, h], 4 * self._num_units, bias=True)
            i, j, f, o = _v1.split(gates, 4, axis=1)                      # [B, H] each
            peepholes = (_peephole_weights(self._num_units, inputs.dtype)
                         if self._use_peepholes else None)
            new_c = _clip(_peephole_cell_state(i, j, f, c, self._forget_bias,
                                               self._activation, peepholes), self._cell_clip)
            new_h = _peephole_output(o, new_c, self._activation, peepholes)
            if self._num_proj is not None:
                with _v1.variable_scope("projection"):
                    new_h = self._normalized_matmul([new_h], self._num_proj, bias=False)
                new_h = _clip(new_h, self._proj_clip)
        return new_h, LSTMStateTuple(new_c, new_h)
