"""Inside the cell: h, c and every gate of a trained model, step by step through time.

After training, an epoch slider replays every view with the weights kept at that epoch,
and a small chart follows one unit's gates from the untrained model to the trained one.
"""

import streamlit as st

from app import cached, cell_view, charts, settings, state, training_panel
from lstm_core import predict
from lstm_core import trace as tracer
from lstm_core.lessons import LESSONS
from lstm_core.models import CELL_NAMES

PAGE = "inside"
PAGE_TITLES = {
    "sequence_classification": "Sequence classification",
    "next_number": "Next number",
    "hello": "Hello",
}


def w(name: str) -> str:
    return state.widget(PAGE, name)


st.title("Inside the cell")
st.caption(
    "Pick a trained model and an input, then step through time: every heatmap is units × "
    "time steps. Click a heatmap cell (or use the boxes) to follow one unit at one step."
)

request = st.session_state.pop(state.INSIDE_REQUEST, None)
if request is not None:
    st.session_state[w("model")] = request
for task_page in state.TASK_PAGES:
    training_panel.settle(state.get_run(st.session_state, task_page))
runs = state.trained_runs(st.session_state)
settings.ensure(w("model"), next(iter(runs), state.TASK_PAGES[0]))

pick_model, pick_mode, pick_input, pick_layer = st.columns([3, 2, 3, 2])
pick_model.selectbox(
    "Model",
    state.TASK_PAGES,
    key=w("model"),
    format_func=lambda p: (
        f"{PAGE_TITLES[p]} — "
        + (settings.describe_run(runs[p]) if p in runs else "not trained yet")
    ),
)
page = st.session_state[w("model")]
run = runs.get(page)
if run is None:
    lesson = LESSONS[page]
    pending = state.get_run(st.session_state, page)
    if pending is not None and pending.in_progress:
        st.info(f"The {PAGE_TITLES[page]} model is training; it opens here when it is done.")
        training_panel.live_panel(page)
        st.stop()
    st.info(f"There is no trained model for {PAGE_TITLES[page]} yet.")
    if st.button(
        f"Train the tutorial model for {PAGE_TITLES[page]}", key=state.button(PAGE, "train")
    ):
        options = lesson.dataset_options
        training_panel.submit(page, page, lesson.dataset, options, lesson.spec, lesson.config)
        st.rerun()  # redraw with the live panel
    st.stop()

ds = cached.load_dataset(run.dataset, **run.data_options)
mode_key, sample_key, typed_key = w(f"mode:{page}"), w(f"sample:{page}"), w(f"typed:{page}")
settings.ensure(mode_key, "sample")
settings.ensure(sample_key, 0)
settings.ensure(typed_key, LESSONS[run.lesson].example_input)
pick_mode.radio(
    "Input",
    ["sample", "typed"],
    format_func={"sample": "a training sample", "typed": "type your own"}.get,
    key=mode_key,
)
points = cell_view.checkpoints(run)  # empty: no replay of the training (no slider)
final = run.epochs_done
if points:
    step_col, epoch_col, unit_col = st.columns([4, 4, 2])
    epoch = cell_view.epoch_slider(epoch_col, w(f"epoch:{page}"), run, points)
    st.caption(cell_view.epoch_caption(epoch, final))
else:
    (step_col, unit_col), epoch = st.columns([3, 1]), final
replaying = epoch != final
with pick_input:
    try:
        if st.session_state[mode_key] == "sample":
            st.selectbox(
                "Training sample",
                range(len(ds.labels)),
                format_func=ds.labels.__getitem__,
                key=sample_key,
            )
            x, labels = predict.sample_input(ds, st.session_state[sample_key])
        else:
            st.text_input("Your input", key=typed_key)
            x, labels = predict.typed_input(ds, st.session_state[typed_key])
        model = cell_view.model_at(run, points, epoch) if replaying else run.model
        traces = cached.trace(model, cached.weights_digest(model), x)
    except ValueError as exc:
        st.error(str(exc))
        st.stop()

if not traces:
    st.info("This model has no recurrent layer (a Dense network keeps no state): nothing to step.")
    st.stop()
cell_view.clamp(w("layer"), len(traces))
pick_layer.selectbox(
    "Layer",
    range(len(traces)),
    key=w("layer"),
    format_func=lambda i: f"{i + 1}: {traces[i].name} ({traces[i].units} units)",
    disabled=len(traces) == 1,
)
layer = traces[st.session_state[w("layer")]]
cell_view.clamp(w("t"), layer.timesteps)
cell_view.clamp(w("unit"), layer.units)

if layer.timesteps > 1:
    step_col.select_slider(
        "Time step t",
        options=range(layer.timesteps),
        format_func=lambda t: f"{t + 1} · {labels[t]}",
        key=w("t"),
    )
unit_col.number_input("Unit", min_value=0, max_value=layer.units - 1, step=1, key=w("unit"))
t, unit = st.session_state[w("t")], st.session_state[w("unit")]

values = tracer.step_values(layer, 0, t, unit)
at_epoch = f" · epoch {epoch}" if replaying else ""
cell_name = CELL_NAMES[layer.cell]
diagram, lines = st.columns([3, 2])
with diagram:
    title = f"{cell_name} unit {unit}, step {t + 1} (input {labels[t]})" + at_epoch
    cell_view.show_svg(charts.cell_diagram_svg(values, cell=layer.cell, title=title))
    st.markdown(
        cell_view.step_equation(
            layer.cell, values, cell_view.activation_name(run.model, layer.name)
        )
    )
panels = cell_view.layer_panels(layer)
lines.plotly_chart(charts.unit_lines(dict((n, v) for n, v, _ in panels), unit, labels))
if points:
    history = cell_view.values_over_training(run, points, x)[st.session_state[w("layer")]]
    lines.plotly_chart(
        charts.gates_over_training(
            [e for e, _ in points],
            cell_view.unit_over_training(history, t, unit),
            unit,
            f"{t + 1} (input {labels[t]})",
            selected_epoch=epoch,
        )
    )

grid = st.columns(2)
for i, (name, data, kind) in enumerate(panels):
    with grid[i % 2]:
        chart_key = state.chart(PAGE, name)
        title = f"{name} · {cell_name} layer {layer.name}" + at_epoch
        figure = charts.state_heatmap(data, kind, title, time_labels=labels, selected_unit=unit)
        st.plotly_chart(
            charts.clickable_cells(figure),
            key=chart_key,
            on_select=lambda key=chart_key: cell_view.select_cell(w("t"), w("unit"), key),
            selection_mode="points",
        )
        st.caption(cell_view.EXPLAIN.get(name, ""))
