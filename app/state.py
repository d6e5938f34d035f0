"""Every session-state key of the app, in one place, and the record of one training run.

Widget keys start with ``WIDGET_PREFIX`` ("w:") so that ``app/main.py`` can keep their
values alive while the user is on another page (Streamlit forgets the state of widgets
that are not drawn in a run). Buttons and clickable charts use other prefixes: their
state cannot be set through ``st.session_state``.

This module imports no TensorFlow: the home page imports it and must open fast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from lstm_core.jobs import Job
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

WIDGET_PREFIX = "w:"  # value widgets: kept across pages by app/main.py
BUTTON_PREFIX = "b:"  # buttons: their state cannot be set, never persisted
CHART_PREFIX = "c:"  # clickable charts (on_select): never persisted

# The task pages, in navigation order; a trained model is kept per page.
TASK_PAGES = ("sequence_classification", "next_number", "hello")

# Inside the cell: which model to open (set by a task page's "Look inside" button).
INSIDE_REQUEST = "inside_request"

# Home page.
HOME_HIGHLIGHT = "w:home:highlight"


def widget(page: str, name: str) -> str:
    """Key of a value widget, e.g. ``widget("hello", "units") == "w:hello:units"``."""
    return f"{WIDGET_PREFIX}{page}:{name}"


def button(page: str, name: str) -> str:
    return f"{BUTTON_PREFIX}{page}:{name}"


def chart(page: str, name: str) -> str:
    return f"{CHART_PREFIX}{page}:{name}"


def path_step(page: str) -> str:
    """The step (1-based) of the page's lesson path this session is at (app.lesson_path)."""
    return widget(page, "path_step")


def run_key(page: str) -> str:
    """Where a page's trained model lives: ``"run:<page>"`` holds a ``Run``."""
    return f"run:{page}"


# Projector mode (the toggle, also ``?projector=1``): bigger text, settings above the result.
PROJECTOR = "w:app:projector"
# Teacher mode (``?teacher=1``): a page shows only the controls its experiment needs.
TEACHER = "w:app:teacher"
# The interface language (``?lang=en|ko``).
LANGUAGE = "w:app:lang"


def generated_key(page: str) -> str:
    return f"generated:{page}"


@dataclass
class Run:
    """One training run of a page: its settings, its job, and (once done) its own model.

    The job trains in a worker process and may be shared with other sessions that
    submitted the same experiment; the model is this session's alone, built from the
    job's final weights when it is done (``app.training_panel.settle``).
    """

    page: str
    lesson: str  # the LESSONS key whose tutorial settings the page started from
    spec: ModelSpec
    config: TrainConfig
    dataset: str  # datasets.load name
    data_options: dict  # datasets.load options, so the same data can be rebuilt
    job: Job
    model: Any = None  # a keras.Model, owned by this session only (never cached)
    pending_model: Any = None  # built at Train (same seed as the worker's), weights come later
    changes: list[str] = field(default_factory=list)  # settings changed since the previous run
    replay_from: float | None = None  # when a too-fast curve started replaying (monotonic)
    recorded: bool = False  # kept in the page's run history (app.run_history)
    submitted: float = field(default_factory=time.monotonic)  # when Train was pressed

    @property
    def in_progress(self) -> bool:
        return not self.job.done

    @property
    def history(self) -> dict[str, list[float]]:
        return self.job.history

    @property
    def epochs_done(self) -> int:
        return self.job.epochs_done

    @property
    def stop_reason(self) -> str:
        return self.job.stop_reason

    @property
    def message(self) -> str:
        return self.job.message

    @property
    def seconds(self) -> float:
        return self.job.seconds


def get_run(session: Any, page: str) -> Run | None:
    return session.get(run_key(page))


def trained_runs(session: Any) -> dict[str, Run]:
    """Every page's run that has a model, in navigation order."""
    runs = {page: session.get(run_key(page)) for page in TASK_PAGES}
    return {page: run for page, run in runs.items() if run is not None and run.model is not None}


def keep_widget_values(session: Any) -> None:
    """Re-assign every value-widget key so Streamlit keeps it while its page is not shown."""
    for key in list(session.keys()):
        if isinstance(key, str) and key.startswith(WIDGET_PREFIX):
            session[key] = session[key]
