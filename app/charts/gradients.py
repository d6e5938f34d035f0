"""The vanishing gradient: how much the input at each time step still moves the loss.

One line per cell (SimpleRNN, LSTM, GRU, in the colours of the other cell charts): the
mean over samples of ‖∂loss/∂x_t‖ from ``lstm_core.gradients.step_gradients``, against
the time step t (1 = the first input); a curve named "<cell> · along c" (the LSTM's
‖∂loss/∂c_t‖, ``gradients.cell_gradients``) is drawn dashed in its cell's colour. The y
axis is logarithmic, because the gradient shrinks geometrically going back in time: a
straight falling line is exponential decay. A gradient that underflowed to exactly 0
cannot sit on a log axis, so it is drawn at a floor a decade below the smallest non-zero
value and its hover text says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from app.charts.memory import CELL_COLORS
from app.charts.style import BASE_FONT_SIZE, QUALITATIVE, _as_float_array, _style

FONT_SIZE = BASE_FONT_SIZE + 1  # this chart is read from the back of the room: 16 px
EMPTY_FLOOR = 1e-12  # the floor when no value at all is above 0
ALONG = " · along c"  # "LSTM · along c": the gradient reaching c_t, not x_t


def gradient_flow(
    curves: Mapping[str, object],
    title: str = "How much does the input at step t still move the loss?",
) -> go.Figure:
    """``curves[name]`` is a 1-D array of length T: the mean gradient size at each step.

    The x values are the steps 1..T; the y values are the means themselves, except that
    exact zeros are raised to a floor (see the module docstring) and marked as such.
    """
    if not curves:
        raise ValueError("Give at least one curve, e.g. {'LSTM': gradient sizes per step}.")
    arrays = {name: _check_curve(name, values) for name, values in curves.items()}
    floor = _zero_floor(arrays.values())
    fig = go.Figure()
    for k, (name, values) in enumerate(arrays.items()):
        cell, along, _ = name.partition(ALONG)
        color = CELL_COLORS.get(cell, QUALITATIVE[k % len(QUALITATIVE)])
        hover = [
            f"{name}, t = {t}<br>"
            + (f"size {v:.3g}" if v > 0 else f"size 0 (no 0 on a log axis: drawn at {floor:.0e})")
            for t, v in enumerate(values, 1)
        ]
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=np.where(values > 0, values, floor),
                name=name,
                mode="lines+markers" if len(values) <= 60 else "lines",
                line={"color": color, "width": 3, "dash": "dash" if along else "solid"},
                marker={"size": 6},
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    longest = max(len(values) for values in arrays.values())
    fig.update_xaxes(title_text="time step t", range=[0.5, longest + 0.5])
    fig.update_yaxes(
        # short enough to stand beside a 420 px chart; the dashed curve's name says "along c"
        title_text="gradient size (log scale)"
        if any(ALONG in name for name in arrays)
        else "size of ∂loss/∂x_t (log scale)",
        type="log",
        exponentformat="power",
    )
    legend = {"orientation": "h", "y": -0.28, "x": 0, "yanchor": "top", "font": {"size": FONT_SIZE}}
    return _style(
        fig,
        title,
        420,
        font={"size": FONT_SIZE},
        legend=legend,
        hoverlabel={"font": {"size": FONT_SIZE}},
        margin={"b": 110},
    )


def _zero_floor(curves: object) -> float:
    """Where exact zeros are drawn: a decade below the smallest value above 0."""
    positive = [float(np.min(v[v > 0])) for v in curves if np.any(v > 0)]
    return min(positive) / 10 if positive else EMPTY_FLOOR


def _check_curve(name: str, values: object) -> np.ndarray:
    arr = _as_float_array(values, f"The curve '{name}'")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"The curve '{name}' must be one number per time step (a 1-D array), "
            f"but it has shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"The curve '{name}' must hold gradient sizes: finite numbers of at least 0."
        )
    return arr
