"""Hello (seed 001): from h, e, l, l predict e, l, l, o — one character at a time."""

import streamlit as st

from app import cached, settings, state
from app.i18n import t
from app.task_page import TaskPage, render_task_page
from lstm_core import schema

PAGE = "hello"


def data_controls() -> tuple[str, str, dict]:
    key = state.widget(PAGE, "text")
    settings.ensure(key, "hello")
    st.columns([1, 2])[0].text_input(
        t("hello.text"),
        key=key,
        max_chars=80,
        help=t("hello.text.help"),
    )
    return "hello", "hello", {"text": st.session_state[key]}


render_task_page(
    TaskPage(
        key=PAGE,
        cells=("lstm", "gru", "simple_rnn"),
        data_controls=data_controls,
        tutorial_data=lambda lesson: {"text": lesson.dataset_options["text"]},
        data_picture=lambda ds: cached.figure(
            "one_hot_matrix",
            list(ds.options["text"][:-1]),
            ds.vocab,
            title="Input characters, one-hot",
        ),
        data_params=(schema.Param("text", "Training text", "hello", hi=80),),
        input_hint=lambda ds: t("hello.hint", chars=", ".join(repr(ch) for ch in ds.vocab)),
    )
)
