"""Runs survive a reload: kept in the run store under the browser's student token, given
back to the next session of the same student, and never lost when the store is down."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from app import run_history, saved_runs, student
from lstm_core import training
from tests.app.conftest import MAIN, TIMEOUT, open_page, texts, train

PAGE = "hello"


pytestmark = pytest.mark.usefixtures("fresh_store")


def reload_as(token: str, page: str = PAGE) -> AppTest:
    """A new session of the same browser (the cookie gives the token back)."""
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.session_state[student.TOKEN_KEY] = token
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("restart", [False, True])
def test_a_reload_gives_back_the_history_and_the_trained_model(restart, monkeypatch):
    at = open_page(PAGE)
    train(at, PAGE, units=4, epochs=5)
    train(at, PAGE, units=6, epochs=8)
    token = at.session_state[student.TOKEN_KEY]
    before = at.session_state[f"run:{PAGE}"]
    headline = [m.value for m in at.metric]
    if restart:  # a new server process: the database is opened afresh from its file
        student._opened["store"].close()
        monkeypatch.setattr(student, "_opened", {"store": None, "problem": "", "tried": -1e9})

    again = reload_as(token)
    records = again.session_state[run_history.runs_key(PAGE)]
    assert [r.number for r in records] == [1, 2]
    assert [len(r.history["loss"]) for r in records] == [5, 8]
    assert records[1].history["loss"] == pytest.approx(before.history["loss"])
    run = again.session_state[f"run:{PAGE}"]
    assert run.spec == before.spec and run.config == before.config
    for mine, kept in zip(training.weights_of(before.model), training.weights_of(run.model),
                          strict=True):  # fmt: skip
        np.testing.assert_array_equal(mine, kept)
    assert [m.value for m in again.metric] == headline  # the same predictions, redrawn
    assert again.session_state[f"w:{PAGE}:units"] == 6  # its settings are the page's again
    assert any("before the reload is back" in s for s in texts(again.info))
    # the next run is number 3, after the two that came back
    train(again, PAGE, epochs=3)
    assert [r.number for r in again.session_state[run_history.runs_key(PAGE)]] == [1, 2, 3]


def test_deleted_runs_stay_deleted_and_other_students_see_none_of_them():
    at = open_page(PAGE)
    train(at, PAGE, epochs=4)
    train(at, PAGE, epochs=5)
    token = at.session_state[student.TOKEN_KEY]
    at.multiselect(key=f"w:{PAGE}:runs_shown").set_value([1]).run()
    at.button(key=f"b:{PAGE}:runs_delete").click().run()
    assert [r.number for r in reload_as(token).session_state[run_history.runs_key(PAGE)]] == [2]

    stranger = open_page(PAGE)  # no cookie: a new student
    assert stranger.session_state[student.TOKEN_KEY] != token
    assert not stranger.session_state[run_history.runs_key(PAGE)]
    assert f"run:{PAGE}" not in stranger.session_state

    at.button(key=f"b:{PAGE}:runs_clear").click().run()
    assert not reload_as(token).session_state[run_history.runs_key(PAGE)]


def test_with_the_store_down_training_works_and_the_student_is_told_once(monkeypatch):
    monkeypatch.setenv("LSTM_EXPLORER_DB", "mysql://nobody@nowhere/runs")
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.run()
    assert [toast.value for toast in at.toast] == [student.problem()]
    assert student.problem().endswith("your runs stay in this session only.")
    at.switch_page(f"views/{PAGE}.py").run()
    train(at, PAGE, epochs=4)
    assert not at.toast  # told once, not on every run
    assert at.session_state[f"run:{PAGE}"].model is not None
    assert [r.saved for r in at.session_state[run_history.runs_key(PAGE)]] == [None]
    assert student.TOKEN_KEY not in at.session_state


def test_a_run_kept_by_another_app_version_stays_in_the_table_only():
    at = open_page(PAGE)
    train(at, PAGE, epochs=4)
    token = at.session_state[student.TOKEN_KEY]
    db = student.store()
    saved = db.list_runs(token, PAGE)[0]
    broken = {**saved.settings, "meta": {**saved.settings["meta"], "version": 999}}
    db.save_run(token, PAGE, broken, saved.history, db.load_weights(token, saved.id))
    db.delete_run(token, saved.id)

    again = reload_as(token)
    assert len(again.session_state[run_history.runs_key(PAGE)]) == 1
    assert f"run:{PAGE}" not in again.session_state  # no model rather than a wrong one
    assert again.session_state[saved_runs.restored_key(PAGE)]
