"""Inside the cell: heatmaps equal the core's trace, the time slider moves the diagram.

Projector readability: at most 32 units per heatmap (the most active by default, pages
of the rest), the most active unit followed first, steps named "t = 3 (x = 1)", ▶ Play.
"""

import base64

import numpy as np
import pytest

from app import cell_view
from lstm_core import trace as tracer
from tests.app.conftest import (
    array,
    figure_titled,
    figures,
    finish_training,
    open_page,
    texts,
    train,
)

SEQ = "sequence_classification"


def inside_after_training(**settings):
    at = train(open_page(SEQ), SEQ, **{"units": 8, "epochs": 5, **settings})
    at.button(key=f"b:{SEQ}:inside").click().run()  # "Look inside this model →"
    assert not at.exception, at.exception
    assert at.title[0].value == "Inside the cell"
    # A switch made by the script is not tracked by AppTest: stay on this page for later runs.
    return at.switch_page("views/inside.py")


def diagram_svg(at) -> str:
    [image] = at.get("image")
    url = image.proto.imgs[0].url
    assert url.startswith("data:image/svg+xml;base64,")
    return base64.b64decode(url.split(",", 1)[1]).decode()


def test_without_a_model_it_offers_to_train_the_tutorial_one():
    at = open_page("inside")
    assert any("no trained model" in i for i in texts(at.info))
    at.selectbox(key="w:inside:model").set_value("hello").run()
    at.button(key="b:inside:train").click().run()
    assert not at.exception, at.exception
    run = at.session_state["run:hello"]
    assert run.in_progress and any("is training" in i for i in texts(at.info))
    finish_training(at, "hello")
    assert run.spec.units == 16 and len(run.history["loss"]) == 200
    assert figure_titled(at, "h ·")  # the page redrew with the new model
    steps = at.select_slider(key="w:inside:t").options  # "hell": characters, quoted
    assert steps == ["t = 1 (x = 'h')", "t = 2 (x = 'e')", "t = 3 (x = 'l')", "t = 4 (x = 'l')"]


def test_heatmaps_equal_the_trace_and_the_slider_moves_the_diagram():
    at = inside_after_training()
    assert at.selectbox(key="w:inside:model").value == SEQ
    run = at.session_state[f"run:{SEQ}"]
    ds_x = np.asarray([[[0], [1], [1], [0], [0], [0]]], dtype=np.float32)  # sample 1
    [layer] = tracer.trace(run.model, ds_x)
    expected = {"h": layer.h, "c": layer.c, **layer.gates}
    assert set(expected) == {"h", "c", "input", "forget", "candidate", "output"}
    for name, values in expected.items():
        fig = figure_titled(at, f"{name} ·")
        z = array(fig["data"][0]["z"]).reshape(8, 6)  # units × time
        np.testing.assert_allclose(z, values[0].T, atol=1e-6)
    first = diagram_svg(at)
    at.select_slider(key="w:inside:t").set_value(3).run()
    moved = diagram_svg(at)
    assert moved != first and "t = 4 (x = 0)" in moved
    unit = at.number_input(key="w:inside:unit").value  # the most active one, see below
    values = tracer.step_values(layer, 0, 3, unit)
    assert f"{values['h_t']:+.3f}" in moved and f"{values['forget']:+.3f}" in moved
    assert any(f"**{values['c_t']:.3f}**" in m.value for m in at.markdown)
    at.number_input(key="w:inside:unit").set_value(5).run()
    assert f"{tracer.step_values(layer, 0, 3, 5)['h_t']:+.3f}" in diagram_svg(at)
    lines = figure_titled(at, "Unit 5 over time")
    h_line = [t for t in lines["data"] if t["name"] == "h"][0]
    np.testing.assert_allclose(array(h_line["y"]), layer.h[0, :, 5], atol=1e-6)


def test_typed_input_is_validated_and_traced():
    at = inside_after_training()
    at.radio(key=f"w:inside:mode:{SEQ}").set_value("typed").run()
    at.text_input(key=f"w:inside:typed:{SEQ}").input("1, x").run()
    assert any("'x' is not a number" in e for e in texts(at.error))
    assert not figures(at)
    at.text_input(key=f"w:inside:typed:{SEQ}").input("0, 0, 2, 2, 0, 0").run()
    assert not at.error
    run = at.session_state[f"run:{SEQ}"]
    x = np.asarray([0, 0, 2, 2, 0, 0], np.float32).reshape(1, 6, 1)
    h = array(figure_titled(at, "h ·")["data"][0]["z"]).reshape(8, 6)
    np.testing.assert_allclose(h, tracer.trace(run.model, x)[0].h[0].T, atol=1e-6)


def test_gru_with_two_layers_shows_its_gates_per_layer():
    at = inside_after_training(cell="gru", layers=2)
    names = {f["layout"]["title"]["text"].split(" ·")[0] for f in figures(at)}
    assert {"h", "update", "reset", "candidate"} <= names and "c" not in names
    assert any("h = z·hₜ₋₁ + (1−z)·h̃" in c for c in texts(at.caption))
    assert not at.selectbox(key="w:inside:layer").disabled
    at.selectbox(key="w:inside:layer").set_value(1).run()
    run = at.session_state[f"run:{SEQ}"]
    x = np.asarray([[[0], [1], [1], [0], [0], [0]]], dtype=np.float32)
    second = tracer.trace(run.model, x)[1]
    z = array(figure_titled(at, "update ·")["data"][0]["z"]).reshape(8, 6)
    np.testing.assert_allclose(z, second.gates["update"][0].T, atol=1e-6)


def heatmaps(at, units: int = 8, steps: int = 6) -> dict[str, np.ndarray]:
    """name -> (timesteps, units) of every state/gate heatmap of the chosen input ("h · …";
    the carry-over heatmaps further down are titled otherwise)."""
    found = {}
    for fig in figures(at):
        title = fig["layout"]["title"]["text"]
        name = title.split(" ·")[0]
        if fig["data"][0]["type"] == "heatmap" and " ·" in title:
            found[name] = array(fig["data"][0]["z"]).reshape(units, steps).T
    return found


def expected_of(layer) -> dict[str, np.ndarray]:
    return {"h": layer.h[0], "c": layer.c[0], **{n: g[0] for n, g in layer.gates.items()}}


def test_the_epoch_slider_replays_the_snapshots_and_the_gates_chart_follows_training():
    from lstm_core import datasets, models, training

    at = inside_after_training(epochs=20)
    run = at.session_state[f"run:{SEQ}"]
    epochs = [epoch for epoch, _ in run.job.snapshots]
    assert epochs == list(range(21))  # 20 epochs: a snapshot after every one, and epoch 0
    slider = at.select_slider(key=f"w:inside:epoch:{SEQ}")
    assert slider.value == 20 and slider.options[0] == "0 (untrained)"
    assert slider.options[-1] == "20 (final)" and len(slider.options) == 21
    assert any("trained model (epoch 20)" in c for c in texts(at.caption))
    x = np.asarray([[[0], [1], [1], [0], [0], [0]]], dtype=np.float32)  # sample 1
    [trained] = tracer.trace(run.model, x)
    final_weights = [np.array(v) for v in run.model.get_weights()]

    slider.set_value(0).run()
    assert not at.exception, at.exception
    ds = datasets.load(run.dataset, **run.data_options)
    untrained_model = models.build(run.spec, ds, seed=run.config.seed)
    training.set_weights(untrained_model, run.job.snapshots[0][1])
    [untrained] = tracer.trace(untrained_model, x)
    shown = heatmaps(at)
    assert set(shown) == {"h", "c", "input", "forget", "candidate", "output"}
    for name, values in expected_of(untrained).items():
        np.testing.assert_allclose(shown[name], values, atol=1e-6, err_msg=name)
    assert not np.allclose(shown["forget"], trained.gates["forget"][0], atol=1e-3)
    assert any("Showing the weights after epoch 0 of 20" in c for c in texts(at.caption))
    assert figure_titled(at, "h ·")["layout"]["title"]["text"].endswith("· epoch 0")
    assert "epoch 0" in diagram_svg(at)
    for got, kept in zip(run.model.get_weights(), final_weights, strict=True):
        np.testing.assert_array_equal(got, kept)  # the trained model is never touched

    at.select_slider(key=f"w:inside:epoch:{SEQ}").set_value(20).run()
    shown = heatmaps(at)
    for name, values in expected_of(trained).items():
        np.testing.assert_allclose(shown[name], values, atol=1e-6, err_msg=name)
    assert not any("Showing the weights after" in c for c in texts(at.caption))


def test_gates_over_training_has_one_point_per_snapshot_ending_at_the_trained_model():
    at = inside_after_training(epochs=20)
    run = at.session_state[f"run:{SEQ}"]
    at.select_slider(key="w:inside:t").set_value(2).run()
    at.number_input(key="w:inside:unit").set_value(5).run()
    at.select_slider(key=f"w:inside:epoch:{SEQ}").set_value(8).run()
    fig = figure_titled(at, "How unit 5's gates changed over training")
    x = np.asarray([[[0], [1], [1], [0], [0], [0]]], dtype=np.float32)
    [trained] = tracer.trace(run.model, x)
    expected = expected_of(trained)
    lines = {line["name"]: line for line in fig["data"]}
    assert set(lines) == set(expected)
    for name, line in lines.items():
        assert list(array(line["x"])) == list(range(21))
        assert array(line["y"])[-1] == pytest.approx(expected[name][2, 5], abs=1e-6)
    assert any(s.get("x0") == 8 == s.get("x1") for s in fig["layout"]["shapes"])
    h_at_8 = array(lines["h"]["y"])[8]
    assert array(figure_titled(at, "h ·")["data"][0]["z"]).reshape(8, 6)[5, 2] == pytest.approx(
        h_at_8, abs=1e-6
    )


def test_a_run_with_one_snapshot_shows_no_epoch_slider():
    at = inside_after_training()
    run = at.session_state[f"run:{SEQ}"]
    run.job.snapshots[1:] = []  # as if stopped before the first snapshot
    at.run()
    assert not at.exception, at.exception
    assert not [s for s in at.select_slider if s.key == f"w:inside:epoch:{SEQ}"]
    assert not [f for f in figures(at) if f["layout"]["title"]["text"].startswith("How unit")]
    assert figure_titled(at, "h ·")


# ------------------------------------------------------------- readable on a projector

SAMPLE_1 = np.asarray([[[0], [1], [1], [0], [0], [0]]], dtype=np.float32)
STEPS = ["t = 1 (x = 0)", "t = 2 (x = 1)", "t = 3 (x = 1)", "t = 4 (x = 0)", "t = 5 (x = 0)"]


def shown_rows(fig: dict) -> list[str]:
    """The unit labels down a heatmap's side, marks stripped ("▶ 7" -> "7")."""
    import re

    return [re.sub(r"<[^>]+>|▶ ", "", tick) for tick in fig["layout"]["yaxis"]["ticktext"]]


def test_a_big_layer_shows_its_32_most_active_units_and_pages_through_the_rest():
    at = inside_after_training(units=40)
    run = at.session_state[f"run:{SEQ}"]
    [layer] = tracer.trace(run.model, SAMPLE_1)
    activity = np.abs(layer.h[0]).mean(axis=0)  # (units,)
    active = sorted(np.argsort(-activity)[:32].tolist())
    picker = at.selectbox(key=f"w:inside:units_shown:{SEQ}")
    assert picker.options == ["most active 32", "0–31", "32–39"]
    expected = expected_of(layer)
    for name, values in expected.items():
        fig = figure_titled(at, f"{name} ·")
        z = array(fig["data"][0]["z"]).reshape(32, 6)  # 32 rows, not 40
        np.testing.assert_allclose(z, values[:, active].T, atol=1e-6, err_msg=name)
        assert shown_rows(fig) == [str(u) for u in active]  # the real unit numbers
    assert any("32 most active of 40 units" in c for c in texts(at.caption))

    picker.set_value("32").run()  # "32–39"
    assert not at.exception, at.exception
    for name, values in expected.items():
        fig = figure_titled(at, f"{name} ·")
        z = array(fig["data"][0]["z"]).reshape(8, 6)
        np.testing.assert_allclose(z, values[:, 32:].T, atol=1e-6, err_msg=name)
        assert shown_rows(fig) == [str(u) for u in range(32, 40)]


def test_the_page_first_follows_the_most_active_unit_and_keeps_a_picked_one():
    at = inside_after_training(units=40)
    run = at.session_state[f"run:{SEQ}"]
    [layer] = tracer.trace(run.model, SAMPLE_1)
    most_active = int(np.argmax(np.abs(layer.h[0]).mean(axis=0)))
    assert at.number_input(key="w:inside:unit").value == most_active
    h = figure_titled(at, "h ·")
    marked = [t for t in h["layout"]["yaxis"]["ticktext"] if "▶" in t]
    assert len(marked) == 1 and f"▶ {most_active}<" in marked[0]  # beside its row
    assert not [s for s in h["layout"].get("shapes", []) if s.get("type") == "rect"]
    picked = (most_active + 1) % 40
    at.number_input(key="w:inside:unit").set_value(picked).run()
    at.selectbox(key=f"w:inside:sample:{SEQ}").set_value(3).run()  # another input
    assert at.number_input(key="w:inside:unit").value == picked  # not overridden


def test_time_steps_are_named_with_their_input_everywhere():
    at = inside_after_training(epochs=20)  # snapshots: the gates-over-training chart too
    assert at.select_slider(key="w:inside:t").options[:5] == STEPS
    assert at.select_slider[0].key == "w:inside:t"  # first in the row, epoch slider beside it
    h = figure_titled(at, "h ·")
    ticks = [tick.replace("<br>", " ") for tick in h["layout"]["xaxis"]["ticktext"]]
    assert ticks[1:5] == STEPS[1:5] and "t = 1 (x = 0)" in ticks[0]  # the first is marked
    unit = at.number_input(key="w:inside:unit").value
    lines = figure_titled(at, f"Unit {unit} over time")
    assert [t.replace("<br>", " ") for t in lines["layout"]["xaxis"]["ticktext"]][:5] == STEPS
    at.select_slider(key="w:inside:t").set_value(2).run()
    assert f"unit {unit} · t = 3 (x = 1)" in diagram_svg(at)
    training = figure_titled(at, f"How unit {unit}'s gates")
    assert training["layout"]["title"]["subtitle"]["text"].startswith("at t = 3 (x = 1)")


def test_play_walks_the_steps_and_the_diagram_and_marker_follow():
    at = inside_after_training()
    at.select_slider(key="w:inside:t").set_value(5).run()  # at the end: Play starts over
    at.button(key="b:inside:play").click().run()
    assert not at.exception, at.exception
    assert at.session_state[cell_view.PLAYING] and at.session_state["w:inside:t"] == 0
    assert at.button(key="b:inside:pause").label == "■ Pause"
    assert at.select_slider(key="w:inside:t").disabled  # the class watches; Pause first
    # A tick of the fragment's timer (AppTest runs no timers): Play's step is shown.
    at.session_state[cell_view.PLAY_STEP] = 2
    at.run()
    assert "t = 3 (x = 1)" in diagram_svg(at)
    h = figure_titled(at, "h ·")
    assert (
        "t = 3" in h["layout"]["xaxis"]["ticktext"][2]
        and "<b>" in (h["layout"]["xaxis"]["ticktext"][2])
    )
    arrows = [a for a in h["layout"]["annotations"] if a["text"] == "▼"]
    assert [a["x"] for a in arrows] == [2]
    at.button(key="b:inside:pause").click().run()
    assert not at.session_state[cell_view.PLAYING]
    assert at.button(key="b:inside:play").label == "▶ Play"


def test_a_play_tick_moves_one_step_per_tick_and_stops_at_the_end():
    state = {"t": 0}
    cell_view.play_tick(state, "t", 4, now=100.0, tick=True)
    assert state == {"t": 0}  # never played: the slider's value stays
    state.update({cell_view.PLAYING: True, cell_view.PLAY_STEP: 0, cell_view.PLAYED_AT: 100.0})
    cell_view.play_tick(state, "t", 4, now=100.1, tick=True)
    assert state["t"] == 0  # too soon after the last move
    for now, expected in [(100.8, 1), (101.6, 2)]:
        cell_view.play_tick(state, "t", 4, now=now, tick=True)
        assert state["t"] == state[cell_view.PLAY_STEP] == expected
    state["t"] = 0  # a stale slider value from the browser's timer request
    cell_view.play_tick(state, "t", 4, now=101.7, tick=False)
    assert state["t"] == 2  # Play's step wins
    cell_view.play_tick(state, "t", 4, now=102.4, tick=True)
    assert state["t"] == 3 and not state[cell_view.PLAYING]  # the last step: stopped
    cell_view.play_tick(state, "t", 4, now=103.2, tick=True)
    assert state["t"] == 3
    state["t"] = 1  # the user moves the slider long after Play ended
    cell_view.play_tick(state, "t", 4, now=110.0, tick=False)
    assert state["t"] == 1


def test_a_click_on_a_heatmap_row_picks_the_unit_shown_there(monkeypatch):
    import streamlit as st

    chart = {"selection": {"points": [{"x": 4, "y": 2}]}}
    session = {"chart": chart, "t": 0, "unit": 0}
    monkeypatch.setattr(st, "session_state", session)
    cell_view.select_cell("t", "unit", "chart", [3, 17, 40, 63])
    assert (session["t"], session["unit"]) == (4, 40)  # row 2 shows unit 40


def test_carrying_the_state_over_equals_keras_initial_state():
    """B read from A's final (h, c): the heatmap shows what a Keras LSTM with the same
    weights gives for ``initial_state=[h_A, c_A]``; from zeros, what it gives unprimed."""
    import keras

    at = inside_after_training()
    at.selectbox(key="w:inside:carry_from").set_value(2).run()
    assert not at.exception, at.exception
    run = at.session_state[f"run:{SEQ}"]
    from lstm_core import datasets, predict

    ds = datasets.load(SEQ)
    x_a, _ = predict.sample_input(ds, 2)
    x_b, _ = predict.sample_input(ds, at.session_state[f"w:inside:sample:{SEQ}"])
    layer = next(lay for lay in run.model.layers if isinstance(lay, keras.layers.LSTM))
    twin = keras.layers.LSTM(layer.units, return_sequences=True, return_state=True)
    twin.build(x_a.shape)
    twin.set_weights(layer.get_weights())
    _, h_a, c_a = twin(x_a)
    from_a = np.asarray(twin(x_b, initial_state=[h_a, c_a])[0])[0]  # (T, units)
    from_zeros = np.asarray(twin(x_b)[0])[0]
    units = cell_view.most_active(np.abs(from_zeros).mean(axis=0))
    carried = figure_titled(at, "h of B, carried over from A")
    zeros = figure_titled(at, "h of B, from zeros")
    np.testing.assert_allclose(array(carried["data"][0]["z"]), from_a[:, units].T, atol=1e-5)
    np.testing.assert_allclose(array(zeros["data"][0]["z"]), from_zeros[:, units].T, atol=1e-5)
    difference = figure_titled(at, "The difference")
    np.testing.assert_allclose(
        array(difference["data"][0]["z"]), (from_a - from_zeros)[:, units].T, atol=1e-5
    )
    assert np.abs(from_a - from_zeros)[0].max() > 1e-3, "A's state does change B"
    said = next(m for m in texts(at.markdown) if "At the first step of B" in m)
    largest = np.abs(from_a - from_zeros).max(axis=1)  # all units, as the sentence measures
    fades = largest[-1] < largest[0]
    assert ("the carried state fades" in said) == fades  # what this model does, said so
    assert ("does not fade" in said) == (not fades)
