"""tf.contrib.seq2seq's AttentionWrapper on TF 2.21 against a float64 NumPy reference.

An independent NumPy version of TF 1.15's step (``BasicLSTMCell`` + mechanisms + attention
layer, the module docstrings' equations), unrolled over the decoder's steps, against our
graph in float64 (to 1e-10) and float32 (to 1e-5), with random values in every variable:
Bahdanau (plain and normalized), Luong (plain and scaled), two mechanisms at once, masked
memory, a custom ``score_mask_value``, ``hardmax``, ``output_attention=False``, no attention
layer, and the alignment history.
"""

from __future__ import annotations

import numpy as np
import pytest
from contrib_support import sigmoid

from tf1_lstm.compat import reset_graph, rnn, tf
from tf1_lstm.contrib.seq2seq import attention_mechanisms as am
from tf1_lstm.contrib.seq2seq import attention_wrapper as wrapper

B, T, D, STEPS, I, H = 3, 5, 4, 4, 3, 6   # noqa: E741
LENGTHS = np.array([5, 3, 1])


# --- the NumPy reference --------------------------------------------------------------------

def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_hardmax(z):
    return np.eye(z.shape[-1])[z.argmax(-1)]


def lstm_step(w, x, c, h):
    """BasicLSTMCell: gates i, j, f, o of [x, h] @ kernel + bias; forget_bias 1."""
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"], 4, axis=1)
    c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
    return c, np.tanh(c) * sigmoid(o)


class NumpyMechanism:
    """One mechanism's score -> alignments, with its memory masked and projected once."""

    def __init__(self, kind, w, memory, lengths, normalize=False, scale=False,
                 probability=softmax, mask_value=-np.inf):
        self.kind, self.w, self.normalize, self.scale = kind, w, normalize, scale
        self.probability, self.mask_value = probability, mask_value
        self.mask = np.arange(memory.shape[1])[None] < lengths[:, None]        # [B, T]
        self.values = memory * self.mask[:, :, None]                           # [B, T, D]
        self.keys = self.values @ w["memory_layer/kernel"]                     # [B, T, U]

    def alignments(self, query):
        w = self.w
        if self.kind == "luong":
            score = np.einsum("bu,btu->bt", query, self.keys)
            score = score * w["attention_g"] if self.scale else score
        else:
            pq = (query @ w["query_layer/kernel"])[:, None]                   # [B, 1, U]
            v = w["attention_v"]
            if self.normalize:
                v = w["attention_g"] * v / np.sqrt(np.sum(v ** 2))
                score = np.sum(v * np.tanh(self.keys + pq + w["attention_b"]), 2)
            else:
                score = np.sum(v * np.tanh(self.keys + pq), 2)
        return self.probability(np.where(self.mask, score, self.mask_value))


def numpy_unroll(cell_w, mechanisms, layer_kernels, inputs, output_attention=True):
    """(outputs [B, S, ·], final c, h, attention, alignment history [S, B, T] per mechanism)."""
    c = h = np.zeros((B, H))
    depth = sum(k.shape[1] if k is not None else D for k in layer_kernels)
    attention = np.zeros((B, depth))
    outputs, history = [], [[] for _ in mechanisms]
    for t in range(inputs.shape[1]):
        c, h = lstm_step(cell_w, np.concatenate([inputs[:, t], attention], 1), c, h)
        attentions = []
        for m, (mechanism, kernel) in enumerate(zip(mechanisms, layer_kernels, strict=True)):
            alignments = mechanism.alignments(h)
            history[m].append(alignments)
            context = np.einsum("bt,btd->bd", alignments, mechanism.values)
            attentions.append(context if kernel is None
                              else np.concatenate([h, context], 1) @ kernel)
        attention = np.concatenate(attentions, 1)
        outputs.append(attention if output_attention else h)
    return np.stack(outputs, 1), c, h, attention, [np.stack(a) for a in history]


# --- our graph, and the comparison ----------------------------------------------------------

GRAPH_MECHANISMS = {
    "bahdanau": lambda memory, **kw: am.BahdanauAttention(7, memory, LENGTHS, **kw),
    "bahdanau_normalized": lambda memory, **kw: am.BahdanauAttention(7, memory, LENGTHS,
                                                                      normalize=True, **kw),
    "luong": lambda memory, **kw: am.LuongAttention(H, memory, LENGTHS, **kw),
    "luong_scaled": lambda memory, **kw: am.LuongAttention(H, memory, LENGTHS, scale=True, **kw),
}


def mechanism_weights(scope_variables, prefix):
    """The variables whose name contains ``prefix``, by the name after it."""
    return {name.split(prefix, 1)[1]: value for name, value in scope_variables.items()
            if prefix in name}


def compare(kinds, sizes=(5,), dtype=tf.float64, output_attention=True, tolerance=1e-10,
            **mechanism_kwargs):
    reset_graph()
    rng = np.random.default_rng(7)
    memory_np, inputs_np = rng.normal(size=(B, T, D)), rng.normal(size=(B, STEPS, I))
    memory, inputs = tf.constant(memory_np, dtype), tf.constant(inputs_np, dtype)
    mechanisms = [GRAPH_MECHANISMS[kind](memory, dtype=dtype, **mechanism_kwargs)
                  for kind in kinds]
    cell = wrapper.AttentionWrapper(
        rnn.BasicLSTMCell(H, dtype=dtype), mechanisms, attention_layer_size=sizes,
        alignment_history=True, output_attention=output_attention)
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=dtype)
    fetches = (outputs, state.cell_state.c, state.cell_state.h, state.attention,
               [h.stack() for h in state.alignment_history])
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        values = {}
        for variable in tf.global_variables():
            value = rng.normal(scale=0.5, size=variable.shape.as_list())
            variable.load(value, session)
            values[variable.op.name] = value
        got = session.run(fetches)
    memory_kernels = [values[name] for name in ("memory_layer/kernel", "memory_layer_1/kernel")
                      if name in values]
    probability = np_hardmax if "probability_fn" in mechanism_kwargs else softmax
    mask_value = mechanism_kwargs.get("score_mask_value", -np.inf)
    numpy_mechanisms = []
    for m, kind in enumerate(kinds):
        scope = f"rnn/attention_wrapper/{kind.split('_')[0]}_attention/"
        w = {**mechanism_weights(values, scope), "memory_layer/kernel": memory_kernels[m]}
        numpy_mechanisms.append(NumpyMechanism(
            kind.split("_")[0], w, memory_np, LENGTHS, normalize="normalized" in kind,
            scale="scaled" in kind, probability=probability, mask_value=mask_value))
    layer_names = ["rnn/attention_wrapper/attention_layer/kernel",
                   "rnn/attention_wrapper/attention_layer_1/kernel"]
    layer_kernels = ([values[name] for name in layer_names[:len(kinds)]] if sizes is not None
                     else [None] * len(kinds))
    cell_w = mechanism_weights(values, "rnn/attention_wrapper/basic_lstm_cell/")
    expected = numpy_unroll(cell_w, numpy_mechanisms, layer_kernels, inputs_np,
                            output_attention)
    for a, e in zip(tf.nest.flatten(got), tf.nest.flatten(expected), strict=True):
        np.testing.assert_allclose(a, e, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("kind", sorted(GRAPH_MECHANISMS))
def test_one_mechanism_matches_numpy_in_float64(kind):
    compare([kind])


def test_float32_matches_numpy_to_float32_precision():
    compare(["bahdanau_normalized"], dtype=tf.float32, tolerance=1e-5)


def test_two_mechanisms_concatenate_their_attentions():
    compare(["bahdanau_normalized", "luong_scaled"], sizes=(5, 2))


def test_without_attention_layer_the_attention_is_the_context():
    compare(["luong", "bahdanau"], sizes=None)


def test_output_attention_false_emits_the_cell_output():
    compare(["bahdanau"], output_attention=False)


def test_hardmax_as_probability_fn():
    compare(["luong"], probability_fn=am.hardmax)


def test_a_finite_score_mask_value_replaces_the_masked_scores():
    # exp(0.5) weighs each masked entry in the softmax (their values are zeros).
    compare(["bahdanau"], score_mask_value=0.5)
