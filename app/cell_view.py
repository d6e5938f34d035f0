"""Building blocks of the Inside-the-cell page: panels, the step's equation, clicks, replay.

The numbers come from ``lstm_core.trace``; this module only names them, writes the
step's update with its values, and turns a click on a heatmap into a (step, unit) pick.

Replay: a finished job keeps the weights of every k-th epoch (``Job.snapshots``, epoch 0
= untrained). ``checkpoints`` lists them with the trained model last; a second model of
the run's architecture (``replay_model``, this session's own, kept in session state per
page) holds a snapshot's weights so it can be traced like the trained model, whose
weights are never touched. ``values_over_training`` traces every checkpoint once, for
the "how the gates changed over training" chart.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from app import cached

EXPLAIN = {
    "h": "**h — hidden state**, short-term memory: the layer's output at every step.",
    "c": "**c — cell state**, long-term memory: changed only by forget × and input +.",
    "input": "**input gate i** — how much of the candidate is written into c (1 = write).",
    "forget": "**forget gate f** — how much of c is kept (near 1 = remember, 0 = forget).",
    "candidate": "**candidate** — the new content proposed from xₜ and hₜ₋₁ (−1…1).",
    "output": "**output gate o** — how much of the squashed c is shown as h.",
    "update": "**update gate z** — Keras: h = z·hₜ₋₁ + (1−z)·h̃, so z near 1 keeps the old h.",
    "reset": "**reset gate r** — how much of hₜ₋₁ the candidate may look at.",
}
GATE_KIND = {"h": "activation", "c": "activation", "candidate": "activation"}


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


def select_cell(key_t: str, key_unit: str, chart_key: str) -> None:
    """on_select callback of a heatmap: a click picks the unit (row) and the step (column)."""
    points = (st.session_state.get(chart_key) or {}).get("selection", {}).get("points", [])
    if points:
        st.session_state[key_t] = int(points[0]["x"])
        st.session_state[key_unit] = int(points[0]["y"])


def clamp(key: str, size: int) -> None:
    """Keep an index widget's value inside 0..size-1 before the widget is drawn."""
    value = st.session_state.get(key, 0)
    if not isinstance(value, int) or not 0 <= value < size:
        st.session_state[key] = 0 if not isinstance(value, int) or value < 0 else size - 1


def activation_name(model, layer_name: str) -> str:
    """The activation of a model's layer by name ("tanh", "relu", …), for the equations."""
    activation = model.get_layer(layer_name).activation
    return getattr(activation, "__name__", str(activation))


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
        return f"{epoch} (final)"
    return f"{epoch} (untrained)" if epoch == 0 else str(epoch)


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
        "Weights after epoch",
        options=epochs,
        format_func=lambda epoch: epoch_label(epoch, final),
        key=key,
    )
    return st.session_state[key]


def epoch_caption(epoch: int, final: int) -> str:
    """Under the epoch slider: which weights every view of the page shows."""
    if epoch == final:
        return (
            f"Showing the trained model (epoch {final}). Move the slider back to see the "
            "gates before and during training."
        )
    return (
        f":orange[**Showing the weights after epoch {epoch} of {final}**] — move the slider "
        "to the end for the trained model."
    )


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
