"""The shared look of every chart: colour scales, palette, fonts and small helpers.

Two colour scales are used everywhere, so the heatmaps and the cell diagram agree:

* ``ACTIVATION_SCALE`` (diverging, centred on 0) for activations, hidden and cell
  states, the tanh candidate: anything in [−1, 1] (widened symmetrically when a
  relu layer or the cell state goes beyond ±1);
* ``GATE_SCALE`` (sequential) for the sigmoid gates, whose values lie in [0, 1].

``_style`` gives a figure the projector look (base font 15 px, a title, a height
that ``_clamp_height`` keeps between 300 and 420 px); the other helpers format
numbers, make blanks visible, check inputs and label time steps for the builders
in the sibling modules.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

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
