"""RNN from scratch (app/views/scratch.py): the loop's numbers move with t, Keras agrees."""

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from lstm_core import scratch
from tests.app.conftest import TIMEOUT, array, figure_titled, open_page, texts

PAGE = "scratch"
SCRIPT = str(Path(__file__).resolve().parents[2] / "app" / "views" / "scratch.py")


def open_scratch() -> AppTest:
    at = AppTest.from_file(SCRIPT, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def equation(at: AppTest) -> str:
    found = [m for m in texts(at.markdown) if m.startswith("W[")]
    assert found, texts(at.markdown)
    return found[0]


def test_default_run_shows_the_seed_loop_the_step_and_keras():
    at = open_scratch()
    assert at.title[0].value == "RNN from scratch"
    assert scratch.SEED_LOOP in [c.value for c in at.code]
    assert equation(at).startswith("W[0]·x₁ = ")
    [metric] = [m for m in at.metric if "over all outputs" in m.label]
    assert float(metric.value) < 1e-5
    fig = figure_titled(at, "Same weights, numpy vs Keras")
    expected = scratch.explore(scratch.Example())
    np.testing.assert_allclose(array(fig["data"][0]["z"]), expected.rnn.outputs, atol=1e-12)
    np.testing.assert_allclose(array(fig["data"][1]["z"]), expected.keras_outputs, atol=1e-6)
    assert figure_titled(at, "Step t = 1:")
    for name in ("timesteps", "input_features", "units", "seed", "activation", "t", "unit"):
        assert f"w:{PAGE}:{name}" in at.session_state


def test_moving_t_and_the_unit_changes_the_numbers():
    at = open_scratch()
    before = equation(at)
    at.select_slider(key=f"w:{PAGE}:t").set_value(4).run()
    assert not at.exception, at.exception
    after = equation(at)
    assert after != before and after.startswith("W[0]·x₅ = ")
    terms = figure_titled(at, "Step t = 5:")
    expected = scratch.explore(scratch.Example()).terms(4)
    np.testing.assert_allclose(array(terms["data"][0]["z"]), [expected["x_t"]])
    np.testing.assert_allclose(array(terms["data"][1]["z"])[-1], expected["output"])
    at.number_input(key=f"w:{PAGE}:unit").set_value(3).run()
    assert "output₅[3] = tanh(" in equation(at)
    assert figure_titled(at, "Unit 3 over time")


def test_new_sizes_and_activation_keep_keras_in_agreement():
    at = open_scratch()
    at.select_slider(key=f"w:{PAGE}:t").set_value(7).run()
    at.number_input(key=f"w:{PAGE}:timesteps").set_value(3).run()
    at.number_input(key=f"w:{PAGE}:units").set_value(2).run()
    at.selectbox(key=f"w:{PAGE}:activation").set_value("sigmoid").run()
    assert not at.exception, at.exception
    assert at.session_state[f"w:{PAGE}:t"] == 2  # clamped to the last of 3 steps
    assert "sigmoid(" in equation(at)
    assert float(at.metric[0].value) < 1e-5
    fig = figure_titled(at, "Same weights, numpy vs Keras")
    assert array(fig["data"][0]["z"]).shape == (3, 2)


def test_a_float32_overflow_is_explained_not_shown_as_a_traceback():
    at = open_scratch()
    for name, value in (("timesteps", 100), ("input_features", 32), ("units", 64)):
        at.number_input(key=f"w:{PAGE}:{name}").set_value(value).run()
    at.selectbox(key=f"w:{PAGE}:activation").set_value("linear").run()
    assert not at.exception, at.exception
    assert any("float32" in w for w in texts(at.warning))
    assert "overflowed" in figure_titled(at, "Same weights")["layout"]["title"]["text"]


def test_the_lstm_loop_follows_the_chosen_step_and_unit_and_equals_keras():
    at = open_page("scratch")
    at.select_slider(key="w:scratch:t").set_value(4).run()
    at.number_input(key="w:scratch:unit").set_value(3).run()
    assert not at.exception, at.exception
    x, kernel, recurrent, bias = scratch.lstm_example(8, 4, 6, seed=0)
    v = scratch.lstm(x, kernel, recurrent, bias).step_values(4, 3)
    [equation] = [m for m in texts(at.markdown) if m.startswith("cₜ = f·cₜ₋₁")]
    assert f"**{v['c_t']:.3f}**" in equation and f"**{v['h_t']:.3f}**" in equation
    [gap] = [m for m in at.metric if "Keras LSTM" in m.label]
    assert float(gap.value) < 1e-5
    svg = [img for img in at.get("image")]
    assert svg, "the cell diagram of the LSTM loop"
