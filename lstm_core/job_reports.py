"""The job pool's reader thread: what the worker processes report, and who is still there.

``WorkerReports`` is the half of ``jobs.JobPool`` that runs in its own thread: it reads
the workers' messages (ready, progress with epochs and snapshots, held-out scores,
outputs, warmed, done; a large one through a file, ``workers.received``), replaces a
worker that died or grew past its limit, and cancels the jobs whose owners (browser
sessions) have been gone for ``OWNER_GRACE_SECONDS``. Every ``TIDY_SECONDS``, once no job
is waiting, it gives the OS back what ended sessions freed (``memory.give_back``). It
works on the pool's state under the pool's lock; the pool itself (``lstm_core.jobs``)
holds what a page calls.
"""

from __future__ import annotations

import logging
import queue
import time

from lstm_core import memory
from lstm_core.workers import Worker, received

log = logging.getLogger(__name__)

OWNER_CHECK_SECONDS = 2.0  # how often owners of live jobs are checked (session closed?)
OWNER_GRACE_SECONDS = 10.0  # an owner missing this long is gone (a reconnect is not)
MAX_START_FAILURES = 3  # a worker that dies this often before it is ready: give up
# How often the server gives back what ended sessions freed (``memory.give_back``): 100
# sessions, once dropped after Streamlit's reconnect window, left +219 MB without it and
# +77 MB with it (bench/memory.py --light-sessions 100; README "Memory over a term").
TIDY_SECONDS = 30.0
# A give-back holds the GIL for a full collection (~0.2-0.4 s with a class's sessions
# alive), so it waits until no job has been queued or running for QUIET_SECONDS: a class
# pressing Train is not kept waiting for it. A server that is never quiet still gives back
# every TIDY_SECONDS * BUSY_TIDY_FACTOR.
QUIET_SECONDS = 5.0
BUSY_TIDY_FACTOR = 10


class WorkerReports:
    """The reader-thread half of ``JobPool``: worker messages, dead workers, gone owners."""

    def _read_loop(self) -> None:
        last_check = last_tidy = time.monotonic()
        while not self._closed:
            try:
                message = self._results.get(timeout=0.25)
            except queue.Empty:
                message = None
            except (EOFError, OSError):
                return
            with self._lock:
                try:
                    if message is not None:
                        self._handle(received(message))
                    self._check_workers()
                    if self.owner_alive is not None and time.monotonic() - last_check > (
                        OWNER_CHECK_SECONDS
                    ):
                        last_check = time.monotonic()
                        self._check_owners()
                    self._dispatch()
                except Exception:  # noqa: BLE001 - one bad message must not stop every job
                    log.exception("job pool: handling %r failed", message and message[:2])
            now = time.monotonic()
            quiet = not self._live and now - self._last_live > QUIET_SECONDS
            if now - last_tidy > TIDY_SECONDS * (1 if quiet else BUSY_TIDY_FACTOR):
                last_tidy = now
                memory.give_back()

    def _handle(self, message: tuple) -> None:
        kind, slot, *body = message
        worker = self._workers[slot]
        if kind == "ready":
            worker.ready, worker.rss_mb = True, body[0]
            for experiment in self._presets:  # a new worker: lessons the others lost
                self._queue_warm(experiment)
        elif kind == "progress" and worker.job is not None:
            epochs, snapshots = body
            if worker.job.first_report is None and epochs:
                worker.job.first_report = (time.monotonic(), worker.job.epochs_done)
            for logs in epochs:
                for name, value in logs.items():
                    worker.job.history.setdefault(name, []).append(value)
            worker.job.snapshots.extend(snapshots)
        elif kind == "started" and worker.job is not None:
            worker.job.snapshot_every = body[0]
        elif kind == "held_out" and worker.job is not None:
            worker.job.held_out = body[0]
        elif kind == "outputs" and worker.job is not None:
            worker.job.outputs = body[0]
        elif kind == "warmed":
            worker.warming = None
            worker.archs.add(body[0])
            worker.rss_mb = body[1]
            self._maybe_recycle(worker)
        elif kind == "done" and worker.job is not None:
            reason, text, seconds, weights, worker.rss_mb = body
            job, worker.job = worker.job, None
            worker.archs.add(job.experiment.architecture)
            if reason == "stopped" and job.ending is not None:
                reason, text = job.ending
                weights = weights if reason == "stopped" else None
            self._finish(job, reason, text, weights, seconds)
            self._maybe_recycle(worker)

    def _maybe_recycle(self, worker: Worker) -> None:
        if worker.rss_mb > self.recycle_mb and not self._closed:
            log.info("worker %d at %.0f MB: replaced", worker.slot, worker.rss_mb)
            worker.restart()
            self.recycled += 1

    def _check_workers(self) -> None:
        """A worker that died (killed, out of memory) fails its job and is replaced."""
        for worker in self._workers:
            if self._closed or worker.process.is_alive() or worker.failures >= MAX_START_FAILURES:
                continue
            job = worker.job
            worker.job, worker.warming = None, None
            if job is not None:
                self._finish(job, "error", "The training process stopped unexpectedly; "
                             "press Train again.", None, 0.0)  # fmt: skip
            worker.failures = 0 if worker.ready else worker.failures + 1
            if worker.failures < MAX_START_FAILURES:
                worker.restart()
        if all(w.failures >= MAX_START_FAILURES for w in self._workers):
            for job in list(self._queue):
                self._cancel(job, "error", "The training workers cannot start on this server.")

    def _check_owners(self) -> None:
        now, owners = time.monotonic(), {o for job in self._jobs.values() for o in job.owners}
        for owner in owners:
            if self.owner_alive(owner):
                self._missing.pop(owner, None)
            else:
                self._missing.setdefault(owner, now)
        for job in list(self._jobs.values()):
            gone = {o for o in job.owners if now - self._missing.get(o, now) >= OWNER_GRACE_SECONDS}
            if gone:
                job.owners -= gone
                if not job.owners:
                    self._cancel(job, "cancelled", "Cancelled: the session ended.")
