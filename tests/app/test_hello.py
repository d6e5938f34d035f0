"""Hello page (seed 001): one-hot characters, next-character prediction, generation."""

from tests.app.conftest import dataframe_with, figure_titled, open_page, texts, train

PAGE = "hello"


def test_default_run_shows_the_one_hot_data():
    at = open_page(PAGE)
    table = dataframe_with(at, "one-hot input")
    assert table["input"].tolist() == list("hell")
    assert table["target (next)"].tolist() == list("ello")
    assert figure_titled(at, "Input characters, one-hot")
    assert at.session_state[f"w:{PAGE}:input"] == "hell"


def test_train_predict_and_generate():
    at = train(open_page(PAGE), PAGE, units=8, epochs=150)
    run = at.session_state[f"run:{PAGE}"]
    assert len(run.history["loss"]) == 150
    table = dataframe_with(at, "probability")
    assert table["target"].tolist() == list("ello")
    [metric] = [m for m in at.metric if m.label != "Training data"]  # not the headline
    assert metric.label == "Next character"
    assert figure_titled(at, "What comes after 'hell'?")
    at.button(key=f"b:{PAGE}:generate").click().run()
    generated = [m.value for m in at.markdown if "`hell`" in m.value]
    assert generated, texts(at.markdown)
    at.text_input(key=f"w:{PAGE}:input").input("help").run()
    assert any("'p' is not in this model's vocabulary" in e for e in texts(at.error))
    assert at.session_state[f"run:{PAGE}"].model is run.model


def test_changing_the_text_changes_the_data_and_marks_the_model_old():
    at = train(open_page(PAGE), PAGE, units=8, epochs=3)
    run = at.session_state[f"run:{PAGE}"]
    model, history = run.model, {name: list(values) for name, values in run.history.items()}
    at.text_input(key=f"w:{PAGE}:text").input("abcab").run()
    assert dataframe_with(at, "one-hot input")["input"].tolist() == list("abca")
    assert any("Out of date" in w and "hello → abcab" in w for w in texts(at.warning))
    assert dataframe_with(at, "probability")["target"].tolist() == list("ello")  # old model's
    for bad, message in (("a", "at least 2 characters"), ("aaaa", "two different characters")):
        at.text_input(key=f"w:{PAGE}:text").input(bad).run()
        assert not at.exception, at.exception
        assert any(message in e for e in texts(at.error)), texts(at.error)
        kept = at.session_state[f"run:{PAGE}"]
        assert kept.model is model and kept.history == history  # nothing the user had is lost
        assert dataframe_with(at, "probability")["target"].tolist() == list("ello")
