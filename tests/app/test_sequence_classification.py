"""Sequence classification page (seed 000): data, Train with live curves, predictions, input."""

from lstm_core.lessons import LESSONS
from tests.app.conftest import array, dataframe_with, figure_titled, open_page, texts, train

PAGE = "sequence_classification"
EPOCHS = 5


def trained():
    at = open_page(PAGE)
    return train(at, PAGE, units=8, epochs=EPOCHS)


def test_default_run_shows_data_and_tutorial_settings():
    at = open_page(PAGE)
    assert dataframe_with(at, "class")["class"].tolist() == [1, 2, 3, 2, 3, 1]
    assert figure_titled(at, "Input sequences")["data"][0]["type"] == "heatmap"
    lesson = LESSONS[PAGE]
    assert at.number_input(key=f"w:{PAGE}:units").value == lesson.spec.units == 128
    assert at.slider(key=f"w:{PAGE}:dropout").value == 0.2
    assert at.number_input(key=f"w:{PAGE}:epochs").value == 200
    assert "run:" + PAGE not in at.session_state
    tutorial, yours = (c.value.strip() for c in at.code if c.language == "python")
    assert tutorial == lesson.tutorial_code.strip()
    assert "LSTM(128" in yours and "recurrent_dropout=0.2" in yours


def test_train_stores_model_history_chart_and_predictions():
    at = trained()
    run = at.session_state[f"run:{PAGE}"]
    assert run.model is not None and run.spec.units == 8
    assert len(run.history["loss"]) == EPOCHS == len(run.history["accuracy"])
    assert not run.in_progress and run.stop_reason == "completed"
    curves = figure_titled(at, "Training")
    loss = [t for t in curves["data"] if t["name"] == "loss"][0]
    assert len(array(loss["y"])) == EPOCHS
    table = dataframe_with(at, "prediction")
    assert len(table) == 6 and set(table[""]) <= {"✓", "✗"}
    assert figure_titled(at, "Predicted vs true class")
    assert any(f"Trained {EPOCHS} epochs" in s for s in texts(at.success))
    assert any("with dropout off" in c for c in texts(at.caption))  # why 6/6 beside 0.83
    params = dataframe_with(at, "formula")
    assert params["count"].sum() == run.model.count_params()


def test_bad_input_shows_the_sentence_and_keeps_the_model():
    at = trained()
    model = at.session_state[f"run:{PAGE}"].model
    at.text_input(key=f"w:{PAGE}:input").input("6, seven, 8").run()
    assert not at.exception
    assert any("'seven' is not a number" in e for e in texts(at.error))
    run = at.session_state[f"run:{PAGE}"]
    assert run.model is model and len(run.history["loss"]) == EPOCHS
    at.text_input(key=f"w:{PAGE}:input").input("0, 0, 1").run()
    assert any("exactly 6 numbers" in e for e in texts(at.error))


def test_good_input_is_answered_with_a_class_and_probabilities():
    at = trained()
    at.text_input(key=f"w:{PAGE}:input").input("0, 0, 0, 0, 0, 1").run()
    assert not at.error
    [metric] = [m for m in at.metric if m.label != "Training data"]  # not the headline
    assert metric.value.startswith("class ")
    bars = figure_titled(at, "Score of each class")
    assert len(array(bars["data"][0]["y"])) == 4
    # the tutorial's sigmoid head: scores, not probabilities; class 0 is named as absent
    assert bars["layout"]["yaxis"]["title"]["text"] == "sigmoid score"
    assert bars["data"][0]["x"][0] == "0 (not in the data)"
    assert any("need not add up to 1" in c for c in texts(at.caption))


def test_changing_a_setting_marks_the_model_out_of_date_but_keeps_it():
    at = trained()
    at.number_input(key=f"w:{PAGE}:units").set_value(9).run()
    warnings = texts(at.warning)
    assert any("Out of date" in w and "units 8 → 9" in w for w in warnings)
    assert at.session_state[f"run:{PAGE}"].spec.units == 8
    assert dataframe_with(at, "prediction") is not None  # old predictions stay
    at.number_input(key=f"w:{PAGE}:units").set_value(8).run()
    assert not any("Out of date" in w for w in texts(at.warning))


def test_as_in_the_tutorial_restores_the_lesson():
    at = open_page(PAGE)
    at.number_input(key=f"w:{PAGE}:units").set_value(3)
    at.slider(key=f"w:{PAGE}:dropout").set_value(0.5)
    at.toggle(key=f"w:{PAGE}:early_stopping").set_value(True)
    at.run()
    at.button(key=f"b:{PAGE}:tutorial").click().run()
    lesson = LESSONS[PAGE]
    assert at.number_input(key=f"w:{PAGE}:units").value == lesson.spec.units
    assert at.slider(key=f"w:{PAGE}:dropout").value == lesson.spec.dropout
    assert at.toggle(key=f"w:{PAGE}:early_stopping").value is False
    assert at.selectbox(key=f"w:{PAGE}:head").value == "sigmoid"


def test_reruns_do_not_retrain():
    at = trained()
    model = at.session_state[f"run:{PAGE}"].model
    at.run()
    at.text_input(key=f"w:{PAGE}:input").input("0, 0, 0, 0, 1, 1").run()
    assert at.session_state[f"run:{PAGE}"].model is model


def test_settings_survive_a_visit_to_another_page():
    at = open_page(PAGE)
    at.number_input(key=f"w:{PAGE}:units").set_value(7).run()
    at.switch_page("views/home.py").run()
    at.switch_page(f"views/{PAGE}.py").run()
    assert at.number_input(key=f"w:{PAGE}:units").value == 7


def test_the_predictions_shown_are_the_sessions_own_model_on_the_data():
    from lstm_core import datasets, predict

    at = trained()
    run = at.session_state[f"run:{PAGE}"]
    ds = datasets.load(run.dataset, **run.data_options)
    typed = at.text_input(key=f"w:{PAGE}:input").value
    # the worker computed both once, for every owner of the job
    assert len(run.job.outputs) == 2 and len(run.job.probes) == 1
    outputs = run.model(ds.x, training=False).numpy()
    shown = dataframe_with(at, "prediction")["prediction"].tolist()
    assert shown == [ds.decode(row) for row in outputs]
    [metric] = [m for m in at.metric if m.label != "Training data"]  # not the headline
    assert metric.value == f"class {predict.predict(run.model, ds, typed).value}"


def test_the_first_train_folds_the_data_away():
    from app.i18n import t

    at = open_page(PAGE)
    assert not [e for e in at.expander if e.label == t("task.data_folded")]
    at.button(key=f"b:{PAGE}:train").click().run()
    assert f"run:{PAGE}" in at.session_state
    [folded] = [e for e in at.expander if e.label == t("task.data_folded")]
    assert dataframe_with(folded, "class")["class"].tolist() == [1, 2, 3, 2, 3, 1]
