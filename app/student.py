"""Who this browser is to the run store: a random token in a cookie, and the store itself.

No accounts: a student is ``secrets.token_urlsafe`` kept in the cookie ``COOKIE`` for a
year, so a reload, a laptop that slept or a server restart finds the same student (and
their saved runs) again. The store is opened once per server process; when it cannot be
opened (``LSTM_EXPLORER_DB`` wrong, PostgreSQL down, the SQLite file unwritable) the app
works on, with every run kept in the session only, and says so once; it tries again after
``RETRY_SECONDS``.
"""

from __future__ import annotations

import threading
import time

import streamlit as st

from app import i18n
from lstm_core.store import Store, StoreUnavailable, open_store
from lstm_core.store_values import TOKEN

COOKIE = "lstm_explorer_student"
TOKEN_KEY = "student_token"  # session state: this session's token
PROBLEM_KEY = "student_store_problem"  # session state: the sentence already shown
RETRY_SECONDS = 30.0

_lock = threading.Lock()
_opened: dict = {"store": None, "problem": "", "tried": -RETRY_SECONDS}


def store() -> Store | None:
    """The server's store, or None while it cannot be used (``problem()`` says why).

    The first open also deletes the classes older than the store's ``keep_days``.
    """
    with _lock:
        if _opened["store"] is None and time.monotonic() - _opened["tried"] >= RETRY_SECONDS:
            _opened["tried"] = time.monotonic()
            try:
                opened = open_store()
                opened.purge()
            except (StoreUnavailable, ValueError) as exc:
                _opened["problem"] = str(exc)
            else:
                _opened["store"], _opened["problem"] = opened, ""
        return _opened["store"]


def problem() -> str:
    """Why runs are kept in this session only ("" while the store works)."""
    return _opened["problem"]


def failed(exc: ValueError) -> None:
    """A store call failed: remember why, for ``warn_once``."""
    _opened["problem"] = str(exc)


def warn_once() -> None:
    """One caption per session when the store cannot keep this student's work."""
    sentence = problem()
    if sentence and st.session_state.get(PROBLEM_KEY) != sentence:
        st.session_state[PROBLEM_KEY] = sentence
        st.toast(i18n.error(sentence), icon=":material/cloud_off:")


def token() -> str | None:
    """This browser's student token: the session's, the cookie's, or a new one (None while
    the store is unavailable)."""
    known = st.session_state.get(TOKEN_KEY)
    if known:
        return known
    db = store()
    if db is None:
        return None
    cookie = st.context.cookies.get(COOKIE, "")
    cookie = cookie if isinstance(cookie, str) else ""  # AppTest: no browser, no cookie
    try:
        found = cookie if TOKEN.fullmatch(cookie) and db.has_student(cookie) else None
        st.session_state[TOKEN_KEY] = found or db.new_student()
    except StoreUnavailable as exc:
        failed(exc)
        return None
    return st.session_state[TOKEN_KEY]


def cookie_script() -> str:
    """JavaScript that keeps this session's token in the browser's cookie (or nothing)."""
    value = st.session_state.get(TOKEN_KEY)
    if not value or not TOKEN.fullmatch(value):  # only ever the store's own token shape
        return ""
    year = 365 * 24 * 3600
    return (
        f"<script>document.cookie = '{COOKIE}={value}; max-age={year}; path=/; "
        "SameSite=Lax';</script>"
    )
