"""The long-memory lesson (seeds 001 and 004): how far back can each cell remember, and why.

The sweep trains SimpleRNN, LSTM and GRU on ``long_memory`` for several lengths and seeds,
every run a job of the server's pool (identical runs of other students are shared), and
reads each run's held-out accuracy as it finishes. Nothing is built in this process for
the sweep: the workers score the held-out part themselves. The gradient view builds the
three untrained models of one length here and asks ``lstm_core.gradients`` how much the
loss still feels each input step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from app import pool
from app.charts.gradients import ALONG
from app.i18n import t
from lstm_core.jobs import Experiment, Job
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

PAGE = "long_memory"
SWEEP_KEY = "memory:sweep"
CELLS = ("simple_rnn", "lstm", "gru")
LENGTHS = (5, 10, 20, 50, 100, 200)
DEFAULT_LENGTHS = (5, 20, 50, 100)
DEFAULT_SEEDS = 2
DEFAULT_EPOCHS = 30
DEFAULT_UNITS = 16
SAMPLES, HELD_OUT = 1024, 512
LEARNING_RATE, BATCH_SIZE = 0.01, 32
CHANCE = 0.25  # one of four symbols
SOLVED = 0.9  # a run at or above this held-out accuracy remembered the first symbol


@dataclass
class Sweep:
    """One press of "Run the sweep": its settings and a job per (cell, length, seed)."""

    lengths: tuple[int, ...]
    seeds: int
    epochs: int
    units: int
    jobs: dict[tuple[str, int, int], Job] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def done(self) -> bool:
        return all(job.done for job in self.jobs.values())

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started


def experiment(cell: str, length: int, seed: int, units: int, epochs: int) -> Experiment:
    spec = ModelSpec(cell=cell, units=units)
    config = TrainConfig(epochs=epochs, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
                         seed=seed)  # fmt: skip
    options = {"length": length, "samples": SAMPLES, "seed": seed, "held_out": HELD_OUT}
    return Experiment.of("long_memory", options, spec, config)


def submit(lengths, seeds: int, epochs: int, units: int) -> Sweep:
    """Queue every run, shortest sequences first so the table fills from the top."""
    if not lengths:
        raise ValueError(t("memory.no_length"))
    sweep = Sweep(tuple(sorted(lengths)), int(seeds), int(epochs), int(units))
    jobs = pool.pool()
    for length in sweep.lengths:
        for seed in range(sweep.seeds):
            for cell in CELLS:
                exp = experiment(cell, length, seed, sweep.units, sweep.epochs)
                sweep.jobs[(cell, length, seed)] = jobs.submit(exp, pool.owner())
    st.session_state[SWEEP_KEY] = sweep
    return sweep


def warm() -> None:
    """Compile the default sweep's loops in idle workers (one seed: the shapes are shared)."""
    jobs = pool.pool()
    for length in DEFAULT_LENGTHS:
        for cell in CELLS:
            jobs.warm(experiment(cell, length, 0, DEFAULT_UNITS, DEFAULT_EPOCHS))


def stop(sweep: Sweep) -> None:
    """Stop button: every unfinished run ends (or this session lets go of a shared one)."""
    jobs = pool.pool()
    for key, job in sweep.jobs.items():
        if not job.done:
            sweep.jobs[key] = jobs.stop(job, pool.owner())


def current() -> Sweep | None:
    sweep = st.session_state.get(SWEEP_KEY)
    if sweep is not None and sweep.finished is None and sweep.done:
        sweep.finished = time.monotonic()
    return sweep


def results(sweep: Sweep) -> dict[str, dict[int, list[tuple[int, float]]]]:
    """Cell name -> length -> [(seed, held-out accuracy)] of the runs finished so far."""
    out: dict[str, dict[int, list[tuple[int, float]]]] = {CELL_NAMES[c]: {} for c in CELLS}
    for (cell, length, seed), job in sweep.jobs.items():
        accuracy = job.held_out.get("accuracy") if job.done else None
        if accuracy is not None:
            out[CELL_NAMES[cell]].setdefault(length, []).append((seed, accuracy))
    return out


def table(sweep: Sweep) -> pd.DataFrame:
    """One row per length, one column per cell: mean accuracy (min–max over seeds), or
    how far the runs of that cell are."""
    jobs = pool.pool()
    rows = []
    for length in sweep.lengths:
        row = {t("memory.column.length"): length}
        for cell in CELLS:
            mine = [sweep.jobs[(cell, length, s)] for s in range(sweep.seeds)]
            scores = [j.held_out["accuracy"] for j in mine if j.done and "accuracy" in j.held_out]
            failed = [j for j in mine if j.done and "accuracy" not in j.held_out]
            if len(scores) == len(mine):
                row[CELL_NAMES[cell]] = _spread(scores)
            elif failed and len(scores) + len(failed) == len(mine):
                row[CELL_NAMES[cell]] = t("memory.failed", reason=failed[0].stop_reason)
            else:
                epochs = sum(jobs.progress(j).epochs_done for j in mine)
                row[CELL_NAMES[cell]] = t("memory.training", done=epochs,
                                          total=len(mine) * sweep.epochs)  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def _spread(scores: list[float]) -> str:
    mean = float(np.mean(scores))
    if len(scores) == 1 or f"{min(scores):.0%}" == f"{max(scores):.0%}":
        return f"{mean:.0%}"
    return f"{mean:.0%} ({min(scores):.0%}–{max(scores):.0%})"


def summary(sweep: Sweep) -> list[str]:
    """What this sweep found, one sentence per cell, from the numbers (not from the book)."""
    found = results(sweep)
    lines = []
    for cell, by_length in found.items():
        if not by_length:
            continue
        solved = [n for n in sweep.lengths if by_length.get(n) and
                  np.mean([a for _, a in by_length[n]]) >= SOLVED]  # fmt: skip
        chance = [n for n in sweep.lengths if by_length.get(n) and
                  np.mean([a for _, a in by_length[n]]) < CHANCE + 0.1]  # fmt: skip
        mixed = [n for n in sweep.lengths if by_length.get(n) and
                 _disagree([a for _, a in by_length[n]])]  # fmt: skip
        parts = [t("memory.solved", share=f"{SOLVED:.0%}", length=max(solved)) if solved
                 else t("memory.unsolved")]  # fmt: skip
        if chance:
            parts.append(t("memory.chance", length=min(chance)))
        if mixed:
            parts.append(t("memory.mixed", lengths=", ".join(str(n) for n in mixed)))
        lines.append(f"**{cell}**: " + t("memory.and").join(parts) + ".")
    return lines


def _disagree(scores: list[float]) -> bool:
    """One seed solved the task while another stayed near chance."""
    return len(scores) > 1 and max(scores) >= SOLVED and min(scores) < CHANCE + 0.15


@st.cache_data(max_entries=32, show_spinner=False)
def gradient_curves(length: int, forget_bias: bool, seed: int = 0, samples: int = 64) -> dict:
    """Cell name -> mean over samples of ``gradients.step_gradients`` for untrained models."""
    from lstm_core import datasets, models

    ds = datasets.load("long_memory", length=length, samples=samples, seed=seed, held_out=0)
    curves = {}
    for cell in CELLS:
        spec = ModelSpec(cell=cell, units=DEFAULT_UNITS, unit_forget_bias=forget_bias)
        model = models.build(spec, ds, seed=seed)
        curves.update(_curves_of(cell, model, ds.x, ds.y))
    return curves


def _curves_of(cell: str, model, x, y) -> dict:
    """‖∂loss/∂x_t‖ of a model (mean over samples); for an LSTM also ‖∂loss/∂c_t‖, the
    gradient along the cell state (seed 004's highway)."""
    from lstm_core import gradients

    curves = {CELL_NAMES[cell]: gradients.step_gradients(model, x, y).mean(axis=0)}
    if cell == "lstm":
        curves[CELL_NAMES[cell] + ALONG] = gradients.cell_gradients(model, x, y).mean(axis=0)
    return curves


def trained_jobs(sweep: Sweep | None, length: int) -> dict[str, Job]:
    """The sweep's finished seed-0 run of each cell at ``length`` (cells without one left out)."""
    if sweep is None:
        return {}
    found = {cell: sweep.jobs.get((cell, length, 0)) for cell in CELLS}
    return {c: j for c, j in found.items() if j is not None and j.done and j.weights is not None}


def trained_gradient_curves(jobs: dict[str, Job], samples: int = 64) -> dict:
    """Like ``gradient_curves`` for the sweep's trained models, on held-out sequences."""
    key = tuple((cell, job.id, job.epochs_done) for cell, job in jobs.items())
    return _trained_curves(key, jobs, samples)


@st.cache_data(max_entries=32, show_spinner=False)
def _trained_curves(key: tuple, _jobs: dict[str, Job], samples: int) -> dict:
    from lstm_core import models, training

    curves = {}
    for cell, job in _jobs.items():
        ds = job.experiment.load()
        model = models.build(job.experiment.spec, ds, seed=job.experiment.config.seed)
        training.set_weights(model, job.weights)
        curves.update(_curves_of(cell, model, ds.held_out.x[:samples], ds.held_out.y[:samples]))
    return curves


def fading(curves: dict) -> list[str]:
    """How much weaker the gradient at the first step is than at the last, per cell."""
    lines = []
    for cell, values in curves.items():
        first, last = float(values[0]), float(values[-1])
        if last <= 0:
            continue
        ratio = first / last
        if ratio == 0:
            size = t("memory.underflow")
        elif ratio < 0.01:
            size = f"10^{np.log10(ratio):.0f}"
        else:
            size = f"{ratio:.2g}"
        lines.append(f"**{cell}**: " + t("memory.fading", size=size))
    return lines
