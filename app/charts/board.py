"""The class board on the projector: every submitted run's final loss against its units,
one colour per cell, the nickname on hover as the text it is (escaped: Plotly would read
tags in hover text as its own markup)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from app.charts.style import QUALITATIVE, _style

CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN", "dense": "Dense"}


def class_board(entries: Sequence[dict], title: str = "The class's runs") -> go.Figure:
    """``entries``: dicts with ``nickname``, ``cell``, ``units``, ``loss`` (and optionally
    ``layers``, ``outcome``). Final loss on a log axis against units on a log axis: a
    sweep of units by a class spans decades of both."""
    fig = go.Figure()
    cells = [c for c in CELL_NAMES if any(e.get("cell") == c for e in entries)]
    for i, cell in enumerate(cells):
        mine = [e for e in entries if e.get("cell") == cell and e.get("loss") is not None]
        fig.add_trace(
            go.Scatter(
                x=[e["units"] for e in mine],
                y=[max(float(e["loss"]), 1e-8) for e in mine],
                mode="markers",
                name=CELL_NAMES[cell],
                marker={"size": 14, "color": QUALITATIVE[i % len(QUALITATIVE)],
                        "line": {"width": 1, "color": "white"}},
                customdata=[[html.escape(e.get("nickname") or "—"), e.get("layers", 1),
                             e.get("outcome", "")] for e in mine],
                hovertemplate="%{customdata[0]}<br>%{x} units · %{customdata[1]} layer(s)"
                "<br>loss %{y:.4g}<br>%{customdata[2]}<extra></extra>",
            )
        )  # fmt: skip
    count = sum(len(t.x) for t in fig.data)
    fig = _style(fig, f"{title} · {count} run{'s' if count != 1 else ''}", 420)
    # powers of ten only: the minor labels of a log axis are too small for the back row
    fig.update_xaxes(title_text="units", type="log", dtick=1)
    fig.update_yaxes(title_text="final loss", type="log", dtick=1, exponentformat="power")
    fig.update_layout(legend={"title": {"text": "cell"}}, showlegend=True)
    if not count:
        fig.add_annotation(text="No runs on the board yet", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font={"size": 18})  # fmt: skip
    return fig
