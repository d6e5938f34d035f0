"""Padding, truncation and masking (seed 002's ``pad_sequences``): what the last state saw.

``padded_choices`` lays one sentence out as the model receives it under each choice (one
row per choice, one cell per time step: the words, padding the layer reads in grey,
padding the mask skips in white); ``final_states`` shows the first recurrent layer's
hidden state after the last step under each choice (one row per choice, one column per
unit) beside the answer the model gives from it; ``choice_accuracy`` compares the
held-out accuracy of one model trained per choice. The rows' names come from the page
(in its language), so the builders only write the chart words the catalog translates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts.style import (
    ACTIVATION_COLORBAR,
    AXIS_TITLE_SIZE,
    BASE_FONT_SIZE,
    CORRECT_COLOR,
    QUALITATIVE,
    TEXT_COLOR,
    WRONG_COLOR,
    _activation_colors,
    _as_float_array,
    _colorbar,
    _style,
    activation_limit,
)

KINDS = ("word", "unknown", "padding", "skipped")  # what a step of a row is
KIND_COLORS = ("#CFE3F3", "#F7D9B5", "#A8A8A8", "#FFFFFF")  # blue, orange, grey, white
ROW_CHARS = 112  # characters of 14 px text across the steps of a row (16 steps: 7 each)
ROW_PX = 38  # one row of a choice: room for a 16 px word


def _rows_fit(labels: Sequence[str], n: int, what: str) -> None:
    if len(labels) != n or n == 0:
        raise ValueError(f"Give one name per choice: {len(labels)} names for {n} {what}.")


def _cut(word: str, room: int) -> str:
    """The word as its cell can hold it: cut to ``room`` characters with "…" (full on hover)."""
    return word if len(word) <= room else word[: room - 1] + "…"


def padded_choices(
    words: Sequence[Sequence[str]],
    kinds: Sequence[Sequence[str]],
    labels: Sequence[str],
    title: str = "What the model reads under each choice",
) -> go.Figure:
    """One row per choice, one cell per time step, coloured by what the step holds.

    ``words[r][t]`` is the text of step t of row r ("" for padding); ``kinds[r][t]`` one
    of ``KINDS``: a known word, an unknown word, padding the layer reads (grey, "·") or
    padding the mask makes it skip (white, blank). Rows top to bottom in the given order.
    """
    _rows_fit(labels, len(words), "rows of words")
    if len(kinds) != len(words) or any(len(k) != len(w) for k, w in zip(kinds, words, strict=True)):
        raise ValueError("Give one kind per word: kinds and words must have the same shape.")
    steps = len(words[0])
    if any(len(row) != steps for row in words):
        raise ValueError("Every choice must have the same number of time steps.")
    unknown = {k for row in kinds for k in row} - set(KINDS)
    if unknown:
        raise ValueError(f"Unknown kind {sorted(unknown)[0]!r}: use one of {', '.join(KINDS)}.")
    z = [[KINDS.index(k) for k in row] for row in kinds]  # (rows, T)
    room = max(4, ROW_CHARS // max(steps, 1))
    shown = [[{"padding": "·", "skipped": ""}.get(k, _cut(w, room))
              for w, k in zip(ws, ks, strict=True)]
             for ws, ks in zip(words, kinds, strict=True)]  # fmt: skip
    hover = [[w or "·" for w in row] for row in words]
    scale = _steps_scale(KIND_COLORS)
    fig = go.Figure(
        go.Heatmap(
            z=z, x=list(range(1, steps + 1)), y=list(labels), text=shown,
            customdata=hover, texttemplate="%{text}",
            textfont={"size": BASE_FONT_SIZE - 2, "color": TEXT_COLOR},
            colorscale=scale, zmin=-0.5, zmax=len(KINDS) - 0.5, showscale=False,
            xgap=2, ygap=2, hovertemplate="%{y}<br>t = %{x}: %{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(title_text="time step (the last one is next to the output)", dtick=1,
                     showgrid=False)  # fmt: skip
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_layout(
        title_subtitle_text="grey · = padding the layer reads · white = padding the mask skips"
        "<br>orange = a word outside the vocabulary",
        title_subtitle_font={"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        plot_bgcolor="#F4F4F4",
    )
    height = 150 + ROW_PX * len(labels)
    return _style(fig, title, min(max(height, 300), 460),
                  margin={"l": 10, "r": 20, "t": 112, "b": 64})  # fmt: skip


def _steps_scale(colors: Sequence[str]) -> list[list]:
    """A colour scale of flat bands: value k in [k − 0.5, k + 0.5] gets colors[k]."""
    n, scale = len(colors), []
    for i, color in enumerate(colors):
        scale += [[i / n, color], [(i + 1) / n, color]]
    return scale


def final_states(
    final_h: np.ndarray | Sequence[Sequence[float]],
    labels: Sequence[str],
    positive: Sequence[float] | None = None,
    title: str = "The last hidden state h under each choice",
) -> go.Figure:
    """Rows: choices; columns: the units of h after the last step (``ACTIVATION_SCALE``).

    ``positive`` (one per row): P(positive) the model gives from that h, drawn as bars on
    the right around 0.5 (green above, orange below). Two rows that look alike are two
    choices after which the layer is in the same state, so the model answers alike.
    """
    h = _as_float_array(final_h, "final_h")
    if h.ndim != 2:
        raise ValueError(f"final_h must have shape (choices, units); got {h.shape}.")
    _rows_fit(labels, h.shape[0], "rows of h")
    answers = None if positive is None else _as_float_array(positive, "positive").ravel()
    if answers is not None and answers.size != h.shape[0]:
        raise ValueError("Give one P(positive) per choice.")
    columns = 1 if answers is None else 2
    fig = make_subplots(rows=1, cols=columns, shared_yaxes=True, horizontal_spacing=0.11,
                        column_widths=[0.78, 0.22][:columns])  # fmt: skip
    units = np.arange(1, h.shape[1] + 1)
    heat_end = fig.layout.xaxis.domain[1]  # the colour bar sits right of the heatmap
    fig.add_trace(
        go.Heatmap(
            z=h, x=units, y=list(labels), xgap=1, ygap=2,
            colorbar={**_colorbar(ACTIVATION_COLORBAR), "x": heat_end + 0.005,
                      "xanchor": "left", "thickness": 12},
            hovertemplate="%{y}<br>unit %{x}: h = %{z:.3f}<extra></extra>",
            **_activation_colors(activation_limit(h)),
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.update_xaxes(title_text="unit of h", showgrid=False, row=1, col=1)
    fig.update_yaxes(autorange="reversed", showgrid=False, row=1, col=1)
    if answers is not None:
        fig.add_trace(
            go.Bar(
                x=answers - 0.5, base=0.5, y=list(labels), orientation="h",
                marker={"color": [CORRECT_COLOR if p >= 0.5 else WRONG_COLOR for p in answers]},
                text=[f"{p:.2f}" for p in answers], textposition="outside",
                cliponaxis=False, name="P(positive)",
                hovertemplate="%{y}<br>P(positive) = %{text}<extra></extra>",
            ),
            row=1, col=2,
        )  # fmt: skip
        fig.add_vline(x=0.5, line={"color": "#333333", "width": 1}, row=1, col=2)
        fig.update_xaxes(title_text="P(positive)", range=[-0.3, 1.3], tickvals=[0, 0.5, 1],
                         row=1, col=2)  # fmt: skip
    height = 150 + ROW_PX * len(labels)
    return _style(fig, title, min(max(height, 300), 460), showlegend=False,
                  margin={"l": 10, "r": 20, "t": 70, "b": 64})  # fmt: skip


def choice_accuracy(
    accuracy: Sequence[float | None],
    labels: Sequence[str],
    title: str = "Held-out accuracy of one model per choice",
) -> go.Figure:
    """One horizontal bar per choice: the held-out accuracy of the model trained that way.

    A choice whose model has not finished is left empty (None) and named on hover.
    """
    _rows_fit(labels, len(accuracy), "accuracies")
    values = [None if a is None else float(a) for a in accuracy]
    if any(v is not None and not 0.0 <= v <= 1.0 for v in values):
        raise ValueError("An accuracy must be a fraction between 0 and 1.")
    fig = go.Figure(
        go.Bar(
            x=[0.0 if v is None else v for v in values], y=list(labels), orientation="h",
            marker={"color": [QUALITATIVE[0] for _ in values]},
            text=["…" if v is None else f"{v:.0%}" for v in values], textposition="outside",
            textfont={"size": BASE_FONT_SIZE, "color": TEXT_COLOR}, cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>", name="held-out accuracy",
        )
    )  # fmt: skip
    fig.update_xaxes(title_text="held-out accuracy", range=[0, 1], tickformat=".0%",
                     title_font={"size": AXIS_TITLE_SIZE})  # fmt: skip
    fig.update_yaxes(autorange="reversed", showgrid=False)
    height = 140 + ROW_PX * len(labels)
    return _style(fig, title, min(max(height, 300), 460), showlegend=False,
                  margin={"l": 10, "r": 60, "t": 70, "b": 64})  # fmt: skip
