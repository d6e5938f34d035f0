"""The live panel's timer stretches when many sessions of the server watch a job at once."""

from types import SimpleNamespace

import pytest

from app import pool as app_pool
from app import training_panel


@pytest.mark.parametrize(("watching", "seconds"), [(0, 0.3), (1, 0.3), (3, 0.3), (10, 1.0),
                                                   (60, 6.0)])  # fmt: skip
def test_few_watchers_redraw_fast_and_a_class_shares_ten_redraws_a_second(
    monkeypatch, watching, seconds
):
    stub = SimpleNamespace(live_owners=lambda: watching)
    monkeypatch.setattr(app_pool, "pool", lambda: stub)
    assert app_pool.refresh_seconds(training_panel.REFRESH_SECONDS) == pytest.approx(seconds)
    redraws = watching / app_pool.refresh_seconds(training_panel.REFRESH_SECONDS)
    assert redraws <= max(app_pool.REDRAWS_PER_SECOND, 3 / training_panel.REFRESH_SECONDS)


def test_sessions_replaying_a_fast_run_count_until_their_replay_ends(monkeypatch):
    monkeypatch.setattr(app_pool, "pool", lambda: SimpleNamespace(live_owners=lambda: 30))
    monkeypatch.setattr(app_pool, "_replays", {})
    for i in range(30):  # half the class trained, its curves replay
        app_pool.replaying(f"s{i}", 60.0)
    app_pool.replaying("gone", -1.0)  # a replay that has ended
    assert app_pool.watching() == 60
    frame = app_pool.refresh_seconds(training_panel.REPLAY_FRAME)
    assert frame == pytest.approx(6.0)  # 60 sessions share ten redraws a second
    assert frame > training_panel.REPLAY_SECONDS  # a replay is then its finished curve
