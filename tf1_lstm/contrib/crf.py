"""``tf.contrib.crf`` on TensorFlow 2.21: TF 1.15's linear-chain CRF, rebuilt.

TF 1.15's ``tensorflow/contrib/crf/python/ops/crf.py`` was plain Python over core ops and
``dynamic_rnn``; it left with ``tf.contrib``. This module rebuilds every public name of it
with the same arguments, results, edge cases and variable (``transitions`` [N, N]), so a
BiLSTM-CRF tagger written for TF 1.x builds the same graph and restores its checkpoints.

The model. One sequence of length L has unary potentials ``inputs`` [L, N] (N = num_tags,
e.g. a BiLSTM's logits) and ``transition_params`` A [N, N] (A[i, j]: tag i followed by tag
j). A tag sequence y scores, and has the probability::

    score(y) = sum_{t < L} inputs[t, y_t]  +  sum_{t < L-1} A[y_t, y_{t+1}]   (unary + binary)
    p(y)     = exp(score(y) - log_norm)       log_likelihood = score(y) - log_norm

``log_norm`` = log sum_y exp(score(y)) comes from the forward algorithm, one
``CrfForwardRnnCell`` step per position after the first::

    alpha_0    = inputs[0]
    alpha_t[j] = inputs[t, j] + logsumexp_i(alpha_{t-1}[i] + A[i, j])
    log_norm   = logsumexp_j(alpha_{L-1}[j])

Decoding (``crf_decode`` in the graph, ``viterbi_decode`` in NumPy) is the same recursion
with max for logsumexp, keeping the argmax as backpointers (``CrfDecodeForwardRnnCell``),
then walking them back from the best last tag (``CrfDecodeBackwardRnnCell``)::

    delta_0    = inputs[0]
    delta_t[j] = inputs[t, j] + max_i(delta_{t-1}[i] + A[i, j]);  bp_t[j] = argmax_i(...)
    y_{L-1}    = argmax_j delta_{L-1}[j];  y_{t-1} = bp_t[y_t];  best_score = max_j delta_{L-1}[j]

Batched, as TF 1.15: ``inputs`` [B, T, N], ``tag_indices`` [B, T] (int32 or int64),
``sequence_lengths`` [B] (int32 or int64), L = sequence_lengths[b] <= T. TF 1.15's edge
cases, kept (and tested in ``tests/test_contrib_crf.py``):

- Positions t >= L are ignored: masked out of the scores, and the RNNs copy their state
  through them; ``crf_decode`` writes tag 0 there.
- L == 0: ``crf_sequence_score``, ``crf_log_norm`` and so ``crf_log_likelihood`` give 0.
  ``crf_decode`` is *not* masked: it returns argmax(inputs[b, 0]) and max(inputs[b, 0]).
- max_seq_len T == 1 skips the RNNs. TF 1.15 chose with ``smart_cond``: a Python branch
  when ``inputs.shape[1]`` is static, a ``tf.cond`` on the run-time T when it is not.
  In that branch ``crf_multitag_sequence_score`` does not mask L == 0 (TF 1.15's oddity).

Dtypes: ``crf_decode``'s tags are int32 and its score has the potentials' dtype. TF 1.15
worked in float32 only (its masks and ``dynamic_rnn`` dtypes were hard-coded float32, so
float64 raised); here masks and RNN dtypes follow ``inputs``, which gives the same graph and
numbers in float32 and also works in float64.
"""

from __future__ import annotations

import numpy as np

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.rnn.cell_sizes import FixedSizes
from tf1_lstm.errors import Tf1LstmError

__all__ = [
    "crf_sequence_score", "crf_log_norm", "crf_log_likelihood",
    "crf_unary_score", "crf_binary_score", "CrfForwardRnnCell",
    "viterbi_decode", "crf_decode", "CrfDecodeForwardRnnCell",
    "CrfDecodeBackwardRnnCell", "crf_multitag_sequence_score",
]

# TF 1.15's CRF cells subclassed rnn_cell.RNNCell (today tf_keras's legacy RNNCell) and
# overrode __call__ itself: no Layer machinery, no variables, ops straight in dynamic_rnn's loop.
# Unlike TF 1.15 they also run RNNCell.__init__, so the inherited zero_state works.
_RNNCell = _v1.nn.rnn_cell.RNNCell
_dimension_value = _tf2.compat.dimension_value


class CrfInputError(Tf1LstmError, ValueError):
    """A CRF function was given inputs it cannot work with (unknown tag count, no steps)."""


# --- helpers --------------------------------------------------------------------------------

def _on_max_seq_len(inputs, one_step, several_steps):
    """TF 1.15's ``smart_cond(max_seq_len == 1, one_step, several_steps)``.

    A Python choice when ``inputs.shape[1]`` is static, else a ``tf.cond`` on the run-time
    length (TF 1.15 wrote ``static or tf.shape(inputs)[1]``, so a static 0 went there too).
    """
    max_seq_len = _dimension_value(inputs.shape[1])
    if max_seq_len:
        return one_step() if max_seq_len == 1 else several_steps()
    return _v1.cond(_v1.equal(_v1.shape(inputs)[1], 1), one_step, several_steps)


def _zero_where_empty(values, sequence_lengths):
    """``values`` [B] with 0 in the rows whose sequence length is <= 0."""
    return _v1.where(sequence_lengths <= 0, _v1.zeros_like(values), values)


def _steps_after_first(sequence_lengths):
    """How many RNN steps follow position 0 in each row: max(L - 1, 0) [B]."""
    return _v1.maximum(sequence_lengths - 1, _v1.zeros_like(sequence_lengths))


def _tensor(value, name: str, dtype=None):
    return _v1.convert_to_tensor(value, dtype=dtype, name=name)


def _num_tags(transition_params, out_type):
    """N, statically if known (TF 1.15 used the static dimension), else from the shape."""
    static = _dimension_value(transition_params.shape[0])
    return static if static is not None else _v1.shape(transition_params, out_type=out_type)[0]


# --- scores ---------------------------------------------------------------------------------

def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """The unary part of each row's score: sum_{t < L} inputs[b, t, tag_indices[b, t]] -> [B].

    ``tag_indices`` [B, T] (int32 or int64), ``sequence_lengths`` [B], ``inputs`` [B, T, N].
    """
    tag_indices = _tensor(tag_indices, "tag_indices")
    inputs = _tensor(inputs, "inputs")
    shape = _v1.shape(inputs)
    batch_size, max_seq_len, num_tags = shape[0], shape[1], shape[2]
    # The row-major flat index of inputs[b, t, tag] is (b * T + t) * N + tag. TF 1.15 gathered
    # that way (not a batched gather), so a padding tag outside [0, N) past L reads some
    # neighbouring potential, masked below, instead of raising: kept.
    offsets = (_v1.range(batch_size)[:, None] * max_seq_len
               + _v1.range(max_seq_len)[None, :]) * num_tags                  # [B, T]
    flat_indices = _v1.cast(offsets, tag_indices.dtype) + tag_indices          # [B, T]
    unary_scores = _v1.gather(_v1.reshape(inputs, [-1]), flat_indices)         # [B, T]
    masks = _v1.sequence_mask(sequence_lengths, maxlen=_v1.shape(tag_indices)[1],
                              dtype=unary_scores.dtype)                         # [B, T]
    return _v1.reduce_sum(unary_scores * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """The binary part of each row's score: sum_{t < L-1} A[y_t, y_{t+1}] -> [B].

    ``tag_indices`` [B, T], ``sequence_lengths`` [B], ``transition_params`` A [N, N].
    """
    tag_indices = _tensor(tag_indices, "tag_indices")
    transition_params = _tensor(transition_params, "transition_params")
    start_tags, end_tags = tag_indices[:, :-1], tag_indices[:, 1:]             # [B, T-1] each
    # A[i, j] is element i * N + j of the flattened matrix (TF 1.15's flat gather, as above).
    flat_indices = start_tags * _num_tags(transition_params, tag_indices.dtype) + end_tags
    binary_scores = _v1.gather(_v1.reshape(transition_params, [-1]), flat_indices)  # [B, T-1]
    masks = _v1.sequence_mask(sequence_lengths, maxlen=_v1.shape(tag_indices)[1],
                              dtype=binary_scores.dtype)                        # [B, T]
    # The transition into position t counts while t < L.
    return _v1.reduce_sum(binary_scores * masks[:, 1:], 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """score(y) for each row's tags: unary + binary -> [B]; 0 where L <= 0.

    ``inputs`` [B, T, N], ``tag_indices`` [B, T], ``sequence_lengths`` [B],
    ``transition_params`` [N, N]. With T == 1 the score is inputs[b, 0, tag_indices[b, 0]].
    """
    inputs = _tensor(inputs, "inputs")
    tag_indices = _tensor(tag_indices, "tag_indices")
    sequence_lengths = _tensor(sequence_lengths, "sequence_lengths")

    def one_step():
        rows = _v1.range(_v1.shape(inputs, out_type=tag_indices.dtype)[0],
                         dtype=tag_indices.dtype)[:, None]                      # [B, 1]
        # tag_indices[:, :1], not TF 1.15's whole tag_indices: the same at T == 1, and the
        # tf.cond still builds when only tag_indices has a static T > 1 (TF 1.15 raised).
        scores = _v1.gather_nd(inputs[:, 0], _v1.concat([rows, tag_indices[:, :1]], 1))  # [B]
        return _zero_where_empty(scores, sequence_lengths)

    def several_steps():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))

    return _on_max_seq_len(inputs, one_step, several_steps)


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """log_norm = log sum_y exp(score(y)) by the forward algorithm -> [B]; 0 where L <= 0.

    ``inputs`` [B, T, N], ``sequence_lengths`` [B], ``transition_params`` [N, N].
    """
    inputs = _tensor(inputs, "inputs")
    sequence_lengths = _tensor(sequence_lengths, "sequence_lengths")
    alpha_0 = inputs[:, 0]                                                     # [B, N]

    def one_step():
        return _zero_where_empty(_v1.reduce_logsumexp(alpha_0, [1]), sequence_lengths)

    def several_steps():
        # dynamic_rnn stops each row after its L - 1 steps and copies the state on, so the
        # final state is alpha_{L-1}; the outputs (the same alphas) are not used.
        _, alpha_last = _v1.nn.dynamic_rnn(
            CrfForwardRnnCell(transition_params), inputs[:, 1:],
            sequence_length=_steps_after_first(sequence_lengths),
            initial_state=alpha_0, dtype=inputs.dtype)                        # [B, N]
        return _zero_where_empty(_v1.reduce_logsumexp(alpha_last, [1]), sequence_lengths)

    return _on_max_seq_len(inputs, one_step, several_steps)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """log sum of exp(score(y)) over the tag sequences y allowed by ``tag_bitmap`` -> [B].

    ``tag_bitmap`` [B, T, N] (bool): the tags accepted at each position. One-hot rows give
    ``crf_sequence_score``. Disallowed tags get potential -inf and drop out of log_norm.
    With T == 1 the rows with L <= 0 are not zeroed (TF 1.15 did not mask there either).
    """
    inputs = _tensor(inputs, "inputs")
    tag_bitmap = _tensor(tag_bitmap, "tag_bitmap", dtype=_tf2.bool)
    minus_inf = _v1.fill(_v1.shape(inputs), _v1.constant(-np.inf, dtype=inputs.dtype))
    allowed_inputs = _v1.where(tag_bitmap, inputs, minus_inf)                  # [B, T, N]

    def one_step():
        return _v1.reduce_logsumexp(allowed_inputs, [1, 2])

    def several_steps():
        return crf_log_norm(allowed_inputs, sequence_lengths, transition_params)

    return _on_max_seq_len(inputs, one_step, several_steps)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """log p(y) = score(y) - log_norm for each row -> (log_likelihood [B], transition_params).

    Without ``transition_params``, creates TF 1.15's variable ``transitions`` [N, N] with
    ``get_variable`` in the current variable scope (default initializer: Glorot uniform) and
    returns it, so TF1 checkpoints restore and ``reuse`` works as it did.
    """
    inputs = _tensor(inputs, "inputs")
    if transition_params is None:
        num_tags = _dimension_value(inputs.shape.with_rank(3)[2])
        if num_tags is None:
            raise CrfInputError(
                f"crf_log_likelihood needs the number of tags, inputs.shape[2], known when the "
                f"graph is built to create the 'transitions' variable; inputs has shape "
                f"{inputs.shape}. Give the inputs a static last dimension (e.g. the output of a "
                "dense layer with num_tags units), or pass transition_params.")
        # dtype: TF 1.15 took the scope's default (float32); any other dtype failed later.
        transition_params = _v1.get_variable("transitions", [num_tags, num_tags],
                                             dtype=inputs.dtype.base_dtype)
    sequence_scores = crf_sequence_score(inputs, tag_indices, sequence_lengths,
                                         transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return sequence_scores - log_norm, transition_params


# --- the RNN cells of the forward algorithm and of Viterbi ----------------------------------

class _TransitionCell(FixedSizes, _RNNCell):
    """A cell whose state is a score per tag [B, N], stepped through A broadcast over B."""

    def __init__(self, transition_params) -> None:
        super().__init__()
        transition_params = _tensor(transition_params, "transition_params")
        self._transition_params = _v1.expand_dims(transition_params, 0)       # [1, N, N]
        self._num_tags = _dimension_value(transition_params.shape[0])
        self._state_size = self._output_size = self._num_tags                  # N

    def _scores_into_each_tag(self, state):
        """[B, N(i), 1] + [1, N(i), N(j)] -> [B, N(i), N(j)]: previous score + A[i, j]."""
        return state[:, :, None] + self._transition_params


class CrfForwardRnnCell(_TransitionCell):
    """One step of the forward algorithm (see http://www.cs.columbia.edu/~mcollins/fb.pdf)::

        alpha_t[j] = inputs[j] + logsumexp_i(state[i] + A[i, j])

    ``inputs`` [B, N] (the potentials at step t), ``state`` alpha_{t-1} [B, N] ->
    ``(alpha_t, alpha_t)``. Built from ``transition_params`` A [N, N]; no variables.
    """

    def __call__(self, inputs, state, scope=None):
        alpha = inputs + _v1.reduce_logsumexp(self._scores_into_each_tag(state), [1])  # [B, N]
        return alpha, alpha


class CrfDecodeForwardRnnCell(_TransitionCell):
    """One forward Viterbi step, keeping the backpointers::

        delta_t[j] = inputs[j] + max_i(state[i] + A[i, j]);   bp_t[j] = argmax_i(...)

    ``inputs`` [B, N], ``state`` delta_{t-1} [B, N] -> ``(bp_t [B, N] int32, delta_t)``.
    """

    def __call__(self, inputs, state, scope=None):
        scores = self._scores_into_each_tag(state)                             # [B, N, N]
        delta = inputs + _v1.reduce_max(scores, [1])                           # [B, N]
        backpointers = _v1.cast(_v1.argmax(scores, 1), _tf2.int32)            # [B, N]
        return backpointers, delta


class CrfDecodeBackwardRnnCell(FixedSizes, _RNNCell):
    """One backward Viterbi step: ``y_{t-1} = bp_t[y_t]``.

    ``inputs`` bp_t [B, N] (int32, fed in reverse time order), ``state`` y_t [B, 1] ->
    ``(y_{t-1}, y_{t-1})``, each [B, 1]. ``num_tags`` is kept but unused (as in TF 1.15).
    """

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self._num_tags = num_tags
        self._state_size = self._output_size = 1                               # y_t [B, 1]

    def __call__(self, inputs, state, scope=None):
        previous_tags = _v1.gather(inputs, state[:, 0], batch_dims=1)          # [B]
        return previous_tags[:, None], previous_tags[:, None]


# --- decoding -------------------------------------------------------------------------------

def viterbi_decode(score, transition_params):
    """The best tag sequence of one sequence, in NumPy (for use outside the graph).

    ``score`` [L, N]: the potentials already cut to the sequence's length;
    ``transition_params`` [N, N]. Returns ``(viterbi, viterbi_score)``: a list of L tag
    indices (NumPy integers, as TF 1.15) and the best score (a NumPy scalar). Ties go to the
    lowest tag index (NumPy's argmax), as TF's argmax in ``crf_decode``.
    """
    score = np.asarray(score)
    if score.ndim != 2 or len(score) == 0:
        raise CrfInputError(
            f"viterbi_decode needs the potentials of one sequence, shape [seq_len >= 1, "
            f"num_tags]; got shape {score.shape}. Cut each row to its length first: "
            "score[:sequence_length].")
    delta = np.zeros_like(score)                          # delta_t [L, N], in score's dtype
    backpointers = np.zeros_like(score, dtype=np.int32)   # bp_t [L, N]; bp_0 is unused
    delta[0] = score[0]
    for t in range(1, len(score)):
        into_each_tag = delta[t - 1][:, None] + transition_params     # [N(i), N(j)]
        delta[t] = score[t] + into_each_tag.max(0)
        backpointers[t] = into_each_tag.argmax(0)
    viterbi = [np.argmax(delta[-1])]                      # y_{L-1}
    for bp in backpointers[:0:-1]:                        # bp_{L-1}, ..., bp_1
        viterbi.append(bp[viterbi[-1]])                   # y_{t-1} = bp_t[y_t]
    viterbi.reverse()
    return viterbi, np.max(delta[-1])


def crf_decode(potentials, transition_params, sequence_length):
    """The best tag sequence of each row, in the graph -> (decode_tags, best_score).

    ``potentials`` [B, T, N], ``transition_params`` [N, N], ``sequence_length`` [B].
    ``decode_tags`` [B, T] int32 (0 past each row's length), ``best_score`` [B]. A row of
    length 0 is not special-cased (TF 1.15): it decodes as if its length were 1.
    """
    potentials = _tensor(potentials, "potentials")
    sequence_length = _tensor(sequence_length, "sequence_length")
    delta_0 = potentials[:, 0]                                                 # [B, N]

    def one_step():
        decode_tags = _v1.cast(_v1.argmax(delta_0, 1), _tf2.int32)[:, None]   # [B, 1]
        return decode_tags, _v1.reduce_max(delta_0, 1)

    def several_steps():
        steps = _steps_after_first(sequence_length)                            # [B]
        # Forward: bp_1 .. bp_{L-1} (zeros after them) and delta_{L-1}.
        backpointers, delta_last = _v1.nn.dynamic_rnn(
            CrfDecodeForwardRnnCell(transition_params), potentials[:, 1:],
            sequence_length=steps, initial_state=delta_0, dtype=_tf2.int32)   # [B, T-1, N]
        # Backward: each row's own steps reversed, walked from y_{L-1} down to y_0.
        backpointers = _v1.reverse_sequence(backpointers, steps, seq_axis=1, batch_axis=0)
        last_tag = _v1.cast(_v1.argmax(delta_last, 1), _tf2.int32)[:, None]   # [B, 1]
        earlier_tags, _ = _v1.nn.dynamic_rnn(
            CrfDecodeBackwardRnnCell(_dimension_value(potentials.shape[2])), backpointers,
            sequence_length=steps, initial_state=last_tag, dtype=_tf2.int32)  # [B, T-1, 1]
        # y_{L-1}, y_{L-2}, ..., y_0, 0, ... -> y_0, ..., y_{L-1}, 0, ...
        reversed_tags = _v1.concat([last_tag, earlier_tags[:, :, 0]], 1)       # [B, T]
        decode_tags = _v1.reverse_sequence(reversed_tags, sequence_length, seq_axis=1,
                                           batch_axis=0)
        return decode_tags, _v1.reduce_max(delta_last, 1)

    return _on_max_seq_len(potentials, one_step, several_steps)
