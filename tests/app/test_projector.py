"""Projector mode: ?projector=1 opens it, settings become a row above Train, the toggle leaves."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from app import state
from tests.app.conftest import MAIN, TIMEOUT, train

PAGE = "next_number"


def projector_page() -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.query_params["projector"] = "1"  # a teacher's link
    at.run()
    at.switch_page(f"views/{PAGE}.py").run()
    assert not at.exception, at.exception
    return at


def sidebar_keys(at: AppTest) -> set[str]:
    return {getattr(w, "key", None) for w in at.sidebar} - {None}


def test_the_url_opens_projector_mode_with_the_settings_above_train():
    at = projector_page()
    assert at.session_state[state.PROJECTOR] is True
    assert at.toggle(key=state.PROJECTOR).value is True
    assert not sidebar_keys(at), "no sidebar: the settings are in the page"
    units = at.number_input(key=f"w:{PAGE}:units")
    assert units.value == 10  # the lesson's value, in the row above Train
    assert at.query_params["projector"] in ("1", ["1"])
    train(at, PAGE, units=6, epochs=5)  # the row's widgets drive the run
    assert at.session_state[f"run:{PAGE}"].spec.units == 6
    assert not at.exception


def test_turning_it_off_brings_the_sidebar_back_and_keeps_the_settings():
    at = projector_page()
    at.number_input(key=f"w:{PAGE}:units").set_value(7).run()
    at.toggle(key=state.PROJECTOR).set_value(False).run()
    assert not at.exception
    assert f"w:{PAGE}:units" in sidebar_keys(at)
    assert at.number_input(key=f"w:{PAGE}:units").value == 7
    assert "projector" not in at.query_params
