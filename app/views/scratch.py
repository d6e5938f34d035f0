"""RNN from scratch (seeds 002, 004): the numpy SimpleRNN loop step by step, and Keras beside
it; then the LSTM loop of seed 004 on the same sizes, one unit's gates in the cell diagram."""

from dataclasses import replace

import numpy as np
import streamlit as st

from app import cell_view, charts, i18n, projector, settings, state, url_state
from app.charts import scratch as scratch_charts
from app.i18n import t
from lstm_core import schema, scratch

PAGE = "scratch"
SETTINGS = ("timesteps", "input_features", "units", "seed", "activation")
# "param.scratch.<name>": this page's own words (its seed is np.random's, not a training's)
OWN_WORDS = SETTINGS


def w(name: str) -> str:
    return state.widget(PAGE, name)


@st.cache_data(max_entries=64, show_spinner=False)
def explore(timesteps: int, input_features: int, units: int, seed: int, activation: str):
    """``scratch.explore`` shared by everyone: same settings, same numbers."""
    return scratch.explore(scratch.Example(timesteps, input_features, units, seed, activation))


@st.cache_data(max_entries=64, show_spinner=False)
def explore_lstm(
    timesteps: int, input_features: int, units: int, seed: int
) -> tuple[scratch.LSTMSteps, float]:
    """The LSTM loop on a random example of these sizes, and its largest |numpy − Keras|."""
    x, kernel, recurrent, bias = scratch.lstm_example(timesteps, input_features, units, seed)
    steps = scratch.lstm(x, kernel, recurrent, bias)
    difference = float(np.max(np.abs(steps.h - scratch.keras_lstm(x, kernel, recurrent, bias))))
    return steps, difference


projector.title(t("page.scratch"))
st.markdown(t("scratch.intro"))
st.code(scratch.SEED_LOOP, language="python")
st.caption(t("scratch.seed_sizes"))

link = {name: schema.describe(scratch.Example, name) for name in SETTINGS}
publish = url_state.lesson_page(PAGE, link)
for column, name in zip(st.columns([2, 2, 2, 2, 3]), SETTINGS, strict=True):
    p = replace(link[name], name=f"scratch.{name}") if name in OWN_WORDS else link[name]
    settings.ensure(w(name), p.default)
    settings.param_widget(column, p, w(name))
publish({name: p.default for name, p in link.items()})
values = {name: st.session_state[w(name)] for name in SETTINGS}
try:
    with st.spinner(t("scratch.spinner")):
        result = explore(**values)
except ValueError as exc:
    st.error(i18n.error(exc))
    st.stop()

timesteps, units, activation = values["timesteps"], values["units"], values["activation"]
cell_view.clamp(w("t"), timesteps)
cell_view.clamp(w("unit"), units)
step_col, unit_col = st.columns([4, 1])
if timesteps > 1:
    step_col.select_slider(
        t("scratch.step"),
        options=range(timesteps),
        format_func=lambda t: str(t + 1),
        key=w("t"),
    )
unit_col.number_input(t("scratch.unit"), min_value=0, max_value=units - 1, step=1, key=w("unit"))
step, unit = st.session_state[w("t")], st.session_state[w("unit")]

st.markdown(
    scratch_charts.step_equation(result.unit_values(step, unit), activation, step=step, unit=unit)
)
st.plotly_chart(
    i18n.figure(
        scratch_charts.step_terms(result.terms(step), activation, step=step, selected_unit=unit)
    ),
    key=state.chart(PAGE, "terms"),
    theme=None,
)
st.caption(t("scratch.terms"))

st.subheader(t("scratch.keras"))
st.markdown(t("scratch.keras.transposed"))
st.code(scratch.KERAS_CODE.format(activation=activation), language="python")
if result.overflowed:
    st.warning(t("scratch.overflow", activation=activation))
else:
    st.metric(t("scratch.difference"), f"{result.difference:.1e}")
    st.caption(t("scratch.rounding", gap=f"{result.relative_difference:.1e}"))
st.plotly_chart(
    i18n.figure(
        scratch_charts.outputs_side_by_side(
            result.rnn.outputs, result.keras_outputs, result.difference
        )
    ),
    key=state.chart(PAGE, "outputs"),
    theme=None,
)
st.plotly_chart(
    i18n.figure(scratch_charts.unit_outputs(result.rnn.outputs, result.keras_outputs, unit)),
    key=state.chart(PAGE, "unit"),
    theme=None,
)

# ---------------------------------------------------------------- the LSTM loop (seed 004)

st.subheader(t("scratch.lstm"))
st.markdown(t("scratch.lstm.intro"))
st.code(scratch.LSTM_LOOP, language="python")
lstm, lstm_gap = explore_lstm(values["timesteps"], values["input_features"], units, values["seed"])
diagram, words = st.columns([3, 2])
unit_values = lstm.step_values(step, unit)
title = t("scratch.lstm.diagram", step=step + 1, unit=unit)
with diagram:
    cell_view.show_svg(i18n.svg(charts.cell_diagram_svg(unit_values, cell="lstm", title=title)))
words.markdown(cell_view.step_equation("lstm", unit_values, "tanh"))
words.metric(t("scratch.lstm.difference"), f"{lstm_gap:.1e}")
words.caption(t("scratch.lstm.keras"))
