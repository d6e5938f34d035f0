"""The app in a real headless Chromium at projector size: every page, train, ask, look inside."""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import assert_no_exception, new_seed, set_number, wait_idle

pytestmark = pytest.mark.browser

PAGES = {
    "": "LSTM Explorer",
    "sequence_classification": "Sequence classification",
    "next_number": "Next number",
    "hello": "Hello",
    "inside": "Inside the cell",
    "shapes": "Shapes",
    "scratch": "RNN from scratch",
    "compare": "Compare",
    "long_memory": "Long-term memory",
    "sentiment": "Sentiment",
}


def test_train_live_stop_ask_and_look_inside(page, server_url):
    page.goto(f"{server_url}/sequence_classification")
    wait_idle(page)
    set_number(page, "Seed", new_seed())  # a run of its own, not shared with another test
    set_number(page, "Epochs", 5000)  # long enough to watch it grow and to press Stop
    page.get_by_role("button", name="▶ Train").click()
    main = page.get_by_test_id("stMainBlockContainer")
    stop = main.get_by_role("button", name=re.compile("■ Stop"))
    stop.wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"Epoch \d+ of 5000")).first.wait_for(timeout=60_000)
    curve = page.locator(".js-plotly-plot").filter(has_text="epoch").first
    curve.wait_for(state="visible")  # the live curve, while training runs
    assert stop.is_visible()
    stop.click()
    page.get_by_text(re.compile(r"Stopped at epoch \d+ of 5000")).wait_for(timeout=30_000)
    wait_idle(page)
    # the model trained so far is kept and answers
    page.get_by_text("Predictions on the training data").wait_for()
    assert_no_exception(page)

    box = page.get_by_label("Your input").first
    box.fill("0, 0, 0, 0, 0, 1")
    box.press("Enter")
    wait_idle(page)
    assert page.get_by_text(re.compile(r"class\s*1|→\s*1|Predicted.*1")).count() > 0

    box.fill("6, seven, 8")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("'seven' is not a number").wait_for()
    assert page.get_by_text("Predictions on the training data").is_visible()  # model kept
    assert_no_exception(page)

    page.get_by_role("button", name=re.compile("Look inside this model")).click()
    wait_idle(page)
    page.locator("h1").filter(has_text="Inside the cell").wait_for()
    # it opens at its top, not at the scroll of the button far down the page before
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop === 0", timeout=15000
    )
    assert_no_exception(page)
    slider = page.get_by_role("slider").first
    diagram = page.locator('[data-testid="stImage"] img').first  # the cell diagram (SVG)
    before = diagram.get_attribute("src")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")
    wait_idle(page)
    # the diagram shows the numbers of another step (its fragment may redraw a moment later)
    page.wait_for_function(
        """(before) => {
            const img = document.querySelector('[data-testid="stImage"] img');
            return !!img && img.getAttribute('src') !== before;
        }""",
        arg=before,
        timeout=30_000,
    )
    assert_no_exception(page)


def test_the_long_memory_sweep_fills_its_chart_and_the_sentiment_page_reads_a_sentence(
    page, server_url
):
    page.goto(f"{server_url}/long_memory")
    wait_idle(page)
    set_number(page, "Epochs", 5)
    set_number(page, "Seeds per run", 1)
    page.get_by_role("button", name="▶ Run the sweep").click()
    page.get_by_text("The sweep finished").wait_for(timeout=180_000)
    # accuracy by length, then the gradients of the trained models (computed after it)
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=120_000)
    wait_idle(page)
    assert_no_exception(page)
    page.goto(f"{server_url}/sentiment")
    wait_idle(page)
    set_number(page, "Epochs", 5)
    page.get_by_role("button", name="▶ Train SimpleRNN and LSTM").click()
    page.get_by_text("Accuracy on the held-out sentences").wait_for(timeout=180_000)
    wait_idle(page)
    box = page.get_by_label("Your sentence")
    box.fill("what a wonderful film")
    box.press("Enter")
    wait_idle(page)
    assert_no_exception(page)
    assert page.get_by_text(re.compile(r"says: (positive|negative)")).count() == 1


def test_a_shared_link_opens_the_same_settings_and_switches_to_korean(browser, server_url):
    from tests.browser.conftest import new_student

    teacher, page = new_student(browser)
    try:
        page.goto(f"{server_url}/hello")
        wait_idle(page)
        set_number(page, "Units", 5)
        wait_idle(page)
        assert "units=5" in page.url  # the address carries the setting
        link = page.url
    finally:
        teacher.close()
    student, page = new_student(browser)  # another browser: a new session
    try:
        page.goto(link)
        wait_idle(page)
        units = page.get_by_role("spinbutton", name="Units", exact=True)
        assert units.input_value() == "5"
        page.get_by_role("combobox", name="Language").click()
        page.get_by_role("option", name="한국어").click()
        wait_idle(page)
        page.get_by_role("button", name="▶ 학습").wait_for()
        assert page.get_by_role("spinbutton", name="유닛 수", exact=True).input_value() == "5"
        assert "lang=ko" in page.url
        assert_no_exception(page)
    finally:
        student.close()
