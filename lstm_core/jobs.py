"""Training runs as jobs in a bounded pool of worker processes (no Streamlit here).

A page submits an ``Experiment`` (dataset, its options, a ``ModelSpec``, a
``TrainConfig``) and gets a ``Job`` back at once; a worker trains it with
``training.train`` while the page keeps drawing. The job's history grows epoch by
epoch, a light copy of the weights is kept every k epochs (``training.snapshot_interval``),
and the final weights come back as numpy arrays, from which each session builds its
*own* model. Training is deterministic, so a job identical to one that is running or
recently finished is not trained twice: the new owner attaches to it.

Why processes and not threads: XLA keeps every compiled training loop for the life of
the process that compiled it (~14 MB per architecture, never given back, whatever
Python drops). Workers are therefore recycled once they have grown past
``recycle_mb``; the page server itself never compiles a training loop, and at most
``workers`` jobs train at once (the rest wait in a queue, first come first served).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core import datasets
from lstm_core.memory import trim_heap
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig
from lstm_core.workers import Worker

log = logging.getLogger(__name__)

KEEP_FINISHED_BYTES = 64 * 2**20  # finished jobs kept for identical submissions
KEEP_FINISHED_JOBS = 256
REUSABLE = ("completed", "early_stopping", "nan", "diverged")  # endings worth sharing
OWNER_CHECK_SECONDS = 2.0  # how often owners of live jobs are checked (session closed?)
OWNER_GRACE_SECONDS = 10.0  # an owner missing this long is gone (a reconnect is not)
MAX_START_FAILURES = 3  # a worker that dies this often before it is ready: give up
MAX_WARM_WAITING = 16  # compiles of changed settings waiting for an idle worker


def default_workers() -> int:
    """Jobs trained at once: ``LSTM_EXPLORER_WORKERS``, else one per core."""
    configured = os.environ.get("LSTM_EXPLORER_WORKERS", "")
    return max(1, int(configured)) if configured.isdigit() else max(1, os.cpu_count() or 1)


def default_recycle_mb() -> float:
    """A worker past this RSS (MB) is replaced after its job: ``LSTM_EXPLORER_WORKER_MB``."""
    configured = os.environ.get("LSTM_EXPLORER_WORKER_MB", "")
    return float(configured) if configured.isdigit() else 1200.0


@dataclass(frozen=True)
class Experiment:
    """Everything that decides a training run's outcome; equal experiments train equally."""

    dataset: str
    options: tuple[tuple[str, Any], ...]
    spec: ModelSpec
    config: TrainConfig

    @classmethod
    def of(cls, dataset: str, options: dict, spec: ModelSpec, config: TrainConfig) -> Experiment:
        return cls(dataset, tuple(sorted(options.items())), spec, config)

    def load(self) -> datasets.Dataset:
        return datasets.load(self.dataset, **dict(self.options))

    @property
    def architecture(self) -> tuple:
        """What the compiled loop depends on (seed, epochs, learning rate do not count).

        Dropout rates count only as "some or none", as ``training`` keys its loops: a
        worker that compiled a rate of 0.2 trains 0.5 without compiling. (The batch size
        counts here although tiny data shares one loop for all: knowing that would mean
        loading the dataset in the page server.)
        """
        spec = self.spec.replace(dropout=_some(self.spec.dropout),
                                 recurrent_dropout=_some(self.spec.recurrent_dropout))  # fmt: skip
        return (self.dataset, self.options, spec, self.config.batch_size)


def _some(rate: float) -> float:
    """A rate as the compiled loop sees it: some (any value above 0 stands for all) or none."""
    return 0.5 if rate > 0 else 0.0


@dataclass
class Job:
    """One training run: queued, running or done. Read it through ``JobPool.progress``."""

    id: int
    experiment: Experiment
    status: str = "queued"  # queued | running | done
    history: dict[str, list[float]] = field(default_factory=dict)
    stop_reason: str = (
        ""  # completed | early_stopping | stopped | nan | diverged | error | cancelled
    )
    message: str = ""
    weights: list[np.ndarray] | None = None
    snapshots: list[tuple[int, list[np.ndarray]]] = field(default_factory=list)
    held_out: dict[str, float] = field(default_factory=dict)  # scores on the held-out part
    owners: set[str] = field(default_factory=set)
    submitted: float = field(default_factory=time.monotonic)
    started: float | None = None
    finished: float | None = None
    seconds: float = 0.0  # training time, as the trainer measured it
    ending: tuple[str, str] | None = None  # (reason, message) asked for while running
    snapshot_every: int = 0  # set by the worker from the model's size
    first_report: tuple[float, int] | None = None  # (time, epochs done) at the first report

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("loss", []))

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def nbytes(self) -> int:
        arrays = [*(self.weights or [])] + [a for _, ws in self.snapshots for a in ws]
        return sum(a.nbytes for a in arrays)


@dataclass(frozen=True)
class Progress:
    """A consistent copy of a job's state for a page to draw."""

    status: str
    history: dict[str, list[float]]
    total: int  # epochs asked for
    queue_position: int  # 1-based while queued, else 0
    seconds_left: float | None
    stop_reason: str
    message: str
    stopping: bool  # Stop was pressed; the worker ends the job within one chunk
    held_out: dict[str, float] = field(default_factory=dict)  # when the data has that part

    @property
    def epochs_done(self) -> int:
        return len(self.history.get("loss", []))


def detached(job: Job) -> Job:
    """A finished copy of ``job`` at its latest snapshot: what one owner keeps on Stop.

    Used when a job that several sessions share is stopped by one of them: the others
    keep training, the one who pressed Stop keeps the model as of the last snapshot
    (history cut to the same epoch, so curve and weights agree).
    """
    epoch, weights = job.snapshots[-1] if job.snapshots else (0, None)
    history = {name: list(values[:epoch]) for name, values in job.history.items()}
    copy = Job(-job.id, job.experiment, status="done", history=history)
    copy.weights, copy.snapshots = weights, list(job.snapshots)
    copy.stop_reason = "stopped"
    copy.message = "Stopped by request."
    copy.finished = time.monotonic()
    return copy


class JobPool:
    """A process-wide pool of ``workers`` training processes with a FIFO queue.

    ``owner_alive(owner)`` (optional) tells whether an owner (a browser session) still
    exists; jobs whose owners are all gone are cancelled.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        recycle_mb: float | None = None,
        owner_alive: Callable[[str], bool] | None = None,
    ):
        self.size = workers or default_workers()
        self.recycle_mb = recycle_mb or default_recycle_mb()
        self.owner_alive = owner_alive
        self._ctx = mp.get_context("spawn")
        self._results = self._ctx.Queue()
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}  # queued and running, by id
        self._queue: deque[Job] = deque()
        self._live: dict[Experiment, Job] = {}  # queued and running, by experiment
        self._finished: OrderedDict[Experiment, Job] = OrderedDict()
        self._warm: deque[Experiment] = deque()
        self._presets: list[Experiment] = []  # every warm request, re-warmed after a recycle
        self._missing: dict[str, float] = {}  # owner -> first seen missing
        self._closed = False
        self.recycled = 0  # workers replaced so far (for benchmarks and tests)
        self._workers = [Worker(slot, self._ctx, self._results) for slot in range(self.size)]
        self._reader = threading.Thread(target=self._read_loop, name="job-pool", daemon=True)
        self._reader.start()

    # -- what a page calls ---------------------------------------------------------------

    def submit(self, experiment: Experiment, owner: str) -> Job:
        """Queue a training run (or attach to an identical one) and return its job."""
        with self._lock:
            job = self._live.get(experiment) or self._finished.get(experiment)
            if job is not None and job.ending is None:  # not one that is being stopped
                job.owners.add(owner)
                if job.done:
                    self._finished.move_to_end(experiment)
                return job
            job = Job(next(self._ids), experiment, owners={owner})
            self._jobs[job.id], self._live[experiment] = job, job
            self._queue.append(job)
            self._dispatch()
            return job

    def stop(self, job: Job, owner: str) -> Job:
        """Stop ``owner``'s interest in ``job``; returns the job the owner keeps.

        A job with no other owner stops within one chunk and keeps every epoch trained
        (a queued one is cancelled). A job that others share keeps training for them;
        the owner gets a finished copy at the latest snapshot.
        """
        with self._lock:
            if job.done:
                return job
            if job.owners - {owner}:
                job.owners.discard(owner)
                return detached(job)
            self._cancel(job, "stopped", "Stopped by request.")
            return job

    def release(self, owner: str) -> None:
        """An owner (a session) is gone: drop it from every live job, cancel orphans."""
        with self._lock:
            for job in list(self._jobs.values()):
                if owner in job.owners:
                    job.owners.discard(owner)
                    if not job.owners:
                        self._cancel(job, "cancelled", "Cancelled: the session ended.")

    def progress(self, job: Job) -> Progress:
        with self._lock:
            history = {name: list(values) for name, values in job.history.items()}
            position = self._queue.index(job) + 1 if job.status == "queued" else 0
            return Progress(job.status, history, job.experiment.config.epochs, position,
                            self._seconds_left(job), job.stop_reason, job.message,
                            job.ending is not None and not job.done,
                            dict(job.held_out))  # fmt: skip

    def warm(self, experiment: Experiment, keep: bool = True) -> None:
        """Compile ``experiment``'s loop in an idle worker, so a first click finds it ready.

        ``keep``: a lesson's defaults, warmed again in every new worker (after a recycle).
        A student's changed settings (``keep=False``) are warmed once, while they reach for
        Train; of many waiting, the oldest are dropped (their settings have moved on).
        """
        with self._lock:
            if keep and experiment not in self._presets:
                self._presets.append(experiment)
            self._queue_warm(experiment)
            while len(self._warm) > MAX_WARM_WAITING:
                self._warm.popleft()
            self._dispatch()

    def _queue_warm(self, experiment: Experiment) -> None:
        arch = experiment.architecture
        known = any(arch in w.archs or (w.warming and w.warming.architecture == arch)
                    for w in self._workers)  # fmt: skip
        if not known and experiment not in self._warm:
            self._warm.append(experiment)

    def wait(self, job: Job, timeout: float = 120.0) -> Job:
        """Block until ``job`` is done (for scripts and tests); TimeoutError otherwise."""
        deadline = time.monotonic() + timeout
        while not job.done:
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job.id} did not finish in {timeout:.0f} s")
            time.sleep(0.02)
        return job

    def counts(self) -> dict[str, int]:
        with self._lock:
            running = sum(1 for job in self._jobs.values() if job.status == "running")
            return {"queued": len(self._queue), "running": running, "workers": self.size}

    def worker_pids(self) -> list[int]:
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for job in list(self._jobs.values()):
                self._cancel(job, "cancelled", "Cancelled: the server is shutting down.")
            for worker in self._workers:
                worker.exit()
        for worker in self._workers:
            worker.join()

    # -- inside the pool -----------------------------------------------------------------

    def _seconds_left(self, job: Job) -> float | None:
        """Time left at the pace since the first report (which came after the compile)."""
        if job.status != "running" or job.first_report is None:
            return None
        since, done_then = job.first_report
        done = job.epochs_done - done_then
        if done < 1:
            return None
        pace = (time.monotonic() - since) / done  # seconds per epoch, compile excluded
        return pace * (job.experiment.config.epochs - job.epochs_done)

    def _cancel(self, job: Job, reason: str, message: str) -> None:
        if job.status == "queued":
            self._queue.remove(job)
            self._finish(job, reason, message, None, 0.0)
        elif job.status == "running":
            job.ending = (reason, message)
            worker = next(w for w in self._workers if w.job is job)
            worker.stop_value.value = job.id  # the trainer sees it before its next chunk

    def _finish(self, job, reason: str, message: str, weights, seconds: float) -> None:
        job.stop_reason, job.message, job.weights, job.seconds = reason, message, weights, seconds
        job.finished, job.status = time.monotonic(), "done"
        self._jobs.pop(job.id, None)
        if self._live.get(job.experiment) is job:
            del self._live[job.experiment]
        if reason in REUSABLE:
            self._finished[job.experiment] = job
            self._trim_finished()

    def _trim_finished(self) -> None:
        total, evicted = sum(job.nbytes for job in self._finished.values()), False
        while self._finished and (
            total > KEEP_FINISHED_BYTES or len(self._finished) > KEEP_FINISHED_JOBS
        ):
            _, oldest = self._finished.popitem(last=False)
            total -= oldest.nbytes
            evicted = True
        if evicted:
            trim_heap()  # its arrays were small enough to sit in the heap

    def _dispatch(self) -> None:
        """Give queued jobs (then warm-ups) to idle workers; prefer one that compiled it."""
        idle = [w for w in self._workers if w.ready and w.job is None and not w.warming]
        held: list[Job] = []  # their loop is compiling in a busy worker: wait for that one
        while idle and self._queue:
            job = self._queue.popleft()
            arch = job.experiment.architecture
            worker = next((w for w in idle if arch in w.archs), None)
            if worker is None and any(w.warming and w.warming.architecture == arch
                                      for w in self._workers):  # fmt: skip
                held.append(job)  # rather than compile the same loop twice at once
                continue
            worker = worker or idle[0]
            idle.remove(worker)
            job.status, job.started = "running", time.monotonic()
            job.history = {"loss": []}
            worker.start_job(job)
        self._queue.extendleft(reversed(held))
        while idle and self._warm:
            experiment = self._warm.popleft()
            idle.pop().start_warm(experiment)

    def _read_loop(self) -> None:
        last_check = time.monotonic()
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
                        self._handle(message)
                    self._check_workers()
                    if self.owner_alive is not None and time.monotonic() - last_check > (
                        OWNER_CHECK_SECONDS
                    ):
                        last_check = time.monotonic()
                        self._check_owners()
                    self._dispatch()
                except Exception:  # noqa: BLE001 - one bad message must not stop every job
                    log.exception("job pool: handling %r failed", message and message[:2])

    def _handle(self, message: tuple) -> None:
        kind, slot, *body = message
        worker = self._workers[slot]
        if kind == "ready":
            worker.ready, worker.rss_mb = True, body[0]
            for experiment in self._presets:  # a new worker: lessons the others lost
                self._queue_warm(experiment)
        elif kind == "epochs" and worker.job is not None:
            if worker.job.first_report is None:
                worker.job.first_report = (time.monotonic(), worker.job.epochs_done)
            for logs in body[0]:
                for name, value in logs.items():
                    worker.job.history.setdefault(name, []).append(value)
        elif kind == "started" and worker.job is not None:
            worker.job.snapshot_every = body[0]
        elif kind == "snapshot" and worker.job is not None:
            worker.job.snapshots.append((body[0], body[1]))
        elif kind == "held_out" and worker.job is not None:
            worker.job.held_out = body[0]
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
