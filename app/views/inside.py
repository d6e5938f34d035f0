"""Inside the cell: h, c and every gate of a trained model, step by step through time.

After training, an epoch slider replays every view with the weights kept at that epoch,
and a small chart follows one unit's gates from the untrained model to the trained one.
The heatmaps show 32 units at a time (the most active by default); ▶ Play walks the
time steps by itself for a class to watch.
"""

import time

import streamlit as st

from app import (
    cached,
    carry_over,
    cell_view,
    charts,
    i18n,
    lesson_path,
    projector,
    runtime,
    settings,
    state,
    training_panel,
    url_state,
)
from app.i18n import t
from lstm_core import predict, schema
from lstm_core import trace as tracer
from lstm_core.lessons import LESSONS
from lstm_core.models import CELL_NAMES

PAGE = "inside"


def page_title(page: str) -> str:
    """The task page's short name ("Sequence classification", "Hello")."""
    return t(f"nav.{page}")


def w(name: str) -> str:
    return state.widget(PAGE, name)


projector.title(t("page.inside"))
st.caption(t("inside.caption"))
lesson_path.show("inside")  # its guided steps (no presets: the text says what to set)

request = st.session_state.pop(state.INSIDE_REQUEST, None)
if request is not None:
    st.session_state[w("model")] = request
for task_page in state.TASK_PAGES:
    training_panel.settle(state.get_run(st.session_state, task_page))
runs = state.trained_runs(st.session_state)
first = state.TASK_PAGES[0]
publish = url_state.lesson_page(
    PAGE, {"model": schema.Param("model", "Model", first, choices=state.TASK_PAGES)}
)
settings.ensure(w("model"), next(iter(runs), first))
publish({"model": first})

pick_model, pick_mode, pick_input, pick_layer = st.columns([3, 2, 3, 2])
pick_model.selectbox(
    t("inside.model"),
    state.TASK_PAGES,
    key=w("model"),
    format_func={  # labels made now, in the session's language, not when AppTest asks
        p: f"{page_title(p)} — "
        + (settings.describe_run(runs[p]) if p in runs else t("inside.not_trained"))
        for p in state.TASK_PAGES
    }.get,
)
page = st.session_state[w("model")]
run = runs.get(page)
if run is None:
    lesson = LESSONS[page]
    pending = state.get_run(st.session_state, page)
    if pending is not None and pending.in_progress:
        st.info(t("inside.training", page=page_title(page)))
        training_panel.live_panel(page)
        st.stop()
    st.info(t("inside.no_model", page=page_title(page)))
    if st.button(t("inside.train", page=page_title(page)), key=state.button(PAGE, "train")):
        options = lesson.dataset_options
        training_panel.submit(page, page, lesson.dataset, options, lesson.spec, lesson.config)
        st.rerun()  # redraw with the live panel
    st.stop()

ds = cached.load_dataset(run.dataset, **run.data_options)
mode_key, sample_key, typed_key = w(f"mode:{page}"), w(f"sample:{page}"), w(f"typed:{page}")
settings.ensure(mode_key, "sample")
settings.ensure(sample_key, 0)
example = LESSONS[run.lesson].example_input
# a run with several features per step (a CSV's extra columns) reads its own first sample
settings.ensure(typed_key, example if ds.features == 1 else predict.sample_text(ds, 0))
pick_mode.radio(
    t("inside.input"),
    ["sample", "typed"],
    format_func={mode: t(f"inside.input.{mode}") for mode in ("sample", "typed")}.get,
    key=mode_key,
)
with pick_input:
    try:
        if st.session_state[mode_key] == "sample":
            st.selectbox(
                t("inside.sample"),
                range(len(ds.labels)),
                format_func=ds.labels.__getitem__,
                key=sample_key,
            )
            x, labels = predict.sample_input(ds, st.session_state[sample_key])
        else:
            st.text_input(t("result.input"), key=typed_key)
            x, labels = predict.typed_input(ds, st.session_state[typed_key])
        trained = cached.trace(run.model, cached.weights_digest(run.model), x)
    except ValueError as exc:
        st.error(i18n.error(exc))
        st.stop()

if not trained:
    st.info(t("inside.no_recurrent"))
    st.stop()
cell_view.clamp(w("layer"), len(trained))
pick_layer.selectbox(
    t("inside.layer"),
    range(len(trained)),
    key=w("layer"),
    format_func=[
        t("inside.layer.choice", n=i + 1, name=layer.name, units=layer.units)
        for i, layer in enumerate(trained)
    ].__getitem__,
    disabled=len(trained) == 1,
)
layer_index = st.session_state[w("layer")]
n_steps, n_units = trained[layer_index].timesteps, trained[layer_index].units
points = cell_view.checkpoints(run)  # empty: no replay of the training (no slider)
final = run.epochs_done
steps = charts.step_labels(labels, text=ds.task == "next_char")  # "t = 3 (x = 1)"
wide = n_steps > charts.MAX_CELL_TEXT_STEPS // 2  # long inputs: one heatmap per row


def moving_parts(timer_on: bool) -> None:
    """Everything that follows the step, the epoch and the unit: reruns alone on a
    click or a heatmap pick, and every ``PLAY_SECONDS`` while ▶ Play walks the steps."""
    tick = runtime.fragment_rerun()
    if tick:
        training_panel.keep_page_settings()
    cell_view.play_tick(st.session_state, w("t"), n_steps, time.monotonic(), tick)
    cell_view.clamp(w("t"), n_steps)
    widths = [1, 4, 3, 2] if points else [1, 7, 2]
    play_col, step_col, *epoch_col, unit_col = st.columns(widths, vertical_alignment="bottom")
    buttons = (state.button(PAGE, "play"), state.button(PAGE, "pause"))
    cell_view.play_button(play_col, w("t"), n_steps, buttons)
    if n_steps > 1:
        step_col.select_slider(
            t("inside.step"),
            options=range(n_steps),
            format_func=steps.__getitem__,
            key=w("t"),
            disabled=cell_view.playing(),
        )
    epoch = (
        cell_view.epoch_slider(epoch_col[0], w(f"epoch:{page}"), run, points) if points else final
    )
    model = cell_view.model_at(run, points, epoch) if epoch != final else run.model
    layer = cached.trace(model, cached.weights_digest(model), x)[layer_index]
    activity = cell_view.unit_activity(layer)
    cell_view.default_unit(w("unit"), run, layer_index, activity)
    cell_view.clamp(w("unit"), n_units)
    unit_col.number_input(
        t("inside.unit"), min_value=0, max_value=n_units - 1, step=1, key=w("unit")
    )
    if points:
        st.caption(cell_view.epoch_caption(epoch, final))
    step, unit = st.session_state[w("t")], st.session_state[w("unit")]
    at_epoch = t("inside.at_epoch", epoch=epoch) if epoch != final else ""
    cell_name = CELL_NAMES[layer.cell]
    panels = cell_view.layer_panels(layer)

    diagram, lines = st.columns([3, 2])
    with diagram:
        title = t("inside.diagram", cell=cell_name, unit=unit, step=steps[step]) + at_epoch
        values = tracer.step_values(layer, 0, step, unit)
        cell_view.show_svg(i18n.svg(charts.cell_diagram_svg(values, cell=layer.cell, title=title)))
        activation = cell_view.activation_name(run.model, layer.name)
        st.markdown(cell_view.step_equation(layer.cell, values, activation))
    series = {name: data for name, data, _ in panels}
    lines.plotly_chart(
        cell_view.localized(charts.unit_lines(series, unit, steps, selected_step=step,
                                              tick_room=58)), theme=None,
    )  # fmt: skip
    if points:  # full width: the diagram's column is as tall as the chart beside it
        history = cell_view.values_over_training(run, points, x)[layer_index]
        over_training = charts.gates_over_training(
            [e for e, _ in points],
            cell_view.unit_over_training(history, step, unit),
            unit,
            steps[step],
            selected_epoch=epoch,
        )
        st.plotly_chart(cell_view.over_training_words(over_training, unit, steps[step], epoch),
                        theme=None)  # fmt: skip
    units = cell_view.units_picker(*st.columns([1, 3], vertical_alignment="bottom"),
                                   w(f"units_shown:{page}"), activity, unit)  # fmt: skip
    title_end = t("inside.heatmap", cell=cell_name, layer=layer.name, epoch=at_epoch)
    heatmaps(panels, title_end, units, step, unit)
    if cell_view.playing() != timer_on:
        # Play pressed, paused or at the end: start or stop the fragment's timer. Only
        # after the slider is drawn, so the browser gets the step set by Play.
        st.rerun()


def heatmaps(panels: list, title_end: str, units: list[int], step: int, unit: int) -> None:
    """h, c and every gate as units × steps, the same units in each; a click picks a cell."""
    per_row = 1 if wide else 2
    for i, (name, data, kind) in enumerate(panels):
        if i % per_row == 0:
            row = st.columns(per_row)
        with row[i % per_row]:
            chart_key = state.chart(PAGE, name)
            figure = charts.state_heatmap(
                data, kind, cell_view.panel_label(name) + title_end, time_labels=steps,
                selected_unit=unit, units=units, selected_step=step, tick_room=130 if wide else 56,
            )  # fmt: skip
            st.plotly_chart(
                i18n.figure(charts.clickable_cells(figure)),
                key=chart_key,
                on_select=lambda key=chart_key: cell_view.select_cell(
                    w("t"), w("unit"), key, units
                ),
                selection_mode="points",
                theme=None,
            )
            st.caption(cell_view.explain(name))


st.fragment(moving_parts, run_every=cell_view.PLAY_SECONDS if cell_view.playing() else None)(
    cell_view.playing()
)
carry_over.show(run.model, ds, trained[0].name, x, steps)
