"""Training curves (app/charts/training.py): fixed epoch axis, log loss, waiting state."""

from __future__ import annotations

import re

import numpy as np
import pytest

from app import charts
from tests.charts.conftest import _annotation_texts


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
    assert fig.layout.yaxis.title.text == "loss (log scale)"
    assert fig.layout.title.text == "Training · epoch 3 of 50"
    assert len(fig.data) == 1 and "xaxis2" not in fig.layout.to_plotly_json(), "no accuracy panel"


def test_training_curves_wait_for_the_first_epoch() -> None:
    fig = charts.training_curves({"loss": [], "accuracy": []}, total_epochs=20)
    assert all(len(t.y) == 0 for t in fig.data)
    assert any("waiting for the first epoch" in text for text in _annotation_texts(fig))
    assert list(fig.layout.xaxis.range) == [1, 20]
    filled = charts.training_curves({"loss": [0.5], "accuracy": [0.5]}, total_epochs=20)
    assert not any("waiting" in text for text in _annotation_texts(filled))


def _plain(label: str) -> str:
    """An end label without its coloured square."""
    return re.sub(r"<[^>]+>■</span>", "", label).strip()


def test_compare_curves_draw_one_labelled_line_per_model():
    from app import charts

    fig = charts.compare_curves({"LSTM": [1.0, 0.5, 0.2], "GRU": [1.0, 0.9], "Dense": []}, 10)
    assert [t.name for t in fig.data] == ["LSTM", "GRU", "Dense"]
    assert list(fig.data[0].y) == [1.0, 0.5, 0.2] and list(fig.data[1].x) == [1, 2]
    labels = [_plain(a.text) for a in fig.layout.annotations]
    assert "LSTM 0.2" in labels and "GRU 0.9" in labels  # each line named at its end
    # in dark text, after a square of the line's own colour
    assert f"color:{fig.data[0].line.color}" in fig.layout.annotations[0].text
    assert fig.layout.xaxis.range[0] == 1 and fig.layout.xaxis.range[1] >= 10
    assert fig.layout.yaxis.type != "log"
    steep = charts.compare_curves({"SimpleRNN": [100.0, 1.0, 0.01]}, 3)
    assert steep.layout.yaxis.type == "log"


def test_compare_end_labels_sit_at_the_curve_ends_on_a_log_axis_and_do_not_overlap():
    from app.charts import compare_curves

    histories = {"SimpleRNN": [1.0, 0.01, 1.0e-4], "LSTM": [1.0, 0.02, 1.05e-4], "GRU": [1, 0.5]}
    fig = compare_curves(histories, 3)
    assert fig.layout.yaxis.type == "log"
    labels = {_plain(a.text).split()[0]: a for a in fig.layout.annotations}
    assert labels["SimpleRNN"].y == pytest.approx(-4.0)  # decades, where the curve ends
    assert labels["GRU"].y == pytest.approx(np.log10(0.5))
    assert labels["SimpleRNN"].yshift != labels["LSTM"].yshift  # two ends at one height


def test_compare_end_labels_close_together_are_moved_apart_in_order():
    from app.charts import compare_curves
    from app.charts.training import LABEL_GAP, PLOT_PIXELS

    # the sentiment page's case: 0.0847 and 0.119 on a 0.08–0.7 axis drew one over the other
    histories = {"SimpleRNN": [0.7, 0.3, 0.0847], "LSTM": [0.69, 0.4, 0.119], "GRU": [0.5, 0.45]}
    fig = compare_curves(histories, 3)
    per_unit = PLOT_PIXELS / (0.7 - 0.0847)
    where = {_plain(a.text).split()[0]: a.y * per_unit + a.yshift for a in fig.layout.annotations}
    assert where["GRU"] - where["LSTM"] >= LABEL_GAP - 1
    assert where["LSTM"] - where["SimpleRNN"] >= LABEL_GAP - 1  # still in the curves' order
    assert fig.layout.annotations[2].yshift == 0  # a label with room stays at its end


DEPTH_RUNS = {
    "1 layer · seed 0": [900.0, 10.0, 2.0],
    "1 layer · seed 1": [800.0, 5.0, 0.5],
    "9 layers · seed 0": [950.0, 900.0, 28.0],
    "9 layers · seed 1": [940.0, 300.0, 0.03],
}
DEPTH_OF = {label: label.split(" · ")[0] for label in DEPTH_RUNS}


def test_grouped_compare_curves_give_one_colour_and_one_end_label_per_group():
    fig = charts.compare_curves(DEPTH_RUNS, 200, title="Loss by depth", groups=DEPTH_OF)
    assert [t.name for t in fig.data] == list(DEPTH_RUNS)  # each seed its own line (hover)
    colors = [t.line.color for t in fig.data]
    assert colors[0] == colors[1] != colors[2] == colors[3]  # one colour per depth
    assert all(t.legendgroup == DEPTH_OF[t.name] for t in fig.data)
    for trace, values in zip(fig.data, DEPTH_RUNS.values(), strict=True):
        assert list(trace.y) == values
    labels = {_plain(a.text) for a in fig.layout.annotations}
    assert labels == {"1 layer 0.5…2", "9 layers 0.03…28"}  # the range of each depth's ends
    assert fig.layout.yaxis.type == "log"
    square = next(a.text for a in fig.layout.annotations if "9 layers" in a.text)
    assert f"color:{colors[2]}" in square
    # where a group's label sits: the median of its curves' ends (in decades on a log axis)
    nine = next(a for a in fig.layout.annotations if "9 layers" in a.text)
    assert nine.y == pytest.approx(np.median([np.log10(28.0), np.log10(0.03)]))


def test_grouped_run_spread_draws_a_box_per_group_with_its_runs_on_hover():
    finals = {label: values[-1] for label, values in DEPTH_RUNS.items()}
    fig = charts.run_spread(finals, "Final loss by depth", "final loss", groups=DEPTH_OF)
    assert [t.name for t in fig.data] == ["1 layer", "9 layers"]
    assert list(fig.data[0].y) == [2.0, 0.5] and list(fig.data[1].text) == list(DEPTH_RUNS)[2:]
    curves = charts.compare_curves(DEPTH_RUNS, 3, groups=DEPTH_OF)
    assert fig.data[1].marker.color == curves.data[2].line.color  # the depth's colour
    assert fig.layout.yaxis.type == "log"  # 0.03 … 28: three decades apart
    assert fig.layout.title.subtitle.text == "1 layer: 0.5 … 2 · 9 layers: 0.03 … 28"
    answers = {label: 55.0 + k for k, label in enumerate(DEPTH_RUNS)}
    flat = charts.run_spread(answers, "Answer by depth", "answer", groups=DEPTH_OF)
    assert flat.layout.yaxis.type != "log"


def test_run_spread_without_groups_is_one_box_of_all_runs():
    fig = charts.run_spread({"seed 0": 9.1, "seed 1": 8.9, "seed 2": 9.3}, "Answer", "answer")
    assert len(fig.data) == 1 and list(fig.data[0].y) == [9.1, 8.9, 9.3]
    assert list(fig.data[0].text) == ["seed 0", "seed 1", "seed 2"]
    assert fig.layout.title.subtitle.text == "3 runs: 8.9 … 9.3"


@pytest.mark.parametrize("metrics", [("loss",), ("loss", "accuracy")])
def test_training_curves_lay_out_their_panels_as_plotly_subplots_do(metrics) -> None:
    from plotly.subplots import make_subplots

    fig = charts.training_curves({name: [0.5, 0.4] for name in metrics}, total_epochs=10)
    subtitles = [f"{name} 0.4" for name in metrics]
    ref = make_subplots(rows=1, cols=len(metrics), subplot_titles=subtitles,
                        horizontal_spacing=0.2)  # fmt: skip
    for axis in ("xaxis", "yaxis", "xaxis2", "yaxis2")[: 2 * len(metrics)]:
        ours, theirs = fig.layout[axis], ref.layout[axis]
        assert ours.anchor == theirs.anchor
        assert np.allclose(ours.domain, theirs.domain)
    for ours, theirs in zip(fig.layout.annotations, ref.layout.annotations, strict=False):
        assert (ours.text, ours.xref, ours.yref) == (theirs.text, theirs.xref, theirs.yref)
        assert np.isclose(ours.x, theirs.x) and ours.y == theirs.y
    assert [(t.xaxis, t.yaxis) for t in fig.data] == [("x", "y"), ("x2", "y2")][: len(metrics)]
