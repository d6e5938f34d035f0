"""Training as a job on a task page, end to end in AppTest: Stop, a page that stays usable,
early stopping, bad settings and a loss that overflows.

The job trains in a worker process; AppTest does not run the live fragment on its timer,
so a test waits for the job (``pool.wait``) and then reruns the page, as the fragment's
``st.rerun`` does in a browser.
"""

import time

import numpy as np

from tests.app.conftest import array, figure_titled, finish_training, open_page, texts, train

PAGE = "sequence_classification"


def start_training(at, **settings):
    for name, value in settings.items():
        at.get_by_key(f"w:{PAGE}:{name}").set_value(value)
    at.run()
    at.button(key=f"b:{PAGE}:train").click().run()
    assert not at.exception, at.exception
    return at.session_state[f"run:{PAGE}"]


def wait_for_epochs(run, n=1):
    deadline = time.monotonic() + 60
    while run.job.epochs_done < n:
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_stop_keeps_the_model_and_its_epochs():
    at = open_page(PAGE)
    run = start_training(at, units=8, epochs=5000)
    assert run.in_progress and at.button(key=f"b:{PAGE}:stop")  # Stop is on the live panel
    wait_for_epochs(run)
    at.button(key=f"b:{PAGE}:stop").click().run()
    finish_training(at, PAGE)
    run = at.session_state[f"run:{PAGE}"]
    assert not run.in_progress and run.stop_reason == "stopped"
    done = run.epochs_done
    assert 0 < done < 5000 and run.model is not None
    assert any(
        f"Stopped at epoch {done} of 5000" in w and "is kept" in w for w in texts(at.warning)
    )
    assert len(array(figure_titled(at, "Training")["data"][0]["y"])) == done
    assert at.metric and not at.error  # the kept model answers
    assert not [b for b in at.button if b.key == f"b:{PAGE}:stop"]


def test_moving_a_setting_while_training_neither_stops_nor_changes_the_run():
    at = open_page(PAGE)
    run = start_training(at, units=8, epochs=400)
    at.get_by_key(f"w:{PAGE}:units").set_value(16)
    at.run()  # a rerun of the page while the job trains
    at.switch_page("views/home.py").run()
    at.switch_page(f"views/{PAGE}.py").run()
    assert not at.exception and at.session_state[f"run:{PAGE}"] is run
    finish_training(at, PAGE)
    assert run.stop_reason == "completed" and run.epochs_done == 400
    assert run.spec.units == 8 and run.model is not None
    assert any("Out of date" in w and "units 8 → 16" in w for w in texts(at.warning))


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


def test_a_loss_that_overflows_is_reported_and_the_page_still_works():
    # targets near 1e30: their square overflows float32 in the first epoch on any CPU
    at = open_page("next_number")
    at.radio(key="w:next_number:variant").set_value("own").run()
    at.text_input(key="w:next_number:series").input("1e30, 2e30, 3e30, 4e30, 5e30, 6e30").run()
    train(at, "next_number", units=4, epochs=50)
    run = at.session_state["run:next_number"]
    assert run.stop_reason == "nan" and run.epochs_done == 1
    assert any("became NaN or infinite" in e for e in texts(at.error))
    assert not at.exception  # the page still draws, with the overflowing model kept


def test_validation_and_optimizer_from_the_page_train_as_keras_would():
    """Validation split, RMSprop and early stopping on the validation loss, set on the page:
    the run gets its val_loss curve (drawn dashed beside the loss) and the page's code says
    the same settings."""
    at = open_page(PAGE)
    at.toggle(key=f"w:{PAGE}:early_stopping").set_value(True).run()
    assert at.selectbox(key=f"w:{PAGE}:monitor").disabled, "no validation data yet"
    at.slider(key=f"w:{PAGE}:validation_split").set_value(0.35).run()
    at.selectbox(key=f"w:{PAGE}:monitor").set_value("val_loss")
    at.selectbox(key=f"w:{PAGE}:optimizer").set_value("rmsprop")
    train(at, PAGE, units=8, epochs=60, patience=5, learning_rate=0.01)
    run = at.session_state[f"run:{PAGE}"]
    assert run.config.optimizer == "rmsprop" and run.config.monitor == "val_loss"
    assert len(run.history["val_loss"]) == len(run.history["loss"]) == run.epochs_done
    chart = figure_titled(at, "Training")
    names = [trace.get("name") for trace in chart["data"]]
    assert "val loss" in names and "val accuracy" in names
    val = next(trace for trace in chart["data"] if trace.get("name") == "val loss")
    np.testing.assert_allclose(array(val["y"]), run.history["val_loss"], rtol=1e-6)
    code = "\n".join(c.value for c in at.code)
    assert "optimizer=RMSprop(0.01)" in code and "validation_split=0.35" in code
    assert "EarlyStopping(monitor='val_loss', patience=5)" in code
    at.slider(key=f"w:{PAGE}:validation_split").set_value(0.0).run()
    assert any("The last 3 of these 6 samples were held out" in c for c in texts(at.caption))
    assert at.selectbox(key=f"w:{PAGE}:monitor").disabled and not at.error


def test_the_overfitting_preset_shows_the_validation_loss_turn_back_up():
    """Three sequences to learn, three to check: on every seed tried (0-4) the validation
    loss bottoms out near epoch 25 (about 0.5) and ends near 2.4 while the training loss
    falls below 0.12 - far from any rounding edge."""
    from tests.app.test_links import open_link

    at = open_link(PAGE, preset="overfitting")
    assert at.session_state[f"w:{PAGE}:validation_split"] == 0.5
    at.button(key=f"b:{PAGE}:train").click().run()
    finish_training(at, PAGE)
    history = at.session_state[f"run:{PAGE}"].history
    val, loss = history["val_loss"], history["loss"]
    assert min(val) < 0.8 and val[-1] > 2 * min(val), "the held-out loss turns back up"
    assert loss[-1] < 0.5 * loss[0], "while the training loss keeps falling"
