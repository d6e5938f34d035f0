"""Compare cells: one task, equal settings, four models (SimpleRNN, LSTM, GRU, Dense) as jobs.

Train submits four jobs to the server's pool at once; a fragment draws their loss curves
on one chart while they grow, and the table fills as each job finishes (its own model
built from the job's weights, as on a task page).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import cached, charts, i18n, pool, state, training_panel
from app.i18n import t
from app.state import Run
from lstm_core import datasets, predict
from lstm_core.jobs import Experiment
from lstm_core.lessons import LESSONS
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

PAGE = "compare"
CELLS = ("simple_rnn", "lstm", "gru", "dense")
REFRESH_SECONDS = 0.5


def slot(task: str, cell: str) -> str:
    """The run slot of one cell of the comparison (``state.run_key`` of it holds a Run)."""
    return f"{PAGE}:{task}:{cell}"


def experiments(task: str, spec: ModelSpec, config: TrainConfig) -> dict[str, Experiment]:
    """The lesson's model with each cell in turn; everything else equal."""
    lesson = LESSONS[task]
    return {
        cell: Experiment.of(lesson.dataset, lesson.dataset_options, spec.replace(cell=cell), config)
        for cell in CELLS
    }


def submit_all(task: str, spec: ModelSpec, config: TrainConfig) -> None:
    """Queue the four trainings (each cell's ValueError is shown, the others still go)."""
    lesson = LESSONS[task]
    for cell, experiment in experiments(task, spec, config).items():
        try:
            training_panel.submit(slot(task, cell), task, lesson.dataset,
                                  lesson.dataset_options, experiment.spec, config)  # fmt: skip
        except ValueError as exc:
            st.error(f"{CELL_NAMES[cell]}: {exc}")


def warm(task: str, spec: ModelSpec, config: TrainConfig) -> None:
    """Compile the four loops in idle workers while the page is read."""
    for experiment in experiments(task, spec, config).values():
        pool.pool().warm(experiment)


def runs(task: str) -> dict[str, Run]:
    found = {cell: state.get_run(st.session_state, slot(task, cell)) for cell in CELLS}
    return {cell: run for cell, run in found.items() if run is not None}


@st.fragment(run_every=REFRESH_SECONDS)
def live(task: str) -> None:
    """The growing curves and each job's state; the page reruns when all are done."""
    training_panel.keep_page_settings()
    current = runs(task)
    if not any(run.in_progress for run in current.values()):
        st.rerun()
    progress = {cell: pool.pool().progress(run.job) for cell, run in current.items()}
    histories = {CELL_NAMES[c]: p.history.get("loss", []) for c, p in progress.items()}
    total = max(p.total for p in progress.values())
    st.plotly_chart(i18n.figure(charts.compare_curves(histories, total)), theme=None)
    states = {CELL_NAMES[c]: training_panel.progress_text(p) for c, p in progress.items()}
    table = {t("compare.column.model"): states.keys(), t("compare.column.state"): states.values()}
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def finished(task: str) -> None:
    """The curves and the table of a finished comparison."""
    current = runs(task)
    for run in current.values():
        training_panel.settle(run)
    histories = {CELL_NAMES[c]: run.history.get("loss", []) for c, run in current.items()}
    total = max(run.config.epochs for run in current.values())
    st.plotly_chart(cached.figure("compare_curves", histories, total), theme=None)
    st.dataframe(result_table(task, current), hide_index=True, width="stretch")


def result_table(task: str, current: dict[str, Run]) -> pd.DataFrame:
    """One row per cell: final loss (and accuracy), the answer to the lesson's input,
    parameters and training time."""
    lesson = LESSONS[task]
    ds = cached.load_dataset(lesson.dataset, **lesson.dataset_options)
    rows = []
    column = {name: t(f"compare.column.{name}") for name in
              ("model", "epochs", "loss", "accuracy", "parameters", "seconds")}  # fmt: skip
    asked = t("compare.column.answer", input=repr(lesson.example_input))
    for cell, run in current.items():
        row = {column["model"]: CELL_NAMES[cell], column["epochs"]: run.epochs_done}
        row[column["loss"]] = f"{run.history['loss'][-1]:.4g}" if run.epochs_done else "–"
        if "accuracy" in run.history and run.epochs_done:
            row[column["accuracy"]] = f"{run.history['accuracy'][-1]:.2f}"
        row[asked] = answer(run, ds, lesson.example_input)
        row[column["parameters"]] = run.model.count_params() if run.model is not None else "–"
        row[column["seconds"]] = (f"{run.seconds:.1f}" if run.model is not None
                                  else run.stop_reason)  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def answer(run: Run, ds: datasets.Dataset, text: str) -> str:
    if run.model is None:
        return "–"
    value = predict.predict(run.model, ds, text).value
    return f"{value:.3f}" if isinstance(value, float) else str(value)
