"""``tf.contrib.seq2seq.tile_batch`` on TF 2.21: repeat each batch entry for beam search.

TF 1.15's ``beam_search_decoder.py`` (``tile_batch`` and ``_tile_batch``). A beam search
decoder runs its cell on B * W rows, the W beams of entry b being rows b*W .. b*W + W - 1;
whatever the cell attends to (encoder outputs, memory lengths, the encoder's final state)
must be laid out the same way::

    t        [B, s0, s1, ...]    rows t[0], t[1], ..., t[B-1]
    tiled    [B * W, s0, ...]    rows t[0] x W, t[1] x W, ...   (W = multiplier)
    tiled[b * W + k] = t[b]      for k < W

i.e. ``reshape(tile(expand_dims(t, 1), [1, W, 1, ...]), [B * W, s0, ...])``, not
``tf.tile(t, [W, ...])`` (which repeats the whole batch: t[0], t[1], ..., t[0], ...).
Nested structures are tiled leaf by leaf. A leaf of unknown or zero rank raises
``ValueError("t must have statically known rank")`` (TF 1.15's message). The static batch
dimension is B * W when B is static, else unknown; the other dimensions are kept.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.bootstrap import tf2 as _tf2

__all__ = ["tile_batch"]

_nest = _tf2.nest


def _tile_batch(t, multiplier):
    """One tensor: [B, ...] -> [B * multiplier, ...], each row repeated in place."""
    t = _v1.convert_to_tensor(t, name="t")
    shape_t = _v1.shape(t)
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    static_batch = _tf2.compat.dimension_value(t.shape[0])
    tiled_static_batch = static_batch * multiplier if static_batch is not None else None
    tiled = _v1.tile(_v1.expand_dims(t, 1), tiling)                      # [B, W, s0, ...]
    tiled = _v1.reshape(tiled, _v1.concat(([shape_t[0] * multiplier], shape_t[1:]), 0))
    tiled.set_shape(_tf2.TensorShape([tiled_static_batch]).concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Tile the batch dimension of a (possibly nested structure of) tensor(s) ``t``.

    Each ``[batch_size, s0, s1, ...]`` tensor becomes ``[batch_size * multiplier, s0, ...]``
    with entries ``t[0], t[0], ..., t[1], t[1], ...`` (each repeated ``multiplier`` times,
    a Python int). Raises ``ValueError`` for a tensor of unknown or zero rank.
    """
    flat_t = _nest.flatten(t)
    with _v1.name_scope(name, "tile_batch", flat_t + [multiplier]):
        return _nest.map_structure(lambda t_: _tile_batch(t_, multiplier), t)
