"""Explainer figures for the home page: the sigmoid and tanh transfer functions (seed 000)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts.style import (
    BASE_FONT_SIZE,
    HIGHLIGHT_COLOR,
    HIGHLIGHT_TEXT_COLOR,
    QUALITATIVE,
    _as_float_array,
    _style,
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + e^−x) without overflow warnings


def transfer_functions(x: np.ndarray | None = None, highlight: float | None = None) -> go.Figure:
    """Sigmoid and tanh side by side on x ∈ [−10, 10) step 0.2, with their output ranges.

    Dashed lines mark the range of each function (0 and 1 for sigmoid, −1 and 1 for
    tanh). With ``highlight`` a marker shows (highlight, f(highlight)) on both.
    """
    x = np.arange(-10.0, 10.0, 0.2) if x is None else _as_float_array(x, "x").ravel()
    if x.size == 0:
        raise ValueError("x is empty: give at least one point to plot.")
    panels = [
        ("sigmoid", _sigmoid, "σ(x)", (0.0, 1.0), "range (0, 1)", [-0.15, 1.15]),
        ("tanh", np.tanh, "tanh(x)", (-1.0, 1.0), "range (−1, 1)", [-1.25, 1.25]),
    ]
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=("sigmoid  σ(x) = 1 / (1 + e^−x)", "tanh(x)"),
        horizontal_spacing=0.1,
    )
    for col, (name, func, y_title, (low, high), range_text, y_range) in enumerate(panels, 1):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=func(x),
                mode="lines",
                name=name,
                line={"color": QUALITATIVE[col - 1], "width": 3},
                hovertemplate=f"x = %{{x:.2f}}<br>{y_title} = %{{y:.3f}}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        for level in (low, high):
            fig.add_hline(
                y=level, line={"dash": "dash", "color": "#666", "width": 1.5}, row=1, col=col
            )
        fig.add_annotation(
            x=float(x.min()),
            y=high,
            text=range_text,
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": BASE_FONT_SIZE, "color": "#444"},
            row=1,
            col=col,
        )
        if highlight is not None:
            _add_highlight(fig, float(highlight), func, y_title, (low + high) / 2, col)
        fig.update_xaxes(title_text="x", row=1, col=col)
        fig.update_yaxes(title_text=y_title, range=y_range, row=1, col=col)
    return _style(
        fig, "Transfer functions squeeze any input into a fixed range", 360, showlegend=False
    )


def _add_highlight(
    fig: go.Figure,
    x0: float,
    func: Callable[[np.ndarray], np.ndarray],
    y_title: str,
    mid: float,
    col: int,
) -> None:
    """Mark (x0, f(x0)) with its value written next to it."""
    if not math.isfinite(x0):
        raise ValueError("highlight must be a finite number.")
    y0 = float(func(np.array([x0]))[0])
    label = f"{y_title.replace('x', f'{x0:.2f}')} = {y0:.3f}"
    fig.add_trace(
        go.Scatter(
            x=[x0],
            y=[y0],
            mode="markers",
            name=label,
            marker={"size": 14, "color": HIGHLIGHT_COLOR, "line": {"color": "white", "width": 2}},
            hovertemplate=label + "<extra></extra>",
        ),
        row=1,
        col=col,
    )
    fig.add_annotation(
        x=x0,
        y=y0,
        text=label,
        showarrow=True,
        arrowhead=2,
        ax=-70 if x0 > 0 else 70,
        ay=40 if y0 > mid else -40,
        font={"size": BASE_FONT_SIZE, "color": HIGHLIGHT_TEXT_COLOR},
        bgcolor="rgba(255,255,255,0.85)",
        row=1,
        col=col,
    )
