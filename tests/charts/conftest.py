"""Shared test data and figure helpers for the chart tests (tests/charts/test_*.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the project may not be installed in the environment
    sys.path.insert(0, str(ROOT))

from lstm_core.datasets import SEQUENCES_000  # noqa: E402

SEQS = np.array(SEQUENCES_000, dtype=np.float32)[..., None]  # (6, 6, 1) as in seed 000
SEQ_LABELS = [f"seq {i + 1} → class {c}" for i, c in enumerate([1, 2, 3, 2, 3, 1])]
WINDOWS_X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]], dtype=float)
WINDOWS_Y = np.array([4, 5, 6, 7], dtype=float)


def _annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _heatmaps(fig: go.Figure) -> list[go.Heatmap]:
    return [t for t in fig.data if isinstance(t, go.Heatmap)]
