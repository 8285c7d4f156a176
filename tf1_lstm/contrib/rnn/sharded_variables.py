"""TF1 contrib's sharded weight matrices (the cells' ``num_unit_shards`` argument).

Several ``tf.contrib.rnn`` cells (``TimeFreqLSTMCell``, ``GridLSTMCell``, ...) made their
weight matrix with ``_get_concat_variable``: ``num_shards`` variables that split the rows,
concatenated back into one tensor for the matmul. The variable names always carry the shard
index, even for one shard, which is why those cells' checkpoints hold ``W_0``, not ``W``::

    shape [R, C], num_shards N   ->   name_0 [R // N + 1, C] ... (the first R % N shards)
                                      name_k [R // N, C]     ... (the others)
    concat_variable(...) = concat([name_0, ..., name_{N-1}], axis=0)        # [R, C]

The variables come from ``get_variable`` in the current variable scope, so the cell's scope,
custom getter, initializer and partitioner apply as in TF1.
"""

from __future__ import annotations

from tf1_lstm.bootstrap import tf as _v1
from tf1_lstm.errors import Tf1LstmError

__all__ = ["concat_variable", "TooManyShardsError"]


class TooManyShardsError(Tf1LstmError, ValueError):
    """More shards were asked for than the weight matrix has rows."""


def _sharded_variables(name: str, shape: list[int], dtype, num_shards: int) -> list:
    rows = shape[0]
    if num_shards > rows:
        raise TooManyShardsError(
            f"Too many shards: {name} has shape {shape}, so at most {rows} shards, but "
            f"num_unit_shards={num_shards}. Use a smaller num_unit_shards.")
    unit_rows, extra_rows = divmod(rows, num_shards)
    return [_v1.get_variable(f"{name}_{index}",
                             [unit_rows + (index < extra_rows), *shape[1:]], dtype=dtype)
            for index in range(num_shards)]


def concat_variable(name: str, shape: list[int], dtype, num_shards: int):
    """The [R, C] weight ``name`` stored as ``num_shards`` row shards ``name_0``, ``name_1``...

    One shard is returned as the variable itself; several are concatenated once per graph
    and variable scope (TF1 cached the concat in ``GraphKeys.CONCATENATED_VARIABLES``).
    """
    shards = _sharded_variables(name, shape, dtype, num_shards)
    if len(shards) == 1:
        return shards[0]
    concat_name = f"{name}/concat"
    full_name = f"{_v1.get_variable_scope().name}/{concat_name}:0"
    for value in _v1.get_collection(_v1.GraphKeys.CONCATENATED_VARIABLES):
        if value.name == full_name:
            return value
    concatenated = _v1.concat(shards, 0, name=concat_name)
    _v1.add_to_collection(_v1.GraphKeys.CONCATENATED_VARIABLES, concatenated)
    return concatenated
