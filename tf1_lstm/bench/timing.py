"""Timing one step function the same way in every world: warm up, then timed blocks.

The first steps of a TF graph run Grappler and allocate buffers; PyTorch and Keras warm up
their allocators and traced functions. So: run for ``warmup_seconds`` (at least 3 steps),
pick the step count per block from the last warm-up steps' pace, then time ``blocks``
blocks. The result is seconds per step for each block; the report takes the median and
shows the spread.

``time_blocks_alternating`` times one step under several settings (PyTorch's thread
counts): each is warmed up, then the blocks take turns (setting a, b, a, b, ...), so every
setting meets the same moments of a machine whose load changes. A setting whose warm-up pace
is more than ``HOPELESS`` times the fastest's gets one block: it cannot win, and on a busy
machine PyTorch's steps with every core's threads can take seconds each.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence

HOPELESS = 3.0  # time_blocks_alternating: this many times slower in warm-up, one block only


def _warm_up(step: Callable[[], object], warmup_seconds: float) -> float:
    """Run ``step`` for ``warmup_seconds`` (at least 3 times); the pace of its last steps."""
    started, durations = time.perf_counter(), []
    while len(durations) < 3 or time.perf_counter() - started < warmup_seconds:
        step_start = time.perf_counter()
        step()
        durations.append(time.perf_counter() - step_start)
    return min(durations[-3:])  # the first steps are slow (graph optimisation, allocation)


def _steps_per_block(pace: float, block_seconds: float) -> int:
    return max(1, round(block_seconds / pace))


def _block(step: Callable[[], object], steps: int) -> float:
    """Seconds per step of ``steps`` steps in a row."""
    block_start = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - block_start) / steps


def time_blocks(step: Callable[[], object], warmup_seconds: float, blocks: int,
                block_seconds: float) -> list[float]:
    """Seconds per step of each timed block, after warm-up."""
    per_block = _steps_per_block(_warm_up(step, warmup_seconds), block_seconds)
    return [_block(step, per_block) for _ in range(blocks)]


def time_blocks_alternating(step: Callable[[], object], settings: Sequence[Hashable],
                            apply: Callable[[Hashable], object], warmup_seconds: float,
                            blocks: int, block_seconds: float) -> dict:
    """{setting: seconds per step of each of its blocks}: ``apply(setting)`` before each
    setting's warm-up and before each of its blocks (then one untimed step), the blocks of
    the settings in turn; a hopeless setting (see the module docstring) has one block."""
    pace = {}
    for setting in settings:
        apply(setting)
        pace[setting] = _warm_up(step, warmup_seconds)
    fastest = min(pace.values())
    rounds = {setting: blocks if pace[setting] <= HOPELESS * fastest else 1
              for setting in settings}
    seconds: dict = {setting: [] for setting in settings}
    for block in range(blocks):
        for setting in (s for s in settings if block < rounds[s]):
            per_block = _steps_per_block(pace[setting], block_seconds)
            apply(setting)
            step()  # the first step after a change may start threads: not timed
            seconds[setting].append(_block(step, per_block))
    return seconds
