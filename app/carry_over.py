"""Carry the state over (seed 002): a sequence read from zeros, or from where another ended.

Keras starts every sequence from h = 0 (and c = 0): the state is reset between two
sequences, as seed 002 notes. Here the model's first recurrent layer reads sequence B
twice, from zeros and from the final state of sequence A (``trace.trace_layer`` with
``initial_state``, equal to Keras' own ``initial_state``), and the difference shows how
long the carried memory lasts.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import cell_view, charts, i18n, settings, state
from app.i18n import t
from lstm_core import predict
from lstm_core import trace as tracer

PAGE = "inside"


def carried(layer, x_a: np.ndarray, x_b: np.ndarray):
    """(B from zeros, B from A's final state): two traces of ``layer``, sample 0 of each."""
    first = tracer.trace_layer(layer, x_a)
    final = [first.h[:, -1]] + ([first.c[:, -1]] if first.c is not None else [])
    return tracer.trace_layer(layer, x_b), tracer.trace_layer(layer, x_b, initial_state=final)


def show(model, ds, first_layer: str, x_b: np.ndarray, steps: list[str]) -> None:
    """The expander: pick A, see h of B from zeros, carried over, and the difference."""
    key = state.widget(PAGE, "carry_from")
    with st.expander(t("carry.title")):
        st.caption(t("carry.caption"))
        settings.ensure(key, 0)
        cell_view.clamp(key, len(ds.labels))
        st.selectbox(t("carry.from"), range(len(ds.labels)), format_func=ds.labels.__getitem__,
                     key=key)  # fmt: skip
        x_a, _ = predict.sample_input(ds, st.session_state[key])
        zeros, over = carried(model.get_layer(first_layer), x_a, x_b)
        difference = over.h[0] - zeros.h[0]  # (timesteps, units)
        units = cell_view.most_active(cell_view.unit_activity(zeros))
        left, right = st.columns(2)
        for column, title, values in (
            (left, t("carry.zeros"), zeros.h[0]),
            (right, t("carry.carried"), over.h[0]),
        ):
            figure = charts.state_heatmap(values, "activation", title, time_labels=steps,
                                          units=units)  # fmt: skip
            column.plotly_chart(i18n.figure(figure), theme=None)
        left, right = st.columns(2)
        figure = charts.state_heatmap(difference, "activation", t("carry.difference"),
                                      time_labels=steps, units=units)  # fmt: skip
        left.plotly_chart(i18n.figure(figure), theme=None)
        largest = np.abs(difference).max(axis=1)  # (timesteps,): the biggest change per step
        # what this model does, not what a memory should do: some carry A's state for good
        key = "carry.fades" if largest[-1] < largest[0] else "carry.stays"
        right.markdown(t(key, first=f"{largest[0]:.3g}", last=f"{largest[-1]:.3g}",
                         steps=len(largest)))  # fmt: skip
