"""Compare cells (seeds 001, 002, 004): SimpleRNN, LSTM, GRU and a Dense-only network."""

from dataclasses import replace

import streamlit as st

from app import comparison, projector, settings, state
from lstm_core import schema
from lstm_core.lessons import LESSONS
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = comparison.PAGE
TASKS = {
    "sequence_classification": "Sequence classification (seed 000)",
    "next_number": "Next number (seed 001)",
    "hello": "Hello (seed 001)",
}
KNOBS = ((ModelSpec, "units"), (TrainConfig, "epochs"), (TrainConfig, "learning_rate"),
         (TrainConfig, "seed"))  # fmt: skip


def w(name: str) -> str:
    return state.widget(PAGE, name)


projector.title("Compare cells")
st.caption(
    "One task, the same settings, four networks: SimpleRNN, LSTM, GRU and a Dense-only "
    "network that sees the whole window at once (seed 001's “LSTM as DNN”). All four "
    "train at the same time on the server; the table fills as each one finishes."
)
settings.ensure(w("task"), "sequence_classification")
task = st.radio("Task", list(TASKS), format_func=TASKS.get, key=w("task"), horizontal=True)
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

if st.button("▶ Train all four", key=state.button(PAGE, "train"), type="primary"):
    comparison.submit_all(task, spec, config)
current = comparison.runs(task)
if any(run.in_progress for run in current.values()):
    comparison.live(task)
elif current:
    comparison.finished(task)
else:
    st.caption("Press Train: four loss curves grow on one chart, one per cell.")
comparison.warm(task, lesson.spec, lesson.config)  # the defaults compile while you read
