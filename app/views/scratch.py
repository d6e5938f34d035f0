"""RNN from scratch (seed 002): the numpy SimpleRNN loop step by step, and Keras beside it."""

from dataclasses import replace

import streamlit as st

from app import cell_view, i18n, projector, settings, state, url_state
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
