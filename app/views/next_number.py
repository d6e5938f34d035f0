"""Next number (seed 001): windows of numbers → the number that follows; scaling; LSTM vs Dense."""

import streamlit as st

from app import cached, csv_upload, settings, state
from app.i18n import t
from app.task_page import TaskPage, render_task_page
from lstm_core import schema

PAGE = "next_number"
VARIANTS = ("small", "wide", "own")  # labels: catalog "next.variant.<name>"
LESSON_OF = {"small": "next_number", "wide": "next_number_wide", "own": "next_number"}
SCALINGS = ("none", "minmax", "standard")  # labels: catalog "next.scaling.<name>"
MAX_WINDOW = 50
SOURCES = ("type", "upload")  # the own series: typed in a box, or a column of a CSV file


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
        ("source", "type"),
        ("window", 3),
    ):
        settings.ensure(w(name), default)
    left, right = st.columns([3, 2])
    left.radio(
        t("next.data"),
        VARIANTS,
        format_func=lambda v: t(f"next.variant.{v}"),
        key=w("variant"),
        horizontal=True,
        on_change=variant_changed,
    )
    right.radio(
        t("next.scaling"),
        SCALINGS,
        format_func=lambda s: t(f"next.scaling.{s}"),
        key=w("scaling"),
        horizontal=True,
    )
    variant = st.session_state[w("variant")]
    scaling = st.session_state[w("scaling")]
    options = {} if variant == "small" else {"variant": "wide"}  # = the lessons' options
    if variant == "own":
        options = own_series()
        if options is None:  # no good file yet: the uploader said why
            return LESSON_OF[variant], "next_number", None
    if scaling != "none":
        options["scaling"] = scaling
    return LESSON_OF[variant], "next_number", options


def own_series() -> dict | None:
    """The student's own series, typed or from a CSV column, and the window size (None
    while an upload gives no series)."""
    st.radio(
        t("csv.source"),
        SOURCES,
        format_func=lambda source: t(f"csv.source.{source}"),
        key=w("source"),
        horizontal=True,
    )
    data, window = st.columns([3, 1])
    with data:
        if st.session_state[w("source")] == "upload":
            series = csv_upload.series_from_csv(PAGE)  # "" while there is no good file
        else:
            st.text_input(t("next.series"), key=w("series"), help=t("next.series.help"))
            series = st.session_state[w("series")]
    window.number_input(t("next.window"), min_value=1, max_value=MAX_WINDOW, step=1,
                        key=w("window"))  # fmt: skip
    if st.session_state[w("source")] == "upload" and not series:
        return None
    return {"series": series, "window_size": st.session_state[w("window")]}


def picture(ds):
    if ds.series is not None:
        return cached.figure("series_windows", ds.series, ds.timesteps)
    return cached.figure("windows_chart", ds.raw_x, ds.raw_y)


def hint(ds) -> str:
    return t("next.hint", n=ds.timesteps)


render_task_page(
    TaskPage(
        key=PAGE,
        cells=("lstm", "gru", "simple_rnn", "dense"),
        data_controls=data_controls,
        tutorial_data=lambda lesson: {"scaling": "none"},
        data_picture=picture,
        input_hint=hint,
        data_params=(
            schema.Param("variant", "Data", "small", choices=VARIANTS),
            schema.Param("scaling", "Scaling", "none", choices=SCALINGS),
            schema.Param("source", "Series from", "type", choices=SOURCES),
            schema.Param("series", "Your series", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10", hi=2000),
            schema.Param("window", "Window size", 3, lo=1, hi=MAX_WINDOW),
        ),
    )
)
