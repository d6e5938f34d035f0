"""Next number page (seeds 001 and 003): variants, scaling, the Dense comparison, numeric
input, an own series' test part and the scaler fitted with or without it."""

import numpy as np
import pytest

from app import pool
from lstm_core import datasets
from lstm_core.lessons import LESSONS
from tests.app.conftest import array, dataframe_with, figure_titled, open_page, texts, train

PAGE = "next_number"


def test_default_run_shows_the_four_windows():
    at = open_page(PAGE)
    table = dataframe_with(at, "y")
    assert table["y"].tolist() == [4, 5, 6, 7] and table["x1"].tolist() == [1, 2, 3, 4]
    assert figure_titled(at, "Windows")
    assert at.number_input(key=f"w:{PAGE}:units").value == LESSONS[PAGE].spec.units
    assert at.session_state[f"w:{PAGE}:input"] == "6, 7, 8"  # shown once trained


def test_train_and_predict_a_number():
    at = train(open_page(PAGE), PAGE, units=4, epochs=5)
    run = at.session_state[f"run:{PAGE}"]
    assert len(run.history["loss"]) == 5 and "accuracy" not in run.history
    loss = figure_titled(at, "Training")["data"][0]
    assert len(array(loss["y"])) == 5
    assert len(dataframe_with(at, "error")) == 4
    assert figure_titled(at, "Predictions vs targets")
    [metric] = [m for m in at.metric if m.label != "Training data"]  # not the headline
    float(metric.value)  # a number
    at.text_input(key=f"w:{PAGE}:input").input("6, seven, 8").run()
    assert any("'seven' is not a number" in e for e in texts(at.error))
    assert at.session_state[f"run:{PAGE}"].model is run.model


def test_wide_variant_loads_its_lesson_and_scaling_is_explained():
    at = open_page(PAGE)
    at.radio(key=f"w:{PAGE}:variant").set_value("wide").run()
    wide = LESSONS["next_number_wide"]
    assert at.number_input(key=f"w:{PAGE}:units").value == wide.spec.units == 200
    assert at.session_state[f"w:{PAGE}:input"] == wide.example_input
    assert len(dataframe_with(at, "y")) == 13
    at.radio(key=f"w:{PAGE}:scaling").set_value("minmax").run()
    table = dataframe_with(at, "y scaled")
    assert table["y scaled"].iloc[-1] == "1.00"
    assert any("fitted on the training windows only" in c for c in texts(at.caption))


def test_dense_cell_trains_and_disables_dropout():
    at = open_page(PAGE)
    at.selectbox(key=f"w:{PAGE}:cell").set_value("dense").run()
    assert at.slider(key=f"w:{PAGE}:dropout").disabled
    at = train(at, PAGE, units=4, epochs=3)
    run = at.session_state[f"run:{PAGE}"]
    assert run.spec.cell == "dense" and len(run.history["loss"]) == 3
    assert any("Flatten" in c.value for c in at.code)


def test_own_series_is_windowed():
    at = open_page(PAGE)
    at.radio(key=f"w:{PAGE}:variant").set_value("own").run()
    at.text_input(key=f"w:{PAGE}:series").input("2, 4, 6, 8, 10, 12").run()
    at.number_input(key=f"w:{PAGE}:window").set_value(2).run()
    table = dataframe_with(at, "y")
    assert table["y"].tolist() == [6, 8, 10]  # the fourth window, -> 12, is the test part
    assert any("the last 1 windows are the test part" in m for m in texts(at.markdown))
    assert figure_titled(at, "Windowing a series")


def own_series(at, scaling="minmax", series="3, 5, 4, 6, 8, 7, 9, 11, 10, 12, 14, 13, 15"):
    at.radio(key=f"w:{PAGE}:variant").set_value("own").run()
    at.text_input(key=f"w:{PAGE}:series").input(series).run()
    at.radio(key=f"w:{PAGE}:scaling").set_value(scaling).run()
    assert not at.exception, at.exception
    return at


def metric(at, label: str) -> str:
    [found] = [m.value for m in at.metric if m.label == label]
    return found


def keras_test_mae(run) -> float:
    """The test error computed here from the model's own predict, scaled back by hand."""
    ds = datasets.load(run.dataset, **run.data_options)
    out = run.model.predict(ds.held_out.x, verbose=0)  # (n, 1) or (n, T, 1), scaled
    predicted = out.reshape(len(out), -1)[:, -1] * ds.scaler.scale + ds.scaler.offset
    target = ds.held_out.raw_y.reshape(len(out), -1)[:, -1]  # the number after the window
    return float(np.mean(np.abs(predicted - target)))


def test_the_test_part_error_is_measured_and_the_scaler_fit_is_a_choice():
    at = own_series(open_page(PAGE))
    assert any("fitted on the training windows only (seed 003's rule)" in c
               for c in texts(at.caption))  # fmt: skip
    at = train(at, PAGE, units=4, epochs=5)
    run = at.session_state[f"run:{PAGE}"]
    assert run.data_options["scaler_fit"] == "train" and run.data_options["test_share"] == 0.2
    assert float(metric(at, "Test error (MAE)")) == pytest.approx(keras_test_mae(run), rel=2e-3)
    chart = figure_titled(at, "Predictions along the series")
    assert [t["name"] for t in chart["data"]] == ["series", "predicted"]
    assert array(chart["data"][1]["x"]).tolist() == list(range(3, 13))  # 8 + 2 windows
    assert chart["layout"]["shapes"][0]["x0"] == 10.5  # the last 2 targets are the test
    at.radio(key=f"w:{PAGE}:scaler_fit").set_value("all").run()
    assert any("fitted on all the data, the test part too" in c for c in texts(at.caption))
    assert any("scaler fit train → all" in w for w in texts(at.warning))  # out of date
    assert at.session_state[f"run:{PAGE}"] is run  # the trained model stays


def test_train_both_scaler_fits_side_by_side():
    at = train(own_series(open_page(PAGE)), PAGE, units=4, epochs=4)
    at.number_input(key=f"w:{PAGE}:leak_seeds").set_value(2).run()
    at.button(key=f"b:{PAGE}:leak").click().run()
    assert not at.exception, at.exception
    runs = {(fit, seed): at.session_state[f"run:{PAGE}:leak:{fit}:{seed}"]
            for fit in ("train", "all") for seed in (15, 16)}  # fmt: skip
    assert {run.data_options["scaler_fit"] for run in runs.values()} == {"train", "all"}
    for run in runs.values():
        pool.pool().wait(run.job, timeout=120)
    at.run()
    assert not at.exception, at.exception
    table = dataframe_with(at, "test MAE, fitted on all")
    assert table["seed"].tolist() == [15, 16]
    for (fit, seed), run in runs.items():
        column = f"test MAE, fitted on {'training only' if fit == 'train' else 'all'}"
        shown = float(table.loc[table["seed"] == seed, column].iloc[0])
        assert shown == pytest.approx(keras_test_mae(run), rel=2e-3), (fit, seed)
    assert any("Over 2 seeds the mean test error is" in m for m in texts(at.markdown))
