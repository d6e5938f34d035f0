"""How a browser test drives a page of the app: waits, number widgets, Train, the results.

Training runs as a job in the server's worker pool while the page's ``live_panel``
fragment reruns every 0.3 s; each rerun flashes Streamlit's status widget. So
``wait_idle`` ignores the status widget while a job's ■ Stop button is on the page, and a
test waits for what it expects to see (the finished status, a chart title) instead.
"""

from __future__ import annotations

import random
import re
import time

from playwright.sync_api import TimeoutError as PlaywrightTimeout

LIVE_JOB_JS = """() => [...document.querySelectorAll(
    '[data-testid="stMainBlockContainer"] button')].some(b => b.innerText.includes('■ Stop'))"""
BUSY_JS = """(live) => {
    const s = document.querySelector('[data-testid="stStatusWidget"]');
    const busy = !!s && s.offsetParent !== null && s.innerText.trim() !== "";
    return (busy && !live) || !!document.querySelector('[data-testid="stSkeleton"]');
}"""
FINISHED = re.compile(r"Trained \d+ epochs|Stopped at epoch|Stopped before training")
# A run that ended after its settings changed says so instead of how it ended.
OUT_OF_DATE = re.compile(r"Out of date — this model was trained with")


def wait_idle(page, timeout: float = 120) -> None:
    """Wait until Streamlit's script has finished (no status widget, no skeleton) a moment.

    While a job trains, the status widget shows the live fragment's ticks, not the page's
    script run: only skeletons count then, so this never waits for the job to end.
    """
    deadline, quiet_since = time.monotonic() + timeout, None
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout * 1000)
    while time.monotonic() < deadline:
        if page.evaluate(BUSY_JS, page.evaluate(LIVE_JOB_JS)):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.8:
            return
        time.sleep(0.1)
    raise AssertionError("the app kept running past the timeout")


def assert_no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()


def new_seed() -> int:
    """A seed of the test's own: identical experiments are shared across the server."""
    return random.SystemRandom().randrange(1, 2**31 - 1)


def set_number(page, label: str, value: int) -> None:
    """Type ``value`` into the sidebar spinbutton ``label`` (no job running: waits idle)."""
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_idle(page)
    assert box.input_value() == str(value)


def open_task(page, url: str, *, epochs: int, seed: int, units: int | None = None) -> None:
    """Open a task page and set its training settings (before Train)."""
    page.goto(url)
    wait_idle(page)
    set_number(page, "Epochs", epochs)
    set_number(page, "Seed", seed)
    if units is not None:
        set_number(page, "Units", units)


def press_train(page) -> None:
    """Press ▶ Train and wait until the page shows the job (queued, preparing or training)."""
    page.get_by_role("button", name="▶ Train").click()
    stop_button(page).wait_for(timeout=60_000)


def stop_button(page):
    return page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="■ Stop")


def shows_live_job(page, timeout: float = 10) -> bool:
    """True if the live panel (its Stop button) is on the page, waiting out a redraw."""
    try:
        stop_button(page).wait_for(state="visible", timeout=timeout * 1000)
    except PlaywrightTimeout:
        return False
    return True


def progress_text(page) -> str:
    return page.get_by_test_id("stProgress").first.inner_text()


def wait_finished(page, timeout: float = 150, ending: re.Pattern = FINISHED) -> str:
    """Wait for the sentence that says how the run ended (or ``ending``); return it."""
    status = page.get_by_text(ending).first
    status.wait_for(timeout=timeout * 1000)
    wait_idle(page)
    return status.inner_text()


def loss_title(page) -> str:
    """The loss panel's title of the Training chart, e.g. 'loss 0.0124'."""
    title = page.locator(".js-plotly-plot .annotation-text").filter(has_text=re.compile("^loss"))
    title.first.wait_for()
    return title.first.text_content()


def training_title(page) -> str:
    """The Training chart's own title, e.g. 'Training · epoch 1500 of 1500'."""
    title = page.locator(".js-plotly-plot .gtitle").filter(has_text=re.compile("^Training"))
    title.first.wait_for()
    return title.first.text_content()
