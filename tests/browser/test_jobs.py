"""Training as server jobs, seen from real browsers: it outlives the page, runs are per student.

Every test uses seeds of its own, except where sharing an identical experiment is the point.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.app_page import (
    OUT_OF_DATE,
    assert_no_exception,
    loss_title,
    new_seed,
    open_task,
    press_train,
    progress_text,
    shows_live_job,
    training_title,
    wait_finished,
    wait_idle,
)
from tests.browser.conftest import new_student

pytestmark = pytest.mark.browser

TASK = "sequence_classification"


@pytest.fixture
def second_page(browser):
    """A second student: a browser context (session) of its own."""
    context, pg = new_student(browser)
    yield pg
    context.close()


@pytest.fixture(scope="module")
def navigated_run(browser, server_url):
    """Train 5000 epochs; meanwhile halve Units, open Home and come back. What the page showed."""
    context, page = new_student(browser)
    seed = new_seed()
    # the maximum number of epochs, so that the job is still training when the test is back
    open_task(page, f"{server_url}/{TASK}", epochs=5000, seed=seed)
    press_train(page)
    units = page.get_by_role("spinbutton", name="Units", exact=True)
    seen = {"old_units": int(units.input_value()), "seed": seed}
    units.fill(str(seen["old_units"] // 2))
    units.press("Enter")
    # the page reran with the new units (the Keras code shows them) and still shows the job
    page.locator("code").filter(has_text=f"LSTM({seen['old_units'] // 2}").wait_for(
        state="attached"
    )
    seen["live_after_change"] = shows_live_job(page)

    page.get_by_role("link", name="Home", exact=True).click()
    page.locator("h1").filter(has_text="LSTM Explorer").wait_for()
    page.get_by_role("link", name="Sequence classification", exact=True).click()
    page.locator("h1").filter(has_text="Sequence classification").wait_for()
    page.get_by_test_id("stProgress").or_(page.get_by_text(re.compile("Trained"))).wait_for()
    seen["live_after_return"] = shows_live_job(page)
    seen["progress_after_return"] = progress_text(page) if seen["live_after_return"] else ""
    seen["settings_after_return"] = {
        name: page.get_by_role("spinbutton", name=name, exact=True).input_value()
        for name in ("Units", "Epochs", "Seed")
    }

    seen["ending"] = wait_finished(page, ending=OUT_OF_DATE)
    seen["chart_title"] = training_title(page)
    warnings = page.get_by_test_id("stAlert").filter(has_text="Out of date")
    seen["warning"] = warnings.inner_text() if warnings.count() else ""
    try:  # drawn below the status a moment after it on a loaded machine
        page.get_by_text("Predictions on the training data").wait_for(timeout=30_000)
        seen["predictions"] = True
    except PlaywrightTimeout:
        seen["predictions"] = False
    seen["exceptions"] = page.get_by_test_id("stException").all_inner_texts()
    page.screenshot(path="/tmp/lstm_explorer_navigated_run.png", full_page=True)
    yield seen
    context.close()


def test_training_outlives_setting_changes_and_navigation(navigated_run):
    seen = navigated_run
    assert seen["live_after_change"], "changing a setting must not end the training"
    # back on the page the job is still there: it trained on while the page was not shown
    assert seen["live_after_return"], "the job finished too soon to test navigation"
    assert re.match(r"Queued|Preparing|Epoch \d+ of 5000", seen["progress_after_return"])
    assert seen["chart_title"].endswith("epoch 5000 of 5000")  # every epoch, not stopped
    assert seen["predictions"]
    assert seen["warning"].startswith("warning\n\nOut of date")  # settings differ from the run
    assert seen["exceptions"] == []


def test_setting_changed_during_training_is_named_out_of_date(navigated_run):
    seen = navigated_run
    halved = seen["old_units"] // 2
    assert seen["settings_after_return"] == {
        "Units": str(halved),
        "Epochs": "5000",
        "Seed": str(seen["seed"]),
    }
    assert f"Changed since: units {seen['old_units']} → {halved}. " in seen["warning"]


def test_two_students_each_see_their_own_run(page, second_page, server_url):
    students = ((page, 1200, None), (second_page, 1300, 64))
    for pg, epochs, units in students:
        open_task(pg, f"{server_url}/{TASK}", epochs=epochs, seed=new_seed(), units=units)
    for pg, epochs, _ in students:
        press_train(pg)
        assert re.match(rf"Queued|Preparing|Epoch \d+ of {epochs}\b", progress_text(pg))

    titles = []
    for pg, epochs, _ in students:
        assert wait_finished(pg).startswith(f"Trained {epochs} epochs in")
        titles.append(loss_title(pg))
        assert training_title(pg).endswith(f"epoch {epochs} of {epochs}")
        assert pg.get_by_text(re.compile(r"Trained \d+ epochs")).count() == 1
        assert pg.get_by_text("Out of date").count() == 0  # nobody else's settings
        assert_no_exception(pg)
    assert titles[0] != titles[1]  # two models, two losses


def test_identical_experiments_train_once_for_both(page, second_page, server_url):
    seed, students = new_seed(), (page, second_page)
    for pg in students:
        open_task(pg, f"{server_url}/{TASK}", epochs=1500, seed=seed)
    for pg in students:  # within a second of each other
        pg.get_by_role("button", name="▶ Train").click()

    endings = [wait_finished(pg) for pg in students]
    titles = [loss_title(pg) for pg in students]
    assert endings[0].startswith("Trained 1500 epochs in")
    assert training_title(page).endswith("epoch 1500 of 1500")
    assert titles[0] == titles[1]
    # one job, trained once: the same training time, to the tenth of a second
    assert endings[0] == endings[1]
    for pg in students:
        wait_idle(pg)
        assert_no_exception(pg)
