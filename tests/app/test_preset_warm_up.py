"""The server compiles every preset's loop when it starts, and what it compiles is exactly
what Train trains after a click on that preset (else the warm-up would be wasted work)."""

import pytest

from app import pool, presets
from lstm_core.jobs import JobPool
from tests.app.test_links import open_link


@pytest.fixture
def warmed(monkeypatch):
    calls: list[tuple] = []
    original = JobPool.warm

    def record(self, experiment, keep=True):
        calls.append((experiment, keep))
        return original(self, experiment, keep)

    monkeypatch.setattr(JobPool, "warm", record)
    return calls


@pytest.mark.parametrize("page", list(presets.PRESETS))
def test_every_preset_is_warmed_as_it_trains(page, warmed):
    for preset in presets.PRESETS[page]:
        warmed.clear()
        open_link(page, preset=preset.key)
        current = [experiment for experiment, keep in warmed if not keep]  # the page's settings
        kept = {experiment for experiment, keep in warmed if keep}
        assert current, f"{page}: the page warmed no current settings"
        assert current[-1] == presets.experiment(page, preset), f"{page}: {preset.key}"
        assert kept <= set(presets.every_experiment())  # only the pool's start keeps any


def test_the_pool_warms_every_preset_when_it_starts_the_tutorials_first(monkeypatch):
    class Recorder:
        def __init__(self, owner_alive):
            self.warmed = []

        def warm(self, experiment, keep=True):
            self.warmed.append((experiment, keep))

    monkeypatch.setattr(pool, "JobPool", Recorder)
    warmed = pool.pool.__wrapped__().warmed  # a new server's pool, without the cache
    every = {presets.experiment(page, p) for page in presets.PRESETS for p in presets.PRESETS[page]}
    assert {experiment for experiment, _ in warmed} == every and len(warmed) == len(every)
    assert all(keep for _, keep in warmed)  # re-warmed in every new worker after a recycle
    tutorials = [presets.experiment(page, presets.of(page)[presets.TUTORIAL])
                 for page in presets.PRESETS]  # fmt: skip
    assert [experiment for experiment, _ in warmed[: len(tutorials)]] == tutorials
