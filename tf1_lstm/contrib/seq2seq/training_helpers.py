"""The training helpers of ``tf.contrib.seq2seq`` on TF 2.21: read the next input from a tensor.

TF 1.15's ``TrainingHelper``, ``ScheduledEmbeddingTrainingHelper`` and
``ScheduledOutputTrainingHelper`` (``contrib/seq2seq/python/ops/helper.py``; the interface is
in ``helper``). ``inputs`` is [B, T, ...] ([T, B, ...] with ``time_major``), L =
``sequence_length`` [B]. Teacher forcing, step t::

    finished_0  = (L == 0);            inputs_0     = inputs[:, 0]
    sample_ids  = argmax(outputs_t)    (int32)
    finished    = (t + 1 >= L);        inputs_{t+1} = inputs[:, t + 1]

(when every entry is finished the next inputs are zeros instead, so nothing reads past T).
The state is passed through unchanged.

Scheduled sampling (Bengio et al. 2015, https://arxiv.org/abs/1506.03099) replaces the read
input, per entry and with probability p = ``sampling_probability``, by one made from the
output::

    ScheduledEmbedding:  select ~ Bernoulli(p) [B];  sample_ids = where(select, id, -1),
                         id ~ Categorical(logits=outputs_t)
                         inputs_{t+1} = embedding(sample_ids) where sample_ids > -1, else read
    ScheduledOutput:     sample_ids ~ Bernoulli(p) [B] (int32, 1 = sampled)
                         inputs_{t+1} = [next_inputs_fn(outputs_t), aux[:, t + 1]] where sampled,
                                        else [inputs, aux][:, t + 1]

(``next_inputs_fn`` defaults to the identity, the auxiliary inputs ``aux`` to none.) The
Bernoulli draws use ``scheduling_seed`` (Embedding) or ``seed`` (Output), the categorical
draws ``seed``. TF 1.15's quirks, kept: ``inputs`` goes through one ``convert_to_tensor`` (a
nested structure is packed into one tensor); a vector ``sampling_probability`` is accepted
but the Bernoulli draw is then [B, B] (its batch shape follows the probabilities): the
Embedding helper's ``where`` rejects it when the graph is built.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.decoder import _transpose_batch_time
from tf1_lstm.contrib.seq2seq.helper import (
    Helper,
    _embedding_fn,
    _unstack_ta,
    bernoulli_sample,
    categorical_sample,
)

__all__ = ["TrainingHelper", "ScheduledEmbeddingTrainingHelper",
           "ScheduledOutputTrainingHelper"]

_nest = _tf2.nest


def _sampling_probability(sampling_probability):
    probability = _v1.convert_to_tensor(sampling_probability, name="sampling_probability")
    if probability.shape.ndims not in (0, 1):
        raise ValueError("sampling_probability must be either a scalar or a vector. "
                         f"saw shape: {probability.shape}")
    return probability


def _scatter_rows(where_sampling, sampled, where_not_sampling, kept, shape):
    """Rows ``sampled`` at ``where_sampling`` and ``kept`` at the others, in one [B, ...]."""
    return (_v1.scatter_nd(indices=where_sampling, updates=sampled, shape=shape)
            + _v1.scatter_nd(indices=where_not_sampling, updates=kept, shape=shape))


class TrainingHelper(Helper):
    """A helper for training: only reads its inputs; ``sample_ids`` = argmax of the outputs.

    ``TrainingHelper(inputs, sequence_length, time_major=False, name=None)``; ``ValueError``
    if ``sequence_length`` is not a vector.
    """

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with _v1.name_scope(name, "TrainingHelper", [inputs, sequence_length]):
            inputs = _v1.convert_to_tensor(inputs, name="inputs")
            self._inputs = inputs
            # Checked before the TensorArrays are built (TF 1.15 built them first: the same
            # error, but an unread TensorArray then logs "Object was never used" at exit).
            self._sequence_length = _v1.convert_to_tensor(sequence_length,
                                                          name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError("Expected sequence_length to be a vector, but received "
                                 f"shape: {self._sequence_length.shape}")
            if not time_major:
                inputs = _nest.map_structure(_transpose_batch_time, inputs)       # [T, B, ...]
            self._input_tas = _nest.map_structure(_unstack_ta, inputs)
            self._zero_inputs = _nest.map_structure(lambda inp: _v1.zeros_like(inp[0, :]),
                                                    inputs)                    # [B, ...]
            self._batch_size = _v1.size(sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return _tf2.TensorShape([])

    @property
    def sample_ids_dtype(self):
        return _v1.int32

    def _read_or_zeros(self, time, finished):
        """``inputs[:, time]``, or zeros once every entry is finished."""
        return _v1.cond(_v1.reduce_all(finished), lambda: self._zero_inputs,
                        lambda: _nest.map_structure(lambda ta: ta.read(time), self._input_tas))

    def initialize(self, name=None):
        with _v1.name_scope(name, "TrainingHelperInitialize"):
            finished = _v1.equal(0, self._sequence_length)                     # [B]
            return finished, self._read_or_zeros(0, finished)

    def sample(self, time, outputs, name=None, **unused_kwargs):
        with _v1.name_scope(name, "TrainingHelperSample", [time, outputs]):
            return _v1.cast(_v1.argmax(outputs, axis=-1), _v1.int32)           # [B]

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with _v1.name_scope(name, "TrainingHelperNextInputs", [time, outputs, state]):
            next_time = time + 1
            finished = next_time >= self._sequence_length                      # [B]
            return finished, self._read_or_zeros(next_time, finished), state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Teacher forcing with scheduled sampling of embedded ids (-1 where not sampled).

    ``ScheduledEmbeddingTrainingHelper(inputs, sequence_length, embedding,
    sampling_probability, time_major=False, seed=None, scheduling_seed=None, name=None)``;
    ``embedding`` is a callable of ids or the ``params`` of ``embedding_lookup``.
    """

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        with _v1.name_scope(name, "ScheduledEmbeddingSamplingWrapper",
                            [embedding, sampling_probability]):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = _sampling_probability(sampling_probability)
            self._seed = seed
            self._scheduling_seed = scheduling_seed
            super().__init__(inputs=inputs, sequence_length=sequence_length,
                             time_major=time_major, name=name)

    def initialize(self, name=None):
        return super().initialize(name=name)

    def sample(self, time, outputs, state, name=None):
        with _v1.name_scope(name, "ScheduledEmbeddingTrainingHelperSample",
                            [time, outputs, state]):
            select_sample = bernoulli_sample(probs=self._sampling_probability, dtype=_v1.bool,
                                             sample_shape=self.batch_size,
                                             seed=self._scheduling_seed)      # [B]
            return _v1.where(select_sample, categorical_sample(logits=outputs, seed=self._seed),
                             _v1.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with _v1.name_scope(name, "ScheduledEmbeddingTrainingHelperNextInputs",
                            [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)

            def maybe_sample():
                where_sampling = _v1.cast(_v1.where(sample_ids > -1), _v1.int32)      # [N, 1]
                where_not_sampling = _v1.cast(_v1.where(sample_ids <= -1), _v1.int32)
                sampled = self._embedding_fn(_v1.gather_nd(sample_ids, where_sampling))
                kept = _v1.gather_nd(base_next_inputs, where_not_sampling)
                return _scatter_rows(where_sampling, sampled, where_not_sampling, kept,
                                     _v1.shape(base_next_inputs))

            next_inputs = _v1.cond(_v1.reduce_all(finished), lambda: base_next_inputs,
                                   maybe_sample)
            return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """Teacher forcing with scheduled sampling of the outputs themselves (1 where sampled).

    ``ScheduledOutputTrainingHelper(inputs, sequence_length, sampling_probability,
    time_major=False, seed=None, next_inputs_fn=None, auxiliary_inputs=None, name=None)``;
    ``auxiliary_inputs`` (same shape as ``inputs`` but the last dimension) are concatenated
    to every next input, sampled or read.
    """

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False,
                 seed=None, next_inputs_fn=None, auxiliary_inputs=None, name=None):
        with _v1.name_scope(name, "ScheduledOutputTrainingHelper",
                            [inputs, auxiliary_inputs, sampling_probability]):
            self._sampling_probability = _sampling_probability(sampling_probability)
            if auxiliary_inputs is None:
                maybe_concatenated_inputs = inputs
            else:
                inputs = _v1.convert_to_tensor(inputs, name="inputs")
                auxiliary_inputs = _v1.convert_to_tensor(auxiliary_inputs,
                                                         name="auxiliary_inputs")
                maybe_concatenated_inputs = _nest.map_structure(
                    lambda x, y: _v1.concat((x, y), -1), inputs, auxiliary_inputs)
                if not time_major:
                    auxiliary_inputs = _nest.map_structure(_transpose_batch_time,
                                                           auxiliary_inputs)
            self._auxiliary_input_tas = (
                None if auxiliary_inputs is None
                else _nest.map_structure(_unstack_ta, auxiliary_inputs))
            self._seed = seed
            self._next_inputs_fn = next_inputs_fn
            super().__init__(inputs=maybe_concatenated_inputs,
                             sequence_length=sequence_length, time_major=time_major,
                             name=name)

    def initialize(self, name=None):
        return super().initialize(name=name)

    def sample(self, time, outputs, state, name=None):
        with _v1.name_scope(name, "ScheduledOutputTrainingHelperSample",
                            [time, outputs, state]):
            return bernoulli_sample(probs=self._sampling_probability,
                                    sample_shape=self.batch_size, seed=self._seed)   # [B]

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with _v1.name_scope(name, "ScheduledOutputTrainingHelperNextInputs",
                            [time, outputs, state, sample_ids]):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)
            sample_ids = _v1.cast(sample_ids, _v1.bool)                        # [B]

            def with_auxiliary_inputs(outputs_, indices=None):
                """``[outputs_, aux[:, t + 1]]`` (rows ``indices`` of aux), if any aux."""
                if self._auxiliary_input_tas is None:
                    return outputs_
                auxiliary_inputs = _nest.map_structure(lambda ta: ta.read(time + 1),
                                                       self._auxiliary_input_tas)
                if indices is not None:
                    auxiliary_inputs = _v1.gather_nd(auxiliary_inputs, indices)
                return _nest.map_structure(lambda x, y: _v1.concat((x, y), -1),
                                           outputs_, auxiliary_inputs)

            def maybe_sample():
                if self._next_inputs_fn is None:
                    return _v1.where(sample_ids, with_auxiliary_inputs(outputs),
                                     base_next_inputs)
                where_sampling = _v1.cast(_v1.where(sample_ids), _v1.int32)          # [N, 1]
                where_not_sampling = _v1.cast(_v1.where(_v1.logical_not(sample_ids)),
                                              _v1.int32)
                outputs_sampling = _v1.gather_nd(outputs, where_sampling)
                sampled = with_auxiliary_inputs(self._next_inputs_fn(outputs_sampling),
                                                where_sampling)
                kept = _v1.gather_nd(base_next_inputs, where_not_sampling)
                return _scatter_rows(where_sampling, sampled, where_not_sampling, kept,
                                     _v1.shape(base_next_inputs))

            no_samples = _v1.logical_not(_v1.reduce_any(sample_ids))
            next_inputs = _v1.cond(_v1.logical_or(_v1.reduce_all(finished), no_samples),
                                   lambda: base_next_inputs, maybe_sample)
            return finished, next_inputs, state
