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

The pool's records (``Experiment``, ``Job``, ``Progress``) are in ``lstm_core.job_records``,
the thread that reads what the workers report in ``lstm_core.job_reports``, and the worker
processes themselves in ``lstm_core.workers``.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import shutil
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from lstm_core.job_records import Experiment as Experiment
from lstm_core.job_records import Job as Job
from lstm_core.job_records import Progress as Progress
from lstm_core.job_records import data_digest as data_digest
from lstm_core.job_records import detached as detached
from lstm_core.job_records import trains_in

# re-exported: the reader thread reads these in job_reports (patch them there)
from lstm_core.job_reports import MAX_START_FAILURES as MAX_START_FAILURES
from lstm_core.job_reports import OWNER_CHECK_SECONDS as OWNER_CHECK_SECONDS
from lstm_core.job_reports import OWNER_GRACE_SECONDS as OWNER_GRACE_SECONDS
from lstm_core.job_reports import WorkerReports
from lstm_core.memory import trim_heap
from lstm_core.workers import Worker, spool_dir

# Finished jobs kept for identical submissions (the latest), weights and snapshots: room
# for one lesson-default run (~14 MB) and a class's small ones. Part of the server's
# memory budget (README "Memory over a term": 50 MB of growth), with the figure cache.
KEEP_FINISHED_BYTES = 16 * 2**20
KEEP_FINISHED_JOBS = 256
REUSABLE = ("completed", "early_stopping", "nan", "diverged")  # endings worth sharing
MAX_WARM_WAITING = 16  # compiles of changed settings waiting for an idle worker
WARM_ROOM_MB = 250.0  # a worker this close to its RSS limit takes no more warm-ups
OFF = ("off", "0", "false", "no")  # values of an on/off environment switch that mean off


def default_workers() -> int:
    """Jobs trained at once: ``LSTM_EXPLORER_WORKERS``, else one per core."""
    configured = os.environ.get("LSTM_EXPLORER_WORKERS", "")
    return max(1, int(configured)) if configured.isdigit() else max(1, os.cpu_count() or 1)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """TensorFlow threads in each worker: the cores shared out, at least one.

    Two workers on two cores, each with TensorFlow's default of a thread per core, got in
    each other's way: 60 jobs of the seed-000 lesson took 17.5 s, 12.0 s with one thread
    each (one job alone: 0.27 s with two threads, 0.37 s with one).
    """
    cores = cores or os.cpu_count() or 1
    return max(1, cores // max(1, workers))


def share_runs() -> bool:
    """Attach identical submissions to one job, unless ``LSTM_EXPLORER_SHARE_RUNS=off``.

    Off trains every submission on its own (``bench/classroom.py`` measures what sharing
    saves); read at each submission.
    """
    return os.environ.get("LSTM_EXPLORER_SHARE_RUNS", "on").strip().lower() not in OFF


def default_recycle_mb() -> float:
    """A worker past this RSS (MB) is replaced after its job: ``LSTM_EXPLORER_WORKER_MB``.

    A worker is ~700 MB once TensorFlow is loaded, and each loop it compiles adds 20-50
    MB: 1600 holds every preset's loop (warmed at the server's start, WARM_ROOM_MB short
    of the bound) with room for ten or so new architectures before a replacement. At 1200
    the warm-ups stopped two or three presets short.
    """
    configured = os.environ.get("LSTM_EXPLORER_WORKER_MB", "")
    return float(configured) if configured.isdigit() else 1600.0


class JobPool(WorkerReports):
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
        self._last_live = -float("inf")  # when the last live job finished (monotonic)
        self._finished: OrderedDict[Experiment, Job] = OrderedDict()
        self._warm: deque[Experiment] = deque()
        self._presets: list[Experiment] = []  # every warm request, re-warmed after a recycle
        self._missing: dict[str, float] = {}  # owner -> first seen missing
        self._closed = False
        self.recycled = 0  # workers replaced so far (for benchmarks and tests)
        self._spool = spool_dir()  # large reports of the workers (weights) come as files
        threads = threads_per_worker(self.size)
        self._workers = [Worker(slot, self._ctx, self._results, self._spool, threads)
                         for slot in range(self.size)]  # fmt: skip
        self._reader = threading.Thread(target=self._read_loop, name="job-pool", daemon=True)
        self._reader.start()

    # -- what a page calls ---------------------------------------------------------------

    def submit(self, experiment: Experiment, owner: str, probes: tuple[str, ...] = ()) -> Job:
        """Queue a training run (or attach to an identical one) and return its job.

        ``probes``: typed inputs (a page's input box) whose outputs the worker computes
        with the trained model, beside the training data's (``Job.outputs``)."""
        with self._lock:
            job = self._live.get(experiment) or self._finished.get(experiment)
            if job is not None and job.ending is None and share_runs():  # not being stopped
                job.owners.add(owner)
                if job.done:
                    self._finished.move_to_end(experiment)
                return job
            job = Job(next(self._ids), experiment, owners={owner}, probes=tuple(probes))
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
            changed = [e for e in self._warm if e not in self._presets]
            for stale in changed[:-MAX_WARM_WAITING]:  # never a lesson's: those stay wanted
                self._warm.remove(stale)
            self._dispatch()

    def _queue_warm(self, experiment: Experiment) -> None:
        arch = experiment.architecture
        known = any(w.trains(arch) or (w.warming and trains_in(arch, w.warming.architecture))
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

    def warm_ups_left(self) -> int:
        """Warm-ups waiting or compiling now (0: every loop asked for is compiled)."""
        with self._lock:
            return len(self._warm) + sum(1 for w in self._workers if w.warming)

    def live_owners(self) -> int:
        """How many sessions wait for a queued or running job (each page redraws it live)."""
        with self._lock:
            return len({owner for job in self._live.values() for owner in job.owners})

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
        shutil.rmtree(self._spool, ignore_errors=True)

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
            self._last_live = job.finished
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
            worker = next((w for w in idle if arch in w.archs), None) or next(
                (w for w in idle if w.trains(arch)), None
            )  # its own loop, else a wider one
            if worker is None and any(w.warming and trains_in(arch, w.warming.architecture)
                                      for w in self._workers):  # fmt: skip
                held.append(job)  # rather than compile the same loop twice at once
                continue
            worker = worker or idle[0]
            idle.remove(worker)
            job.status, job.started = "running", time.monotonic()
            job.history = {"loss": []}
            worker.start_job(job)
        self._queue.extendleft(reversed(held))
        # a warm-up never pushes a worker to its replacement: the room above is for jobs
        # (else a worker replaced for its size would warm itself up to the limit again)
        roomy = [w for w in idle if w.rss_mb < self.recycle_mb - WARM_ROOM_MB]
        while roomy and self._warm:
            experiment = self._warm.popleft()
            roomy.pop().start_warm(experiment)
