"""The AttentionWrapper reproduces TF 1.15's attention_wrapper_test.py numbers.

The ``ResultSummary`` tests of TF 1.15's ``tensorflow/contrib/seq2seq/python/kernel_tests/
attention_wrapper_test.py`` with softmax mechanisms, one or several (the monotonic ones are
in ``test_contrib_seq2seq_attention_monotonic.py``), run through TF 1.15's own harness
(``seq2seq_attention_support``: the same NumPy inputs and seeds, an ``LSTMCell(9)``,
``BasicDecoder`` + ``TrainingHelper`` + ``dynamic_decode``) and compared to the published
shapes, dtypes and means with TF 1.15's tolerance (``assertAllClose(atol=1e-3)``, rtol 1e-6;
shapes, dtypes and ``time`` exactly).

The memory kernels get TF 1.15's op seeds back (29, then 91; see the support module), so
every variable starts where TF 1.15's did. How far the agreement goes, digit for digit, is
``test_contrib_seq2seq_attention_tf115_generations.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from seq2seq_attention_support import (
    BATCH_SIZE,
    CELL_DEPTH,
    DECODER_SEQUENCE_LENGTH,
    TF115_MEMORY_SEEDS,
    assert_summaries_close,
    build_tf115_harness,
    run_tf115_harness,
    tf115_inputs,
)
from seq2seq_attention_tf115_expected import CASES

from tf1_lstm.compat import tf
from tf1_lstm.contrib.seq2seq import attention_mechanisms as am
from tf1_lstm.contrib.seq2seq import attention_wrapper as wrapper
from tf1_lstm.contrib.seq2seq.basic_decoder import BasicDecoderOutput

SOFTMAX_CASES = sorted(name for name in CASES if "Monotonic" not in name)


@pytest.mark.parametrize("name", SOFTMAX_CASES)
def test_published_summaries_at_tf115_tolerance(name):
    kwargs, (expected_output, expected_state, expected_history) = CASES[name]
    outputs, state, history = run_tf115_harness(**kwargs)
    assert_summaries_close(expected_output, outputs)
    assert_summaries_close(expected_state, state)
    assert_summaries_close(expected_history, history)


def test_harness_types_and_static_shapes_are_tf115s():
    """The assertions TF 1.15's harness makes before running (testMultiAttention's graph)."""
    kwargs, _ = CASES["testMultiAttention"]
    cell, final_outputs, final_state = build_tf115_harness(**kwargs)
    assert isinstance(final_outputs, BasicDecoderOutput)
    assert isinstance(final_state, wrapper.AttentionWrapperState)
    assert isinstance(final_state.cell_state, tf.nn.rnn_cell.LSTMStateTuple)
    attention_depth = 3 + 4
    assert final_outputs.rnn_output.shape.as_list() == [BATCH_SIZE, None, attention_depth]
    assert final_outputs.sample_id.shape.as_list() == [BATCH_SIZE, None]
    assert final_state.attention.shape.as_list() == [BATCH_SIZE, attention_depth]
    assert final_state.cell_state.c.shape.as_list() == [BATCH_SIZE, CELL_DEPTH]
    assert final_state.cell_state.h.shape.as_list() == [BATCH_SIZE, CELL_DEPTH]
    for history in final_state.alignment_history:
        assert history.stack().shape.as_list() == [None, BATCH_SIZE, None]
    tf.nest.assert_same_structure(cell.state_size, cell.zero_state(BATCH_SIZE, tf.float32))


def test_tf115_memory_seed_is_the_op_count_before_the_first_kernel():
    """TF 1.15 seeded an unseeded op with the number of ops in the graph so far; TF 2.21's
    harness graph holds 29 ops when the first memory kernel's RandomUniform is made."""
    build_tf115_harness([am.BahdanauAttention], [3], attention_layer_sizes=[6])
    names = [op.name for op in tf.get_default_graph().get_operations()]
    ops_before = next(i for i, name in enumerate(names)
                      if name.startswith("memory_layer/kernel/") and name.endswith("RandomUniform"))
    # TF 1.15 asked for the seed after making the op's shape, min and max constants.
    assert names[ops_before - 3:ops_before] == [
        f"memory_layer/kernel/Initializer/random_uniform/{part}"
        for part in ("shape", "min", "max")]
    assert ops_before == TF115_MEMORY_SEEDS[0]



def test_the_training_helper_decode_is_dynamic_rnn_over_the_longest_length():
    """Without impute_finished, TrainingHelper feeds every row its inputs until the longest
    row ends (3 steps here) and nothing is masked: dynamic_rnn over those steps, no
    sequence_length, is the same computation (the same cell, so the same variables)."""
    kwargs, _ = CASES["testBahdanauNotNormalized"]
    cell, final_outputs, final_state = build_tf115_harness(**kwargs)
    decoder_inputs, _ = tf115_inputs()
    steps = max(DECODER_SEQUENCE_LENGTH)
    outputs, state = tf.nn.dynamic_rnn(
        cell, tf.constant(decoder_inputs[:, :steps]), dtype=tf.float32,
        initial_state=cell.zero_state(BATCH_SIZE, tf.float32))
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        decoded, unrolled = session.run(
            [(final_outputs.rnn_output, final_state.cell_state, final_state.alignments),
             (outputs, state.cell_state, state.alignments)])
    for a, b in zip(tf.nest.flatten(decoded), tf.nest.flatten(unrolled), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
