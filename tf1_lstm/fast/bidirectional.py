"""Bidirectional RNNs on the fast path: TF1's two-direction contract, each direction fast.

    (out_fw, out_bw), (state_fw, state_bw) = bidirectional_dynamic_rnn(fw, bw, x, dtype=...)
    outputs, state_fw, state_bw = static_bidirectional_rnn(fw, bw, xs, dtype=...)

as ``tf.nn.bidirectional_dynamic_rnn`` / ``tf.nn.static_bidirectional_rnn`` compute them: the
forward cell over x, the backward cell over x reversed in time (``tf.reverse_sequence`` by
each row's length when ``sequence_length`` is given, so padding stays at the end), its
outputs reversed back; the variables under ``bidirectional_rnn/fw/...`` and ``.../bw/...``
(the ``scope`` given, or that default), as TF1 names them. Each direction is one
``tf1_lstm.fast.rnn`` call, so the cells are FastLSTMCells, FastPeepholeLSTMCells,
FastGRUCells or MultiRNNCells of them (each state as that call returns it: h for a GRU).
"""

from __future__ import annotations

from tf1_lstm.compat import tf
from tf1_lstm.fast import rnn as fast_rnn
from tf1_lstm.fast.errors import FastPathError


def _reverse(x, lengths, time_axis: int, batch_axis: int):
    """x reversed along time: each row by its own length, or whole."""
    if lengths is None:
        return tf.reverse(x, axis=[time_axis])
    return tf.reverse_sequence(x, lengths, seq_axis=time_axis, batch_axis=batch_axis)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """``tf.nn.bidirectional_dynamic_rnn``'s signature and results; see the module docstring."""
    time_axis, batch_axis = (0, 1) if time_major else (1, 0)
    with tf.variable_scope(scope or "bidirectional_rnn"):
        with tf.variable_scope("fw") as fw_scope:
            out_fw, state_fw = fast_rnn.dynamic_rnn(
                cell_fw, inputs, sequence_length=sequence_length,
                initial_state=initial_state_fw, dtype=dtype, time_major=time_major,
                scope=fw_scope)
        with tf.variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse(inputs, sequence_length, time_axis, batch_axis)
            out_reversed, state_bw = fast_rnn.dynamic_rnn(
                cell_bw, reversed_inputs, sequence_length=sequence_length,
                initial_state=initial_state_bw, dtype=dtype, time_major=time_major,
                scope=bw_scope)
    out_bw = _reverse(out_reversed, sequence_length, time_axis, batch_axis)
    return (out_fw, out_bw), (state_fw, state_bw)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """``tf.nn.static_bidirectional_rnn``: the list of T [B, 2H] outputs, both final states.
    Without ``sequence_length`` only (with it TF reverses each row by its length)."""
    if sequence_length is not None:
        raise FastPathError("static_bidirectional_rnn with a sequence_length")
    if not isinstance(inputs, list | tuple) or not inputs:
        raise TypeError("inputs must be a sequence")
    with tf.variable_scope(scope or "bidirectional_rnn"):
        with tf.variable_scope("fw") as fw_scope:
            out_fw, state_fw = fast_rnn.static_rnn(cell_fw, list(inputs), initial_state_fw,
                                                   dtype, scope=fw_scope)
        with tf.variable_scope("bw") as bw_scope:
            out_reversed, state_bw = fast_rnn.static_rnn(cell_bw, list(inputs)[::-1],
                                                         initial_state_bw, dtype,
                                                         scope=bw_scope)
    outputs = [tf.concat([fw, bw], 1) for fw, bw in zip(out_fw, out_reversed[::-1],
                                                        strict=True)]  # T x [B, 2H]
    return outputs, state_fw, state_bw
