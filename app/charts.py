"""Pure Plotly figure builders for LSTM Explorer: arrays in, ``go.Figure`` out.

Every function here is pure: it takes numpy arrays / lists, returns a
``plotly.graph_objects.Figure`` (or, for the cell diagram, an SVG string) and never
calls Streamlit. Tests call the builders directly and assert on ``fig.data``.

The charts are made for a classroom projector at 1366×768: base font 15 px, titles
and axis titles everywhere, heights between 300 and 420 px. Two colour scales are
used everywhere, so the heatmaps and the cell diagram agree:

* ``ACTIVATION_SCALE`` (diverging, centred on 0) for activations, hidden and cell
  states, the tanh candidate: anything in [−1, 1] (widened symmetrically when a
  relu layer or the cell state goes beyond ±1);
* ``GATE_SCALE`` (sequential) for the sigmoid gates, whose values lie in [0, 1].

This module deliberately imports neither TensorFlow nor Keras, so that the home
page, which imports it, opens fast.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale, sample_colorscale
from plotly.subplots import make_subplots

# ---------------------------------------------------------------------------
# Shared look
# ---------------------------------------------------------------------------

ACTIVATION_SCALE = "RdBu_r"  # diverging, colour-blind safe; blue < 0 < red
GATE_SCALE = "Viridis"  # sequential, colour-blind safe; dark = closed, yellow = open
ACTIVATION_COLORBAR = "activation"
GATE_COLORBAR = "gate value"

# Okabe–Ito palette (its pale yellow swapped for wine): distinguishable with every
# common colour-vision deficiency.
QUALITATIVE = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # green
    "#CC79A7",  # pink
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#000000",  # black
    "#882255",  # wine (instead of Okabe–Ito yellow, too pale on white)
)
HIGHLIGHT_COLOR = "#D55E00"
MUTED_COLOR = "#9DB4C8"
CORRECT_COLOR = "#009E73"
WRONG_COLOR = "#D55E00"

BASE_FONT_SIZE = 15
TITLE_FONT_SIZE = 19
TEMPLATE = "plotly_white"
MAX_CELL_TEXT_UNITS = 16  # more units than this: no numbers written in the heatmap cells

ASSET_PATH = Path(__file__).resolve().parent.parent / "assets" / "lstm_cell.svg"


def _style(fig: go.Figure, title: str, height: int, **layout: object) -> go.Figure:
    """Apply the projector-friendly look shared by every chart."""
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "font": {"size": TITLE_FONT_SIZE}, "x": 0.02, "xanchor": "left"},
        font={"size": BASE_FONT_SIZE},
        height=height,
        margin={"l": 70, "r": 30, "t": 70, "b": 60},
        hoverlabel={"font": {"size": BASE_FONT_SIZE}},
        legend={"font": {"size": BASE_FONT_SIZE - 1}},
    )
    if layout:
        fig.update_layout(**layout)
    return fig


def _clamp_height(pixels: float, low: int = 300, high: int = 420) -> int:
    return int(min(high, max(low, pixels)))


def _fmt(value: float) -> str:
    """Short human number: integers without decimals, others with 3 significant digits."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == round(value) and abs(value) < 1e6:
        return str(int(round(value)))
    return f"{value:.3g}"


def _bracket(values: Sequence[float]) -> str:
    """``[1,2,3]`` – how the seeds write a window."""
    return "[" + ",".join(_fmt(v) for v in values) + "]"


def activation_limit(values: np.ndarray | Sequence[float]) -> float:
    """Half-width of the symmetric activation colour range: 1, or max |value| if larger."""
    arr = np.asarray(values, dtype=float)
    finite = arr[np.isfinite(arr)]
    peak = float(np.max(np.abs(finite))) if finite.size else 0.0
    return max(1.0, peak)


def _activation_colors(limit: float) -> dict[str, object]:
    return {"colorscale": ACTIVATION_SCALE, "zmid": 0.0, "zmin": -limit, "zmax": limit}


def _gate_colors() -> dict[str, object]:
    return {"colorscale": GATE_SCALE, "zmin": 0.0, "zmax": 1.0}


def _colorbar(title: str) -> dict[str, object]:
    return {"title": {"text": title, "side": "right"}, "thickness": 16, "len": 0.9}


def _as_float_array(values: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numbers only.") from exc
    return arr


def _time_ticks(n_steps: int, time_labels: Sequence[str] | None) -> list[str]:
    if time_labels is None:
        return [str(t + 1) for t in range(n_steps)]
    if len(time_labels) != n_steps:
        raise ValueError(
            f"Got {len(time_labels)} time labels for {n_steps} time steps; give one label per step."
        )
    return [_show_char(str(label)) for label in time_labels]


def _show_char(text: str) -> str:
    """Make blanks visible: a space becomes '␣', a newline '↵'."""
    return text.replace(" ", "␣").replace("\n", "↵") if text.strip() == "" else text


# ---------------------------------------------------------------------------
# 1. Transfer functions (seed 000)
# ---------------------------------------------------------------------------


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
        font={"size": BASE_FONT_SIZE, "color": HIGHLIGHT_COLOR},
        bgcolor="rgba(255,255,255,0.85)",
        row=1,
        col=col,
    )


# ---------------------------------------------------------------------------
# 2. Data pictures: sequences, windows, one-hot
# ---------------------------------------------------------------------------


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
) -> go.Figure:
    """A numeric series with its first windows drawn as shaded spans and their targets.

    Top: the series (line + markers), the targets of the shown windows as stars.
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
    shown = min(total, 4 if n_windows is None else max(1, int(n_windows)))
    positions = np.arange(values.size)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.55, 0.45], vertical_spacing=0.06
    )
    fig.add_trace(
        go.Scatter(
            x=positions,
            y=values,
            mode="lines+markers",
            name="series",
            line={"color": "#555", "width": 2},
            marker={"size": 9},
            hovertemplate="position %{x}: %{y:.3g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for k in range(shown):
        _add_window_row(fig, values, window, k)
    fig.update_xaxes(title_text="position in the series", row=2, col=1)
    fig.update_yaxes(title_text="value", row=1, col=1)
    fig.update_yaxes(
        tickmode="array",
        tickvals=list(range(shown)),
        ticktext=[f"window {k + 1}" for k in range(shown)],
        autorange="reversed",
        range=[shown - 0.5, -0.5],
        row=2,
        col=1,
    )
    return _style(fig, title, _clamp_height(300 + 25 * shown), margin={"l": 100})


def _add_window_row(fig: go.Figure, values: np.ndarray, window: int, k: int) -> None:
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
    fig.add_trace(
        go.Scatter(
            x=span,
            y=[k] * window,
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
    for row, y in ((2, k), (1, values[target_pos])):
        fig.add_trace(
            _target_star(target_pos, y, f"target of window {k + 1}", f"w{k}", color, label, 18),
            row=row,
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
        legend={"font": {"size": 13}, "tracegroupgap": 0},
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


# ---------------------------------------------------------------------------
# 3. Training
# ---------------------------------------------------------------------------


def training_curves(
    history: dict[str, list[float]], total_epochs: int, title: str = "Training"
) -> go.Figure:
    """Live loss (left) and accuracy (right, if present) curves on a fixed epoch axis.

    The x axis always spans [1, total_epochs], so the curve visibly grows as epochs
    arrive. The loss axis turns logarithmic when the loss spans more than 2 decades.
    ``val_loss`` / ``val_accuracy`` are drawn dashed when present.
    """
    total_epochs = int(total_epochs)
    if total_epochs < 1:
        raise ValueError("total_epochs must be at least 1.")
    loss = [float(v) for v in history.get("loss", [])]
    has_acc = "accuracy" in history
    cols = 2 if has_acc else 1
    panels = [("loss", "val_loss", loss)]
    if has_acc:
        panels.append(("accuracy", "val_accuracy", [float(v) for v in history["accuracy"]]))
    subtitles = [
        f"{name}: {vals[-1]:.4g} (epoch {len(vals)}/{total_epochs})" if vals else name
        for name, _, vals in panels
    ]
    fig = make_subplots(rows=1, cols=cols, subplot_titles=subtitles, horizontal_spacing=0.12)
    last = max(total_epochs, len(loss))  # never hide epochs beyond the planned number
    x_range = [1, last] if last > 1 else [0.5, 1.5]
    for col, (name, val_name, vals) in enumerate(panels, 1):
        _add_curve(fig, name, vals, col, QUALITATIVE[0 if col == 1 else 2], "solid")
        if val_name in history:
            val = [float(v) for v in history[val_name]]
            _add_curve(fig, val_name.replace("_", " "), val, col, QUALITATIVE[1], "dash")
        if not vals:
            fig.add_annotation(
                text="waiting for the first epoch…",
                x=0.5,
                y=0.5,
                showarrow=False,
                xref=f"x{col if col > 1 else ''} domain",
                yref=f"y{col if col > 1 else ''} domain",
                font={"size": BASE_FONT_SIZE + 1, "color": "#777"},
            )
        fig.update_xaxes(title_text="epoch", range=x_range, row=1, col=col)
    loss_axis = {"title_text": "loss"}
    if _spans_decades(loss, 2.0):
        loss_axis.update(type="log", dtick=1)
    elif not loss:
        loss_axis["range"] = [0, 1]
    fig.update_yaxes(**loss_axis, row=1, col=1)
    if has_acc:
        fig.update_yaxes(title_text="accuracy", range=[0, 1.05], row=1, col=2)
    has_val = any(k.startswith("val_") for k in history)
    if not has_val:
        return _style(fig, title, 360, showlegend=False)
    legend = {"orientation": "h", "y": -0.28, "x": 0, "yanchor": "top"}
    return _style(fig, title, 400, legend=legend, margin={"b": 100})


def _add_curve(
    fig: go.Figure, name: str, vals: list[float], col: int, color: str, dash: str
) -> None:
    epochs = list(range(1, len(vals) + 1))
    fig.add_trace(
        go.Scatter(
            x=epochs,
            y=vals,
            name=name,
            mode="lines+markers" if len(vals) <= 60 else "lines",
            line={"color": color, "width": 3, "dash": dash},
            marker={"size": 6},
            cliponaxis=False,
            hovertemplate=f"epoch %{{x}}<br>{name} %{{y:.4g}}<extra></extra>",
        ),
        row=1,
        col=col,
    )


def _spans_decades(values: Sequence[float], decades: float) -> bool:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size < 2 or arr.size < len(values):
        return False  # a zero or negative loss cannot go on a log axis
    return bool(np.log10(arr.max() / arr.min()) > decades)


# ---------------------------------------------------------------------------
# 4. Predictions
# ---------------------------------------------------------------------------


def _unique_labels(labels: Sequence[str]) -> list[str]:
    """Categorical axes merge equal labels; number the repeats."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _to_classes(values: np.ndarray) -> np.ndarray:
    """Class indices from indices, one-hot rows or probability rows (time folded in)."""
    if values.ndim >= 2 and values.shape[-1] > 1:
        return np.argmax(values, axis=-1).ravel()
    return np.rint(values).astype(int).ravel()


def predictions_vs_targets(
    targets: np.ndarray,
    predictions: np.ndarray,
    labels: list[str] | None = None,
    task: str = "regression",
    class_names: list[str] | None = None,
) -> go.Figure:
    """Targets against predictions, one sample per x position.

    ``task="regression"``: grouped bars target/prediction, error in the hover.
    ``task="classification"`` / ``"next_char"``: per sample a ring at the true class
    and a filled marker at the predicted class, with ✓/✗ above; targets and
    predictions may be class indices, one-hot rows or probability rows (a time axis
    is folded into the samples). ``class_names`` labels the class axis.
    """
    t = _as_float_array(targets, "targets")
    p = _as_float_array(predictions, "predictions")
    if task == "regression":
        t, p = t.ravel(), p.ravel()
    elif task in ("classification", "next_char"):
        t, p = _to_classes(t), _to_classes(p)
    else:
        raise ValueError(
            f"Unknown task {task!r}: use 'regression', 'classification' or 'next_char'."
        )
    if t.size != p.size:
        raise ValueError(f"Got {t.size} targets but {p.size} predictions.")
    if labels is None:
        labels = [f"sample {i + 1}" for i in range(t.size)]
    if len(labels) != t.size:
        raise ValueError(f"Got {len(labels)} labels for {t.size} samples.")
    names = _unique_labels([str(label) for label in labels])
    if task == "regression":
        return _regression_bars(t, p, names)
    return _class_markers(t.astype(int), p.astype(int), names, class_names)


def _regression_bars(t: np.ndarray, p: np.ndarray, names: list[str]) -> go.Figure:
    error = p - t
    fig = go.Figure()
    for name, vals, color in (("target", t, "#999999"), ("prediction", p, QUALITATIVE[0])):
        fig.add_trace(
            go.Bar(
                x=names,
                y=vals,
                name=name,
                marker_color=color,
                text=[_fmt(v) for v in vals],
                textposition="outside",
                cliponaxis=False,
                customdata=np.stack([t, p, error], axis=1),
                hovertemplate="%{x}<br>target %{customdata[0]:.4g}<br>prediction "
                "%{customdata[1]:.4g}<br>error %{customdata[2]:+.4g}<extra></extra>",
            )
        )
    mae = float(np.mean(np.abs(error))) if error.size else 0.0
    fig.update_xaxes(title_text="input")
    fig.update_yaxes(title_text="value")
    return _style(
        fig,
        f"Predictions vs targets (mean absolute error {mae:.3g})",
        380,
        barmode="group",
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )


def _class_markers(
    t: np.ndarray, p: np.ndarray, names: list[str], class_names: list[str] | None
) -> go.Figure:
    correct = t == p
    marks = ["✓" if ok else "✗" for ok in correct]
    n_classes = int(max(t.max(initial=0), p.max(initial=0))) + 1
    if class_names is not None:
        n_classes = max(n_classes, len(class_names))
    ticktext = [_show_char(str(c)) for c in class_names] if class_names else None
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=names,
            y=t,
            mode="markers",
            name="true class",
            marker={"symbol": "circle-open", "size": 26, "line": {"width": 3}, "color": "#444"},
            hovertemplate="%{x}<br>true class %{y}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=p,
            mode="markers",
            name="predicted class",
            marker={
                "symbol": "circle",
                "size": 13,
                "color": [CORRECT_COLOR if ok else WRONG_COLOR for ok in correct],
            },
            customdata=marks,
            hovertemplate="%{x}<br>predicted %{y} %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=names,
            y=[n_classes - 0.4] * len(names),
            mode="text",
            text=marks,
            name="correct?",
            textfont={
                "size": BASE_FONT_SIZE + 7,
                "color": [CORRECT_COLOR if ok else WRONG_COLOR for ok in correct],
            },
            showlegend=False,
            hoverinfo="skip",
        )
    )
    fig.update_xaxes(title_text="input")
    fig.update_yaxes(
        title_text="class",
        tickmode="array",
        tickvals=list(range(n_classes)),
        ticktext=ticktext,
        range=[-0.6, n_classes - 0.1],
    )
    title = f"Predicted vs true class: {int(correct.sum())}/{correct.size} correct"
    return _style(
        fig,
        title,
        _clamp_height(220 + 30 * n_classes),
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
    )


def probability_bars(
    probs: np.ndarray,
    labels: list[str],
    title: str = "Predicted probabilities",
    axis_title: str = "class",
    highlight: int | None = None,
) -> go.Figure:
    """One bar per class, y in [0, 1]; the argmax (or ``highlight``) bar stands out."""
    values = _as_float_array(probs, "probs").ravel()
    if values.size != len(labels):
        raise ValueError(f"Got {values.size} probabilities for {len(labels)} labels.")
    if values.size == 0:
        raise ValueError("No probabilities to show.")
    if np.any(~np.isfinite(values)) or values.min() < -1e-6 or values.max() > 1 + 1e-6:
        raise ValueError("Probabilities must lie between 0 and 1.")
    best = int(np.argmax(values)) if highlight is None else int(highlight)
    if not 0 <= best < values.size:
        raise ValueError(f"highlight must be a class index between 0 and {values.size - 1}.")
    names = _unique_labels([_show_char(str(label)) for label in labels])
    colors = [HIGHLIGHT_COLOR if i == best else MUTED_COLOR for i in range(values.size)]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=values,
            marker_color=colors,
            name="probability",
            text=[f"{v:.2f}" for v in values],
            textposition="outside",
            cliponaxis=False,
            textfont={"size": BASE_FONT_SIZE + 1},
            hovertemplate="%{x}: %{y:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(title_text=axis_title, type="category")
    fig.update_yaxes(title_text="probability", range=[0, 1.12], tickvals=[0, 0.25, 0.5, 0.75, 1])
    return _style(fig, title, 320, showlegend=False)


# ---------------------------------------------------------------------------
# 5. Inside the cell
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# 6. The cell diagram (SVG)
# ---------------------------------------------------------------------------

LSTM_SYMBOLS = {
    "x_t": "xₜ",
    "h_prev": "hₜ₋₁",
    "c_prev": "cₜ₋₁",
    "input": "iₜ",
    "forget": "fₜ",
    "candidate": "c̃ₜ",
    "output": "oₜ",
    "c_t": "cₜ",
    "h_t": "hₜ",
}
GRU_SYMBOLS = {
    "x_t": "xₜ",
    "h_prev": "hₜ₋₁",
    "update": "zₜ",
    "reset": "rₜ",
    "candidate": "h̃ₜ",
    "h_t": "hₜ",
}
RNN_SYMBOLS = {"x_t": "xₜ", "h_prev": "hₜ₋₁", "h_t": "hₜ"}
# Which colour scale fills each box: gates in [0, 1], the tanh candidate in [−1, 1].
_BOX_SCALES = {
    "input": "gate",
    "forget": "gate",
    "output": "gate",
    "update": "gate",
    "reset": "gate",
    "candidate": "activation",
    "h_t": "activation",
}
_DEFAULT_TITLES = {
    "lstm": "LSTM cell at one time step",
    "gru": "GRU cell at one time step",
    "simple_rnn": "SimpleRNN cell at one time step",
}


@lru_cache(maxsize=1)
def _lstm_template() -> str:
    return ASSET_PATH.read_text(encoding="utf-8")


def _format_value(value: float | Sequence[float]) -> str:
    """``+0.512`` for a number; ``[1.0, 0.0, 0.0, …]`` for a vector (first 3 entries)."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):+.3f}"
    flat = arr.ravel()
    parts = [f"{v:.1f}" if float(v).is_integer() else f"{v:.2f}" for v in flat[:3]]
    if flat.size > 3:
        parts.append("…")
    return "[" + ", ".join(parts) + "]"


def _box_color(value: float | Sequence[float], scale_kind: str) -> str | None:
    """The heatmap colour of a value (a vector is coloured by its mean)."""
    v = float(np.mean(np.asarray(value, dtype=float)))
    if not math.isfinite(v):
        return None
    if scale_kind == "gate":
        return sample_colorscale(get_colorscale(GATE_SCALE), [min(1.0, max(0.0, v))])[0]
    return sample_colorscale(get_colorscale(ACTIVATION_SCALE), [min(1.0, max(0.0, (v + 1) / 2))])[0]


def _text_color_on(rgb: str) -> str:
    """Black or white text, whichever reads better on ``rgb(r, g, b)``."""
    r, g, b = (float(c) for c in re.findall(r"[\d.]+", rgb)[:3])
    luminance = (0.299 * r + 0.587 * g + 0.114 * b) / 255
    return "#111111" if luminance > 0.5 else "#ffffff"


def _set_attr(svg: str, elem_id: str, attr: str, value: str) -> str:
    """Set ``attr`` on the element whose id is ``elem_id`` (the tag is edited in place)."""
    tag_re = re.compile(r'<[^<>]*\bid="' + re.escape(elem_id) + r'"[^<>]*>')
    match = tag_re.search(svg)
    if match is None:
        return svg
    tag = match.group(0)
    attr_re = re.compile(r"\s" + re.escape(attr) + r'="[^"]*"')
    new_attr = f' {attr}="{html.escape(value)}"'
    if attr_re.search(tag):
        new_tag = attr_re.sub(new_attr, tag, count=1)
    else:
        end = -2 if tag.endswith("/>") else -1
        new_tag = tag[:end] + new_attr + tag[end:]
    return svg[: match.start()] + new_tag + svg[match.end() :]


def _fill_slots(
    template: str, symbols: Mapping[str, str], values: Mapping[str, object] | None, title: str
) -> str:
    svg = template.replace("{title}", html.escape(title))
    values = values or {}
    for key, symbol in symbols.items():
        text = symbol
        if values.get(key) is not None:
            text = f"{symbol} = {_format_value(values[key])}"
            scale = _BOX_SCALES.get(key)
            color = _box_color(values[key], scale) if scale else None
            if color is not None:
                svg = _set_attr(svg, f"box-{key}", "fill", color)
                svg = _set_attr(svg, f"sym-{key}", "fill", _text_color_on(color))
        svg = svg.replace("{" + key + "}", html.escape(text))
    return svg


def cell_diagram_svg(
    values: Mapping[str, float | list[float]] | None = None,
    cell: str = "lstm",
    title: str | None = None,
) -> str:
    """The SVG text of a recurrent cell diagram with its value slots filled.

    ``cell="lstm"`` reads ``assets/lstm_cell.svg``; keys of ``values`` are "x_t",
    "h_prev", "c_prev", "input", "forget", "candidate", "output", "c_t", "h_t" (GRU:
    "update", "reset", "candidate"; SimpleRNN: "x_t", "h_prev", "h_t"). Without
    values the slots show the symbols only (xₜ, hₜ₋₁, …). Gate boxes are filled with
    the same colours as the heatmaps (``GATE_SCALE`` for gates, ``ACTIVATION_SCALE``
    for the candidate). Keys the chosen cell does not have are ignored.
    """
    if cell not in _DEFAULT_TITLES:
        raise ValueError(f"Unknown cell {cell!r}: use 'lstm', 'gru' or 'simple_rnn'.")
    title = _DEFAULT_TITLES[cell] if title is None else title
    if cell == "lstm":
        return _fill_slots(_lstm_template(), LSTM_SYMBOLS, values, title)
    if cell == "gru":
        return _fill_slots(_GRU_TEMPLATE, GRU_SYMBOLS, values, title)
    return _fill_slots(_RNN_TEMPLATE, RNN_SYMBOLS, values, title)


_SVG_HEAD = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 {h}" width="100%" \
style="max-width: 900px; height: auto;" \
font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-size="18" role="img">
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#444444"/></marker>
    <style>
      .wire {{ fill: none; stroke: #444444; stroke-width: 2.5; }}
      .op {{ fill: #ffffff; stroke: #222222; stroke-width: 2.5; }}
      .opsym {{ font-size: 22px; font-weight: bold; text-anchor: middle; fill: #222222; }}
      .gate {{ stroke: #222222; stroke-width: 2; }}
      .gatesym {{ font-size: 22px; text-anchor: middle; }}
      .name {{ font-size: 16px; text-anchor: middle; fill: #333333; paint-order: stroke; \
stroke: #f4f6f8; stroke-width: 6px; stroke-linejoin: round; }}
      .slot {{ font-size: 19px; fill: #111111; paint-order: stroke; stroke: #ffffff; \
stroke-width: 5px; stroke-linejoin: round; }}
      .eq {{ font-size: 18px; fill: #222222; }}
      .dot {{ fill: #444444; }}
    </style>
  </defs>
  <rect width="900" height="{h}" fill="#ffffff"/>
  <text id="slot-title" x="20" y="34" font-size="20" font-weight="bold">{{title}}</text>
"""

# GRU as Keras computes it (reset_after=True): z, r = σ(…); h̃ = tanh(W·x + r·(U·h) + b);
# h_t = z·h_{t−1} + (1 − z)·h̃.
_GRU_TEMPLATE = (
    _SVG_HEAD.format(h=450)
    + """\
  <rect x="100" y="60" width="640" height="320" rx="20" fill="#f4f6f8" stroke="#9aa5b1" \
stroke-width="2"/>
  <path class="wire" d="M 24 100 L 868 100" marker-end="url(#arrow)"/>
  <text id="slot-h_prev" x="24" y="88" class="slot">{h_prev}</text>
  <text id="slot-h_t" x="882" y="88" class="slot" text-anchor="end">{h_t}</text>
  <path class="wire" d="M 60 100 L 60 350 L 620 350"/>
  <circle class="dot" cx="60" cy="100" r="5"/>
  <path class="wire" d="M 200 440 L 200 350"/>
  <circle class="dot" cx="200" cy="350" r="5"/>
  <text id="slot-x_t" x="212" y="436" class="slot">{x_t}</text>
  <path class="wire" d="M 300 350 L 300 284" marker-end="url(#arrow)"/>
  <path class="wire" d="M 440 350 L 440 284" marker-end="url(#arrow)"/>
  <path class="wire" d="M 620 350 L 620 284" marker-end="url(#arrow)"/>
  <circle class="dot" cx="300" cy="350" r="5"/>
  <circle class="dot" cx="440" cy="350" r="5"/>
  <path class="wire" d="M 300 236 L 300 118" marker-end="url(#arrow)"/>
  <path class="wire" d="M 300 170 L 442 170" marker-end="url(#arrow)"/>
  <circle class="dot" cx="300" cy="170" r="5"/>
  <path class="wire" d="M 478 170 L 602 170" marker-end="url(#arrow)"/>
  <path class="wire" d="M 620 236 L 620 188" marker-end="url(#arrow)"/>
  <path class="wire" d="M 620 152 L 620 118" marker-end="url(#arrow)"/>
  <path class="wire" d="M 478 260 L 512 260" marker-end="url(#arrow)"/>
  <path class="wire" d="M 548 260 L 580 260" marker-end="url(#arrow)"/>
  <circle class="op" cx="300" cy="100" r="17"/><text class="opsym" x="300" y="108">×</text>
  <circle class="op" cx="620" cy="100" r="17"/><text class="opsym" x="620" y="108">+</text>
  <circle class="op" cx="460" cy="170" r="18"/><text class="opsym" x="460" y="177" \
font-size="17">1−</text>
  <circle class="op" cx="620" cy="170" r="17"/><text class="opsym" x="620" y="178">×</text>
  <circle class="op" cx="530" cy="260" r="17"/><text class="opsym" x="530" y="268">×</text>
  <text class="name" x="530" y="300">r·hₜ₋₁</text>
  <rect id="box-update" class="gate" x="262" y="236" width="76" height="46" rx="8" \
fill="#fbe3b5"/>
  <text id="sym-update" class="gatesym" x="300" y="266" fill="#1a1a1a">σ</text>
  <text class="name" x="300" y="304">update</text>
  <text id="slot-update" class="slot" x="300" y="226" text-anchor="middle">{update}</text>
  <rect id="box-reset" class="gate" x="402" y="236" width="76" height="46" rx="8" \
fill="#fbe3b5"/>
  <text id="sym-reset" class="gatesym" x="440" y="266" fill="#1a1a1a">σ</text>
  <text class="name" x="440" y="304">reset</text>
  <text id="slot-reset" class="slot" x="440" y="226" text-anchor="middle">{reset}</text>
  <rect id="box-candidate" class="gate" x="582" y="236" width="76" height="46" rx="8" \
fill="#cfe3f3"/>
  <text id="sym-candidate" class="gatesym" x="620" y="265" fill="#1a1a1a">tanh</text>
  <text class="name" x="620" y="304">candidate</text>
  <text id="slot-candidate" class="slot" x="632" y="226">{candidate}</text>
  <text class="eq" x="430" y="410">h̃ₜ = tanh(W·xₜ + rₜ·(U·hₜ₋₁) + b)</text>
  <text class="eq" x="430" y="438">hₜ = zₜ·hₜ₋₁ + (1 − zₜ)·h̃ₜ</text>
</svg>
"""
)

_RNN_TEMPLATE = (
    _SVG_HEAD.format(h=360)
    + """\
  <rect x="150" y="60" width="560" height="230" rx="20" fill="#f4f6f8" stroke="#9aa5b1" \
stroke-width="2"/>
  <path class="wire" d="M 24 260 L 430 260 L 430 214" marker-end="url(#arrow)"/>
  <text id="slot-h_prev" x="24" y="248" class="slot">{h_prev}</text>
  <path class="wire" d="M 430 350 L 430 260"/>
  <circle class="dot" cx="430" cy="260" r="5"/>
  <text id="slot-x_t" x="442" y="346" class="slot">{x_t}</text>
  <rect id="box-h_t" class="gate" x="380" y="166" width="100" height="46" rx="8" fill="#cfe3f3"/>
  <text id="sym-h_t" class="gatesym" x="430" y="196" fill="#1a1a1a">tanh</text>
  <path class="wire" d="M 430 166 L 430 110 L 868 110" marker-end="url(#arrow)"/>
  <path class="wire" d="M 780 110 L 780 52" marker-end="url(#arrow)"/>
  <circle class="dot" cx="780" cy="110" r="5"/>
  <text x="792" y="64" class="slot">hₜ</text>
  <text id="slot-h_t" x="882" y="140" class="slot" text-anchor="end">{h_t}</text>
  <text class="eq" x="180" y="96">hₜ = tanh(W·xₜ + U·hₜ₋₁ + b)</text>
  <text class="name" x="430" y="236">new state</text>
</svg>
"""
)


# ---------------------------------------------------------------------------
# 7. Click targets (added for the Inside page)
# ---------------------------------------------------------------------------


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
