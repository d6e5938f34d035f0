"""The cell diagram (app/charts/cell_diagram.py): SVG slots, colours, GRU and SimpleRNN."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from plotly.colors import get_colorscale, sample_colorscale

from app import charts
from tests.charts.conftest import ROOT

PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}")


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
    gate = sample_colorscale(charts.GATE_SCALE, [0.93], colortype="rgb")[0]
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
