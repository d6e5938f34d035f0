"""Predictions (app/charts/predictions.py): regression bars, class markers, probabilities."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app import charts
from tests.charts.conftest import WINDOWS_Y


def test_predictions_vs_targets_regression_bars() -> None:
    labels = ["[1,2,3]", "[2,3,4]", "[3,4,5]", "[4,5,6]"]
    preds = np.array([[4.2], [4.9], [6.0], [7.5]])
    fig = charts.predictions_vs_targets(WINDOWS_Y, preds, labels=labels)
    target, pred = fig.data
    assert isinstance(target, go.Bar) and isinstance(pred, go.Bar)
    assert (target.name, pred.name) == ("target", "prediction")
    assert list(target.x) == labels
    np.testing.assert_allclose(target.y, WINDOWS_Y)
    np.testing.assert_allclose(pred.y, preds.ravel())
    np.testing.assert_allclose(np.asarray(pred.customdata)[:, 2], preds.ravel() - WINDOWS_Y)
    assert "error" in pred.hovertemplate
    assert fig.layout.barmode == "group"
    mae = np.mean(np.abs(preds.ravel() - WINDOWS_Y))
    assert fig.layout.title.subtitle.text == f"mean absolute error {mae:.3g}"


def test_predictions_vs_targets_classification_marks_mismatches() -> None:
    targets = np.eye(4)[[1, 2, 3, 2, 3, 1]]
    probs = np.eye(4)[[1, 2, 3, 2, 1, 1]] * 0.8 + 0.05
    fig = charts.predictions_vs_targets(targets, probs, task="classification")
    true, pred, marks = fig.data
    assert list(true.y) == [1, 2, 3, 2, 3, 1]
    assert list(pred.y) == [1, 2, 3, 2, 1, 1]
    assert list(marks.text) == ["✓", "✓", "✓", "✓", "✗", "✓"]
    assert "5/6 correct" in fig.layout.title.text
    assert pred.marker.color[4] != pred.marker.color[0]


def test_predictions_vs_targets_next_char_folds_time_and_names_classes() -> None:
    vocab = list("helo")
    targets = np.eye(4)[[1, 2, 2, 3]][None]  # (1, 4 steps, 4 classes)
    preds = np.eye(4)[[1, 2, 3, 3]][None]
    fig = charts.predictions_vs_targets(
        targets, preds, labels=["h", "e", "l", "l"], task="next_char", class_names=vocab
    )
    assert list(fig.data[2].text) == ["✓", "✓", "✗", "✓"]
    assert list(fig.layout.yaxis.ticktext) == vocab
    with pytest.raises(ValueError, match="task"):
        charts.predictions_vs_targets(targets, preds, task="poetry")


def test_probability_bars_highlight_the_argmax() -> None:
    probs = np.array([0.1, 0.2, 0.9, 0.3])
    fig = charts.probability_bars(probs, ["0", "1", "2", "3"])
    (bar,) = fig.data
    np.testing.assert_allclose(bar.y, probs)
    colors = list(bar.marker.color)
    assert colors[2] != colors[0] and len({colors[0], colors[1], colors[3]}) == 1
    assert list(bar.text) == ["0.10", "0.20", "0.90", "0.30"]
    assert fig.layout.yaxis.range[0] == 0 and fig.layout.yaxis.range[1] >= 1
    assert fig.layout.yaxis.title.text == "probability"
    scores = charts.probability_bars(probs, ["0", "1", "2", "3"], value_title="sigmoid score")
    assert scores.layout.yaxis.title.text == "sigmoid score"
    chosen = charts.probability_bars(probs, ["0", "1", "2", "3"], highlight=1)
    assert chosen.data[0].marker.color[1] != chosen.data[0].marker.color[2]
    with pytest.raises(ValueError):
        charts.probability_bars(probs, ["a", "b"])


def test_series_predictions_places_each_window_where_its_target_sits() -> None:
    series = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 12], dtype=float)
    positions, predicted = np.arange(3, 10), np.array([4.1, 5, 6, 7, 8, 9, 9.5])
    fig = charts.series_predictions(series, positions, predicted, test_from=9, name="visitors")
    line, pred = fig.data
    np.testing.assert_allclose(line.y, series)
    assert line.name == "visitors" and pred.name == "predicted"
    np.testing.assert_allclose(pred.x, positions)
    np.testing.assert_allclose(pred.y, predicted)
    [shade] = [s for s in fig.layout.shapes if s.type == "rect"]
    assert (shade.x0, shade.x1) == (8.5, 9.5)  # the test part: the last target only
    [top] = [s for s in fig.layout.shapes if s.type == "line"]
    assert top.y0 == 9  # the highest value the training windows hold (12 is the test's)
    texts = [a.text for a in fig.layout.annotations]
    assert "test part" in texts and "highest training value" in texts
    assert fig.layout.title.text == "Predictions along the series"
    assert fig.layout.yaxis.title.text == "visitors"


def test_series_predictions_of_a_many_to_many_model_adds_the_first_step() -> None:
    series = np.arange(1.0, 8.0)
    fig = charts.series_predictions(series, np.arange(3, 7), np.array([4, 5, 6, 7.0]),
                                    first_positions=np.arange(1, 5),
                                    first_predicted=np.array([2.5, 3, 4, 5.0]))  # fmt: skip
    names = [trace.name for trace in fig.data]
    assert names == ["series", "predicted after 1 step", "predicted after the whole window"]
    np.testing.assert_allclose(fig.data[1].x, [1, 2, 3, 4])
    assert not fig.layout.shapes  # no test part given: nothing shaded
    with pytest.raises(ValueError, match="3 positions for 4 predictions"):
        charts.series_predictions(series, np.arange(3), np.ones(4))
