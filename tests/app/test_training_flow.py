"""Stop by interruption, early stopping and errors on a task page, end to end in AppTest.

Clicking Stop makes Streamlit raise inside the next ``st.`` call of the running script,
i.e. inside ``on_epoch`` while it redraws. Here the same interruption is raised from the
trainer's callback after three epochs.
"""

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from lstm_core import training
from tests.app.conftest import array, figure_titled, open_page, texts, train

PAGE = "sequence_classification"


@pytest.fixture
def interrupt_after_three_epochs(monkeypatch):
    real_train = training.train

    def train_then_interrupt(model, dataset, config, on_epoch=None, should_stop=None):
        def on_epoch_then_stop(epoch, logs):
            on_epoch(epoch, logs)
            if epoch == 2:
                raise StopException()  # what a click on Stop does inside the callback

        return real_train(model, dataset, config, on_epoch_then_stop, should_stop)

    monkeypatch.setattr(training, "train", train_then_interrupt)


def test_interrupted_training_keeps_the_model_and_its_epochs(interrupt_after_three_epochs):
    at = open_page(PAGE)
    train(at, PAGE, units=8, epochs=5)
    run = at.session_state[f"run:{PAGE}"]
    assert run.in_progress and len(run.history["loss"]) == 3  # stored before, grown per epoch
    assert at.button(key=f"b:{PAGE}:stop")  # the Stop button is on the page while training
    at.run()  # the rerun that the click on Stop asked for
    assert not at.exception
    run = at.session_state[f"run:{PAGE}"]
    assert not run.in_progress and run.stop_reason == "stopped"
    assert any("Stopped at epoch 3 of 5" in w and "is kept" in w for w in texts(at.warning))
    loss = figure_titled(at, "Training")["data"][0]
    assert len(array(loss["y"])) == 3
    assert at.metric and not at.error  # the kept model still answers
    assert not [b for b in at.button if b.key == f"b:{PAGE}:stop"]


def test_early_stopping_reports_its_reason():
    at = open_page(PAGE)
    at.toggle(key=f"w:{PAGE}:early_stopping").set_value(True).run()
    train(at, PAGE, units=8, epochs=300, patience=1, learning_rate=0.5)
    run = at.session_state[f"run:{PAGE}"]
    assert run.stop_reason == "early_stopping" and len(run.history["loss"]) < 300
    assert any("Early stopping" in i for i in texts(at.info))


def test_bad_settings_show_a_sentence_and_keep_the_trained_model():
    at = open_page("next_number")
    train(at, "next_number", units=4, epochs=3)
    model = at.session_state["run:next_number"].model
    at.radio(key="w:next_number:variant").set_value("own").run()
    at.text_input(key="w:next_number:series").input("1, 2, 3").run()
    assert not at.exception
    assert any("A window of 3 needs a series of at least 4 numbers" in e for e in texts(at.error))
    assert at.button(key="b:next_number:train").disabled
    assert at.session_state["run:next_number"].model is model


def test_a_loss_that_becomes_nan_is_reported_and_the_page_still_works():
    at = open_page("next_number")
    at.radio(key="w:next_number:variant").set_value("wide").run()
    settings = {"units": 64, "epochs": 200, "learning_rate": 1.0, "activation": "linear"}
    train(at, "next_number", batch_size=1, **settings)
    run = at.session_state["run:next_number"]
    assert run.stop_reason == "nan" and len(run.history["loss"]) < 200
    assert any("became NaN or infinite" in e for e in texts(at.error))
    assert at.metric  # the input box still answers (with nan), no traceback
