"""The Dockerfile (Docker is not run here): it starts the app as `make run` does, its health
check really tells a healthy server from a sick one, it runs as a user who can write the XLA
cache it fills, and the filling script (``python -m app.prefill``) compiles for real."""

from __future__ import annotations

import fnmatch
import http.server
import json
import os
import shlex
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app import prefill, presets
from lstm_core import xla_cache
from tests.deploy.conftest import ROOT, dockerfile, make_run_command


def instruction(name: str) -> list[str]:
    return [args for found, args in dockerfile() if found == name]


def env() -> dict[str, str]:
    return dict(pair.split("=", 1) for args in instruction("ENV") for pair in shlex.split(args))


def test_the_image_starts_the_app_as_make_run_does_on_the_port_it_exposes():
    assert instruction("FROM") == ["python:3.11-slim"]
    cmd = json.loads(instruction("CMD")[-1])
    assert cmd == make_run_command()
    port = cmd[cmd.index("--server.port") + 1]
    assert instruction("EXPOSE") == [port]
    assert (ROOT / cmd[2]).is_file()  # app/main.py, relative to WORKDIR /app
    assert instruction("WORKDIR") == ["/app"]


def test_the_build_context_keeps_what_the_app_reads():
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = ["pyproject.toml", "README.md", "app", "lstm_core", "assets", ".streamlit"]
    for path in needed:
        assert not any(fnmatch.fnmatch(path, pattern) for pattern in ignored), path
    assert ".venv" in ignored and "tests" in ignored


class Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self):  # noqa: N802 - http.server's name
        ok = self.path == "/_stcore/health"
        self.send_response(self.status if ok else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def run_health_check(port: int) -> int:
    """The image's HEALTHCHECK command, pointed at ``port`` instead of the app's 8501."""
    (check,) = instruction("HEALTHCHECK")
    options, _, command = check.partition(" CMD ")
    assert "--start-period" in options  # TensorFlow-free start, but give it time
    assert "http://localhost:8501/_stcore/health" in command
    command = command.replace("localhost:8501", f"127.0.0.1:{port}")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `python`
    return subprocess.run(["sh", "-c", command], env={**os.environ, "PATH": path},
                          capture_output=True, timeout=30).returncode  # fmt: skip


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_the_health_check_asks_streamlits_health_endpoint(status, healthy):
    handler = type("Handler", (Health,), {"status": status})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert (run_health_check(server.server_address[1]) == 0) is healthy
    finally:
        server.shutdown()
        server.server_close()
    assert run_health_check(server.server_address[1]) != 0  # nobody answers


def test_a_non_root_user_fills_the_xla_cache_the_workers_read():
    values = env()
    cache = values[xla_cache.ENV]
    assert values["LSTM_EXPLORER_WORKERS"].isdigit()  # not the node's core count
    steps = dockerfile()
    user = next(i for i, (name, _) in enumerate(steps) if name == "USER")
    assert steps[user][1] not in ("root", "0")
    made = [
        args for name, args in steps[:user] if name == "RUN" and f"chown app:app {cache}" in args
    ]
    assert made and f"mkdir -p {cache}" in made[0]  # the user can write the cache
    fill = [i for i, (name, args) in enumerate(steps) if "python -m app.prefill" in args]
    assert fill and fill[0] > user  # filled as that user, so entries stay writable
    cmd = next(i for i, (name, _) in enumerate(steps) if name == "CMD")
    assert user < cmd


def test_prefill_chooses_every_preset_or_the_ones_named():
    every = [(page, p.key) for page, group in presets.PRESETS.items() for p in group]
    assert prefill.chosen([]) == every
    assert prefill.chosen(["hello"]) == [("hello", p.key) for p in presets.PRESETS["hello"]]
    assert prefill.chosen(["next_number:tanh"]) == [("next_number", "tanh")]
    with pytest.raises(SystemExit, match="unknown page or preset hello:nope"):
        prefill.chosen(["hello:nope"])


def test_prefill_says_so_when_the_cache_is_off(monkeypatch, capsys):
    monkeypatch.setenv(xla_cache.ENV, "off")
    assert prefill.main([]) == 1
    assert "off" in capsys.readouterr().err


def test_prefill_compiles_a_preset_into_the_cache_directory(tmp_path):
    cache = tmp_path / "xla"
    environment = {**os.environ, xla_cache.ENV: str(cache), "TF_XLA_FLAGS": "",
                   "TF_CPP_MIN_LOG_LEVEL": "3"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "app.prefill", "hello:tiny"], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "hello:tiny: loop ready" in done.stdout
    entries = [entry for entry in cache.iterdir() if entry.is_file()]
    assert entries, "no compiled program was written"
    assert f"{len(entries)} compiled programs" in done.stdout
