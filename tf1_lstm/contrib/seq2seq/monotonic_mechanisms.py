"""TF 1.15's monotonic attention (``tf.contrib.seq2seq``) on TF 2.21.

Raffel, Luong, Liu, Weiss & Eck, "Online and Linear-Time Attention by Enforcing Monotonic
Alignments", ICML 2017 (https://arxiv.org/abs/1704.00784). The decoder reads the memory left
to right: once it attends to memory entry j it cannot go back to i < j. With p = ``p_choose_i``
[B, T] (the probability of stopping at entry j) and a = ``previous_attention`` [B, T]::

    q[j]         = (1 - p[j-1]) * q[j-1] + a[j]         q[0] = a[0]
    attention[j] = p[j] * q[j]                                                 # [B, T]

``monotonic_attention(p_choose_i, previous_attention, mode)`` computes it three ways:

- ``"recursive"``: the recurrence itself, a ``tf.scan`` over j. Exact.
- ``"parallel"``: its closed form with c = ``safe_cumprod(1 - p, exclusive=True)``,
  ``attention = p * c * cumsum(a / clip(c, 1e-10, 1))``. Fast, inexact when p nears 1.
- ``"hard"``: p must be 0 or 1; ``p' = p * cumsum(a)`` (nothing before last step's entry),
  ``attention = p' * cumprod(1 - p', exclusive=True)`` (only the first entry chosen).

``safe_cumprod(x, ...) = exp(cumsum(log(clip(x, tiny, 1)), ...))``: ``tf.cumprod`` for x in
(0, 1] without its underflow and unstable gradient.

The mechanisms (``BahdanauMonotonicAttention``, ``LuongMonotonicAttention``) score as their
softmax cousins (``attention_mechanisms``) plus a learned scalar ``attention_score_bias``
(initial value ``score_bias_init``), then::

    score = score + sigmoid_noise * N(0, 1)    (when sigmoid_noise > 0; seed sigmoid_noise_seed)
    p     = sigmoid(score)    ("hard": p = (score > 0))
    alignments = monotonic_attention(p, previous_alignments, mode)

and start from ``initial_alignments`` = one_hot(0) [B, T] (attention on the first entry).
Variables: as ``BahdanauAttention`` / ``LuongAttention``, under the scopes
``bahdanau_monotonic_attention`` / ``luong_monotonic_attention``, plus
``attention_score_bias`` [].

Two changes from TF 1.15, both where it raised for anything but float32 (float32 keeps
its graph, numbers and variables): its "recursive" mode built float32 ones and zeros
whatever ``p_choose_i``'s dtype, and its mechanisms passed the Python ``score_bias_init``
itself as the initial value of ``attention_score_bias`` (float32, so a float64 mechanism
raised "Initializer type ... don't match"). Here both take the inputs' dtype.
"""

from __future__ import annotations

import functools

import numpy as np

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.attention_mechanisms import (
    _bahdanau_energy,
    _BaseAttentionMechanism,
    _dense_without_bias,
    _luong_energy,
)

__all__ = ["safe_cumprod", "monotonic_attention", "BahdanauMonotonicAttention",
           "LuongMonotonicAttention"]

_dimension_value = _tf2.compat.dimension_value


def safe_cumprod(x, *args, **kwargs):
    """``tf.cumprod(x, *args, **kwargs)`` computed as exp(cumsum(log(x))), x clipped to
    [tiny, 1] (the smallest positive normal of x's dtype)."""
    with _v1.name_scope(None, "SafeCumprod", [x]):
        x = _v1.convert_to_tensor(x, name="x")
        tiny = np.finfo(x.dtype.as_numpy_dtype).tiny
        return _v1.exp(_v1.cumsum(_v1.log(_v1.clip_by_value(x, tiny, 1)), *args, **kwargs))


def _recursive(p_choose_i, previous_attention):
    """The recurrence of the module docstring as a ``tf.scan`` over the memory axis."""
    batch_size = (_dimension_value(p_choose_i.shape[0]) or _v1.shape(p_choose_i)[0])
    dtype = p_choose_i.dtype
    # [1, 1 - p[0], ..., 1 - p[T-2]]: the factor carrying q[j-1] into q[j].
    shifted_1mp_choose_i = _v1.concat(
        [_v1.ones((batch_size, 1), dtype=dtype), 1 - p_choose_i[:, :-1]], 1)   # [B, T]
    q = _v1.scan(
        # The reshape reminds the loop of q's shape [B] between iterations (as TF 1.15).
        lambda q_prev, factor_and_a: _v1.reshape(
            factor_and_a[0] * q_prev + factor_and_a[1], (batch_size,)),
        [_v1.transpose(shifted_1mp_choose_i), _v1.transpose(previous_attention)],  # [T, B]
        _v1.zeros((batch_size,), dtype=dtype))                                      # [T, B]
    return p_choose_i * _v1.transpose(q)


def _parallel(p_choose_i, previous_attention):
    """The closed form: p * c * cumsum(a / clip(c, 1e-10, 1)), c = exclusive cumprod(1 - p)."""
    cumprod_1mp_choose_i = safe_cumprod(1 - p_choose_i, axis=1, exclusive=True)    # [B, T]
    return p_choose_i * cumprod_1mp_choose_i * _v1.cumsum(
        previous_attention / _v1.clip_by_value(cumprod_1mp_choose_i, 1e-10, 1.), axis=1)


def _hard(p_choose_i, previous_attention):
    """p in {0, 1}: the first chosen entry at or after the one attended to last step."""
    # Nothing before last step's entry: cumsum(a) is 0 there, 1 from it on.
    p_choose_i = p_choose_i * _v1.cumsum(previous_attention, axis=1)
    # p = [0, 0, 1, 1, 0, 1] -> exclusive cumprod(1 - p) = [1, 1, 1, 0, 0, 0] -> [0, 0, 1, 0, 0, 0]
    return p_choose_i * _v1.cumprod(1 - p_choose_i, axis=1, exclusive=True)


_MODES = {"recursive": _recursive, "parallel": _parallel, "hard": _hard}


def monotonic_attention(p_choose_i, previous_attention, mode):
    """The monotonic attention distribution [B, T] (module docstring).

    ``p_choose_i`` [B, T] in [0, 1]; ``previous_attention`` [B, T] (one_hot(0) at the first
    output step); ``mode``: "recursive", "parallel" or "hard".
    """
    p_choose_i = _v1.convert_to_tensor(p_choose_i, name="p_choose_i")
    previous_attention = _v1.convert_to_tensor(previous_attention, name="previous_attention")
    if mode not in _MODES:
        raise ValueError("mode must be 'recursive', 'parallel', or 'hard'.")
    return _MODES[mode](p_choose_i, previous_attention)


def _monotonic_probability_fn(score, previous_alignments, sigmoid_noise, mode, seed=None):
    """Pre-sigmoid noise, the choosing probabilities, then ``monotonic_attention``."""
    if sigmoid_noise > 0:
        noise = _v1.random_normal(_v1.shape(score), dtype=score.dtype, seed=seed)  # [B, T]
        score += sigmoid_noise * noise
    if mode == "hard":
        p_choose_i = _v1.cast(score > 0, score.dtype)    # a hard sigmoid
    else:
        p_choose_i = _v1.sigmoid(score)
    return monotonic_attention(p_choose_i, previous_alignments, mode)


class _BaseMonotonicAttentionMechanism(_BaseAttentionMechanism):
    """A mechanism whose first alignments are one_hot(0): attention starts at entry 0."""

    def initial_alignments(self, batch_size, dtype):
        """one_hot(0) [batch_size, alignments_size] in ``dtype``."""
        return _v1.one_hot(_v1.zeros((batch_size,), dtype=_v1.int32), self._alignments_size,
                           dtype=dtype)


def _score_bias(score_bias_init, dtype):
    """``attention_score_bias`` [] in the current scope, starting at ``score_bias_init``.

    A number becomes an array of ``dtype`` first (TF 1.15 passed it as it was: float32).
    """
    if not _tf2.is_tensor(score_bias_init):
        score_bias_init = np.asarray(score_bias_init, dtype=dtype.as_numpy_dtype)
    return _v1.get_variable("attention_score_bias", dtype=dtype, initializer=score_bias_init)


def _monotonic_probability(sigmoid_noise, mode, sigmoid_noise_seed):
    return functools.partial(_monotonic_probability_fn, sigmoid_noise=sigmoid_noise,
                             mode=mode, seed=sigmoid_noise_seed)


class BahdanauMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """``BahdanauMonotonicAttention(num_units, memory, memory_sequence_length=None,
    normalize=False, score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
    score_bias_init=0., mode="parallel", dtype=None, name="BahdanauMonotonicAttention")``.

    ``BahdanauAttention``'s score plus ``attention_score_bias``, through the monotonic
    probability (module docstring). A negative ``score_bias_init`` suits long memories.
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="BahdanauMonotonicAttention"):
        dtype = _v1.float32 if dtype is None else dtype
        super().__init__(
            query_layer=_dense_without_bias(num_units, "query_layer", dtype),
            memory_layer=_dense_without_bias(num_units, "memory_layer", dtype),
            memory=memory,
            probability_fn=_monotonic_probability(sigmoid_noise, mode, sigmoid_noise_seed),
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value,
            name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name
        self._score_bias_init = score_bias_init

    def __call__(self, query, state):
        """``(alignments, next_state)`` [B, T] each for ``query`` [B, Q], ``state`` [B, T]."""
        with _v1.variable_scope(None, "bahdanau_monotonic_attention", [query]):
            score = _bahdanau_energy(query, self._keys, self.query_layer, self._num_units,
                                     self._normalize)                          # [B, T]
            score += _score_bias(self._score_bias_init, score.dtype)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class LuongMonotonicAttention(_BaseMonotonicAttentionMechanism):
    """``LuongMonotonicAttention(num_units, memory, memory_sequence_length=None, scale=False,
    score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None, score_bias_init=0.,
    mode="parallel", dtype=None, name="LuongMonotonicAttention")``.

    ``LuongAttention``'s score plus ``attention_score_bias``, through the monotonic
    probability (module docstring). The query's depth must be ``num_units``.
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 score_mask_value=None, sigmoid_noise=0., sigmoid_noise_seed=None,
                 score_bias_init=0., mode="parallel", dtype=None,
                 name="LuongMonotonicAttention"):
        dtype = _v1.float32 if dtype is None else dtype
        super().__init__(
            query_layer=None,
            memory_layer=_dense_without_bias(num_units, "memory_layer", dtype),
            memory=memory,
            probability_fn=_monotonic_probability(sigmoid_noise, mode, sigmoid_noise_seed),
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value,
            name=name)
        self._num_units = num_units
        self._scale = scale
        self._score_bias_init = score_bias_init
        self._name = name

    def __call__(self, query, state):
        """``(alignments, next_state)`` [B, T] each for ``query`` [B, U], ``state`` [B, T]."""
        with _v1.variable_scope(None, "luong_monotonic_attention", [query]):
            score = _luong_energy(query, self._keys, self._scale)               # [B, T]
            score += _score_bias(self._score_bias_init, query.dtype)
        alignments = self._probability_fn(score, state)
        return alignments, alignments
