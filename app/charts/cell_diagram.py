"""The recurrent cell diagram as SVG text: LSTM (from assets/lstm_cell.svg), GRU, SimpleRNN.

``cell_diagram_svg`` fills each value slot of the diagram and colours the gate boxes
with the heatmaps' scales (``GATE_SCALE`` for gates, ``ACTIVATION_SCALE`` for the
candidate), so a box and the matching heatmap cell look the same.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
from plotly.colors import get_colorscale, sample_colorscale

from app.charts.style import ACTIVATION_SCALE, GATE_SCALE

ASSET_PATH = Path(__file__).resolve().parents[2] / "assets" / "lstm_cell.svg"

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
        return sample_colorscale(GATE_SCALE, [min(1.0, max(0.0, v))], colortype="rgb")[0]
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
