"""The class together, in real browsers: a student's runs survive a reload (the cookie
brings the same student back) and nobody else sees them; a student joins the teacher's
class by its room code and follows the teacher by the banner."""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import (
    assert_no_exception,
    new_seed,
    open_task,
    press_train,
    wait_finished,
    wait_idle,
)
from tests.browser.conftest import ROOT, new_student

pytestmark = pytest.mark.browser

SHOTS = ROOT / "build" / "screenshots" / "normal"


def test_a_reload_gives_the_student_their_runs_back_and_no_one_else(page, browser, server_url):
    open_task(page, f"{server_url}/hello", epochs=20, seed=new_seed())
    press_train(page)
    wait_finished(page)
    headline = page.get_by_test_id("stMetricValue").first.inner_text()
    page.reload()
    wait_idle(page)
    page.get_by_text("Your run from before the reload is back").wait_for()
    assert page.get_by_test_id("stMetricValue").first.inner_text() == headline
    assert page.get_by_role("heading", name="Your runs").is_visible()
    assert_no_exception(page)

    context, other = new_student(browser)  # another laptop: no cookie, no runs
    try:
        other.goto(f"{server_url}/hello")
        wait_idle(other)
        assert other.get_by_role("heading", name="Your runs").count() == 0
        assert other.get_by_text("before the reload is back").count() == 0
    finally:
        context.close()


def test_a_class_from_the_teachers_projector_to_a_students_laptop(page, browser, server_url):
    page.goto(f"{server_url}/hello")  # the teacher
    wait_idle(page)
    page.get_by_test_id("stSidebar").get_by_text("Class", exact=True).click()  # its panel
    page.get_by_role("button", name="Start a class from this page").click()
    wait_idle(page)
    code = page.get_by_test_id("stSidebar").locator("h2").first.inner_text().strip()
    assert page.locator("[data-testid='stSidebar'] img").first.is_visible()  # the QR code
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "class-teacher.png"))

    context, pupil = new_student(browser)
    try:
        pupil.goto(server_url)
        wait_idle(pupil)
        pupil.get_by_label("Room code from the projector").fill(code.lower())
        pupil.get_by_role("button", name="Join", exact=True).click()
        wait_idle(pupil)
        assert "Hello" in pupil.locator("h1").first.inner_text()

        page.goto(f"{server_url}/next_number")
        wait_idle(page)
        page.get_by_role("button", name="Move the class here").click()
        wait_idle(page)
        pupil.get_by_text("The class moved to step 1: Next number").wait_for(timeout=40_000)
        pupil.screenshot(path=str(SHOTS / "class-banner.png"))
        pupil.get_by_role("button", name="Go", exact=True).click()
        pupil.get_by_role("heading", name="Next number").wait_for()
        assert_no_exception(pupil)

        page.goto(f"{server_url}/board?projector=1")  # the board waits on the projector
        page.get_by_text(re.compile(r"The class's runs · 0 runs")).wait_for()
        pupil.get_by_role("button", name="▶ Train").click()
        wait_finished(pupil)
        pupil.get_by_role("button", name="Submit this run to the class board").click()
        pupil.get_by_role("button", name="On the class board ✓").wait_for()
        page.get_by_text(re.compile(r"The class's runs · 1 run$")).wait_for(timeout=40_000)
        page.mouse.move(0, 0)
        page.screenshot(path=str(SHOTS.parent / "projector" / "class-board.png"))
        assert_no_exception(page)
    finally:
        context.close()
