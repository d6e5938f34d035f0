"""Next number (seeds 001 and 003): windows of numbers → the number that follows; scaling
fitted without leakage; several features per step; a target at every step; LSTM vs Dense."""

import streamlit as st

from app import cached, csv_upload, held_out, settings, state
from app.i18n import t
from app.task_page import TaskPage, render_task_page
from lstm_core import predict, schema, series

PAGE = "next_number"
VARIANTS = ("small", "wide", "own")  # labels: catalog "next.variant.<name>"
LESSON_OF = {"small": "next_number", "wide": "next_number_wide", "own": "next_number"}
SCALINGS = ("none", "minmax", "standard")  # labels: catalog "next.scaling.<name>"
MAX_WINDOW = 50
SOURCES = ("type", "upload")  # the own series: typed in a box, or a column of a CSV file
TEST_SHARE = 0.2  # the last fifth of an own series' windows is its test part


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
        ("scaler_fit", "train"),
        ("every_step", False),
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
        if variant == "own":
            options["scaler_fit"] = st.session_state[w("scaler_fit")]
    return LESSON_OF[variant], "next_number", options


def own_series() -> dict | None:
    """The student's own series, typed or from CSV columns, its window size, how it is
    scaled and what is predicted (None while an upload gives no series)."""
    st.radio(
        t("csv.source"),
        SOURCES,
        format_func=lambda source: t(f"csv.source.{source}"),
        key=w("source"),
        horizontal=True,
    )
    data, window = st.columns([3, 1])
    choice = None
    with data:
        if st.session_state[w("source")] == "upload":
            choice = csv_upload.choice_from_csv(PAGE)  # None while there is no good file
        else:
            st.text_input(t("next.series"), key=w("series"), help=t("next.series.help"))
    window.number_input(t("next.window"), min_value=1, max_value=MAX_WINDOW, step=1,
                        key=w("window"))  # fmt: skip
    fit, steps = st.columns([3, 2])
    fit.radio(
        t("series.scaler_fit"),
        series.SCALER_FITS,
        format_func=lambda how: t(f"series.scaler_fit.{how}"),
        key=w("scaler_fit"),
        horizontal=True,
        disabled=st.session_state[w("scaling")] == "none",
        help=t("series.scaler_fit.help"),
    )
    steps.toggle(t("series.every_step"), key=w("every_step"), help=t("series.every_step.help"))
    if st.session_state[w("source")] == "upload" and choice is None:
        return None
    options = {"window_size": st.session_state[w("window")], "test_share": TEST_SHARE}
    if choice is None:
        options["series"] = st.session_state[w("series")]
    else:
        options["series"] = choice.series
        if choice.extra:
            options.update(extra_features=choice.extra, series_name=choice.name)
    if st.session_state[w("every_step")]:
        options["every_step"] = True
    return options


def picture(ds):
    if ds.series is None:
        return cached.figure("windows_chart", ds.raw_x, ds.raw_y)
    extra = held_out.extra_columns(ds)
    test_from = held_out.test_from(ds)
    return cached.figure("series_windows", held_out.target_series(ds), ds.timesteps, extra=extra,
                         test_from=test_from, name=ds.feature_names[0])  # fmt: skip


def hint(ds) -> str:
    if ds.features > 1:
        names = ", ".join(ds.feature_names)
        example = predict.input_text(ds, held_out.last_window(ds))
        return t("series.hint.features", n=ds.timesteps, f=ds.features, names=names,
                 example=example)  # fmt: skip
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
            schema.Param("scaler_fit", "Scaler fitted on", "train", choices=series.SCALER_FITS),
            schema.Param("every_step", "Predict at every step", False, choices=(True, False)),
        ),
        more_results=held_out.show,
    )
)
