"""Inside the cell (app/charts/states.py): state and gate heatmaps, one unit over time."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.colors import get_colorscale

from app import charts
from tests.charts.conftest import _heatmaps


def _same_scale(trace: go.Heatmap, name: str) -> bool:
    """Whether a trace's colour scale is the named one (stops compared to rounding)."""
    mine = [(round(float(pos), 9), color) for pos, color in trace.colorscale]
    wanted = [(round(float(pos), 9), color) for pos, color in get_colorscale(name)]
    return mine == wanted


def test_state_heatmap_gate_uses_the_gate_scale() -> None:
    values = np.random.default_rng(1).uniform(0, 1, (3, 10))  # (timesteps, units)
    fig = charts.state_heatmap(values, "gate", "forget gate", time_labels=list("hel"))
    (heat,) = _heatmaps(fig)
    np.testing.assert_allclose(np.asarray(heat.z), values.T)
    assert _same_scale(heat, charts.GATE_SCALE)
    assert (heat.zmin, heat.zmax) == (0, 1)
    assert heat.colorbar.title.text == "gate value"
    assert list(fig.layout.xaxis.ticktext) == ["h", "e", "l"]
    assert fig.layout.yaxis.title.text == "unit" and fig.layout.xaxis.title.text == "time step"
    assert heat.texttemplate, "10 units: values written in the cells"
    assert "%{z:.3f}" in heat.hovertemplate and "unit" in heat.hovertemplate


def test_state_heatmap_activation_is_symmetric_and_widens() -> None:
    values = np.random.default_rng(2).uniform(-1, 1, (6, 128))
    fig = charts.state_heatmap(values, "activation", "hidden state")
    (heat,) = _heatmaps(fig)
    assert np.asarray(heat.z).shape == (128, 6)
    assert _same_scale(heat, charts.ACTIVATION_SCALE)
    assert heat.zmid == 0 and (heat.zmin, heat.zmax) == (-1, 1)
    assert heat.colorbar.title.text == "activation"
    assert not heat.texttemplate, "128 units: no text in the cells"
    wide = charts.state_heatmap(values * 3.0, "activation", "cell state").data[0]
    limit = float(np.abs(values * 3.0).max())
    assert wide.zmax == pytest.approx(limit) and wide.zmin == pytest.approx(-limit)


def test_state_heatmap_outlines_the_selected_unit() -> None:
    values = np.zeros((4, 10))
    fig = charts.state_heatmap(values, "activation", "h", selected_unit=3)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert rects and all((s.y0, s.y1) == (2.5, 3.5) for s in rects)
    assert all((s.x0, s.x1) == (-0.5, 3.5) for s in rects)
    with pytest.raises(ValueError, match="selected_unit"):
        charts.state_heatmap(values, "activation", "h", selected_unit=10)
    with pytest.raises(ValueError, match="kind"):
        charts.state_heatmap(values, "sparkle", "h")


def test_unit_lines_follow_one_unit_over_time() -> None:
    rng = np.random.default_rng(3)
    series = {"h": rng.uniform(-1, 1, (5, 8)), "forget": rng.uniform(0, 1, (5, 8))}
    fig = charts.unit_lines(series, unit=2, time_labels=list("hello"))
    assert [t.name for t in fig.data] == ["h", "forget"]
    np.testing.assert_allclose(fig.data[0].y, series["h"][:, 2])
    np.testing.assert_allclose(fig.data[1].y, series["forget"][:, 2])
    assert fig.layout.yaxis.title.text == "value"
    assert list(fig.layout.xaxis.ticktext) == list("hello")
    one_d = charts.unit_lines({"c": np.array([0.1, 0.2, 0.3])}, unit=0)
    np.testing.assert_allclose(one_d.data[0].y, [0.1, 0.2, 0.3])


def test_gates_over_training_draws_one_line_per_quantity_over_the_epochs() -> None:
    epochs = [0, 4, 8, 12]
    values = {
        "h": [0.0, 0.1, 0.3, 0.4],
        "c": [0.0, 0.2, 0.6, 0.9],
        "input": [0.5, 0.6, 0.7, 0.8],
        "forget": [0.5, 0.7, 0.9, 0.95],
    }
    fig = charts.gates_over_training(epochs, values, unit=3, step_label="2 · 1", selected_epoch=8)
    assert [t.name for t in fig.data] == ["h", "c", "input", "forget"]
    for trace, (name, ys) in zip(fig.data, values.items(), strict=True):
        assert list(trace.x) == epochs
        np.testing.assert_allclose(trace.y, ys, err_msg=name)
    assert fig.data[0].line.dash == "solid" and fig.data[2].line.dash == "dot"
    assert fig.layout.title.text == "How unit 3's gates changed over training"
    assert fig.layout.title.subtitle.text.startswith("at step 2 · 1")
    assert fig.layout.xaxis.title.text.startswith("epoch")
    assert fig.layout.font.size == charts.BASE_FONT_SIZE
    marker = [s for s in fig.layout.shapes if s.x0 == 8 and s.x1 == 8]
    assert marker and marker[0].line.dash == "dash"
    assert "epoch 8" in fig.layout.title.subtitle.text
    unmarked = charts.gates_over_training(epochs, {"h": values["h"]}, unit=0, step_label="1")
    assert not [s for s in unmarked.layout.shapes if s.x0 == s.x1]
    assert unmarked.layout.title.subtitle.text == "at step 1"


def test_gates_over_training_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 values for 2 epochs"):
        charts.gates_over_training([0, 1], {"h": [0.1, 0.2, 0.3]}, unit=0, step_label="1")
    with pytest.raises(ValueError, match="at least one"):
        charts.gates_over_training([0, 1], {}, unit=0, step_label="1")
