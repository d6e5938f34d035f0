"""Compare: one task, equal settings, several models trained at once as jobs.

What varies is the cell (SimpleRNN, LSTM, GRU, Dense), the optimizer (Adam, RMSprop,
SGD: seeds 000 and 002), only the seed (seed 001 ran one script ten times and got
8.96-9.25: the run-to-run spread) or the depth (seed 001's "stacking many LSTMs is not
good": 1 layer against 9, each over N seeds, one colour per depth). Train submits every
job to the server's pool at once; a fragment draws their loss curves on one chart while
they grow, and the table fills as each job finishes (its own model built from the job's
weights, as on a task page). A comparison of seeds or depths also shows the spread of
the final loss and of the answer (per depth).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import streamlit as st

from app import cached, charts, i18n, pool, state, training_panel
from app.i18n import t
from app.state import Run
from lstm_core import datasets, predict
from lstm_core.jobs import Experiment
from lstm_core.lessons import LESSONS, OPTIMIZER_CLASSES
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import OPTIMIZERS, TrainConfig

PAGE = "compare"
CELLS = ("simple_rnn", "lstm", "gru", "dense")
WHAT = ("cells", "optimizers", "seeds", "depths")  # what a comparison varies
DEPTHS = (1, 9)  # seed 001's one LSTM against its nine stacked ones
SPREAD = ("seeds", "depths")  # the comparisons over seeds: their spread is shown
MAX_SEEDS = 20
REFRESH_SECONDS = 0.5
TITLES = {"cells": "Loss of each cell", "optimizers": "Loss of each optimizer",
          "seeds": "Loss of each seed", "depths": "Loss by depth, one line per seed"}  # fmt: skip


@dataclass(frozen=True)
class Variant:
    """One model of a comparison: its name on the chart, its spec and its training."""

    label: str
    spec: ModelSpec
    config: TrainConfig
    group: str = ""  # depths: the curves of one depth share a colour ("9 layers")


def variants(what: str, spec: ModelSpec, config: TrainConfig, seeds: int) -> dict[str, Variant]:
    """Key -> the lesson's model with one thing changed (the rest equal)."""
    if what == "cells":
        return {cell: Variant(CELL_NAMES[cell], spec.replace(cell=cell), config) for cell in CELLS}
    if what == "optimizers":
        return {name: Variant(OPTIMIZER_CLASSES[name], spec, replace(config, optimizer=name))
                for name in OPTIMIZERS}  # fmt: skip
    if what == "depths":
        return {f"{depth}:{k}": depth_variant(depth, spec, replace(config, seed=config.seed + k))
                for depth in DEPTHS for k in range(seeds)}  # fmt: skip
    return {str(k): Variant(f"seed {config.seed + k}", spec, replace(config, seed=config.seed + k))
            for k in range(seeds)}  # fmt: skip


def depth_variant(depth: int, spec: ModelSpec, config: TrainConfig) -> Variant:
    """The model with ``depth`` stacked recurrent layers, for one seed."""
    group = t("compare.depth.one") if depth == 1 else t("compare.depth.many", n=depth)
    label = t("compare.depth.run", depth=group, seed=config.seed)
    return Variant(label, spec.replace(layers=depth), config, group)


def groups(chosen: dict[str, Variant]) -> dict[str, str] | None:
    """Run label -> its group (a depth), or None when the models are not grouped."""
    found = {v.label: v.group for v in chosen.values() if v.group}
    return found or None


def slot(task: str, what: str, key: str) -> str:
    """The run slot of one model of the comparison (``state.run_key`` of it holds a Run)."""
    return f"{PAGE}:{task}:{key}" if what == "cells" else f"{PAGE}:{task}:{what}:{key}"


def submit_all(task: str, chosen: dict[str, Variant], what: str) -> None:
    """Queue every training (a model's ValueError is shown, the others still go)."""
    lesson = LESSONS[task]
    for key, variant in chosen.items():
        try:
            training_panel.submit(slot(task, what, key), task, lesson.dataset,
                                  lesson.dataset_options, variant.spec, variant.config)  # fmt: skip
        except ValueError as exc:
            st.error(f"{variant.label}: {i18n.error(exc)}")


def warm(task: str, chosen: dict[str, Variant]) -> None:
    """Compile the loops in idle workers while the page is read."""
    lesson = LESSONS[task]
    for variant in chosen.values():
        pool.pool().warm(Experiment.of(lesson.dataset, lesson.dataset_options, variant.spec,
                                       variant.config))  # fmt: skip


def runs(task: str, what: str, chosen: dict[str, Variant]) -> dict[str, Run]:
    """Label -> the run of each model of the comparison that has one."""
    found = {
        v.label: state.get_run(st.session_state, slot(task, what, k)) for k, v in chosen.items()
    }
    return {label: run for label, run in found.items() if run is not None}


@pool.live_fragment(REFRESH_SECONDS)
def live(task: str, what: str, chosen: dict[str, Variant]) -> None:
    """The growing curves and each job's state; the page reruns when all are done."""
    training_panel.keep_page_settings()
    current = runs(task, what, chosen)
    if not any(run.in_progress for run in current.values()):
        st.rerun()
    progress = {label: pool.pool().progress(run.job) for label, run in current.items()}
    histories = {label: p.history.get("loss", []) for label, p in progress.items()}
    total = max(p.total for p in progress.values())
    figure = charts.compare_curves(histories, total, title=TITLES[what], groups=groups(chosen))
    st.plotly_chart(i18n.figure(figure), theme=None)
    states = {label: training_panel.progress_text(p) for label, p in progress.items()}
    table = {t("compare.column.model"): states.keys(), t("compare.column.state"): states.values()}
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def finished(task: str, what: str, chosen: dict[str, Variant]) -> None:
    """The curves and the table of a finished comparison (of seeds: and their spread)."""
    current = runs(task, what, chosen)
    for run in current.values():
        training_panel.settle(run)
    histories = {label: run.history.get("loss", []) for label, run in current.items()}
    total = max(run.config.epochs for run in current.values())
    st.plotly_chart(cached.figure("compare_curves", histories, total, title=TITLES[what],
                                  groups=groups(chosen)), theme=None)  # fmt: skip
    table = result_table(task, current)
    if what == "seeds":
        spread(task, current)
    if what == "depths":
        depth_spread(task, current, groups(chosen))
    st.dataframe(table, hide_index=True, width="stretch")


def finals(task: str, current: dict[str, Run]) -> tuple:
    """(the lesson, final loss of each trained run, its answer to the lesson's input)."""
    lesson = LESSONS[task]
    ds = cached.load_dataset(lesson.dataset, **lesson.dataset_options)
    trained = {label: run for label, run in current.items() if run.model is not None}
    losses = {label: run.history["loss"][-1] for label, run in trained.items()}
    answers = {label: predict.predict(run.model, ds, lesson.example_input).value
               for label, run in trained.items()}  # fmt: skip
    return lesson, losses, answers


def spread(task: str, current: dict[str, Run]) -> None:
    """The final loss of every seed, and its answer to the lesson's input, as points."""
    lesson, losses, answers = finals(task, current)
    if not losses:
        return
    left, right = st.columns(2)
    left.plotly_chart(cached.figure("run_spread", losses, "Final loss of each seed", "final loss"),
                      theme=None)  # fmt: skip
    asked = repr(lesson.example_input)
    if all(isinstance(v, float) for v in answers.values()):
        right.plotly_chart(cached.figure("run_spread", answers, "Answer of each seed", "answer"),
                           theme=None)  # fmt: skip
        low, high = min(answers.values()), max(answers.values())
        right.caption(t("compare.spread", input=asked, low=f"{low:.3f}", high=f"{high:.3f}",
                        n=len(answers)))  # fmt: skip
    else:
        counts = pd.Series([str(v) for v in answers.values()]).value_counts()
        said = ", ".join(f"{answer} × {n}" for answer, n in counts.items())
        right.markdown(t("compare.spread.classes", input=asked, answers=said, n=len(answers)))


def depth_spread(task: str, current: dict[str, Run], group_of: dict[str, str]) -> None:
    """The final loss and the answer of every run, one box per depth, and a sentence per
    depth saying the ranges this comparison found."""
    lesson, losses, answers = finals(task, current)
    if not losses:
        return
    trained = list(losses)
    left, right = st.columns(2)
    left.plotly_chart(cached.figure("run_spread", losses, "Final loss by depth", "final loss",
                                    groups=group_of), theme=None)  # fmt: skip
    numbers = all(isinstance(v, float) for v in answers.values())
    if numbers:
        right.plotly_chart(cached.figure("run_spread", answers, "Answer by depth", "answer",
                                         groups=group_of), theme=None)  # fmt: skip
    for depth in dict.fromkeys(group_of[label] for label in trained):
        mine = [label for label in trained if group_of[label] == depth]
        loss = [losses[label] for label in mine]
        if numbers:
            low, high = min(answers[k] for k in mine), max(answers[k] for k in mine)
            said = f"{low:.3f} … {high:.3f}"
        else:
            said = ", ".join(str(answers[k]) for k in mine)
        st.caption(t("compare.depth.spread", depth=depth, n=len(mine), answers=said,
                     input=repr(lesson.example_input), low=f"{min(loss):.3g}",
                     high=f"{max(loss):.3g}"))  # fmt: skip


def result_table(task: str, current: dict[str, Run]) -> pd.DataFrame:
    """One row per cell: final loss (and accuracy), the answer to the lesson's input,
    parameters and training time."""
    lesson = LESSONS[task]
    ds = cached.load_dataset(lesson.dataset, **lesson.dataset_options)
    rows = []
    column = {name: t(f"compare.column.{name}") for name in
              ("model", "epochs", "loss", "accuracy", "parameters", "seconds")}  # fmt: skip
    asked = t("compare.column.answer", input=repr(lesson.example_input))
    for label, run in current.items():
        row = {column["model"]: label, column["epochs"]: run.epochs_done}
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
