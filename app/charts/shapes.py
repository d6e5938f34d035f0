"""The tensors flowing through a layer stack, one box per tensor, left to right (seed 003).

A box's height grows with its features (or units) and a sequence's width with its time
steps, both on a log scale so that 1 and 1024 both read. A sequence
(batch, timesteps, features) is a blue box cut into time-step slices; one vector per
sample (batch, units) is a narrow orange bar: many-to-one and many-to-many differ at a
glance. A layer Keras refused is a dashed red box after the last tensor that was built.

``tensor_flow`` takes ``(label, shape, timesteps, features)`` tuples, as
``lstm_core.shapes.tensors`` gives them (``timesteps`` None for a single vector).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from app.charts.style import BASE_FONT_SIZE, QUALITATIVE, WRONG_COLOR, _style

SEQUENCE_COLOR = QUALITATIVE[0]  # blue: one vector per time step
VECTOR_COLOR = QUALITATIVE[1]  # orange: one vector per sample
LABEL_FONT_SIZE = 16
LABEL_COLOR = "#222222"
VECTOR_WIDTH = 0.45  # a single vector's width, in the picture's x units
WIDTH_PER_DOUBLING = 0.3  # a sequence grows this much wider each time its steps double
MIN_HEIGHT = 0.45  # one feature
HEIGHT_PER_DOUBLING = 0.45  # a box grows this much taller each time its features double
GAP = 1.7  # room between two boxes, for the arrow
MAX_SLICES = 12  # time-step slices drawn inside a sequence box
CROWDED = 5  # with more tensors than this, labels are shortened and need a full row
BOX_SHARE = 0.5  # at most this share of the plot's height goes to the tallest box
LOW_BOX = MIN_HEIGHT + HEIGHT_PER_DOUBLING * math.log2(64)  # the y range fits 64 features or more

Tensor = tuple[str, tuple[int, ...], int | None, int]


def box_size(timesteps: int | None, features: int) -> tuple[float, float]:
    """Width and height of a tensor's box (log-scaled)."""
    width = VECTOR_WIDTH
    if timesteps is not None:
        width += WIDTH_PER_DOUBLING * math.log2(max(1, timesteps))
    return width, MIN_HEIGHT + HEIGHT_PER_DOUBLING * math.log2(max(1, features))


def shape_text(shape: Sequence[int]) -> str:
    """``(32, 25, 20)``, as the seeds print a shape."""
    return "(" + ", ".join(str(int(n)) for n in shape) + ")"


def tensor_flow(tensors: Sequence[Tensor], refused: str | None = None) -> go.Figure:
    """One box per tensor (input, then each layer's output), arrows between them."""
    if not tensors:
        raise ValueError("Give at least the input tensor to draw.")
    fig = go.Figure()
    annotations, shapes, right = [], [], 0.0
    tallest = max(LOW_BOX, *(box_size(t, f)[1] for _, _, t, f in tensors))
    for i, (label, shape, timesteps, features) in enumerate(tensors):
        width, height = box_size(timesteps, features)
        left = right + (GAP if i else 0.0)
        if i:
            annotations.append(_arrow(right, left, layer=label))
        fig.add_trace(_box(left, width, height, label, shape, timesteps))
        shapes += _slices(left, width, height, timesteps)
        crowded = len(tensors) > CROWDED
        annotations += _labels(left + width / 2, height, label, shape, timesteps, features, crowded)
        right = left + width
    if refused:
        left = right + GAP
        annotations.append(_arrow(right, left, layer=refused, color=WRONG_COLOR))
        shapes.append(_refused_box(left, tallest / 2))
        annotations += _refused_labels(left + 0.5, tallest / 2, refused)
        right = left + 1.0
    many = "many-to-many" if tensors[-1][2] is not None else "many-to-one"
    ending = "" if refused or len(tensors) == 1 else f" — {many}"
    room = tallest / BOX_SHARE - tallest  # for the labels: more below (three lines) than above
    _style(
        fig,
        f"Tensors through the stack, left to right{ending}",
        380,
        showlegend=False,
        annotations=[*annotations, _key()],
        shapes=shapes,
        margin={"l": 20, "r": 20, "t": 80, "b": 20},
        xaxis={"visible": False, "range": [-0.9, right + 0.9], "fixedrange": True},
        yaxis={"visible": False, "range": [-tallest / 2 - 0.65 * room, tallest / 2 + 0.35 * room]},
    )
    fig.update_yaxes(fixedrange=True)
    return fig


def _box(left: float, width: float, height: float, label, shape, timesteps) -> go.Scatter:
    x = [left, left + width, left + width, left, left]
    y = [-height / 2, -height / 2, height / 2, height / 2, -height / 2]
    color = VECTOR_COLOR if timesteps is None else SEQUENCE_COLOR
    what = "one vector per sample" if timesteps is None else f"one vector per step ({timesteps})"
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        fill="toself",
        fillcolor=color,
        opacity=0.8,
        line={"color": color, "width": 2},
        name=label,
        meta="tensor",
        hoveron="fills",
        hovertemplate=f"{label}<br>{shape_text(shape)}<br>{what}<extra></extra>",
    )


def _slices(left: float, width: float, height: float, timesteps: int | None) -> list[dict]:
    """White lines cutting a sequence box into time steps (at most ``MAX_SLICES``)."""
    if timesteps is None or timesteps < 2:
        return []
    n = min(timesteps, MAX_SLICES)
    line = {"color": "white", "width": 1.5}
    return [
        {"type": "line", "x0": x, "x1": x, "y0": -height / 2, "y1": height / 2, "line": line}
        for x in (left + width * k / n for k in range(1, n))
    ]


def _labels(center, height, label, shape, timesteps, features, crowded=False) -> list[dict]:
    """The shape above a box, the layer and its steps × features below it.

    In a crowded picture the shape wraps after its second axis and the steps line is left
    out (the shape says it), so that eleven boxes fit one 1366-pixel row.
    """
    font = {"size": LABEL_FONT_SIZE, "color": LABEL_COLOR}
    common = {"x": center, "showarrow": False, "font": font}
    if crowded:
        text = shape_text(shape)
        if len(text) > 12:  # (1024, 1000,<br>1024)
            text = text.replace(", ", ",<br>", 2).replace(",<br>", ", ", 1)
        return [
            {**common, "y": height / 2 + 0.1, "yanchor": "bottom", "text": f"<b>{text}</b>"},
            {**common, "y": -height / 2 - 0.1, "yanchor": "top", "text": _wrap(label)},
        ]
    steps = "1 vector" if timesteps is None else f"{timesteps} steps"
    return [
        {
            **common,
            "y": height / 2 + 0.1,
            "yanchor": "bottom",
            "text": f"<b>{shape_text(shape)}</b>",
        },
        {
            **common,
            "y": -height / 2 - 0.1,
            "yanchor": "top",
            "text": f"{_wrap(label)}<br><i>{steps} × {features}</i>",
        },
    ]


def _wrap(label: str) -> str:
    """``Embedding<br>(10000, 32)``: a long layer name on two lines."""
    if len(label) <= 14:
        return label
    return label.replace("(", "<br>(", 1) if "(" in label else label.replace(" ", "<br>", 1)


def _arrow(start: float, end: float, layer: str, color: str = "#444444") -> dict:
    return {
        "x": end - 0.08,
        "y": 0,
        "ax": start + 0.08,
        "ay": 0,
        "xref": "x",
        "yref": "y",
        "axref": "x",
        "ayref": "y",
        "text": "",
        "showarrow": True,
        "arrowhead": 2,
        "arrowsize": 1.3,
        "arrowwidth": 2.5,
        "arrowcolor": color,
        "hovertext": layer,
    }


def _refused_box(left: float, height: float) -> dict:
    half = height / 2
    line = {"color": WRONG_COLOR, "width": 3, "dash": "dash"}
    return {"type": "rect", "x0": left, "x1": left + 1.0, "y0": -half, "y1": half, "line": line}


def _refused_labels(center: float, height: float, refused: str) -> list[dict]:
    font = {"size": LABEL_FONT_SIZE, "color": WRONG_COLOR}
    common = {"x": center, "showarrow": False, "font": font}
    return [
        {**common, "y": 0, "text": "<b>✗</b>", "font": {**font, "size": 28}},
        {
            **common,
            "y": -height / 2 - 0.1,
            "yanchor": "top",
            "text": f"{_wrap(refused)}<br>refused",
        },
    ]


def _key() -> dict:
    sequence = f'<span style="color:{SEQUENCE_COLOR}">■</span> sequence: a vector per time step'
    vector = f'<span style="color:{VECTOR_COLOR}">■</span> one vector per sample'
    return {
        "text": f"{sequence}    {vector}    (sizes on a log scale)",
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": BASE_FONT_SIZE},
    }
