"""``tf.contrib.rnn.AttentionCellWrapper`` on TF 2.21: a cell that attends over its own past.

TF1: ``contrib/rnn/python/ops/rnn_cell.py``, after Cheng, Dong & Lapata, "Long Short-Term
Memory-Networks for Machine Reading" (https://arxiv.org/abs/1601.06733). The wrapper keeps a
window of its last ``attn_length`` outputs and, at every step, reads it with additive
attention, the query being the wrapped cell's new state. With L = ``attn_length``,
A = ``attn_size``, V = ``attn_vec_size``, for one step::

    x_cell          = [x, attns] @ kernel + bias                 # [B, input_size]
    out, cell_state = cell(x_cell, cell_state)
    query           = concat(flatten(cell_state))                # [B, S]
    hidden_features = attn_states @ attn_w                       # [B, L, V]  (a 1x1 conv2d)
    s               = sum_V(attn_v * tanh(hidden_features + query @ W_q + b_q))   # [B, L]
    a               = softmax(s)                                 # over the L window slots
    attns           = sum_L(a * attn_states)                     # [B, A]
    output          = [out, attns] @ W_o + b_o                   # [B, A]
    attn_states     = [attn_states[:, 1:], output]               # the window slides by one

State: ``(cell_state, attns [B, A], attn_states [B, L * A])``, or (``state_is_tuple=False``)
those three concatenated along axis 1 in that order. Output: ``output`` [B, A].

Variables, TF1's names and order (under ``dynamic_rnn`` they all start with ``rnn/``):
``attention_cell_wrapper/kernel`` [I + A, input_size] and ``bias`` [input_size]; the wrapped
cell's under ``attention_cell_wrapper/<cell>/``; ``attention_cell_wrapper/attention/attn_w``
[1, 1, A, V], ``attention/attn_v`` [V], ``attention/kernel`` [S, V], ``attention/bias`` [V];
``attention_cell_wrapper/attn_output_projection/kernel`` [H + A, A] and ``bias`` [A]. The
kernels take the variable scope's initializer, the biases are zeros.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import warn_if_concatenated_state
from tf1_lstm.contrib.rnn.wrappers import _linear

# isort: split
# TF1's own check and message ("The argument 'cell' (...) is not an RNNCell: ..."),
# kept by tf_keras beside the v1 cells.
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell

__all__ = ["AttentionCellWrapper"]

_v1 = _tf2.compat.v1
_nest = _tf2.nest
# tf_keras runs a layer's `call` through AutoGraph, which has nothing to rewrite here and
# would only wrap the wrapped cell's errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert


def _dense(inputs, output_size: int):
    """TF1's ``_Linear(args, output_size, True)``: ``concat(args) @ kernel + bias`` [B, out]."""
    joined = _v1.concat(inputs, 1) if len(inputs) > 1 else inputs[0]       # [B, sum of depths]
    kernel, bias = _linear(joined, output_size)
    return _v1.nn.bias_add(_v1.matmul(joined, kernel), bias)


class AttentionCellWrapper(_v1.nn.rnn_cell.RNNCell):
    """``tf.contrib.rnn.AttentionCellWrapper(cell, attn_length, attn_size=None,
    attn_vec_size=None, input_size=None, state_is_tuple=True, reuse=None)``.

    ``attn_size`` defaults to ``cell.output_size``, ``attn_vec_size`` to ``attn_size``,
    ``input_size`` (the width of the projection feeding the cell) to the input's depth.
    The equations, state layout and variables are in the module docstring.
    """

    def __init__(self, cell, attn_length: int, attn_size: int | None = None,
                 attn_vec_size: int | None = None, input_size: int | None = None,
                 state_is_tuple: bool = True, reuse=None) -> None:
        super().__init__(_reuse=reuse)
        assert_like_rnncell("cell", cell)
        # TF1's checks and messages, word for word.
        if _nest.is_nested(cell.state_size) and not state_is_tuple:
            raise ValueError("Cell returns tuple of states, but the flag state_is_tuple is "
                             f"not set. State size is: {cell.state_size}")
        if attn_length <= 0:
            raise ValueError(f"attn_length should be greater than zero, got {attn_length}")
        warn_if_concatenated_state(self, state_is_tuple)
        self._cell = cell
        self._attn_length = attn_length
        self._attn_size = cell.output_size if attn_size is None else attn_size
        self._attn_vec_size = self._attn_size if attn_vec_size is None else attn_vec_size
        self._input_size = input_size
        self._state_is_tuple = state_is_tuple

    @property
    def state_size(self):
        sizes = (self._cell.state_size, self._attn_size, self._attn_size * self._attn_length)
        return sizes if self._state_is_tuple else sum(sizes)

    @property
    def output_size(self) -> int:
        return self._attn_size

    def _split_state(self, state) -> tuple:
        """(cell_state, attns [B, A], attn_states [B, L * A]) from either state layout."""
        if self._state_is_tuple:
            return state
        cell_size, attn_size = self._cell.state_size, self._attn_size
        return (state[:, :cell_size], state[:, cell_size:cell_size + attn_size],
                state[:, cell_size + attn_size:cell_size + attn_size * (1 + self._attn_length)])

    @_plain_python
    def call(self, inputs, state):
        length, attn_size = self._attn_length, self._attn_size
        cell_state, attns, attn_states = self._split_state(state)
        attn_states = _v1.reshape(attn_states, [-1, length, attn_size])          # [B, L, A]
        input_size = self._input_size or inputs.shape.as_list()[1]
        cell_inputs = _dense([inputs, attns], input_size)                       # [B, input_size]
        cell_output, new_cell_state = self._cell(cell_inputs, cell_state)
        query = (_v1.concat(_nest.flatten(new_cell_state), 1) if self._state_is_tuple
                 else new_cell_state)                                           # [B, S]
        new_attns, window = self._attention(query, attn_states)
        with _v1.variable_scope("attn_output_projection"):
            output = _dense([cell_output, new_attns], attn_size)                # [B, A]
        new_attn_states = _v1.reshape(_v1.concat([window, output[:, None]], 1),
                                      [-1, length * attn_size])                 # [B, L * A]
        new_state = (new_cell_state, new_attns, new_attn_states)
        if not self._state_is_tuple:
            new_state = _v1.concat(list(new_state), 1)
        return output, new_state

    def _attention(self, query, attn_states):
        """(attns [B, A], the window's last L - 1 slots [B, L - 1, A]) for one step."""
        length, attn_size, vec_size = self._attn_length, self._attn_size, self._attn_vec_size
        with _v1.variable_scope("attention"):
            # No dtype, as in TF1: attn_w and attn_v are float32 whatever the inputs are.
            attn_w = _v1.get_variable("attn_w", [1, 1, attn_size, vec_size])
            attn_v = _v1.get_variable("attn_v", [vec_size])
            hidden = _v1.reshape(attn_states, [-1, length, 1, attn_size])       # [B, L, 1, A]
            # TF1's 1x1 convolution, kept so the float32 rounding is the same.
            hidden_features = _v1.nn.conv2d(hidden, attn_w, [1, 1, 1, 1], "SAME")  # [B, L, 1, V]
            y = _v1.reshape(_dense([query], vec_size), [-1, 1, 1, vec_size])    # [B, 1, 1, V]
            s = _v1.reduce_sum(attn_v * _v1.tanh(hidden_features + y), [2, 3])  # [B, L]
            a = _v1.nn.softmax(s)                                               # [B, L]
            attns = _v1.reduce_sum(_v1.reshape(a, [-1, length, 1, 1]) * hidden, [1, 2])
            return _v1.reshape(attns, [-1, attn_size]), attn_states[:, 1:, :]
