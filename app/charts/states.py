"""Inside the cell over time: state and gate heatmaps, one unit's lines, clickable cells.

``state_heatmap`` draws units × time steps of a hidden state, cell state or gate (a chosen
subset of the units, labelled with their real numbers, the selected unit and step marked
in the axis margins); ``unit_lines`` follows one unit through time; ``gates_over_training``
follows one unit at one step across the weights kept during training; ``clickable_cells``
lets the Inside page select a heatmap cell with a click; ``step_labels`` names the time
steps "t = 3 (x = 1)" for every axis and slider of the page.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

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
    _colorbar,
    _gate_colors,
    _show_char,
    _style,
    _time_ticks,
    activation_limit,
)

MAX_CELL_TEXT_UNITS = 32  # more rows than this: no numbers written in the heatmap cells
MAX_CELL_TEXT_STEPS = 12  # more steps than this: cells too narrow for "0.93"
MAX_LABELLED_ROWS = 32  # more rows than this: every k-th row labelled, rows too thin
ROW_PX = 16  # height of one heatmap row when every row is labelled (16 px tick labels)
TICK_ROOM = 56  # characters of 16 px tick text across a heatmap in half the page width
MARK = HIGHLIGHT_COLOR  # the selected unit's and step's labels in the axis margins


def step_labels(inputs: Sequence[object], text: bool = False) -> list[str]:
    """Name every time step with its number and what it reads: "t = 3 (x = 1)".

    ``t`` counts from 1; ``text=True`` quotes characters ("t = 3 (x = 'l')", a space
    shown as '␣').
    """
    shown = [_show_char(str(v)) for v in inputs]
    return [
        f"t = {t + 1} (x = '{v}')" if text else f"t = {t + 1} (x = {v})"
        for t, v in enumerate(shown)
    ]


def _fit_ticks(labels: Sequence[str], room: int) -> list[str]:
    """Tick texts that fit side by side in ``room`` characters: on one line, else broken
    before "(", else only every k-th step labelled (the others blank)."""
    labels = list(labels)
    if not labels:
        return labels

    def width(texts: Sequence[str]) -> int:
        return max(len(part) for text in texts for part in text.split("<br>")) + 2

    if len(labels) * width(labels) <= room:
        return labels
    broken = [label.replace(" (", "<br>(", 1) for label in labels]
    if len(broken) * width(broken) <= room:
        return broken
    every = math.ceil(len(broken) * width(broken) / room)
    return [label if i % every == 0 else "" for i, label in enumerate(broken)]


def _steps_by_units(values: np.ndarray, name: str) -> np.ndarray:
    """(timesteps, units), also accepting a leading batch axis of size 1."""
    if values.ndim == 3 and values.shape[0] == 1:
        values = values[0]
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"{name} must have shape (timesteps, units); got {values.shape}.")
    return values


def _rows(units: Sequence[int] | None, n_units: int) -> list[int]:
    """The units to draw, top to bottom (all of them by default)."""
    if units is None:
        return list(range(n_units))
    rows = [int(u) for u in units]
    if not rows:
        raise ValueError("Give at least one unit to show.")
    if any(not 0 <= u < n_units for u in rows):
        raise ValueError(f"Units to show must be between 0 and {n_units - 1}; got {rows}.")
    if len(set(rows)) != len(rows):
        raise ValueError("Each unit can be shown only once.")
    return rows


def _marked(text: str) -> str:
    return f"<b><span style='color:{MARK}'>{text}</span></b>"


def state_heatmap(
    values: np.ndarray,
    kind: str,
    title: str,
    time_labels: list[str] | None = None,
    selected_unit: int | None = None,
    colorbar_title: str | None = None,
    units: Sequence[int] | None = None,
    selected_step: int | None = None,
    tick_room: int = TICK_ROOM,
) -> go.Figure:
    """Units (rows) × time steps (columns) heatmap of a hidden state, cell state or gate.

    ``values`` has shape (timesteps, units); ``units`` picks the rows to draw (default:
    all), each labelled with its real unit number. ``kind="activation"`` uses
    ``ACTIVATION_SCALE`` symmetric around 0; ``kind="gate"`` uses ``GATE_SCALE`` on
    [0, 1]. ``selected_unit`` and ``selected_step`` are marked beside their row and
    column ("▶ 17" in the unit axis, a bold step label and a ▼ above the column), never
    over the cells. Up to ``MAX_LABELLED_ROWS`` rows every row is labelled and tall
    enough to read; the numbers are written in the cells when the view is small.
    """
    data = _steps_by_units(_as_float_array(values, "values"), "values")
    n_steps, n_units = data.shape
    rows = _rows(units, n_units)
    if selected_unit is not None and not 0 <= int(selected_unit) < n_units:
        raise ValueError(f"selected_unit must be between 0 and {n_units - 1}; got {selected_unit}.")
    shown = data[:, rows]  # (timesteps, rows)
    if kind == "activation":
        colors, bar = _activation_colors(activation_limit(shown)), ACTIVATION_COLORBAR
    elif kind == "gate":
        colors, bar = _gate_colors(), GATE_COLORBAR
    else:
        raise ValueError(f"Unknown kind {kind!r}: use 'activation' or 'gate'.")
    names = _time_ticks(n_steps, time_labels)  # full names, for the hover
    n_rows, labelled = len(rows), len(rows) <= MAX_LABELLED_ROWS
    text = n_rows <= MAX_CELL_TEXT_UNITS and n_steps <= MAX_CELL_TEXT_STEPS
    fig = go.Figure(
        go.Heatmap(
            z=shown.T,  # (rows, timesteps)
            x=list(range(n_steps)),
            y=list(range(n_rows)),
            customdata=[[[names[s], u] for s in range(n_steps)] for u in rows],
            texttemplate="%{z:.2f}" if text else None,
            textfont={"size": BASE_FONT_SIZE - 1},
            xgap=1 if n_rows <= 40 else 0,
            ygap=1 if n_rows <= 40 else 0,
            colorbar=_colorbar(colorbar_title or bar),
            hovertemplate="unit %{customdata[1]}<br>%{customdata[0]}<br>value %{z:.3f}"
            "<extra></extra>",
            **colors,
        )
    )
    _unit_axis(fig, rows, selected_unit, labelled)
    _step_axis(fig, names, selected_step, tick_room)
    height = 150 + ROW_PX * n_rows if labelled else 420
    return _style(fig, title, max(300, height), margin_t=84)


def _unit_axis(fig: go.Figure, rows: list[int], selected: int | None, labelled: bool) -> None:
    """Real unit numbers down the side, the selected one as "▶ 17" in the mark colour."""
    every = 1 if labelled else math.ceil(len(rows) / 16)
    ticks = {i: str(u) for i, u in enumerate(rows) if i % every == 0}
    if selected is not None and int(selected) in rows:
        at = rows.index(int(selected))
        ticks = {i: t for i, t in ticks.items() if abs(i - at) >= every or every == 1}
        ticks[at] = _marked(f"▶ {selected}")
    fig.update_yaxes(
        title_text="unit",
        autorange="reversed",
        tickmode="array",
        tickvals=sorted(ticks),
        ticktext=[ticks[i] for i in sorted(ticks)],
    )


def _step_axis(fig: go.Figure, names: list[str], selected: int | None, room: int) -> None:
    """Step names under the columns (fitted to ``room``), the selected step marked."""
    ticks = _fit_ticks(names, room)
    if selected is not None:
        if not 0 <= int(selected) < len(names):
            raise ValueError(f"selected_step must be between 0 and {len(names) - 1}.")
        full = _fit_ticks([names[int(selected)]] * len(names), room)[0]
        ticks[int(selected)] = _marked(full or names[int(selected)])
        fig.add_annotation(
            x=int(selected),
            y=1,
            yref="y domain",
            yanchor="bottom",
            text="▼",
            showarrow=False,
            font={"size": BASE_FONT_SIZE + 2, "color": MARK},
            name="selected step",
        )
    fig.update_xaxes(
        title_text="time step",
        tickmode="array",
        tickvals=list(range(len(names))),
        ticktext=ticks,
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
    series: dict[str, np.ndarray],
    unit: int,
    time_labels: list[str] | None = None,
    selected_step: int | None = None,
    tick_room: int = TICK_ROOM,
) -> go.Figure:
    """One line per named quantity (h, c, gates…) over time for a single unit.

    Each array is (timesteps,) already for that unit, or (timesteps, units) /
    (1, timesteps, units), from which column ``unit`` is taken. A dashed line marks
    ``selected_step``; the legend sits above the plot so the lines get the width.
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
                customdata=_time_ticks(n_steps, time_labels),
                hovertemplate=f"{name}<br>%{{customdata}}<br>value %{{y:.3f}}<extra></extra>",
            )
        )
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    if selected_step is not None:
        fig.add_vline(x=int(selected_step), line={"color": MARK, "width": 2, "dash": "dash"})
    _step_axis(fig, _time_ticks(n_steps, time_labels), None, tick_room)
    fig.update_yaxes(title_text="value")
    legend = {"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0, "title_text": ""}
    return _style(fig, f"Unit {unit} over time", 410, legend=legend, margin_t=124)


def clickable_cells(fig: go.Figure, max_cells: int = 20_000) -> go.Figure:
    """Cover every cell of the figure's first heatmap with an invisible, clickable marker.

    Plotly selections (and so Streamlit's ``on_select``) report scatter points but not
    heatmap cells; a transparent marker at each cell centre makes a click on a cell
    select (x = step, y = row). Heatmaps with more than ``max_cells`` cells are left as
    they are. The hover names the unit and step as the heatmap's does (its customdata
    [step name, unit] per cell, as ``state_heatmap`` writes it). Returns the same figure.
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
    names = np.asarray(heat.customdata, dtype=object) if heat.customdata is not None else None
    if names is None or names.shape != (*z.shape, 2):  # [step name, unit] per cell
        names = np.stack([(cols + 1).astype(int).astype(str), rows.astype(int)], axis=-1)
    fig.add_trace(
        go.Scatter(
            x=cols.ravel(),
            y=rows.ravel(),
            mode="markers",
            name="click to select",
            showlegend=False,
            customdata=[
                [value, str(step), int(unit)]
                for value, (step, unit) in zip(z.ravel(), names.reshape(-1, 2), strict=True)
            ],  # fmt: skip
            marker={"size": 18, "opacity": 0, "color": "black"},
            selected={"marker": {"opacity": 0}},
            unselected={"marker": {"opacity": 0}},
            hovertemplate="unit %{customdata[2]}<br>%{customdata[1]}<br>value "
            "%{customdata[0]:.3f}<br>click to select<extra></extra>",
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
    name ("h", "c", "input", …) to that unit's value at each of those epochs;
    ``step_label`` names the step ("t = 3 (x = 1)"). A dashed
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
    subtitle = f"at {step_label}"
    if selected_epoch is not None:
        fig.add_vline(x=selected_epoch, line={"color": HIGHLIGHT_COLOR, "width": 2, "dash": "dash"})
        subtitle += f" · dashed line = epoch {selected_epoch}"
    fig.add_hline(y=0, line={"color": "#999", "width": 1})
    fig.update_xaxes(title_text="epoch (weights kept during training)")
    fig.update_yaxes(title_text="value")
    fig = _style(fig, f"How unit {unit}'s gates changed over training", 320)
    fig.update_layout(
        title_subtitle={"text": subtitle, "font": {"size": BASE_FONT_SIZE}}, margin_t=84
    )
    return fig
