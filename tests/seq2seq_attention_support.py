"""Shared helpers of the seq2seq attention tests: TF 1.15's attention_wrapper_test harness.

``run_tf115_harness`` builds the graph of TF 1.15's ``_testWithMaybeMultiAttention``
(``tensorflow/contrib/seq2seq/python/kernel_tests/attention_wrapper_test.py``) step for step:
the NumPy inputs drawn after ``np.random.seed(87654321)`` (what ``tf.test.TestCase.setUp``
does), graph seed 87654321, the mechanisms built before the ``root`` scope whose initializer
is ``random_normal_initializer(stddev=0.01, seed=3)``, an ``LSTMCell(9)`` wrapped in the
``AttentionWrapper``, and ``BasicDecoder`` + ``TrainingHelper`` + ``dynamic_decode``.

One thing cannot be left to TF 2.21: the ``memory_layer/kernel`` of each mechanism is built
outside ``root`` with get_variable's default glorot_uniform and no op seed. TF 1.15 then took
the op seed from the graph (``graph._last_id``, the number of ops created so far); TF 2.21
takes it from a per-graph counter (0, 1, ...). ``memory_seeds`` gives those kernels TF 1.15's
op seeds back: TF 2.21's graph has exactly 29 ops at the first kernel's ``RandomUniform``
(checked in the tests), so TF 1.15's seed was 29. The second kernel's was 91 where TF 2.21
counts 87 (TF 1.15 made 4 more ops somewhere in the first mechanism, perhaps in the Dense's
tensordot); 91 was found from, and reproduces to 1e-12, the published output and attention
of ``testMultiAttentionNoAttentionLayer``.
"""

from __future__ import annotations

import collections

import numpy as np

from tf1_lstm.compat import tf
from tf1_lstm.contrib.seq2seq import attention_wrapper as wrapper
from tf1_lstm.contrib.seq2seq import basic_decoder, decoder
from tf1_lstm.contrib.seq2seq import helper as helper_py

DEFAULT_GRAPH_SEED = 87654321        # tf.test.TestCase's graph and NumPy seed
TF115_MEMORY_SEEDS = (29, 91)        # TF 1.15's op seeds of the memory kernels (docstring)
# TF 1.15's assertAllCloseOrEqual: assertAllClose(x, y, atol=1e-3) (rtol stays 1e-6).
TF115_TOL = dict(rtol=1e-6, atol=1e-3)

# The harness's sizes, as TF 1.15's test.
ENCODER_SEQUENCE_LENGTH = [3, 2, 3, 1, 1]
DECODER_SEQUENCE_LENGTH = [2, 0, 1, 2, 3]
BATCH_SIZE, ENCODER_MAX_TIME, DECODER_MAX_TIME = 5, 8, 4
INPUT_DEPTH, ENCODER_OUTPUT_DEPTH, CELL_DEPTH = 7, 10, 9


class ResultSummary(collections.namedtuple("ResultSummary", ("shape", "dtype", "mean"))):
    """TF 1.15's summary of an array: its shape, dtype and mean."""


def get_result_summary(x):
    return ResultSummary(x.shape, x.dtype, x.mean()) if isinstance(x, np.ndarray) else x


def assert_summaries_close(expected, actual, **tolerance) -> None:
    """TF 1.15's ``nest.map_structure(assertAllCloseOrEqual, expected, actual)``."""
    tolerance = tolerance or TF115_TOL

    def check(x, y):
        if isinstance(x, (np.ndarray, float)):
            np.testing.assert_allclose(y, x, **tolerance)
        else:
            assert x == y, (x, y)

    tf.nest.map_structure(check, expected, actual)


def tf115_memory_initializer(seeds):
    """glorot_uniform with the next of ``seeds`` as op seed, for each variable it makes."""
    seeds = iter(seeds)

    def initializer(shape, dtype=tf.float32, partition_info=None):
        return tf.glorot_uniform_initializer(seed=next(seeds))(shape, dtype)

    return initializer


def tf115_inputs():
    """(decoder_inputs [5, 4, 7], encoder_outputs [5, 8, 10]) as TF 1.15's test drew them."""
    np.random.seed(DEFAULT_GRAPH_SEED)
    decoder_inputs = np.random.randn(BATCH_SIZE, DECODER_MAX_TIME, INPUT_DEPTH)
    encoder_outputs = np.random.randn(BATCH_SIZE, ENCODER_MAX_TIME, ENCODER_OUTPUT_DEPTH)
    return decoder_inputs.astype(np.float32), encoder_outputs.astype(np.float32)


def build_tf115_harness(create_attention_mechanisms, attention_mechanism_depths,
                        is_multi=False, attention_layer_sizes=None, attention_layers=None,
                        alignment_history=False, memory_seeds=TF115_MEMORY_SEEDS):
    """The graph of TF 1.15's ``_testWithMaybeMultiAttention``: (cell, outputs, state).

    ``attention_layers`` may be a function making them (in the new graph, as the test did).
    """
    tf.reset_default_graph()
    tf.set_random_seed(DEFAULT_GRAPH_SEED)
    if callable(attention_layers):
        attention_layers = attention_layers()
    decoder_np, encoder_np = tf115_inputs()
    decoder_inputs = tf.placeholder_with_default(decoder_np, shape=(None, None, INPUT_DEPTH))
    encoder_outputs = tf.placeholder_with_default(
        encoder_np, shape=(None, None, ENCODER_OUTPUT_DEPTH))
    scope = tf.get_variable_scope()
    initializer = (tf115_memory_initializer(memory_seeds) if memory_seeds is not None
                   else scope.initializer)
    with tf.variable_scope(scope, initializer=initializer):
        mechanisms = [creator(num_units=depth, memory=encoder_outputs,
                              memory_sequence_length=ENCODER_SEQUENCE_LENGTH)
                      for creator, depth in zip(create_attention_mechanisms,
                                                attention_mechanism_depths, strict=True)]
    with tf.variable_scope(
            "root", initializer=tf.random_normal_initializer(stddev=0.01, seed=3)):
        size, layer = attention_layer_sizes, attention_layers
        if not is_multi:
            size = size[0] if size is not None else None
            layer = layer[0] if layer is not None else None
        cell = wrapper.AttentionWrapper(
            tf.nn.rnn_cell.LSTMCell(CELL_DEPTH), mechanisms if is_multi else mechanisms[0],
            attention_layer_size=size, alignment_history=alignment_history,
            attention_layer=layer)
        helper = helper_py.TrainingHelper(decoder_inputs, DECODER_SEQUENCE_LENGTH)
        my_decoder = basic_decoder.BasicDecoder(
            cell=cell, helper=helper,
            initial_state=cell.zero_state(dtype=tf.float32, batch_size=BATCH_SIZE))
        final_outputs, final_state, _ = decoder.dynamic_decode(my_decoder)
    return cell, final_outputs, final_state


def run_tf115_harness(*args, **kwargs):
    """Build and run the harness: (summaries of outputs, of state, of alignment history)."""
    cell, final_outputs, final_state = build_tf115_harness(*args, **kwargs)
    history = ()
    if kwargs.get("alignment_history"):
        histories = tf.nest.flatten(final_state.alignment_history)
        history = tuple(h.stack() for h in histories)
        history = history if kwargs.get("is_multi") else history[0]
        final_state = final_state._replace(alignment_history=())
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        results = session.run({"outputs": final_outputs, "state": final_state,
                               "history": history})
    return tuple(tf.nest.map_structure(get_result_summary, results[key])
                 for key in ("outputs", "state", "history"))
