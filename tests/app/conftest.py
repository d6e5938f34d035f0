"""Helpers for the AppTest page tests: run a page, read figures back out of the page."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

MAIN = str(Path(__file__).resolve().parents[2] / "app" / "main.py")
TIMEOUT = 120  # the first XLA compile of an architecture takes a few seconds


def open_page(page: str | None = None) -> AppTest:
    """Run the app (home) and, if given, switch to ``views/<page>.py``."""
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.run()
    if page is not None:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    """Every plotly chart of the page as its figure JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def figure_titled(at: AppTest, prefix: str) -> dict:
    found = [f for f in figures(at) if title_of(f).startswith(prefix)]
    assert found, f"no chart titled {prefix!r}: {[title_of(f) for f in figures(at)]}"
    return found[0]


def title_of(fig: dict) -> str:
    title = fig.get("layout", {}).get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


def array(value) -> np.ndarray:
    """A plotly JSON array: a plain list or Plotly's typed array {"dtype", "bdata"}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        if shape:
            data = data.reshape([int(n) for n in str(shape).split(",")])
        return data
    return np.asarray(value, dtype=float)


def dataframe_with(at: AppTest, column: str):
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    assert frames, f"no table with a {column!r} column"
    return frames[0]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def train(at: AppTest, page: str, **settings) -> AppTest:
    """Set sidebar settings by widget name, press Train, and check nothing broke."""
    for name, value in settings.items():
        key = f"w:{page}:{name}"
        at.get_by_key(key).set_value(value)
    at.run()
    at.button(key=f"b:{page}:train").click().run()
    assert not at.exception, at.exception
    return finish_training(at, page)


def finish_training(at: AppTest, page: str) -> AppTest:
    """Wait for the page's training job (a worker process trains it), then rerun the page."""
    from app import pool

    run = at.session_state[f"run:{page}"] if f"run:{page}" in at.session_state else None
    if run is not None:
        pool.pool().wait(run.job, timeout=TIMEOUT)
        at.run()
        assert not at.exception, at.exception
    return at


@pytest.fixture
def app_page():
    return open_page


@pytest.fixture
def fresh_store(tmp_path, monkeypatch):
    """A run store of the test's own, opened afresh (the app opens one per server)."""
    from app import student

    monkeypatch.setenv("LSTM_EXPLORER_DB", f"sqlite:///{tmp_path}/runs.db")
    monkeypatch.setattr(student, "_opened", {"store": None, "problem": "", "tried": -1e9})
    yield
    if student._opened["store"] is not None:
        student._opened["store"].close()
