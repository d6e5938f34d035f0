"""A real app server and a real headless Chromium for the browser tests.

The server is ``streamlit run app/main.py`` on a free port, polled on
``/_stcore/health``. The browser is Debian's Chromium driven by Playwright; when it is
missing these tests fail (they never skip), so CI cannot go green without them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited early:\n{_output(proc)}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not become healthy in time")


def start_logged(cmd: list[str], log: Path, **kwargs) -> subprocess.Popen:
    """Start ``cmd`` with its output in ``log``: a pipe nobody reads would block the
    server (and its workers, which share it) once some 64 KB of warnings filled it."""
    out = log.open("w")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, **kwargs)
    out.close()  # the child keeps its own copy
    proc.log = log
    return proc


def _output(proc: subprocess.Popen) -> str:
    log = getattr(proc, "log", None)
    return log.read_text()[-4000:] if log is not None and log.exists() else ""


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"),
        "--server.port", str(port), "--server.headless", "true",
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
        "--client.showErrorDetails", "full",  # a failing test shows the traceback
    ]  # fmt: skip
    proc = start_logged(cmd, tmp_path_factory.mktemp("server") / "streamlit.log", cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install chromium` "
            "(the browser tests must run, not skip)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def new_student(browser):
    """A browser context of its own (a session, as one student's laptop) and its page."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    return context, pg


@pytest.fixture
def page(browser):
    context, pg = new_student(browser)
    yield pg
    context.close()
