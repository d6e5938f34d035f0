"""Every test (and every app server a test starts) keeps its runs in a throw-away store,
never in the user's own ``~/.local/share/lstm-explorer/runs.db``."""

from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    if not os.environ.get("LSTM_EXPLORER_DB"):
        folder = tempfile.mkdtemp(prefix="lstm-explorer-tests-")
        os.environ["LSTM_EXPLORER_DB"] = f"sqlite:///{folder}/runs.db"
