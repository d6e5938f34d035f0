"""Data pictures: input sequences, a windowed series, windows and targets, one-hot text."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts.style import (
    BASE_FONT_SIZE,
    GATE_SCALE,
    QUALITATIVE,
    _activation_colors,
    _as_float_array,
    _bracket,
    _clamp_height,
    _colorbar,
    _fmt,
    _gate_colors,
    _show_char,
    _style,
)

LONG_SERIES = 24  # positions: beyond this the window rows have no room for their numbers


def _squeeze_feature(x: np.ndarray, name: str) -> np.ndarray:
    """(samples, timesteps) or (samples, timesteps, 1) -> (samples, timesteps)."""
    if x.ndim == 3 and x.shape[2] == 1:
        return x[:, :, 0]
    if x.ndim == 1:
        return x[None, :]
    if x.ndim != 2:
        raise ValueError(
            f"{name} must have shape (samples, timesteps) or (samples, timesteps, 1); "
            f"got {x.shape}."
        )
    return x


def _value_colors(z: np.ndarray) -> dict[str, object]:
    """Data values: the activation scale if anything is negative, else the gate scale."""
    finite = z[np.isfinite(z)]
    if finite.size and finite.min() < 0:
        return _activation_colors(float(np.max(np.abs(finite))))
    top = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    return {"colorscale": GATE_SCALE, "zmin": 0.0, "zmax": top}


def sequence_heatmap(
    x: np.ndarray, row_labels: list[str], title: str = "Input sequences"
) -> go.Figure:
    """Samples × time heatmap of input sequences with the numbers written in the cells."""
    z = _squeeze_feature(_as_float_array(x, "x"), "x")
    n_samples, n_steps = z.shape
    if len(row_labels) != n_samples:
        raise ValueError(f"Got {len(row_labels)} row labels for {n_samples} sequences.")
    steps = list(range(1, n_steps + 1))
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=steps,
            y=list(range(n_samples)),
            text=[[str(label)] * n_steps for label in row_labels],
            texttemplate="%{z:.3~g}",
            textfont={"size": BASE_FONT_SIZE + 1},
            xgap=2,
            ygap=2,
            colorbar=_colorbar("value"),
            hovertemplate="%{text}<br>time step %{x}<br>value %{z:.3~g}<extra></extra>",
            **_value_colors(z),
        )
    )
    fig.update_xaxes(title_text="time step", tickmode="array", tickvals=steps)
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(n_samples)),
        ticktext=[str(label) for label in row_labels],
        autorange="reversed",
    )
    return _style(fig, title, _clamp_height(110 + 40 * n_samples), margin={"l": 150})


def _target_star(x, y, name: str, group: str, color: str, label: str, size: int) -> go.Scatter:
    """The star that marks the value a window must predict."""
    return go.Scatter(
        x=[x],
        y=[y],
        mode="markers",
        name=name,
        showlegend=False,
        legendgroup=group,
        marker={
            "symbol": "star",
            "size": size,
            "color": color,
            "line": {"color": "#222", "width": 1},
        },
        hovertemplate=label + "<extra></extra>",
    )


def series_windows(
    series: np.ndarray,
    window: int,
    n_windows: int | None = None,
    title: str = "Windowing a series: x = a window, y = the next value",
    extra: dict[str, np.ndarray] | None = None,
    test_from: int | None = None,
    name: str = "series",
) -> go.Figure:
    """A numeric series with its first windows drawn as shaded spans and their targets.

    Top: the series (line + markers), the targets of the shown windows as stars; more
    input features (``extra``: name -> values, one per position) as dotted lines on a
    second y axis; the test part (from position ``test_from``) shaded.
    Bottom: one row per window, a shaded span over the window's positions and a
    star at the position of its target (x = window, y = next value).
    """
    values = _as_float_array(series, "series").ravel()
    window = int(window)
    total = values.size - window
    if window < 1 or total < 1:
        raise ValueError(
            f"A window of {window} needs a series longer than {window} values (got {values.size})."
        )
    extra = {key: _as_float_array(v, key).ravel() for key, v in (extra or {}).items()}
    for key, v in extra.items():
        if v.size != values.size:
            raise ValueError(
                f"The feature '{key}' has {v.size} values for {values.size} positions."
            )
    shown = min(total, 4 if n_windows is None else max(1, int(n_windows)))
    positions = np.arange(values.size)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.55, 0.45], vertical_spacing=0.06,
        specs=[[{"secondary_y": bool(extra)}], [{}]],
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=positions,
            y=values,
            mode="lines+markers",
            name=name,
            line={"color": "#555", "width": 2},
            marker={"size": 9},
            hovertemplate="position %{x}: %{y:.3g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for k, (key, v) in enumerate(extra.items()):
        fig.add_trace(
            go.Scatter(
                x=positions, y=v, mode="lines", name=key,
                line={"color": QUALITATIVE[(k + 4) % len(QUALITATIVE)], "width": 2, "dash": "dot"},
                hovertemplate=key + " at %{x}: %{y:.3g}<extra></extra>",
            ),
            row=1, col=1, secondary_y=True,
        )  # fmt: skip
    long = values.size > LONG_SERIES
    for k in range(shown):
        _add_window_row(fig, values, window, k, numbers=not long)
    if test_from is not None and 0 < test_from < values.size:
        fig.add_vrect(x0=test_from - 0.5, x1=values.size - 0.5, fillcolor="#9DB4C8",
                      opacity=0.25, line_width=0, row=1, col=1)  # fmt: skip
        fig.add_annotation(x=test_from - 0.5, xanchor="left", y=0, yref="y domain",
                           yanchor="bottom", text="test part", showarrow=False)  # fmt: skip
    fig.update_xaxes(title_text="position in the series", row=2, col=1)
    fig.update_yaxes(title_text="value" if not extra else name, row=1, col=1, secondary_y=False)
    if extra:  # no title: it would run into the legend, which names the dotted lines
        fig.update_yaxes(row=1, col=1, secondary_y=True, showgrid=False, nticks=4)
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(shown)),
        ticktext=[f"window {k + 1}" for k in range(shown)],
        autorange="reversed",
        range=[shown - 0.5, -0.5],
        row=2,
        col=1,
    )
    height = _clamp_height(300 + 25 * shown)
    if not (long or extra):
        return _style(fig, title, height, margin={"l": 100})
    # a long series needs the width: the legend goes under the chart
    legend = {"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0, "xanchor": "left"}
    return _style(fig, title, height + 90, margin={"l": 100, "b": 150}, legend=legend)


def _add_window_row(
    fig: go.Figure, values: np.ndarray, window: int, k: int, numbers: bool = True
) -> None:
    color = QUALITATIVE[k % len(QUALITATIVE)]
    span = np.arange(k, k + window)
    target_pos = k + window
    label = f"window {k + 1}: {_bracket(values[span])} → {_fmt(values[target_pos])}"
    fig.add_trace(
        go.Scatter(
            x=[k - 0.35, k + window - 0.65],
            y=[k, k],
            mode="lines",
            name=label,
            legendgroup=f"w{k}",
            line={"color": color, "width": 22},
            opacity=0.35,
            hovertemplate=label + "<extra></extra>",
        ),
        row=2,
        col=1,
    )
    if numbers:  # the window's numbers inside its span (too narrow on a long series)
        _add_window_numbers(fig, values, span, k)
    for row, y in ((2, k), (1, values[target_pos])):
        fig.add_trace(
            _target_star(target_pos, y, f"target of window {k + 1}", f"w{k}", color, label, 18),
            row=row,
            col=1,
        )


def _add_window_numbers(fig: go.Figure, values: np.ndarray, span: np.ndarray, k: int) -> None:
    fig.add_trace(
        go.Scatter(
            x=span,
            y=[k] * len(span),
            mode="text",
            text=[_fmt(v) for v in values[span]],
            textfont={"size": BASE_FONT_SIZE},
            showlegend=False,
            legendgroup=f"w{k}",
            hoverinfo="skip",
        ),
        row=2,
        col=1,
    )


def windows_chart(x: np.ndarray, y: np.ndarray) -> go.Figure:
    """Each window as a short line at positions 0..size−1 and its target at position size.

    ``x`` has shape (n, size) or (n, size, 1), ``y`` one target per window. The legend
    and hover read like the seeds: ``window 1: [1,2,3] → 4``.
    """
    windows = _squeeze_feature(_as_float_array(x, "x"), "x")
    targets = _as_float_array(y, "y").ravel()
    n, size = windows.shape
    if targets.size != n:
        raise ValueError(f"Got {n} windows but {targets.size} targets; give one target each.")
    fig = go.Figure()
    for i in range(n):
        color = QUALITATIVE[i % len(QUALITATIVE)]
        dash = "solid" if i < len(QUALITATIVE) else "dot"
        label = f"window {i + 1}: {_bracket(windows[i])} → {_fmt(targets[i])}"
        fig.add_trace(
            go.Scatter(
                x=list(range(size)),
                y=windows[i],
                mode="lines+markers",
                name=label,
                legendgroup=f"w{i}",
                line={"color": color, "width": 2.5, "dash": dash},
                marker={"size": 8},
                hovertemplate=label + "<extra></extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[size - 1, size],
                y=[windows[i, -1], targets[i]],
                mode="lines",
                line={"color": color, "width": 1.5, "dash": "dot"},
                showlegend=False,
                legendgroup=f"w{i}",
                hoverinfo="skip",
            )
        )
        fig.add_trace(_target_star(size, targets[i], f"target {i + 1}", f"w{i}", color, label, 16))
    ticks = [f"x{j + 1}" for j in range(size)] + ["target y"]
    fig.update_xaxes(
        title_text="position in the window",
        tickmode="array",
        tickvals=list(range(size + 1)),
        ticktext=ticks,
    )
    fig.update_yaxes(title_text="value")
    return _style(
        fig,
        "Windows (lines) and the value each must predict (stars)",
        _clamp_height(260 + 12 * n),
        legend={"font": {"size": BASE_FONT_SIZE}, "tracegroupgap": 0},
    )


def one_hot_matrix(
    chars: list[str], vocab: list[str], title: str = "One-hot encoding"
) -> go.Figure:
    """Time × vocabulary heatmap of the one-hot encoding of ``chars`` over ``vocab``."""
    if not chars:
        raise ValueError("The text is empty: type at least one character.")
    index = {c: j for j, c in enumerate(vocab)}
    unknown = sorted({c for c in chars if c not in index})
    if unknown:
        raise ValueError(
            f"Characters {unknown} are not in the vocabulary {list(vocab)}; "
            "use only characters from the vocabulary."
        )
    z = np.zeros((len(chars), len(vocab)))
    z[np.arange(len(chars)), [index[c] for c in chars]] = 1.0  # (time, vocab)
    shown_chars = [_show_char(c) for c in chars]
    shown_vocab = [_show_char(c) for c in vocab]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(len(vocab))),
            y=list(range(len(chars))),
            customdata=[[(ch, v) for v in shown_vocab] for ch in shown_chars],
            texttemplate="%{z:.0f}",
            textfont={"size": BASE_FONT_SIZE + 2},
            xgap=2,
            ygap=2,
            colorbar=_colorbar("one-hot"),
            **_gate_colors(),
            hovertemplate="character '%{customdata[0]}' (step %{y})<br>"
            "vocabulary '%{customdata[1]}': %{z:.0f}<extra></extra>",
        )
    )
    fig.update_xaxes(
        title_text="vocabulary",
        tickmode="array",
        tickvals=list(range(len(vocab))),
        ticktext=shown_vocab,
        tickfont={"size": BASE_FONT_SIZE + 3},
    )
    fig.update_yaxes(
        title_text="character of the text",
        tickmode="array",
        tickvals=list(range(len(chars))),
        ticktext=shown_chars,
        tickfont={"size": BASE_FONT_SIZE + 3},
        autorange="reversed",
    )
    return _style(fig, title, _clamp_height(150 + 42 * len(chars)))
