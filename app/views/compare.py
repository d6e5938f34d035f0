"""Compare (seeds 000, 001, 002, 004): four cells, three optimizers, one experiment over
seeds, or 1 against 9 stacked layers over seeds (seed 001's deep stack)."""

from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from app import comparison, i18n, projector, settings, state, url_state
from app.i18n import t
from lstm_core import schema
from lstm_core.lessons import LESSONS
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

PAGE = comparison.PAGE
SEEDS = {"sequence_classification": "000", "next_number": "001",
         "next_number_wide": "001", "hello": "001"}  # fmt: skip
TASK_NAMES = {"next_number_wide": "compare.task.next_number_wide"}  # others: nav.<task>
DEFAULT_TASK = "sequence_classification"
SEED_COUNTS = {"seeds": 10, "depths": 3}  # the comparisons over seeds: how many by default
# seed 001's own comparison: its 13 windows, LSTM(10) stacked once or nine times
DEEP_STACK = {"task": "next_number_wide", "what": "depths", "units": 10, "seeds": 3}
KNOBS = ((ModelSpec, "units"), (TrainConfig, "epochs"), (TrainConfig, "learning_rate"),
         (TrainConfig, "seed"))  # fmt: skip


def w(name: str) -> str:
    return state.widget(PAGE, name)


def seeds_key() -> str:
    """Each comparison over seeds keeps its own count (10 seeds, but 3 per depth)."""
    return w("depths:seeds") if st.session_state.get(w("what")) == "depths" else w("seeds")


def link_key(name: str) -> str:
    """The widget of a setting in the link: each task keeps its own knobs."""
    task = st.session_state.get(w("task"), DEFAULT_TASK)
    if name == "seeds":
        return seeds_key()
    return w(name) if name in ("task", "what") else w(f"{task}:{name}")


def task_name(task: str) -> str:
    return t(TASK_NAMES[task]) if task in TASK_NAMES else t(f"nav.{task}")


projector.title(t("page.compare"))
st.caption(t("compare.caption"))
LINK = {"task": schema.Param("task", "Task", DEFAULT_TASK, choices=tuple(SEEDS)),
        "what": schema.Param("what", "Compare", "cells", choices=comparison.WHAT),
        "seeds": schema.Param("seeds", "Seeds", 10, lo=2, hi=comparison.MAX_SEEDS),
        **{name: schema.describe(cls, name) for cls, name in KNOBS}}  # fmt: skip
publish = url_state.lesson_page(PAGE, LINK, link_key)
settings.ensure(w("task"), DEFAULT_TASK)
tasks = {
    task: t("compare.task.choice", task=task_name(task), seed=seed) for task, seed in SEEDS.items()
}
task = st.radio(
    t("compare.task"), list(tasks), format_func=tasks.get, key=w("task"), horizontal=True
)
settings.ensure(w("what"), "cells")
settings.ensure(w("seeds"), SEED_COUNTS["seeds"])
settings.ensure(w("depths:seeds"), SEED_COUNTS["depths"])
pick_what, pick_seeds = st.columns([4, 1], vertical_alignment="bottom")
whats = {what: t(f"compare.what.{what}") for what in comparison.WHAT}  # words made now
pick_what.radio(t("compare.what"), comparison.WHAT, key=w("what"), horizontal=True,
                format_func=whats.get)  # fmt: skip
what = st.session_state[w("what")]
if what in SEED_COUNTS:
    pick_seeds.number_input(t("compare.seeds"), LINK["seeds"].lo, LINK["seeds"].hi,
                            key=seeds_key(), help=t("compare.seeds.help"))  # fmt: skip
if what == "depths":
    deep_stack = url_state.link(PAGE) + "?" + urlencode(DEEP_STACK)
    st.markdown(t("compare.depths.link", link=deep_stack))
lesson = LESSONS[task]
as_in_lesson = {name: getattr(lesson.spec if cls is ModelSpec else lesson.config, name)
                for cls, name in KNOBS}  # fmt: skip
for column, (schema_cls, name) in zip(st.columns(len(KNOBS)), KNOBS, strict=True):
    settings.ensure(w(f"{task}:{name}"), as_in_lesson[name])
    settings.param_widget(column, schema.describe(schema_cls, name), w(f"{task}:{name}"))
value = lambda name: st.session_state[w(f"{task}:{name}")]  # noqa: E731
publish({"task": DEFAULT_TASK, "what": "cells", "seeds": SEED_COUNTS.get(what, 10),
         **as_in_lesson})  # fmt: skip
try:
    spec = lesson.spec.replace(units=value("units"))
    config = replace(lesson.config, epochs=value("epochs"), learning_rate=value("learning_rate"),
                     seed=value("seed"))  # fmt: skip
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()

chosen = comparison.variants(what, spec, config, st.session_state[seeds_key()])
if what == "depths" and task == DEEP_STACK["task"]:
    st.caption(t("compare.depths.found"))  # what bench/deep_stacks.py measured
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
# the lesson's own cells (and seed 001's two depths) compile while you read
comparison.warm(task, comparison.variants("cells", lesson.spec, lesson.config, 0))
if what == "depths" and task == DEEP_STACK["task"]:
    deep = lesson.spec.replace(units=DEEP_STACK["units"])
    comparison.warm(task, comparison.variants("depths", deep, lesson.config, 1))
