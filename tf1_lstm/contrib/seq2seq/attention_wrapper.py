"""TF 1.15's ``tf.contrib.seq2seq.AttentionWrapper`` on TF 2.21: an RNN cell with attention.

TF 1.15: ``tensorflow/contrib/seq2seq/python/ops/attention_wrapper.py``. The wrapper runs its
``cell`` one step and attends over an encoder's memory with one or more attention mechanisms
(``attention_mechanisms``, ``monotonic_mechanisms``). One step, for inputs x [B, I] and the
previous ``AttentionWrapperState`` s, with mechanism m over its ``values`` [B, T, D]::

    cell_inputs            = cell_input_fn(x, s.attention)     # default concat: [B, I + A]
    h, cell_state          = cell(cell_inputs, s.cell_state)    # h [B, H]
    alignments_m, state_m  = m(h, s.attention_state_m)          # [B, T] each
    context_m              = sum_t alignments_m[:, t] * values_m[:, t]           # [B, D]
    attention_m            = [h, context_m] @ attention_layer_m.kernel           # [B, A_m]
                             (or context_m itself without attention_layer_size / layer)
    attention              = concat_m(attention_m)              # [B, A], A = sum_m A_m
    output                 = attention if output_attention else h

and the next state is ``AttentionWrapperState(cell_state, attention, time + 1, alignments,
alignment_history (+ this step's alignments, if kept), attention_state)``; with one mechanism
passed alone the per-mechanism fields are single tensors, with a list they are tuples.

Variables (TF 1.15's names; ``rnn/`` under ``dynamic_rnn``, ``decoder/`` under
``dynamic_decode``): the cell's under ``attention_wrapper/`` (e.g. ``attention_wrapper/
lstm_cell/kernel``), the mechanisms' under ``attention_wrapper/<mechanism scope>/``, and
``attention_wrapper/attention_layer/kernel`` [H + D, A_m] (no bias; ``attention_layer_1``,
... for the next mechanisms). The batch-size checks are TF 1.15's ``assert_equal`` ops with
its messages (they raise at graph construction when both sizes are static).
"""

from __future__ import annotations

import collections

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.framework.tensor_util import with_same_shape
from tf1_lstm.contrib.seq2seq.attention_mechanisms import AttentionMechanism

# isort: split
# TF 1.15's rnn_cell_impl.assert_like_rnncell and _zero_state_tensors, kept by tf_keras beside
# the v1 cells.
from tf_keras.src.layers.rnn.legacy_cell_wrappers import assert_like_rnncell
from tf_keras.src.layers.rnn.legacy_cells import _zero_state_tensors

__all__ = ["AttentionWrapperState", "AttentionWrapper"]

_nest = _tf2.nest
_dimension_value = _tf2.compat.dimension_value
_Dense = _v1.layers.Dense
# tf_keras runs a layer's `call` through AutoGraph, which has nothing to rewrite here.
_plain_python = _tf2.autograph.experimental.do_not_convert


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of an ``AttentionWrapper``.

    - ``cell_state``: the wrapped cell's state after the previous step;
    - ``attention``: the attention [B, A] emitted at the previous step;
    - ``time``: int32 scalar, the number of steps taken;
    - ``alignments``: each mechanism's alignments [B, T] of the previous step;
    - ``alignment_history``: (``alignment_history=True``) each mechanism's time-major
      ``TensorArray`` of alignments (``stack()`` -> [steps, B, T]), else ``()``;
    - ``attention_state``: each mechanism's state (its alignments, for these mechanisms).
    """

    def clone(self, **kwargs):
        """This state with the ``kwargs`` fields replaced; each new tensor keeps the old one's
        shape (checked: statically, or by an assertion when it is not fully known)::

            state = wrapper.zero_state(batch_size, tf.float32).clone(cell_state=encoder_state)
        """
        def with_old_shape(old, new):
            if isinstance(old, _tf2.Tensor) and isinstance(new, _tf2.Tensor):
                return with_same_shape(old, new)
            return new

        return _nest.map_structure(with_old_shape, self, self._replace(**kwargs))


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    """``(attention [B, A_m], alignments [B, T], next_attention_state)`` for one mechanism.

    The default ``attention_fn``; a custom one has the same arguments and results.
    """
    alignments, next_attention_state = attention_mechanism(cell_output, state=attention_state)
    # [B, 1, T] @ [B, T, D] -> [B, 1, D] -> [B, D]
    context = _v1.squeeze(_v1.matmul(_v1.expand_dims(alignments, 1),
                                     attention_mechanism.values), [1])
    if attention_layer is not None:
        attention = attention_layer(_v1.concat([cell_output, context], 1))   # [B, A_m]
    else:
        attention = context
    return attention, alignments, next_attention_state


def _attention_mechanisms(attention_mechanism) -> tuple[bool, tuple]:
    """(is_multi, the mechanisms as a tuple), with TF 1.15's TypeErrors."""
    if isinstance(attention_mechanism, (list, tuple)):
        for mechanism in attention_mechanism:
            if not isinstance(mechanism, AttentionMechanism):
                raise TypeError("attention_mechanism must contain only instances of "
                                f"AttentionMechanism, saw type: {type(mechanism).__name__}")
        return True, tuple(attention_mechanism)
    if not isinstance(attention_mechanism, AttentionMechanism):
        raise TypeError("attention_mechanism must be an AttentionMechanism or list of multiple "
                        "AttentionMechanism instances, saw type: "
                        f"{type(attention_mechanism).__name__}")
    return False, (attention_mechanism,)


def _attention_layers(cell, mechanisms, attention_layer_size, attention_layer):
    """(the attention layers or None, A = the attention's depth), with TF 1.15's errors."""
    if attention_layer_size is not None and attention_layer is not None:
        raise ValueError("Only one of attention_layer_size and attention_layer should be set")
    if attention_layer_size is not None:
        sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                      else (attention_layer_size,))
        if len(sizes) != len(mechanisms):
            raise ValueError(
                "If provided, attention_layer_size must contain exactly one integer per "
                f"attention_mechanism, saw: {len(sizes)} vs {len(mechanisms)}")
        layers = tuple(_Dense(size, name="attention_layer", use_bias=False,
                              dtype=mechanisms[i].dtype) for i, size in enumerate(sizes))
        return layers, sum(sizes)
    if attention_layer is not None:
        layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                       else (attention_layer,))
        if len(layers) != len(mechanisms):
            raise ValueError(
                "If provided, attention_layer must contain exactly one layer per "
                f"attention_mechanism, saw: {len(layers)} vs {len(mechanisms)}")
        depth = sum(
            _dimension_value(layer.compute_output_shape(
                [None, cell.output_size + _dimension_value(mechanism.values.shape[-1])])[-1])
            for layer, mechanism in zip(layers, mechanisms, strict=True))
        return layers, depth
    return None, sum(_dimension_value(m.values.shape[-1]) for m in mechanisms)


_TILE_HINT = ("Are you using the BeamSearchDecoder?  You may need to tile your {what} via the "
              "tf.contrib.seq2seq.tile_batch function with argument multiple=beam_width.")


class AttentionWrapper(_v1.nn.rnn_cell.RNNCell):
    """``AttentionWrapper(cell, attention_mechanism, attention_layer_size=None,
    alignment_history=False, cell_input_fn=None, output_attention=True,
    initial_cell_state=None, name=None, attention_layer=None, attention_fn=None,
    dtype=None)``: ``cell`` with attention over one mechanism or a list of them.

    ``attention_layer_size`` (an int, or one per mechanism) adds the bias-free
    ``attention_layer`` Dense over [cell output, context]; ``attention_layer`` (a layer, or
    one per mechanism) is a layer of your own instead; with neither the attention is the
    context. ``output_attention=False`` outputs the cell's output (Bahdanau style) instead of
    the attention (Luong style). ``initial_cell_state`` replaces the cell's zero state in
    ``zero_state``. ``attention_fn(mechanism, cell_output, attention_state, attention_layer)
    -> (attention, alignments, next_attention_state)`` replaces ``_compute_attention``.
    The step's equations are in the module docstring.
    """

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None,
                 attention_fn=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        assert_like_rnncell("cell", cell)
        self._is_multi, self._attention_mechanisms = _attention_mechanisms(attention_mechanism)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: _v1.concat([inputs, attention], -1)  # noqa: E731
        elif not callable(cell_input_fn):
            raise TypeError(
                f"cell_input_fn must be callable, saw type: {type(cell_input_fn).__name__}")
        self._attention_layers, self._attention_layer_size = _attention_layers(
            cell, self._attention_mechanisms, attention_layer_size, attention_layer)
        self._attention_fn = _compute_attention if attention_fn is None else attention_fn
        self._cell = cell
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        with _v1.name_scope(name, "AttentionWrapperInit"):
            self._initial_cell_state = None
            if initial_cell_state is not None:
                self._initial_cell_state = self._checked_initial_cell_state(initial_cell_state)

    def _checked_initial_cell_state(self, initial_cell_state):
        """``initial_cell_state`` behind the check that its batch size is the memory's."""
        final_state_tensor = _nest.flatten(initial_cell_state)[-1]
        state_batch_size = (_dimension_value(final_state_tensor.shape[0])
                            or _v1.shape(final_state_tensor)[0])
        error_message = (
            f"When constructing AttentionWrapper {self._base_name}: Non-matching batch sizes "
            "between the memory (encoder output) and initial_cell_state.  "
            + _TILE_HINT.format(what="initial state"))
        with _v1.control_dependencies(self._batch_size_checks(state_batch_size, error_message)):
            return _nest.map_structure(
                lambda s: _v1.identity(s, name="check_initial_cell_state"), initial_cell_state)

    def _batch_size_checks(self, batch_size, error_message):
        return [_v1.assert_equal(batch_size, mechanism.batch_size, message=error_message)
                for mechanism in self._attention_mechanisms]

    def _item_or_tuple(self, seq):
        """``seq`` as a tuple when the mechanisms came as a list, else its single item."""
        items = tuple(seq)
        return items if self._is_multi else items[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        """An ``AttentionWrapperState`` of the sizes (``()`` for a history not kept)."""
        mechanisms = self._attention_mechanisms
        return AttentionWrapperState(
            cell_state=self._cell.state_size,
            time=_v1.TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in mechanisms))

    def zero_state(self, batch_size, dtype):
        """The first ``AttentionWrapperState``: the cell's zero (or initial) state, zero
        attention, time 0, each mechanism's initial alignments and state, and empty
        ``TensorArray`` histories. ``batch_size`` must be the memory's (checked: now if both
        are static, else at run time); with a ``BeamSearchDecoder``, batch_size * beam_width.
        """
        with _v1.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.get_initial_state(batch_size=batch_size, dtype=dtype)
            error_message = (
                f"When calling zero_state of AttentionWrapper {self._base_name}: Non-matching "
                "batch sizes between the memory (encoder output) and the requested batch "
                "size.  Are you using the BeamSearchDecoder?  If so, make sure your encoder "
                "output has been tiled to beam_width via tf.contrib.seq2seq.tile_batch, and "
                "the batch_size= argument passed to zero_state is batch_size * beam_width.")
            with _v1.control_dependencies(self._batch_size_checks(batch_size, error_message)):
                cell_state = _nest.map_structure(
                    lambda s: _v1.identity(s, name="checked_cell_state"), cell_state)
            mechanisms = self._attention_mechanisms
            initial_alignments = [m.initial_alignments(batch_size, dtype) for m in mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state,
                time=_v1.zeros([], dtype=_v1.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(initial_alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dtype) for m in mechanisms),
                alignment_history=self._item_or_tuple(
                    _v1.TensorArray(dtype, size=0, dynamic_size=True,
                                    element_shape=alignment.shape)
                    if self._alignment_history else () for alignment in initial_alignments))

    @_plain_python
    def call(self, inputs, state):
        """``(attention or cell output, next AttentionWrapperState)`` for one step."""
        if not isinstance(state, AttentionWrapperState):
            raise TypeError("Expected state to be instance of AttentionWrapperState. "
                            f"Received type {type(state)} instead.")
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)   # [B, H]
        cell_batch_size = (_dimension_value(cell_output.shape[0])
                           or _v1.shape(cell_output)[0])
        error_message = (
            f"When applying AttentionWrapper {self.name}: Non-matching batch sizes between "
            "the memory (encoder output) and the query (decoder output).  "
            + _TILE_HINT.format(what="memory input"))
        with _v1.control_dependencies(self._batch_size_checks(cell_batch_size, error_message)):
            cell_output = _v1.identity(cell_output, name="checked_cell_output")

        previous_attention_state = (state.attention_state if self._is_multi
                                    else [state.attention_state])
        previous_alignment_history = (state.alignment_history if self._is_multi
                                      else [state.alignment_history])
        all_alignments, all_attentions, all_attention_states, maybe_all_histories = [], [], [], []
        for i, mechanism in enumerate(self._attention_mechanisms):
            attention, alignments, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_attention_state[i],
                self._attention_layers[i] if self._attention_layers else None)
            alignment_history = (previous_alignment_history[i].write(state.time, alignments)
                                 if self._alignment_history else ())
            all_attention_states.append(next_attention_state)
            all_alignments.append(alignments)
            all_attentions.append(attention)
            maybe_all_histories.append(alignment_history)

        attention = _v1.concat(all_attentions, 1)                            # [B, A]
        next_state = AttentionWrapperState(
            time=state.time + 1,
            cell_state=next_cell_state,
            attention=attention,
            attention_state=self._item_or_tuple(all_attention_states),
            alignments=self._item_or_tuple(all_alignments),
            alignment_history=self._item_or_tuple(maybe_all_histories))
        return (attention if self._output_attention else cell_output), next_state
