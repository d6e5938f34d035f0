"""Memory of a classroom server over a term: does each new architecture cost memory for good?

XLA keeps every training loop it compiles for the life of the process (TensorFlow's
device compilation cache has no eviction), ~10-25 MB per architecture. Training used to
run inside the page server; now it runs in worker processes that are replaced past an
RSS limit. This prints RSS growth (after ``gc.collect()``) both ways, in the same run:

- ``inprocess`` (before): this process trains through ``training.train``;
- ``pool`` (now): this process plays the page server: it submits jobs to a ``JobPool``,
  builds each session's own model and loads the job's weights, as the app does; the
  workers' RSS is printed beside it, with how many workers were replaced.

For each: N trainings of one architecture, then K distinct architectures (units, cell,
layers, dropout, batch size varied as students do), total and over the last half.
``--sessions N`` also opens N browser sessions one after another on a real ``streamlit
run`` server (headless Chromium), each training its own architecture, then closing;
``--root DIR`` points that at another checkout (e.g. the previous commit, for "before").
Streamlit keeps a closed session for its reconnect window (``server.disconnectedSessionTTL``,
120 s) before dropping it, so the sessions are read again once that has passed, with the
app's caches by size (Streamlit's ``/_stcore/metrics``).

``--page-runs N`` runs N sessions of the page inside this process instead (AppTest): no
browser, two minutes for 100, repeatable to about a megabyte
(``--way pool --distinct 0 --repeat 0 --page-runs 100``: only that).

``--light-sessions N`` opens the N sessions on a real server with light clients that speak
Streamlit's websocket protocol (``bench/st_client.py``) instead of Chromium: ~1 s a
session instead of ~12, so all N are still inside the reconnect window at the end, and
the reading after it shows what their end gives back. ``--fixed-units U``: every session
trains U units on its own seed (runs of one size) instead of 8+i.

Usage: python bench/memory.py [--distinct 200] [--repeat 20] [--sessions 0] [--page-runs 0]
                              [--light-sessions 0] [--fixed-units 0] [--root .]
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CELLS = ("lstm", "gru", "simple_rnn")
BATCHES = (32, 4, 2)  # the lesson has 6 samples: larger batches are all one full batch


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MB (this one after a full garbage collection)."""
    if pid == "self":
        gc.collect()
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    """Every descendant process of ``pid`` (the training workers of a server)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    kids = [int(p) for p in out.stdout.split()]
    return kids + [g for k in kids for g in children(k)]


def student_choice(i: int, epochs: int):
    """The i-th distinct (spec, config): units always differ, the rest varies as in class."""
    from lstm_core import models, training

    spec = models.ModelSpec(
        cell=CELLS[i % 3],
        units=16 + i,
        layers=1 + (i // 3) % 2,
        dropout=(0.0, 0.2)[(i // 6) % 2],
    )
    return spec, training.TrainConfig(epochs=epochs, batch_size=BATCHES[(i // 2) % 3])


class Growth:
    """Start, middle and end readings of a run of n steps; prints total and late growth."""

    def __init__(self, label: str, n: int, read):
        self.label, self.n, self.read = label, n, read
        self.start = self.middle = read()

    def step(self, i: int) -> None:
        if i + 1 == self.n // 2:
            self.middle = self.read()

    def report(self, extra: str = "") -> None:
        end = self.read()
        total, late, late_n = end - self.start, end - self.middle, self.n - self.n // 2
        print(f"{self.label:<22} n={self.n:<4} RSS {self.start:6.0f} -> {end:6.0f} MB: "
              f"{total:+7.1f} MB total ({total / self.n:+.2f}/run), {late:+7.1f} MB over "
              f"the last {late_n}{extra}", flush=True)  # fmt: skip


def run_inprocess(runs: list, label: str) -> None:
    from lstm_core import datasets, models, training

    ds = datasets.load("sequence_classification")
    training.train(models.build(runs[0][0], ds), ds, runs[0][1])  # imports, first compile
    growth = Growth(label, len(runs), rss_mb)
    for i, (spec, config) in enumerate(runs):
        training.train(models.build(spec, ds, seed=0), ds, config)
        growth.step(i)
    growth.report()


def run_pool(runs: list, label: str) -> None:
    from lstm_core import datasets, jobs, models, training

    ds = datasets.load("sequence_classification")
    pool = jobs.JobPool()
    workers = lambda: sum(rss_mb(pid) for pid in pool.worker_pids())  # noqa: E731
    try:
        first = pool.wait(pool.submit(jobs.Experiment.of(ds.name, {}, *runs[0]), "warm"))
        training.set_weights(models.build(runs[0][0], ds), first.weights)
        server, work = Growth(label, len(runs), rss_mb), Growth("  its workers", len(runs), workers)
        pending = []
        for i, (spec, config) in enumerate(runs):
            experiment = jobs.Experiment.of(ds.name, {}, spec, replace(config, seed=i + 1))
            pending.append((spec, config, pool.submit(experiment, f"student-{i}")))
            if len(pending) >= pool.size or i == len(runs) - 1:  # a class: a few at a time
                for spec_j, config_j, job in pending:  # each session's own model
                    model = models.build(spec_j, ds, seed=config_j.seed)
                    training.set_weights(model, pool.wait(job, timeout=600).weights)
                pending.clear()
            server.step(i)
            work.step(i)
        server.report()
        work.report(f"; workers replaced: {pool.recycled}")
    finally:
        pool.close()


def sessions(n: int, root: Path) -> None:
    """N browser sessions, one after another, each training its own architecture."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.enableExpensiveMemoryStats", "true"]  # fmt: skip
    log = open(f"/tmp/memory-bench-{root.name}.log", "w")  # noqa: SIM115 - the server's life
    # the venv's editable install points at this checkout: the served one's packages first
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        _wait_healthy(url, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            one_session(browser, url, 0)  # warm-up: TensorFlow loaded, first compile
            server = Growth(f"sessions ({root.name})", n, lambda: rss_mb(proc.pid))
            work = Growth("  its workers", n, lambda: sum(map(rss_mb, children(proc.pid))))
            tic = time.perf_counter()
            for i in range(n):
                one_session(browser, url, i + 1)
                server.step(i)
                work.step(i)
            server.report(f"; {time.perf_counter() - tic:.0f} s")
            work.report()
            after_reconnect_window(browser, url, server)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(30)


def page_runs(n: int) -> None:
    """N sessions of the page in this process (Streamlit's AppTest, the app's own pool):
    each opens the seed-000 page with units 8+i, trains 20 epochs and is dropped. No
    browser, websocket or reconnect window: two minutes for 100, repeatable to ~1 MB, for trying
    a change to what a session leaves behind; the browser sessions confirm it."""
    import streamlit as st

    from tests.app.conftest import open_page, train

    def session(i: int) -> None:
        train(open_page("sequence_classification"), "sequence_classification", units=8 + i,
              epochs=20)  # fmt: skip

    for i in range(2):  # warm-up: TensorFlow, the pool, the first compiles
        session(1000 + i)
    start, marks = rss_mb(), []
    for i in range(n):
        session(i)
        if (i + 1) % 10 == 0:
            marks.append(f"{rss_mb() - start:+.0f}")
    print(f"page runs             n={n:<4} RSS growth every 10: {' '.join(marks)} MB", flush=True)
    st.cache_data.clear()
    st.cache_resource.clear()  # (the pool too: its finished jobs go with it)
    print(f"  after clearing Streamlit's caches: {rss_mb() - start:+.1f} MB", flush=True)


def light_sessions(n: int, fixed_units: int) -> None:
    """N light-client sessions one after another on a real server, each training its own
    run of the seed-000 page (units 8+i, or ``fixed_units`` on seed i+1), then closing;
    read again once Streamlit's reconnect window has passed."""
    import asyncio

    from streamlit import config

    from bench.st_client import SEED, TRAIN, Student
    from bench.st_server import Server
    from bench.st_server import rss_mb as server_mb

    async def session(url: str, i: int) -> None:
        student = Student(url, i, 0)
        try:
            await student.open()
            if fixed_units:
                await student.set_number("Units", fixed_units)
                await student.set_number(SEED, i + 1)
            else:
                await student.set_number("Units", 8 + i)
            await student.set_number("Epochs", 20)
            await student.press(TRAIN)
            outcome = await student.wait_result(300)
            if outcome.failure:
                raise RuntimeError(f"session {i}: {outcome.failure}")
        finally:
            await student.close()

    async def poke(student: Student) -> None:
        await student.open()
        await student.close()

    server = Server.start()
    try:
        asyncio.run(session(server.ws_url, -1))  # warm-up: TensorFlow, the first compile
        label = f"light sessions, {fixed_units or '8+i'} units"
        growth = Growth(label, n, lambda: server_mb(server.proc.pid))
        tic = time.perf_counter()
        for i in range(n):
            asyncio.run(session(server.ws_url, i))
            growth.step(i)
        growth.report(f"; {time.perf_counter() - tic:.0f} s")
        ttl = config.get_option("server.disconnectedSessionTTL")
        print(f"waiting {ttl} s for the closed sessions' reconnect window", flush=True)
        time.sleep(ttl + 5)
        asyncio.run(poke(Student(server.ws_url, -2, 0)))  # a disconnect drops the expired
        time.sleep(40)  # the pool gives back what they freed every TIDY_SECONDS (30 s)
        growth.report(" (reconnect window passed)")
    finally:
        server.stop()


def after_reconnect_window(browser, url: str, server: Growth) -> None:
    """The server once the closed sessions are dropped, and its largest caches."""
    from streamlit import config

    ttl = config.get_option("server.disconnectedSessionTTL")
    print(f"waiting {ttl} s for the closed sessions' reconnect window", flush=True)
    time.sleep(ttl + 5)
    context = browser.new_context()  # the next disconnect drops the expired sessions
    page = context.new_page()
    page.goto(f"{url}/sequence_classification")
    page.get_by_role("spinbutton", name="Units", exact=True).wait_for()
    context.close()
    time.sleep(40)  # the pool gives back what they freed every TIDY_SECONDS (30 s)
    server.report(" (reconnect window passed)")
    sizes: dict[str, float] = {}
    try:
        with urllib.request.urlopen(f"{url}/_stcore/metrics") as reply:
            lines = reply.read().decode().splitlines()
    except OSError as exc:  # Streamlit's sizer fails on some numpy objects (HTTP 500)
        print(f"  cache sizes unavailable: {exc}")
        lines = []
    for line in lines:
        found = re.match(r'cache_memory_bytes\{.*cache="([^"]+)"\} (\S+)', line)
        if found:
            sizes[found[1]] = sizes.get(found[1], 0.0) + float(found[2]) / 1e6
    for name, mb in sorted(sizes.items(), key=lambda item: -item[1])[:6]:
        print(f"  cache {name:<40} {mb:6.1f} MB")


def one_session(browser, url: str, i: int) -> None:
    """Open the seed-000 page, pick units 8+i (a new architecture), train 20 epochs, leave."""
    from tests.browser.app_page import set_number

    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(180_000)
    page.goto(f"{url}/sequence_classification")
    page.get_by_role("spinbutton", name="Units", exact=True).wait_for()
    wanted = {"Units": 8 + i, "Epochs": 20}
    for label, value in wanted.items():
        set_number(page, label, value)  # waits for the rerun, checks the value
    for label, value in wanted.items():  # a late rerun must not have undone one
        assert page.get_by_role("spinbutton", name=label, exact=True).input_value() == str(value)
    page.get_by_role("button", name=re.compile("Train")).click()
    try:
        page.get_by_text(re.compile(r"Trained 20 epochs in")).first.wait_for()
    except Exception:
        page.screenshot(path=f"/tmp/session-{i}.png", full_page=True)
        raise
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=200, help="distinct architectures")
    parser.add_argument("--repeat", type=int, default=20, help="trainings of one architecture")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--way", choices=("inprocess", "pool", "both"), default="both")
    parser.add_argument("--sessions", type=int, default=0, help="browser sessions (0: none)")
    parser.add_argument(
        "--page-runs", type=int, default=0, help="sessions of the page in this process (0: none)"
    )
    parser.add_argument("--light-sessions", type=int, default=0,
                        help="sessions of light websocket clients (0: none)")  # fmt: skip
    parser.add_argument("--fixed-units", type=int, default=0,
                        help="light sessions: units of each, own seeds (0: 8+i)")  # fmt: skip
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose app to serve")
    args = parser.parse_args()
    if args.way == "both":  # each way in a fresh process, so neither inherits the other's
        for way in ("inprocess", "pool"):
            extra = ["--distinct", str(args.distinct), "--repeat", str(args.repeat),
                     "--epochs", str(args.epochs), "--way", way]  # fmt: skip
            subprocess.run([sys.executable, __file__, *extra], check=True)
    else:
        from lstm_core import models, training

        same = (models.ModelSpec(), training.TrainConfig(epochs=args.epochs))
        measure = run_inprocess if args.way == "inprocess" else run_pool
        if args.repeat:
            measure([same] * args.repeat, f"{args.way}: same arch")
        if args.distinct:
            runs = [student_choice(i, args.epochs) for i in range(args.distinct)]
            measure(runs, f"{args.way}: distinct")
    if args.page_runs:
        page_runs(args.page_runs)
    if args.sessions:
        sessions(args.sessions, args.root.resolve())
    if args.light_sessions:
        light_sessions(args.light_sessions, args.fixed_units)


if __name__ == "__main__":
    main()
