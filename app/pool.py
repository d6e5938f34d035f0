"""The server's one training pool, and who a browser session is to it.

Every session of the server submits its training runs to the same ``JobPool`` (a
``st.cache_resource``): at most one job per core trains at once, identical experiments
train once, and a job whose sessions have all gone (tab closed, session expired) is
cancelled. The pool's workers are separate processes, so this module never imports
TensorFlow.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from app import presets
from lstm_core.jobs import JobPool


def session_alive(session_id: str) -> bool:
    """True while the browser session ``session_id`` is connected to this server."""
    if not Runtime.exists():  # AppTest and scripts: no server, nobody can leave
        return True
    return Runtime.instance().is_active_session(session_id)


@st.cache_resource(show_spinner=False)
def pool() -> JobPool:
    """The process-wide pool. Its workers start now, in the background, and first compile
    every preset of every page (from the on-disk XLA cache after a restart), so that a
    class's first click finds its loop compiled, as it would before the restart."""
    jobs = JobPool(owner_alive=session_alive)
    for experiment in presets.every_experiment():
        jobs.warm(experiment)
    return jobs


def owner() -> str:
    """This browser session's id: the owner of the jobs it submits."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "script"


# Each session watching a live job redraws its panel on a timer: past this many redraws a
# second in all, the timers stretch (measured with bench/classroom.py: 60 panels at 0.3 s
# kept two cores busy redrawing, and a click waited ~2 minutes for its own rerun).
REDRAWS_PER_SECOND = 10.0


_replays: dict[str, float] = {}  # session -> when its replay of a fast run ends (monotonic)
_replays_lock = threading.Lock()


def replaying(owner: str, seconds: float) -> None:
    """``owner`` replays a finished curve for ``seconds``: its frames count as redraws."""
    with _replays_lock:
        _replays[owner] = time.monotonic() + seconds


def watching() -> int:
    """Sessions redrawing on a timer now: those watching a live job, and those replaying."""
    now = time.monotonic()
    with _replays_lock:
        for owner in [o for o, until in _replays.items() if until < now]:
            del _replays[owner]
        replays = len(_replays)
    return pool().live_owners() + replays


def refresh_seconds(fastest: float) -> float:
    """A live panel's timer: ``fastest`` while few sessions redraw, longer with many (a
    class whose 60 runs all end at once would otherwise replay 300 frames a second)."""
    return max(fastest, watching() / REDRAWS_PER_SECOND)


def live_fragment(fastest: float) -> Callable[[Callable], Callable]:
    """``st.fragment(run_every=fastest)`` for a panel that watches live jobs, its timer
    stretched by ``refresh_seconds`` when many sessions watch at once (set each time the
    page draws it)."""

    def wrap(body: Callable) -> Callable:
        @functools.wraps(body)
        def draw(*args, **kwargs):
            return st.fragment(body, run_every=refresh_seconds(fastest))(*args, **kwargs)

        return draw

    return wrap
