"""Inside the cell over time: state and gate heatmaps, one unit's lines, clickable cells.

``state_heatmap`` draws units × time steps of a hidden state, cell state or gate;
``unit_lines`` follows one unit through time; ``gates_over_training`` follows one unit
at one step across the weights kept during training; ``clickable_cells`` lets the
Inside page select a heatmap cell with a click.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from app.charts.style import (
    ACTIVATION_COLORBAR,
    BASE_FONT_SIZE,
    GATE_COLORBAR,
    HIGHLIGHT_COLOR,
    QUALITATIVE,
    _activation_colors,
    _as_float_array,
    _clamp_height,
    _colorbar,
    _gate_colors,
    _style,
    _time_ticks,
    activation_limit,
)

MAX_CELL_TEXT_UNITS = 16  # more units than this: no numbers written in the heatmap cells


def _steps_by_units(values: np.ndarray, name: str) -> np.ndarray:
    """(timesteps, units), also accepting a leading batch axis of size 1."""
    if values.ndim == 3 and values.shape[0] == 1:
        values = values[0]
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"{name} must have shape (timesteps, units); got {values.shape}.")
    return values


def state_heatmap(
    values: np.ndarray,
    kind: str,
    title: str,
    time_labels: list[str] | None = None,
    selected_unit: int | None = None,
    colorbar_title: str | None = None,
) -> go.Figure:
    """Units (rows) × time steps (columns) heatmap of a hidden state, cell state or gate.

    ``values`` has shape (timesteps, units). ``kind="activation"`` uses
    ``ACTIVATION_SCALE`` symmetric around 0; ``kind="gate"`` uses ``GATE_SCALE`` on
    [0, 1]. ``selected_unit`` outlines that unit's row.
    """
    data = _steps_by_units(_as_float_array(values, "values"), "values")
    n_steps, n_units = data.shape
    if kind == "activation":
        colors, bar = _activation_colors(activation_limit(data)), ACTIVATION_COLORBAR
    elif kind == "gate":
        colors, bar = _gate_colors(), GATE_COLORBAR
    else:
        raise ValueError(f"Unknown kind {kind!r}: use 'activation' or 'gate'.")
    ticks = _time_ticks(n_steps, time_labels)
    z = data.T  # (units, timesteps)
    small = n_units <= MAX_CELL_TEXT_UNITS
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(n_steps)),
            y=list(range(n_units)),
            customdata=[
                [f"{s + 1} ({ticks[s]})" if time_labels else str(s + 1) for s in range(n_steps)]
            ]
            * n_units,
            texttemplate="%{z:.2f}" if small and n_steps <= 30 else None,
            textfont={"size": BASE_FONT_SIZE - 1},
            xgap=1 if n_units <= 40 else 0,
            ygap=1 if n_units <= 40 else 0,
            colorbar=_colorbar(colorbar_title or bar),
            hovertemplate="unit %{y}<br>step %{customdata}<br>value %{z:.3f}<extra></extra>",
            **colors,
        )
    )
    if selected_unit is not None:
        _outline_row(fig, int(selected_unit), n_units, n_steps)
        fig.update_traces(colorbar={"xpad": 80})  # room for the "◀ unit k" label
    fig.update_xaxes(
        title_text="time step", tickmode="array", tickvals=list(range(n_steps)), ticktext=ticks
    )
    fig.update_yaxes(title_text="unit", autorange="reversed", dtick=1 if small else None)
    height = _clamp_height(140 + 30 * n_units) if small else 420
    return _style(fig, title, height)


def _outline_row(fig: go.Figure, unit: int, n_units: int, n_steps: int) -> None:
    if not 0 <= unit < n_units:
        raise ValueError(f"selected_unit must be between 0 and {n_units - 1}; got {unit}.")
    box = {"type": "rect", "x0": -0.5, "x1": n_steps - 0.5, "y0": unit - 0.5, "y1": unit + 0.5}
    fig.add_shape(**box, line={"color": "white", "width": 6})
    fig.add_shape(**box, line={"color": "black", "width": 3}, name="selected unit")
    fig.add_annotation(
        x=1,
        xref="x domain",
        y=unit,
        text=f"◀ unit {unit}",
        showarrow=False,
        xanchor="left",
        xshift=4,
        font={"size": BASE_FONT_SIZE, "color": "black"},
    )


_UNIT_LINE_COLORS = {
    "h": QUALITATIVE[0],
    "c": QUALITATIVE[6],
    "input": QUALITATIVE[2],
    "forget": QUALITATIVE[1],
    "candidate": QUALITATIVE[3],
    "output": QUALITATIVE[7],
    "update": QUALITATIVE[1],
    "reset": QUALITATIVE[2],
}


def unit_lines(
    series: dict[str, np.ndarray], unit: int, time_labels: list[str] | None = None
) -> go.Figure:
    """One line per named quantity (h, c, gates…) over time for a single unit.

    Each array is (timesteps,) already for that unit, or (timesteps, units) /
    (1, timesteps, units), from which column ``unit`` is taken.
    """
    if not series:
        raise ValueError("Nothing to plot: give at least one quantity.")
    fig = go.Figure()
    n_steps = None
    for i, (name, arr) in enumerate(series.items()):
        data = _as_float_array(arr, name)
        line = data if data.ndim == 1 else _steps_by_units(data, name)
        if line.ndim == 2:
            if not 0 <= unit < line.shape[1]:
                raise ValueError(f"unit must be between 0 and {line.shape[1] - 1}; got {unit}.")
            line = line[:, unit]
        if n_steps is not None and line.size != n_steps:
            raise ValueError(f"{name} has {line.size} steps but the others have {n_steps}.")
        n_steps = line.size
        ticks = _time_ticks(n_steps, time_labels)
        gate = name not in ("h", "c")
        fig.add_trace(
            go.Scatter(
                x=list(range(n_steps)),
                y=line,
                name=name,
                mode="lines+markers",
                line={
                    "color": _UNIT_LINE_COLORS.get(name, QUALITATIVE[i % len(QUALITATIVE)]),
                    "width": 2.5 if gate else 4,
                    "dash": "dot" if gate else "solid",
                },
                marker={"size": 8 if gate else 10},
                customdata=ticks,
                hovertemplate=f"{name}<br>step %{{customdata}}<br>value %{{y:.3f}}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.update_xaxes(
        title_text="time step",
        tickmode="array",
        tickvals=list(range(n_steps)),
        ticktext=_time_ticks(n_steps, time_labels),
    )
    fig.update_yaxes(title_text="value")
    return _style(fig, f"Unit {unit} over time", 360)


def clickable_cells(fig: go.Figure, max_cells: int = 20_000) -> go.Figure:
    """Cover every cell of the figure's first heatmap with an invisible, clickable marker.

    Plotly selections (and so Streamlit's ``on_select``) report scatter points but not
    heatmap cells; a transparent marker at each cell centre makes a click on a cell
    select (x = step, y = unit). Heatmaps with more than ``max_cells`` cells are left as
    they are. Returns the same figure.
    """
    heatmaps = [trace for trace in fig.data if isinstance(trace, go.Heatmap)]
    if not heatmaps:
        raise ValueError("The figure has no heatmap to make clickable.")
    heat = heatmaps[0]
    z = np.asarray(heat.z, dtype=float)  # (rows, columns)
    if z.size > max_cells:
        return fig
    ys, xs = np.asarray(heat.y, dtype=float), np.asarray(heat.x, dtype=float)
    rows, cols = np.meshgrid(ys, xs, indexing="ij")
    fig.add_trace(
        go.Scatter(
            x=cols.ravel(),
            y=rows.ravel(),
            mode="markers",
            name="click to select",
            showlegend=False,
            customdata=np.stack([z.ravel(), cols.ravel() + 1], axis=1),  # value, 1-based step
            marker={"size": 18, "opacity": 0, "color": "black"},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            hovertemplate="unit %{y}<br>step %{customdata[1]}<br>value %{customdata[0]:.3f}"
            "<br>click to select<extra></extra>",
        )
    )
    # The markers must not widen the axes beyond the heatmap's own cells.
    fig.update_xaxes(range=[xs.min() - 0.5, xs.max() + 0.5], autorange=False)
    fig.update_yaxes(range=[ys.max() + 0.5, ys.min() - 0.5], autorange=False)
    return fig


def gates_over_training(
    epochs: list[int],
    values: dict[str, list[float]],
    unit: int,
    step_label: str,
    selected_epoch: int | None = None,
) -> go.Figure:
    """One unit's h, c and gates at one time step, at every saved epoch of a training run.

    ``epochs`` are the epochs whose weights were kept (0 = untrained); ``values`` maps a
    name ("h", "c", "input", …) to that unit's value at each of those epochs. A dashed
    vertical line marks ``selected_epoch``, the weights the rest of the page shows (named
    in the subtitle, where no line or legend can cover it).
    """
    if not epochs:
        raise ValueError("Nothing to plot: give at least one epoch.")
    if not values:
        raise ValueError("Nothing to plot: give at least one quantity.")
    fig = go.Figure()
    for i, (name, series) in enumerate(values.items()):
        line = _as_float_array(series, name).ravel()
        if line.size != len(epochs):
            raise ValueError(f"{name} has {line.size} values for {len(epochs)} epochs.")
        gate = name not in ("h", "c")
        fig.add_trace(
            go.Scatter(
                x=list(epochs),
                y=line,
                name=name,
                mode="lines+markers" if len(epochs) <= 60 else "lines",
                line={
                    "color": _UNIT_LINE_COLORS.get(name, QUALITATIVE[i % len(QUALITATIVE)]),
                    "width": 2.5 if gate else 4,
                    "dash": "dot" if gate else "solid",
                },
                marker={"size": 5 if gate else 6},
                hovertemplate=f"{name}<br>epoch %{{x}}<br>value %{{y:.3f}}<extra></extra>",
            )
        )
    subtitle = f"at step {step_label}"
    if selected_epoch is not None:
        fig.add_vline(x=selected_epoch, line={"color": HIGHLIGHT_COLOR, "width": 2, "dash": "dash"})
        subtitle += f" · dashed line = epoch {selected_epoch}"
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.update_xaxes(title_text="epoch (weights kept during training)")
    fig.update_yaxes(title_text="value")
    fig = _style(fig, f"How unit {unit}'s gates changed over training", 320)
    fig.update_layout(
        title_subtitle={"text": subtitle, "font": {"size": BASE_FONT_SIZE - 1}}, margin_t=84
    )
    return fig
