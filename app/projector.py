"""Projector mode: one toggle (also ``?projector=1``) for a class watching one screen.

On: the page text is larger, the task pages' settings move from the sidebar to a
compact row above Train (so the sidebar is gone), and the URL carries
``?projector=1`` so a teacher's link opens in the same mode. The toggle sits beside
every page's title (``projector.title``), so it costs no room on the page.
"""

from __future__ import annotations

import streamlit as st

from app import i18n, state

PARAM = "projector"

# Larger text in projector mode (the charts set their own 16–20 px fonts).
PROJECTOR_CSS = (
    "html{font-size:18px}[data-testid='stMainBlockContainer']{padding-left:2rem;padding-right:2rem}"
)


def init() -> None:
    """First run of a session: the mode comes from the URL (a teacher's link)."""
    if state.PROJECTOR not in st.session_state:
        st.session_state[state.PROJECTOR] = st.query_params.get(PARAM) == "1"


def on() -> bool:
    return bool(st.session_state.get(state.PROJECTOR, False))


def apply() -> None:
    """The mode's style and the URL parameter; ``app/main.py`` calls it before the page."""
    init()
    if on():
        st.html(f"<style>{PROJECTOR_CSS}</style>")
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def title(text: str) -> None:
    """A page's title with the language switch and the projector toggle at its right."""
    heading, language, toggle = st.columns([10, 2, 2], vertical_alignment="center")
    heading.title(text)
    st.session_state.setdefault(state.LANGUAGE, "en")
    language.selectbox(
        i18n.t("app.language"),
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=state.LANGUAGE,
        label_visibility="collapsed",
    )
    toggle.toggle(i18n.t("app.projector"), key=state.PROJECTOR, help=i18n.t("app.projector.help"))
