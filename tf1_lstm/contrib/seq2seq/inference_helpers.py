"""The inference helpers of ``tf.contrib.seq2seq`` on TF 2.21: feed the decoder its own samples.

TF 1.15's ``GreedyEmbeddingHelper``, ``SampleEmbeddingHelper`` and ``InferenceHelper``
(``contrib/seq2seq/python/ops/helper.py``; the interface is in ``helper``). No entry is
finished at the start; step t, with ``outputs_t`` the logits [B, V]::

    Greedy:     inputs_0 = embedding(start_tokens);   ids = argmax(outputs_t)  (int32)
    Sample:     inputs_0 = embedding(start_tokens);   ids ~ Categorical(outputs_t / temperature)
    both:       finished = (ids == end_token);        inputs_{t+1} = embedding(ids)
    Inference:  inputs_0 = start_inputs;              ids = sample_fn(outputs_t)
                finished = end_fn(ids);               inputs_{t+1} = next_inputs_fn(ids) or ids

Once every entry is finished the embedding helpers feed the start inputs again (the value
no longer matters). ``embedding`` is a callable of ids or the ``params`` of
``embedding_lookup``. The state is passed through unchanged. The decoding stops through
``dynamic_decode``: when every entry has finished, or at ``maximum_iterations``.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.helper import Helper, _embedding_fn, categorical_sample

__all__ = ["GreedyEmbeddingHelper", "SampleEmbeddingHelper", "InferenceHelper"]


def _single_tensor(outputs):
    if not isinstance(outputs, _tf2.Tensor):
        raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
    return outputs


class GreedyEmbeddingHelper(Helper):
    """Inference by argmax: the most probable id, embedded, is the next input.

    ``GreedyEmbeddingHelper(embedding, start_tokens, end_token)``: ``start_tokens`` int32
    [B], ``end_token`` an int32 scalar (``ValueError`` otherwise).
    """

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = _v1.convert_to_tensor(start_tokens, dtype=_v1.int32,
                                                   name="start_tokens")
        self._end_token = _v1.convert_to_tensor(end_token, dtype=_v1.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = _v1.size(start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)             # [B, E]

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return _tf2.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return _v1.int32

    def initialize(self, name=None):
        finished = _v1.tile([False], [self._batch_size])                        # [B]
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        del time, state  # unused by the greedy choice
        return _v1.argmax(_single_tensor(outputs), axis=-1, output_type=_v1.int32)   # [B]

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        del time, outputs  # unused: the next input is the embedded sample
        finished = _v1.equal(sample_ids, self._end_token)                       # [B]
        next_inputs = _v1.cond(_v1.reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Inference by sampling: an id drawn from softmax(outputs / temperature), embedded.

    ``SampleEmbeddingHelper(embedding, start_tokens, end_token, softmax_temperature=None,
    seed=None)``; no temperature means 1.
    """

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        del time, state  # unused by the draw
        logits = _single_tensor(outputs)
        if self._softmax_temperature is not None:
            logits = logits / self._softmax_temperature
        return categorical_sample(logits=logits, seed=self._seed)                 # [B]


class InferenceHelper(Helper):
    """Inference with your own sampling: ``sample_fn``, ``end_fn`` and ``next_inputs_fn``.

    ``InferenceHelper(sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
    next_inputs_fn=None)``: ``sample_fn(outputs)`` -> ids, ``end_fn(ids)`` -> bool [B],
    ``next_inputs_fn(ids)`` -> the next inputs (default: the ids themselves).
    """

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = _tf2.TensorShape(sample_shape)
        self._sample_dtype = sample_dtype
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = _v1.shape(start_inputs)[0]
        self._start_inputs = _v1.convert_to_tensor(start_inputs, name="start_inputs")

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        finished = _v1.tile([False], [self._batch_size])                        # [B]
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        del time, state  # unused by sample_fn
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        del time, outputs  # unused: the next input comes from the sample
        if self._next_inputs_fn is None:
            next_inputs = sample_ids
        else:
            next_inputs = self._next_inputs_fn(sample_ids)
        return self._end_fn(sample_ids), next_inputs, state
