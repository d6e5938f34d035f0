"""The shared look (app/charts/style.py): every chart projector-readable, one pair of scales."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import plotly.colors
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from app import charts
from app.charts import style
from tests.charts.conftest import ROOT, SEQ_LABELS, SEQS, WINDOWS_X, WINDOWS_Y, _heatmaps


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
    assert fig.layout.template == charts.TEMPLATE
    assert fig.layout.font.size >= 16
    assert fig.layout.title.text
    # heatmaps grow 16 px per row (up to the 32 rows shown at once) so every row is labelled
    assert 300 <= fig.layout.height <= (700 if _heatmaps(fig) else 420)
    for heatmap in _heatmaps(fig):
        assert heatmap.colorbar.title.text, "every colour bar carries a title"


def test_the_template_is_plotly_white_as_these_charts_use_it() -> None:
    white = pio.templates["plotly_white"].to_plotly_json()
    ours = charts.TEMPLATE.to_plotly_json()
    assert set(white["layout"]) - set(ours["layout"]) == {"geo", "polar", "scene", "ternary"}
    assert all(white["layout"][key] == value for key, value in ours["layout"].items())
    assert ours["data"] == {kind: white["data"][kind] for kind in style.TRACE_TYPES
                            if kind in white["data"]}  # fmt: skip
    # what each figure copies (and the figure cache holds) is less than half of plotly_white
    assert len(repr(ours)) < len(repr(white)) / 2


def test_the_template_covers_every_trace_type_the_charts_draw() -> None:
    """A chart drawing a type left out of ``TRACE_TYPES`` (a ``go.Pie``, say) would lose
    plotly_white's look for it."""
    source = "\n".join(path.read_text() for path in (ROOT / "app" / "charts").glob("*.py"))
    drawn = {name.lower() for name in re.findall(r"\bgo\.([A-Z]\w*)\(", source)} - {"figure"}
    assert {"scatter", "heatmap"} <= drawn <= set(style.TRACE_TYPES)


def test_colour_scales_are_defined_once_and_colour_blind_safe() -> None:
    assert charts.ACTIVATION_SCALE in ("RdBu_r", "PuOr")
    viridis = plotly.colors.sequential.Viridis
    stops = charts.GATE_SCALE
    assert [stops[0][1], stops[-1][1]] == [viridis[0].lower(), viridis[-1].lower()]
    assert [p for p, _ in stops] == sorted(p for p, _ in stops)


def test_importing_charts_does_not_import_tensorflow() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import app.charts; "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_the_look_merges_into_what_a_builder_set_as_update_layout_would() -> None:
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    fig.update_xaxes(tickfont_size=30, title_text="big ticks")  # a builder's larger labels
    fig.update_layout(legend_orientation="h")
    styled = style._style(fig, "Title", 350, margin_t=84, legend={"y": -0.2})
    twin = go.Figure(go.Scatter(x=[1, 2], y=[3, 4])).update_layout(
        margin={"l": 76, "r": 30, "t": 70, "b": 64}, legend_orientation="h"
    )
    twin.update_layout(margin_t=84, legend={"y": -0.2})  # plotly's own merge, the oracle
    assert styled.layout.margin == twin.layout.margin
    assert (styled.layout.legend.orientation, styled.layout.legend.y) == ("h", -0.2)
    assert styled.layout.legend.font.size == style.BASE_FONT_SIZE
    assert styled.layout.xaxis.tickfont.size == 30 and styled.layout.xaxis.title.text == "big ticks"
    assert styled.layout.yaxis.tickfont.size == style.BASE_FONT_SIZE
    assert styled.layout.xaxis.title.font.size == style.AXIS_TITLE_SIZE
    assert styled.layout.template == charts.TEMPLATE
    assert (styled.layout.title.text, styled.layout.height) == ("Title", 350)
