"""One real ``streamlit run app/main.py`` for a benchmark, and what it costs.

``Server.start`` runs the app headless on a free loopback port, with its own fresh run
store (a SQLite file in a temporary folder, named by ``LSTM_EXPLORER_DB``) so a bench
never writes into the user's store and every configuration starts from an empty one.
``Usage`` samples the CPU seconds and the peak RSS of the server and every process it
started (its training workers); ``settle`` waits until they are idle.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import _free_port, _wait_healthy  # noqa: E402


@dataclass
class Server:
    """One ``streamlit run app/main.py`` on a free loopback port, with its own run store."""

    proc: subprocess.Popen
    url: str
    log: Path
    db_url: str  # the SQLAlchemy URL of its store: ``lstm_core.store.Store(db_url)`` opens it
    folder: Path  # the temporary folder of its store, deleted by ``stop``

    @classmethod
    def start(cls, share: bool = True) -> Server:
        port = _free_port()
        folder = Path(tempfile.mkdtemp(prefix="classroom-store-"))
        db_url = f"sqlite:///{folder / 'runs.db'}"
        env = {**os.environ, "LSTM_EXPLORER_SHARE_RUNS": "on" if share else "off",
               "LSTM_EXPLORER_DB": db_url}  # fmt: skip
        log = Path(f"/tmp/classroom-server-{port}.log")
        cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app" / "main.py"),
               "--server.port", str(port), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("w"),
                                stderr=subprocess.STDOUT)  # fmt: skip
        server = cls(proc, f"http://127.0.0.1:{port}", log, db_url, folder)
        try:
            _wait_healthy(server.url, proc)
        except BaseException:
            server.stop()
            raise
        return server

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/_stcore/stream"

    def stop(self) -> None:
        """End the server and every process it started (training workers), by pid."""
        family = process_tree(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        time.sleep(0.5)
        for pid in family[1:]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # after "(comm)": state, ppid, …
    except (OSError, IndexError):
        return None


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (the server, its workers, their resource tracker)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and (fields := _stat_fields(int(name))) is not None:
            children.setdefault(int(fields[1]), []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def cpu_seconds(pid: int) -> float | None:
    fields = _stat_fields(pid)
    if fields is None:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Usage:
    """CPU seconds and peak RSS of a process tree, sampled twice a second in a thread."""

    def __init__(self, root: int, every: float = 0.5):
        self.root, self.every = root, every
        self.start_cpu: dict[int, float] = {}  # at the start; 0 for processes started later
        self.last_cpu: dict[int, float] = {}
        self.peak_mb = 0.0
        self._started = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total_mb = 0.0
        for pid in process_tree(self.root):
            used = cpu_seconds(pid)
            if used is not None:
                self.start_cpu.setdefault(pid, 0.0 if self._started else used)
                self.last_cpu[pid] = used
                total_mb += rss_mb(pid)
        self.peak_mb = max(self.peak_mb, total_mb)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> Usage:
        self._sample()  # the baseline: CPU already used by the processes alive now
        self._started = True
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def cpu(self) -> float:
        return sum(used - self.start_cpu.get(pid, 0.0) for pid, used in self.last_cpu.items())


def settle(root: int, idle_cores: float = 0.15, timeout: float = 120.0) -> float:
    """Wait until the server and its workers use less than ``idle_cores`` (a 2 s window)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = sum(cpu_seconds(p) or 0.0 for p in process_tree(root))
        time.sleep(2.0)
        after = sum(cpu_seconds(p) or 0.0 for p in process_tree(root))
        if (after - before) / 2.0 < idle_cores:
            break
    return time.monotonic() - start
