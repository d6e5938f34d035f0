"""Sentiment (seeds 002 and 004): an Embedding turns words into vectors; RNN vs LSTM;
how padding, truncation and masking change what the last state has seen (seed 002)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from app import (
    cached,
    cell_view,
    charts,
    i18n,
    padding_lesson,
    pool,
    projector,
    sentiment_lesson,
    settings,
    state,
    training_panel,
    url_state,
)
from app.i18n import t
from app.sentiment_lesson import CELLS, CONFIG, EXAMPLE, PAGE, SPEC
from lstm_core import schema
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

KNOBS = ((ModelSpec, "units"), (ModelSpec, "embedding_dim"), (TrainConfig, "epochs"),
         (TrainConfig, "seed"))  # fmt: skip
SENTENCE_CHARS = 200


def w(name: str) -> str:
    return state.widget(PAGE, name)


def class_name(name: str) -> str:
    """A class of the corpus ("negative", "positive") in the page's language."""
    return t(f"sentiment.class.{name}") if name in ("negative", "positive") else name


projector.title(t("sentiment.title"))
st.caption(t("sentiment.caption"))

as_in_lesson = {name: getattr(SPEC if cls is ModelSpec else CONFIG, name) for cls, name in KNOBS}
as_in_lesson["sentence"] = EXAMPLE
as_in_lesson.update({name: p.default for name, p in padding_lesson.DATA.items()})
publish = url_state.lesson_page(PAGE, {
    **{name: schema.describe(cls, name) for cls, name in KNOBS},
    "sentence": schema.Param("sentence", "Sentence", EXAMPLE, hi=SENTENCE_CHARS),
    **padding_lesson.DATA,
})  # fmt: skip
for name, value in as_in_lesson.items():
    settings.ensure(w(name), value)
for column, (schema_cls, name) in zip(st.columns(len(KNOBS)), KNOBS, strict=True):
    settings.param_widget(column, schema.describe(schema_cls, name), w(name))
options = padding_lesson.settings_row()
publish(as_in_lesson)
value = lambda name: st.session_state[w(name)]  # noqa: E731
try:
    ds = cached.load_dataset("sentiment", **options)
    spec = SPEC.replace(units=value("units"), embedding_dim=value("embedding_dim"))
    config = replace(CONFIG, epochs=value("epochs"), seed=value("seed"))
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()
padding_lesson.cuts_caption(ds)

with st.expander(
    t("sentiment.data", train=len(ds.labels), held_out=len(ds.held_out.labels),
      words=len(ds.words)), expanded=False,
):  # fmt: skip
    sample = pd.DataFrame({
        t("sentiment.column.sentence"): ds.labels[:10],
        t("sentiment.column.label"): [class_name(ds.class_names[int(c)]) for c in ds.raw_y[:10]],
    })  # fmt: skip
    st.dataframe(sample, hide_index=True, width="stretch")
    st.caption(t("padding.vocabulary", steps=ds.timesteps, padding=ds.options["padding"],
                 truncating=ds.options["truncating"]))  # fmt: skip

current = sentiment_lesson.runs()
busy = any(run.in_progress for run in current.values())
if st.button(t("sentiment.train"), key=state.button(PAGE, "train"), type="primary",
             disabled=busy):  # fmt: skip
    try:
        sentiment_lesson.submit_both(options, spec, config)
    except ValueError as exc:
        st.error(i18n.error(exc))
    current = sentiment_lesson.runs()


@pool.live_fragment(0.4)
def live() -> None:
    training_panel.keep_page_settings()
    running = sentiment_lesson.runs()
    if not any(run.in_progress for run in running.values()):
        st.rerun()
    progress = {c: pool.pool().progress(run.job) for c, run in running.items()}
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    lstm = progress.get("lstm") or next(iter(progress.values()))
    text = " · ".join(f"{CELL_NAMES[c]}: {training_panel.progress_text(p)}"
                      for c, p in progress.items())  # fmt: skip
    bar.progress(training_panel.progress_fraction(lstm), text=text)
    button.button(t("task.stop"), key=state.button(PAGE, "stop"), width="stretch",
                  on_click=sentiment_lesson.stop_all)  # fmt: skip
    histories = {CELL_NAMES[c]: p.history.get("loss", []) for c, p in progress.items()}
    total = max(p.total for p in progress.values())
    curves = charts.compare_curves(histories, total, title="Training loss")
    st.plotly_chart(i18n.figure(curves), theme=None)


if busy or any(run.in_progress for run in current.values()):
    live()
    st.stop()
if not current:
    st.info(t("sentiment.press"))
    sentiment_lesson.warm(options)
    st.stop()

for run in current.values():
    training_panel.settle(run)
scores, curves = st.columns([2, 3])
with scores:
    st.markdown(t("sentiment.accuracy"))
    for column, cell in zip(st.columns(len(CELLS)), CELLS, strict=True):
        run = current.get(cell)
        accuracy = sentiment_lesson.held_out_accuracy(run) if run else None
        shown = f"{accuracy:.0%}" if accuracy is not None else "–"
        column.metric(CELL_NAMES[cell], shown, help=t("sentiment.accuracy.help"))
        if run is not None and run.stop_reason not in ("completed", "early_stopping"):
            column.caption(i18n.error(run.message))
    st.caption(t("sentiment.accuracy.note", n=len(ds.labels)))
histories = {CELL_NAMES[c]: run.history.get("loss", []) for c, run in current.items()}
curves.plotly_chart(
    cached.figure("compare_curves", histories, config.epochs, title="Training loss"), theme=None
)

st.subheader(t("sentiment.type"))
settings.ensure(w("reader"), "lstm")
typed, reader = st.columns([4, 2])
typed.text_input(t("sentiment.sentence"), key=w("sentence"), max_chars=SENTENCE_CHARS)
trained = [c for c in CELLS if c in current and current[c].model is not None]
if not trained:
    st.warning(t("sentiment.none"))
    st.stop()
if st.session_state[w("reader")] not in trained:
    st.session_state[w("reader")] = trained[-1]
reader.radio(t("sentiment.reader"), trained, format_func=CELL_NAMES.get, key=w("reader"),
             horizontal=True)  # fmt: skip
reader_run = current[st.session_state[w("reader")]]
try:
    reading = sentiment_lesson.reading(reader_run, st.session_state[w("sentence")])
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()
words = [word for word, _, _ in reading["steps"]]
unknown = [word for word, _, known in reading["steps"] if not known]
p = float(reading["answer"][1])
verdict = class_name("positive" if p >= 0.5 else "negative")
cell_name = CELL_NAMES[st.session_state[w("reader")]]
st.markdown(
    t("sentiment.says", cell=cell_name, verdict=verdict, p=f"{p:.2f}")
    + (t("sentiment.unknown", words=", ".join(unknown)) if unknown else "")
)
known = [known for _, _, known in reading["steps"]]
st.plotly_chart(i18n.figure(charts.reading_so_far(words, reading["positive"], known)), theme=None)
layer = reading["trace"]
labels = [("·" if word == "<pad>" else word) for word in words]
panels = cell_view.layer_panels(layer)
grid = st.columns(2)
for i, (name, data, kind) in enumerate(panels):
    with grid[i % 2]:
        title = cell_view.panel_label(name) + t("sentiment.heatmap")
        heatmap = charts.state_heatmap(data, kind, title, time_labels=labels)
        st.plotly_chart(i18n.figure(heatmap), theme=None)
        st.caption(cell_view.explain(name))

try:
    padding_lesson.final_state_view(reader_run, st.session_state[w("sentence")])
except ValueError as exc:
    st.error(i18n.error(exc))
padding_lesson.accuracy_view(ds, spec.replace(cell=reader_run.spec.cell), config)
