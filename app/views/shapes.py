"""Shapes & parameters: what shape each layer gives and what it costs (seeds 001 and 003)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from app import i18n, projector, settings, shapes_cache, state, url_state
from app.charts import shapes as shape_charts
from app.i18n import t
from lstm_core import schema, shapes

PAGE = "shapes"
PRESETS = list(shapes.PRESETS)
# The presets' catalog keys ("shapes.preset.<key>"); a preset missing here keeps its name.
PRESET_KEYS = {
    "seed 003: LSTM(20) many-to-one": "many_to_one",
    "seed 003: return_sequences=True + Dense(10) many-to-many": "many_to_many",
    "seed 001: two stacked LSTMs (works)": "stacked",
    "seed 001: the stack that breaks": "breaks",
    "Embedding + SimpleRNN (seed 002)": "embedding",
}
# Keras' own argument names stay the labels; their help comes from "param.shapes.<name>.help".
OWN_HELP = ("batch", "timesteps", "features", "input_dim", "output_dim")


def w(name: str) -> str:
    return state.widget(PAGE, name)


def preset_label(name: str) -> str:
    return t(f"shapes.preset.{PRESET_KEYS[name]}") if name in PRESET_KEYS else name


def widget(container, p, key: str):
    """``settings.param_widget``, with this page's own help for Keras' argument names."""
    own = replace(p, name=f"shapes.{p.name}") if p.name in OWN_HELP else p
    return settings.param_widget(container, own, key)


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


# In the link: ``preset`` by its short name, the input shape, the layer count and each
# layer's settings as ``<layer>:<name>`` (``2:units=64``); only what differs from the preset.
LINK_PRESETS = {short: name for name, short in PRESET_KEYS.items()}
LINK_PRESET = w("link_preset")  # the chosen preset's short name, as the link writes it


def link_params(count: int | None = None) -> dict:
    """Every setting a link may hold (``count`` given: only those of the layers shown)."""
    params = {p.name: p for p in (*shapes.INPUT_FIELDS, shapes.LAYER_COUNT)}
    params["preset"] = schema.Param("preset", "preset", PRESET_KEYS[PRESETS[0]],
                                    choices=tuple(LINK_PRESETS))  # fmt: skip
    kinds = schema.Param("kind", "kind", "dense", choices=tuple(shapes.FIELDS))
    for i in range(1, (shapes.LAYER_COUNT.hi if count is None else count) + 1):
        params[f"{i}:kind"] = replace(kinds, name=f"{i}:kind")
        shown = shapes.FIELDS if count is None else [st.session_state.get(w(f"{i}:kind"))]
        for p in (p for kind in shown for p in shapes.FIELDS.get(kind, ())):
            flag = (False, True) if isinstance(p.default, bool) else p.choices  # "true"
            params[f"{i}:{p.name}"] = replace(p, name=f"{i}:{p.name}", choices=flag)
    return params


def link_key(name: str) -> str:
    return LINK_PRESET if name == "preset" else w(name)


def apply_link_preset(short: str) -> None:
    st.session_state[w("preset")] = LINK_PRESETS[short]
    apply_preset()


def layer_row(i: int) -> dict:
    """One layer's widgets on one line; returns the layer as ``shapes.describe`` takes it.

    The kind, then its sizes, then its on/off settings stacked in the last column.
    """
    settings.ensure(w(f"{i}:kind"), "dense")
    kind_col, *cols = st.columns([5, 3, 5], vertical_alignment="bottom")
    label = t("shapes.layer", i=i)
    kinds = list(shapes.FIELDS)
    kind = kind_col.selectbox(label, kinds, format_func=shapes.KIND_NAMES.get, key=w(f"{i}:kind"))
    layer = {"kind": kind}
    sizes = [p for p in shapes.FIELDS[kind] if not isinstance(p.default, bool)]
    flags = [p for p in shapes.FIELDS[kind] if isinstance(p.default, bool)]
    for col, p in zip(cols, sizes, strict=False):
        settings.ensure(w(f"{i}:{p.name}"), p.default)
        layer[p.name] = widget(col, p, w(f"{i}:{p.name}"))
    for p in flags:
        settings.ensure(w(f"{i}:{p.name}"), p.default)
        help_text = i18n.param_help(f"shapes.{p.name}", p.help)
        layer[p.name] = cols[-1].checkbox(p.label, key=w(f"{i}:{p.name}"), help=help_text)
    return layer


def parameter_table(rows: tuple[shapes.LayerShape, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("shapes.column.layer"): [f"{r.index}. {r.label}" for r in rows],
            t("shapes.column.shape"): [shape_charts.shape_text(r.output_shape) for r in rows],
            t("shapes.column.params"): [r.params for r in rows],
            t("shapes.column.rule"): [r.rule for r in rows],
            t("shapes.column.formula"): [r.formula for r in rows],
        }
    )


projector.title(t("page.shapes"))
st.caption(t("shapes.caption"))

url_state.restore(PAGE, link_params(), apply_link_preset, link_key, LINK_PRESETS)
url_state.show_note(PAGE)
settings.ensure(w("preset"), PRESETS[0])
for name, value in preset_values(st.session_state[w("preset")]).items():
    settings.ensure(w(name), value)  # what the link did not set comes from the preset
pick, *sizes = st.columns([4, 1, 1, 1, 1])
pick.selectbox(t("shapes.start"), PRESETS, key=w("preset"), on_change=apply_preset,
               format_func={name: preset_label(name) for name in PRESETS}.get)  # fmt: skip
for col, p in zip(sizes, (*shapes.INPUT_FIELDS, shapes.LAYER_COUNT), strict=True):
    widget(col, p, w(p.name))

stack, picture = st.columns(2, gap="medium")
with stack:
    layers = [layer_row(i) for i in range(1, st.session_state[w("layers")] + 1)]
value = lambda name: st.session_state[w(name)]  # noqa: E731
input_shape = shapes.input_shape(value("batch"), value("timesteps"), value("features"))
described = shapes_cache.describe(layers, input_shape)

with picture:
    if described.error:
        st.error(i18n.error(described.error))
if described.tensors:  # a long stack's picture needs the page's whole width
    crowded = len(described.tensors) > shape_charts.CROWDED
    with st.container() if crowded else picture:
        st.plotly_chart(
            i18n.figure(shape_charts.tensor_flow(described.tensors, refused=described.refused)),
            theme=None,
        )
if described.rows:
    st.dataframe(parameter_table(described.rows), hide_index=True, width="stretch")
    if described.error:
        st.caption(t("shapes.refused"))
    else:
        total = shapes.total_params(described.rows)
        st.markdown(t("shapes.total", total=f"{total:,}"))
st.caption(t("shapes.legend"))
st.session_state[LINK_PRESET] = PRESET_KEYS.get(st.session_state[w("preset")])
defaults = {**preset_values(st.session_state[w("preset")]), "preset": PRESET_KEYS[PRESETS[0]]}
url_state.publish(PAGE, link_params(len(layers)), defaults, link_key)
