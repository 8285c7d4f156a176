"""``tf.contrib.rnn.NTMCell`` on TF 2.21: a Neural Turing Machine around an RNN controller.

Graves, Wayne, Danihelka, "Neural Turing Machines" (https://arxiv.org/abs/1410.5401), as
implemented by Collier and Beel (https://arxiv.org/abs/1807.08518) and shipped in TF 1.15's
``contrib/rnn/python/ops/rnn_cell.py`` (but not exported: ``tf.contrib.rnn``'s
``remove_undocumented`` dropped it, so TF1 code imported it from
``tensorflow.contrib.rnn.python.ops.rnn_cell``). A memory M of N locations x D numbers is read by R
heads and written by W heads; a controller cell turns [x, last reads] into the heads'
parameters. One step (``x`` [B, I]; section numbers are the NTM paper's)::

    out, ctrl_state = controller([x, r_1 .. r_R], ctrl_state_prev)       # r_i [B, D]
    p = clip(out @ parameters_kernel + parameters_bias, -clip_value, clip_value)
    # per head (R read heads, then W write heads): D + 2S + 4 numbers, S = shift_range
    k = tanh(p[:D]); beta = softplus(p[D]); g = sigmoid(p[D+1])
    s = softmax(p[D+2 : D+2 + 2S+1]); gamma = softplus(p[-1]) + 1
    w_c = exp(beta K(k, M_prev)) / sum(...)     # K: cosine similarity, eps 1e-8 (3.3.1)
    w_g = g w_c + (1 - g) w_prev                                         # eq. 7
    w~[i] = sum_j w_g[j] s[(i - j) mod N]       # s[0]: no shift, s[1..S]: +1..+S, then -S..-1
    w = w~ ** gamma / sum(w~ ** gamma)                                   # eq. 9
    r_i = sum_n w_i[n] M_prev[n]                                         # read (3.1)
    # each write head: e = sigmoid(p_e), a = tanh(p_a), both [B, D]  (2 x D more numbers)
    M = M * (1 - w e^T) + w a^T                                          # write (3.2)
    y = clip([out, r_1 .. r_R] @ output_kernel + output_bias, -clip_value, clip_value)

Output: y [B, output_dim] (output_dim defaults to the input depth). State:
``NTMControllerState(controller_state, read_vector_list, w_list, M, time)``. At ``time == 0``
the previous reads, weightings and memory are not the state's zeros but learned values:
``tanh(initial_read_vector_i)``, ``softmax(initial_address_weights_i)`` and ``memory``.

Variables, TF 1.15's names (``ntm_cell/`` in the caller's scope; the controller's under
``ntm_cell/<its name>/``): ``parameters_kernel`` [C, R(D+2S+4) + W(D+2S+4) + 2WD] and
``output_kernel`` [C + RD, output_dim] (truncated normal, stddev 1/sqrt(rows); C = the
controller's output size), ``parameters_bias``, ``output_bias`` (zeros),
``initial_read_vector_{i}`` [1, D], ``initial_address_weights_{i}`` [1, N] (Glorot uniform),
``memory`` [N, D] (1e-6).

TF 1.15's oddities kept: ``state_size.M`` says [N * D] but the state's M is [B, N, D];
``zero_state`` is float32 whatever dtype it is given; with ``output_dim=None``,
``output_size`` is None until the first call (so ``dynamic_rnn``, which reads it first,
needs ``output_dim``); ``shift_range=0`` and ``memory_size < 2S + 1`` do not work (the shift
kernel's slicing assumes 1 <= S and 2S + 1 <= N). Where TF1 stacked B copies of the learned
initial values (which needed a static batch size) this tiles them: the same tensor, and a
dynamic batch works too.
"""

from __future__ import annotations

import collections
import math

from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.errors import Tf1LstmError

# isort: split
# TF1's LayerRNNCell (variables made in `build`); see block_cells for why from tf_keras.
from tf_keras.src.layers.rnn.legacy_cells import LayerRNNCell

__all__ = ["NTMCell", "NTMControllerState", "NotAnRNNCellError"]

_v1 = _tf2.compat.v1
# tf_keras runs a layer's `call` through AutoGraph, which would only wrap errors here.
_plain_python = _tf2.autograph.experimental.do_not_convert

NTMControllerState = collections.namedtuple(
    "NTMControllerState", ("controller_state", "read_vector_list", "w_list", "M", "time"))


class NotAnRNNCellError(Tf1LstmError, TypeError):
    """The NTM controller is not an RNN cell."""


def _check_controller(controller) -> None:
    missing = [name for name in ("output_size", "state_size", "zero_state")
               if not hasattr(controller, name)]
    if missing or not callable(controller):
        raise NotAnRNNCellError(
            f"NTMCell's controller must be an RNN cell (e.g. tf.nn.rnn_cell.LSTMCell(100)); "
            f"got {controller!r}, which lacks {', '.join(missing) or '__call__'}.")


def _linear_initializer(input_size: int):
    return _v1.truncated_normal_initializer(stddev=1.0 / math.sqrt(input_size))


class NTMCell(LayerRNNCell):
    """``tf.contrib.rnn.NTMCell``: see the module docstring for the step and variables."""

    def __init__(self, controller, memory_size: int, memory_vector_dim: int,
                 read_head_num: int, write_head_num: int, shift_range: int = 1,
                 output_dim: int | None = None, clip_value: float = 20,
                 dtype=_tf2.float32, name=None) -> None:
        super().__init__(dtype=dtype, name=name)
        _check_controller(controller)
        self.controller = controller
        self.memory_size = memory_size                  # N
        self.memory_vector_dim = memory_vector_dim      # D
        self.read_head_num = read_head_num              # R
        self.write_head_num = write_head_num            # W
        self.shift_range = shift_range                  # S
        self.output_dim = output_dim
        self.clip_value = clip_value
        self.num_parameters_per_head = memory_vector_dim + 2 * shift_range + 4
        self.num_heads = read_head_num + write_head_num
        self.total_parameter_num = (self.num_parameters_per_head * self.num_heads
                                    + memory_vector_dim * 2 * write_head_num)

    @property
    def state_size(self) -> NTMControllerState:
        return NTMControllerState(
            controller_state=self.controller.state_size,
            read_vector_list=[self.memory_vector_dim] * self.read_head_num,
            w_list=[self.memory_size] * self.num_heads,
            M=_tf2.TensorShape([self.memory_size * self.memory_vector_dim]),  # sic, TF 1.15
            time=_tf2.TensorShape([]))

    @property
    def output_size(self):
        return self.output_dim

    def build(self, inputs_shape) -> None:
        if self.output_dim is None:
            depth = _tf2.compat.dimension_value(_tf2.TensorShape(inputs_shape)[1])
            if depth is None:
                raise ValueError(
                    f"Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
            self.output_dim = depth
        controller_size = self.controller.output_size
        read_size = controller_size + self.memory_vector_dim * self.read_head_num
        zeros = _v1.zeros_initializer()
        self._params_kernel = self.add_weight(
            "parameters_kernel", [controller_size, self.total_parameter_num],
            initializer=_linear_initializer(controller_size))
        self._params_bias = self.add_weight("parameters_bias", [self.total_parameter_num],
                                            initializer=zeros)
        self._output_kernel = self.add_weight("output_kernel", [read_size, self.output_dim],
                                              initializer=_linear_initializer(read_size))
        self._output_bias = self.add_weight("output_bias", [self.output_dim], initializer=zeros)
        glorot = _v1.glorot_uniform_initializer()
        self._init_read_vectors = [
            self.add_weight(f"initial_read_vector_{i}", [1, self.memory_vector_dim],
                            initializer=glorot) for i in range(self.read_head_num)]
        self._init_address_weights = [
            self.add_weight(f"initial_address_weights_{i}", [1, self.memory_size],
                            initializer=glorot) for i in range(self.num_heads)]
        self._M = self.add_weight("memory", [self.memory_size, self.memory_vector_dim],
                                  initializer=_v1.constant_initializer(1e-6))
        self.built = True

    @_plain_python
    def call(self, x, prev_state):
        batch = _tf2.compat.dimension_value(x.shape[0]) or _v1.shape(x)[0]
        first_step = _v1.equal(prev_state.time, 0)

        def at_first_step(learned: list, prev: list, to_state) -> list:
            return _v1.cond(first_step, lambda: [to_state(v) for v in learned],
                            lambda: list(prev), strict=True)

        prev_reads = at_first_step(self._init_read_vectors, prev_state.read_vector_list,
                                   lambda v: _v1.tile(_v1.tanh(v), [batch, 1]))      # [B, D]
        out, controller_state = self.controller(_v1.concat([x, *prev_reads], axis=1),
                                                prev_state.controller_state)   # out [B, C]
        params = _v1.clip_by_value(
            _v1.nn.bias_add(_v1.matmul(out, self._params_kernel), self._params_bias),
            -self.clip_value, self.clip_value)                          # [B, total]
        head_width = self.num_parameters_per_head * self.num_heads
        head_params = _v1.split(params[:, :head_width], self.num_heads, axis=1)
        erase_add = _v1.split(params[:, head_width:], 2 * self.write_head_num, axis=1)

        prev_ws = at_first_step(self._init_address_weights, prev_state.w_list,
                                lambda v: _v1.tile(_v1.nn.softmax(v), [batch, 1]))   # [B, N]
        prev_M = _v1.cond(first_step, lambda: _v1.tile(self._M[None], [batch, 1, 1]),
                          lambda: prev_state.M)                         # [B, N, D]

        w_list = [self._address(p, prev_M, w_prev) for p, w_prev in zip(head_params, prev_ws,
                                                                        strict=True)]
        read_ws, write_ws = w_list[:self.read_head_num], w_list[self.read_head_num:]
        reads = [_v1.reduce_sum(w[:, :, None] * prev_M, axis=1) for w in read_ws]  # [B, D]
        M = prev_M
        for i, w in enumerate(write_ws):
            erase = _v1.sigmoid(erase_add[2 * i])[:, None, :]          # [B, 1, D]
            add = _v1.tanh(erase_add[2 * i + 1])[:, None, :]
            M = M * (_v1.ones_like(M) - _v1.matmul(w[:, :, None], erase)) + _v1.matmul(
                w[:, :, None], add)                                     # [B, N, D]

        y = _v1.clip_by_value(
            _v1.nn.bias_add(_v1.matmul(_v1.concat([out, *reads], axis=1), self._output_kernel),
                            self._output_bias), -self.clip_value, self.clip_value)
        return y, NTMControllerState(controller_state=controller_state, read_vector_list=reads,
                                     w_list=w_list, M=M, time=prev_state.time + 1)

    def _address(self, p, prev_M, w_prev):
        """One head's weighting w [B, N] from its parameters p [B, D + 2S + 4] (3.3)."""
        D, S, N = self.memory_vector_dim, self.shift_range, self.memory_size
        k = _v1.tanh(p[:, :D])                                          # [B, D]
        beta = _v1.nn.softplus(p[:, D])[:, None]                        # [B, 1]
        g = _v1.sigmoid(p[:, D + 1])[:, None]
        s = _v1.nn.softmax(p[:, D + 2:D + 2 + 2 * S + 1])              # [B, 2S + 1]
        gamma = _v1.nn.softplus(p[:, -1])[:, None] + 1

        # Focusing by content (3.3.1): cosine similarity of k with every location.
        k = k[:, :, None]                                               # [B, D, 1]
        k_norm = _v1.sqrt(_v1.reduce_sum(_v1.square(k), axis=1, keepdims=True))      # [B, 1, 1]
        M_norm = _v1.sqrt(_v1.reduce_sum(_v1.square(prev_M), axis=2, keepdims=True))  # [B, N, 1]
        K = _v1.squeeze(_v1.matmul(prev_M, k) / (M_norm * k_norm + 1e-8), axis=2)   # [B, N]
        K_amplified = _v1.exp(beta * K)
        w_c = K_amplified / _v1.reduce_sum(K_amplified, axis=1, keepdims=True)       # eq. 5

        # Focusing by location (3.3.2): interpolate, shift, sharpen.
        w_g = g * w_c + (1 - g) * w_prev                                # eq. 7
        # The shift kernel over all N offsets: [s_0 .. s_S, 0 .. 0, s_-S .. s_-1]. TF 1.15's
        # slicing; s[:, -S:] is all of s when S = 0, which then fails (see module docstring).
        s = _v1.concat([s[:, :S + 1], _v1.zeros([_v1.shape(s)[0], N - (2 * S + 1)]),
                        s[:, -S:]], axis=1)                             # [B, N]
        reversed_twice = _v1.concat([_v1.reverse(s, axis=[1])] * 2, axis=1)  # [B, 2N]
        # Row i holds s[(i - j) mod N] for j = 0..N-1: the circular convolution (eq. 8).
        s_matrix = _v1.stack([reversed_twice[:, N - i - 1:2 * N - i - 1] for i in range(N)],
                             axis=1)                                    # [B, N, N]
        w_shifted = _v1.reduce_sum(w_g[:, None, :] * s_matrix, axis=2)
        w_sharp = _v1.pow(w_shifted, gamma)
        return w_sharp / _v1.reduce_sum(w_sharp, axis=1, keepdims=True)   # eq. 9

    def zero_state(self, batch_size, dtype) -> NTMControllerState:
        """Zeros (float32, as TF 1.15, whatever dtype) and time 0; see the module docstring."""
        return NTMControllerState(
            controller_state=self.controller.zero_state(batch_size, dtype),
            read_vector_list=[_v1.zeros([batch_size, self.memory_vector_dim])
                              for _ in range(self.read_head_num)],
            w_list=[_v1.zeros([batch_size, self.memory_size]) for _ in range(self.num_heads)],
            M=_v1.zeros([batch_size, self.memory_size, self.memory_vector_dim]),
            time=0)
