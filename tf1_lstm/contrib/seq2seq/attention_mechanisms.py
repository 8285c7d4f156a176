"""TF 1.15's ``tf.contrib.seq2seq`` attention mechanisms (Luong, Bahdanau) on TF 2.21.

TF 1.15: ``tensorflow/contrib/seq2seq/python/ops/attention_wrapper.py`` (the V1 classes, the
ones ``tf.contrib.seq2seq`` exported; the Keras ``*V2`` classes became TF Addons'). A mechanism
holds the encoder's ``memory`` [B, T, D] (T = ``alignments_size``) and, called with the
decoder's ``query`` [B, Q] and its previous ``state`` [B, T], returns ``(alignments,
next_state)``, both [B, T]. The wrapper (``attention_wrapper.AttentionWrapper``) turns the
alignments into a context: ``context = sum_t alignments[:, t] * values[:, t]`` [B, D].

Memory, once, when the mechanism is built::

    values = memory * sequence_mask(memory_sequence_length)      # [B, T, D], zero past L_b
    keys   = values @ memory_layer.kernel                          # [B, T, U] (U = num_units)

Scores, every step (``probability_fn`` defaults to softmax)::

    Luong     score[b, t] = g * <query[b], keys[b, t]>          (query depth must be U)
    Bahdanau  score[b, t] = sum_U v * tanh(keys[b, t] + query[b] @ query_layer.kernel)
      normalized (normalize=True), weight normalization of v:
              score[b, t] = sum_U (g * v / ||v||) * tanh(keys[b, t] + pq[b] + b_att)
    masked    score[b, t] = score_mask_value (default -inf) for t >= L_b
    alignments = probability_fn(score)                          # [B, T]; next_state = alignments

Variables (TF 1.15's names; X is the wrapper's scope, e.g. ``rnn/attention_wrapper``):
``memory_layer/kernel`` [D, U] in the scope where the mechanism is *built* (TF 1.15 called the
layer in ``__init__``); ``X/luong_attention/attention_g`` [] (scale=True, ones);
``X/bahdanau_attention/query_layer/kernel`` [Q, U], ``X/bahdanau_attention/attention_v`` [U]
and (normalize=True) ``attention_g`` [] = sqrt(1 / U), ``attention_b`` [U] = 0. The kernels
and ``attention_v`` take the variable scope's initializer, or glorot_uniform (get_variable's
default). The monotonic mechanisms are in ``monotonic_mechanisms``.
"""

from __future__ import annotations

import math

import numpy as np

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2

# isort: split
# TF 1.15's rnn_cell_impl._zero_state_tensors, kept by tf_keras beside the v1 cells: zeros of
# [batch_size] + size, with the static shape set (size may be an int or a scalar tensor).
from tf_keras.src.layers.rnn.legacy_cells import _zero_state_tensors

__all__ = ["AttentionMechanism", "LuongAttention", "BahdanauAttention", "hardmax"]

_nest = _tf2.nest
_dimension_value = _tf2.compat.dimension_value
# TF 1.15's layers_core.Dense and layers_base.Layer: tf_keras's legacy tf.layers classes,
# whose variables are "<name>/kernel" under the current variable scope.
_Dense = _v1.layers.Dense
_Layer = _v1.layers.Layer


class AttentionMechanism:
    """The interface ``AttentionWrapper`` checks for: ``alignments_size`` and ``state_size``."""

    @property
    def alignments_size(self):
        raise NotImplementedError

    @property
    def state_size(self):
        raise NotImplementedError


# --- memory and score masks -----------------------------------------------------------------

def _prepare_memory(memory, memory_sequence_length=None, memory_mask=None,
                    check_inner_dims_defined=True):
    """``memory`` (each tensor of a nest) as a tensor, zeroed where it is masked.

    ``memory`` [B, T, ...]; ``memory_sequence_length`` [B] (entries t >= L_b are masked) or
    ``memory_mask`` [B, T] bool (False is masked), not both. With
    ``check_inner_dims_defined`` every dimension after the first two must be static.
    """
    memory = _nest.map_structure(lambda m: _v1.convert_to_tensor(m, name="memory"), memory)
    if memory_sequence_length is not None and memory_mask is not None:
        raise ValueError("memory_sequence_length and memory_mask can't be provided at same time.")
    if memory_sequence_length is not None:
        memory_sequence_length = _v1.convert_to_tensor(memory_sequence_length,
                                                       name="memory_sequence_length")
    if check_inner_dims_defined:
        for m in _nest.flatten(memory):
            if not m.get_shape()[2:].is_fully_defined():
                raise ValueError(f"Expected memory {m.name} to have fully defined inner dims, "
                                 f"but saw shape: {m.get_shape()}")
    if memory_sequence_length is None and memory_mask is None:
        return memory
    first = _nest.flatten(memory)[0]
    if memory_sequence_length is not None:
        seq_len_mask = _v1.sequence_mask(memory_sequence_length, maxlen=_v1.shape(first)[1],
                                         dtype=first.dtype)                   # [B, T]
    else:
        seq_len_mask = _v1.cast(memory_mask, dtype=first.dtype)               # [B, T]

    def masked(m):
        # The mask reshaped to [B, T, 1, ..., 1] to broadcast over m's inner dimensions.
        rank = m.get_shape().ndims
        rank = rank if rank is not None else _v1.rank(m)
        extra_ones = _v1.ones(rank - 2, dtype=_v1.int32)
        mask = _v1.reshape(seq_len_mask, _v1.concat((_v1.shape(seq_len_mask), extra_ones), 0))
        return m * mask

    return _nest.map_structure(masked, memory)


def _maybe_mask_score(score, memory_sequence_length=None, memory_mask=None,
                      score_mask_value=None):
    """``score`` [B, T] with ``score_mask_value`` where masked (unchanged without a mask).

    As TF 1.15, a mask from lengths waits on an assertion that every length is > 0 (a row
    with no memory would have nothing to attend to).
    """
    if memory_sequence_length is None and memory_mask is None:
        return score
    if memory_sequence_length is not None and memory_mask is not None:
        raise ValueError("memory_sequence_length and memory_mask can't be provided at same time.")
    if memory_sequence_length is not None:
        message = "All values in memory_sequence_length must be greater than zero."
        with _v1.control_dependencies([_v1.assert_positive(memory_sequence_length,
                                                           message=message)]):
            memory_mask = _v1.sequence_mask(memory_sequence_length,
                                            maxlen=_v1.shape(score)[1])       # [B, T] bool
    score_mask_values = score_mask_value * _v1.ones_like(score)
    return _v1.where(memory_mask, score, score_mask_values)


# --- the base class -------------------------------------------------------------------------

class _BaseAttentionMechanism(AttentionMechanism):
    """Keeps the query and memory layers, prepares the memory, masks the scores.

    ``(query_layer, memory, probability_fn, memory_sequence_length=None, memory_layer=None,
    check_inner_dims_defined=True, score_mask_value=None, custom_key_value_fn=None,
    name=None)``. ``probability_fn(score, previous_alignments)`` gets the masked score.
    ``custom_key_value_fn(keys, values) -> (keys, values)`` may replace both.
    """

    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None,
                 memory_layer=None, check_inner_dims_defined=True, score_mask_value=None,
                 custom_key_value_fn=None, name=None):
        if query_layer is not None and not isinstance(query_layer, _Layer):
            raise TypeError(f"query_layer is not a Layer: {type(query_layer).__name__}")
        if memory_layer is not None and not isinstance(memory_layer, _Layer):
            raise TypeError(f"memory_layer is not a Layer: {type(memory_layer).__name__}")
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        # TF 1.15 read memory_layer.dtype unconditionally: memory_layer=None raises
        # AttributeError here, as it did there.
        self.dtype = memory_layer.dtype
        if not callable(probability_fn):
            raise TypeError("probability_fn must be callable, saw type: "
                            f"{type(probability_fn).__name__}")
        if score_mask_value is None:
            score_mask_value = _v1.as_dtype(self._memory_layer.dtype).as_numpy_dtype(-np.inf)
        self._probability_fn = lambda score, prev: probability_fn(
            _maybe_mask_score(score, memory_sequence_length=memory_sequence_length,
                              score_mask_value=score_mask_value), prev)
        with _v1.name_scope(name, "BaseAttentionMechanismInit", _nest.flatten(memory)):
            self._values = _prepare_memory(
                memory, memory_sequence_length=memory_sequence_length,
                check_inner_dims_defined=check_inner_dims_defined)            # [B, T, D]
            self._keys = (self.memory_layer(self._values) if self.memory_layer
                          else self._values)                                  # [B, T, U]
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            # Python ints when static, else scalar tensors (TF 1.15's `static or dynamic`).
            self._batch_size = (_dimension_value(self._keys.shape[0])
                                or _v1.shape(self._keys)[0])
            self._alignments_size = (_dimension_value(self._keys.shape[1])
                                     or _v1.shape(self._keys)[1])

    @property
    def memory_layer(self):
        return self._memory_layer

    @property
    def query_layer(self):
        return self._query_layer

    @property
    def values(self):
        return self._values

    @property
    def keys(self):
        return self._keys

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def alignments_size(self):
        return self._alignments_size

    @property
    def state_size(self):
        return self._alignments_size

    def initial_alignments(self, batch_size, dtype):
        """Zeros [batch_size, alignments_size] (the monotonic mechanisms start at t = 0)."""
        return _zero_state_tensors(self._alignments_size, batch_size, dtype)

    def initial_state(self, batch_size, dtype):
        """The mechanism's first ``state``: its ``initial_alignments``."""
        return self.initial_alignments(batch_size, dtype)


# --- scores ---------------------------------------------------------------------------------

def _luong_score(query, keys, scale):
    """Luong's multiplicative score: ``scale * <query, keys[:, t]>`` -> [B, T].

    ``query`` [B, U], ``keys`` [B, T, U]; ``scale`` None or a scalar (``attention_g``).
    """
    depth = query.get_shape()[-1]
    key_units = keys.get_shape()[-1]
    if depth != key_units:
        raise ValueError(
            "Incompatible or unknown inner dimensions between query and keys.  "
            f"Query ({query}) has units: {depth}.  Keys ({keys}) have units: {key_units}.  "
            f"Perhaps you need to set num_units to the keys' dimension ({key_units})?")
    # [B, 1, U] @ [B, U, T] -> [B, 1, T] -> [B, T]
    score = _v1.squeeze(_v1.matmul(_v1.expand_dims(query, 1), keys, transpose_b=True), [1])
    if scale is not None:
        score = scale * score
    return score


def _bahdanau_score(processed_query, keys, attention_v, attention_g=None, attention_b=None):
    """Bahdanau's additive score -> [B, T]; weight-normalized when g and b are given.

    ``processed_query`` [B, U], ``keys`` [B, T, U], ``attention_v`` and ``attention_b`` [U],
    ``attention_g`` [].
    """
    processed_query = _v1.expand_dims(processed_query, 1)                     # [B, 1, U]
    if attention_g is not None and attention_b is not None:
        normed_v = attention_g * attention_v * _v1.rsqrt(
            _v1.reduce_sum(_v1.square(attention_v)))                          # [U]
        return _v1.reduce_sum(normed_v * _v1.tanh(keys + processed_query + attention_b), [2])
    return _v1.reduce_sum(attention_v * _v1.tanh(keys + processed_query), [2])


def _bahdanau_variables(num_units, normalize, dtype):
    """(attention_v [U], attention_g [] or None, attention_b [U] or None) in the current scope."""
    attention_v = _v1.get_variable("attention_v", [num_units], dtype=dtype)
    if not normalize:
        return attention_v, None, None
    attention_g = _v1.get_variable(
        "attention_g", dtype=dtype, shape=(),
        initializer=_v1.constant_initializer(math.sqrt(1. / num_units)))
    attention_b = _v1.get_variable("attention_b", [num_units], dtype=dtype,
                                   initializer=_v1.zeros_initializer())
    return attention_v, attention_g, attention_b


def _luong_scale(scale, dtype):
    """``attention_g`` [] (ones) in the current scope when ``scale``, else None."""
    if not scale:
        return None
    return _v1.get_variable("attention_g", dtype=dtype, shape=(),
                            initializer=_v1.ones_initializer())


def _luong_energy(query, keys, scale):
    """Luong's score [B, T], with its ``attention_g`` when ``scale`` (in the caller's scope)."""
    return _luong_score(query, keys, _luong_scale(scale, query.dtype))


def _bahdanau_energy(query, keys, query_layer, num_units, normalize):
    """Bahdanau's score [B, T] of ``query`` [B, Q], projected by ``query_layer`` if any, with
    its variables (``attention_v``, and ``attention_g``, ``attention_b`` when ``normalize``)."""
    processed_query = query_layer(query) if query_layer else query              # [B, U]
    attention_v, attention_g, attention_b = _bahdanau_variables(num_units, normalize,
                                                                query.dtype)
    return _bahdanau_score(processed_query, keys, attention_v, attention_g=attention_g,
                           attention_b=attention_b)


def _dense_without_bias(num_units, name, dtype):
    """TF 1.15's ``layers_core.Dense(num_units, name=name, use_bias=False, dtype=dtype)``."""
    return _Dense(num_units, name=name, use_bias=False, dtype=dtype)


# --- the mechanisms -------------------------------------------------------------------------

class LuongAttention(_BaseAttentionMechanism):
    """``LuongAttention(num_units, memory, memory_sequence_length=None, scale=False,
    probability_fn=None, score_mask_value=None, dtype=None, custom_key_value_fn=None,
    name="LuongAttention")``: Luong, Pham & Manning 2015 (https://arxiv.org/abs/1508.04025).

    Only the memory is projected (``memory_layer`` [D, num_units]), so the query's depth must
    be ``num_units``. ``scale=True`` multiplies the score by a learned ``attention_g``.
    ``probability_fn(score)`` defaults to softmax (``hardmax`` and sparsemax also fit).
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="LuongAttention"):
        probability_fn = _v1.nn.softmax if probability_fn is None else probability_fn
        dtype = _v1.float32 if dtype is None else dtype
        super().__init__(
            query_layer=None,
            memory_layer=_dense_without_bias(num_units, "memory_layer", dtype),
            memory=memory,
            probability_fn=lambda score, _: probability_fn(score),
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value,
            custom_key_value_fn=custom_key_value_fn,
            name=name)
        self._num_units = num_units
        self._scale = scale
        self._name = name

    def __call__(self, query, state):
        """``(alignments, next_state)`` [B, T] each for ``query`` [B, U], ``state`` [B, T]."""
        with _v1.variable_scope(None, "luong_attention", [query]):
            score = _luong_energy(query, self._keys, self._scale)               # [B, T]
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class BahdanauAttention(_BaseAttentionMechanism):
    """``BahdanauAttention(num_units, memory, memory_sequence_length=None, normalize=False,
    probability_fn=None, score_mask_value=None, dtype=None, custom_key_value_fn=None,
    name="BahdanauAttention")``: Bahdanau, Cho & Bengio 2015 (https://arxiv.org/abs/1409.0473);
    ``normalize=True``: Salimans & Kingma's weight normalization of ``attention_v``.

    Both the query (``query_layer`` [Q, num_units]) and the memory (``memory_layer``
    [D, num_units]) are projected. ``probability_fn(score)`` defaults to softmax.
    """

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False,
                 probability_fn=None, score_mask_value=None, dtype=None,
                 custom_key_value_fn=None, name="BahdanauAttention"):
        probability_fn = _v1.nn.softmax if probability_fn is None else probability_fn
        dtype = _v1.float32 if dtype is None else dtype
        super().__init__(
            query_layer=_dense_without_bias(num_units, "query_layer", dtype),
            memory_layer=_dense_without_bias(num_units, "memory_layer", dtype),
            memory=memory,
            probability_fn=lambda score, _: probability_fn(score),
            custom_key_value_fn=custom_key_value_fn,
            memory_sequence_length=memory_sequence_length,
            score_mask_value=score_mask_value,
            name=name)
        self._num_units = num_units
        self._normalize = normalize
        self._name = name

    def __call__(self, query, state):
        """``(alignments, next_state)`` [B, T] each for ``query`` [B, Q], ``state`` [B, T]."""
        with _v1.variable_scope(None, "bahdanau_attention", [query]):
            score = _bahdanau_energy(query, self._keys, self.query_layer, self._num_units,
                                     self._normalize)                          # [B, T]
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def hardmax(logits, name=None):
    """One-hot of the largest logit along the last axis, in ``logits``' dtype (batched)."""
    with _v1.name_scope(name, "Hardmax", [logits]):
        logits = _v1.convert_to_tensor(logits, name="logits")
        depth = _dimension_value(logits.get_shape()[-1])
        if depth is None:
            depth = _v1.shape(logits)[-1]
        return _v1.one_hot(_v1.argmax(logits, -1), depth, dtype=logits.dtype)
