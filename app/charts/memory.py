"""The long-memory sweep: held-out accuracy against the distance to remember.

One colour per cell (the order of the Compare page: SimpleRNN, LSTM, GRU). Every
seed is a point, so the spread is in plain sight; the line joins the means. A dashed line
marks chance (guessing one of four symbols), the level a cell that forgot falls to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts.style import BASE_FONT_SIZE, MUTED_COLOR, QUALITATIVE, _style

CELL_COLORS = {"SimpleRNN": QUALITATIVE[0], "LSTM": QUALITATIVE[1], "GRU": QUALITATIVE[2]}


def accuracy_by_length(
    results: Mapping[str, Mapping[int, Sequence[tuple[int, float]]]],
    lengths: Sequence[int],
    chance: float,
    title: str = "Held-out accuracy against the sequence length",
) -> go.Figure:
    """``results[cell][length]`` is a list of (seed, accuracy) for the runs done so far.

    Lengths without a result yet are left out of that cell's line, so the chart can be
    drawn while the sweep runs.
    """
    if not lengths:
        raise ValueError("Give at least one sequence length.")
    fig = go.Figure()
    offsets = np.linspace(-0.04, 0.04, max(len(results), 1))
    for k, (cell, by_length) in enumerate(results.items()):
        color = CELL_COLORS.get(cell, QUALITATIVE[k % len(QUALITATIVE)])
        done = [n for n in lengths if by_length.get(n)]
        means = [float(np.mean([acc for _, acc in by_length[n]])) for n in done]
        fig.add_trace(
            go.Scatter(
                x=done, y=means, name=cell, mode="lines+markers",
                line={"color": color, "width": 3}, marker={"size": 11, "color": color},
                hovertemplate=f"{cell}<br>length %{{x}}<br>mean accuracy %{{y:.2f}}<extra></extra>",
            )
        )  # fmt: skip
        points = [(n, seed, acc) for n in done for seed, acc in by_length[n]]
        if points:
            fig.add_trace(
                go.Scatter(
                    x=[n * (1 + offsets[k]) for n, _, _ in points],
                    y=[acc for _, _, acc in points],
                    customdata=[[n, seed] for n, seed, _ in points],
                    name=f"{cell}, each seed", mode="markers", showlegend=False,
                    marker={"size": 8, "color": color, "opacity": 0.55,
                            "line": {"width": 1, "color": "white"}},
                    hovertemplate=(f"{cell}<br>length %{{customdata[0]}}, seed %{{customdata[1]}}"
                                   "<br>accuracy %{y:.2f}<extra></extra>"),
                )
            )  # fmt: skip
    fig.add_hline(
        y=chance, line={"dash": "dash", "color": MUTED_COLOR, "width": 2},
        annotation={"text": f"chance ({chance:.2f})", "font": {"size": BASE_FONT_SIZE}},
        annotation_position="bottom right",
    )  # fmt: skip
    ticks = sorted(set(int(n) for n in lengths))
    fig.update_xaxes(
        title_text="sequence length L (steps to remember across, log scale)",
        type="log", tickvals=ticks, ticktext=[str(n) for n in ticks],
        range=[np.log10(min(ticks) / 1.3), np.log10(max(ticks) * 1.3)],
    )  # fmt: skip
    fig.update_yaxes(title_text="held-out accuracy", range=[0, 1.05], tickformat=".0%")
    return _style(fig, title, 400, legend={"orientation": "h", "y": -0.25, "x": 0})
