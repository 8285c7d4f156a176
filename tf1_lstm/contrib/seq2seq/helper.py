"""``tf.contrib.seq2seq.Helper`` on TF 2.21: how a ``BasicDecoder`` samples and feeds itself.

TF 1.15's ``tensorflow/contrib/seq2seq/python/ops/helper.py``, in three files: this one holds
the interface (``Helper``), ``CustomHelper`` and TF 1.15's two samplers; the helpers that read
their inputs from a tensor are in ``training_helpers`` (``TrainingHelper``,
``ScheduledEmbeddingTrainingHelper``, ``ScheduledOutputTrainingHelper``), those that feed back
their own samples in ``inference_helpers`` (``GreedyEmbeddingHelper``,
``SampleEmbeddingHelper``, ``InferenceHelper``). All eight names can be imported from here,
as from TF 1.15's module.

A helper answers three questions for one decoder step at time t (``BasicDecoder.step``)::

    finished_0, inputs_0        = helper.initialize()
    sample_ids_t                = helper.sample(t, outputs_t, state_t)
    finished, inputs_{t+1}, s'  = helper.next_inputs(t, outputs_t, state_t, sample_ids_t)

The samplers are TF 1.15's own (it had no ``tf.distributions`` dependency here either): with
sample shape S (a scalar n or a vector) they return [S..., batch shape...]::

    bernoulli_sample:   uniform([n, *probs.shape], seed) < probs              (cast to dtype)
    categorical_sample: multinomial(logits [-1, V], n, seed), transposed to [n, *batch]

Both are the same random kernels as TF 1.15's (``RandomUniform``, ``Multinomial``), so a
given graph seed and op ``seed`` draw reproducibly.
"""

from __future__ import annotations

import abc
import importlib

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.decoder import _transpose_batch_time  # noqa: F401 - TF's name

# The helpers that live beside this module, served from here on first use (PEP 562): the
# other modules import Helper from here, so an eager import would be circular.
_ELSEWHERE = {
    "TrainingHelper": "training_helpers",
    "ScheduledEmbeddingTrainingHelper": "training_helpers",
    "ScheduledOutputTrainingHelper": "training_helpers",
    "GreedyEmbeddingHelper": "inference_helpers",
    "SampleEmbeddingHelper": "inference_helpers",
    "InferenceHelper": "inference_helpers",
}
__all__ = ["Helper", "CustomHelper", *_ELSEWHERE]


def __getattr__(name: str):
    if name in _ELSEWHERE:
        module = importlib.import_module(f"tf1_lstm.contrib.seq2seq.{_ELSEWHERE[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- TF 1.15's samplers ---------------------------------------------------------------------

def _call_sampler(sample_n_fn, sample_shape, name=None):
    """Draw prod(sample_shape) samples [n, *batch] and reshape them to [*sample_shape, *batch]."""
    with _v1.name_scope(name, "call_sampler", values=[sample_shape]):
        sample_shape = _v1.convert_to_tensor(sample_shape, dtype=_v1.int32,
                                             name="sample_shape")
        # A scalar sample shape n means [n].
        pad = _v1.cast(_v1.equal(_v1.rank(sample_shape), 0), _v1.int32)
        sample_shape = _v1.reshape(
            sample_shape,
            _v1.pad(_v1.shape(sample_shape), paddings=[[pad, 0]], constant_values=1))
        samples = sample_n_fn(_v1.reduce_prod(sample_shape))                 # [n, *batch]
        batch_event_shape = _v1.shape(samples)[1:]
        return _v1.reshape(samples, _v1.concat([sample_shape, batch_event_shape], 0))


def bernoulli_sample(probs=None, logits=None, dtype=_v1.int32, sample_shape=(), seed=None):
    """Bernoulli draws of ``probs`` (or sigmoid(``logits``)): [*sample_shape, *probs.shape]."""
    if probs is None:
        probs = _v1.sigmoid(logits, name="probs")
    else:
        probs = _v1.convert_to_tensor(probs, name="probs")
    batch_shape = _v1.shape(probs)

    def sample_n(n):
        uniform = _v1.random_uniform(_v1.concat([[n], batch_shape], 0), seed=seed,
                                     dtype=probs.dtype)                       # [n, *batch]
        return _v1.cast(_v1.less(uniform, probs), dtype)

    return _call_sampler(sample_n, sample_shape)


def categorical_sample(logits, dtype=_v1.int32, sample_shape=(), seed=None):
    """Categorical draws from ``logits`` [*batch, V]: ids [*sample_shape, *batch]."""
    logits = _v1.convert_to_tensor(logits, name="logits")
    event_size = _v1.shape(logits)[-1]
    batch_shape = _v1.shape(logits)[:-1]

    def sample_n(n):
        logits_2d = logits if logits.shape.ndims == 2 else _v1.reshape(logits, [-1, event_size])
        sample_dtype = _v1.int64 if logits.dtype.size > 4 else _v1.int32
        draws = _v1.multinomial(logits_2d, n, seed=seed, output_dtype=sample_dtype)  # [b, n]
        draws = _v1.reshape(_v1.transpose(draws), _v1.concat([[n], batch_shape], 0))
        return _v1.cast(draws, dtype)

    return _call_sampler(sample_n, sample_shape)


def _embedding_fn(embedding):
    """``embedding`` itself when callable, else ``embedding_lookup(embedding, ids)``."""
    if callable(embedding):
        return embedding
    return lambda ids: _v1.nn.embedding_lookup(embedding, ids)


def _unstack_ta(inp):
    """A time-major tensor [T, ...] as a TensorArray of its T steps."""
    return _v1.TensorArray(dtype=inp.dtype, size=_v1.shape(inp)[0],
                           element_shape=inp.shape[1:]).unstack(inp)


# --- the interface --------------------------------------------------------------------------

class Helper(abc.ABC):
    """TF 1.15's interface for sampling in seq2seq decoders (used by ``BasicDecoder``)."""

    @property
    @abc.abstractmethod
    def batch_size(self):
        """Batch size of the tensor returned by ``sample`` (a scalar int32 tensor)."""
        raise NotImplementedError("batch_size has not been implemented")

    @property
    @abc.abstractmethod
    def sample_ids_shape(self):
        """Shape of the tensor returned by ``sample``, without the batch dimension."""
        raise NotImplementedError("sample_ids_shape has not been implemented")

    @property
    @abc.abstractmethod
    def sample_ids_dtype(self):
        """DType of the tensor returned by ``sample``."""
        raise NotImplementedError("sample_ids_dtype has not been implemented")

    @abc.abstractmethod
    def initialize(self, name=None):
        """Returns ``(initial_finished, initial_inputs)``."""

    @abc.abstractmethod
    def sample(self, time, outputs, state, name=None):
        """Returns ``sample_ids``."""

    @abc.abstractmethod
    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """Returns ``(finished, next_inputs, next_state)``."""


class CustomHelper(Helper):
    """A helper made of three functions (TF 1.15's ``CustomHelper``).

    ``initialize_fn()`` -> ``(finished, next_inputs)``;
    ``sample_fn(time=, outputs=, state=)`` -> ``sample_ids``;
    ``next_inputs_fn(time=, outputs=, state=, sample_ids=)`` -> ``(finished, next_inputs,
    next_state)``. ``sample_ids_shape`` defaults to a scalar, ``sample_ids_dtype`` to int32.
    ``batch_size`` is ``size(finished)`` of the first ``initialize`` (a ``ValueError`` before).
    """

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = _tf2.TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = sample_ids_dtype or _v1.int32

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with _v1.name_scope(name, f"{type(self).__name__}Initialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = _v1.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with _v1.name_scope(name, f"{type(self).__name__}Sample", (time, outputs, state)):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with _v1.name_scope(name, f"{type(self).__name__}NextInputs", (time, outputs, state)):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)
