"""Memory of one replica as a class uses it: the figures behind deploy/k8s.yaml's resources.

Starts ``streamlit run`` as the image does (``LSTM_EXPLORER_WORKERS=2``), opens Home in a
headless Chromium (the workers start), then lets students train every task page's preset
and Compare's four cells, ``--students`` browser sessions at a time. Every 0.5 s it adds
up the server's and its workers' memory: RSS (what each process holds, shared libraries
counted in every one) and PSS (shared pages split between the processes sharing them,
closer to what the container's memory cgroup is charged). Prints each phase's peak, and
the page server's own RSS (it loads TensorFlow too, to build each session's model).

Usage: python deploy/measure_replica.py [--students 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.app_page import (  # noqa: E402
    LIVE_JOB_JS,
    wait_finished,
    wait_idle,
)
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port, _wait_healthy  # noqa: E402

PAGES = ("sequence_classification", "next_number", "hello")


def tree(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    kids = [int(p) for p in out.stdout.split()]
    return [pid] + [g for k in kids for g in tree(k)]


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of one process in MB (0 when it is gone)."""
    try:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").open())
    except OSError:
        return 0.0, 0.0
    return int(fields["Rss"].split()[0]) / 1024, int(fields["Pss"].split()[0]) / 1024


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.phase, self.peaks, self.done = pid, "start", {}, False

    def run(self) -> None:
        while not self.done:
            pids = tree(self.pid)
            rss, pss = (sum(values) for values in zip(*(memory_mb(p) for p in pids), strict=True))
            server = memory_mb(self.pid)[0]
            old = self.peaks.get(self.phase, (0, 0, 0, 0))
            self.peaks[self.phase] = (max(old[0], rss), max(old[1], pss), max(old[2], server),
                                      len(pids))  # fmt: skip
            time.sleep(0.5)


def start_training(browser, url: str, path: str, seed: int):
    """A student's browser opens ``path`` and presses Train; returns (context, page)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(300_000)
    if path == "compare":
        page.goto(f"{url}/compare?epochs=100&seed={seed}")
        wait_idle(page)
        page.get_by_role("button", name="▶ Train all four").click()
        time.sleep(3)  # the four jobs are submitted (a short run may be over by then)
    else:
        page.goto(f"{url}/{path}?epochs=100&seed={seed}")
        epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
        epochs.wait_for()
        while epochs.input_value() != "100":  # the link's value, once the page has drawn
            time.sleep(0.2)
        wait_idle(page)
        page.get_by_role("button", name="▶ Train").click()  # a short run may end at once
    return context, page


def wait_trained(page, path: str) -> None:
    if path == "compare":
        page.wait_for_function(f"() => !({LIVE_JOB_JS})()", timeout=600_000)
        wait_idle(page)
    else:
        wait_finished(page, timeout=600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "LSTM_EXPLORER_WORKERS": "2", "LSTM_EXPLORER_WORKER_MB": "1600"}
    cmd = [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.port", str(port),
           "--server.headless", "true", "--server.address", "127.0.0.1"]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT, text=True)  # fmt: skip
    url, sampler = f"http://127.0.0.1:{port}", Sampler(server.pid)
    try:
        _wait_healthy(url, server)
        sampler.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sampler.phase = "home (workers start)"
            context = browser.new_context()
            page = context.new_page()
            page.goto(url)
            wait_idle(page)
            time.sleep(20)  # the workers import TensorFlow and get ready
            context.close()
            for round_ in range(args.rounds):
                sampler.phase = f"round {round_ + 1}: task pages and Compare"
                for path in (*PAGES, "compare"):  # the students train at the same time
                    students = [start_training(browser, url, path, 1000 * round_ + s + 1)
                                for s in range(args.students)]  # fmt: skip
                    for context, page in students:
                        wait_trained(page, path)
                        context.close()
            browser.close()
        sampler.phase = "idle after"
        time.sleep(3)
    finally:
        sampler.done = True
        server.terminate()
        server.wait(20)
    print("peaks per phase: all processes' RSS and PSS, the page server's own RSS")
    for phase, (rss, pss, server, processes) in sampler.peaks.items():
        print(
            f"{phase:38s} RSS {rss:5.0f} MB, PSS {pss:5.0f} MB, server {server:4.0f} MB "
            f"({processes} processes)"
        )


if __name__ == "__main__":
    main()
