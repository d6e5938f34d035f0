"""Data pictures (app/charts/data.py): sequences, windows, one-hot text."""

from __future__ import annotations

import numpy as np
import pytest

from app import charts
from tests.charts.conftest import SEQ_LABELS, SEQS, WINDOWS_X, WINDOWS_Y, _heatmaps


def test_sequence_heatmap_shows_samples_by_time_with_numbers() -> None:
    fig = charts.sequence_heatmap(SEQS, SEQ_LABELS)
    (heat,) = _heatmaps(fig)
    np.testing.assert_array_equal(np.asarray(heat.z), SEQS[:, :, 0])
    assert list(heat.x) == [1, 2, 3, 4, 5, 6]
    assert heat.texttemplate
    assert list(fig.layout.yaxis.ticktext) == SEQ_LABELS
    assert fig.layout.xaxis.title.text == "time step"
    # 2-D input gives the same picture
    (heat2,) = _heatmaps(charts.sequence_heatmap(SEQS[:, :, 0], SEQ_LABELS))
    np.testing.assert_array_equal(np.asarray(heat2.z), np.asarray(heat.z))


def test_sequence_heatmap_rejects_wrong_label_count() -> None:
    with pytest.raises(ValueError, match="row labels"):
        charts.sequence_heatmap(SEQS, SEQ_LABELS[:3])


def test_series_windows_shows_series_windows_and_targets() -> None:
    series = np.arange(1, 11, dtype=float)
    fig = charts.series_windows(series, 3, n_windows=3)
    line = fig.data[0]
    np.testing.assert_array_equal(np.asarray(line.y), series)
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert names[1:] == ["window 1: [1,2,3] → 4", "window 2: [2,3,4] → 5", "window 3: [3,4,5] → 6"]
    stars = [t for t in fig.data if t.marker.symbol == "star" and t.yaxis == "y"]
    assert sorted((t.x[0], t.y[0]) for t in stars) == [(3, 4.0), (4, 5.0), (5, 6.0)]
    with pytest.raises(ValueError):
        charts.series_windows(np.arange(3), 3)


def test_windows_chart_draws_each_window_and_its_target() -> None:
    fig = charts.windows_chart(WINDOWS_X[..., None], WINDOWS_Y)
    legend = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in legend] == [
        "window 1: [1,2,3] → 4",
        "window 2: [2,3,4] → 5",
        "window 3: [3,4,5] → 6",
        "window 4: [4,5,6] → 7",
    ]
    for trace, row in zip(legend, WINDOWS_X, strict=True):
        assert list(trace.x) == [0, 1, 2]
        np.testing.assert_array_equal(np.asarray(trace.y), row)
    targets = [t for t in fig.data if t.mode == "markers"]
    assert [(t.x[0], t.y[0]) for t in targets] == [(3, y) for y in WINDOWS_Y]
    assert all(t.marker.symbol == "star" for t in targets)


def test_windows_chart_handles_thirteen_windows() -> None:
    x = np.array([[i, i + 1, i + 2] for i in range(1, 11)] + [[20, 30, 40], [30, 40, 50]] * 1)
    x = np.vstack([x, [[40, 50, 60]]])
    y = np.array([i + 3 for i in range(1, 11)] + [50, 60, 70])
    fig = charts.windows_chart(x, y)
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert len(names) == 13 and names[-1] == "window 13: [40,50,60] → 70"
    with pytest.raises(ValueError, match="targets"):
        charts.windows_chart(x, y[:5])


def test_one_hot_matrix_encodes_each_character() -> None:
    fig = charts.one_hot_matrix(list("hell"), list("helo"))
    (heat,) = _heatmaps(fig)
    expected = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 1, 0]])
    np.testing.assert_array_equal(np.asarray(heat.z), expected)
    assert list(fig.layout.yaxis.ticktext) == ["h", "e", "l", "l"]
    assert list(fig.layout.xaxis.ticktext) == ["h", "e", "l", "o"]
    assert heat.texttemplate and heat.zmin == 0 and heat.zmax == 1
    with pytest.raises(ValueError, match="not in the vocabulary"):
        charts.one_hot_matrix(list("hex"), list("helo"))


def test_series_windows_draws_more_features_and_the_test_part() -> None:
    series = np.arange(40, dtype=float)
    temperature = np.sin(np.arange(40))
    fig = charts.series_windows(series, 3, extra={"temperature": temperature}, test_from=32,
                                name="visitors")  # fmt: skip
    [extra] = [t for t in fig.data if t.name == "temperature"]
    np.testing.assert_allclose(extra.y, temperature)
    assert extra.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"  # its own scale
    assert fig.data[0].name == "visitors" and fig.layout.yaxis.title.text == "visitors"
    [shade] = fig.layout.shapes
    assert (shade.x0, shade.x1) == (31.5, 39.5)
    assert "test part" in [a.text for a in fig.layout.annotations]
    assert fig.layout.legend.orientation == "h"  # a long series keeps the width for itself
    assert not [t for t in fig.data if t.mode == "text"]  # no room for the window numbers
    with pytest.raises(ValueError, match="'temperature' has 3 values for 40 positions"):
        charts.series_windows(series, 3, extra={"temperature": np.ones(3)})
    short = charts.series_windows(np.arange(10.0), 3)
    assert short.layout.legend.orientation is None and not short.layout.shapes
    assert [t for t in short.data if t.mode == "text"]
