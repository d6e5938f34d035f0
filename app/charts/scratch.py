"""SimpleRNN from scratch (seed 002): one step's terms, and the numpy loop beside Keras.

``step_terms`` draws the vectors of one step of ``output_t = act(W·x_t + U·state_t + b)``
as strips of coloured cells, one row per term with the units on the x axis (x_t has
its own strip above, since it has one cell per input feature). ``outputs_side_by_side``
shows the whole output sequence (time × units) of both implementations with their
largest difference in the title; ``unit_outputs`` follows one unit through time.
``step_equation`` writes one unit's update with its numbers, as Markdown.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts.style import (
    ACTIVATION_COLORBAR,
    ACTIVATION_SCALE,
    AXIS_TITLE_SIZE,
    BASE_FONT_SIZE,
    HIGHLIGHT_COLOR,
    QUALITATIVE,
    TEXT_COLOR,
    _as_float_array,
    _colorbar,
    _style,
    activation_limit,
)

MAX_TEXT_CELLS = 16  # more cells in a row than this: no numbers written in the cells
MAX_EXPANDED_TERMS = 6  # dot products longer than this are not written out term by term

TERM_LABELS = {
    "state_in": "stateₜ (in)",
    "Wx": "W·xₜ",
    "Us": "U·stateₜ",
    "b": "b",
    "z": "sum z",
}


def _finite(values: np.ndarray) -> np.ndarray:
    """Non-finite values (an overflow) become gaps: Plotly's JSON has no infinity."""
    return np.where(np.isfinite(values), values, np.nan)


def _projector_fonts(fig: go.Figure) -> None:
    """Axis, colour-bar and subplot-title text at the base size (Streamlit's theme shrinks it)."""
    size = {"size": BASE_FONT_SIZE}
    fig.update_xaxes(tickfont=size, title_font=size)
    fig.update_yaxes(tickfont=size, title_font=size)
    fig.update_annotations(font=size)


def _coloraxis(limit: float) -> dict[str, object]:
    return {
        "colorscale": ACTIVATION_SCALE,
        "cmid": 0.0,
        "cmin": -limit,
        "cmax": limit,
        "colorbar": {
            **_colorbar(ACTIVATION_COLORBAR),
            "tickfont": {"size": BASE_FONT_SIZE},
            "title": {
                "text": ACTIVATION_COLORBAR,
                "side": "right",
                "font": {"size": AXIS_TITLE_SIZE, "color": TEXT_COLOR},
            },
        },
    }


def _strip(values: np.ndarray, labels: list[str]) -> go.Heatmap:
    """Rows of cells sharing the figure's colour axis, numbers written when they fit."""
    return go.Heatmap(
        z=_finite(values),
        y=labels,
        x=list(range(values.shape[1])),
        coloraxis="coloraxis",
        texttemplate="%{z:.2f}" if values.shape[1] <= MAX_TEXT_CELLS else None,
        textfont={"size": BASE_FONT_SIZE - 1},
        xgap=2,
        ygap=2,
        hovertemplate="%{y}<br>index %{x}<br>value %{z:.4f}<extra></extra>",
    )


def step_terms(
    terms: dict[str, np.ndarray],
    activation: str = "tanh",
    step: int = 0,
    selected_unit: int | None = None,
) -> go.Figure:
    """The vectors of one step: x_t on top, then state_in, W·x_t, U·state, b, z, output.

    ``terms`` maps "x_t" (input_features,) and "state_in", "Wx", "Us", "b", "z",
    "output" (units,) to arrays (``Exploration.terms``). ``step`` is 0-based and
    shown 1-based; ``selected_unit`` outlines that unit's column.
    """
    missing = [name for name in ("x_t", *TERM_LABELS, "output") if name not in terms]
    if missing:
        raise ValueError(f"The step is missing the terms {', '.join(missing)}.")
    x_t = _as_float_array(terms["x_t"], "x_t").reshape(1, -1)  # (1, input_features)
    names = list(TERM_LABELS)
    rows = np.stack([_as_float_array(terms[n], n) for n in (*names, "output")])  # (6, units)
    labels = [TERM_LABELS[n] for n in names] + [f"output = {activation}(z)"]
    limit = activation_limit(np.concatenate([x_t.ravel(), rows.ravel()]))
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[1.3, 6],
        vertical_spacing=0.16,
        subplot_titles=(
            "input xₜ: one cell per input feature",
            "the step's terms: one cell per unit",
        ),
    )
    fig.add_trace(_strip(x_t, ["xₜ"]), row=1, col=1)
    fig.add_trace(_strip(rows, labels), row=2, col=1)
    fig.update_xaxes(dtick=1, row=1, col=1)
    fig.update_xaxes(title_text="unit", dtick=1 if rows.shape[1] <= 32 else None, row=2, col=1)
    fig.update_yaxes(autorange="reversed")
    if selected_unit is not None:
        _outline_column(fig, int(selected_unit), rows.shape)
    _projector_fonts(fig)
    title = f"Step t = {step + 1}: {activation}(W·xₜ + U·stateₜ + b)"
    return _style(fig, title, 470, coloraxis=_coloraxis(limit), margin={"l": 150})


def _outline_column(fig: go.Figure, unit: int, shape: tuple[int, int]) -> None:
    n_rows, n_units = shape
    if not 0 <= unit < n_units:
        raise ValueError(f"selected_unit must be between 0 and {n_units - 1}; got {unit}.")
    box = {"x0": unit - 0.5, "x1": unit + 0.5, "y0": -0.5, "y1": n_rows - 0.5}
    fig.add_shape(type="rect", **box, line={"color": "white", "width": 6}, row=2, col=1)
    fig.add_shape(type="rect", **box, line={"color": "black", "width": 3}, row=2, col=1)


def _time_by_units(values: object, name: str) -> np.ndarray:
    data = _as_float_array(values, name)
    if data.ndim != 2:
        raise ValueError(f"{name} must have shape (timesteps, units); got {data.shape}.")
    return data


def _difference_text(difference: float) -> str:
    if not np.isfinite(difference):
        return "Keras overflowed float32"
    return f"largest |difference| = {difference:.1e}"


def outputs_side_by_side(ours: np.ndarray, theirs: np.ndarray, difference: float) -> go.Figure:
    """Both output sequences (time steps down, units across), one colour scale, the gap on top."""
    a, b = _time_by_units(ours, "ours"), _time_by_units(theirs, "theirs")
    if a.shape != b.shape:
        raise ValueError(f"The outputs differ in shape: {a.shape} and {b.shape}.")
    n_steps, n_units = a.shape
    limit = activation_limit(np.concatenate([a[np.isfinite(a)], b[np.isfinite(b)]]))
    fig = make_subplots(
        rows=1,
        cols=2,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=("numpy loop", "Keras SimpleRNN"),
    )
    small = n_steps <= 12 and n_units <= 8
    for col, data in ((1, a), (2, b)):
        fig.add_trace(
            go.Heatmap(
                z=_finite(data),
                x=list(range(n_units)),
                y=list(range(1, n_steps + 1)),
                coloraxis="coloraxis",
                texttemplate="%{z:.2f}" if small else None,
                textfont={"size": BASE_FONT_SIZE - 1},
                xgap=1 if n_units <= 32 else 0,
                ygap=1 if n_steps <= 32 else 0,
                hovertemplate="step %{y}<br>unit %{x}<br>output %{z:.6f}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(title_text="unit", dtick=1 if n_units <= 16 else None, row=1, col=col)
    fig.update_yaxes(dtick=1 if n_steps <= 16 else None)
    fig.update_yaxes(title_text="time step t", autorange="reversed", row=1, col=1)
    fig.update_yaxes(autorange="reversed", row=1, col=2)
    _projector_fonts(fig)
    height = int(min(520, max(360, 170 + 26 * n_steps)))
    title = f"Same weights, numpy vs Keras: {_difference_text(difference)}"
    return _style(fig, title, height, coloraxis=_coloraxis(limit))


def unit_outputs(ours: np.ndarray, theirs: np.ndarray, unit: int) -> go.Figure:
    """One unit through time: the numpy loop as a line, Keras as markers on it."""
    a, b = _time_by_units(ours, "ours"), _time_by_units(theirs, "theirs")
    if not 0 <= unit < a.shape[1]:
        raise ValueError(f"unit must be between 0 and {a.shape[1] - 1}; got {unit}.")
    steps = list(range(1, a.shape[0] + 1))
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=_finite(a[:, unit]),
            name="numpy loop",
            mode="lines",
            line={"color": QUALITATIVE[0], "width": 5},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=steps,
            y=_finite(b[:, unit]),
            name="Keras SimpleRNN",
            mode="markers",
            marker={"color": HIGHLIGHT_COLOR, "size": 11, "symbol": "x"},
        )
    )
    fig.update_xaxes(title_text="time step t", dtick=1 if len(steps) <= 30 else None)
    fig.update_yaxes(title_text="output")
    _projector_fonts(fig)
    legend = {"orientation": "h", "y": -0.3, "x": 0, "font": {"size": BASE_FONT_SIZE}}
    return _style(fig, f"Unit {unit} over time", 360, legend=legend)


def _dot(row: list[float], vector: list[float], total: float) -> str:
    if len(row) > MAX_EXPANDED_TERMS:
        return f"{total:.3f}"
    products = " + ".join(f"{w:.2f}·{v:.2f}" for w, v in zip(row, vector, strict=True))
    return f"{products} = {total:.3f}"


def step_equation(values: dict, activation: str, step: int, unit: int) -> str:
    """One unit's update at step t with its numbers (Markdown; ``Exploration.unit_values``)."""
    j, t = unit, _sub(step + 1)
    wx, us = values["Wx"], values["Us"]
    return (
        f"W[{j}]·x{t} = {_dot(values['W_row'], values['x_t'], wx)}  \n"
        f"U[{j}]·state{t} = {_dot(values['U_row'], values['state'], us)}  \n"
        f"output{t}[{j}] = {activation}(W[{j}]·x{t} + U[{j}]·state{t} + b[{j}]) = "
        f"{activation}({wx:.3f} + {us:.3f} + {values['b']:.3f}) = "
        f"{activation}({values['z']:.3f}) = **{values['output']:.4f}**"
    )


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int) -> str:
    return str(n).translate(_SUBSCRIPTS)
