"""Transfer functions (app/charts/explainers.py): sigmoid and tanh, ranges, highlight."""

from __future__ import annotations

import numpy as np
import pytest

from app import charts
from tests.charts.conftest import _annotation_texts


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
