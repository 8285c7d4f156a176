"""How the bench times a step (``tf1_lstm.bench.timing``), on a fake clock: nothing is timed.

A step advances the fake clock by what the current setting costs, so the seconds per step the
timing functions report are known exactly."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tf1_lstm.bench import timing


class FakeMachine:
    """A clock that only moves when a step runs, by the current setting's cost."""

    def __init__(self, cost: dict) -> None:
        self.now, self.cost, self.setting, self.log = 0.0, cost, None, []

    def clock(self) -> float:
        return self.now

    def apply(self, setting) -> None:
        self.setting = setting
        self.log.append(setting)

    def step(self) -> None:
        self.now += self.cost[self.setting]


@pytest.fixture
def machine(monkeypatch) -> FakeMachine:
    fake = FakeMachine({1: 0.010, 2: 0.020, 4: 0.050})
    monkeypatch.setattr(timing, "time", SimpleNamespace(perf_counter=fake.clock))
    return fake


def test_time_blocks_gives_seconds_per_step_of_each_block(machine):
    machine.apply(2)
    seconds = timing.time_blocks(machine.step, warmup_seconds=0.1, blocks=4, block_seconds=0.2)
    assert seconds == pytest.approx([0.020] * 4)


def test_alternating_settings_take_turns_and_a_hopeless_one_gets_one_block(machine):
    seconds = timing.time_blocks_alternating(machine.step, [1, 2, 4], machine.apply,
                                             warmup_seconds=0.1, blocks=3, block_seconds=0.2)
    assert seconds[1] == pytest.approx([0.010] * 3)
    assert seconds[2] == pytest.approx([0.020] * 3)     # 2x the fastest: timed in full
    assert seconds[4] == pytest.approx([0.050])         # 5x: it cannot win, one block
    # warm-up of each, then the blocks in turn: 1, 2, 4, then 1, 2 twice
    assert machine.log == [1, 2, 4, 1, 2, 4, 1, 2, 1, 2]
