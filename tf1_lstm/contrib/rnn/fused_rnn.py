"""``tf.contrib.rnn``'s fused RNNs on TF 2.21: objects that run a whole sequence at once.

A fused RNN is called on the full, **time-major** sequence, not on one step::

    outputs, state = fused(inputs, initial_state=None, dtype=None, sequence_length=None,
                           scope=None)

``inputs`` [T, B, I], or a list of T tensors [B, I] (then ``outputs`` is a list too);
``outputs`` [T, B, H]; ``state`` the state after each row's last valid step. Rows shorter
than T (``sequence_length`` [B]) have zero outputs past their length, as in ``dynamic_rnn``.

- ``FusedRNNCell``: the abstract interface (TF1: ``contrib/rnn/python/ops/fused_rnn_cell.py``).
- ``FusedRNNCellAdaptor``: any RNNCell as a fused RNN, through ``static_rnn`` or
  ``dynamic_rnn`` (``time_major=True``); the variables are theirs (``rnn/<cell>/...``).
- ``TimeReversedFusedRNN``: a fused RNN read backwards, the backward half of a bidirectional
  RNN. Each row is reversed within its own length (``reverse_sequence``), run, and the
  outputs reversed back, so ``outputs[t]`` is the backward RNN's output at input step t.
- ``LSTMBlockWrapper`` (TF1: ``contrib/rnn/python/ops/lstm_ops.py``): the housekeeping of a
  fused LSTM layer (default state, ``sequence_length`` masking, final state); a subclass
  supplies ``num_units`` and ``_call_cell``. ``LSTMBlockFusedCell`` (``block_cells``) is one,
  as in TF1.
"""

from __future__ import annotations

import abc

from tf1_lstm.bootstrap import tf2 as _tf2

__all__ = ["FusedRNNCell", "FusedRNNCellAdaptor", "TimeReversedFusedRNN", "LSTMBlockWrapper"]

_v1 = _tf2.compat.v1
LSTMStateTuple = _v1.nn.rnn_cell.LSTMStateTuple
# tf_keras runs a layer's `call` through AutoGraph, which has nothing to rewrite here and
# would only wrap the subclass's errors in StagingError.
_plain_python = _tf2.autograph.experimental.do_not_convert


class FusedRNNCell(abc.ABC):
    """``tf.contrib.rnn.FusedRNNCell``: the abstract fused RNN (see the module docstring)."""

    @abc.abstractmethod
    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        """Run over the whole time-major sequence; return ``(outputs, final_state)``."""


class FusedRNNCellAdaptor(FusedRNNCell):
    """``tf.contrib.rnn.FusedRNNCellAdaptor(cell, use_dynamic_rnn=False)``: ``cell`` unrolled
    by ``static_rnn`` (default) or by ``dynamic_rnn`` with ``time_major=True``."""

    def __init__(self, cell, use_dynamic_rnn: bool = False) -> None:
        self._cell = cell
        self._use_dynamic_rnn = use_dynamic_rnn

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        is_list = isinstance(inputs, list)
        unroll = dict(initial_state=initial_state, dtype=dtype,
                      sequence_length=sequence_length, scope=scope)
        if self._use_dynamic_rnn:
            steps = _v1.stack(inputs) if is_list else inputs                   # [T, B, I]
            outputs, state = _v1.nn.dynamic_rnn(self._cell, steps, time_major=True, **unroll)
            return (_v1.unstack(outputs) if is_list else outputs), state
        steps = inputs if is_list else _v1.unstack(inputs)                     # T x [B, I]
        outputs, state = _v1.nn.static_rnn(self._cell, steps, **unroll)
        return (outputs if is_list else _v1.stack(outputs)), state


class TimeReversedFusedRNN(FusedRNNCell):
    """``tf.contrib.rnn.TimeReversedFusedRNN(cell)``: run the fused RNN ``cell`` backwards.

    ``reverse(outputs)`` of ``cell(reverse(inputs))``, where ``reverse`` flips axis 0, or,
    given ``sequence_length``, the first ``sequence_length[b]`` steps of each row b
    (``reverse_sequence``). The state is the cell's after reading each row backwards.
    A *list* input is always flipped whole, ``sequence_length`` or not: TF1 did the same, so
    padded rows of a list start with their padding.
    """

    def __init__(self, cell) -> None:
        self._cell = cell

    @staticmethod
    def _reverse(sequence, lengths):
        if isinstance(sequence, list):
            return sequence[::-1]
        if lengths is None:
            return _v1.reverse(sequence, [0])
        return _v1.reverse_sequence(sequence, lengths, seq_axis=0, batch_axis=1)

    def __call__(self, inputs, initial_state=None, dtype=None, sequence_length=None,
                 scope=None):
        outputs, state = self._cell(
            self._reverse(inputs, sequence_length), initial_state=initial_state, dtype=dtype,
            sequence_length=sequence_length, scope=scope)
        return self._reverse(outputs, sequence_length), state


class LSTMBlockWrapper(_v1.layers.Layer, metaclass=abc.ABCMeta):
    """``tf.contrib.rnn.LSTMBlockWrapper``: a fused LSTM layer's housekeeping.

    A subclass implements ``num_units`` and ``_call_cell(inputs [T, B, I],
    initial_cell_state [B, H], initial_output [B, H], dtype, sequence_length)``, returning
    the cell states and outputs of every step, each [T, B, H] (values past a row's length
    are ignored). ``__call__(inputs, initial_state=None, dtype=None, sequence_length=None)``
    then returns ``(outputs, LSTMStateTuple(c, h))``::

        initial_state = (zeros [B, H], zeros [B, H])          # unless given; then dtype needed
        outputs       = h * (t < sequence_length[b])          # zeros past each row's length
        c, h          = cs, h at step sequence_length[b] - 1  # the initial state for length 0

    (without ``sequence_length``: the last step's). A list of T [B, I] inputs is stacked, and
    the outputs come back as a list; TF1 did this in ``call`` (where a subclass's input_spec
    rejected the list first), we do it in ``__call__``.
    """

    @property
    @abc.abstractmethod
    def num_units(self) -> int:
        """Number of units in this cell (output dimension)."""

    @abc.abstractmethod
    def _call_cell(self, inputs, initial_cell_state, initial_output, dtype, sequence_length):
        """Run the LSTM over ``inputs``; return (cell states, outputs), each [T, B, H]."""

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, list):  # a layer would take a list for several inputs
            outputs, state = super().__call__(_v1.stack(inputs), *args, **kwargs)
            return _v1.unstack(outputs), state
        return super().__call__(inputs, *args, **kwargs)

    @_plain_python
    def call(self, inputs, initial_state=None, dtype=None, sequence_length=None):
        shape = inputs.shape.with_rank(3)
        if not shape[2]:
            raise ValueError(f"Expecting inputs_shape[2] to be set: {shape}")
        time_len = _tf2.compat.dimension_value(shape[0]) or _v1.shape(inputs)[0]
        batch_size = _tf2.compat.dimension_value(shape[1]) or _v1.shape(inputs)[1]
        if initial_state is None:
            if dtype is None:
                raise ValueError("Either initial_state or dtype needs to be specified")
            zeros = _v1.zeros(_v1.stack([batch_size, self.num_units]), dtype=dtype)  # [B, H]
            initial_state = (zeros, zeros)
        elif len(initial_state) != 2:
            raise ValueError("Expecting initial_state to be a tuple with length 2 or None")
        if dtype is None:
            dtype = initial_state[0].dtype
        if sequence_length is not None:
            sequence_length = _v1.convert_to_tensor(sequence_length)
        c0, h0 = initial_state
        cs, hs = self._call_cell(inputs, c0, h0, dtype, sequence_length)      # [T, B, H] each
        if sequence_length is None:
            return hs, LSTMStateTuple(cs[-1], hs[-1])
        # The mask takes the outputs' dtype: TF1 used `dtype`, which is the same wherever
        # TF1's product `hs * mask` worked.
        steps_valid = _v1.sequence_mask(sequence_length, time_len, dtype=hs.dtype)  # [B, T]
        outputs = hs * _v1.transpose(steps_valid)[:, :, None]                  # [T, B, H]
        # With the initial state put in front as step 0, row b's final state is at step
        # sequence_length[b] (length 0 -> the initial state). TF1 paired the lengths with an
        # int32 range and so failed for int64 lengths; the range takes their dtype here.
        rows = _v1.range(batch_size, dtype=sequence_length.dtype)
        last = _v1.stack([sequence_length, rows], axis=1)                      # [B, 2]
        final_c = _v1.gather_nd(_v1.concat([c0[None], cs], 0), last)           # [B, H]
        final_h = _v1.gather_nd(_v1.concat([h0[None], outputs], 0), last)      # [B, H]
        return outputs, LSTMStateTuple(final_c, final_h)
