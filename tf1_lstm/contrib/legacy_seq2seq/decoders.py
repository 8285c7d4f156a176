"""``rnn_decoder`` and ``attention_decoder``: TF 1.15's decoders over a Python list of steps.

Both unroll ``cell`` over ``decoder_inputs`` (T tensors [B, I]) from ``initial_state``. With a
``loop_function``, step i > 0 reads ``loop_function(prev_output, i)`` instead of
``decoder_inputs[i]`` (only the first input, the "GO" symbol, is used), built under
``variable_scope("loop_function", reuse=True)``.

``rnn_decoder`` (scope ``rnn_decoder``)::

    output_i, state_i = cell(input_i, state_{i-1})

``attention_decoder`` (scope ``attention_decoder``) reads ``attention_states`` h [B, L, A] (the
encoder's outputs) with K = ``num_heads`` heads, after Vinyals et al., "Grammar as a Foreign
Language" (https://arxiv.org/abs/1412.7449). At step i, under the variables' names::

    x_i        = [input_i, d_{i-1}^1, ..., d_{i-1}^K] @ kernel + bias          # [B, I]
    o_i, s_i   = cell(x_i, s_{i-1})
    q_i        = concat(flatten(s_i))                                          # [B, Q]
    u_i^k[t]   = AttnV_k . tanh(h[t] @ AttnW_k + q_i @ Attention_k/kernel + Attention_k/bias)
    a_i^k      = softmax_t(u_i^k)                                              # [B, L]
    d_i^k      = sum_t a_i^k[t] h[t]                                           # [B, A]
    output_i   = [o_i, d_i^1, ..., d_i^K] @ AttnOutputProjection/kernel + .../bias

    kernel [I + K*A, I], AttnW_k [1, 1, A, A] (h @ AttnW_k is a 1x1 conv2d), AttnV_k [A],
    Attention_k/kernel [Q, A], AttnOutputProjection/kernel [O + K*A, output_size]

d_0^k = 0, unless ``initial_state_attention``: then d_0^k is the attention of the initial
state (to resume decoding from a stored state). The kernels and biases are TF 1.15's
``_Linear`` (``kernel`` / ``bias``, ``tf1_lstm.contrib.rnn.linear.Linear``); the cell's own
variables sit under the decoder's scope (``attention_decoder/gru_cell/...``). TF 1.15's
details, kept:

- step 0 creates every variable, later steps reuse them (``reuse_variables()``); with
  ``initial_state_attention`` the first attention (of the initial state) creates
  ``Attention_k`` and step 0's reuses it;
- the scores are cast to float32 for the softmax, and the weights back to ``dtype``: a
  float64 decoder computes its attention weights in float32 (the cast was meant for float16);
- the errors: no inputs, ``num_heads < 1``, an unknown ``attention_states.shape[2]``, an input
  whose width is unknown (TF 1.15's ValueErrors and messages); an unknown L is fine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.linear import Linear

__all__ = ["rnn_decoder", "attention_decoder"]

_nest = _tf2.nest
_dimension_value = _tf2.compat.dimension_value


def rnn_decoder(decoder_inputs: Iterable, initial_state, cell,
                loop_function: Callable | None = None, scope=None):
    """(outputs, state): ``cell`` unrolled over ``decoder_inputs`` (a list, or any iterable).

    ``outputs`` is a list of T tensors [B, cell.output_size]; ``state`` the last state.
    """
    with _v1.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with _v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                _v1.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)                   # [B, O]
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def _check_attention_arguments(decoder_inputs: Sequence, num_heads: int, attention_states):
    """TF 1.15's three checks, before any variable is made."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    if _dimension_value(attention_states.get_shape()[2]) is None:
        raise ValueError("Shape[2] of attention_states must be known: "
                         f"{attention_states.get_shape()}")


class _Attention:
    """The K heads over ``attention_states`` h [B, L, A]: ``AttnW_k``, ``AttnV_k`` made once
    (in the decoder's scope), ``Attention_k`` at the first ``read``."""

    def __init__(self, attention_states, num_heads: int, dtype) -> None:
        self._dtype = dtype
        self._num_heads = num_heads
        attn_length = _dimension_value(attention_states.get_shape()[1])
        if attn_length is None:  # an unknown L: read it at run time
            attn_length = _v1.shape(attention_states)[1]
        self.attn_length = attn_length
        self.attn_size = attn_size = _dimension_value(attention_states.get_shape()[2])  # A
        # h @ AttnW_k for every t at once: a 1x1 convolution over h as a [B, L, 1, A] image.
        self._hidden = _v1.reshape(attention_states, [-1, attn_length, 1, attn_size])
        self._hidden_features = []  # h @ AttnW_k, each [B, L, 1, A]
        self._v = []                # AttnV_k, each [A]
        attention_vec_size = attn_size  # TF 1.15: the query vectors have the states' size
        for k in range(num_heads):
            attn_w = _v1.get_variable(f"AttnW_{k}", [1, 1, attn_size, attention_vec_size],
                                      dtype=dtype)
            self._hidden_features.append(
                _v1.nn.conv2d(self._hidden, attn_w, [1, 1, 1, 1], "SAME"))
            self._v.append(_v1.get_variable(f"AttnV_{k}", [attention_vec_size], dtype=dtype))

    def read(self, query) -> list:
        """d^1..d^K, each [B, A], for ``query`` (a state: a tensor or a nested tuple)."""
        if _nest.is_nested(query):  # a tuple state (LSTM, MultiRNNCell): one [B, Q] query
            query_list = _nest.flatten(query)
            for q in query_list:
                ndims = q.get_shape().ndims
                if ndims:
                    assert ndims == 2  # TF 1.15's check: every part [B, n]
            query = _v1.concat(query_list, 1)
        reads = []
        for k in range(self._num_heads):
            with _v1.variable_scope(f"Attention_{k}"):
                y = Linear(query, self.attn_size, True)(query)                    # [B, A]
                y = _v1.cast(_v1.reshape(y, [-1, 1, 1, self.attn_size]), self._dtype)
                s = _v1.reduce_sum(self._v[k] * _v1.tanh(self._hidden_features[k] + y),
                                   [2, 3])                                        # [B, L]
                # TF 1.15: softmax in float32, whatever the dtype (a float64 decoder too).
                a = _v1.cast(_v1.nn.softmax(_v1.cast(s, _v1.float32)), self._dtype)
                d = _v1.reduce_sum(
                    _v1.reshape(a, [-1, self.attn_length, 1, 1]) * self._hidden, [1, 2])
                reads.append(_v1.reshape(d, [-1, self.attn_size]))                # [B, A]
        return reads


def attention_decoder(decoder_inputs: Sequence, initial_state, attention_states, cell,
                      output_size: int | None = None, num_heads: int = 1,
                      loop_function: Callable | None = None, dtype=None, scope=None,
                      initial_state_attention: bool = False):
    """(outputs, state): the attention decoder of the module docstring.

    ``outputs`` is a list of T tensors [B, output_size] (``cell.output_size`` when None);
    ``state`` the cell's last state.
    """
    _check_attention_arguments(decoder_inputs, num_heads, attention_states)
    if output_size is None:
        output_size = cell.output_size

    with _v1.variable_scope(scope or "attention_decoder", dtype=dtype) as scope:
        dtype = scope.dtype
        batch_size = _v1.shape(decoder_inputs[0])[0]  # for the zero reads
        heads = _Attention(attention_states, num_heads, dtype)
        state = initial_state

        batch_attn_size = _v1.stack([batch_size, heads.attn_size])
        attns = [_v1.zeros(batch_attn_size, dtype=dtype) for _ in range(num_heads)]
        for a in attns:  # the reads' width must be static for the kernel's shape
            a.set_shape([None, heads.attn_size])
        if initial_state_attention:
            attns = heads.read(initial_state)

        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                _v1.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with _v1.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            # Merge the input and the previous reads into one vector of the input's size.
            input_size = _dimension_value(inp.get_shape().with_rank(2)[1])
            if input_size is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            inputs = [_v1.cast(e, dtype) for e in [inp] + attns]
            x = Linear(inputs, input_size, True)(inputs)                          # [B, I]
            cell_output, state = cell(x, state)                                   # [B, O]
            if i == 0 and initial_state_attention:
                with _v1.variable_scope(_v1.get_variable_scope(), reuse=True):
                    attns = heads.read(state)
            else:
                attns = heads.read(state)

            with _v1.variable_scope("AttnOutputProjection"):
                inputs = [_v1.cast(cell_output, dtype)] + attns
                output = Linear(inputs, output_size, True)(inputs)                # [B, out]
            if loop_function is not None:
                prev = output
            outputs.append(output)

    return outputs, state
