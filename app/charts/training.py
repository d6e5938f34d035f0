"""Training curves: live loss and accuracy on a fixed epoch axis."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from app.charts.style import BASE_FONT_SIZE, QUALITATIVE, TEXT_COLOR, _style


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
    panels = [("loss", "val_loss", loss)]
    if has_acc:
        panels.append(("accuracy", "val_accuracy", [float(v) for v in history["accuracy"]]))
    # Short panel titles (two fit side by side in half a projector); the epoch in the title.
    subtitles = [f"{name} {vals[-1]:.4g}" if vals else name for name, _, vals in panels]
    for i, (_, val_name, _) in enumerate(panels):
        if history.get(val_name):
            subtitles[i] += f" · val {float(history[val_name][-1]):.4g}"
    if loss:
        title = f"{title} · epoch {len(loss)} of {total_epochs}"
    last = max(total_epochs, len(loss))  # never hide epochs beyond the planned number
    x_range = [1, last] if last > 1 else [0.5, 1.5]
    traces, layout = [], _panels(subtitles)
    for col, (name, val_name, vals) in enumerate(panels, 1):
        axes = (_axis("x", col), _axis("y", col))
        traces.append(_curve(name, vals, axes, QUALITATIVE[0 if col == 1 else 2], "solid"))
        if val_name in history:
            val = [float(v) for v in history[val_name]]
            traces.append(_curve(val_name.replace("_", " "), val, axes, QUALITATIVE[1], "dash"))
        if not vals:
            layout["annotations"].append(
                {
                    "text": "waiting for the first epoch…",
                    "x": 0.5,
                    "y": 0.5,
                    "showarrow": False,
                    "xref": f"{axes[0]} domain",
                    "yref": f"{axes[1]} domain",
                    "font": {"size": BASE_FONT_SIZE + 1, "color": "#444"},  # 9.7:1 on white
                }
            )
        layout[_axis("xaxis", col)].update(title={"text": "epoch"}, range=x_range)
    loss_axis: dict = {"title": {"text": "loss"}}
    if _spans_decades(loss, 2.0):
        loss_axis.update(type="log", dtick=1, title={"text": "loss (log scale)"})
    elif not loss:
        loss_axis["range"] = [0, 1]
    layout["yaxis"].update(loss_axis)
    if has_acc:
        layout["yaxis2"].update(title={"text": "accuracy"}, range=[0, 1.05])
    # one figure from whole dicts: plotly's make_subplots, update_xaxes and add_trace took
    # ~10 ms more a figure, and a class's server draws one per student and live frame
    fig = go.Figure(data=traces, layout=layout)
    has_val = any(k.startswith("val_") for k in history)
    if not has_val:
        return _style(fig, title, 360, showlegend=False)
    legend = {"orientation": "h", "y": -0.28, "x": 0, "yanchor": "top"}
    return _style(fig, title, 400, legend=legend, margin={"b": 100})


def _axis(kind: str, col: int) -> str:
    return kind if col == 1 else f"{kind}{col}"


def _panels(subtitles: list[str]) -> dict:
    """The layout ``make_subplots(rows=1, cols=len(subtitles), horizontal_spacing=0.2,
    subplot_titles=subtitles)`` gives: side-by-side axes, each panel's title above it."""
    cols = len(subtitles)
    width = (1 - 0.2 * (cols - 1)) / cols
    layout: dict = {"annotations": []}
    for col, subtitle in enumerate(subtitles, 1):
        left = (col - 1) * (width + 0.2)
        x, y = _axis("x", col), _axis("y", col)
        layout[_axis("xaxis", col)] = {"anchor": y, "domain": [left, left + width]}
        layout[_axis("yaxis", col)] = {"anchor": x, "domain": [0.0, 1.0]}
        layout["annotations"].append(
            {
                "text": subtitle,
                "font": {"size": 16},
                "showarrow": False,
                "x": left + width / 2,
                "xanchor": "center",
                "xref": "paper",
                "y": 1.0,
                "yanchor": "bottom",
                "yref": "paper",
            }
        )
    return layout


def _curve(name: str, vals: list[float], axes: tuple[str, str], color: str, dash: str) -> dict:
    return {
        "type": "scatter",
        "x": list(range(1, len(vals) + 1)),
        "y": vals,
        "name": name,
        "mode": "lines+markers" if len(vals) <= 60 else "lines",
        "line": {"color": color, "width": 3, "dash": dash},
        "marker": {"size": 6},
        "cliponaxis": False,
        "hovertemplate": f"epoch %{{x}}<br>{name} %{{y:.4g}}<extra></extra>",
        "xaxis": axes[0],
        "yaxis": axes[1],
    }


def _spans_decades(values: Sequence[float], decades: float) -> bool:
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr) & (arr > 0)]
    if arr.size < 2 or arr.size < len(values):
        return False  # a zero or negative loss cannot go on a log axis
    return bool(np.log10(arr.max() / arr.min()) > decades)


def compare_curves(
    histories: dict[str, list[float]],
    total_epochs: int,
    title: str = "Loss of each cell",
    groups: dict[str, str] | None = None,
) -> go.Figure:
    """One loss curve per model (e.g. SimpleRNN, LSTM, GRU, Dense) on one epoch axis.

    Each curve is labelled at its end with its name and last value, so the chart reads
    without a legend on a projector; the axis turns logarithmic past 2 decades.
    ``groups`` (curve name -> group name, e.g. every seed of a 1-layer model -> "1 layer"):
    one colour per group, thinner lines, and one end label per group with the range of
    its curves' last values; each curve keeps its own name on hover.
    """
    total_epochs = int(total_epochs)
    if total_epochs < 1:
        raise ValueError("total_epochs must be at least 1.")
    group_of = groups or {name: name for name in histories}
    colors = _group_colors(histories, group_of)
    fig = go.Figure()
    everything: list[float] = []
    for name, losses in histories.items():
        values = [float(v) for v in losses]
        everything += values
        fig.add_trace(
            go.Scatter(
                x=list(range(1, len(values) + 1)),
                y=values,
                name=name,
                legendgroup=group_of.get(name, name),
                mode="lines",
                line={"color": colors[name], "width": 2 if groups else 3},
                opacity=0.85 if groups else 1.0,
                hovertemplate=f"{name}<br>epoch %{{x}}<br>loss %{{y:.4g}}<extra></extra>",
            )
        )
    log = _spans_decades(everything, 2.0)
    ends = _end_heights(histories, log)  # name -> label height (decades on a log axis)
    texts = {name: f"{name} {float(histories[name][-1]):.3g}" for name in ends}
    if groups:
        ends, texts = _group_ends(histories, group_of, ends, log)
    shown = [v for v in everything if math.isfinite(v) and (v > 0 or not log)]
    heights = [math.log10(v) for v in shown] if log else shown
    span = (max(heights) - min(heights)) if heights else 0.0  # the axis' extent
    shifts = _label_shifts(ends, PLOT_PIXELS / max(span, 1e-9))
    lengths = {group_of.get(name, name): len(losses) for name, losses in histories.items()}
    color_of = {group_of.get(name, name): colors[name] for name in histories}
    for name in ends:
        # dark text (a pale orange label is unreadable on a projector) after a square in
        # the curve's colour
        square = f'<span style="color:{color_of[name]}">■</span>'
        fig.add_annotation(
            x=lengths[name], y=ends[name], text=f"{square} {texts[name]}",
            showarrow=False, xanchor="left", xshift=6, yshift=shifts[name],
            font={"size": BASE_FONT_SIZE, "color": TEXT_COLOR},
        )  # fmt: skip
    fig.update_xaxes(title_text="epoch", range=[1, max(total_epochs, 2)])
    fig.update_yaxes(title_text="loss", **({"type": "log", "dtick": 1} if log else {}))
    # the end labels ("■ SimpleRNN 0.0847") live in a right margin of their own: inside
    # the plot a few epochs' room cut them off
    margin = GROUP_LABEL_MARGIN if groups else LABEL_MARGIN
    return _style(fig, title, 380, showlegend=False).update_layout(margin_r=margin)


def _group_colors(histories: dict[str, list[float]], group_of: dict[str, str]) -> dict[str, str]:
    """Curve name -> its colour: the palette in the order the groups first appear."""
    order = list(dict.fromkeys(group_of.get(name, name) for name in histories))
    return {name: QUALITATIVE[order.index(group_of.get(name, name)) % len(QUALITATIVE)]
            for name in histories}  # fmt: skip


def _group_ends(
    histories: dict[str, list[float]], group_of: dict[str, str], ends: dict[str, float], log: bool
) -> tuple[dict[str, float], dict[str, str]]:
    """One end label per group: at the median height of its curves' ends, saying the range
    of their last values ("9 layers 0.09…28")."""
    heights: dict[str, list[float]] = {}
    for name, height in ends.items():
        heights.setdefault(group_of.get(name, name), []).append(height)
    at, texts = {}, {}
    for group, values in heights.items():
        at[group] = float(np.median(values))
        low, high = (10**v if log else v for v in (min(values), max(values)))
        texts[group] = f"{group} {low:.3g}" if len(values) == 1 else f"{group} {low:.2g}…{high:.2g}"
    return at, texts


PLOT_PIXELS = 240  # about the plot area's height in the 380-px chart
LABEL_GAP = 20  # pixels between two end labels' baselines (16-px text)
LABEL_MARGIN = 180  # pixels right of the plot for "■ SimpleRNN 0.0847" at 16 px
GROUP_LABEL_MARGIN = 230  # for "■ 9 layers 0.093…28" (a group's range)


def _label_shifts(ends: dict[str, float], pixels_per_unit: float) -> dict[str, int]:
    """How far (pixels, down) to move each end label so that no two overlap: from the
    highest end down, a label sits at its curve's end or ``LABEL_GAP`` below the one
    above, whichever is lower."""
    shifts, above = {}, math.inf
    for name, height in sorted(ends.items(), key=lambda item: -item[1]):
        at = min(height * pixels_per_unit, above - LABEL_GAP)
        shifts[name] = round(at - height * pixels_per_unit)
        above = at
    return shifts


def _end_heights(histories: dict[str, list[float]], log: bool) -> dict[str, float]:
    """Where each curve's end label sits: its last loss, in decades on a log axis (that is
    how Plotly places annotations there); curves that end empty, NaN or ≤ 0 on a log
    axis get no label."""
    ends = {}
    for name, losses in histories.items():
        if losses and math.isfinite(float(losses[-1])) and (float(losses[-1]) > 0 or not log):
            last = float(losses[-1])
            ends[name] = math.log10(last) if log else last
    return ends


def run_spread(
    values: dict[str, float], title: str, y_title: str, groups: dict[str, str] | None = None
) -> go.Figure:
    """One point per run (its label on hover) over a box of their spread: how much the
    same experiment varies from seed to seed.

    ``groups`` (run label -> group name, e.g. "1 layer" / "9 layers"): one box per group,
    side by side in the group's colour (as ``compare_curves`` draws it), the subtitle
    giving each group's range; the axis turns logarithmic when the values span more than
    two decades (a deep stack's loss beside a shallow one's)."""
    if not values:
        raise ValueError("Give at least one run's value.")
    group_of = groups or {label: y_title for label in values}
    colors = _group_colors(dict.fromkeys(values), group_of) if groups else {}
    members: dict[str, list[str]] = {}
    for label in values:
        members.setdefault(group_of.get(label, label), []).append(label)
    fig = go.Figure()
    for group, labels in members.items():
        numbers = [float(values[label]) for label in labels]
        fig.add_trace(
            go.Box(
                y=numbers,
                name=group,
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"size": 11, "color": colors.get(labels[0], QUALITATIVE[1])},
                line={"color": "#444444"},
                fillcolor="rgba(0,0,0,0)",
                text=labels,
                hovertemplate="%{text}: %{y:.4g}<extra></extra>",
            )
        )
    numbers = [float(v) for v in values.values()]
    log = bool(groups) and _spans_decades(numbers, 2.0)
    fig.update_yaxes(title_text=y_title, **({"type": "log", "dtick": 1} if log else {}))
    fig.update_xaxes(showticklabels=bool(groups), tickfont={"size": BASE_FONT_SIZE})
    ranges = []
    for group, labels in members.items():
        mine = [float(values[label]) for label in labels]
        ranges.append((f"{group}: " if groups else f"{len(mine)} runs: ")
                      + f"{min(mine):.4g} … {max(mine):.4g}")  # fmt: skip
    subtitle = {"text": " · ".join(ranges), "font": {"size": BASE_FONT_SIZE}}
    fig = _style(fig, title, 400, showlegend=False)
    return fig.update_layout(title_subtitle=subtitle, margin_t=96)
