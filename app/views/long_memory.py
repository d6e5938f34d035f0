"""Long-term memory (seeds 001 and 004): remembering the first symbol across L steps."""

import streamlit as st

from app import (
    charts,
    i18n,
    lesson_path,
    memory_lesson,
    pool,
    projector,
    settings,
    state,
    url_state,
)
from app.i18n import t
from app.memory_lesson import CHANCE, LENGTHS
from lstm_core import schema

PAGE = memory_lesson.PAGE


def w(name: str) -> str:
    return state.widget(PAGE, name)


projector.title(t("page.long_memory"))
st.caption(t("memory.caption"))
lesson_path.show("long_memory")  # its guided steps (no presets: the text says what to set)

LINK = {
    "lengths": schema.Param("lengths", "Lengths", tuple(memory_lesson.DEFAULT_LENGTHS),
                            choices=tuple(LENGTHS)),
    "seeds": schema.Param("seeds", "Seeds", memory_lesson.DEFAULT_SEEDS, lo=1, hi=5),
    "epochs": schema.Param("epochs", "Epochs", memory_lesson.DEFAULT_EPOCHS, lo=5, hi=200),
    "grad_length": schema.Param("grad_length", "Length", 50, choices=tuple(LENGTHS)),
    "weights": schema.Param("weights", "Weights", "untrained", choices=("untrained", "trained")),
    "forget_bias": schema.Param("forget_bias", "Forget bias", True, choices=(True, False)),
}  # fmt: skip
publish = url_state.lesson_page(PAGE, LINK)
for name, p in LINK.items():
    settings.ensure(w(name), list(p.default) if isinstance(p.default, tuple) else p.default)
publish({name: p.default for name, p in LINK.items()})

st.subheader(t("memory.sweep"))
pick_lengths, pick_seeds, pick_epochs = st.columns([3, 1, 1])
pick_lengths.multiselect(t("memory.lengths"), LENGTHS, key=w("lengths"))
seeds, epochs = LINK["seeds"], LINK["epochs"]
pick_seeds.number_input(
    t("memory.seeds"), seeds.lo, seeds.hi, key=w("seeds"), help=t("memory.seeds.help")
)
pick_epochs.number_input(t("param.epochs"), epochs.lo, epochs.hi, step=5, key=w("epochs"))
st.caption(
    t("memory.each_run", samples=memory_lesson.SAMPLES, units=memory_lesson.DEFAULT_UNITS,
      rate=f"{memory_lesson.LEARNING_RATE:g}", held_out=memory_lesson.HELD_OUT)
)  # fmt: skip
sweep = memory_lesson.current()
go, stop = st.columns([1, 5])
if go.button(t("memory.run"), key=state.button(PAGE, "sweep"), type="primary",
             disabled=sweep is not None and not sweep.done):  # fmt: skip
    try:
        sweep = memory_lesson.submit(
            st.session_state[w("lengths")], st.session_state[w("seeds")],
            st.session_state[w("epochs")], memory_lesson.DEFAULT_UNITS,
        )  # fmt: skip
    except ValueError as exc:
        st.error(i18n.error(exc))


@pool.live_fragment(0.5)
def live() -> None:
    from app import training_panel

    training_panel.keep_page_settings()
    running = memory_lesson.current()
    if running is None or running.done:
        st.rerun()
    done = sum(job.done for job in running.jobs.values())
    bar, button = st.columns([5, 1], vertical_alignment="bottom")
    bar.progress(done / len(running.jobs), text=t("memory.progress", done=done,
                 total=len(running.jobs), seconds=f"{running.seconds:.0f}"))  # fmt: skip
    button.button(t("task.stop"), key=state.button(PAGE, "stop"), width="stretch",
                  on_click=memory_lesson.stop, args=(running,))  # fmt: skip
    show(running)


def show(sweep) -> None:
    left, right = st.columns([3, 2])
    results = memory_lesson.results(sweep)
    chart = charts.accuracy_by_length(results, sweep.lengths, CHANCE)
    left.plotly_chart(i18n.figure(chart), theme=None)
    right.dataframe(memory_lesson.table(sweep), hide_index=True, width="stretch")
    return right


if sweep is not None and not sweep.done:
    live()
elif sweep is not None:
    st.success(t("memory.finished", runs=len(sweep.jobs), seconds=f"{sweep.seconds:.0f}"))
    right = show(sweep)
    right.markdown("\n\n".join([t("memory.found"), *memory_lesson.summary(sweep)]))
else:
    st.info(t("memory.press"))

st.subheader(t("memory.why"))
st.caption(t("memory.why.caption"))
pick_length, pick_weights, pick_bias = st.columns([2, 2, 3])
pick_length.select_slider(t("memory.length"), options=LENGTHS, key=w("grad_length"))
length = st.session_state[w("grad_length")]
trained = memory_lesson.trained_jobs(sweep, length)
pick_weights.radio(
    t("memory.weights"),
    list(LINK["weights"].choices),
    format_func={name: t(f"memory.weights.{name}") for name in ("untrained", "trained")}.get,
    key=w("weights"),
    help=t("memory.weights.help"),
)
use_trained = st.session_state[w("weights")] == "trained"
pick_bias.toggle(
    t("memory.bias"),
    key=w("forget_bias"),
    disabled=use_trained,
    help=t("memory.bias.help"),
)
if use_trained and not trained:
    st.info(t("memory.no_trained", length=length))
    use_trained = False
with st.spinner(t("memory.computing")):
    if use_trained:
        curves = memory_lesson.trained_gradient_curves(trained)
    else:
        curves = memory_lesson.gradient_curves(length, st.session_state[w("forget_bias")])
memory_lesson.warm()  # the sweep's loops compile in idle workers while this page is read
chart, words = st.columns([3, 2])
chart.plotly_chart(i18n.figure(charts.gradient_flow(curves)), theme=None)
words.markdown("\n\n".join(memory_lesson.fading(curves)))
words.caption(t("memory.gradient_note"))
