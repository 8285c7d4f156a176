"""``tf.contrib.seq2seq.Decoder`` and ``dynamic_decode`` on TF 2.21: TF 1.15's decoding loop.

TF 1.15's ``tensorflow/contrib/seq2seq/python/ops/decoder.py``, the v1 half (the Keras
``BaseDecoder`` of TF 2.0's addons left with ``tf.contrib`` and is not served). A ``Decoder``
is one step of a decoder; ``dynamic_decode`` is the loop over time, a ``tf.while_loop`` that
stops when every batch entry is finished or after ``maximum_iterations`` steps::

    finished_0, inputs_0, state_0 = decoder.initialize()
    finished_0 |= (0 >= maximum_iterations)                       # [B]
    lengths_0 = 0                                                 # [B] int32
    while not all(finished_t):                                    # and t < maximum_iterations
        outputs_t, state', inputs_{t+1}, done_t = decoder.step(t, inputs_t, state_t)
        finished_{t+1} = done_t if decoder.tracks_own_finished else done_t | finished_t
        lengths_{t+1}  = where(finished_t, lengths_t, t + 1)
        emit_t         = where(finished_t, 0, outputs_t)     if impute_finished else outputs_t
        state_{t+1}    = where(finished_t, state_t, state')  if impute_finished else state'

``final_outputs`` stacks ``emit_t`` over the T steps taken ([T, B, ...], or [B, T, ...]
unless ``output_time_major``), ``final_state`` is the last ``state_{t+1}``, and
``final_sequence_lengths`` [B] counts each entry's steps up to and including the one that
finished it. ``decoder.finalize(outputs, state, lengths)`` may rewrite the first two (beam
search does); a decoder without one (``NotImplementedError``) keeps them.

TF 1.15's behaviour, kept:

- Everything is built under ``variable_scope(scope, "decoder")``: the cell's and the output
  layer's variables are ``decoder/<cell>/kernel``, ``decoder/dense/kernel``, ... The scope's
  variables are cached (``caching_device = op.device``) unless the call sits in a while loop.
- Without ``impute_finished`` the outputs and state past an entry's end are whatever the
  step computed; with it they are zeros and the state is copied through. Scalar states and
  TensorArrays in the state are always passed through unchanged.
- ``maximum_iterations`` is converted to int32 and must be a scalar (``ValueError``); under
  XLA it is required. 0 decodes no step (outputs of length 0, lengths all 0).
"""

from __future__ import annotations

import abc

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2

# isort: split
# TF's private helpers that TF 1.15's decoder.py used by these very names: rnn.py's
# transpose (keeps static shapes) and the v1 cells' zero-state builder (kept by tf_keras).
# The helpers and beam search import them from here, as TF 1.15's did.
from tensorflow.python.ops import control_flow_util
from tensorflow.python.ops.rnn import _transpose_batch_time
from tf_keras.src.layers.rnn.legacy_cells import _zero_state_tensors

__all__ = ["Decoder", "dynamic_decode"]

_nest = _tf2.nest


class Decoder(abc.ABC):
    """TF 1.15's abstract RNN decoder: what ``dynamic_decode`` calls.

    - ``inputs``: the (structure of) tensors fed to the cell at each step;
    - ``state``: the (structure of) tensors and TensorArrays carried between steps;
    - ``finished``: a bool [B] tensor, whether each batch entry is done;
    - ``outputs``: what one step emits (e.g. a ``BasicDecoderOutput``).
    """

    @property
    def batch_size(self):
        """The batch size of input values (a scalar int32 tensor or a Python int)."""
        raise NotImplementedError

    @property
    def output_size(self):
        """A (possibly nested tuple of...) integer[s] or ``TensorShape`` object[s]."""
        raise NotImplementedError

    @property
    def output_dtype(self):
        """A (possibly nested tuple of...) dtype[s], the structure of ``output_size``."""
        raise NotImplementedError

    @abc.abstractmethod
    def initialize(self, name=None):
        """Before the first step: ``(finished, initial_inputs, initial_state)``."""
        raise NotImplementedError

    @abc.abstractmethod
    def step(self, time, inputs, state, name=None):
        """One step at int32 scalar ``time``: ``(outputs, next_state, next_inputs, finished)``."""
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        """After the loop: ``(final_outputs, final_state)``; not implemented means "keep"."""
        raise NotImplementedError

    @property
    def tracks_own_finished(self) -> bool:
        """True when ``step``'s ``finished`` is already final (decoders that reorder entries
        between steps, like beam search); False: ``dynamic_decode`` ORs it with the past."""
        return False


def _create_zero_outputs(size, dtype, batch_size):
    """Zeros of the decoder's output structure, [B, ...] each (what finished entries emit)."""
    return _nest.map_structure(lambda s, d: _zero_state_tensors(s, batch_size, d), size, dtype)


def _in_xla_or_while_loop() -> tuple[bool, bool]:
    context = _v1.get_default_graph()._get_control_flow_context()
    return (control_flow_util.GetContainingXLAContext(context) is not None,
            control_flow_util.GetContainingWhileContext(context) is not None)


def _element_shape(batch_size, size):
    """[B] + size for a TensorArray of one output, B static when it can be (else None)."""
    if not isinstance(size, _tf2.TensorShape) or size.ndims == 0:
        return None
    static_batch = _tf2.get_static_value(_v1.convert_to_tensor(batch_size, name="batch_size"))
    return _tf2.TensorShape([static_batch]).concatenate(size)


def _maybe_copy_state(finished, new, current):
    """``where(finished, current, new)``; TensorArrays and scalar states pass through."""
    if isinstance(current, _tf2.TensorArray):
        return new
    new.set_shape(current.shape)
    return new if new.shape.ndims == 0 else _v1.where(finished, current, new)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None, **kwargs):
    """Run ``decoder`` until every entry is finished: the loop of the module docstring.

    Returns ``(final_outputs, final_state, final_sequence_lengths)``: outputs [B, T, ...]
    ([T, B, ...] with ``output_time_major``), the last state, lengths [B] int32.
    ``kwargs`` (TF 1.15's hook for the Keras ``BaseDecoder``) are accepted and unused.

    Raises ``TypeError`` if ``decoder`` is not a ``Decoder`` and ``ValueError`` if
    ``maximum_iterations`` is not a scalar (or is missing under XLA).
    """
    del kwargs  # only TF 1.15's BaseDecoder read them
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")

    with _v1.variable_scope(scope, "decoder") as varscope:
        is_xla, in_while_loop = _in_xla_or_while_loop()
        # Cache variable reads once per run, as dynamic_rnn does; not inside a while loop,
        # where a cached read would not see the updates of an outer training loop.
        if not _v1.executing_eagerly() and not in_while_loop and varscope.caching_device is None:
            varscope.set_caching_device(lambda op: op.device)

        if maximum_iterations is not None:
            maximum_iterations = _v1.convert_to_tensor(
                maximum_iterations, dtype=_v1.int32, name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")

        initial_finished, initial_inputs, initial_state = decoder.initialize()
        zero_outputs = _create_zero_outputs(decoder.output_size, decoder.output_dtype,
                                            decoder.batch_size)
        if is_xla and maximum_iterations is None:
            raise ValueError("maximum_iterations is required for XLA compilation.")
        if maximum_iterations is not None:
            initial_finished = _v1.logical_or(initial_finished, 0 >= maximum_iterations)
        initial_sequence_lengths = _v1.zeros_like(initial_finished, dtype=_v1.int32)   # [B]
        initial_time = _v1.constant(0, dtype=_v1.int32)

        dynamic_size = maximum_iterations is None or not is_xla
        initial_outputs_ta = _nest.map_structure(
            lambda size, dtype: _v1.TensorArray(
                dtype=dtype, size=0 if dynamic_size else maximum_iterations,
                dynamic_size=dynamic_size,
                element_shape=_element_shape(decoder.batch_size, size)),
            decoder.output_size, decoder.output_dtype)

        def condition(unused_time, unused_outputs_ta, unused_state, unused_inputs, finished,
                      unused_sequence_lengths):
            return _v1.logical_not(_v1.reduce_all(finished))

        def body(time, outputs_ta, state, inputs, finished, sequence_lengths):
            next_outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
                time, inputs, state)
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
            else:
                next_finished = _v1.logical_or(decoder_finished, finished)
            next_sequence_lengths = _v1.where(
                _v1.logical_not(finished),
                _v1.fill(_v1.shape(sequence_lengths), time + 1),
                sequence_lengths)                                                # [B]

            _nest.assert_same_structure(state, decoder_state)
            _nest.assert_same_structure(outputs_ta, next_outputs)
            _nest.assert_same_structure(inputs, next_inputs)

            if impute_finished:
                emit = _nest.map_structure(lambda out, zero: _v1.where(finished, zero, out),
                                           next_outputs, zero_outputs)
                next_state = _nest.map_structure(
                    lambda new, cur: _maybe_copy_state(finished, new, cur),
                    decoder_state, state)
            else:
                emit, next_state = next_outputs, decoder_state
            outputs_ta = _nest.map_structure(lambda ta, out: ta.write(time, out),
                                             outputs_ta, emit)
            return (time + 1, outputs_ta, next_state, next_inputs, next_finished,
                    next_sequence_lengths)

        loop_results = _v1.while_loop(
            condition, body,
            loop_vars=(initial_time, initial_outputs_ta, initial_state, initial_inputs,
                       initial_finished, initial_sequence_lengths),
            parallel_iterations=parallel_iterations,
            maximum_iterations=maximum_iterations,
            swap_memory=swap_memory)
        final_outputs_ta, final_state = loop_results[1], loop_results[2]
        final_sequence_lengths = loop_results[5]

        final_outputs = _nest.map_structure(lambda ta: ta.stack(), final_outputs_ta)  # [T, B, .]
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_sequence_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = _nest.map_structure(_transpose_batch_time, final_outputs)

    return final_outputs, final_state, final_sequence_lengths
