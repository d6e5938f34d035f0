"""Compare (seeds 000, 001, 002, 004): four cells, three optimizers or one experiment over seeds."""

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
    return w(name) if name in ("task", "what", "seeds") else w(f"{task}:{name}")


projector.title(t("page.compare"))
st.caption(t("compare.caption"))
LINK = {"task": schema.Param("task", "Task", DEFAULT_TASK, choices=tuple(SEEDS)),
        "what": schema.Param("what", "Compare", "cells", choices=comparison.WHAT),
        "seeds": schema.Param("seeds", "Seeds", 10, lo=2, hi=comparison.MAX_SEEDS),
        **{name: schema.describe(cls, name) for cls, name in KNOBS}}  # fmt: skip
publish = url_state.lesson_page(PAGE, LINK, link_key)
settings.ensure(w("task"), DEFAULT_TASK)
tasks = {
    task: t("compare.task.choice", task=t(f"nav.{task}"), seed=seed) for task, seed in SEEDS.items()
}
task = st.radio(
    t("compare.task"), list(tasks), format_func=tasks.get, key=w("task"), horizontal=True
)
settings.ensure(w("what"), "cells")
settings.ensure(w("seeds"), LINK["seeds"].default)
pick_what, pick_seeds = st.columns([4, 1], vertical_alignment="bottom")
whats = {what: t(f"compare.what.{what}") for what in comparison.WHAT}  # words made now
pick_what.radio(t("compare.what"), comparison.WHAT, key=w("what"), horizontal=True,
                format_func=whats.get)  # fmt: skip
what = st.session_state[w("what")]
if what == "seeds":
    pick_seeds.number_input(t("compare.seeds"), LINK["seeds"].lo, LINK["seeds"].hi, key=w("seeds"),
                            help=t("compare.seeds.help"))  # fmt: skip
lesson = LESSONS[task]
as_in_lesson = {name: getattr(lesson.spec if cls is ModelSpec else lesson.config, name)
                for cls, name in KNOBS}  # fmt: skip
for column, (schema_cls, name) in zip(st.columns(len(KNOBS)), KNOBS, strict=True):
    settings.ensure(w(f"{task}:{name}"), as_in_lesson[name])
    settings.param_widget(column, schema.describe(schema_cls, name), w(f"{task}:{name}"))
value = lambda name: st.session_state[w(f"{task}:{name}")]  # noqa: E731
publish({"task": DEFAULT_TASK, "what": "cells", "seeds": LINK["seeds"].default, **as_in_lesson})
try:
    spec = lesson.spec.replace(units=value("units"))
    config = replace(lesson.config, epochs=value("epochs"), learning_rate=value("learning_rate"),
                     seed=value("seed"))  # fmt: skip
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()

chosen = comparison.variants(what, spec, config, st.session_state[w("seeds")])
if st.button(t(f"compare.train.{what}", n=len(chosen)), key=state.button(PAGE, "train"),
             type="primary"):  # fmt: skip
    comparison.submit_all(task, chosen, what)
current = comparison.runs(task, what, chosen)
if any(run.in_progress for run in current.values()):
    comparison.live(task, what, chosen)
elif current:
    comparison.finished(task, what, chosen)
else:
    st.caption(t(f"compare.press.{what}"))
# the lesson's own cells compile while you read
comparison.warm(task, comparison.variants("cells", lesson.spec, lesson.config, 0))
