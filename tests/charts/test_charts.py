"""Tests for the pure chart builders in app/charts.py: they assert on figure data and SVG text."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.colors import get_colorscale, sample_colorscale

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the project may not be installed in the environment
    sys.path.insert(0, str(ROOT))

from app import charts  # noqa: E402
from lstm_core.datasets import SEQUENCES_000  # noqa: E402

SEQS = np.array(SEQUENCES_000, dtype=np.float32)[..., None]  # (6, 6, 1) as in seed 000
SEQ_LABELS = [f"seq {i + 1} → class {c}" for i, c in enumerate([1, 2, 3, 2, 3, 1])]
WINDOWS_X = np.array([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]], dtype=float)
WINDOWS_Y = np.array([4, 5, 6, 7], dtype=float)
PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}")


def _same_scale(trace: go.Heatmap, name: str) -> bool:
    """Whether a trace's colour scale is the named one (stops compared to rounding)."""
    mine = [(round(float(pos), 9), color) for pos, color in trace.colorscale]
    wanted = [(round(float(pos), 9), color) for pos, color in get_colorscale(name)]
    return mine == wanted


def _annotation_texts(fig: go.Figure) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def _heatmaps(fig: go.Figure) -> list[go.Heatmap]:
    return [t for t in fig.data if isinstance(t, go.Heatmap)]


def _all_figures() -> dict[str, go.Figure]:
    rng = np.random.default_rng(0)
    return {
        "transfer": charts.transfer_functions(highlight=1.0),
        "sequence": charts.sequence_heatmap(SEQS, SEQ_LABELS),
        "series": charts.series_windows(np.arange(1, 11), 3),
        "windows": charts.windows_chart(WINDOWS_X, WINDOWS_Y),
        "one_hot": charts.one_hot_matrix(list("hell"), list("helo")),
        "training": charts.training_curves({"loss": [1.0, 0.5], "accuracy": [0.2, 0.6]}, 10),
        "regression": charts.predictions_vs_targets(WINDOWS_Y, WINDOWS_Y + 0.1),
        "classes": charts.predictions_vs_targets(
            np.array([1, 2, 3]), np.array([1, 2, 2]), task="classification"
        ),
        "probs": charts.probability_bars(np.array([0.1, 0.7, 0.2]), ["a", "b", "c"]),
        "state": charts.state_heatmap(rng.uniform(-1, 1, (6, 128)), "activation", "h"),
        "gate": charts.state_heatmap(rng.uniform(0, 1, (3, 10)), "gate", "forget"),
        "unit": charts.unit_lines({"h": rng.uniform(-1, 1, (6, 4))}, unit=1),
    }


# --------------------------------------------------------------------------- shared look


@pytest.mark.parametrize("name", list(_all_figures()))
def test_every_chart_is_projector_readable(name: str) -> None:
    fig = _all_figures()[name]
    assert isinstance(fig, go.Figure)
    assert fig.layout.template == pio.templates["plotly_white"]
    assert fig.layout.font.size >= 14
    assert fig.layout.title.text
    assert 300 <= fig.layout.height <= 420
    for heatmap in _heatmaps(fig):
        assert heatmap.colorbar.title.text, "every colour bar carries a title"


def test_colour_scales_are_defined_once_and_colour_blind_safe() -> None:
    assert charts.ACTIVATION_SCALE in ("RdBu_r", "PuOr")
    assert charts.GATE_SCALE in ("Viridis", "Cividis")


def test_importing_charts_does_not_import_tensorflow() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import app.charts; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- 1. transfer


def test_transfer_functions_plot_sigmoid_and_tanh_on_the_seed_grid() -> None:
    fig = charts.transfer_functions()
    sig, tanh = fig.data
    x = np.arange(-10.0, 10.0, 0.2)
    assert (sig.name, tanh.name) == ("sigmoid", "tanh")
    np.testing.assert_allclose(sig.x, x)
    np.testing.assert_allclose(sig.y, 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(tanh.y, np.tanh(x), rtol=1e-12)
    assert sig.xaxis == "x" and tanh.xaxis == "x2", "side by side"


def test_transfer_functions_mark_the_output_ranges() -> None:
    fig = charts.transfer_functions()
    levels = {
        (s.yref, float(s.y0)) for s in fig.layout.shapes if s.y0 == s.y1 and s.line.dash == "dash"
    }
    assert levels == {("y", 0.0), ("y", 1.0), ("y2", -1.0), ("y2", 1.0)}
    texts = _annotation_texts(fig)
    assert "range (0, 1)" in texts and "range (−1, 1)" in texts


def test_transfer_functions_highlight_a_point_on_both() -> None:
    fig = charts.transfer_functions(highlight=1.5)
    markers = [t for t in fig.data if t.mode == "markers"]
    assert len(markers) == 2
    by_axis = {t.xaxis: (t.x[0], t.y[0]) for t in markers}
    assert by_axis["x"] == pytest.approx((1.5, 1 / (1 + np.exp(-1.5))))
    assert by_axis["x2"] == pytest.approx((1.5, np.tanh(1.5)))
    texts = " ".join(_annotation_texts(fig))
    assert "0.818" in texts and "0.905" in texts


# --------------------------------------------------------------------------- 2. data pictures


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


# --------------------------------------------------------------------------- 3. training


def test_training_curves_fix_the_epoch_axis_and_plot_the_history() -> None:
    history = {"loss": [0.9, 0.7, 0.5], "accuracy": [0.3, 0.5, 0.8]}
    fig = charts.training_curves(history, total_epochs=200)
    loss, acc = fig.data
    assert (loss.name, acc.name) == ("loss", "accuracy")
    assert list(loss.x) == [1, 2, 3]
    assert list(loss.y) == history["loss"] and list(acc.y) == history["accuracy"]
    assert list(fig.layout.xaxis.range) == [1, 200]
    assert list(fig.layout.xaxis2.range) == [1, 200]
    assert list(fig.layout.yaxis2.range) == [0, 1.05]
    assert fig.layout.yaxis.type != "log"
    assert fig.layout.xaxis.title.text == "epoch"


def test_training_curves_use_log_scale_when_loss_spans_decades() -> None:
    fig = charts.training_curves({"loss": [10.0, 1.0, 0.01]}, total_epochs=50)
    assert fig.layout.yaxis.type == "log"
    assert len(fig.data) == 1 and "xaxis2" not in fig.layout.to_plotly_json(), "no accuracy panel"


def test_training_curves_wait_for_the_first_epoch() -> None:
    fig = charts.training_curves({"loss": [], "accuracy": []}, total_epochs=20)
    assert all(len(t.y) == 0 for t in fig.data)
    assert any("waiting for the first epoch" in text for text in _annotation_texts(fig))
    assert list(fig.layout.xaxis.range) == [1, 20]
    filled = charts.training_curves({"loss": [0.5], "accuracy": [0.5]}, total_epochs=20)
    assert not any("waiting" in text for text in _annotation_texts(filled))


# --------------------------------------------------------------------------- 4. predictions


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
    chosen = charts.probability_bars(probs, ["0", "1", "2", "3"], highlight=1)
    assert chosen.data[0].marker.color[1] != chosen.data[0].marker.color[2]
    with pytest.raises(ValueError):
        charts.probability_bars(probs, ["a", "b"])


# --------------------------------------------------------------------------- 5. inside the cell


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


# --------------------------------------------------------------------------- 6. cell diagram

LSTM_VALUES = {
    "x_t": [1.0, 0.0, 0.0, 0.0],
    "h_prev": 0.1234,
    "c_prev": -1.5,
    "input": 0.93,
    "forget": 0.05,
    "candidate": -0.8,
    "output": 0.5,
    "c_t": -0.66,
    "h_t": -0.29,
}


def test_cell_diagram_without_values_shows_the_symbols() -> None:
    svg = charts.cell_diagram_svg()
    ET.fromstring(svg)
    assert not PLACEHOLDER.search(svg)
    for symbol in ("xₜ", "hₜ₋₁", "cₜ₋₁", "iₜ", "fₜ", "c̃ₜ", "oₜ", "cₜ", "hₜ"):
        assert f">{symbol}<" in svg


def test_cell_diagram_with_values_fills_the_slots_and_colours() -> None:
    svg = charts.cell_diagram_svg(LSTM_VALUES, title="step 2")
    root = ET.fromstring(svg)
    assert not PLACEHOLDER.search(svg)
    for text in ("+0.123", "-1.500", "+0.930", "+0.050", "-0.800", "+0.500", "-0.660", "-0.290"):
        assert text in svg
    assert "[1.0, 0.0, 0.0, …]" in svg
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert by_id["slot-forget"].text == "fₜ = +0.050"
    assert by_id["slot-title"].text == "step 2"
    gate = sample_colorscale(get_colorscale(charts.GATE_SCALE), [0.93])[0]
    assert by_id["box-input"].get("fill") == gate
    cand = sample_colorscale(get_colorscale(charts.ACTIVATION_SCALE), [(1 - 0.8) / 2])[0]
    assert by_id["box-candidate"].get("fill") == cand


def test_cell_diagram_asset_has_every_slot() -> None:
    raw = (ROOT / "assets" / "lstm_cell.svg").read_text(encoding="utf-8")
    ET.fromstring(raw)
    for key in LSTM_VALUES:
        assert f'id="slot-{key}"' in raw and "{" + key + "}" in raw
    for gate in ("input", "forget", "candidate", "output"):
        assert f'id="box-{gate}"' in raw


@pytest.mark.parametrize("cell", ["gru", "simple_rnn"])
def test_cell_diagram_other_cells(cell: str) -> None:
    values = {"x_t": [0.5], "h_prev": 0.2, "update": 0.9, "reset": 0.1, "h_t": 0.25}
    for svg in (charts.cell_diagram_svg(cell=cell), charts.cell_diagram_svg(values, cell=cell)):
        ET.fromstring(svg)
        assert not PLACEHOLDER.search(svg)
    assert "+0.250" in charts.cell_diagram_svg(values, cell=cell)
    with pytest.raises(ValueError, match="cell"):
        charts.cell_diagram_svg(cell="transformer")
