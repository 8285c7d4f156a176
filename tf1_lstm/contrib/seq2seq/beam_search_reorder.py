"""Reordering a whole decode's TensorArrays by the beams' ancestry (TF 1.15's beam search).

TF 1.15's ``beam_search_decoder.py``: ``gather_tree_from_array`` and the checks before it.
A cell state may hold a ``TensorArray`` written at every step (the attention wrapper's
``alignment_history``): row w at step t belongs to whatever beam was w at step t, not to
the final beam w. At the end of the decode, ``BeamSearchDecoder.finalize`` (with
``reorder_tensor_arrays=True``) stacks it and reorders it along the final beams' ancestry::

    beam_ids[t, b, w]        = w                                            # [T, B, W]
    sorted_beam_ids          = gather_tree(beam_ids, parent_ids, max_b(sequence_length),
                                           end_token=W + 1)                 # who w was at t
    sorted_beam_ids[t, b, w] = w   where t >= sequence_length[b, w]         # copied through
    ordered[t, b, w, ...]    = t_stacked[t, b, sorted_beam_ids[t, b, w], ...]

The stacked array ``t`` is [T, B, W, s...] or [T, B * W, s...]; the result has its shape.
The reordering needs elements reshapable to [B, W, -1]: ``_check_static_batch_beam_maybe``
warns and skips it when static shapes say otherwise, ``_check_batch_beam`` asserts it when
the graph runs (InvalidArgumentError, TF 1.15's message).
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2
from tf1_lstm.contrib.seq2seq.beam_search_ops import gather_tree

__all__ = ["gather_tree_from_array"]

_dimension_value = _tf2.compat.dimension_value
_logger = _tf2.get_logger()


def gather_tree_from_array(t, parent_ids, sequence_length):
    """The stacked TensorArray ``t`` with each final beam's own rows, as in the docstring.

    ``t`` [T, B, W, s...] or [T, B * W, s...]; ``parent_ids`` [T, B, W] int32;
    ``sequence_length`` [B, W]. Returns a tensor of ``t``'s shape and dtype.
    """
    max_time = _dimension_value(parent_ids.shape[0]) or _v1.shape(parent_ids)[0]
    batch_size = _dimension_value(parent_ids.shape[1]) or _v1.shape(parent_ids)[1]
    beam_width = _dimension_value(parent_ids.shape[2]) or _v1.shape(parent_ids)[2]

    beam_ids = _v1.expand_dims(_v1.expand_dims(_v1.range(beam_width), 0), 0)
    beam_ids = _v1.tile(beam_ids, [max_time, batch_size, 1])                   # [T, B, W]
    max_sequence_lengths = _v1.cast(_v1.reduce_max(sequence_length, axis=1), _tf2.int32)
    sorted_beam_ids = gather_tree(step_ids=beam_ids, parent_ids=parent_ids,
                                  max_sequence_lengths=max_sequence_lengths,
                                  end_token=beam_width + 1)
    # Past a beam's own length its rows are copied through (the same beam).
    in_bound_steps = _v1.transpose(_v1.sequence_mask(sequence_length, maxlen=max_time),
                                   perm=[2, 0, 1])                             # [T, B, W]
    sorted_beam_ids = _v1.where(in_bound_steps, x=sorted_beam_ids, y=beam_ids)

    time_ind = _v1.tile(_v1.reshape(_v1.range(max_time), [-1, 1, 1]),
                        [1, batch_size, beam_width])
    batch_ind = _v1.tile(_v1.reshape(_v1.range(batch_size), [-1, 1, 1]),
                         [1, max_time, beam_width])
    batch_ind = _v1.transpose(batch_ind, perm=[1, 0, 2])
    indices = _v1.stack([time_ind, batch_ind, sorted_beam_ids], -1)           # [T, B, W, 3]

    final_shape = _v1.shape(t)
    gather_from = _v1.reshape(t, [max_time, batch_size, beam_width, -1])       # [T, B, W, S]
    ordered = _v1.gather_nd(gather_from, indices)
    return _v1.reshape(ordered, final_shape)


def _check_static_batch_beam_maybe(shape, batch_size, beam_width) -> bool:
    """False (with TF 1.15's warning) when a TensorArray element's static ``shape`` rules
    out [B, W, -1]; True otherwise.

    TF 1.15's condition, kept as it was: with B known, a static first dimension must be
    B * W, and then a static second dimension refuses too (it would have to be W with a
    first dimension B at the same time). So only [B * W, None, ...] elements (the attention
    wrapper's alignments) and elements of unknown first dimension are reordered; [B, W, ...]
    and [B * W, D] with D static are left as they are, with the warning (TF 1.15's quirk).
    """
    first, second = _dimension_value(shape[0]), None
    if shape.ndims >= 2:
        second = _dimension_value(shape[1])
    if (batch_size is not None and first is not None
            and (first != batch_size * beam_width
                 or (second is not None and (first != batch_size or second != beam_width)))):
        reshaped_shape = _tf2.TensorShape([batch_size, beam_width, None])
        _logger.warning(
            f"TensorArray reordering expects elements to be reshapable to {reshaped_shape} "
            f"which is incompatible with the current shape {shape}. Consider setting "
            "reorder_tensor_arrays to False to disable TensorArray reordering during the "
            "beam search.")
        return False
    return True


def _check_batch_beam(t, batch_size, beam_width):
    """An Assert op: the stacked array ``t`` [T, ...] has elements reshapable to [B, W, -1],
    i.e. shape[1] == B * W, or (rank > 2) shape[1:3] == [B, W]."""
    error_message = ("TensorArray reordering expects elements to be reshapable to "
                     "[batch_size, beam_size, -1] which is incompatible with the dynamic "
                     f"shape of {t.name} elements. Consider setting reorder_tensor_arrays to "
                     "False to disable TensorArray reordering during the beam search.")
    rank = t.shape.ndims
    shape = _v1.shape(t)
    if rank == 2:
        condition = _v1.equal(shape[1], batch_size * beam_width)
    else:
        condition = _v1.logical_or(
            _v1.equal(shape[1], batch_size * beam_width),
            _v1.logical_and(_v1.equal(shape[1], batch_size), _v1.equal(shape[2], beam_width)))
    return _v1.Assert(condition, [error_message])
