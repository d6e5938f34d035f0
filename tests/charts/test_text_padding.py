"""Padding charts (app/charts/padding.py): the sentence under each choice, the last h of
each, the held-out accuracy of one model per choice."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from app.charts import padding as charts
from app.charts.style import ACTIVATION_SCALE, CORRECT_COLOR, WRONG_COLOR

LABELS = ["pad pre · no mask", "pad post · no mask", "pad post · mask on"]
WORDS = [
    ["", "", "a", "wonderful", "zzyzx"],
    ["a", "wonderful", "zzyzx", "", ""],
    ["a", "wonderful", "zzyzx", "", ""],
]
KINDS = [
    ["padding", "padding", "word", "word", "unknown"],
    ["word", "word", "unknown", "padding", "padding"],
    ["word", "word", "unknown", "skipped", "skipped"],
]


def colour_of(heatmap: go.Heatmap, value: float) -> str:
    """The colour a flat-band colour scale gives ``value``."""
    low, high = heatmap.zmin, heatmap.zmax
    where = (value - low) / (high - low)
    for (edge_a, color), (edge_b, _) in zip(
        heatmap.colorscale, heatmap.colorscale[1:], strict=False
    ):
        if edge_a <= where <= edge_b:
            return color
    raise AssertionError(value)


def test_padded_choices_shows_each_row_as_the_model_gets_it() -> None:
    fig = charts.padded_choices(WORDS, KINDS, LABELS)
    [heat] = fig.data
    assert list(heat.y) == LABELS and list(heat.x) == [1, 2, 3, 4, 5]
    z = np.asarray(heat.z)
    assert z.shape == (3, 5)
    assert [[charts.KINDS[int(k)] for k in row] for row in z] == KINDS
    shown = [list(row) for row in heat.text]
    assert shown[0] == ["·", "·", "a", "wonderful", "zzyzx"]  # padding the layer reads: "·"
    assert shown[2][3:] == ["", ""]  # padding the mask skips: blank
    assert heat.customdata[0][3] == "wonderful"
    colours = {kind: colour_of(heat, i) for i, kind in enumerate(charts.KINDS)}
    assert len(set(colours.values())) == 4 and colours["skipped"] == "#FFFFFF"
    assert fig.layout.yaxis.autorange == "reversed"  # the first choice on top
    assert fig.layout.title.text == "What the model reads under each choice"
    assert "padding the mask skips" in fig.layout.title.subtitle.text


def test_padded_choices_cuts_long_words_to_fit_many_steps() -> None:
    words = [["wonderful"] * 20]
    fig = charts.padded_choices(words, [["word"] * 20], ["pad pre · no mask"])
    [heat] = fig.data
    assert heat.text[0][0] == "wond…" and heat.customdata[0][0] == "wonderful"  # whole on hover
    few = charts.padded_choices([["wonderful"] * 8], [["word"] * 8], ["pad pre · no mask"])
    assert few.data[0].text[0][0] == "wonderful"  # 8 wide cells hold it


@pytest.mark.parametrize(
    ("words", "kinds", "labels", "message"),
    [
        (WORDS, KINDS, LABELS[:2], "one name per choice"),
        (WORDS, KINDS[:2], LABELS, "one kind per word"),
        (WORDS, [k[:4] for k in KINDS], LABELS, "one kind per word"),
        (
            [w[:4] for w in WORDS[:2]] + [WORDS[2]],
            [k[:4] for k in KINDS[:2]] + [KINDS[2]],
            LABELS,
            "same number of time steps",
        ),
        (WORDS, [["word", "blank", "word", "word", "word"], *KINDS[1:]], LABELS, "blank"),
    ],  # fmt: skip
)
def test_padded_choices_rejects_rows_that_do_not_fit(words, kinds, labels, message) -> None:
    with pytest.raises(ValueError, match=message):
        charts.padded_choices(words, kinds, labels)


def test_final_states_draws_one_row_of_h_per_choice_and_the_answer_from_it() -> None:
    h = np.array([[0.5, -0.2, 0.9, 0.0], [-0.7, 0.1, 0.3, 0.2], [0.5, -0.2, 0.9, 0.0]])
    positive = [0.9, 0.3, 0.9]
    fig = charts.final_states(h, LABELS, positive)
    heat, bars = fig.data
    assert isinstance(heat, go.Heatmap) and isinstance(bars, go.Bar)
    np.testing.assert_allclose(np.asarray(heat.z), h)
    assert list(heat.y) == LABELS and list(heat.x) == [1, 2, 3, 4]
    assert heat.colorscale == go.Heatmap(colorscale=ACTIVATION_SCALE).colorscale
    assert heat.zmid == 0 and heat.zmin == -1 and heat.zmax == 1
    np.testing.assert_allclose(np.asarray(bars.x) + np.asarray(bars.base), positive)
    assert list(bars.marker.color) == [CORRECT_COLOR, WRONG_COLOR, CORRECT_COLOR]
    assert list(bars.text) == ["0.90", "0.30", "0.90"]
    assert fig.layout.title.text == "The last hidden state h under each choice"
    assert fig.layout.xaxis.title.text == "unit of h"
    assert fig.layout.xaxis2.title.text == "P(positive)"


def test_final_states_without_answers_and_its_errors() -> None:
    fig = charts.final_states(np.zeros((3, 2)), LABELS)
    assert len(fig.data) == 1
    with pytest.raises(ValueError, match="choices, units"):
        charts.final_states(np.zeros(3), LABELS)
    with pytest.raises(ValueError, match="one name per choice"):
        charts.final_states(np.zeros((2, 2)), LABELS)
    with pytest.raises(ValueError, match="one P\\(positive\\) per choice"):
        charts.final_states(np.zeros((3, 2)), LABELS, [0.5])


def test_choice_accuracy_bars_and_a_model_still_training() -> None:
    fig = charts.choice_accuracy([0.8152, None, 0.7609], LABELS)
    [bars] = fig.data
    assert bars.orientation == "h" and list(bars.y) == LABELS
    np.testing.assert_allclose(bars.x, [0.8152, 0.0, 0.7609])
    assert list(bars.text) == ["82%", "…", "76%"]
    assert tuple(fig.layout.xaxis.range) == (0, 1)
    assert fig.layout.title.text == "Held-out accuracy of one model per choice"
    with pytest.raises(ValueError, match="between 0 and 1"):
        charts.choice_accuracy([1.5, 0.5, 0.5], LABELS)
    with pytest.raises(ValueError, match="one name per choice"):
        charts.choice_accuracy([0.5], LABELS)
