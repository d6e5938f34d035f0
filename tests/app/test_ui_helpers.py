"""Pure helpers of app/ui.py: widget steps, the out-of-date diff, tables, time labels."""

from app import ui
from app.state import Run
from lstm_core import datasets, schema
from lstm_core.lessons import LESSONS
from lstm_core.training import TrainConfig


def test_learning_rate_steps_come_from_the_schema_bounds():
    p = schema.describe(TrainConfig, "learning_rate")
    steps = ui.log_steps(p.lo, p.hi)
    assert steps[0] == p.lo and steps[-1] == p.hi
    assert 1e-3 in steps and 0.01 in steps  # every lesson's learning rate is selectable
    assert all(a < b for a, b in zip(steps, steps[1:], strict=False))


def test_changed_settings_names_each_difference():
    lesson = LESSONS["hello"]
    run = Run("hello", "hello", None, lesson.spec, lesson.config, "hello", {"text": "hello"})
    spec = lesson.spec.replace(units=4, cell="gru")
    config = TrainConfig(epochs=9, learning_rate=0.01)
    changes = ui.changed_settings(run, spec, config, {"text": "abc"})
    assert "cell LSTM → GRU" in changes and "units 16 → 4" in changes
    assert "epochs 200 → 9" in changes and "text hello → abc" in changes
    assert ui.changed_settings(run, lesson.spec, lesson.config, {"text": "hello"}) == []


def test_interrupted_run_is_settled_with_its_epoch():
    lesson = LESSONS["hello"]
    run = Run("hello", "hello", None, lesson.spec, lesson.config, "hello", {}, {"loss": [1, 2]})
    ui.settle_interrupted(run)
    assert run.stop_reason == "stopped" and not run.in_progress
    assert run.message.startswith("Stopped at epoch 2 of 200")


def test_tables_and_time_labels():
    ds = datasets.load("next_number", variant="wide", scaling="minmax")
    table = ui.data_table(ds)
    assert list(table.columns) == ["x1", "x2", "x3", "y", "x scaled", "y scaled"]
    assert ui.sample_input(ds, 10)[1] == ["20", "30", "40"]  # unscaled, as typed
    assert ui.typed_input(ds, "25, 35, 45")[1] == ["25", "35", "45"]
    hello = datasets.load("hello")
    assert ui.sample_input(hello, 0)[1] == list("hell")
    assert ui.close_enough(9.2, 9) and not ui.close_enough(9.6, 9)


def test_clickable_cells_cover_each_cell_without_moving_the_axes():
    import numpy as np

    from app import charts

    values = np.arange(12, dtype=float).reshape(4, 3) / 12  # (T=4, units=3)
    fig = charts.clickable_cells(charts.state_heatmap(values, "gate", "g"))
    heat, dots = fig.data[0], fig.data[-1]
    assert dots.type == "scatter" and len(dots.x) == 12
    np.testing.assert_allclose(np.asarray(heat.z), values.T)
    assert (dots.x[5], dots.y[5]) == (1, 1)  # row-major: unit 1, step 1 is the 6th cell
    assert tuple(fig.layout.xaxis.range) == (-0.5, 3.5)
    assert tuple(fig.layout.yaxis.range) == (2.5, -0.5)  # units top to bottom
