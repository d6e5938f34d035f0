"""The shared look of every chart: colour scales, palette, fonts and small helpers.

Two colour scales are used everywhere, so the heatmaps and the cell diagram agree:

* ``ACTIVATION_SCALE`` (diverging, centred on 0) for activations, hidden and cell
  states, the tanh candidate: anything in [−1, 1] (widened symmetrically when a
  relu layer or the cell state goes beyond ±1);
* ``GATE_SCALE`` (sequential) for the sigmoid gates, whose values lie in [0, 1].

``_style`` gives a figure the projector look (16 px ticks and legends, 18 px axis
titles, near-black text, a title, a height that ``_clamp_height`` keeps between 300
and 420 px); the other helpers format
numbers, make blanks visible, check inputs and label time steps for the builders
in the sibling modules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

ACTIVATION_SCALE = "RdBu_r"  # diverging, colour-blind safe; blue < 0 < red
# Sigmoid gates in [0, 1], for a projector: Viridis (colour-blind safe, lightness rising
# with the value) with its upper 70 % spread over gate values 0.5–1, where a forget gate's
# 0.9 and 0.99 make the difference, so 0.5 (blue, L* 39) and 0.9 (lime, L* 81) differ in
# hue and lightness at a glance; 0–0.5 runs dark purple to blue ("closed"). The plain
# Viridis gave 0.5–0.7 one teal.
GATE_SCALE = [
    [0.0, "#440154"],  # viridis(0.00)
    [0.1, "#461667"],  # viridis(0.06)
    [0.2, "#472b79"],  # viridis(0.12)
    [0.3, "#423c83"],  # viridis(0.18)
    [0.4, "#3c4e8a"],  # viridis(0.24)
    [0.5, "#355f8c"],  # viridis(0.30)
    [0.6, "#26818e"],  # viridis(0.44)
    [0.7, "#24a385"],  # viridis(0.58)
    [0.8, "#50c269"],  # viridis(0.72)
    [0.9, "#a3da37"],  # viridis(0.86)
    [1.0, "#fde725"],  # viridis(1.00)
]
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
HIGHLIGHT_TEXT_COLOR = "#8F3600"  # the highlight darkened for text: 7.8:1 on white (vs 3.9:1)
MUTED_COLOR = "#9DB4C8"
CORRECT_COLOR = "#009E73"
WRONG_COLOR = "#D55E00"

BASE_FONT_SIZE = 16  # tick labels, legends, hover: readable from the back row
AXIS_TITLE_SIZE = 18
TITLE_FONT_SIZE = 20
TEXT_COLOR = "#1a1a1a"  # near-black on white: contrast about 17:1 (the goal is 7:1)
TRACE_TYPES = ("scatter", "heatmap", "bar", "box")  # every trace type the charts draw


def _white_template() -> go.layout.Template:
    """``plotly_white`` as it applies to these charts: 2-D axes and ``TRACE_TYPES``.

    The full template also carries 3-D scenes, maps, polar axes and 20 more trace types,
    and every figure keeps its own deep copy of it: a figure held by the app's figure
    cache weighed 160 KB of Python objects with it and 100 KB without. Charts look the
    same, since nothing here draws what was left out.
    """
    white = pio.templates["plotly_white"]
    layout = white.layout.to_plotly_json()
    for unused in ("geo", "polar", "scene", "ternary"):
        layout.pop(unused, None)
    data = {kind: traces for kind, traces in white.data.to_plotly_json().items()
            if kind in TRACE_TYPES}  # fmt: skip
    return go.layout.Template(layout=layout, data=data)


TEMPLATE = _white_template()


def _style(fig: go.Figure, title: str, height: int, **layout: object) -> go.Figure:
    """Apply the projector-friendly look shared by every chart; ``layout`` as
    ``update_layout`` takes it (``margin_t=84`` or ``margin={"t": 84}``), applied last.

    Pages draw figures with ``st.plotly_chart(..., theme=None)``: Streamlit's own chart
    theme would otherwise replace these fonts with 12 px light-grey tick labels.

    The look goes in as one whole layout (``fig.layout = …``): the same settings through
    ``update_layout`` cost ~14 ms a figure in plotly's bookkeeping, a fifth of what a
    server drawing a class's results spent (``bench/classroom.py``); the whole layout ~4 ms,
    most of it validating the template.
    """
    text = {"size": BASE_FONT_SIZE, "color": TEXT_COLOR}
    current = fig.layout.to_plotly_json()
    look = {
        "template": TEMPLATE,
        "title": {"text": title, "font": {"size": TITLE_FONT_SIZE, "color": TEXT_COLOR},
                  "x": 0.02, "xanchor": "left"},
        "font": text,
        "height": height,
        "margin": {"l": 76, "r": 30, "t": 70, "b": 64},
        "hoverlabel": {"font": {"size": BASE_FONT_SIZE}},
        "legend": {"font": text},
    }  # fmt: skip
    subplots = [name for name in current if name.startswith(("xaxis", "yaxis"))]
    for name in dict.fromkeys(["xaxis", "yaxis", *subplots]):  # the first pair always exists
        look[name] = _readable_axis(current.get(name, {}))
    merged = _merged(current, look)
    for key, value in layout.items():
        merged = _merged(merged, _nested(key, value))
    fig.layout = merged
    fig.update_traces(colorbar={"tickfont": text}, selector={"type": "heatmap"})
    return fig


def _readable_axis(axis: dict) -> dict:
    """At least 16 px dark tick labels and an 18 px axis title; larger sizes set by a
    builder (e.g. big character labels) stay."""
    tick = axis.get("tickfont", {}).get("size") or 0
    title = axis.get("title", {}).get("font", {}).get("size") or 0
    return {
        "tickfont": {"size": max(tick, BASE_FONT_SIZE), "color": TEXT_COLOR},
        "title": {"font": {"size": max(title, AXIS_TITLE_SIZE), "color": TEXT_COLOR}},
    }


def _nested(key: str, value: object) -> dict:
    """``update_layout``'s magic underscores: ``("margin_t", 84)`` → ``{"margin": {"t": 84}}``."""
    *outer, last = key.split("_")
    nested: dict = {last: value}
    for name in reversed(outer):
        nested = {name: nested}
    return nested


def _merged(base: dict, update: dict) -> dict:
    """``base`` with ``update`` merged in as ``update_layout`` merges: dicts key by key,
    anything else replaced. Neither argument changes."""
    merged = dict(base)
    for key, value in update.items():
        old = merged.get(key)
        merged[key] = (
            _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
        )
    return merged


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
    title_font = {"size": AXIS_TITLE_SIZE, "color": TEXT_COLOR}
    return {"title": {"text": title, "side": "right", "font": title_font}, "thickness": 16,
            "len": 0.9}  # fmt: skip


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
