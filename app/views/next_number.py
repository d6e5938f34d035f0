"""Next number (seed 001): windows of numbers → the number that follows; scaling; LSTM vs Dense."""

import streamlit as st

from app import cached, settings, state
from app.task_page import TaskPage, render_task_page

PAGE = "next_number"
VARIANTS = {
    "small": "4 windows: [1,2,3] → 4",
    "wide": "13 windows, incl. [20,30,40] → 50",
    "own": "Your own series",
}
LESSON_OF = {"small": "next_number", "wide": "next_number_wide", "own": "next_number"}
SCALINGS = {"none": "none", "minmax": "min-max", "standard": "standard"}


def w(name: str) -> str:
    return state.widget(PAGE, name)


def variant_changed() -> None:
    """A new variant starts from its own tutorial settings (the wide one uses LSTM(200))."""
    settings.apply_lesson(PAGE, LESSON_OF[st.session_state[w("variant")]])


def data_controls() -> tuple[str, str, dict]:
    for name, default in (
        ("variant", "small"),
        ("scaling", "none"),
        ("series", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"),
        ("window", 3),
    ):
        settings.ensure(w(name), default)
    left, right = st.columns([3, 2])
    left.radio(
        "Data",
        list(VARIANTS),
        format_func=VARIANTS.get,
        key=w("variant"),
        horizontal=True,
        on_change=variant_changed,
    )
    right.radio(
        "Scaling", list(SCALINGS), format_func=SCALINGS.get, key=w("scaling"), horizontal=True
    )
    variant = st.session_state[w("variant")]
    scaling = st.session_state[w("scaling")]
    options = {} if variant == "small" else {"variant": "wide"}  # = the lessons' options
    if variant == "own":
        series, window = st.columns([3, 1])
        series.text_input("Your series", key=w("series"), help="Numbers separated by commas.")
        window.number_input("Window size", min_value=1, step=1, key=w("window"))
        options = {
            "series": st.session_state[w("series")],
            "window_size": st.session_state[w("window")],
        }
    if scaling != "none":
        options["scaling"] = scaling
    return LESSON_OF[variant], "next_number", options


def picture(ds):
    if ds.series is not None:
        return cached.figure("series_windows", ds.series, ds.timesteps)
    return cached.figure("windows_chart", ds.raw_x, ds.raw_y)


def hint(ds) -> str:
    return f"{ds.timesteps} numbers separated by commas, like 6, 7, 8."


render_task_page(
    TaskPage(
        key=PAGE,
        title="Next number",
        intro="Seed 001 · an LSTM reads a window of numbers and predicts the next one. "
        "Try the Dense cell for the seed's DNN comparison, and scaling for large numbers.",
        cells=("lstm", "gru", "simple_rnn", "dense"),
        data_controls=data_controls,
        tutorial_data=lambda lesson: {"scaling": "none"},
        data_picture=picture,
        input_hint=hint,
    )
)
