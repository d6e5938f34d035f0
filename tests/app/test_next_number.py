"""Next number page (seed 001): variants, scaling, the Dense comparison, numeric input."""

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
    assert table["y"].tolist() == [6, 8, 10, 12]
    assert figure_titled(at, "Windowing a series")
