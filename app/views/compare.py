"""Compare cells (seeds 001, 002, 004): SimpleRNN, LSTM, GRU and a Dense-only network."""

from dataclasses import replace

import streamlit as st

from app import comparison, i18n, projector, settings, state, url_state
from app.i18n import t
from lstm_core import schema
from lstm_core.lessons import LESSONS
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = comparison.PAGE
SEEDS = {"sequence_classification": "000", "next_number": "001", "hello": "001"}
DEFAULT_TASK = "sequence_classification"
KNOBS = ((ModelSpec, "units"), (TrainConfig, "epochs"), (TrainConfig, "learning_rate"),
         (TrainConfig, "seed"))  # fmt: skip


def w(name: str) -> str:
    return state.widget(PAGE, name)


def link_key(name: str) -> str:
    """The widget of a setting in the link: each task keeps its own knobs."""
    task = st.session_state.get(w("task"), DEFAULT_TASK)
    return w("task") if name == "task" else w(f"{task}:{name}")


projector.title(t("page.compare"))
st.caption(t("compare.caption"))
LINK = {"task": schema.Param("task", "Task", DEFAULT_TASK, choices=tuple(SEEDS)),
        **{name: schema.describe(cls, name) for cls, name in KNOBS}}  # fmt: skip
publish = url_state.lesson_page(PAGE, LINK, link_key)
settings.ensure(w("task"), DEFAULT_TASK)
tasks = {
    task: t("compare.task.choice", task=t(f"nav.{task}"), seed=seed) for task, seed in SEEDS.items()
}
task = st.radio(
    t("compare.task"), list(tasks), format_func=tasks.get, key=w("task"), horizontal=True
)
lesson = LESSONS[task]
as_in_lesson = {name: getattr(lesson.spec if cls is ModelSpec else lesson.config, name)
                for cls, name in KNOBS}  # fmt: skip
for column, (schema_cls, name) in zip(st.columns(len(KNOBS)), KNOBS, strict=True):
    settings.ensure(w(f"{task}:{name}"), as_in_lesson[name])
    settings.param_widget(column, schema.describe(schema_cls, name), w(f"{task}:{name}"))
value = lambda name: st.session_state[w(f"{task}:{name}")]  # noqa: E731
publish({"task": DEFAULT_TASK, **as_in_lesson})
try:
    spec = lesson.spec.replace(units=value("units"))
    config = replace(lesson.config, epochs=value("epochs"), learning_rate=value("learning_rate"),
                     seed=value("seed"))  # fmt: skip
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()

if st.button(t("compare.train"), key=state.button(PAGE, "train"), type="primary"):
    comparison.submit_all(task, spec, config)
current = comparison.runs(task)
if any(run.in_progress for run in current.values()):
    comparison.live(task)
elif current:
    comparison.finished(task)
else:
    st.caption(t("compare.press"))
comparison.warm(task, lesson.spec, lesson.config)  # the defaults compile while you read
