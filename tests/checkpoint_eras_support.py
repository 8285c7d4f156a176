"""What the old-era checkpoint tests share: TF 0.12's row sharding of LSTMCell's kernel."""

from __future__ import annotations

import numpy as np


def tf012_shards(array: np.ndarray, shards: int) -> list[np.ndarray]:
    """TF 0.12's _get_sharded_variable: floor(rows / n) rows each, the first rows % n one more."""
    unit, extra = divmod(array.shape[0], shards)
    return np.split(array, np.cumsum([unit + (k < extra) for k in range(shards)])[:-1])
