"""Two app replicas behind Debian's nginx on loopback, with deploy/nginx.conf's affinity.

Two ``streamlit run`` servers on free ports and a throwaway nginx whose configuration is
deploy/nginx.conf itself — only its two ``server`` lines and its ``listen`` are replaced by
loopback addresses, and a test-only ``X-Upstream`` header names the replica that answered.
A student (a browser context) opens the app, goes to another page, uploads a CSV, changes a
setting and downloads a file: every one of its requests, websockets included (nginx's
access log), reaches one replica. Browsers without the cookie are assigned independently,
and a second student can land on the other replica. When nginx is missing these tests
fail (they never skip), as the Chromium tests do.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

from tests.browser.app_page import assert_no_exception, set_number, wait_idle
from tests.browser.conftest import ROOT, _free_port, _wait_healthy, new_student, start_logged

pytestmark = pytest.mark.browser

NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
CONF = ROOT / "deploy" / "nginx.conf"
COOKIE = "lstm_route"
SERVER_LINE = re.compile(r"^\s*server\s+[\w.-]+:8501;\n", re.MULTILINE)
LISTEN_LINE = re.compile(r"^(\s*)listen\s+80;$", re.MULTILINE)
SET_COOKIE_LINE = re.compile(r"^(\s*)add_header Set-Cookie .*$", re.MULTILINE)
EXAMPLE_CSV = ROOT / "assets" / "data" / "monthly_values.csv"


def render(conf: str, upstreams: list[str], port: int, tmp: Path) -> str:
    """A whole nginx.conf around deploy/nginx.conf's text, for loopback and a temp prefix."""
    servers = "".join(f"    server {address};\n" for address in upstreams)
    assert len(SERVER_LINE.findall(conf)) == 2, "deploy/nginx.conf should name two replicas"
    body = SERVER_LINE.sub("", conf, count=1)
    body = SERVER_LINE.sub(servers, body, count=1)
    body, listens = LISTEN_LINE.subn(rf"\1listen 127.0.0.1:{port};", body)
    body, cookies = SET_COOKIE_LINE.subn(r"\g<0>\n\1add_header X-Upstream $upstream_addr always;",
                                         body)  # fmt: skip
    assert (listens, cookies) == (1, 1), "deploy/nginx.conf should listen on 80 and set a cookie"
    temp = "\n".join(f"    {kind}_temp_path {tmp}/{kind};" for kind in
                     ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    return f"""daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
{temp}
    log_format routes '$lstm_route $upstream_addr $status "$request"';
    access_log {tmp}/access.log routes;
{body}
}}
"""


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    """Two app servers (one training worker each, to spare the machine): their addresses."""
    env = {**os.environ, "LSTM_EXPLORER_WORKERS": "1"}
    started = []
    try:
        for _ in range(2):
            port = _free_port()
            cmd = [
                sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"),
                "--server.port", str(port), "--server.headless", "true",
                "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
                "--client.showErrorDetails", "full",
            ]  # fmt: skip
            log = tmp_path_factory.mktemp("replica") / "streamlit.log"
            proc = start_logged(cmd, log, cwd=ROOT, env=env)
            started.append((f"127.0.0.1:{port}", proc))
        for address, proc in started:
            _wait_healthy(f"http://{address}", proc)
        yield [address for address, _ in started]
    finally:
        for _, proc in started:
            _stop(proc)


@pytest.fixture(scope="module")
def balancer(replicas, tmp_path_factory):
    """nginx on a free loopback port in front of ``replicas``: (its URL, its access log)."""
    if not Path(NGINX).exists():
        pytest.fail(
            f"nginx is not installed at {NGINX}: run `apt-get install nginx` "
            "(the load-balancer tests must run, not skip)."
        )
    tmp = tmp_path_factory.mktemp("nginx")
    port = _free_port()
    (tmp / "nginx.conf").write_text(render(CONF.read_text(), replicas, port, tmp))
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stderr
    cmd = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
    proc = start_logged(cmd, tmp / "nginx.out")
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, timeout=30)
        yield url, tmp / "access.log"
    finally:
        _stop(proc)


def get(url: str, route: str | None = None) -> tuple[str, str]:
    """GET through nginx, optionally with a route cookie: (route it set, replica that answered)."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={route}"} if route else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie")  # Streamlit sets its XSRF cookie too
        upstream = response.headers["X-Upstream"]
    ours = [c for c in cookies if c.startswith(f"{COOKIE}=")]
    assert len(ours) == 1, cookies
    match = re.fullmatch(rf"{COOKIE}=([0-9a-f]{{32}}); Path=/; HttpOnly; SameSite=Lax", ours[0])
    assert match, ours[0]
    return match.group(1), upstream


def routes_in_log(log: Path) -> dict[str, list[tuple[str, str]]]:
    """Route -> [(replica, request line)] from nginx's access log."""
    found = defaultdict(list)
    for line in log.read_text().splitlines():
        route, upstream, _status, request = line.split(" ", 3)
        found[route].append((upstream, request))
    return found


def wait_for_websockets(log: Path, route: str, count: int, timeout: float = 20) -> list:
    """The route's log lines once ``count`` websockets have closed (nginx logs them then)."""
    deadline = time.monotonic() + timeout
    while True:
        lines = routes_in_log(log).get(route, [])
        if sum("/_stcore/stream" in request for _, request in lines) >= count:
            return lines
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} websockets of {route} not in the log: {lines}")
        time.sleep(0.3)


def test_browsers_without_the_cookie_spread_and_the_cookie_keeps_its_replica(balancer, replicas):
    url, _ = balancer
    first = [get(f"{url}/_stcore/health") for _ in range(30)]
    assert len({route for route, _ in first}) == 30  # a new route for every newcomer
    assert {upstream for _, upstream in first} == set(replicas)  # both replicas take some
    for route, upstream in first[:6]:
        for _ in range(4):
            assert get(f"{url}/_stcore/health", route) == (route, upstream)
    forged, _ = get(f"{url}/_stcore/health", 'x"; Path=/admin')
    assert forged not in {route for route, _ in first}  # a malformed cookie gets a new route


def open_student(browser, url: str, avoid: str | None = None):
    """A new browser context, routed by nginx on its first request (to a replica other than
    ``avoid`` if given: a newcomer lands on either, so a few tries find the other one)."""
    for _ in range(16):
        context, page = new_student(browser)
        health = context.request.get(f"{url}/_stcore/health")
        upstream = health.headers["x-upstream"]
        if upstream != avoid:
            break
        context.close()
    else:
        raise AssertionError(f"16 new browsers all landed on {avoid}")
    route = {c["name"]: c["value"] for c in context.cookies()}[COOKIE]
    answered = []
    page.on("response", lambda r: answered.append(r.headers.get("x-upstream")))
    return context, page, route, upstream, answered


def test_a_student_stays_on_one_replica_and_a_second_one_can_use_the_other(
    browser, balancer, replicas
):
    url, log = balancer
    context, page, route, upstream, answered = open_student(browser, url)
    try:
        page.goto(url)
        wait_idle(page)
        page.get_by_role("heading", name="LSTM Explorer").first.wait_for()
        page.get_by_role("link", name="Hello").first.click()  # on the same websocket
        page.get_by_role("heading", name="Hello").first.wait_for()
        wait_idle(page)
        # A page by its link (a new websocket), a CSV upload, a rerun, a download.
        page.goto(f"{url}/next_number?variant=own&source=upload")
        wait_idle(page)
        page.get_by_text("No file yet").first.wait_for()  # the shipped example, same name
        page.locator("input[type=file]").first.set_input_files(EXAMPLE_CSV)
        page.get_by_text("No file yet").first.wait_for(state="detached")  # read the upload
        page.get_by_text(re.compile(r"values from column .* of monthly_values\.csv")).wait_for()
        set_number(page, "Window size", 4)
        with page.expect_download() as download:
            page.get_by_role("button", name="Example CSV").click()
        assert Path(download.value.path()).read_bytes() == EXAMPLE_CSV.read_bytes()
        page.get_by_role("heading", name="Next number").first.wait_for()
        assert_no_exception(page)
    finally:
        context.close()
    assert set(answered) == {upstream}
    lines = wait_for_websockets(log, route, count=2)
    assert {replica for replica, _ in lines} == {upstream}, lines
    assert any("/_stcore/upload_file/" in request for _, request in lines)
    assert any("/media/" in request for _, request in lines)

    other = next(replica for replica in replicas if replica != upstream)
    context, page, second_route, second_upstream, answered = open_student(browser, url, upstream)
    try:
        page.goto(f"{url}/hello")
        wait_idle(page)
        page.get_by_role("heading", name="Hello").first.wait_for()
        assert_no_exception(page)
    finally:
        context.close()
    assert second_upstream == other
    assert set(answered) == {other}
    lines = wait_for_websockets(log, second_route, count=1)
    assert {replica for replica, _ in lines} == {other}, lines


def test_a_class_started_on_one_replica_is_joined_from_the_other(browser, balancer, replicas):
    """The replicas share one run store: a room code made on one is known on the other."""
    url, _ = balancer
    context, teacher, _, upstream, _ = open_student(browser, url)
    pupil_context = None
    try:
        teacher.goto(f"{url}/hello")
        wait_idle(teacher)
        teacher.get_by_test_id("stSidebar").get_by_text("Class", exact=True).click()
        teacher.get_by_role("button", name="Start a class from this page").click()
        wait_idle(teacher)
        code = teacher.get_by_test_id("stSidebar").locator("h2").first.inner_text().strip()
        pupil_context, pupil, _, other, answered = open_student(browser, url, upstream)
        pupil.goto(url)
        wait_idle(pupil)
        pupil.get_by_label("Room code from the projector").fill(code)
        pupil.get_by_role("button", name="Join", exact=True).click()
        pupil.get_by_role("heading", name="Hello").first.wait_for()
        assert_no_exception(pupil)
    finally:
        context.close()
        if pupil_context is not None:
            pupil_context.close()
    assert other != upstream and set(answered) == {other}
