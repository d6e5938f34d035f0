"""``st.cache_data`` around ``lstm_core.shapes.describe``, for the Shapes & parameters page.

A stack is described once for everyone who builds it (no weights are allocated, and no
model is kept: only shapes, counts and formulas). A refused stack is cached too, as its
sentence and the layers described before it, so the page can still draw them.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lstm_core import shapes


@dataclass(frozen=True)
class Described:
    rows: tuple[shapes.LayerShape, ...]
    tensors: tuple[shapes.Tensor, ...]  # the input, then each described layer's output
    error: str | None = None  # the sentence for a refused stack
    refused: str | None = None  # the label of the layer that was refused


@st.cache_data(max_entries=512, show_spinner=False)
def describe(layers: list[dict], input_shape: tuple[int, ...]) -> Described:
    """``shapes.describe``, with a refusal returned (not raised) as its sentence."""
    try:
        rows = tuple(shapes.describe(layers, input_shape))
    except shapes.StackError as exc:
        if not exc.layer:  # the input itself or the list of layers: nothing to draw
            return Described((), (), str(exc))
        tensors = tuple(shapes.tensors(exc.rows, input_shape))
        return Described(exc.rows, tensors, str(exc), shapes.label(layers[exc.layer - 1]))
    return Described(rows, tuple(shapes.tensors(rows, input_shape)))
