"""Inside the cell (app/charts/states.py): state and gate heatmaps, one unit over time.

Made for a projector: at most 32 labelled rows, the selected unit and step marked beside
the cells, a gate scale that tells 0.5 from 0.9, time steps named "t = 3 (x = 1)".
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.colors import get_colorscale, sample_colorscale, unlabel_rgb

from app import charts
from app.charts.states import MAX_LABELLED_ROWS, ROW_PX, _fit_ticks, step_labels
from tests.charts.conftest import _heatmaps


def _same_scale(trace: go.Heatmap, scale) -> bool:
    """Whether a trace's colour scale is ``scale`` (a name or stops; compared to rounding)."""
    wanted = get_colorscale(scale) if isinstance(scale, str) else scale
    mine = [(round(float(pos), 9), color) for pos, color in trace.colorscale]
    return mine == [(round(float(pos), 9), color) for pos, color in wanted]


def _lightness(scale, value: float) -> float:
    """CIE L* (0 black … 100 white) of the colour a scale gives ``value`` in [0, 1]."""
    rgb = unlabel_rgb(sample_colorscale(scale, [value])[0])
    c = np.asarray(rgb, dtype=float) / 255
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    y = float(linear @ [0.2126, 0.7152, 0.0722])  # relative luminance
    return 116 * np.cbrt(y) - 16 if y > 0.008856 else 903.3 * y


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


def test_the_gate_scale_tells_half_open_from_nearly_open_at_a_glance() -> None:
    lightness = [_lightness(charts.GATE_SCALE, v) for v in np.linspace(0, 1, 11)]
    assert all(b > a for a, b in zip(lightness, lightness[1:], strict=False)), "sequential"
    assert _lightness(charts.GATE_SCALE, 0.9) - _lightness(charts.GATE_SCALE, 0.5) >= 35
    viridis = _lightness("Viridis", 0.9) - _lightness("Viridis", 0.5)
    assert _lightness(charts.GATE_SCALE, 0.9) - _lightness(charts.GATE_SCALE, 0.5) > viridis + 8
    for low in (0.5, 0.6, 0.7, 0.8, 0.9):  # every tenth of the open half is visibly lighter
        assert _lightness(charts.GATE_SCALE, low + 0.1) - _lightness(charts.GATE_SCALE, low) >= 8
    hues = {sample_colorscale(charts.GATE_SCALE, [v])[0] for v in (0.5, 0.7, 0.9)}
    assert len(hues) == 3


def test_state_heatmap_shows_a_subset_of_units_under_their_own_numbers() -> None:
    values = np.random.default_rng(4).uniform(-1, 1, (6, 64))
    units = [3, 17, 40, 63]
    fig = charts.state_heatmap(values, "activation", "h", units=units, selected_unit=40)
    (heat,) = _heatmaps(fig)
    np.testing.assert_allclose(np.asarray(heat.z), values[:, units].T)  # rows in that order
    assert list(heat.y) == [0, 1, 2, 3]  # one row each, no gaps between unit numbers
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3]
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[:2] == ["3", "17"] and ticks[3] == "63"
    assert "▶ 40" in ticks[2] and charts.HIGHLIGHT_COLOR in ticks[2]
    assert [cell[1] for cell in heat.customdata[2]] == [40] * 6  # the hover names unit 40
    assert "unit %{customdata[1]}" in heat.hovertemplate
    assert heat.texttemplate, "4 rows × 6 steps: numbers in the cells"
    with pytest.raises(ValueError, match="between 0 and 63"):
        charts.state_heatmap(values, "activation", "h", units=[3, 64])
    with pytest.raises(ValueError, match="only once"):
        charts.state_heatmap(values, "activation", "h", units=[3, 3])


def test_32_rows_are_all_labelled_and_tall_enough_to_read() -> None:
    values = np.random.default_rng(5).uniform(0, 1, (6, 128))
    units = list(range(32, 64))
    fig = charts.state_heatmap(values, "gate", "forget", units=units)
    assert list(fig.layout.yaxis.ticktext) == [str(u) for u in units]
    assert fig.layout.height >= MAX_LABELLED_ROWS * ROW_PX >= 32 * 16
    assert _heatmaps(fig)[0].texttemplate, "32 rows × 6 steps: numbers in the cells"
    every = charts.state_heatmap(values, "gate", "forget", selected_unit=70)  # 128 rows
    assert not _heatmaps(every)[0].texttemplate and every.layout.height <= 420
    labels = list(every.layout.yaxis.ticktext)
    assert 8 <= len(labels) <= 17 and any("▶ 70" in label for label in labels)


def test_the_selected_unit_and_step_are_marked_beside_the_cells_not_over_them() -> None:
    values = np.zeros((4, 10))
    labels = step_labels([0, 1, 1, 0])
    fig = charts.state_heatmap(
        values, "activation", "h", time_labels=labels, selected_unit=3, selected_step=2
    )
    assert not [s for s in fig.layout.shapes if s.type == "rect"], "nothing covers a row"
    assert "▶ 3" in fig.layout.yaxis.ticktext[3]
    assert "t = 3" in fig.layout.xaxis.ticktext[2] and "<b>" in fig.layout.xaxis.ticktext[2]
    (arrow,) = [a for a in fig.layout.annotations if a.text == "▼"]
    assert arrow.x == 2 and arrow.yref == "y domain" and arrow.y == 1  # above the column
    assert arrow.yanchor == "bottom"
    with pytest.raises(ValueError, match="selected_unit"):
        charts.state_heatmap(values, "activation", "h", selected_unit=10)
    with pytest.raises(ValueError, match="kind"):
        charts.state_heatmap(values, "sparkle", "h")


def test_step_labels_name_the_step_and_the_input() -> None:
    assert step_labels([0, 1, 1]) == ["t = 1 (x = 0)", "t = 2 (x = 1)", "t = 3 (x = 1)"]
    assert step_labels(list("hel"), text=True)[2] == "t = 3 (x = 'l')"
    assert step_labels([" "], text=True) == ["t = 1 (x = '␣')"]
    fig = charts.state_heatmap(np.zeros((6, 4)), "gate", "f", time_labels=step_labels([0] * 6))
    assert fig.layout.xaxis.ticktext[0] == "t = 1<br>(x = 0)"  # two lines: half the page
    wide = charts.state_heatmap(
        np.zeros((6, 4)), "gate", "f", time_labels=step_labels([0] * 6), tick_room=130
    )
    assert wide.layout.xaxis.ticktext[0] == "t = 1 (x = 0)"
    customdata = _heatmaps(fig)[0].customdata
    assert customdata[0][4][0] == "t = 5 (x = 0)"  # the hover keeps the whole name


def test_long_inputs_label_every_kth_step_so_labels_do_not_collide() -> None:
    labels = step_labels(list(range(30)))
    ticks = _fit_ticks(labels, 56)
    shown = [i for i, tick in enumerate(ticks) if tick]
    assert shown[0] == 0 and len(shown) < 30
    every = shown[1] - shown[0]
    assert shown == list(range(0, 30, every))
    width = max(len(part) for i in shown for part in ticks[i].split("<br>")) + 2
    assert len(shown) * width <= 56 + width  # the labelled ones fit side by side
    fig = charts.state_heatmap(np.zeros((30, 4)), "gate", "f", time_labels=labels, selected_step=7)
    assert "t = 8" in fig.layout.xaxis.ticktext[7]  # the selected step is always named
    assert not _heatmaps(fig)[0].texttemplate, "30 steps: cells too narrow for numbers"


def test_unit_lines_follow_one_unit_over_time() -> None:
    rng = np.random.default_rng(3)
    series = {"h": rng.uniform(-1, 1, (5, 8)), "forget": rng.uniform(0, 1, (5, 8))}
    fig = charts.unit_lines(series, unit=2, time_labels=list("hello"))
    assert [t.name for t in fig.data] == ["h", "forget"]
    np.testing.assert_allclose(fig.data[0].y, series["h"][:, 2])
    np.testing.assert_allclose(fig.data[1].y, series["forget"][:, 2])
    assert fig.layout.yaxis.title.text == "value"
    assert list(fig.layout.xaxis.ticktext) == list("hello")
    assert not [s for s in fig.layout.shapes if s.x0 == s.x1 and s.x0 is not None]
    named = charts.unit_lines(
        series, unit=2, time_labels=step_labels(list("hello"), text=True), selected_step=1
    )
    assert named.layout.xaxis.ticktext[4] == "t = 5<br>(x = 'o')"
    assert list(named.data[0].customdata)[1] == "t = 2 (x = 'e')"
    (marker,) = [s for s in named.layout.shapes if s.x0 == s.x1 == 1]
    assert marker.line.dash == "dash"
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
    fig = charts.gates_over_training(
        epochs, values, unit=3, step_label="t = 2 (x = 1)", selected_epoch=8
    )
    assert [t.name for t in fig.data] == ["h", "c", "input", "forget"]
    for trace, (name, ys) in zip(fig.data, values.items(), strict=True):
        assert list(trace.x) == epochs
        np.testing.assert_allclose(trace.y, ys, err_msg=name)
    assert fig.data[0].line.dash == "solid" and fig.data[2].line.dash == "dot"
    assert fig.layout.title.text == "How unit 3's gates changed over training"
    assert fig.layout.title.subtitle.text.startswith("at t = 2 (x = 1)")
    assert fig.layout.xaxis.title.text.startswith("epoch")
    assert fig.layout.font.size == charts.BASE_FONT_SIZE
    marker = [s for s in fig.layout.shapes if s.x0 == 8 and s.x1 == 8]
    assert marker and marker[0].line.dash == "dash"
    assert "epoch 8" in fig.layout.title.subtitle.text
    unmarked = charts.gates_over_training(
        epochs, {"h": values["h"]}, unit=0, step_label="t = 1 (x = 0)"
    )
    assert not [s for s in unmarked.layout.shapes if s.x0 == s.x1]
    assert unmarked.layout.title.subtitle.text == "at t = 1 (x = 0)"


def test_gates_over_training_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 values for 2 epochs"):
        charts.gates_over_training([0, 1], {"h": [0.1, 0.2, 0.3]}, unit=0, step_label="1")
    with pytest.raises(ValueError, match="at least one"):
        charts.gates_over_training([0, 1], {}, unit=0, step_label="1")
