"""Compare cells (seeds 001, 002, 004): SimpleRNN, LSTM, GRU and a Dense-only network."""

from dataclasses import replace

import streamlit as st

from app import comparison, projector, settings, state
from app.i18n import t
from lstm_core import schema
from lstm_core.lessons import LESSONS
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = comparison.PAGE
SEEDS = {"sequence_classification": "000", "next_number": "001", "hello": "001"}
KNOBS = ((ModelSpec, "units"), (TrainConfig, "epochs"), (TrainConfig, "learning_rate"),
         (TrainConfig, "seed"))  # fmt: skip


def w(name: str) -> str:
    return state.widget(PAGE, name)


projector.title(t("page.compare"))
st.caption(t("compare.caption"))
settings.ensure(w("task"), "sequence_classification")
tasks = {
    task: t("compare.task.choice", task=t(f"nav.{task}"), seed=seed) for task, seed in SEEDS.items()
}
task = st.radio(
    t("compare.task"), list(tasks), format_func=tasks.get, key=w("task"), horizontal=True
)
lesson = LESSONS[task]
for column, (schema_cls, name) in zip(st.columns(len(KNOBS)), KNOBS, strict=True):
    source = lesson.spec if schema_cls is ModelSpec else lesson.config
    settings.ensure(w(f"{task}:{name}"), getattr(source, name))
    settings.param_widget(column, schema.describe(schema_cls, name), w(f"{task}:{name}"))
value = lambda name: st.session_state[w(f"{task}:{name}")]  # noqa: E731
try:
    spec = lesson.spec.replace(units=value("units"))
    config = replace(lesson.config, epochs=value("epochs"), learning_rate=value("learning_rate"),
                     seed=value("seed"))  # fmt: skip
except ValueError as exc:
    st.error(str(exc))
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
