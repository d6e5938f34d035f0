"""Tests for app.charts.shapes: one box per tensor, labelled; sequences and vectors differ."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import pytest

from app.charts import shapes as shape_charts
from app.charts.style import WRONG_COLOR

# (label, shape, timesteps, features) as lstm_core.shapes.tensors gives them (seed 003)
MANY_TO_ONE = [
    ("input", (32, 25, 1), 25, 1),
    ("LSTM(20)", (32, 20), None, 20),
    ("Dense(10)", (32, 10), None, 10),
]
MANY_TO_MANY = [
    ("input", (32, 25, 1), 25, 1),
    ("LSTM(20)", (32, 25, 20), 25, 20),
    ("Dense(10)", (32, 25, 10), 25, 10),
]


def _boxes(fig: go.Figure) -> list[go.Scatter]:
    return [t for t in fig.data if t.meta == "tensor"]


def _width(box: go.Scatter) -> float:
    return max(box.x) - min(box.x)


def _height(box: go.Scatter) -> float:
    return max(box.y) - min(box.y)


def _texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize("tensors", [MANY_TO_ONE, MANY_TO_MANY])
def test_one_labelled_box_per_tensor_left_to_right(tensors):
    fig = shape_charts.tensor_flow(tensors)
    boxes = _boxes(fig)
    assert [b.name for b in boxes] == [label for label, *_ in tensors]
    assert all(b.fill == "toself" for b in boxes)
    lefts = [min(b.x) for b in boxes]
    assert lefts == sorted(lefts) and max(boxes[0].x) < lefts[1]  # no overlap, in order
    texts = " ".join(_texts(fig))
    for _, shape, *_ in tensors:
        assert shape_charts.shape_text(shape) in texts
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len(tensors) - 1


def test_many_to_one_and_many_to_many_look_different():
    one, many = shape_charts.tensor_flow(MANY_TO_ONE), shape_charts.tensor_flow(MANY_TO_MANY)
    assert "many-to-one" in one.layout.title.text and "many-to-many" in many.layout.title.text
    vector, sequence = _boxes(one)[-1], _boxes(many)[-1]
    assert _width(sequence) > 2 * _width(vector)  # 25 steps against a single vector
    assert vector.fillcolor != sequence.fillcolor
    assert math.isclose(_height(vector), _height(sequence))  # both 10 features
    slices = [s for s in many.layout.shapes if s.type == "line"]
    assert len(slices) > len([s for s in one.layout.shapes if s.type == "line"])


def test_sizes_are_log_scaled_so_1_and_1024_both_read():
    _, small = shape_charts.box_size(None, 1)
    _, big = shape_charts.box_size(None, 1024)
    assert 5 < big / small < 20
    wide, _ = shape_charts.box_size(1000, 1)
    narrow, _ = shape_charts.box_size(None, 1)
    assert 3 < wide / narrow < 12
    fig = shape_charts.tensor_flow([("input", (1024, 1000, 1024), 1000, 1024)])
    box = _boxes(fig)[0]
    low, high = fig.layout.yaxis.range
    assert low < min(box.y) and max(box.y) < high  # the largest allowed tensor fits


def test_a_refused_layer_is_a_dashed_red_box_after_the_last_tensor():
    fig = shape_charts.tensor_flow(MANY_TO_ONE[:2], refused="LSTM(3)")
    assert len(_boxes(fig)) == 2
    [rect] = [s for s in fig.layout.shapes if s.type == "rect"]
    assert rect.line.color == WRONG_COLOR and rect.line.dash == "dash"
    assert rect.x0 > max(_boxes(fig)[-1].x)
    assert any("LSTM(3)" in text and "refused" in text for text in _texts(fig))
    assert "many-to" not in fig.layout.title.text


def test_readable_on_a_projector():
    fig = shape_charts.tensor_flow(MANY_TO_MANY, refused="LSTM(3)")
    sizes = [a.font.size for a in fig.layout.annotations if a.text]
    assert sizes and min(sizes) >= 14
    assert fig.layout.font.size >= 14 and fig.layout.title.text


def test_no_tensor_is_an_error():
    with pytest.raises(ValueError, match="at least the input"):
        shape_charts.tensor_flow([])


def test_a_long_stack_wraps_its_labels_so_they_fit():
    deep = [("input", (1024, 1000, 1024), 1000, 1024)]
    deep += [("SimpleRNN(1024)", (1024, 1000, 1024), 1000, 1024)] * 10
    fig = shape_charts.tensor_flow(deep)
    assert len(fig.data) == len(deep) > shape_charts.CROWDED
    texts = _texts(fig)
    assert "<b>(1024, 1000,<br>1024)</b>" in texts and "SimpleRNN<br>(1024)" in texts
    assert not any("steps" in text for text in texts)  # the shape already says it
