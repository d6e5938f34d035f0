"""Your runs: every run of a session kept (bounded), compared as curves, deleted, cleared."""

from __future__ import annotations

from app import run_history, state
from tests.app.conftest import figure_titled, open_page, texts, train

PAGE = "hello"


def test_every_run_is_kept_compared_and_can_be_deleted():
    at = open_page(PAGE)
    train(at, PAGE, units=4, epochs=5)
    train(at, PAGE, units=6, epochs=7)
    records = at.session_state[run_history.runs_key(PAGE)]
    assert [r.number for r in records] == [1, 2]
    assert "4 units" in records[0].settings and "6 units" in records[1].settings
    assert [len(r.history["loss"]) for r in records] == [5, 7]
    table = [d for d in at.dataframe if "outcome" in d.value.columns][0].value
    assert table["run"].tolist() == [1, 2] and table["epochs"].tolist() == [5, 7]
    run = at.session_state[f"run:{PAGE}"]
    assert table["final loss"].iloc[-1] == run.history["loss"][-1]
    curves = figure_titled(at, "Loss of your runs")  # both runs overlaid
    assert [t["name"] for t in curves["data"]] == ["Run 1 · LSTM", "Run 2 · LSTM"]
    at.multiselect(key=state.widget(PAGE, "runs_shown")).set_value([1]).run()
    at.button(key=f"b:{PAGE}:runs_delete").click().run()
    assert [r.number for r in at.session_state[run_history.runs_key(PAGE)]] == [2]
    assert at.session_state[f"run:{PAGE}"].model is run.model  # the model stays
    at.button(key=f"b:{PAGE}:runs_clear").click().run()
    assert not at.session_state[run_history.runs_key(PAGE)]
    assert not any("Your runs" in s for s in texts(at.subheader))


def test_the_oldest_run_is_dropped_past_the_limit_with_a_note(monkeypatch):
    monkeypatch.setattr(run_history, "MAX_RUNS", 2)
    at = open_page(PAGE)
    for epochs in (3, 4, 5):
        train(at, PAGE, epochs=epochs)
    records = at.session_state[run_history.runs_key(PAGE)]
    assert [r.number for r in records] == [2, 3]
    assert any("run 1 and older were dropped" in c for c in texts(at.caption))
