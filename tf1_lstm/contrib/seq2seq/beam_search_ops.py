"""``tf.contrib.seq2seq.gather_tree`` on TensorFlow 2.21: TF 1.15's GatherTree op, in graph ops.

TF 1.15 served ``gather_tree`` from a custom C++ kernel
(``contrib/seq2seq/kernels/beam_search_ops.cc``, loaded from ``_beam_search_ops.so``); TF 2.21
has no ``GatherTree`` op. This module rebuilds it from core ops, a ``tf.while_loop`` walking
back over time, with the kernel's results, checks and errors.

What it computes. A beam search writes, at every step t, the token each beam chose,
``step_ids`` [T, B, W], and the beam it continued, ``parent_ids`` [T, B, W]. The beams are
reordered at every step, so row w at step t is not row w at step t - 1; ``gather_tree``
follows the parent pointers back from the last step to read each final beam's own tokens.
For batch entry b with length L_b = min(T, max_sequence_lengths[b]) and beam w::

    beams[t, b, w] = end_token                                 for t >= L_b (every t if L_b <= 0)
    beams[L_b - 1, b, w] = step_ids[L_b - 1, b, w];  p = parent_ids[L_b - 1, b, w]
    for t = L_b - 2 down to 0:
        beams[t, b, w] = step_ids[t, b, p];          p = parent_ids[t, b, p]

then, along each beam, every value after the first ``end_token`` (t < L_b) becomes
``end_token`` (the kernel's repair of trajectories that go on after EOS).

The kernel's edge cases, kept (and tested in ``tests/test_contrib_seq2seq_gather_tree.py``):

- An invalid parent (``p < 0 or p > W``, checked before each use, i.e. for t = L_b - 2 .. 0)
  is an ``InvalidArgumentError`` when the graph runs: "Saw invalid parent id p at (batch,
  time, beam) == (b, t, w)", t being the step that would have used it. The kernel ran the
  (b, w) pairs on several threads and kept the first error set; we report the smallest
  (b, w) (row-major) with a bad parent, at its first bad step in the backward walk.
- ``p == W`` passes the check (the kernel's off-by-one: ``>`` for ``>=``). The kernel then
  read the element after row b's last beam in memory, i.e. [t, b + 1, 0], or [t + 1, 0, 0]
  for the last batch entry (always inside the buffer, since t <= T - 2). We read flat
  indices t*B*W + b*W + p as the kernel did, so the same (arbitrary) ids come out.
- TF 1.15's GPU kernel wrote -1 for beams with bad parents instead of failing; we follow
  the CPU kernel (its tests assert the error on CPU).

Types and shapes as the op: ``step_ids``, ``parent_ids``, ``end_token`` int32 (``T: {int32}``),
``max_sequence_lengths`` int32 [B]; the result ``beams`` has ``step_ids``' shape [T, B, W].
Ranks and static dimensions are checked when the graph is built (the op's shape function:
ValueError), the rest when it runs (the kernel's InvalidArgumentError messages).
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2

__all__ = ["gather_tree"]

_int32 = _tf2.int32
_where = _tf2.where   # where_v2: broadcasts [B, 1] conditions over [B, W]


def _int32_input(value, name: str):
    """An input of the op's type attr ``T: {int32}``, converted as the op's wrapper did."""
    tensor = _v1.convert_to_tensor(value, dtype_hint=_int32, name=name)
    if tensor.dtype != _int32:
        raise TypeError(f"Value passed to parameter '{name}' has DataType {tensor.dtype.name} "
                        "not in list of allowed values: int32")
    return tensor


def _check_static_shapes(step_ids, parent_ids, max_sequence_lengths, end_token):
    """The op's shape function: ranks 3, 3, 1, 0; merged [T, B, W]; B shared with lengths."""
    for tensor, rank in ((step_ids, 3), (parent_ids, 3), (max_sequence_lengths, 1),
                         (end_token, 0)):
        ndims = tensor.shape.ndims
        if ndims is not None and ndims != rank:
            raise ValueError(f"Shape must be rank {rank} but is rank {ndims} for "
                             f"'{tensor.op.name}' (gather_tree's input of shape {tensor.shape})")
    if not step_ids.shape.is_compatible_with(parent_ids.shape):
        raise ValueError(f"gather_tree: step_ids.shape must match parent_ids.shape, but shapes "
                         f"are {step_ids.shape} and {parent_ids.shape}")
    shape = step_ids.shape.merge_with(parent_ids.shape).with_rank(3)            # [T, B, W]
    batch = _tf2.TensorShape([shape[1]])
    if not batch.is_compatible_with(max_sequence_lengths.shape.with_rank(1)):
        raise ValueError(f"gather_tree: batch size dimensions step_ids.shape[1] and "
                         f"max_sequence_lengths.shape[0] must match, but shapes are {shape} "
                         f"and {max_sequence_lengths.shape}")
    batch = batch.merge_with(max_sequence_lengths.shape)
    return _tf2.TensorShape([shape[0]]).concatenate(batch).concatenate(shape[2:])


def _runtime_shape_checks(step_ids, parent_ids, max_sequence_lengths) -> list:
    """The kernel's checks of the shapes the static ones could not settle."""
    step_shape, parent_shape = _v1.shape(step_ids), _v1.shape(parent_ids)
    return [
        _v1.Assert(_v1.reduce_all(_v1.equal(step_shape, parent_shape)), [
            "step_ids.shape must match parent_ids.shape.  but shapes are: ",
            step_shape, " and ", parent_shape]),
        _v1.Assert(_v1.equal(step_shape[1], _v1.shape(max_sequence_lengths)[0]), [
            "batch size dimensions step_ids.shape[1] and max_seqeuence_lengths.shape[0] "
            "must match.  but shapes are: ", step_shape, " and ",
            _v1.shape(max_sequence_lengths)]),
    ]


def _invalid_parent_check(bad_step, bad_parent):
    """Assert that no beam met an invalid parent; else the kernel's message for the first.

    ``bad_step`` [B, W]: the step at which beam (b, w) met its first invalid parent, or -1;
    ``bad_parent`` [B, W]: that parent id.
    """
    beam_width = _v1.shape(bad_step)[1]
    bad = _v1.reshape(bad_step >= 0, [-1])                                     # [B * W]
    first = _v1.cast(_v1.argmax(_v1.cast(bad, _int32)), _int32)    # smallest b * W + w
    batch, beam = first // beam_width, first % beam_width
    message = _v1.strings.format(
        "Saw invalid parent id {} at (batch, time, beam) == ({}, {}, {})",
        (bad_parent[batch, beam], batch, bad_step[batch, beam], beam))
    return _v1.Assert(_v1.logical_not(_v1.reduce_any(bad)), [message])


def _walk_back(step_ids, parent_ids, lengths, end_token):
    """The backward walk of the module docstring -> (beams [T, B, W], bad_step, bad_parent).

    ``lengths`` [B] is L_b = min(T, max_sequence_lengths[b]). Every (b, w) walks at once:
    at step t the beams with t == L_b - 1 read their own row, those with t < L_b - 1 their
    parent's, and the others (t >= L_b) keep ``end_token``.
    """
    shape = _v1.shape(step_ids)
    max_time, batch_size, beam_width = shape[0], shape[1], shape[2]
    flat_step_ids = _v1.reshape(step_ids, [-1])                                # [T * B * W]
    flat_parent_ids = _v1.reshape(parent_ids, [-1])
    own_beam = _v1.tile(_v1.range(beam_width)[None, :], [batch_size, 1])       # [B, W]: w
    row_start = (_v1.range(batch_size) * beam_width)[:, None]                  # [B, 1]: b * W
    last_step = (lengths - 1)[:, None]                                         # [B, 1]
    end_tokens = _v1.fill([batch_size, beam_width], end_token)                 # [B, W]
    # One extra row at index T (never read) so that stack() never sees an empty array.
    beams_ta = _v1.TensorArray(_int32, size=max_time + 1).write(max_time, end_tokens)

    def body(t, parent, bad_step, bad_parent, beams_ta):
        is_last = _v1.equal(t, last_step)                                      # [B, 1]
        follows_parent = t < last_step                                         # [B, 1]
        invalid = follows_parent & ((parent < 0) | (parent > beam_width))      # [B, W]
        newly_bad = invalid & (bad_step < 0)
        bad_step = _where(newly_bad, _v1.fill(_v1.shape(parent), t), bad_step)
        bad_parent = _where(newly_bad, parent, bad_parent)
        # The beam to read at step t; an invalid parent reads its own row (the run fails).
        source = _where(follows_parent & ~invalid, parent, own_beam)           # [B, W]
        flat_index = t * batch_size * beam_width + row_start + source          # [B, W]
        in_beam = is_last | follows_parent                                     # t < L_b
        ids = _where(in_beam & ~invalid, _v1.gather(flat_step_ids, flat_index), end_tokens)
        parent = _where(in_beam, _v1.gather(flat_parent_ids, flat_index), parent)
        return t - 1, parent, bad_step, bad_parent, beams_ta.write(t, ids)

    minus_ones = -_v1.ones([batch_size, beam_width], _int32)
    _, _, bad_step, bad_parent, beams_ta = _v1.while_loop(
        lambda t, *_: t >= 0, body,
        (max_time - 1, own_beam, minus_ones, _v1.zeros_like(minus_ones), beams_ta))
    return beams_ta.stack()[:-1], bad_step, bad_parent                         # [T, B, W]


def _end_token_repair(beams, end_token):
    """After the first ``end_token`` along a beam, every value becomes ``end_token``."""
    is_end = _v1.cast(_v1.equal(beams, end_token), _int32)                     # [T, B, W]
    ended_before = _v1.cumsum(is_end, axis=0, exclusive=True) > 0
    return _where(ended_before, _v1.fill(_v1.shape(beams), end_token), beams)


def gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token, name=None):
    """Each final beam's tokens, read back through the parent pointers -> beams [T, B, W].

    ``step_ids`` [T, B, W] int32, ``parent_ids`` [T, B, W] int32, ``max_sequence_lengths``
    [B] int32, ``end_token`` a scalar int32. The walk, the fill with ``end_token`` and the
    invalid-parent error are in the module docstring.
    """
    with _v1.name_scope(name, "GatherTree",
                        [step_ids, parent_ids, max_sequence_lengths, end_token]):
        step_ids = _int32_input(step_ids, "step_ids")
        parent_ids = _int32_input(parent_ids, "parent_ids")
        max_sequence_lengths = _v1.convert_to_tensor(
            max_sequence_lengths, dtype=_int32, name="max_sequence_lengths")
        end_token = _int32_input(end_token, "end_token")
        static_shape = _check_static_shapes(step_ids, parent_ids, max_sequence_lengths,
                                            end_token)
        statically_known = all(t.shape.is_fully_defined()
                               for t in (step_ids, parent_ids, max_sequence_lengths))
        checks = ([] if statically_known
                  else _runtime_shape_checks(step_ids, parent_ids, max_sequence_lengths))
        with _v1.control_dependencies(checks):
            # The walk reads its inputs through these, so it runs after the checks.
            step_ids, parent_ids = _v1.identity(step_ids), _v1.identity(parent_ids)
        lengths = _v1.minimum(_v1.shape(step_ids)[0], max_sequence_lengths)      # L_b [B]
        beams, bad_step, bad_parent = _walk_back(step_ids, parent_ids, lengths, end_token)
        with _v1.control_dependencies([_invalid_parent_check(bad_step, bad_parent)]):
            beams = _v1.identity(_end_token_repair(beams, end_token), name="beams")
        beams.set_shape(static_shape)
        return beams
