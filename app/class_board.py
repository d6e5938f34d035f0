"""The class board: a student submits a run's summary (opt-in), everyone in the class reads
the board, the teacher hides an entry or clears it. Never a model: only the summary."""

from __future__ import annotations

import streamlit as st

from app import classroom, i18n, state, student
from app.classroom import NICKNAME, code
from app.i18n import t
from lstm_core.store import StoreUnavailable


def submit_button(page: str, summary: dict) -> None:
    """A task page with a trained run, in a class: put the run on the board (opt-in)."""
    if code() is None:
        return
    sent = st.session_state.get(f"class:sent:{page}")
    label = t("class.submit.done") if sent == summary else t("class.submit")
    if st.button(label, key=state.button(page, "submit"), disabled=sent == summary,
                 icon=":material/upload:", help=t("class.submit.help")):  # fmt: skip
        db, token = student.store(), student.token()
        try:
            if db is None or token is None:
                raise StoreUnavailable(student.problem())
            db.submit(code(), token, str(st.session_state.get(NICKNAME, "")), summary)
        except ValueError as exc:
            st.error(i18n.error(exc))
        else:
            st.session_state[f"class:sent:{page}"] = summary
            st.rerun()


def board_entries(include_hidden: bool = False) -> list | None:
    """The board of this session's class (None: no class, or the store is down)."""
    room, db = code(), student.store()
    if room is None or db is None:
        return None
    try:
        return db.list_board(room, include_hidden=include_hidden)
    except ValueError as exc:
        st.session_state[classroom.ERROR_KEY] = i18n.error(exc)
        return None


def hide(entry_id: int, hidden: bool) -> None:
    db, token = student.store(), student.token()
    try:
        db.hide_entry(code(), token, entry_id, hidden)
    except (ValueError, AttributeError) as exc:
        st.session_state[classroom.ERROR_KEY] = i18n.error(exc)


def clear() -> None:
    db, token = student.store(), student.token()
    try:
        db.clear_board(code(), token)
    except (ValueError, AttributeError) as exc:
        st.session_state[classroom.ERROR_KEY] = i18n.error(exc)
