"""The server's one training pool, and who a browser session is to it.

Every session of the server submits its training runs to the same ``JobPool`` (a
``st.cache_resource``): at most one job per core trains at once, identical experiments
train once, and a job whose sessions have all gone (tab closed, session expired) is
cancelled. The pool's workers are separate processes, so this module never imports
TensorFlow.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from lstm_core.jobs import JobPool


def session_alive(session_id: str) -> bool:
    """True while the browser session ``session_id`` is connected to this server."""
    if not Runtime.exists():  # AppTest and scripts: no server, nobody can leave
        return True
    return Runtime.instance().is_active_session(session_id)


@st.cache_resource(show_spinner=False)
def pool() -> JobPool:
    """The process-wide pool (workers start now, in the background)."""
    return JobPool(owner_alive=session_alive)


def owner() -> str:
    """This browser session's id: the owner of the jobs it submits."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "script"
