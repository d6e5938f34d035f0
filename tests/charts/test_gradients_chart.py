"""Gradient flow (app/charts/gradients.py): one log-scale line per cell, zeros kept visible."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.charts import TEMPLATE
from app.charts.gradients import gradient_flow
from app.charts.memory import CELL_COLORS

CURVES = {
    "SimpleRNN": np.array([1e-9, 1e-6, 1e-3, 1.0]),
    "LSTM": np.array([0.01, 0.05, 0.2, 0.8]),
    "GRU": np.array([0.001, 0.01, 0.1, 0.5]),
}


def test_gradient_flow_draws_one_line_per_cell_on_a_log_axis() -> None:
    fig = gradient_flow(CURVES)
    assert [trace.name for trace in fig.data] == list(CURVES)
    for trace, (name, values) in zip(fig.data, CURVES.items(), strict=True):
        assert isinstance(trace, go.Scatter)
        assert list(trace.x) == [1, 2, 3, 4]  # t = 1 is the first input
        np.testing.assert_array_equal(trace.y, values)
        assert trace.line.color == CELL_COLORS[name]  # the same colour as the other cell charts
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == "time step t"
    assert "∂loss/∂x_t" in fig.layout.yaxis.title.text and "log" in fig.layout.yaxis.title.text


def test_gradient_flow_is_projector_readable() -> None:
    fig = gradient_flow(CURVES, title="Gradients at init")
    assert fig.layout.title.text == "Gradients at init"
    assert fig.layout.template == TEMPLATE
    assert fig.layout.font.size >= 16 and fig.layout.legend.font.size >= 16
    assert 300 <= fig.layout.height <= 420


def test_gradient_flow_raises_exact_zeros_to_a_floor_and_says_so() -> None:
    fig = gradient_flow({"SimpleRNN": [0.0, 0.0, 1e-20, 0.5], "LSTM": [0.1, 0.2, 0.3, 0.4]})
    rnn = fig.data[0]
    assert all(y > 0 for y in rnn.y), "a log axis cannot show 0"
    assert rnn.y[0] == rnn.y[1] < 1e-20  # below every real value, so it reads as 'vanished'
    assert list(rnn.y[2:]) == [1e-20, 0.5]
    assert "size 0" in rnn.text[0] and "drawn at" in rnn.text[0]
    assert "drawn at" not in rnn.text[2] and "drawn at" not in fig.data[1].text[0]
    everything_zero = gradient_flow({"GRU": np.zeros(3)}).data[0]
    assert all(0 < y < 1e-6 for y in everything_zero.y)


def test_gradient_flow_takes_curves_of_different_lengths() -> None:
    fig = gradient_flow({"LSTM": np.ones(5), "GRU": np.ones(8)})
    assert [len(trace.x) for trace in fig.data] == [5, 8]
    assert fig.layout.xaxis.range[1] >= 8


@pytest.mark.parametrize(
    ("curves", "words"),
    [
        ({}, "at least one curve"),
        ({"LSTM": np.ones((2, 3))}, "1-D"),
        ({"LSTM": [0.1, -0.2]}, "at least 0"),
        ({"LSTM": [0.1, float("nan")]}, "finite"),
    ],
)
def test_gradient_flow_refuses_bad_curves(curves: dict, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        gradient_flow(curves)
