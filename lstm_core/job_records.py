"""What the job pool knows about a training run, as plain records (no processes here).

``Experiment`` is everything that decides a run's outcome: equal experiments train
equally, so it keys both the pool's sharing of identical runs and, through
``architecture``, which worker already compiled its loop. ``Job`` is one run as the pool
keeps it, ``Progress`` the consistent copy a page draws, and ``detached`` the finished copy
an owner keeps when it stops a job that others still share.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core import datasets, models, padded_units
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig


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
        worker that compiled a rate of 0.2 trains 0.5 without compiling; the recurrent
        layers' activation does not count at all. (The batch size
        counts here although tiny data shares one loop for all: knowing that would mean
        loading the dataset in the page server.) The optimizer and a validation split count,
        as in ``training_loop``'s key: a split trains on fewer rows and scores the rest
        inside the loop (the preset "overfitting" was taken for the warm tutorial's loop,
        and its first click compiled for 6 s).
        """
        spec = self.spec.replace(dropout=_some(self.spec.dropout),
                                 recurrent_dropout=_some(self.spec.recurrent_dropout))  # fmt: skip
        if spec.cell != "dense":  # an argument of the loop (activation_choice)
            spec = spec.replace(activation=models.ACTIVATIONS[0])
        config = self.config
        validation = (config.validation_split, config.monitor) if config.validation_split else None
        return (self.dataset, self.options, spec, (config.batch_size, config.optimizer, validation))


def trains_in(arch: tuple, compiled: tuple) -> bool:
    """Whether a worker that compiled the loop of ``compiled`` trains ``arch`` in it: the
    same architecture, or the same with fewer units (``lstm_core.padded_units``)."""
    if arch == compiled:
        return True
    (dataset, options, spec, loop), (*others, spec_c, loop_c) = arch, compiled
    if (dataset, options, loop) != (others[0], others[1], loop_c):
        return False
    if spec.replace(units=spec_c.units) != spec_c:
        return False
    return padded_units.fits((spec.units,) * spec.layers, (spec_c.units,) * spec_c.layers)


def _some(rate: float) -> float:
    """A rate as the compiled loop sees it: some (any value above 0 stands for all) or none."""
    return 0.5 if rate > 0 else 0.0


def data_digest(x: np.ndarray) -> str:
    """A fingerprint of a model's input data (which data ``Job.outputs`` belong to)."""
    x = np.ascontiguousarray(x)
    return hashlib.sha1(f"{x.dtype}{x.shape}".encode() + x.tobytes()).hexdigest()


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
    # data_digest(x) -> the final model's outputs for x in inference mode, for the training
    # data's x and the probes: the worker computes them once, not every page showing the run
    outputs: dict[str, np.ndarray] = field(default_factory=dict)
    probes: tuple[str, ...] = ()  # typed inputs to answer too (a page's input box at Train)
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
        arrays += list(self.outputs.values())
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
