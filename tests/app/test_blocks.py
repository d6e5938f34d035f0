"""Pure helpers of the page blocks: widget steps, the out-of-date diff, tables, time labels."""

from app import settings, task_page, training_panel
from app.state import Run
from lstm_core import datasets, predict, schema
from lstm_core.jobs import Experiment, Job, Progress
from lstm_core.lessons import LESSONS
from lstm_core.training import TrainConfig


def _run(lesson, options) -> Run:
    job = Job(1, Experiment.of(lesson.dataset, options, lesson.spec, lesson.config))
    return Run("hello", "hello", lesson.spec, lesson.config, "hello", options, job)


def test_learning_rate_steps_come_from_the_schema_bounds():
    p = schema.describe(TrainConfig, "learning_rate")
    steps = schema.log_steps(p)
    assert steps[0] == p.lo and steps[-1] == p.hi
    assert 1e-3 in steps and 0.01 in steps  # every lesson's learning rate is selectable
    assert all(a < b for a, b in zip(steps, steps[1:], strict=False))


def test_changed_settings_names_each_difference():
    lesson = LESSONS["hello"]
    run = _run(lesson, {"text": "hello"})
    spec = lesson.spec.replace(units=4, cell="gru")
    config = TrainConfig(epochs=9, learning_rate=0.01)
    changes = settings.changed_settings(run, spec, config, {"text": "abc"})
    assert "cell LSTM → GRU" in changes and "units 16 → 4" in changes
    assert "epochs 200 → 9" in changes and "text hello → abc" in changes
    assert settings.changed_settings(run, lesson.spec, lesson.config, {"text": "hello"}) == []


def test_progress_line_names_the_queue_the_compile_and_the_time_left():
    def line(status, losses, position=0, left=None, stopping=False):
        history = {"loss": losses}
        progress = Progress(status, history, 200, position, left, "", "", stopping)
        return training_panel.progress_text(progress)

    assert line("queued", [], position=3).startswith("Queued — position 3")
    assert line("running", []).startswith("Preparing")
    assert line("running", [1.0] * 50, left=12.4) == "Epoch 50 of 200 · about 12 s left"
    assert "keeping the 50 epochs" in line("running", [1.0] * 50, stopping=True)


def test_tables_and_time_labels():
    ds = datasets.load("next_number", variant="wide", scaling="minmax")
    table = task_page.data_table(ds)
    assert list(table.columns) == ["x1", "x2", "x3", "y", "x scaled", "y scaled"]
    assert predict.sample_input(ds, 10)[1] == ["20", "30", "40"]  # unscaled, as typed
    assert predict.typed_input(ds, "25, 35, 45")[1] == ["25", "35", "45"]
    hello = datasets.load("hello")
    assert predict.sample_input(hello, 0)[1] == list("hell")
    assert predict.close_enough(9.2, 9) and not predict.close_enough(9.6, 9)


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


def test_only_a_curve_trained_for_this_click_and_too_fast_to_watch_is_replayed(monkeypatch):
    from types import SimpleNamespace

    from app import pool, runtime, training_panel
    from app.state import Run

    monkeypatch.setattr(runtime, "in_server", lambda: True)
    monkeypatch.setattr(pool, "watching", lambda: 0)

    def run_with(finished_after: float, seconds: float) -> Run:
        run = Run("hello", "hello", None, None, "hello", {}, None)
        run.job = SimpleNamespace(finished=run.submitted + finished_after, seconds=seconds,
                                  epochs_done=3)  # fmt: skip
        return run

    assert training_panel._worth_replaying(run_with(0.3, seconds=0.2))
    assert not training_panel._worth_replaying(run_with(-5.0, seconds=0.2)), "already there"
    assert not training_panel._worth_replaying(run_with(3.0, seconds=2.5)), "watched live"
    monkeypatch.setattr(pool, "watching", lambda: 60)  # a class redrawing at once
    assert not training_panel._worth_replaying(run_with(0.3, seconds=0.2)), "one frame"
    monkeypatch.setattr(pool, "watching", lambda: 5)
    assert training_panel._worth_replaying(run_with(0.3, seconds=0.2))
