"""A task page compiles every preset's loop ahead, and what it compiles is exactly what
Train trains after a click on that preset (else the warm-up would be wasted work)."""

import pytest

from app import presets
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
        assert {presets.experiment(page, p) for p in presets.PRESETS[page]} <= kept
