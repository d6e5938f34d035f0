"""Building blocks of the Inside-the-cell page: panels, the step's equation, clicks.

The numbers come from ``lstm_core.trace``; this module only names them, writes the
step's update with its values, and turns a click on a heatmap into a (step, unit) pick.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

EXPLAIN = {
    "h": "**h — hidden state**, short-term memory: the layer's output at every step.",
    "c": "**c — cell state**, long-term memory: changed only by forget × and input +.",
    "input": "**input gate i** — how much of the candidate is written into c (1 = write).",
    "forget": "**forget gate f** — how much of c is kept (near 1 = remember, 0 = forget).",
    "candidate": "**candidate** — the new content proposed from xₜ and hₜ₋₁ (−1…1).",
    "output": "**output gate o** — how much of the squashed c is shown as h.",
    "update": "**update gate z** — Keras: h = z·hₜ₋₁ + (1−z)·h̃, so z near 1 keeps the old h.",
    "reset": "**reset gate r** — how much of hₜ₋₁ the candidate may look at.",
}
GATE_KIND = {"h": "activation", "c": "activation", "candidate": "activation"}


def layer_panels(layer_trace) -> list[tuple[str, np.ndarray, str]]:
    """(name, values (T, units), heatmap kind) for h, c and every gate of one layer."""
    panels = [("h", layer_trace.h[0], "activation")]
    if layer_trace.c is not None:
        panels.append(("c", layer_trace.c[0], "activation"))
    for name, values in layer_trace.gates.items():
        panels.append((name, values[0], GATE_KIND.get(name, "gate")))
    return panels


def step_equation(cell: str, v: dict, activation: str) -> str:
    """The step's update written with its numbers, as the seeds write the equations."""
    if cell == "lstm":
        return (
            f"cₜ = f·cₜ₋₁ + i·c̃ = {v['forget']:.2f}·{v['c_prev']:.2f} + "
            f"{v['input']:.2f}·{v['candidate']:.2f} = **{v['c_t']:.3f}**  \n"
            f"hₜ = o·{activation}(cₜ) = {v['output']:.2f}·{activation}({v['c_t']:.2f}) = "
            f"**{v['h_t']:.3f}**"
        )
    if cell == "gru":
        return (
            f"hₜ = z·hₜ₋₁ + (1−z)·h̃ = {v['update']:.2f}·{v['h_prev']:.2f} + "
            f"(1−{v['update']:.2f})·{v['candidate']:.2f} = **{v['h_t']:.3f}**"
        )
    return f"hₜ = {activation}(W·xₜ + U·hₜ₋₁ + b) = **{v['h_t']:.3f}**"


def show_svg(svg: str) -> None:
    """Show an SVG diagram scaled to its column (``st.html`` would strip the SVG)."""
    st.image(svg, width="stretch")


def select_cell(key_t: str, key_unit: str, chart_key: str) -> None:
    """on_select callback of a heatmap: a click picks the unit (row) and the step (column)."""
    points = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[key_t] = int(points[0]["x"])
        st.session_state[key_unit] = int(points[0]["y"])


def clamp(key: str, size: int) -> None:
    """Keep an index widget's value inside 0..size-1 before the widget is drawn."""
    value = st.session_state.get(key, 0)
    if not isinstance(value, int) or not 0 <= value < size:
        st.session_state[key] = 0 if not isinstance(value, int) or value < 0 else size - 1


def activation_name(model, layer_name: str) -> str:
    """The activation of a model's layer by name ("tanh", "relu", …), for the equations."""
    activation = model.get_layer(layer_name).activation
    return getattr(activation, "__name__", str(activation))
