"""Train both scaler fits (seed 003): on the training windows only, or on all the data.

Seed 003 says "학습데이터만 스케일 변환에 사용한다": fit the scaler on the training data
only. "Train both" trains the page's trained run again, for a few seeds, once with each
fit (every run a job of the server's pool, identical runs shared), and puts the test
errors side by side, with what they show computed from the numbers themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import streamlit as st

from app import cached, i18n, pool, state, training_panel
from app.i18n import t
from app.state import Run
from lstm_core import predict, series
from lstm_core.datasets import Dataset
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = "next_number"
RUNS_KEY = "leak:next_number"  # session state: the LeakRuns of the last "Train both"
MAX_SEEDS = 10
REFRESH_SECONDS = 0.5


@dataclass(frozen=True)
class LeakRuns:
    """One press of "Train both": the data and model it trained, and the seeds."""

    options: tuple  # the data options without scaler_fit, sorted items
    spec: ModelSpec
    config: TrainConfig
    seeds: tuple[int, ...]


def slot(fit: str, seed: int) -> str:
    """The run slot of one model of the experiment (``state.run_key`` of it holds a Run)."""
    return f"{PAGE}:leak:{fit}:{seed}"


def _without_fit(options: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in options.items() if k != "scaler_fit"))


def submit(run: Run, n_seeds: int) -> LeakRuns:
    """Queue the run's experiment with each scaler fit for ``n_seeds`` seeds."""
    seeds = tuple(run.config.seed + k for k in range(int(n_seeds)))
    for fit in series.SCALER_FITS:
        options = {**run.data_options, "scaler_fit": fit}
        for seed in seeds:
            config = replace(run.config, seed=seed)
            training_panel.submit(slot(fit, seed), run.lesson, run.dataset, options, run.spec,
                                  config)  # fmt: skip
    record = LeakRuns(_without_fit(run.data_options), run.spec, run.config, seeds)
    st.session_state[RUNS_KEY] = record
    return record


def current(run: Run) -> LeakRuns | None:
    """The last experiment, if it was trained from this run's data and model."""
    record = st.session_state.get(RUNS_KEY)
    if record is None or record.spec != run.spec or record.config != run.config:
        return None
    return record if record.options == _without_fit(run.data_options) else None


def runs(record: LeakRuns) -> dict[tuple[str, int], Run]:
    found = {(fit, seed): state.get_run(st.session_state, slot(fit, seed))
             for fit in series.SCALER_FITS for seed in record.seeds}  # fmt: skip
    return {key: run for key, run in found.items() if run is not None}


def show(run: Run, ds: Dataset) -> None:
    """The button, the live progress, then the test errors side by side."""
    st.markdown("#### " + t("series.leak.title"))
    if "scaling" not in run.data_options:
        st.caption(t("series.leak.needs_scaling"))
        return
    st.caption(t("series.leak.caption"))
    key = state.widget(PAGE, "leak_seeds")
    if key not in st.session_state:
        st.session_state[key] = 3
    pick, button = st.columns([1, 3], vertical_alignment="bottom")
    pick.number_input(t("series.leak.seeds"), min_value=1, max_value=MAX_SEEDS, step=1, key=key)
    if button.button(t("series.leak.train"), key=state.button(PAGE, "leak")):
        try:
            submit(run, st.session_state[key])
        except ValueError as exc:
            st.error(i18n.error(exc))
    record = current(run)
    if record is None:
        return
    found = runs(record)
    if any(r.in_progress for r in found.values()):
        live(run)
    else:
        finished(record, found)
    st.caption(t("series.leak.measured"))


@pool.live_fragment(REFRESH_SECONDS)
def live(run: Run) -> None:
    """How many of the experiment's runs are done; the page reruns when all are."""
    training_panel.keep_page_settings()
    record = current(run)
    found = runs(record) if record is not None else {}
    if not any(r.in_progress for r in found.values()):
        st.rerun()
    done = sum(not r.in_progress for r in found.values())
    st.progress(done / max(len(found), 1), text=t("series.leak.progress", done=done,
                                                  total=len(found)))  # fmt: skip


def test_errors(record: LeakRuns, found: dict[tuple[str, int], Run]) -> dict[str, dict]:
    """Scaler fit -> seed -> test error (MAE in the series' units) of each trained run."""
    out: dict[str, dict] = {fit: {} for fit in series.SCALER_FITS}
    for (fit, seed), run in found.items():
        training_panel.settle(run)
        if run.model is None:
            continue
        ds = cached.load_dataset(run.dataset, **run.data_options)
        preds = cached.predict(run.model, cached.weights_digest(run.model), ds.held_out.x)
        out[fit][seed] = predict.errors(ds.held_out, preds).mae
    return out


def finished(record: LeakRuns, found: dict[tuple[str, int], Run]) -> None:
    errors = test_errors(record, found)
    train, everything = errors["train"], errors["all"]
    both = [s for s in record.seeds if s in train and s in everything]
    if not both:
        st.warning(t("series.leak.failed"))
        return
    column = {fit: t(f"series.leak.column.{fit}") for fit in series.SCALER_FITS}
    rows = [{t("series.leak.column.seed"): seed, column["train"]: f"{train[seed]:.3g}",
             column["all"]: f"{everything[seed]:.3g}",
             t("series.leak.column.difference"): f"{everything[seed] - train[seed]:+.3g}"}
            for seed in both]  # fmt: skip
    table, words = st.columns([3, 2])
    table.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    a, b = np.array([train[s] for s in both]), np.array([everything[s] for s in both])
    spread = np.concatenate([a, b])
    words.markdown(t("series.leak.found", n=len(both), train=f"{a.mean():.3g}",
                     all=f"{b.mean():.3g}", diff=f"{(b - a).mean():+.3g}",
                     low=f"{spread.min():.3g}", high=f"{spread.max():.3g}",
                     lower=int((b < a).sum())))  # fmt: skip
