"""What the old-era checkpoint tests share: TF 0.12's row sharding of LSTMCell's kernel, and
checkpoints of tf.compat.v1 variables named as an old release named them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from tf1_lstm.compat import tf


def tf012_shards(array: np.ndarray, shards: int) -> list[np.ndarray]:
    """TF 0.12's _get_sharded_variable: floor(rows / n) rows each, the first rows % n one more."""
    unit, extra = divmod(array.shape[0], shards)
    return np.split(array, np.cumsum([unit + (k < extra) for k in range(shards)])[:-1])


def save_named_variables(arrays: Mapping[str, np.ndarray], prefix: Path) -> None:
    """``tf.train.Saver`` writes ``prefix`` (and its ``.meta``) holding one variable per entry,
    made as the old releases made theirs: ``get_variable(leaf)`` inside the variable scopes
    of the name's path (``RNN/MultiRNNCell/Cell0/LSTMBlockCell/W``: four scopes, then W)."""
    with tf.Graph().as_default(), tf.Session() as session:
        variables = []
        for name, array in arrays.items():
            *scopes, leaf = name.split("/")
            with ExitStack() as stack:
                for scope in scopes:
                    stack.enter_context(tf.variable_scope(scope))
                variables.append(tf.get_variable(leaf, initializer=tf.constant(array)))
            assert variables[-1].op.name == name, (variables[-1].op.name, name)
        session.run(tf.variables_initializer(variables))
        tf.train.Saver(variables).save(session, str(prefix))


def lstm_block_arrays(scope: str, names: Sequence[str], inputs: int, units: int,
                      rng: np.random.Generator) -> dict[str, np.ndarray]:
    """An LSTM block cell's variables under their old ``names`` (kernel, bias[, the three
    peepholes]): [I + H, 4H], [4H], then [H] each."""
    shapes = [(inputs + units, 4 * units), (4 * units,), (units,), (units,), (units,)]
    return {f"{scope}/{name}": rng.standard_normal(shape).astype(np.float32)
            for name, shape in zip(names, shapes, strict=False)}


def gru_block_arrays(scope: str, names: Sequence[str], inputs: int, units: int,
                     rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A GRU block cell's variables under their old ``names`` (gate kernel, gate bias,
    candidate kernel, candidate bias): [I + H, 2H], [2H], [I + H, H], [H]."""
    shapes = [(inputs + units, 2 * units), (2 * units,), (inputs + units, units), (units,)]
    return {f"{scope}/{name}": rng.standard_normal(shape).astype(np.float32)
            for name, shape in zip(names, shapes, strict=True)}
