"""Building blocks of the Inside-the-cell page: panels, the step's equation, clicks, the
units shown, Play, replay.

The numbers come from ``lstm_core.trace``; this module only names them, writes the
step's update with its values, and turns a click on a heatmap into a (step, unit) pick.
Its words (panel names, captions, Play, the epoch slider) are the catalog's ``cell.*`` keys
(``assets/i18n/<lang>/inside.toml``), shared with the Sentiment page.

Units: a heatmap shows at most ``UNITS_PER_VIEW`` units, by default the most active ones
(largest mean |h| over the input's steps), or a page of consecutive units; the unit the
page follows starts as the most active one when a model (or layer) is first opened.

Play walks the time step by itself: ``play_tick`` moves it on one step per
``PLAY_SECONDS`` tick of the page's fragment and stops at the last step.

Replay: a finished job keeps the weights of every k-th epoch (``Job.snapshots``, epoch 0
= untrained). ``checkpoints`` lists them with the trained model last; a second model of
the run's architecture (``replay_model``, this session's own, kept in session state per
page) holds a snapshot's weights so it can be traced like the trained model, whose
weights are never touched. ``values_over_training`` traces every checkpoint once, for
the "how the gates changed over training" chart.
"""

from __future__ import annotations

import time
from collections.abc import MutableMapping

import numpy as np
import streamlit as st

from app import cached, i18n
from app.i18n import t

PANELS = ("h", "c", "input", "forget", "candidate", "output", "update", "reset")
GATE_KIND = {"h": "activation", "c": "activation", "candidate": "activation"}


def explain(name: str) -> str:
    """The caption under a panel's heatmap: what h, c or that gate does ("" if unknown)."""
    return t(f"cell.explain.{name}") if name in PANELS else ""


def panel_label(name: str) -> str:
    """A panel's name as charts show it: "h", "forget" (Korean: "h", "망각 게이트")."""
    return t(f"cell.panel.{name}") if name in PANELS else name


def localized(fig):
    """A state chart in the page's language: panel names on its lines, then its words."""
    for trace in fig.data:
        if getattr(trace, "name", None) in PANELS:
            trace.name = panel_label(trace.name)
    return i18n.figure(fig)


def layer_panels(layer_trace) -> list[tuple[str, np.ndarray, str]]:
    """(name, values (T, units), heatmap kind) for h, c and every gate of one layer."""
    panels = [("h", layer_trace.h[0], "activation")]
    if layer_trace.c is not None:
        panels.append(("c", layer_trace.c[0], "activation"))
    for name, values in layer_trace.gates.items():
        panels.append((name, values[0], GATE_KIND.get(name, "gate")))
    return panels


def step_equation(cell: str, v: dict, activation: str) -> str:
    """The step's update written with its numbers, as the seeds write the equations."""
    if cell == "lstm":
        return (
            f"cₜ = f·cₜ₋₁ + i·c̃ = {v['forget']:.2f}·{v['c_prev']:.2f} + "
            f"{v['input']:.2f}·{v['candidate']:.2f} = **{v['c_t']:.3f}**  \n"
            f"hₜ = o·{activation}(cₜ) = {v['output']:.2f}·{activation}({v['c_t']:.2f}) = "
            f"**{v['h_t']:.3f}**"
        )
    if cell == "gru":
        return (
            f"hₜ = z·hₜ₋₁ + (1−z)·h̃ = {v['update']:.2f}·{v['h_prev']:.2f} + "
            f"(1−{v['update']:.2f})·{v['candidate']:.2f} = **{v['h_t']:.3f}**"
        )
    return f"hₜ = {activation}(W·xₜ + U·hₜ₋₁ + b) = **{v['h_t']:.3f}**"


def show_svg(svg: str) -> None:
    """Show an SVG diagram scaled to its column (``st.html`` would strip the SVG)."""
    st.image(svg, width="stretch")


def select_cell(key_t: str, key_unit: str, chart_key: str, rows: list[int]) -> None:
    """on_select callback of a heatmap: a click picks the step (column) and the unit of
    the clicked row (``rows``: the units the heatmap shows, top to bottom)."""
    points = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[key_t] = int(points[0]["x"])
        st.session_state[key_unit] = rows[int(points[0]["y"])]


def clamp(key: str, size: int) -> None:
    """Keep an index widget's value inside 0..size-1 before the widget is drawn."""
    value = st.session_state.get(key, 0)
    if not isinstance(value, int) or not 0 <= value < size:
        st.session_state[key] = 0 if not isinstance(value, int) or value < 0 else size - 1


def activation_name(model, layer_name: str) -> str:
    """The activation of a model's layer by name ("tanh", "relu", …), for the equations."""
    activation = model.get_layer(layer_name).activation
    return getattr(activation, "__name__", str(activation))


# ---------------------------------------------------------------- the units shown

UNITS_PER_VIEW = 32  # rows of a heatmap: more would be too thin to read on a projector
MOST_ACTIVE = "active"  # the "Units shown" choice of the most active units
UNIT_CHOSEN_FOR = "inside_unit_for"  # session state: (run, layer) the default unit was picked for


def unit_activity(layer_trace) -> np.ndarray:
    """Mean |h| of every unit over the input's steps (sample 0): (units,)."""
    return np.abs(layer_trace.h[0]).mean(axis=0)  # (timesteps, units) -> (units,)


def most_active(activity: np.ndarray, n: int = UNITS_PER_VIEW) -> list[int]:
    """The ``n`` most active units, in unit order (ties: the lower unit first)."""
    order = np.argsort(-activity, kind="stable")[:n]
    return sorted(int(u) for u in order)


def unit_views(n_units: int) -> list[str]:
    """Choices of "Units shown": the most active, then pages of consecutive units."""
    return [MOST_ACTIVE, *(str(start) for start in range(0, n_units, UNITS_PER_VIEW))]


def unit_view_label(choice: str, n_units: int) -> str:
    if choice == MOST_ACTIVE:
        return t("cell.units.most_active", n=UNITS_PER_VIEW)
    start = int(choice)
    return f"{start}–{min(start + UNITS_PER_VIEW, n_units) - 1}"


def shown_units(choice: str, activity: np.ndarray) -> list[int]:
    """The units a heatmap draws for a "Units shown" choice (all of them when few)."""
    n_units = activity.size
    if n_units <= UNITS_PER_VIEW:
        return list(range(n_units))
    if choice == MOST_ACTIVE:
        return most_active(activity)
    start = int(choice)
    return list(range(start, min(start + UNITS_PER_VIEW, n_units)))


def units_picker(container, note, key: str, activity: np.ndarray, unit: int) -> list[int]:
    """Draw "Units shown" (only for more than ``UNITS_PER_VIEW`` units) and a note of what
    the heatmaps show in ``note``; return the units to show, in unit order."""
    n_units = activity.size
    if n_units <= UNITS_PER_VIEW:
        units, shown = list(range(n_units)), t("cell.units.all", n=n_units)
    else:
        views = unit_views(n_units)
        if st.session_state.get(key) not in views:
            st.session_state[key] = MOST_ACTIVE
        container.selectbox(
            t("cell.units.shown"),
            views,
            format_func={choice: unit_view_label(choice, n_units) for choice in views}.get,
            key=key,
            help=t("cell.units.shown.help", n=UNITS_PER_VIEW, total=n_units),
        )
        units = shown_units(st.session_state[key], activity)
        shown = (
            t("cell.units.active_of", n=UNITS_PER_VIEW, total=n_units)
            if st.session_state[key] == MOST_ACTIVE
            else t("cell.units.range", first=units[0], last=units[-1], total=n_units)
        )
    followed = (
        t("cell.units.marked", unit=unit) if unit in units else t("cell.units.missing", unit=unit)
    )
    note.caption(f"{shown} {followed} {t('cell.units.click')}")
    return units


def default_unit(key_unit: str, run, layer_index: int, activity: np.ndarray) -> None:
    """The first time the page opens a model (or one of its layers), follow its most
    active unit; a unit picked afterwards stays picked."""
    opened = st.session_state.get(UNIT_CHOSEN_FOR)
    lost = key_unit not in st.session_state  # e.g. dropped on a page that never drew it
    if lost or opened is None or opened[0] is not run or opened[1] != layer_index:
        st.session_state[UNIT_CHOSEN_FOR] = (run, layer_index)
        st.session_state[key_unit] = most_active(activity, 1)[0]


# ---------------------------------------------------------------- Play

PLAY_SECONDS = 0.8  # one time step per tick while playing
PLAYING = "inside_playing"  # session state: the time step walks by itself
PLAY_STEP = "inside_play_step"  # session state: the step Play last showed
PLAYED_AT = "inside_played_at"  # session state: when Play last moved the step (monotonic)


def play(key_t: str, n_steps: int) -> None:
    """▶ Play: walk from the current step (from the first one if at the end)."""
    t = st.session_state.get(key_t, 0)
    st.session_state[key_t] = st.session_state[PLAY_STEP] = 0 if t >= n_steps - 1 else t
    st.session_state[PLAYING] = True
    st.session_state[PLAYED_AT] = time.monotonic()


def pause() -> None:
    st.session_state[PLAYING] = False


def playing() -> bool:
    return bool(st.session_state.get(PLAYING))


def play_tick(state: MutableMapping, key_t: str, n_steps: int, now: float, tick: bool) -> None:
    """Before the step slider is drawn: while Play runs (and a moment after), the step
    is Play's, whatever stale slider value a timer request of the browser carried; on a
    timer ``tick`` it moves on one step once a tick's time has passed since the last
    move, and Play stops at the last step."""
    if PLAY_STEP not in state:
        return
    moving = state.get(PLAYING)
    if moving or now - state.get(PLAYED_AT, 0.0) < 1.5 * PLAY_SECONDS:
        state[key_t] = min(int(state[PLAY_STEP]), n_steps - 1)
    if not (moving and tick) or now - state.get(PLAYED_AT, 0.0) < 0.75 * PLAY_SECONDS:
        return
    t = min(int(state[key_t]) + 1, n_steps - 1)
    state[key_t] = state[PLAY_STEP] = t
    state[PLAYED_AT] = now
    if t >= n_steps - 1:
        state[PLAYING] = False


def play_button(container, key_t: str, n_steps: int, keys: tuple[str, str]) -> None:
    """▶ Play, or ■ Pause while playing (``keys``: the two buttons' keys)."""
    if playing():
        container.button(t("cell.pause"), key=keys[1], on_click=pause, width="stretch")
    else:
        container.button(t("cell.play"), key=keys[0], on_click=play, args=(key_t, n_steps),
                         type="primary", width="stretch", disabled=n_steps < 2,
                         help=t("cell.play.help"))  # fmt: skip


# ---------------------------------------------------------------- replay of snapshots

REPLAY_PREFIX = "replay:"  # session state: "replay:<page>" -> {"run": Run, "model": keras.Model}


def checkpoints(run) -> list[tuple[int, list[np.ndarray] | None]]:
    """(epoch, weights) to replay: every snapshot, then the trained model (weights None).

    Empty when the run kept fewer than two snapshots (stopped before the first one, or
    restored without them) or has no recurrent layer: there is nothing to replay then.
    """
    if run.model is None or run.spec.cell == "dense" or len(run.job.snapshots) < 2:
        return []
    final = run.epochs_done
    kept = [(epoch, weights) for epoch, weights in run.job.snapshots if epoch < final]
    return [*kept, (final, None)]


def epoch_label(epoch: int, final: int) -> str:
    """How the epoch slider names a checkpoint: "0 (untrained)", "40", "200 (final)"."""
    if epoch == final:
        return t("cell.epoch.final", epoch=epoch)
    return t("cell.epoch.untrained", epoch=epoch) if epoch == 0 else str(epoch)


def epoch_slider(container, key: str, run, points: list) -> int:
    """Draw "Weights after epoch" (a new run starts at the end) and return the epoch."""
    epochs, final = [epoch for epoch, _ in points], run.epochs_done
    slot = st.session_state.get(REPLAY_PREFIX + run.page)
    if slot is None or slot["run"] is not run:
        st.session_state[REPLAY_PREFIX + run.page] = {"run": run, "model": None}
        st.session_state[key] = final
    elif st.session_state.get(key) not in epochs:
        st.session_state[key] = final
    container.select_slider(
        t("cell.epoch.slider"),
        options=epochs,
        format_func={epoch: epoch_label(epoch, final) for epoch in epochs}.get,
        key=key,
    )
    return st.session_state[key]


def epoch_caption(epoch: int, final: int) -> str:
    """Under the epoch slider: which weights every view of the page shows."""
    if epoch == final:
        return t("cell.epoch.trained", final=final)
    return t("cell.epoch.replaying", epoch=epoch, final=final)


def replay_model(run, weights: list[np.ndarray]):
    """This session's second model of the run's architecture, holding ``weights``."""
    from lstm_core import models, training

    slot = st.session_state.get(REPLAY_PREFIX + run.page)
    if slot is None or slot["run"] is not run:
        slot = {"run": run, "model": None}
        st.session_state[REPLAY_PREFIX + run.page] = slot
    if slot["model"] is None:
        ds = cached.load_dataset(run.dataset, **run.data_options)
        slot["model"] = models.build(run.spec, ds, seed=run.config.seed)
    training.set_weights(slot["model"], weights)
    return slot["model"]


def model_at(run, points: list, epoch: int):
    """The trained model for the last checkpoint, else the replay model at that epoch."""
    weights = dict(points).get(epoch)
    return run.model if weights is None else replay_model(run, weights)


def values_over_training(run, points: list, x: np.ndarray) -> list[dict[str, np.ndarray]]:
    """Per recurrent layer: name (h, c, gates) -> (checkpoints, timesteps, units), sample 0."""
    key = f"{run.job.id}:{len(run.job.snapshots)}:{cached.weights_digest(run.model)}"
    return _values_over_training(run, points, key, x)


@st.cache_data(max_entries=64, show_spinner=False)
def _values_over_training(_run, _points, run_key: str, x: np.ndarray) -> list[dict]:
    """One trace per checkpoint (all layers and units at once), stacked along epochs."""
    from lstm_core import trace as tracer

    per_point = [tracer.trace(model_at(_run, _points, epoch), x) for epoch, _ in _points]
    layers = []
    for i in range(len(per_point[0])):
        names = [name for name, _, _ in layer_panels(per_point[0][i])]
        stacked = {name: [] for name in names}
        for traces in per_point:
            for name, values, _ in layer_panels(traces[i]):
                stacked[name].append(values)  # (timesteps, units)
        layers.append({name: np.stack(v) for name, v in stacked.items()})
    return layers


def unit_over_training(layer_values: dict[str, np.ndarray], t: int, unit: int) -> dict:
    """name -> that unit's value at step t at every checkpoint, as a plain list."""
    return {name: values[:, t, unit].tolist() for name, values in layer_values.items()}


def over_training_words(fig, unit: int, step_label: str, epoch: int | None):
    """``charts.gates_over_training`` with its title and subtitle from the catalog (a
    phrase-by-phrase translation cannot reorder "How unit 5's gates …")."""
    fig.layout.title.text = t("cell.over_training", unit=unit)
    subtitle = t("cell.over_training.at", step=step_label)
    if epoch is not None:
        subtitle += t("cell.over_training.dashed", epoch=epoch)
    fig.layout.title.subtitle.text = subtitle
    return localized(fig)
