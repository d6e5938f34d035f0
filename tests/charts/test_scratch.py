"""RNN from scratch (app/charts/scratch.py): a step's terms, numpy beside Keras, the equation."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.colors import get_colorscale

from app.charts import scratch as charts
from app.charts.style import ACTIVATION_SCALE, BASE_FONT_SIZE
from lstm_core import scratch
from tests.charts.conftest import _heatmaps


@pytest.fixture(scope="module")
def example() -> scratch.Exploration:
    x, W, U, b = scratch.seed_example(timesteps=5, input_features=3, units=4, seed=2)
    rnn = scratch.simple_rnn(x, W, U, b)
    theirs = (rnn.outputs + 1e-7).astype("float32")  # a stand-in for Keras: no TensorFlow here
    return scratch.Exploration(x, W, U, b, rnn, theirs, 1.2e-7, 1.2e-7)


def test_step_terms_draws_x_t_and_one_row_per_term(example) -> None:
    terms = example.terms(2)
    fig = charts.step_terms(terms, "tanh", step=2, selected_unit=1)
    top, rows = _heatmaps(fig)
    np.testing.assert_allclose(np.asarray(top.z), [terms["x_t"]])
    expected = [terms[n] for n in ("state_in", "Wx", "Us", "b", "z", "output")]
    np.testing.assert_allclose(np.asarray(rows.z), expected)
    assert list(rows.y) == ["stateₜ (in)", "W·xₜ", "U·stateₜ", "b", "sum z", "output = tanh(z)"]
    assert fig.layout.title.text.startswith("Step t = 3:")
    axis = fig.layout.coloraxis
    assert axis.cmid == 0 and axis.cmin == -axis.cmax and axis.cmax >= np.abs(expected).max()
    mine = [(round(float(pos), 9), color) for pos, color in axis.colorscale]
    assert mine == [(round(float(pos), 9), c) for pos, c in get_colorscale(ACTIVATION_SCALE)]
    outlined = [s for s in fig.layout.shapes if s.line.color == "black"]
    assert [(s.x0, s.x1) for s in outlined] == [(0.5, 1.5)]  # unit 1's column
    assert fig.layout.font.size >= 14
    assert all(a.font.size >= 14 for a in fig.layout.annotations)


def test_step_terms_checks_its_input(example) -> None:
    terms = dict(example.terms(0))
    with pytest.raises(ValueError, match="selected_unit must be between 0 and 3"):
        charts.step_terms(terms, selected_unit=4)
    del terms["z"]
    with pytest.raises(ValueError, match="missing the terms z"):
        charts.step_terms(terms)


def test_step_terms_writes_numbers_only_when_they_fit() -> None:
    terms = {n: np.zeros(40) for n in ("state_in", "Wx", "Us", "b", "z", "output")}
    fig = charts.step_terms({**terms, "x_t": np.ones(3)})
    top, rows = _heatmaps(fig)
    assert top.texttemplate and not rows.texttemplate


def test_outputs_side_by_side_shows_both_and_the_difference(example) -> None:
    fig = charts.outputs_side_by_side(example.rnn.outputs, example.keras_outputs, 1.2e-7)
    left, right = _heatmaps(fig)
    np.testing.assert_allclose(np.asarray(left.z), example.rnn.outputs)
    np.testing.assert_allclose(np.asarray(right.z), example.keras_outputs)
    assert left.coloraxis == right.coloraxis == "coloraxis"
    assert "largest |difference| = 1.2e-07" in fig.layout.title.text
    assert [a.text for a in fig.layout.annotations] == ["numpy loop", "Keras SimpleRNN"]
    assert list(left.y) == [1, 2, 3, 4, 5]  # time steps counted from 1, as on the page


def test_outputs_side_by_side_survives_an_overflow() -> None:
    ours = np.array([[1.0, 2.0], [1e40, 3e41]])
    theirs = np.array([[1.0, 2.0], [np.inf, np.inf]])
    fig = charts.outputs_side_by_side(ours, theirs, float("inf"))
    assert "overflowed" in fig.layout.title.text
    assert np.isnan(np.asarray(_heatmaps(fig)[1].z, dtype=float)[1]).all()
    fig.to_json()  # no infinity left for Plotly's JSON
    with pytest.raises(ValueError, match="differ in shape"):
        charts.outputs_side_by_side(ours, theirs[:1], 0.0)


def test_unit_outputs_follows_one_unit(example) -> None:
    fig = charts.unit_outputs(example.rnn.outputs, example.keras_outputs, unit=3)
    line, markers = fig.data
    assert isinstance(line, go.Scatter) and line.mode == "lines" and markers.mode == "markers"
    np.testing.assert_allclose(line.y, example.rnn.outputs[:, 3])
    np.testing.assert_allclose(markers.y, example.keras_outputs[:, 3])
    assert list(line.x) == [1, 2, 3, 4, 5]
    assert fig.layout.title.text == "Unit 3 over time"
    assert fig.layout.legend.font.size >= 14
    with pytest.raises(ValueError, match="unit must be between 0 and 3"):
        charts.unit_outputs(example.rnn.outputs, example.keras_outputs, unit=4)


def test_step_equation_writes_the_numbers(example) -> None:
    values = example.unit_values(1, 2)
    text = charts.step_equation(values, "tanh", step=1, unit=2)
    w_row, x_t = values["W_row"], values["x_t"]
    assert f"W[2]·x₂ = {w_row[0]:.2f}·{x_t[0]:.2f} + " in text
    assert f"= tanh({values['z']:.3f}) = **{values['output']:.4f}**" in text
    assert "U[2]·state₂" in text
    long = {**values, "W_row": [0.1] * 9, "x_t": [0.2] * 9}
    assert f"W[2]·x₂ = {values['Wx']:.3f}  \n" in charts.step_equation(long, "relu", 1, 2)


def test_text_is_projector_sized(example) -> None:
    fig = charts.step_terms(example.terms(0), "tanh")
    assert BASE_FONT_SIZE >= 14
    assert all(t.textfont.size >= 14 for t in _heatmaps(fig))
