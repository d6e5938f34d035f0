"""The worker processes of the job pool: how one is started, replaced, and what it runs.

A worker is a spawned process that imports TensorFlow once, then trains the jobs it is
sent (``worker_main``) and reports back through the pool's result queue: each chunk's
epochs, every k-th epoch's weights, and the end with the final weights and its RSS. The
pool replaces a worker whose RSS passed its limit; XLA's compiled loops go with it, but
their programs stay in the on-disk cache (``lstm_core.xla_cache``) for the next worker.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import tempfile
import threading
import time

import numpy as np

from lstm_core import datasets
from lstm_core.job_records import data_digest
from lstm_core.memory import rss_mb, trim_heap
from lstm_core.models import ModelSpec

log = logging.getLogger(__name__)


class Worker:
    """The pool's handle on one worker process."""

    def __init__(self, slot: int, ctx, results, spool: str | None = None, threads: int = 0):
        self.slot, self.ctx, self.results, self.spool = slot, ctx, results, spool
        self.threads = threads  # TensorFlow's threads in the worker (0: its own default)
        self.started, self.failures = False, 0
        self.restart()

    def restart(self) -> None:
        if self.started:
            self.exit()
            old = self.process
            threading.Thread(target=old.join, args=(30,), daemon=True).start()
        self.tasks = self.ctx.Queue()
        self.stop_value = self.ctx.Value("q", 0, lock=False)
        self.job = None  # the jobs.Job being trained
        self.warming = None  # the jobs.Experiment being compiled
        self.archs: set = set()
        self.ready, self.rss_mb = False, 0.0
        self.process = self.ctx.Process(
            target=worker_main,
            args=(self.slot, self.tasks, self.results, self.stop_value, self.spool, self.threads),
            name=f"{WORKER_NAME}{self.slot}",
            daemon=True,
        )
        _leave_main_out_of_workers()
        self.process.start()
        self.started = True

    def trains(self, arch: tuple) -> bool:
        """Whether a loop this worker compiled trains ``arch`` (the same or wider)."""
        from lstm_core.job_records import trains_in

        return any(trains_in(arch, compiled) for compiled in self.archs)

    def start_job(self, job) -> None:
        self.job = job
        self.tasks.put(("train", job.id, job.experiment, job.probes))

    def start_warm(self, experiment) -> None:
        self.warming = experiment
        self.tasks.put(("warm", experiment))

    def exit(self) -> None:
        try:
            self.tasks.put(("exit",))
        except (OSError, ValueError):
            pass

    def join(self) -> None:
        self.process.join(10)
        if self.process.is_alive():
            self.process.kill()


# ---------------------------------------------------------------------------
# Reports: small ones through the pipe, large ones through a file
# ---------------------------------------------------------------------------

# A report larger than this goes through a file in the pool's spool directory, the pipe
# carries only its path. The pool's reader thread reads a pipe 64 KB at a time and
# releases the GIL at every read; with a class's page runs holding it, each read waited
# its turn: 60 students' weight snapshots (~800 MB) queued every job for over a minute
# (py-spy on bench/classroom.py). A file is read whole in one go.
SPOOL_BYTES = 64 * 1024
REPORT_SECONDS = 0.25  # a training job reports its epochs and snapshots this often


def spool_dir() -> str:
    """A new directory for large reports, in memory (``/dev/shm``) where there is one."""
    shm = "/dev/shm"
    where = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    return tempfile.mkdtemp(prefix="lstm-explorer-reports-", dir=where)


class Outbox:
    """A worker's side of the result queue: ``put(kind, *body)`` reaches the pool."""

    def __init__(self, slot: int, results, spool: str | None):
        self.slot, self.results, self.spool = slot, results, spool

    def put(self, kind: str, *body) -> None:
        message = (kind, self.slot, *body)
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        if self.spool is None or len(data) <= SPOOL_BYTES:
            self.results.put(message)
            return
        fd, path = tempfile.mkstemp(dir=self.spool, suffix=".pickle")
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        self.results.put(("spooled", self.slot, path))


def received(message: tuple) -> tuple:
    """The report a message from the queue stands for (a spooled one read and removed)."""
    if message[0] != "spooled":
        return message
    path = message[2]
    try:
        with open(path, "rb") as file:
            return pickle.loads(file.read())
    finally:
        os.unlink(path)


# ---------------------------------------------------------------------------
# The worker process
# ---------------------------------------------------------------------------


WORKER_NAME = "lstm-worker-"  # the process names of the pool's workers


def _without_main(get_preparation_data):
    """``multiprocessing.spawn.get_preparation_data`` that leaves a worker's ``__main__`` out.

    A spawned process re-imports its parent's ``__main__``; under Streamlit that is the
    page script, which must not run again inside a worker (it starts a pool of its own).
    Swapping ``sys.modules["__main__"]`` while starting a worker raced with Streamlit's
    script threads, which set it at every run: under a class's load a worker now and then
    re-ran ``app/main.py`` and died at start. The preparation data is per process, so
    leaving the main module out of it touches nothing another thread sees.
    """

    def prepared(name):
        data = get_preparation_data(name)
        if str(name).startswith(WORKER_NAME):
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    prepared.leaves_main_out = True
    return prepared


def _leave_main_out_of_workers() -> None:
    from multiprocessing import spawn

    if not getattr(spawn.get_preparation_data, "leaves_main_out", False):
        spawn.get_preparation_data = _without_main(spawn.get_preparation_data)


def _outputs(model, ds, probes) -> dict:
    """The trained model's outputs for the training data and each probe that encodes."""
    inputs = [ds.x]
    for raw in probes:
        try:
            inputs.append(ds.encode(raw))
        except ValueError:  # the page shows its sentence; nothing to compute ahead
            pass
    return {data_digest(x): np.asarray(model(x, training=False)) for x in inputs}


def prime() -> None:
    """Pay a process's one-time start of TensorFlow, Keras and XLA before the first job.

    The first training of a process took ~4 s longer than any later one, whatever its
    settings (``bench/restart_speed.py``): one epoch of a 1-unit model pays that here,
    before the worker says it is ready, not at a student's first click after a restart.
    """
    from lstm_core import models, training

    ds = datasets.load("sequence_classification")
    training.train(models.build(ModelSpec(units=1), ds), ds, training.TrainConfig(epochs=1))


def worker_main(slot, tasks, results, stop_value, spool=None, threads: int = 0) -> None:
    """Loop of a worker process: train the jobs it is given, report back through ``results``
    (reports larger than ``SPOOL_BYTES`` through files in ``spool``), with ``threads``
    threads for TensorFlow's operations (0: one per core)."""
    if threads:  # read when TensorFlow starts, below
        os.environ["TF_NUM_INTRAOP_THREADS"] = os.environ["TF_NUM_INTEROP_THREADS"] = str(threads)
    from lstm_core import xla_cache

    outbox = Outbox(slot, results, spool)

    xla_cache.enable()  # before TensorFlow: loops compiled before (by anyone) load from disk
    from lstm_core import training  # TensorFlow loads here, once per worker

    parent = os.getppid()
    prime()
    outbox.put("ready", settled_rss())
    while True:
        try:
            task = tasks.get(timeout=2.0)
        except queue.Empty:
            if os.getppid() != parent:  # the server died without saying goodbye
                return
            continue
        if task[0] == "exit":
            return
        if task[0] == "warm":
            experiment = task[1]
            try:
                training.warm_up(experiment.spec, experiment.load(), experiment.config)
            except Exception as exc:  # noqa: BLE001 - a warm-up is optional
                log.warning("warm-up of %s failed: %s", experiment, exc)
            outbox.put("warmed", experiment.architecture, settled_rss())
            continue
        _, job_id, experiment, probes = task
        reason, text, seconds, weights = _train(job_id, experiment, probes, outbox, stop_value)
        outbox.put("done", reason, text, seconds, weights, settled_rss())


def settled_rss() -> float:
    """The worker's RSS once the heap it freed is given back to the OS (5 ms after a job).

    XLA's compile of a new loop frees 100-200 MB that glibc would otherwise keep: the
    pool, which judges a worker by its RSS, took no more warm-ups after three or four
    loops, and replaced workers for memory they no longer used.
    """
    trim_heap()
    return rss_mb()


def _train(job_id, experiment, probes, outbox: Outbox, stop_value):
    """Train one job; returns (stop reason, message, seconds, final weights or None).

    Epochs and snapshots are reported together every ``REPORT_SECONDS`` (and at the end):
    a job of 0.2 s sends a handful of reports, not one per chunk and snapshot.
    """
    from lstm_core import models, training

    epochs: list[dict] = []
    snapshots: list[tuple[int, list]] = []
    last = [time.monotonic()]

    def flush(now: bool = True) -> None:
        if (epochs or snapshots) and (now or time.monotonic() - last[0] >= REPORT_SECONDS):
            outbox.put("progress", list(epochs), list(snapshots))
            epochs.clear()
            snapshots.clear()
            last[0] = time.monotonic()

    def should_stop() -> bool:
        flush(now=False)
        return stop_value.value == job_id

    def on_snapshot(epoch: int, weights: list) -> None:
        snapshots.append((epoch, weights))

    try:
        ds = experiment.load()
        model = models.build(experiment.spec, ds, seed=experiment.config.seed)
        size = sum(w.nbytes for w in training.weights_of(model))
        every = training.snapshot_interval(experiment.config.epochs, size)
        outbox.put("started", every)
        on_snapshot(0, training.weights_of(model))  # the gates before any training
        result = training.train(model, ds, experiment.config, lambda e, logs: epochs.append(logs),
                                should_stop, every, on_snapshot)  # fmt: skip
        flush()
        if ds.held_out is not None and result.stop_reason not in ("nan", "diverged"):
            outbox.put("held_out", training.evaluate(model, ds.held_out))
        outbox.put("outputs", _outputs(model, ds, probes))
    except ValueError as exc:
        flush()
        return "error", str(exc), 0.0, None
    except Exception as exc:  # noqa: BLE001 - reported to the page, the worker lives on
        log.exception("job %d failed", job_id)
        flush()
        return "error", f"Training failed: {exc}", 0.0, None
    return result.stop_reason, result.message, result.seconds, training.weights_of(model)
