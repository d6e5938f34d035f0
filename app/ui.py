"""Shared page building blocks: schema-driven settings, the task-page flow, live training.

The three task pages (sequence classification, next number, hello) are one flow with
small per-page parts (``TaskPage``): data controls, the data picture and table, and the
hint under the input box. ``render_task_page`` draws the rest: settings in the sidebar
(built from ``lstm_core.schema``), the Keras code, Train / Stop with live curves,
predictions, "your input", and the link to the inside of the model.

The Stop button works by interruption: clicking any widget while the script runs makes
Streamlit raise inside the next ``st.`` call, i.e. inside ``on_epoch`` while it draws.
The run is stored in session state before training and its history grows epoch by epoch,
so the next script run finds ``in_progress`` still set and reports "Stopped at epoch k".
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app import cached, charts, runtime, state
from app.state import Run
from lstm_core import datasets, models, params, predict, schema, training
from lstm_core.lessons import LESSONS, Lesson, keras_code
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

runtime.keep_keras_session()

MODEL_FIELDS = ("cell", "units", "layers", "dropout", "recurrent_dropout", "activation")
HEAD_FIELDS = ("dense_units", "head", "loss")
TRAIN_FIELDS = ("epochs", "batch_size", "learning_rate", "seed")
DEFAULT_PATIENCE = 10  # shown when early stopping is switched on for a lesson without it
DRAW_INTERVAL = 0.2  # seconds between two live redraws of the training chart
PAGE_TITLES = {
    "sequence_classification": "Sequence classification",
    "next_number": "Next number",
    "hello": "Hello",
}
INSIDE_PAGE = "views/inside.py"

# ---------------------------------------------------------------------------
# Settings widgets, all from the one schema
# ---------------------------------------------------------------------------


def ensure(key: str, default: Any) -> None:
    """Give a widget its first value through session state (never both that and value=)."""
    if key not in st.session_state:
        st.session_state[key] = default


def log_steps(lo: float, hi: float) -> list[float]:
    """1-2-5 steps from lo to hi, e.g. 1e-5, 2e-5, 5e-5, …, 0.5, 1 (for the learning rate)."""
    values = []
    for exponent in range(-12, 13):
        for mantissa in (1, 2, 5):
            value = float(f"{mantissa}e{exponent}")
            if lo <= value <= hi:
                values.append(value)
    return values


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
    common = {"label": p.label, "key": key, "help": p.help or None, "disabled": disabled}
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
    if p.step is not None:
        return container.slider(
            min_value=float(p.lo), max_value=float(p.hi), step=float(p.step), **common
        )
    steps = log_steps(p.lo, p.hi)
    if st.session_state.get(key) not in steps:  # a value set elsewhere stays selectable
        steps = sorted({*steps, float(st.session_state[key])})
    return container.select_slider(options=steps, format_func=lambda v: f"{v:g}", **common)


def lesson_settings(lesson: Lesson) -> dict[str, Any]:
    """Widget name -> value for every setting of a lesson (what "As in the tutorial" sets)."""
    values = {name: getattr(lesson.spec, name) for name in MODEL_FIELDS + HEAD_FIELDS}
    values.update({name: getattr(lesson.config, name) for name in TRAIN_FIELDS})
    values["early_stopping"] = lesson.config.patience is not None
    values["patience"] = lesson.config.patience or DEFAULT_PATIENCE
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


def settings_sidebar(page: str, cells: tuple[str, ...]) -> None:
    """Model and training settings in the sidebar; every bound and label from the schema."""
    bar = st.sidebar
    w = lambda name: state.widget(page, name)  # noqa: E731
    bar.subheader("Model")
    param_widget(
        bar,
        schema.describe(ModelSpec, "cell"),
        w("cell"),
        options=list(cells),
        format_func=lambda c: CELL_NAMES[c],
    )
    dense = st.session_state[w("cell")] == "dense"
    for name in MODEL_FIELDS[1:]:
        no_time = dense and name in ("dropout", "recurrent_dropout")
        param_widget(bar, schema.describe(ModelSpec, name), w(name), disabled=no_time)
    param_widget(bar, schema.describe(ModelSpec, "dense_units"), w("dense_units"))
    with bar.expander("Output layer and loss"):
        for name in ("head", "loss"):
            param_widget(st, schema.describe(ModelSpec, name), w(name))
    bar.subheader("Training")
    for name in TRAIN_FIELDS:
        param_widget(bar, schema.describe(TrainConfig, name), w(name))
    patience = schema.describe(TrainConfig, "patience")
    bar.toggle("Early stopping", key=w("early_stopping"), help=patience.help)
    if st.session_state[w("early_stopping")]:
        param_widget(bar, patience, w("patience"))


def read_settings(page: str) -> tuple[ModelSpec, TrainConfig]:
    """The widgets' values as a ModelSpec and a TrainConfig (ValueError if out of bounds)."""
    value = lambda name: st.session_state[state.widget(page, name)]  # noqa: E731
    spec = ModelSpec(**{name: value(name) for name in MODEL_FIELDS + HEAD_FIELDS})
    patience = value("patience") if value("early_stopping") else None
    config = TrainConfig(**{name: value(name) for name in TRAIN_FIELDS}, patience=patience)
    return spec, config


# ---------------------------------------------------------------------------
# Describing runs and settings
# ---------------------------------------------------------------------------


def describe_spec(spec: ModelSpec) -> str:
    layers = f"{spec.layers} layers" if spec.layers > 1 else "1 layer"
    text = f"{CELL_NAMES[spec.cell]} · {spec.units} units · {layers}"
    if spec.dense_units:
        text += f" · Dense({spec.dense_units})"
    return text


def describe_run(run: Run) -> str:
    lr = f"lr {run.config.learning_rate:g}"
    return f"{describe_spec(run.spec)} · {run.epochs_done} epochs · {lr}"


def changed_settings(run: Run, spec: ModelSpec, config: TrainConfig, options: dict) -> list[str]:
    """Human list of what differs between the run's settings and the current ones."""
    changes = []
    for old, new in ((run.spec, spec), (run.config, config)):
        for p in schema.params(old):
            before, after = getattr(old, p.name), getattr(new, p.name)
            if before != after:
                changes.append(f"{p.label.lower()} {_show(before)} → {_show(after)}")
    for name in sorted(set(run.data_options) | set(options)):
        before, after = run.data_options.get(name), options.get(name)
        if before != after:
            changes.append(f"{name.replace('_', ' ')} {_show(before)} → {_show(after)}")
    return changes


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, str):
        return CELL_NAMES.get(value, value)
    return f"{value:g}" if isinstance(value, float) else str(value)


# ---------------------------------------------------------------------------
# Training with live curves; Stop by interruption
# ---------------------------------------------------------------------------


class LiveProgress:
    """``on_epoch`` for ``training.train``: append to the run's history, redraw ~5×/s."""

    def __init__(self, run: Run, total: int, chart_slot: Any, progress_slot: Any):
        self.run, self.total = run, total
        self.chart_slot, self.progress_slot = chart_slot, progress_slot
        self.last_draw = 0.0
        self.drawn = -1
        self.first: tuple[float, int] | None = None  # (time, epochs) at the first report

    def __call__(self, epoch: int, logs: dict) -> None:
        for name, value in logs.items():
            self.run.history.setdefault(name, []).append(float(value))
        now = time.perf_counter()
        if self.first is None:
            self.first = (now, self.run.epochs_done)
        if now - self.last_draw >= DRAW_INTERVAL:
            self.draw()

    def seconds_left(self) -> float | None:
        if self.first is None:
            return None
        start, done_then = self.first
        done = self.run.epochs_done - done_then
        if done < 1:
            return None
        return (time.perf_counter() - start) / done * (self.total - self.run.epochs_done)

    def draw(self) -> None:
        done = self.run.epochs_done
        if done == self.drawn:  # the same figure twice in one run is a duplicate element
            return
        self.drawn, self.last_draw = done, time.perf_counter()
        left = self.seconds_left()
        text = f"Epoch {done} of {self.total}"
        if done == 0:
            text = "Preparing… the first run of a new architecture compiles for a few seconds"
        elif left is not None and done < self.total:
            text += f" · about {left:.0f} s left"
        self.progress_slot.progress(min(1.0, done / self.total), text=text)
        self.chart_slot.plotly_chart(training_chart(self.run, live=True))


def training_chart(run: Run, live: bool = False) -> Any:
    """The loss/accuracy curves; a finished run's figure comes from the figure cache."""
    if live:  # a new figure every redraw: not worth keeping
        return charts.training_curves(run.history, run.config.epochs, title="Training")
    return cached.figure("training_curves", run.history, run.config.epochs, title="Training")


def train_new_run(
    page: str,
    lesson: str,
    dataset: str,
    options: dict,
    ds: datasets.Dataset,
    spec: ModelSpec,
    config: TrainConfig,
    chart_slot: Any,
    progress_slot: Any,
) -> Run:
    """Build a fresh model, store it before training, train it with live progress.

    A ValueError from ``build`` leaves the previous run in place; one from ``train`` is
    recorded on the new run. Streamlit's interruption (Stop) propagates out of
    ``on_epoch``; the stored run then keeps the model and every epoch reported so far.
    """
    model = models.build(spec, ds, seed=config.seed)
    history = {"loss": []} if ds.task == "regression" else {"loss": [], "accuracy": []}
    run = Run(page, lesson, model, spec, config, dataset, dict(options), history=history)
    st.session_state[state.run_key(page)] = run
    st.session_state.pop(state.generated_key(page), None)
    live = LiveProgress(run, config.epochs, chart_slot, progress_slot)
    live.draw()
    try:
        result = training.train(model, ds, config, on_epoch=live)
    except ValueError as exc:
        run.in_progress, run.stop_reason, run.message = False, "error", str(exc)
        raise
    run.in_progress = False
    run.stop_reason, run.message, run.seconds = result.stop_reason, result.message, result.seconds
    live.draw()
    progress_slot.empty()
    return run


def settle_interrupted(run: Run | None) -> None:
    """A run still marked in progress at the start of a script run was interrupted (Stop)."""
    if run is not None and run.in_progress:
        run.in_progress = False
        run.stop_reason = "stopped"
        run.message = (
            f"Stopped at epoch {run.epochs_done} of {run.config.epochs} — "
            "the model trained so far is kept."
        )


def show_status(run: Run) -> None:
    if run.stop_reason == "completed":
        st.success(
            f"Trained {run.epochs_done} epochs in {run.seconds:.1f} s.",
            icon=":material/check_circle:",
        )
    elif run.stop_reason == "early_stopping":
        st.info(
            f"{run.message} Ran {run.epochs_done} of {run.config.epochs} epochs "
            f"in {run.seconds:.1f} s.",
            icon=":material/stop_circle:",
        )
    elif run.stop_reason in ("nan", "error"):
        st.error(run.message)
    elif run.stop_reason == "stopped":
        st.warning(run.message, icon=":material/stop_circle:")


# ---------------------------------------------------------------------------
# Predictions (tables and chart arguments; the maths stays in the core)
# ---------------------------------------------------------------------------


def input_labels(ds: datasets.Dataset) -> list[str]:
    """What each sample shows as its input: "[1, 2, 3]" from "[1, 2, 3] → 4"."""
    return [label.split(" → ")[0] for label in ds.labels]


def close_enough(prediction: float, target: float) -> bool:
    """A regression prediction counts as right within 5 % of the target (at least ±0.05)."""
    return abs(prediction - target) <= 0.05 * max(1.0, abs(target))


def predictions_figure(ds: datasets.Dataset, preds: np.ndarray) -> Any:
    if ds.task == "regression":
        decoded = [ds.decode(row) for row in preds]
        return cached.figure("predictions_vs_targets", ds.targets(), decoded, input_labels(ds))
    if ds.task == "next_char":
        steps = [f"{t + 1}: {ch} →" for t, ch in enumerate(ds.options["text"][:-1])]
        return cached.figure(
            "predictions_vs_targets", ds.y, preds, steps, task="next_char", class_names=ds.vocab
        )
    return cached.figure(
        "predictions_vs_targets",
        ds.y,
        preds,
        input_labels(ds),
        task="classification",
        class_names=ds.class_names,
    )


def prediction_rows(ds: datasets.Dataset, preds: np.ndarray) -> pd.DataFrame:
    """One row per sample (per step for next character): input, target, prediction, ✓/✗."""
    rows = []
    if ds.task == "next_char":
        text = ds.options["text"]
        for t, (ch, target) in enumerate(zip(text[:-1], text[1:], strict=True)):
            guess = ds.decode(preds[0, t])
            prob = float(np.max(preds[0, t]))
            rows.append(
                {"step": t + 1, "input": ch, "target": target, "prediction": guess,
                 "probability": round(prob, 3), "": "✓" if guess == target else "✗"}
            )  # fmt: skip
        return pd.DataFrame(rows)
    for label, target, row in zip(input_labels(ds), ds.targets(), preds, strict=True):
        guess = ds.decode(row)
        if ds.task == "regression":
            ok = close_enough(guess, target)
            rows.append(
                {"input": label, "target": f"{target:g}", "prediction": f"{guess:.3f}",
                 "error": f"{guess - target:+.3f}", "": "✓" if ok else "✗"}
            )  # fmt: skip
        else:
            rows.append(
                {"input": label, "target": target, "prediction": guess,
                 "score": round(float(row[guess]), 3), "": "✓" if guess == target else "✗"}
            )  # fmt: skip
    return pd.DataFrame(rows)


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
    prefix = "t" if ds.task == "classification" else "x"
    columns = [f"{prefix}{t + 1}" for t in range(ds.timesteps)]
    table = pd.DataFrame(ds.raw_x, columns=columns)
    table["class" if ds.task == "classification" else "y"] = ds.targets()
    if ds.scaler is not None:
        table["x scaled"] = [", ".join(f"{v:.2f}" for v in row) for row in ds.x[..., 0]]
        table["y scaled"] = [f"{float(v):.2f}" for v in ds.y.reshape(-1)]
    return table


def scaler_note(ds: datasets.Dataset) -> str:
    """One sentence on how the data was scaled (fitted on the training windows only)."""
    sc = ds.scaler
    if sc is None:
        return "No scaling: the network sees the raw numbers."
    how = {"minmax": "min-max: (v − min) / (max − min)", "standard": "(v − mean) / std"}[sc.kind]
    return (
        f"Scaled with {how}, fitted on the training windows only "
        f"(offset {sc.offset:g}, scale {sc.scale:.4g}); your inputs are scaled the same way "
        "and predictions scaled back."
    )


# ---------------------------------------------------------------------------
# The task page
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskPage:
    """What differs between the task pages; ``render_task_page`` does the rest."""

    key: str  # page key, also the session slot of its model
    title: str
    intro: str
    cells: tuple[str, ...]
    # Draw the data widgets; return (lesson key, datasets.load name, options).
    data_controls: Callable[[], tuple[str, str, dict]]
    # Data widget name -> value that "As in the tutorial" restores.
    tutorial_data: Callable[[Lesson], dict[str, Any]]
    data_picture: Callable[[datasets.Dataset], Any]
    input_hint: Callable[[datasets.Dataset], str]


def render_task_page(page: TaskPage) -> None:
    st.title(page.title)
    st.caption(page.intro)
    run = state.get_run(st.session_state, page.key)
    settle_interrupted(run)
    lesson_key, dataset, options = page.data_controls()
    lesson = LESSONS[lesson_key]
    init_settings(page.key, lesson)
    ensure(state.widget(page.key, "input"), lesson.example_input)
    settings_sidebar(page.key, page.cells)
    st.sidebar.button(
        "↺ As in the tutorial",
        key=state.button(page.key, "tutorial"),
        on_click=apply_lesson,
        args=(page.key, lesson_key, page.tutorial_data(lesson)),
        help=f"Restore the settings of seed {lesson.seed_file}: {lesson.title}.",
        width="stretch",
    )
    spec = config = ds = None
    try:
        spec, config = read_settings(page.key)
    except ValueError as exc:
        st.sidebar.error(str(exc))
    try:
        ds = cached.load_dataset(dataset, **options)
    except ValueError as exc:
        st.error(str(exc))
    if ds is not None:
        show_data(page, ds)
    run = train_section(page, lesson_key, dataset, options, ds, spec, config)
    if run is not None:
        if spec is not None and config is not None and not run.in_progress:
            warn_out_of_date(run, spec, config, options)
        show_results(page, run, cached.load_dataset(run.dataset, **run.data_options))
    if spec is not None and config is not None and ds is not None:
        show_code(lesson, spec, config, ds)
    warm_up_lesson(lesson)  # last, so the page is drawn before TensorFlow loads


def warm_up_lesson(lesson: Lesson) -> None:
    """Compile the lesson's default architecture in the background while the page is read."""
    try:
        ds = cached.load_dataset(lesson.dataset, **lesson.dataset_options)
    except ValueError:
        return
    training.warm_up_in_background(lesson.spec, ds, lesson.config)


def warn_out_of_date(run: Run, spec: ModelSpec, config: TrainConfig, options: dict) -> None:
    changes = changed_settings(run, spec, config, options)
    if changes:
        st.warning(
            f"**Out of date** — this model was trained with {describe_run(run)}. "
            f"Changed since: {'; '.join(changes)}. Press Train to use the new settings; "
            "until then the results below are the old model's.",
            icon=":material/warning:",
        )


def show_data(page: TaskPage, ds: datasets.Dataset) -> None:
    left, right = st.columns([2, 3])
    left.markdown(f"**Data** — {ds.description}")
    if ds.task == "regression":
        left.caption(scaler_note(ds))
    left.dataframe(data_table(ds), hide_index=True, width="stretch")
    right.plotly_chart(page.data_picture(ds))


def show_code(lesson: Lesson, spec: ModelSpec, config: TrainConfig, ds: datasets.Dataset) -> None:
    with st.expander("Keras code: the tutorial and your settings"):
        left, right = st.columns(2)
        left.markdown(f"**Tutorial (seed {lesson.seed_file})** — {lesson.expected}")
        left.code(lesson.tutorial_code, language="python")
        right.markdown("**Your settings**")
        right.code(keras_code(spec, config, ds), language="python")


def train_section(
    page: TaskPage,
    lesson: str,
    dataset: str,
    options: dict,
    ds: datasets.Dataset | None,
    spec: ModelSpec | None,
    config: TrainConfig | None,
) -> Run | None:
    """Train / Stop buttons, progress and the curves; returns the page's current run."""
    ready = ds is not None and spec is not None and config is not None
    buttons = st.columns([1, 1, 4])
    clicked = buttons[0].button(
        "▶ Train",
        key=state.button(page.key, "train"),
        type="primary",
        disabled=not ready,
        width="stretch",
        help="Build a fresh model with these settings and train it." if ready else None,
    )
    stop_slot = buttons[1].empty()
    progress_slot, chart_slot = st.empty(), st.empty()
    run = state.get_run(st.session_state, page.key)
    if clicked and ready:
        stop_slot.button("■ Stop", key=state.button(page.key, "stop"), width="stretch")
        try:
            run = train_new_run(
                page.key, lesson, dataset, options, ds, spec, config, chart_slot, progress_slot
            )
        except ValueError as exc:
            run = state.get_run(st.session_state, page.key)
            if run is None or run.stop_reason != "error":  # else show_status reports it
                st.error(str(exc))
        stop_slot.empty()
    elif run is not None:
        chart_slot.plotly_chart(training_chart(run))
    if run is not None:
        show_status(run)
    else:
        st.caption("Press Train: the loss curve grows epoch by epoch; Stop keeps what was learnt.")
    return run


def show_results(page: TaskPage, run: Run, ds: datasets.Dataset) -> None:
    digest = cached.weights_digest(run.model)
    preds = cached.predict(run.model, digest, ds.x)
    st.subheader("Predictions on the training data")
    left, right = st.columns([3, 2])
    left.plotly_chart(predictions_figure(ds, preds))
    right.dataframe(prediction_rows(ds, preds), hide_index=True, width="stretch")
    if ds.task == "regression":
        right.caption("✓ = within 5 % of the target.")
    with right.expander("Parameters of this model"):
        show_params(run.model)
    st.subheader("Try your own input")
    your_input(page, run, ds, digest)
    if ds.task == "next_char":
        generate_box(page, run, ds, digest)
    if st.button("Look inside this model →", key=state.button(page.key, "inside")):
        st.session_state[state.INSIDE_REQUEST] = page.key
        st.switch_page(INSIDE_PAGE)


def show_params(model) -> None:
    rows = [dataclasses.asdict(row) for row in params.explain(model)]
    table = pd.DataFrame(rows)[["name", "kind", "formula", "filled", "count"]]
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        f"Total {int(table['count'].sum()):,} parameters. An LSTM has four gates, "
        "each a Dense over [hₜ₋₁, xₜ]: 4·(units·(units + input_dim) + units)."
    )


def your_input(page: TaskPage, run: Run, ds: datasets.Dataset, digest: str) -> None:
    left, right = st.columns([2, 3])
    text = left.text_input("Your input", key=state.widget(page.key, "input"))
    left.caption(page.input_hint(ds))
    try:
        answer = cached.answer(run.model, digest, ds, repr((ds.name, ds.options)), text)
    except ValueError as exc:
        left.error(str(exc))
        return
    if ds.task == "regression":
        left.metric("Prediction", f"{answer.value:.3f}")
        return
    if ds.task == "next_char":
        left.metric("Next character", repr(answer.next_char))
        left.caption(f"At every step the model predicts: '{text}' → '{answer.value}'")
        title = f"What comes after '{text}'?"
    else:
        left.metric("Prediction", f"class {answer.value}")
        title = "Score of each class"
    try:
        right.plotly_chart(
            cached.figure(
                "probability_bars",
                answer.probabilities,
                answer.labels,
                title=title,
                axis_title="next character" if ds.task == "next_char" else "class",
            )
        )
    except ValueError as exc:
        right.info(f"No probability chart: {exc} (the output activation is not a probability).")


def generate_box(page: TaskPage, run: Run, ds: datasets.Dataset, digest: str) -> None:
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    n_key = state.widget(page.key, "generate_n")
    ensure(n_key, 10)
    left.number_input("Characters to generate", min_value=1, step=1, key=n_key)
    prefix = st.session_state[state.widget(page.key, "input")]
    if right.button("Generate", key=state.button(page.key, "generate")):
        try:
            text = predict.continue_text(run.model, ds, prefix, st.session_state[n_key])
        except ValueError as exc:
            st.error(str(exc))
            return
        st.session_state[state.generated_key(page.key)] = (digest, prefix, text)
    generated = st.session_state.get(state.generated_key(page.key))
    if generated is not None and generated[0] == digest:
        _, prefix, text = generated
        st.markdown(f"#### `{prefix}`**`{text[len(prefix) :]}`**")
        st.caption("Each predicted character is fed back in to predict the next one.")


# ---------------------------------------------------------------------------
# Inside the cell
# ---------------------------------------------------------------------------

EXPLAIN = {
    "h": "**h — hidden state**, short-term memory: the layer's output at every step.",
    "c": "**c — cell state**, long-term memory: changed only by forget × and input +.",
    "input": "**input gate i** — how much of the candidate is written into c (1 = write).",
    "forget": "**forget gate f** — how much of c is kept (near 1 = remember, 0 = forget).",
    "candidate": "**candidate** — the new content proposed from xₜ and hₜ₋₁ (−1…1).",
    "output": "**output gate o** — how much of the squashed c is shown as h.",
    "update": "**update gate z** — Keras: h = z·hₜ₋₁ + (1−z)·h̃, so z near 1 keeps the old h.",
    "reset": "**reset gate r** — how much of hₜ₋₁ the candidate may look at.",
}
GATE_KIND = {"h": "activation", "c": "activation", "candidate": "activation"}


def time_labels(ds: datasets.Dataset, values: Any) -> list[str]:
    """One label per time step: the number or character read at that step."""
    if ds.task == "next_char":
        return list(values)
    return [f"{float(v):g}" for v in np.asarray(values).reshape(-1)]


def sample_input(ds: datasets.Dataset, index: int) -> tuple[np.ndarray, list[str]]:
    """A training sample as a model input (1, T, F) with its time labels."""
    if ds.task == "next_char":
        return ds.x[index : index + 1], time_labels(ds, ds.options["text"][:-1])
    return ds.x[index : index + 1], time_labels(ds, ds.raw_x[index])


def typed_input(ds: datasets.Dataset, text: str) -> tuple[np.ndarray, list[str]]:
    """A typed input as a model input with its time labels (ValueError on bad input)."""
    x = ds.encode(text)
    if ds.task == "next_char":
        return x, time_labels(ds, text)
    return x, time_labels(ds, datasets.parse_numbers(text))


def layer_panels(layer_trace) -> list[tuple[str, np.ndarray, str]]:
    """(name, values (T, units), heatmap kind) for h, c and every gate of one layer."""
    panels = [("h", layer_trace.h[0], "activation")]
    if layer_trace.c is not None:
        panels.append(("c", layer_trace.c[0], "activation"))
    for name, values in layer_trace.gates.items():
        panels.append((name, values[0], GATE_KIND.get(name, "gate")))
    return panels


def step_equation(cell: str, v: dict, activation: str) -> str:
    """The step's update written with its numbers, as the seeds write the equations."""
    if cell == "lstm":
        return (
            f"cₜ = f·cₜ₋₁ + i·c̃ = {v['forget']:.2f}·{v['c_prev']:.2f} + "
            f"{v['input']:.2f}·{v['candidate']:.2f} = **{v['c_t']:.3f}**  \n"
            f"hₜ = o·{activation}(cₜ) = {v['output']:.2f}·{activation}({v['c_t']:.2f}) = "
            f"**{v['h_t']:.3f}**"
        )
    if cell == "gru":
        return (
            f"hₜ = z·hₜ₋₁ + (1−z)·h̃ = {v['update']:.2f}·{v['h_prev']:.2f} + "
            f"(1−{v['update']:.2f})·{v['candidate']:.2f} = **{v['h_t']:.3f}**"
        )
    return f"hₜ = {activation}(W·xₜ + U·hₜ₋₁ + b) = **{v['h_t']:.3f}**"


def show_svg(svg: str) -> None:
    """Show an SVG diagram scaled to its column (``st.html`` would strip the SVG)."""
    st.image(svg, width="stretch")


def select_cell(key_t: str, key_unit: str, chart_key: str) -> None:
    """on_select callback of a heatmap: a click picks the unit (row) and the step (column)."""
    points = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[key_t] = int(points[0]["x"])
        st.session_state[key_unit] = int(points[0]["y"])


def clamp(key: str, size: int) -> None:
    """Keep an index widget's value inside 0..size-1 before the widget is drawn."""
    value = st.session_state.get(key, 0)
    if not isinstance(value, int) or not 0 <= value < size:
        st.session_state[key] = 0 if not isinstance(value, int) or value < 0 else size - 1


def activation_name(model, layer_name: str) -> str:
    """The activation of a model's layer by name ("tanh", "relu", …), for the equations."""
    activation = model.get_layer(layer_name).activation
    return getattr(activation, "__name__", str(activation))
