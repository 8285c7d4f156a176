"""TF 1.15's published attention numbers, reproduced to float32 precision: three generations.

TF 1.15's ``attention_wrapper_test.py`` checks means with ``atol=1e-3``, so a number pasted
into it survives later changes that move it by less; when a change broke a field, only that
field was re-pasted. The file therefore mixes the outputs of three versions of the graph,
which differ only in the op count before each memory kernel (TF 1.15's op seed for an
unseeded op, ``graph._last_id``; see ``seq2seq_attention_support``). With the memory kernels
drawn from glorot_uniform under those op seeds (graph seed 87654321), TF 2.21 reproduces
each published mean to rtol 1e-6 (atol 1e-9):

=========  ==============  ========================================================
op seeds   generation      published fields it reproduces (in the cases below)
=========  ==============  ========================================================
38         oldest          Luong: all; Bahdanau normalized: c, h
45, 137    middle          Bahdanau normalized: output, attention; the monotonic
                           cases (their noise included); testMultiAttention: all
29, 91     TF 1.15's own   Bahdanau monotonic normalized: alignments, history;
                           testMultiAttentionNoAttentionLayer: output, attention
=========  ==============  ========================================================

(29 is also TF 2.21's op count at that point: the graphs are op for op the same.) This
pins down what TF 2.21 shares with TF 1.15: NumPy's seeded ``randn``, the stateful Philox
``RandomStandardNormal`` / ``RandomUniform`` kernels under (graph seed, op seed) -- inside
the decoder's while loop too, where the monotonic noise draws a new slice every step --
the v1 initializers, and every op of the attention step.
"""

from __future__ import annotations

import pytest
from seq2seq_attention_support import (
    DEFAULT_GRAPH_SEED,
    ResultSummary,
    build_tf115_harness,
    get_result_summary,
)
from seq2seq_attention_tf115_expected import CASES

from tf1_lstm.compat import tf

PRECISE = dict(rtol=1e-6, atol=1e-9)
# Each generation's op seeds for the first and the second memory kernel.
GENERATIONS = {38: (38,), 45: (45, 137), 29: (29, 91)}
# case: {published field: the generation that reproduces it}
PROVENANCE = {
    "testLuongNotNormalized": dict(rnn_output=38, c=38, h=38, attention=38),
    "testBahdanauNormalized": dict(rnn_output=45, c=38, h=38, attention=45),
    "testLuongMonotonicNotNormalized": dict(rnn_output=45, c=45, h=45, attention=45,
                                            alignments=45, history=45),
    "testBahdanauMonotonicNormalized": dict(rnn_output=45, c=45, h=45, attention=45,
                                            alignments=29, history=29),
    "testMultiAttention": dict(rnn_output=45, c=45, h=45, attention=45),
    "testMultiAttentionNoAttentionLayer": dict(rnn_output=29, attention=29),
}


def published_means(output, state, history) -> dict[str, float]:
    """The float means of one case's summaries, by field name."""
    fields = dict(rnn_output=output.rnn_output, c=state.cell_state.c, h=state.cell_state.h,
                  attention=state.attention, alignments=state.alignments, history=history)
    return {name: float(value.mean) for name, value in fields.items()
            if isinstance(value, ResultSummary)}


def tf115_glorot_kernel(op_seed: int, shape: list[int]):
    """The memory kernel TF 1.15 drew with this op seed (graph seed 87654321)."""
    with tf.Graph().as_default():
        tf.set_random_seed(DEFAULT_GRAPH_SEED)
        value = tf.glorot_uniform_initializer(seed=op_seed)(shape)
        with tf.Session() as session:
            return session.run(value)


def means_by_generation(kwargs) -> dict[int, dict[str, float]]:
    """Run the case's graph once per generation, each in a new session (so the monotonic
    noise restarts), with that generation's memory kernels loaded."""
    _, final_outputs, final_state = build_tf115_harness(**kwargs, memory_seeds=None)
    history = ()
    if kwargs.get("alignment_history"):
        stacked = tuple(h.stack() for h in tf.nest.flatten(final_state.alignment_history))
        history = stacked if kwargs.get("is_multi") else stacked[0]
        final_state = final_state._replace(alignment_history=())
    kernels = [v for v in tf.global_variables() if v.op.name.startswith("memory_layer")]
    means = {}
    for generation, seeds in GENERATIONS.items():
        if len(seeds) < len(kernels):
            continue   # the oldest generation's second seed is not known
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for kernel, seed in zip(kernels, seeds, strict=False):
                kernel.load(tf115_glorot_kernel(seed, kernel.shape.as_list()), session)
            results = session.run((final_outputs, final_state, history))
        means[generation] = published_means(
            *tf.nest.map_structure(get_result_summary, results))
    return means


def close(actual: float, expected: float) -> bool:
    return abs(actual - expected) <= PRECISE["atol"] + PRECISE["rtol"] * abs(expected)


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_each_published_mean_is_one_generations_to_float32_precision(name):
    kwargs, expected = CASES[name]
    published = published_means(*expected)
    means = means_by_generation(kwargs)
    for field, generation in PROVENANCE[name].items():
        assert close(means[generation][field], published[field]), (
            field, generation, means[generation][field], published[field])
        # and no other generation gives that number: the fields really are mixed
        for other, other_means in means.items():
            if other != generation:
                assert not close(other_means[field], published[field]), (field, other)
