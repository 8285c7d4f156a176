"""TF 1.15's published numbers of ``attention_wrapper_test.py``, copied as they are printed there.

Each case: the harness arguments of its test method (``seq2seq_attention_support``), then its
``expected_final_output``, ``expected_final_state`` and ``expected_final_alignment_history``
(() where the test has none). TF 1.15 ran every case through ``_testWithMaybeMultiAttention``
with ``attention_layer_size=6`` and ``attention_mechanism_depth=3`` unless the case says
otherwise.
"""

from __future__ import annotations

import functools

import numpy as np
from seq2seq_attention_support import ResultSummary

from tf1_lstm.compat import tf
from tf1_lstm.contrib.seq2seq import attention_mechanisms as am
from tf1_lstm.contrib.seq2seq.attention_wrapper import AttentionWrapperState
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoderOutput
from tf1_lstm.contrib.seq2seq.monotonic_mechanisms import (
    BahdanauMonotonicAttention,
    LuongMonotonicAttention,
)

LSTMStateTuple = tf.nn.rnn_cell.LSTMStateTuple
dtype = np.dtype
F32, I32 = dtype("float32"), dtype("int32")


def _summary(shape, kind, mean):
    return ResultSummary(shape=shape, dtype=kind, mean=mean)


def _single(output_depth, output_mean, sample_mean, c, h, attention, alignments,
            history=None):
    """The expected (output, state, history) of a single-mechanism case."""
    output = BasicDecoderOutput(rnn_output=_summary((5, 3, output_depth), F32, output_mean),
                                sample_id=_summary((5, 3), I32, sample_mean))
    state = AttentionWrapperState(
        cell_state=LSTMStateTuple(c=_summary((5, 9), F32, c), h=_summary((5, 9), F32, h)),
        attention=_summary((5, output_depth), F32, attention), time=3,
        alignments=_summary((5, 8), F32, alignments),
        attention_state=_summary((5, 8), F32, alignments), alignment_history=())
    return output, state, (() if history is None else _summary((3, 5, 8), F32, history))


def _multi(output_depth, output_mean, sample_mean, c, h, attention, count=2):
    """The expected (output, state, history) of a case with mechanisms in a list."""
    output = BasicDecoderOutput(rnn_output=_summary((5, 3, output_depth), F32, output_mean),
                                sample_id=_summary((5, 3), I32, sample_mean))
    uniform = tuple(_summary((5, 8), F32, 0.125) for _ in range(count))
    state = AttentionWrapperState(
        cell_state=LSTMStateTuple(c=_summary((5, 9), F32, c), h=_summary((5, 9), F32, h)),
        attention=_summary((5, output_depth), F32, attention), time=3,
        alignments=uniform, attention_state=uniform, alignment_history=())
    return output, state, tuple(_summary((3, 5, 8), F32, 0.125) for _ in range(count))


P = functools.partial
_BAHDANAU_MONOTONIC = P(BahdanauMonotonicAttention, sigmoid_noise=1.0,
                        sigmoid_noise_seed=3)
_LUONG_MONOTONIC = P(LuongMonotonicAttention, sigmoid_noise=1.0, sigmoid_noise_seed=3)
_LUONG_MONOTONIC_EXPECTED = _single(6, -0.0021257224, 1.7333333333333334, -0.0040003359,
                                    -0.001996913, -5.2024145e-05, 0.032198936, 0.050387777)
_LUONG_EXPECTED = _single(6, -0.0052615386, 1.4, -0.004009536, -0.0020016613, -0.0051812846,
                          0.125)
_MULTI_EXPECTED = _multi(7, 0.0011709079, 3.2000000000000002, -0.0038725811,
                         -0.0019329828, 0.001174294)


def _attention_layers():
    # testMultiAttentionWithLayerInstances's layers, made once its graph exists.
    return [tf.layers.Dense(3, use_bias=False), tf.layers.Dense(4, use_bias=False)]


# name: (harness kwargs, (expected output, state, alignment history))
CASES = {
    "testBahdanauNotNormalized": (
        dict(create_attention_mechanisms=[am.BahdanauAttention], attention_mechanism_depths=[3],
             attention_layer_sizes=[6], alignment_history=True),
        _single(6, -0.0052250605, 1.4, -0.0040092287, -0.0020015112, -0.0052052638, 0.125,
                history=0.12500001)),
    "testBahdanauNormalized": (
        dict(create_attention_mechanisms=[P(am.BahdanauAttention, normalize=True)],
             attention_mechanism_depths=[3], attention_layer_sizes=[6]),
        _single(6, -0.00597103, 1.4, -0.0040052128, -0.0019996136, -0.00595117, 0.125)),
    "testLuongNotNormalized": (
        dict(create_attention_mechanisms=[am.LuongAttention], attention_mechanism_depths=[9],
             attention_layer_sizes=[6]),
        _LUONG_EXPECTED),
    "testLuongScaled": (
        dict(create_attention_mechanisms=[P(am.LuongAttention, scale=True)],
             attention_mechanism_depths=[9], attention_layer_sizes=[6]),
        _LUONG_EXPECTED),
    "testNotUseAttentionLayer": (
        dict(create_attention_mechanisms=[am.BahdanauAttention], attention_mechanism_depths=[3],
             attention_layer_sizes=None),
        _single(10, 0.117389656, 4.5999999999999996, -0.0063607907, -0.00323448, 0.117389656,
                0.125)),
    "testBahdanauMonotonicNotNormalized": (
        dict(create_attention_mechanisms=[_BAHDANAU_MONOTONIC], attention_mechanism_depths=[3],
             attention_layer_sizes=[6], alignment_history=True),
        _single(6, -0.002122893, 1.7333333333333334, -0.0040002423, -0.0019968653,
                -5.9313523e-05, 0.032228071, history=0.050430927)),
    "testBahdanauMonotonicNormalized": (
        dict(create_attention_mechanisms=[P(_BAHDANAU_MONOTONIC, normalize=True)],
             attention_mechanism_depths=[3], attention_layer_sizes=[6], alignment_history=True),
        _single(6, -0.0025896581, 1.73333333, -0.0040013152, -0.0019973689, -0.00069823361,
                0.029914695, history=0.0465225502849)),
    "testLuongMonotonicNotNormalized": (
        dict(create_attention_mechanisms=[_LUONG_MONOTONIC], attention_mechanism_depths=[9],
             attention_layer_sizes=[6], alignment_history=True),
        _LUONG_MONOTONIC_EXPECTED),
    "testLuongMonotonicScaled": (
        dict(create_attention_mechanisms=[P(_LUONG_MONOTONIC, scale=True)],
             attention_mechanism_depths=[9], attention_layer_sizes=[6], alignment_history=True),
        _LUONG_MONOTONIC_EXPECTED),
    "testMultiAttention": (
        dict(create_attention_mechanisms=[am.BahdanauAttention, am.LuongAttention],
             attention_mechanism_depths=[9, 9], is_multi=True, attention_layer_sizes=[3, 4],
             alignment_history=True),
        _MULTI_EXPECTED),
    "testMultiAttentionWithLayerInstances": (
        dict(create_attention_mechanisms=[am.BahdanauAttention, am.LuongAttention],
             attention_mechanism_depths=[9, 9], is_multi=True,
             attention_layers=_attention_layers, alignment_history=True),
        _MULTI_EXPECTED),
    "testMultiAttentionNoAttentionLayer": (
        dict(create_attention_mechanisms=[am.BahdanauAttention, am.LuongAttention],
             attention_mechanism_depths=[9, 9], is_multi=True, alignment_history=True),
        _multi(20, 0.115853324533, 8.6, -0.003545674, -0.0018327223, 0.11462739855)),
    "testSingleAttentionAsList": (
        dict(create_attention_mechanisms=[am.BahdanauAttention], attention_mechanism_depths=[9],
             is_multi=True, attention_layer_sizes=[3], alignment_history=True),
        _multi(3, -0.0098485695, 1.8, -0.0040023471, -0.0019979973, -0.0098808752, count=1)),
}
