"""How fast the app feels: start, first page, a control change, a Train click.

- server start -> home painted in headless Chromium (the page's first chart drawn);
- first task page ready (TensorFlow imported on demand, script finished);
- a control change -> rerun finished, server time only (AppTest, no training;
  goal <= 100 ms), median of repeats;
- seed-000 Train click -> curve complete and predictions shown, first click (compiles)
  and second click (same settings), against plain ``model.fit`` of the same lesson
  measured in this run.

Usage: python bench/app_speed.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402
from tests.browser.test_browser import wait_idle  # noqa: E402


def rerun_seconds(repeats: int) -> list[float]:
    """Server time of a rerun after changing the units (no training), via AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app" / "views" / "sequence_classification.py"))
    at.run(timeout=120)
    units = next(w for w in at.number_input if "Units" in (w.label or ""))
    times = []
    for i in range(repeats):
        units.set_value(64 + (i % 2))
        tic = time.perf_counter()
        at.run(timeout=120)
        times.append(time.perf_counter() - tic)
        assert not at.exception
    return times


def keras_fit_seconds() -> float:
    """Plain model.fit of the seed-000 lesson (a fresh model, as the blog does it)."""
    from bench.train_speed import run_once

    run_once("sequence_classification", "keras")  # warm TensorFlow up first
    return run_once("sequence_classification", "keras")["seconds"]


def browser_timings() -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"),
           "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        tic = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)  # fmt: skip
        try:
            _wait_healthy(url, proc)
            page.goto(url)
            page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
            out["start -> home painted"] = time.perf_counter() - tic
            tic = time.perf_counter()
            page.goto(f"{url}/sequence_classification")
            wait_idle(page)
            out["first task page ready"] = time.perf_counter() - tic
            for name in ("seed-000 Train click -> curve complete (1st, at once)",
                         "seed-000 Train click -> curve complete (2nd)"):  # fmt: skip
                out[name] = train_click(page)
            page.goto(f"{url}/next_number")
            wait_idle(page)
            time.sleep(5)  # a student reads the page; the lesson's loop compiles meanwhile
            out["seed-001 Train click -> curve complete (1st, after 5 s)"] = train_click(page)
        finally:
            proc.terminate()
            browser.close()
    return out


def train_click(page) -> float:
    """Seconds from a click on Train until the curve is complete and predictions show."""
    tic = time.perf_counter()
    page.get_by_role("button", name=re.compile("Train")).click()
    stop = page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="■ Stop")
    stop.wait_for(state="visible")  # shown from the start of training ...
    stop.wait_for(state="hidden")  # ... to its end, when the final curve is drawn
    page.get_by_text("Predictions on the training data").wait_for()
    return time.perf_counter() - tic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    times = rerun_seconds(args.repeats)
    rerun = statistics.median(times)
    timings = browser_timings()
    fit = keras_fit_seconds()
    print("\n== LSTM Explorer: app speed ==")
    print(f"control change -> rerun finished (server, median of {len(times)}): "
          f"{rerun * 1000:.0f} ms (goal 100 ms: {rerun / 0.1:.2f}x of it)")  # fmt: skip
    for name, seconds in timings.items():
        print(f"{name:<56} {seconds:6.2f} s")
    for name, seconds in timings.items():
        if "seed-000" in name:
            print(f"{name:<56} vs plain model.fit {fit:.2f} s: {fit / seconds:.1f}x faster")


if __name__ == "__main__":
    main()
