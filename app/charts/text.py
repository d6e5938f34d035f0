"""The sentiment lesson: what the network thinks after each word it has read.

The model answers from its last hidden state; applying the same output layer to the
hidden state after every word shows how its opinion moved while reading, so a student
sees which word tipped it. Padding steps are greyed, unknown words marked.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts.style import (
    BASE_FONT_SIZE,
    CORRECT_COLOR,
    MUTED_COLOR,
    WRONG_COLOR,
    _as_float_array,
    _style,
)


def reading_so_far(
    words: Sequence[str],
    positive: Sequence[float],
    known: Sequence[bool],
    title: str = "What the model thinks after each word",
) -> go.Figure:
    """One bar per time step: P(positive) if the sentence ended there (0.5 = undecided).

    ``words`` are the tokens at each step ("<pad>" for padding), ``known`` whether the
    word is in the vocabulary (unknown words read as one out-of-vocabulary token).
    """
    values = _as_float_array(positive, "positive").ravel()
    if not (len(words) == len(known) == values.size):
        raise ValueError("Give one word, one probability and one known-flag per time step.")
    labels, colors, hover = [], [], []
    for t, (word, p, ok) in enumerate(zip(words, values, known, strict=True)):
        pad = word == "<pad>"
        labels.append("·" if pad else (word if ok else f"{word}?"))
        colors.append(MUTED_COLOR if pad else (CORRECT_COLOR if p >= 0.5 else WRONG_COLOR))
        note = "padding" if pad else ("" if ok else "not in the vocabulary: read as <oov>")
        hover.append(
            f"t = {t + 1}: {word}<br>P(positive) = {p:.2f}" + (f"<br>{note}" if note else "")
        )
    steps = np.arange(1, values.size + 1)
    fig = go.Figure(
        go.Bar(
            x=steps, y=values - 0.5, base=0.5, marker={"color": colors},
            hovertext=hover, hoverinfo="text", name="P(positive)",
        )
    )  # fmt: skip
    fig.add_hline(y=0.5, line={"color": "#333333", "width": 1})
    fig.update_xaxes(
        title_text="words in reading order (? = unknown word, · = padding)",
        tickvals=steps, ticktext=labels, tickangle=-40, tickfont={"size": BASE_FONT_SIZE},
    )  # fmt: skip
    fig.update_yaxes(
        title_text="P(positive) so far", range=[0, 1], tickvals=[0, 0.25, 0.5, 0.75, 1]
    )
    return _style(fig, title, 380, showlegend=False)
