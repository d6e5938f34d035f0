"""Shapes & parameters: what shape each layer gives and what it costs (seeds 001 and 003)."""

import pandas as pd
import streamlit as st

from app import projector, settings, shapes_cache, state
from app.charts import shapes as shape_charts
from lstm_core import shapes

PAGE = "shapes"
PRESETS = list(shapes.PRESETS)


def w(name: str) -> str:
    return state.widget(PAGE, name)


def preset_values(name: str) -> dict:
    """Widget name -> value for every widget a preset sets."""
    preset = shapes.PRESETS[name]
    batch, timesteps, *features = preset.input_shape
    values = {"batch": batch, "timesteps": timesteps, "features": features[0] if features else 0}
    values["layers"] = len(preset.layers)
    for i, layer in enumerate(preset.layers, 1):
        fields = {p.name: p.default for p in shapes.FIELDS[layer["kind"]]}
        values.update({f"{i}:{name}": value for name, value in {**fields, **layer}.items()})
    return values


def apply_preset() -> None:
    for name, value in preset_values(st.session_state[w("preset")]).items():
        st.session_state[w(name)] = value


def layer_row(i: int) -> dict:
    """One layer's widgets on one line; returns the layer as ``shapes.describe`` takes it.

    The kind, then its sizes, then its on/off settings stacked in the last column.
    """
    settings.ensure(w(f"{i}:kind"), "dense")
    kind_col, *cols = st.columns([5, 3, 5], vertical_alignment="bottom")
    kind = kind_col.selectbox(
        f"Layer {i}", list(shapes.FIELDS), format_func=shapes.KIND_NAMES.get, key=w(f"{i}:kind")
    )
    layer = {"kind": kind}
    sizes = [p for p in shapes.FIELDS[kind] if not isinstance(p.default, bool)]
    flags = [p for p in shapes.FIELDS[kind] if isinstance(p.default, bool)]
    for col, p in zip(cols, sizes, strict=False):
        settings.ensure(w(f"{i}:{p.name}"), p.default)
        layer[p.name] = settings.param_widget(col, p, w(f"{i}:{p.name}"))
    for p in flags:
        settings.ensure(w(f"{i}:{p.name}"), p.default)
        layer[p.name] = cols[-1].checkbox(p.label, key=w(f"{i}:{p.name}"), help=p.help)
    return layer


def parameter_table(rows: tuple[shapes.LayerShape, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "layer": [f"{r.index}. {r.label}" for r in rows],
            "output shape": [shape_charts.shape_text(r.output_shape) for r in rows],
            "parameters": [r.params for r in rows],
            "rule": [r.rule for r in rows],
            "formula": [r.formula for r in rows],
        }
    )


projector.title("Shapes & parameters")
st.caption(
    "Stack layers on an input of shape (batch, timesteps, features): see the shape of every "
    "tensor, and count each layer's parameters with its formula."
)

if w("preset") not in st.session_state:
    settings.ensure(w("preset"), PRESETS[0])
    apply_preset()
pick, *sizes = st.columns([4, 1, 1, 1, 1])
pick.selectbox("Start from", PRESETS, key=w("preset"), on_change=apply_preset)
for col, p in zip(sizes, (*shapes.INPUT_FIELDS, shapes.LAYER_COUNT), strict=True):
    settings.param_widget(col, p, w(p.name))

stack, picture = st.columns(2, gap="medium")
with stack:
    layers = [layer_row(i) for i in range(1, st.session_state[w("layers")] + 1)]
value = lambda name: st.session_state[w(name)]  # noqa: E731
input_shape = shapes.input_shape(value("batch"), value("timesteps"), value("features"))
described = shapes_cache.describe(layers, input_shape)

with picture:
    if described.error:
        st.error(described.error)
if described.tensors:  # a long stack's picture needs the page's whole width
    crowded = len(described.tensors) > shape_charts.CROWDED
    with st.container() if crowded else picture:
        st.plotly_chart(
            shape_charts.tensor_flow(described.tensors, refused=described.refused), theme=None
        )
if described.rows:
    st.dataframe(parameter_table(described.rows), hide_index=True, width="stretch")
    if described.error:
        st.caption("Only the layers before the refused one are counted.")
    else:
        total = shapes.total_params(described.rows)
        st.markdown(f"**Total: {total:,} parameters** (what `model.count_params()` reports).")
st.caption(
    "u = units, d = the last axis of the layer's input, v = vocabulary, o = output_dim. "
    "An LSTM has four gates, each a Dense over [h, x]: 4·(u·(u+d)+u); a GRU has three."
)
