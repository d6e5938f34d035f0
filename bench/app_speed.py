"""How fast the app feels: start, first page, a control change, a Train click.

- server start -> home painted in headless Chromium (the page's first chart drawn);
- first task page ready (TensorFlow imported on demand, script finished);
- a control change -> rerun finished, server time only (AppTest, no training;
  goal <= 100 ms), median of repeats;
- seed-000 Train click -> first live curve point on screen, and -> curve complete and
  predictions shown: first click (compiles), the same settings again (the finished job
  is shared), another seed (the compiled loop is reused), against plain ``model.fit``
  of the same lesson measured in this run;
- Compare cells: "Train all four" -> the finished table (four jobs, seed-000 task);
- 10 identical jobs submitted at once -> all done (wall time; they train once), against
  the same 10 trained one by one in this process.

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
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tests.browser.app_page import wait_idle  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402


def rerun_seconds(repeats: int) -> dict[str, list[float]]:
    """Server time of a script rerun after a control change (no training).

    Timed around Streamlit's own ``ScriptRunner._run_script`` inside AppTest, so the
    figure is the server's work for one rerun, not AppTest's parsing of the result.
    Measured on the seed-000 page before and after a model has been trained (after
    training the page also shows predictions, tables and the answer to the input box).
    """
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    from app import pool

    spans: list[float] = []
    original = script_runner.ScriptRunner._run_script

    def timed(self, rerun_data):
        tic = time.perf_counter()
        try:
            return original(self, rerun_data)
        finally:
            spans.append(time.perf_counter() - tic)

    script_runner.ScriptRunner._run_script = timed
    at = AppTest.from_file(str(ROOT / "app" / "views" / "sequence_classification.py"))
    at.run(timeout=120)
    out = {}
    for stage in ("untrained page", "trained page"):
        if stage == "trained page":
            next(b for b in at.button if "Train" in b.label).click().run(timeout=300)
            pool.pool().wait(at.session_state["run:sequence_classification"].job, timeout=300)
            at.run(timeout=120)  # the job is done: the page shows the trained model
        units = next(w for w in at.number_input if "Units" in (w.label or ""))
        spans.clear()
        for i in range(repeats):
            units.set_value(128 + (i % 2)).run(timeout=120)
            assert not at.exception
        out[stage] = list(spans)
    script_runner.ScriptRunner._run_script = original
    return out


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
            first_point, complete = train_click(page, live=True)
            out["seed-000 Train click -> first live curve point (1st)"] = first_point
            out["seed-000 Train click -> curve complete (1st, at once)"] = complete
            out["seed-000 Train click -> curve complete (same settings)"] = train_click(
                page, shared=True
            )[1]
            set_number(page, "Seed", 7)
            out["seed-000 Train click -> curve complete (new seed)"] = train_click(page)[1]
            out["Stop click -> 'Stopped at epoch k' shown"] = stop_latency(page)
            page.goto(f"{url}/next_number")
            wait_idle(page)
            time.sleep(5)  # a student reads the page; the lesson's loop compiles meanwhile
            out["seed-001 Train click -> curve complete (1st, after 5 s)"] = train_click(page)[1]
            page.goto(f"{url}/compare")
            wait_idle(page)
            time.sleep(5)  # the four default loops compile while the page is read
            tic = time.perf_counter()
            page.get_by_role("button", name=re.compile("Train all four")).click()
            page.get_by_text(re.compile("answer to")).first.wait_for(
                state="attached", timeout=120_000
            )
            out["compare cells: Train all four -> table (after 5 s)"] = time.perf_counter() - tic
        finally:
            proc.terminate()
            browser.close()
    return out


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_role("spinbutton", name=label, exact=True)
    box.fill(str(value))
    box.press("Enter")
    wait_idle(page)


def train_click(page, live: bool = False, shared: bool = False) -> tuple[float, float]:
    """Seconds from a click on Train until the live curve's first point (``live``) and
    until the curve is complete and predictions show. ``shared``: the same settings
    again, whose finished job is shared, so the page ends exactly as it was."""
    done = page.get_by_text(re.compile(r"Trained \d+ epochs in"))
    before = done.first.inner_text() if done.count() else ""
    tic = time.perf_counter()
    page.get_by_role("button", name="▶ Train").click()
    first_point = float("nan")
    if live:
        page.locator(".js-plotly-plot").filter(
            has_text=re.compile(r"epoch [1-9]\d* of")
        ).first.wait_for(timeout=120_000)
        first_point = time.perf_counter() - tic
    if shared:
        wait_idle(page)
        page.get_by_text("Predictions on the training data").wait_for()
        return first_point, time.perf_counter() - tic
    page.wait_for_function(  # the run's closing line, new for this click
        """(before) => [...document.querySelectorAll('[data-testid="stMain"] *')].some(
               (e) => e.children.length === 0 && /Trained \\d+ epochs in/.test(e.textContent)
                      && e.textContent !== before)""",
        arg=before,
        timeout=120_000,
    )
    page.get_by_text("Predictions on the training data").wait_for()
    return first_point, time.perf_counter() - tic


def stop_latency(page) -> float:
    """Seconds from a click on Stop (5000 epochs running) until the page says it stopped."""
    epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
    epochs.fill("5000")
    epochs.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="▶ Train").click()
    page.get_by_text(re.compile(r"Epoch \d+ of 5000")).first.wait_for()
    time.sleep(1.0)
    tic = time.perf_counter()
    page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="■ Stop").click()
    page.get_by_text(re.compile(r"Stopped at epoch \d+ of 5000")).wait_for()
    return time.perf_counter() - tic


def identical_jobs(n: int = 10) -> tuple[float, float]:
    """Wall time of n identical seed-000 jobs submitted at once (shared), and of the same
    n trainings one by one in this process (the compiled loop warm in both)."""
    from lstm_core import datasets, jobs, models, training
    from lstm_core.lessons import LESSONS

    lesson = LESSONS["sequence_classification"]
    ds = datasets.load(lesson.dataset)
    pool = jobs.JobPool()
    try:
        warm = jobs.Experiment.of(lesson.dataset, {}, lesson.spec, lesson.config)
        pool.wait(pool.submit(warm, "warm-up"), timeout=300)
        experiment = jobs.Experiment.of(
            lesson.dataset, {}, lesson.spec, replace(lesson.config, seed=123)
        )
        tic = time.perf_counter()
        submitted = [pool.submit(experiment, f"student-{i}") for i in range(n)]
        for job in submitted:
            pool.wait(job, timeout=300)
        shared = time.perf_counter() - tic
    finally:
        pool.close()
    training.train(models.build(lesson.spec, ds), ds, lesson.config)  # compile here too
    tic = time.perf_counter()
    for _ in range(n):
        model = models.build(lesson.spec, ds, seed=123)
        training.train(model, ds, replace(lesson.config, seed=123))
    return shared, time.perf_counter() - tic


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    reruns = rerun_seconds(args.repeats)
    timings = browser_timings()
    shared, one_by_one = identical_jobs()
    fit = keras_fit_seconds()
    print("\n== LSTM Explorer: app speed ==")
    for stage, times in reruns.items():
        rerun = statistics.median(times)
        print(f"control change -> rerun finished, {stage} (server, median of {len(times)}): "
              f"{rerun * 1000:.0f} ms = {rerun / 0.1:.2f}x the 100 ms goal")  # fmt: skip
    for name, seconds in timings.items():
        print(f"{name:<56} {seconds:6.2f} s")
    print(f"10 identical jobs at once -> all done: {shared:.2f} s; the same 10 one by one: "
          f"{one_by_one:.2f} s ({one_by_one / shared:.1f}x)")  # fmt: skip
    for name, seconds in timings.items():
        if "seed-000" in name and "complete" in name:
            print(f"{name:<56} vs plain model.fit {fit:.2f} s: {fit / seconds:.1f}x faster")


if __name__ == "__main__":
    main()
