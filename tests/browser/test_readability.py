"""Every page opens, readable from the back row, measured in the real browser at 1366×768.

What the screen shows, not what the figure JSON asks for: the font size and colour of
every text of every chart as Chromium rendered it, and where the outcome of Train lands
on the first screen, in normal and projector mode. Screenshots of every page before and
after Train go to ``build/screenshots/<mode>/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.app_page import (
    FINISHED,
    LIVE_JOB_JS,
    assert_no_exception,
    new_seed,
    set_number,
    settled_box,
    wait_finished,
    wait_idle,
)
from tests.browser.conftest import ROOT
from tests.browser.test_browser import PAGES

pytestmark = pytest.mark.browser

SHOTS = ROOT / "build" / "screenshots"
SCREEN_HEIGHT = 768
TASKS = ("sequence_classification", "next_number", "hello")
MODES = {"normal": "", "projector": "projector=1"}
# Pages whose charts appear only after their own button (and the settings it needs).
AFTER_BUTTON = {
    "inside": ("Train the tutorial model for Sequence classification", {}),
    "compare": ("▶ Train all four", {}),
    "sentiment": ("▶ Train SimpleRNN and LSTM", {"Epochs": 5}),
}

# Every text element of every Plotly chart: its kind, rendered size and colour.
CHART_TEXTS_JS = """() => {
  const kind = (el) => {
    if (el.closest('.g-xtitle, .g-ytitle, .g-x2title, .g-y2title')) return 'axis title';
    if (el.closest('.cbtitle')) return 'axis title';
    if (el.classList.contains('gtitle')) return 'chart title';
    if (el.closest('.legend')) return 'legend';
    if (el.closest('.xtick, .ytick, .cbaxis, [class*="tick"]')) return 'tick';
    if (el.closest('.annotation')) return 'annotation';
    if (el.closest('.heatmaplayer, .bartext, .textpoint')) return 'cell value';
    return 'other';
  };
  const out = [];
  for (const svg of document.querySelectorAll('.js-plotly-plot .main-svg')) {
    for (const el of svg.querySelectorAll('text')) {
      const text = el.textContent.trim();
      const box = el.getBoundingClientRect();
      if (!text || box.width === 0) continue;
      const style = getComputedStyle(el);
      out.push({kind: kind(el), text: text.slice(0, 40), size: parseFloat(style.fontSize),
                fill: style.fill});
    }
  }
  return out;
}"""

MIN_SIZE = {
    "tick": 16,
    "legend": 16,
    "annotation": 16,
    "axis title": 18,
    "chart title": 18,
    "cell value": 14,  # numbers written in heatmap cells, as many as the cells
}
# Drawn on their own cell or bar, in a colour the builder picks against it.
ON_THEIR_OWN_COLOUR = {"cell value"}


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(fill: str) -> float:
    """WCAG contrast ratio of a CSS ``rgb(...)`` colour on the app's white background."""
    values = [float(v) for v in re.findall(r"[\d.]+", fill)]
    return 1.05 / (_luminance(tuple(values)) + 0.05)


def unreadable(texts: list[dict]) -> list[str]:
    """The chart texts that are too small or too pale, as readable sentences."""
    bad = []
    for item in texts:
        need = MIN_SIZE.get(item["kind"], 16)
        if item["size"] < need:
            bad.append(f"{item['kind']} {item['text']!r} at {item['size']} px (< {need})")
        # a one-glyph marker (▼ over the chosen step) is a shape: WCAG's 3:1 for graphics
        need = 3 if len(item["text"]) == 1 and not item["text"].isalnum() else 7
        if item["kind"] not in ON_THEIR_OWN_COLOUR and contrast_on_white(item["fill"]) < need:
            bad.append(f"{item['kind']} {item['text']!r} in {item['fill']} (contrast < {need}:1)")
    return bad


def shot(page, mode: str, name: str) -> None:
    folder = SHOTS / mode
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def open_page(page, server_url: str, path: str, mode: str, **params) -> None:
    """Open the page (its own title, no exception) in ``mode`` with ``params`` in the link."""
    query = "&".join([MODES[mode], *(f"{k}={v}" for k, v in params.items())]).strip("&")
    page.goto(f"{server_url}/{path}" + (f"?{query}" if query else ""))
    wait_idle(page)
    assert PAGES[path].lower() in page.locator("h1").first.inner_text().lower()
    assert_no_exception(page)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", [path for path in PAGES if path not in AFTER_BUTTON])
def test_every_chart_is_readable_before_train(page, server_url, path, mode):
    open_page(page, server_url, path, mode)
    page.locator(".js-plotly-plot").first.wait_for()  # a picture, not only text
    shot(page, mode, f"{path or 'home'}-before")
    texts = page.evaluate(CHART_TEXTS_JS)
    assert texts, "the page shows no chart text to measure"
    assert unreadable(texts) == []
    assert_no_exception(page)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", TASKS)
def test_after_train_the_outcome_is_on_the_first_screen(page, server_url, path, mode):
    open_page(page, server_url, path, mode, seed=new_seed())
    page.get_by_role("button", name="▶ Train").click()
    wait_finished(page)
    page.mouse.move(0, 0)  # no tooltip left over the result
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, mode, f"{path}-after")

    status = page.get_by_text(FINISHED).first
    headline = page.get_by_test_id("stMetricValue").filter(
        has_text=re.compile(r"^\d+/\d+ (correct|within)")
    )
    # the drawn chart: a chart Plotly is still laying out after the run has no size yet
    curve = page.locator(".js-plotly-plot:visible").filter(
        has=page.locator(".gtitle", has_text=re.compile(r"^Training · epoch \d+ of \d+"))
    )
    curve.first.wait_for(timeout=30_000)
    for what, locator in (("status line", status), ("headline", headline)):
        box = settled_box(locator)
        assert box is not None and box["y"] + box["height"] <= SCREEN_HEIGHT, (what, box)
    curve_box = settled_box(curve)
    assert curve_box is not None and curve_box["y"] + curve_box["height"] / 2 <= SCREEN_HEIGHT, (
        "less than half of the loss curve is on the first screen",
        curve_box,
    )
    # the data and its code fold away once a model exists
    for details in page.locator("details").all():
        if re.search(r"data|code", details.locator("summary").inner_text(), re.I):
            assert details.get_attribute("open") is None
    assert unreadable(page.evaluate(CHART_TEXTS_JS)) == []
    assert_no_exception(page)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path", list(AFTER_BUTTON))
def test_every_chart_is_readable_after_the_pages_own_button(page, server_url, path, mode):
    button, numbers = AFTER_BUTTON[path]
    open_page(page, server_url, path, mode)
    for label, value in numbers.items():
        set_number(page, label, value)
    page.get_by_role("button", name=button, exact=True).click()
    # done: charts on the page and no job's Stop button (none of them has charts before)
    done = f"() => document.querySelector('.js-plotly-plot') !== null && !({LIVE_JOB_JS})()"
    page.wait_for_function(done, timeout=240_000, polling=500)
    wait_idle(page)
    page.mouse.move(0, 0)
    shot(page, mode, f"{path}-after")
    assert unreadable(page.evaluate(CHART_TEXTS_JS)) == []
    assert_no_exception(page)
