"""The settings of a task page, all from the one schema: widgets, reading them, describing them.

Every bound, label, step and help text comes from ``lstm_core.schema`` through
``ModelSpec`` and ``TrainConfig``; this module only decides which widget shows a
setting and keeps the widgets' values in session state (``app.state`` keys).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from app import i18n, state
from app.state import Run
from lstm_core import schema
from lstm_core.lessons import LESSONS, OPTIMIZER_CLASSES, Lesson
from lstm_core.models import CELL_NAMES, HEAD_DENSE, ModelSpec, hidden_dense
from lstm_core.training import TrainConfig

MODEL_FIELDS = ("cell", "units", "layers", "dropout", "recurrent_dropout", "activation")
DENSE_FIELDS = HEAD_DENSE  # the hidden Dense layers: dense_units, dense_units_2, dense_units_3
HEAD_FIELDS = (*DENSE_FIELDS, "head", "loss")
TRAIN_FIELDS = ("epochs", "batch_size", "learning_rate", "optimizer", "seed", "validation_split")
# Every setting a link may carry, under the schema's own names.
SETTING_PARAMS = {
    **{name: schema.describe(ModelSpec, name) for name in MODEL_FIELDS + HEAD_FIELDS},
    **{name: schema.describe(TrainConfig, name) for name in TRAIN_FIELDS + ("patience", "monitor")},
}


def ensure(key: str, default: Any) -> None:
    """Give a widget its first value through session state (never both that and value=)."""
    if key not in st.session_state:
        st.session_state[key] = default


def param_widget(
    container: Any,
    p: schema.Param,
    key: str,
    *,
    options: list | None = None,
    format_func: Callable[[Any], str] = str,
    disabled: bool = False,
) -> Any:
    """The widget for one schema parameter: bounds, step, label and help come from ``p``."""
    label, help_text = i18n.param_label(p.name, p.label), i18n.param_help(p.name, p.help)
    common = {"label": label, "key": key, "help": help_text or None, "disabled": disabled}
    if p.choices is not None or options is not None:
        choices = list(options if options is not None else p.choices)
        return container.selectbox(options=choices, format_func=format_func, **common)
    whole = isinstance(p.default, int) or (p.optional and isinstance(p.lo, int))
    if whole and p.hi is not None and p.hi - p.lo <= 10:
        return container.slider(min_value=int(p.lo), max_value=int(p.hi), step=1, **common)
    if whole:
        return container.number_input(
            min_value=int(p.lo), max_value=int(p.hi), step=int(p.step or 1), **common
        )
    if not p.log:
        return container.slider(
            min_value=float(p.lo), max_value=float(p.hi), step=float(p.step), **common
        )
    steps = schema.log_steps(p)
    if st.session_state.get(key) not in steps:  # a value set elsewhere stays selectable
        steps = sorted({*steps, float(st.session_state[key])})
    return container.select_slider(options=steps, format_func=lambda v: f"{v:g}", **common)


def lesson_settings(lesson: Lesson) -> dict[str, Any]:
    """Widget name -> value for every setting of a lesson (what "As in the tutorial" sets)."""
    values = {name: getattr(lesson.spec, name) for name in MODEL_FIELDS + HEAD_FIELDS}
    values.update({name: getattr(lesson.config, name) for name in TRAIN_FIELDS})
    values["early_stopping"] = lesson.config.patience is not None
    values["patience"] = lesson.config.patience or schema.describe(TrainConfig, "patience").on_value
    values["monitor"] = lesson.config.monitor
    return values


def init_settings(page: str, lesson: Lesson) -> None:
    for name, value in lesson_settings(lesson).items():
        ensure(state.widget(page, name), value)


def apply_lesson(page: str, lesson_key: str, data: dict[str, Any] | None = None) -> None:
    """Callback: set every setting widget (and the given data widgets) to the lesson's values."""
    lesson = LESSONS[lesson_key]
    values = {**lesson_settings(lesson), "input": lesson.example_input, **(data or {})}
    for name, value in values.items():
        st.session_state[state.widget(page, name)] = value


def setting_widget(container: Any, page: str, name: str, cells: tuple[str, ...]) -> Any:
    """The widget of one model or training setting (``cell`` offers the page's cells)."""
    key = state.widget(page, name)
    if name == "cell":
        p = schema.describe(ModelSpec, "cell")
        return param_widget(container, p, key, options=list(cells), format_func=CELL_NAMES.get)
    if name == "optimizer":
        p = schema.describe(TrainConfig, name)
        return param_widget(container, p, key, options=list(p.choices),
                            format_func=OPTIMIZER_CLASSES.get)  # fmt: skip
    if name in TRAIN_FIELDS:
        return param_widget(container, schema.describe(TrainConfig, name), key)
    no_time = name in ("dropout", "recurrent_dropout") and (
        st.session_state[state.widget(page, "cell")] == "dense"
    )
    return param_widget(container, schema.describe(ModelSpec, name), key, disabled=no_time)


def early_stopping_widgets(container: Any, page: str) -> None:
    patience = schema.describe(TrainConfig, "patience")
    container.toggle(
        i18n.t("settings.early_stopping"),
        key=state.widget(page, "early_stopping"),
        help=i18n.param_help("patience", patience.help),
    )
    if st.session_state[state.widget(page, "early_stopping")]:
        param_widget(container, patience, state.widget(page, "patience"))
        # the validation loss can be watched only when there is validation data
        no_validation = not st.session_state[state.widget(page, "validation_split")]
        param_widget(container, schema.describe(TrainConfig, "monitor"),
                     state.widget(page, "monitor"), disabled=no_validation)  # fmt: skip


def settings_sidebar(page: str, cells: tuple[str, ...], only: tuple[str, ...] = ()) -> Any:
    """Model and training settings in the sidebar; every bound and label from the schema.

    ``only`` (teacher mode) draws just those settings; the others keep their values."""
    bar = st.sidebar
    if only:
        bar.subheader(i18n.t("settings.experiment"))
        for name in (n for n in MODEL_FIELDS + HEAD_FIELDS + TRAIN_FIELDS if n in only):
            setting_widget(bar, page, name, cells)
        return bar
    bar.subheader(i18n.t("settings.model"))
    for name in MODEL_FIELDS + DENSE_FIELDS:
        setting_widget(bar, page, name, cells)
    with bar.expander(i18n.t("settings.head")):
        for name in ("head", "loss"):
            setting_widget(st, page, name, cells)
    bar.subheader(i18n.t("settings.training"))
    for name in TRAIN_FIELDS:
        setting_widget(bar, page, name, cells)
    early_stopping_widgets(bar, page)
    return bar


# Projector mode: the settings a lesson turns most, in one row above Train.
ROW_FIELDS = ("cell", "units", "layers", "epochs", "learning_rate")


def settings_row(page: str, cells: tuple[str, ...], only: tuple[str, ...] = ()) -> Any:
    """The same settings as a compact row (the rest in a "More settings" pop-over);
    returns the pop-over, for the page's own extra buttons. ``only``: teacher mode."""
    if only:
        names = [n for n in MODEL_FIELDS + HEAD_FIELDS + TRAIN_FIELDS if n in only]
        columns = st.columns(len(names) + 1, vertical_alignment="bottom")
        for column, name in zip(columns, names, strict=False):
            setting_widget(column, page, name, cells)
        return columns[-1]
    columns = st.columns([3, 2, 2, 2, 3, 2], vertical_alignment="bottom")
    for column, name in zip(columns, ROW_FIELDS, strict=False):
        setting_widget(column, page, name, cells)
    more = columns[-1].popover(i18n.t("settings.more"), width="stretch")
    rest = [n for n in MODEL_FIELDS + HEAD_FIELDS + TRAIN_FIELDS if n not in ROW_FIELDS]
    for name in rest:
        setting_widget(more, page, name, cells)
    early_stopping_widgets(more, page)
    return more


def read_settings(page: str) -> tuple[ModelSpec, TrainConfig]:
    """The widgets' values as a ModelSpec and a TrainConfig (ValueError if out of bounds)."""
    value = lambda name: st.session_state[state.widget(page, name)]  # noqa: E731
    spec = ModelSpec(**{name: value(name) for name in MODEL_FIELDS + HEAD_FIELDS})
    patience = value("patience") if value("early_stopping") else None
    monitor = value("monitor") if value("validation_split") else "loss"
    config = TrainConfig(**{name: value(name) for name in TRAIN_FIELDS}, patience=patience,
                         monitor=monitor)  # fmt: skip
    return spec, config


def describe_spec(spec: ModelSpec) -> str:
    many = spec.layers > 1
    layers = i18n.t("describe.layers", n=spec.layers) if many else i18n.t("describe.layer")
    text = f"{CELL_NAMES[spec.cell]} · {i18n.t('describe.units', n=spec.units)} · {layers}"
    if hidden_dense(spec):
        text += " · " + "-".join(f"Dense({units})" for units in hidden_dense(spec))
    return text


def describe_run(run: Run) -> str:
    lr = f"lr {run.config.learning_rate:g}"
    return f"{describe_spec(run.spec)} · {i18n.t('describe.epochs', n=run.epochs_done)} · {lr}"


def changed_settings(run: Run, spec: ModelSpec, config: TrainConfig, options: dict) -> list[str]:
    """Human list of what differs between the run's settings and the current ones."""
    changes = []
    for old, new in ((run.spec, spec), (run.config, config)):
        for p in schema.params(old):
            before, after = getattr(old, p.name), getattr(new, p.name)
            if before != after:
                label = i18n.param_label(p.name, p.label).lower()
                changes.append(f"{label} {_show(before)} → {_show(after)}")
    for name in sorted(set(run.data_options) | set(options)):
        before, after = run.data_options.get(name), options.get(name)
        if before != after:
            changes.append(f"{name.replace('_', ' ')} {_show(before)} → {_show(after)}")
    return changes


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        value = CELL_NAMES.get(value, value)
        return value if len(value) <= 30 else value[:27] + "…"  # a whole series is too long
    return f"{value:g}" if isinstance(value, float) else str(value)
