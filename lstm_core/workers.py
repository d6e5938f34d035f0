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
import queue
import threading

from lstm_core import datasets
from lstm_core.memory import rss_mb
from lstm_core.models import ModelSpec

log = logging.getLogger(__name__)


class Worker:
    """The pool's handle on one worker process."""

    def __init__(self, slot: int, ctx, results):
        self.slot, self.ctx, self.results = slot, ctx, results
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
            args=(self.slot, self.tasks, self.results, self.stop_value),
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
        self.tasks.put(("train", job.id, job.experiment))

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


def worker_main(slot: int, tasks, results, stop_value) -> None:
    """Loop of a worker process: train the jobs it is given, report back through ``results``."""
    from lstm_core import xla_cache

    xla_cache.enable()  # before TensorFlow: loops compiled before (by anyone) load from disk
    from lstm_core import models, training  # TensorFlow loads here, once per worker

    parent = os.getppid()
    models.build(ModelSpec(units=1), datasets.load("sequence_classification"))
    results.put(("ready", slot, rss_mb()))
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
            results.put(("warmed", slot, experiment.architecture, rss_mb()))
            continue
        _, job_id, experiment = task
        reason, text, seconds, weights = _train(slot, job_id, experiment, results, stop_value)
        results.put(("done", slot, reason, text, seconds, weights, rss_mb()))


def _train(slot, job_id, experiment, results, stop_value):
    """Train one job; returns (stop reason, message, seconds, final weights or None)."""
    from lstm_core import models, training

    buffer: list[dict] = []

    def flush() -> None:
        if buffer:
            results.put(("epochs", slot, list(buffer)))
            buffer.clear()

    def should_stop() -> bool:
        flush()
        return stop_value.value == job_id

    def on_snapshot(epoch: int, weights: list) -> None:
        flush()
        results.put(("snapshot", slot, epoch, weights))

    try:
        ds = experiment.load()
        model = models.build(experiment.spec, ds, seed=experiment.config.seed)
        size = sum(w.nbytes for w in training.weights_of(model))
        every = training.snapshot_interval(experiment.config.epochs, size)
        results.put(("started", slot, every))
        on_snapshot(0, training.weights_of(model))  # the gates before any training
        result = training.train(model, ds, experiment.config, lambda e, logs: buffer.append(logs),
                                should_stop, every, on_snapshot)  # fmt: skip
        if ds.held_out is not None and result.stop_reason not in ("nan", "diverged"):
            results.put(("held_out", slot, training.evaluate(model, ds.held_out)))
    except ValueError as exc:
        flush()
        return "error", str(exc), 0.0, None
    except Exception as exc:  # noqa: BLE001 - reported to the page, the worker lives on
        log.exception("job %d failed", job_id)
        flush()
        return "error", f"Training failed: {exc}", 0.0, None
    flush()
    return result.stop_reason, result.message, result.seconds, training.weights_of(model)
