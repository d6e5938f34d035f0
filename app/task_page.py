"""The task page: data, settings, Train with live curves, results, the Keras code.

The three task pages (sequence classification, next number, hello) are one flow with
small per-page parts (``TaskPage``): data controls, the data picture, the hint under
the input box. ``render_task_page`` draws the rest, top to bottom as the user sees it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from app import (
    cached,
    class_board,
    classroom,
    export_panel,
    held_out,
    i18n,
    lesson_path,
    pool,
    presets,
    projector,
    results,
    run_history,
    saved_runs,
    settings,
    state,
    training_panel,
    url_state,
)
from app.i18n import t
from lstm_core import datasets, schema, series
from lstm_core.jobs import Experiment
from lstm_core.lessons import LESSONS, Lesson, keras_code
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig


@dataclass(frozen=True)
class TaskPage:
    """What differs between the task pages; ``render_task_page`` does the rest."""

    key: str  # page key, also the session slot of its model; title and intro: the catalog
    cells: tuple[str, ...]
    # Draw the data widgets; return (lesson key, datasets.load name, options), options
    # None when there is no data to load and the controls already said why.
    data_controls: Callable[[], tuple[str, str, dict | None]]
    # Data widget name -> value that "As in the tutorial" restores.
    tutorial_data: Callable[[Lesson], dict[str, Any]]
    data_picture: Callable[[datasets.Dataset], Any]
    input_hint: Callable[[datasets.Dataset], str]
    # The data widgets a link may set (name = widget name, bounds as for any setting).
    data_params: tuple[schema.Param, ...] = ()
    # Drawn under the first screen once a model exists (the next-number test part).
    more_results: Callable[[Any, datasets.Dataset], None] | None = None


def render_task_page(page: TaskPage) -> None:
    projector.title(t(f"page.{page.key}"))
    st.caption(t(f"intro.{page.key}"))
    lesson_path.show(page.key, lambda key: apply_preset(page, key))
    params = {**settings.SETTING_PARAMS, **{p.name: p for p in page.data_params}}
    params["cell"] = dataclasses.replace(params["cell"], choices=page.cells)
    saved_runs.restore(page.key, page.cells)  # a reload: the student's runs come back
    moved_to = classroom.take_preset(page.key)  # the class moved here, to this experiment
    if moved_to in presets.of(page.key):
        apply_preset(page, moved_to)
    url_state.restore(page.key, params, lambda key: apply_preset(page, key))
    url_state.show_note(page.key)
    run = state.get_run(st.session_state, page.key)
    # Once a model exists the data folds away (one constant label: it stays open while
    # its widgets are used); a bad data setting is reported outside, where it is seen.
    # The first Train folds it in the same run (a rerun to fold it cost every student of a
    # class half a page run more at the busiest moment).
    clicked = st.session_state.get(state.button(page.key, "train"), False)
    box = st.expander(t("task.data_folded")) if run or clicked else st.container()
    with box:
        lesson_key, dataset, options = page.data_controls()
    lesson = LESSONS[lesson_key]
    settings.init_settings(page.key, lesson)
    settings.ensure(state.widget(page.key, "input"), lesson.example_input)
    spec = config = ds = None
    try:
        ds = None if options is None else cached.load_dataset(dataset, **options)
    except ValueError as exc:
        st.error(i18n.error(exc))
    if ds is not None:
        with box:
            show_data(page, ds)
    # In projector mode the settings are a row right above Train, else in the sidebar;
    # a teacher's link (teacher=1) shows only those its experiment needs.
    compact = projector.on()
    only = current_preset(page).needs if url_state.teacher() else ()
    draw = settings.settings_row if compact else settings.settings_sidebar
    panel = draw(page.key, page.cells, only)
    if only:
        panel.button(
            t("settings.show_all"),
            key=state.button(page.key, "all_settings"),
            on_click=url_state.leave_teacher_mode,
            help=t("settings.show_all.help"),
        )
    panel.button(
        t("settings.tutorial"),
        key=state.button(page.key, "tutorial"),
        on_click=settings.apply_lesson,
        args=(page.key, lesson_key, page.tutorial_data(lesson)),
        help=t("settings.tutorial.help", seed=lesson.seed_file, title=lesson.title),
        width="stretch",
    )
    try:
        spec, config = settings.read_settings(page.key)
    except ValueError as exc:
        (st if compact else st.sidebar).error(i18n.error(exc))
    ready = ds is not None and spec is not None and config is not None
    preset_row(page)
    run = train_section(page, lesson_key, dataset, options, spec, config, ready)
    if run is not None and run.model is not None:
        trained_on = cached.load_dataset(run.dataset, **run.data_options)
        if page.more_results is not None:
            page.more_results(run, trained_on)
        results.show_more(page, run, trained_on)
        class_board.submit_button(page.key, board_summary(page, run, trained_on))
    export_panel.show(page, run)
    run_history.show(page.key)
    if ready:
        show_code(lesson, spec, config, ds)
        # the settings just changed compile in an idle worker while the student reaches
        # for Train (nothing happens when their loop is known already)
        pool.pool().warm(Experiment.of(dataset, options, spec, config), keep=False)
    url_state.publish(page.key, params, preset_values(page, current_preset(page).key))


def board_summary(page: TaskPage, run, ds: datasets.Dataset) -> dict:
    """What goes on the class board: the run's settings (those that differ from the chosen
    experiment spelled out), its final loss and accuracy, and its headline."""
    now = {**dataclasses.asdict(run.spec), **dataclasses.asdict(run.config), **run.data_options}
    base = preset_values(page, current_preset(page).key)
    changed = [f"{name} {now[name]}" for name in base if name in now and now[name] != base[name]]
    return {
        "page": page.key, "cell": run.spec.cell, "units": run.spec.units,
        "layers": run.spec.layers, "epochs": run.epochs_done, "seed": run.config.seed,
        "loss": finite_last(run.history.get("loss", [])),
        "accuracy": finite_last(run.history.get("accuracy", [])),
        "outcome": results.headline(run, ds), "settings": settings.describe_run(run),
        "changed": changed,
    }  # fmt: skip


def finite_last(values: list[float]) -> float | None:
    return float(values[-1]) if values and math.isfinite(values[-1]) else None


def current_preset(page: TaskPage) -> presets.Preset:
    chosen = st.session_state.get(state.widget(page.key, "preset")) or presets.TUTORIAL
    return presets.of(page.key)[chosen]


def preset_values(page: TaskPage, key: str) -> dict[str, Any]:
    """Widget name -> value after choosing preset ``key``: its lesson, then its settings."""
    preset = presets.of(page.key)[key]
    lesson = LESSONS[preset.lesson or page.key]
    values = {**settings.lesson_settings(lesson), **page.tutorial_data(lesson)}
    values["patience"] = lesson.config.patience
    values.update({p.name: p.default for p in page.data_params if p.name not in values})
    return {**values, **preset.settings}


def apply_preset(page: TaskPage, key: str) -> None:
    """Set every setting as preset ``key`` has it (a link, or a click on its name)."""
    preset = presets.of(page.key)[key]
    lesson = LESSONS[preset.lesson or page.key]
    values = {**page.tutorial_data(lesson), **preset.settings}
    settings.apply_lesson(page.key, lesson.key, values)
    st.session_state[state.widget(page.key, "preset")] = key


def _preset_chosen(page: TaskPage) -> None:
    key = st.session_state.get(state.widget(page.key, "preset"))
    if key:
        apply_preset(page, key)


def preset_row(page: TaskPage) -> None:
    """Ready-made experiments as one row of choices, the chosen one's question beside."""
    choices = presets.of(page.key)
    if not choices:
        return
    settings.ensure(state.widget(page.key, "preset"), presets.TUTORIAL)
    pick, question = st.columns([3, 2], vertical_alignment="center")
    pick.pills(
        t("task.experiments"),
        list(choices),
        format_func=lambda key: t(f"preset.{key}"),
        key=state.widget(page.key, "preset"),
        on_change=_preset_chosen,
        args=(page,),
        label_visibility="collapsed",
        width="stretch",
        wrap=True,  # five presets (or Korean titles) do not fit one line beside the question
    )
    preset = current_preset(page)
    with question:
        text, share = st.columns([5, 1], vertical_alignment="center")
        text.caption(t(f"question.{page.key}.{preset.key}"))
        with share.popover("", icon=":material/link:", help=t("task.share.help")):
            st.caption(t("task.share.students"))
            st.code(url_state.link(page.key, preset.key), language=None)
            st.caption(t("task.share.teacher"))
            st.code(url_state.link(page.key, preset.key, as_teacher=True), language=None)


def train_section(
    page: TaskPage,
    lesson: str,
    dataset: str,
    options: dict,
    spec: ModelSpec | None,
    config: TrainConfig | None,
    ready: bool,
):
    """Train and the outcome on one screen: the status line (or what is out of date) and
    the headline beside the button, the loss curve beside the predictions below them."""
    button, status, headline = st.columns([1, 3, 2], vertical_alignment="center")
    clicked = button.button(
        t("task.train"),
        key=state.button(page.key, "train"),
        type="primary",
        disabled=not ready,
        width="stretch",
    )
    if clicked and ready:
        try:
            training_panel.submit(page.key, lesson, dataset, options, spec, config)
        except ValueError as exc:
            status.error(i18n.error(exc))  # the previous run, if any, stays as it was
    run = state.get_run(st.session_state, page.key)
    training_panel.settle(run)
    if run is None:
        status.caption(t("task.press_train"))
        return run
    if run.in_progress:
        training_panel.live_panel(page.key)
        return run
    stale = settings.changed_settings(run, spec, config, options) if ready else []
    training_panel.show_status(run, stale, where=status)
    curve, outcome = st.columns([1, 1])
    with curve:
        training_panel.finished_chart(run)
        if "accuracy" in run.history and (run.spec.dropout or run.spec.recurrent_dropout):
            st.caption(t("task.dropout_note"))
    if run.model is not None:
        ds = cached.load_dataset(run.dataset, **run.data_options)
        said = results.headline(run, ds)
        headline.metric(t("task.headline"), said, help=t("task.headline.help"))
        with outcome:
            results.show_predictions(run, ds, stale=bool(stale))
    else:
        said = training_panel.status_text(run)[1]
    run_history.record(page.key, run, said)
    return run


def show_data(page: TaskPage, ds: datasets.Dataset) -> None:
    """The data as a table and a picture."""
    left, right = st.columns([2, 3])
    left.markdown(t("task.data", description=data_description(ds)))
    if ds.task == "regression":
        left.caption(scaler_note(ds))
    left.dataframe(data_table(ds), hide_index=True, width="stretch")
    right.plotly_chart(page.data_picture(ds), theme=None)


def data_description(ds: datasets.Dataset) -> str:
    """The dataset's own sentence, in the page's language."""
    if ds.name == "hello":
        text = ds.options["text"]
        return t("data.hello", inputs=text[:-1], targets=text[1:], vocab=ds.vocab)
    if ds.name == "next_number":
        if ds.series is not None:
            return held_out.describe(ds)
        return t(f"data.next_number.{ds.options.get('variant', 'small')}")
    if ds.name == "sequence_classification":
        return t("data.sequence_classification")
    return ds.description


def show_code(lesson: Lesson, spec: ModelSpec, config: TrainConfig, ds: datasets.Dataset) -> None:
    with st.expander(t("task.code")):
        left, right = st.columns(2)
        left.markdown(t("task.code.tutorial", seed=lesson.seed_file, expected=lesson.expected))
        left.code(lesson.tutorial_code, language="python")
        right.markdown(t("task.code.yours"))
        right.code(keras_code(spec, config, ds), language="python")


def data_table(ds: datasets.Dataset) -> pd.DataFrame:
    """The training data as a person reads it: one row per sample (per step for text)."""
    if ds.task == "next_char":
        text = ds.options["text"]
        return pd.DataFrame(
            {
                "step": range(1, len(text)),
                "input": list(text[:-1]),
                "one-hot input": [str(row.astype(int).tolist()) for row in ds.x[0]],
                "target (next)": list(text[1:]),
            }
        )
    if ds.task == "regression":
        return pd.DataFrame(series.table(ds))
    table = pd.DataFrame(ds.raw_x, columns=[f"t{t + 1}" for t in range(ds.timesteps)])
    table["class"] = ds.targets()
    return table


def scaler_note(ds: datasets.Dataset) -> str:
    """One sentence on how the data was scaled, and what the scaler was fitted on."""
    return held_out.scaler_note(ds)
