"""The class board chart: one trace per cell, every submitted run a point, nicknames as text."""

from __future__ import annotations

from app.charts import class_board

ENTRIES = [
    {"nickname": "Mina", "cell": "lstm", "units": 8, "layers": 1, "loss": 0.02},
    {"nickname": "<b>x</b>", "cell": "gru", "units": 32, "layers": 2, "loss": 0.5},
    {"nickname": "", "cell": "lstm", "units": 128, "layers": 1, "loss": 0.001},
    {"nickname": "Jun", "cell": "lstm", "units": 4, "layers": 1, "loss": None},  # diverged
]


def test_one_colour_per_cell_and_each_run_where_its_units_and_loss_put_it():
    fig = class_board(ENTRIES)
    assert [t.name for t in fig.data] == ["LSTM", "GRU"]
    lstm, gru = fig.data
    assert list(lstm.x) == [8, 128] and list(lstm.y) == [0.02, 0.001]
    assert list(gru.x) == [32] and list(gru.y) == [0.5]
    assert lstm.marker.color != gru.marker.color
    assert [row[0] for row in lstm.customdata] == ["Mina", "—"]
    assert gru.customdata[0][0] == "&lt;b&gt;x&lt;/b&gt;"  # shown as typed, not as bold
    assert "<b>x</b>" not in gru.hovertemplate
    assert fig.layout.title.text.endswith("· 3 runs")
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"


def test_an_empty_board_says_so():
    fig = class_board([])
    assert not fig.data
    assert fig.layout.annotations[0].text == "No runs on the board yet"
    assert fig.layout.title.text.endswith("· 0 runs")
