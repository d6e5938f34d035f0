"""Training as server jobs, seen from real browsers: it outlives the page, runs are per student.

Every test uses seeds of its own, except where sharing an identical experiment is the point.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import (
    assert_no_exception,
    loss_title,
    new_seed,
    open_task,
    press_train,
    progress_text,
    stop_button,
    wait_finished,
    wait_idle,
)

pytestmark = pytest.mark.browser

TASK = "sequence_classification"


@pytest.fixture
def second_page(browser):
    """A second student: a browser context (session) of its own."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def test_training_outlives_setting_changes_and_navigation(page, server_url):
    # the maximum number of epochs, so that the job is still training when the test is back
    open_task(page, f"{server_url}/{TASK}", epochs=5000, seed=new_seed())
    press_train(page)

    units = page.get_by_role("spinbutton", name="Units", exact=True)
    old_units = int(units.input_value())
    units.fill(str(old_units // 2))
    units.press("Enter")
    # the page reran with the new units (the Keras code shows them) and still shows the job
    page.locator("code").filter(has_text=f"LSTM({old_units // 2}").first.wait_for(state="attached")
    assert stop_button(page).is_visible(), "changing a setting must not end the training"

    page.get_by_role("link", name="Home", exact=True).click()
    page.locator("h1").filter(has_text="LSTM Explorer").wait_for()
    page.get_by_role("link", name="Sequence classification", exact=True).click()
    page.locator("h1").filter(has_text="Sequence classification").wait_for()

    # back on the page, the job is still there: it trained on while the page was not shown
    page.get_by_test_id("stProgress").or_(page.get_by_text(re.compile("Trained"))).wait_for()
    assert stop_button(page).is_visible(), "the job finished too soon to test navigation"
    assert re.match(r"Queued|Preparing|Epoch \d+ of 5000", progress_text(page))

    assert wait_finished(page).startswith("Trained 5000 epochs in")
    assert "(epoch 5000/5000)" in loss_title(page)
    warning = page.get_by_test_id("stAlert").filter(has_text="Out of date")
    assert f"units {old_units} → {old_units // 2}" in warning.inner_text()
    assert page.get_by_text("Predictions on the training data").is_visible()
    assert_no_exception(page)


def test_two_students_each_see_their_own_run(page, second_page, server_url):
    students = ((page, 1200, None), (second_page, 1300, 64))
    for pg, epochs, units in students:
        open_task(pg, f"{server_url}/{TASK}", epochs=epochs, seed=new_seed(), units=units)
    for pg, _, _ in students:
        press_train(pg)
    for pg, epochs, _ in students:
        assert re.match(rf"Queued|Preparing|Epoch \d+ of {epochs}\b", progress_text(pg))

    titles = []
    for pg, epochs, _ in students:
        assert wait_finished(pg).startswith(f"Trained {epochs} epochs in")
        titles.append(loss_title(pg))
        assert f"(epoch {epochs}/{epochs})" in titles[-1]
        assert pg.get_by_text(re.compile(r"Trained \d+ epochs")).count() == 1
        assert pg.get_by_text("Out of date").count() == 0  # nobody else's settings
        assert_no_exception(pg)
    assert titles[0].split(" (")[0] != titles[1].split(" (")[0]  # two models, two losses


def test_identical_experiments_train_once_for_both(page, second_page, server_url):
    seed, students = new_seed(), (page, second_page)
    for pg in students:
        open_task(pg, f"{server_url}/{TASK}", epochs=1500, seed=seed)
    for pg in students:  # within a second of each other
        pg.get_by_role("button", name=re.compile("Train")).click()

    endings = [wait_finished(pg) for pg in students]
    titles = [loss_title(pg) for pg in students]
    assert endings[0].startswith("Trained 1500 epochs in")
    assert titles[0].endswith("(epoch 1500/1500)")
    assert titles[0] == titles[1]
    # one job, trained once: the same training time, to the tenth of a second
    assert endings[0] == endings[1]
    for pg in students:
        wait_idle(pg)
        assert_no_exception(pg)
