"""RNN from scratch (seed 002): the numpy SimpleRNN loop step by step, and Keras beside it."""

import streamlit as st

from app import cell_view, projector, settings, state
from app.charts import scratch as scratch_charts
from lstm_core import schema, scratch

PAGE = "scratch"
SETTINGS = ("timesteps", "input_features", "units", "seed", "activation")


def w(name: str) -> str:
    return state.widget(PAGE, name)


@st.cache_data(max_entries=64, show_spinner="Running the loop and Keras' SimpleRNN…")
def explore(timesteps: int, input_features: int, units: int, seed: int, activation: str):
    """``scratch.explore`` shared by everyone: same settings, same numbers."""
    return scratch.explore(scratch.Example(timesteps, input_features, units, seed, activation))


projector.title("RNN from scratch")
st.markdown(
    "A SimpleRNN is a loop. At every time step t it mixes the input xₜ with the state it "
    "kept from the step before, **outputₜ = tanh(W·xₜ + U·stateₜ + b)**, and that output "
    "becomes the state of the next step (the state starts at zeros). The tutorial writes "
    "it in six lines of numpy:"
)
st.code(scratch.SEED_LOOP, language="python")
st.caption(
    "Below, the same loop runs on random numbers drawn as the tutorial draws them "
    "(np.random.random, between 0 and 1); its sizes are 100 steps, 32 features and 64 units."
)

for column, name in zip(st.columns([2, 2, 2, 2, 3]), SETTINGS, strict=True):
    p = schema.describe(scratch.Example, name)
    settings.ensure(w(name), p.default)
    settings.param_widget(column, p, w(name))
values = {name: st.session_state[w(name)] for name in SETTINGS}
try:
    result = explore(**values)
except ValueError as exc:
    st.error(str(exc))
    st.stop()

timesteps, units, activation = values["timesteps"], values["units"], values["activation"]
cell_view.clamp(w("t"), timesteps)
cell_view.clamp(w("unit"), units)
step_col, unit_col = st.columns([4, 1])
if timesteps > 1:
    step_col.select_slider(
        "Time step t (one pass of the loop)",
        options=range(timesteps),
        format_func=lambda t: str(t + 1),
        key=w("t"),
    )
unit_col.number_input("Unit j", min_value=0, max_value=units - 1, step=1, key=w("unit"))
t, unit = st.session_state[w("t")], st.session_state[w("unit")]

st.markdown(
    scratch_charts.step_equation(result.unit_values(t, unit), activation, step=t, unit=unit)
)
st.plotly_chart(
    scratch_charts.step_terms(result.terms(t), activation, step=t, selected_unit=unit),
    key=state.chart(PAGE, "terms"),
    theme=None,
)
st.caption(
    "Every row has one cell per unit; the outlined column is unit j, whose numbers are "
    "written above. W·xₜ + U·stateₜ + b = z, and the output is the activation of z. "
    "The tutorial's numbers are all positive, so z is large and tanh stays close to 1."
)

st.subheader("The same weights in Keras' SimpleRNN")
st.markdown(
    "Keras multiplies on the other side (xₜ·kernel), so it stores W and U transposed: "
    "kernel = Wᵀ, recurrent kernel = Uᵀ, bias = b."
)
st.code(scratch.KERAS_CODE.format(activation=activation), language="python")
if result.overflowed:
    st.warning(
        "Keras computes in float32, whose largest number is about 3.4·10³⁸: with "
        f"{activation} and the tutorial's all-positive weights the outputs grew past it. "
        "Try tanh or sigmoid, or fewer time steps."
    )
else:
    st.metric("Largest |numpy − Keras| over all outputs", f"{result.difference:.1e}")
    st.caption(
        "numpy computes in float64 and Keras in float32 (about 7 significant digits), "
        f"so the two agree up to rounding: relative to the largest output the gap is "
        f"{result.relative_difference:.1e}."
    )
st.plotly_chart(
    scratch_charts.outputs_side_by_side(
        result.rnn.outputs, result.keras_outputs, result.difference
    ),
    key=state.chart(PAGE, "outputs"),
    theme=None,
)
st.plotly_chart(
    scratch_charts.unit_outputs(result.rnn.outputs, result.keras_outputs, unit),
    key=state.chart(PAGE, "unit"),
    theme=None,
)
