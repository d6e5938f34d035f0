"""predict / continue_text agree with the model's own outputs."""

import numpy as np
import pytest

from lstm_core import datasets, models, predict


@pytest.fixture(scope="module")
def hello_model():
    ds = datasets.load("hello")
    return models.build(models.ModelSpec(units=8), ds, seed=1), ds


def test_next_char_prediction_is_the_argmax_of_the_last_step(hello_model):
    model, ds = hello_model
    answer = predict.predict(model, ds, "hel")
    out = np.asarray(model(ds.encode("hel")))[0]  # (3, vocab)
    np.testing.assert_allclose(answer.probabilities, out[-1], rtol=1e-6)
    assert answer.next_char == ds.vocab[int(out[-1].argmax())]
    assert answer.value == "".join(ds.vocab[i] for i in out.argmax(1))
    assert answer.labels == ["h", "e", "l", "o"]


def test_continue_text_feeds_its_guesses_back(hello_model):
    model, ds = hello_model
    text = predict.continue_text(model, ds, "he", 3)
    assert len(text) == 5 and text.startswith("he")
    step = "he" + predict.predict(model, ds, "he").next_char
    assert text.startswith(step)
    with pytest.raises(ValueError, match="between 1 and 200"):
        predict.continue_text(model, ds, "he", 0)
    with pytest.raises(ValueError, match="not in this model's vocabulary"):
        predict.continue_text(model, ds, "hex", 2)


def test_classification_and_regression_answers():
    seq = datasets.load("sequence_classification")
    model = models.build(models.ModelSpec(units=4), seq)
    answer = predict.predict(model, seq, "0, 0, 0, 0, 0, 1")
    out = np.asarray(model(seq.encode("0,0,0,0,0,1")))[0]
    assert answer.value == int(out.argmax()) and answer.labels == ["0", "1", "2", "3"]
    num = datasets.load("next_number", variant="wide", scaling="minmax")
    model = models.build(models.ModelSpec(units=4), num)
    raw = float(np.asarray(model(num.encode("25, 35, 45")))[0, 0])
    assert predict.predict(model, num, "25, 35, 45").value == pytest.approx(raw * 69 + 1)
    with pytest.raises(ValueError, match="'seven' is not a number"):
        predict.predict(model, num, "6, seven, 8")


@pytest.fixture(scope="module")
def two_features():
    ds = datasets.load("next_number", series="1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12",
                       window_size=3, scaling="minmax", test_share=0.25, every_step=True,
                       extra_features=(("tens", "5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5, 1"),),
                       series_name="ones")  # fmt: skip
    return models.build(models.ModelSpec(units=4), ds, seed=2), ds


def test_the_test_error_is_in_the_series_own_units(two_features):
    model, ds = two_features
    out = np.asarray(model.predict(ds.held_out.x, verbose=0))  # (2, 3, 1) scaled
    by_hand = out[:, -1, 0] * ds.scaler.scale + ds.scaler.offset  # the number after the window
    target = np.array([11.0, 12.0])
    err = predict.held_out_error(model, ds)
    np.testing.assert_allclose(err.predicted, by_hand, rtol=1e-5)
    np.testing.assert_allclose(err.target, target)
    assert err.mae == pytest.approx(np.mean(np.abs(by_hand - target)), rel=1e-5)
    assert err.rmse == pytest.approx(np.sqrt(np.mean((by_hand - target) ** 2)), rel=1e-5)
    with pytest.raises(ValueError, match="no test part"):
        predict.held_out_error(model, datasets.load("next_number"))


def test_every_step_answers_and_the_chart_positions(two_features):
    model, ds = two_features
    answer = predict.predict(model, ds, "10, 5; 11, 1; 12, 5")
    out = np.asarray(model(ds.encode("10, 5; 11, 1; 12, 5")))[0, :, 0]  # (3,)
    assert (ds.scaler.offset, ds.scaler.scale) == (1, 9)  # 1..10: the training windows' values
    np.testing.assert_allclose(answer.steps, out * 9 + 1, rtol=1e-5)
    assert answer.value == pytest.approx(answer.steps[-1])
    train_out, test_out = model(ds.x).numpy(), model(ds.held_out.x).numpy()
    along = predict.along_series(ds, train_out, test_out)
    assert along.positions.tolist() == list(range(3, 12)) and along.test_from == 10
    assert along.first_positions.tolist() == list(range(1, 10))
    np.testing.assert_allclose(along.first_predicted[-1], test_out[-1, 0, 0] * 9 + 1, rtol=1e-5)
    assert predict.input_text(ds, ds.series[-3:]) == "10, 1; 11, 5; 12, 1"  # the data's end
    assert predict.sample_input(ds, 0)[1] == ["1, 5", "2, 1", "3, 5"]
    assert predict.typed_input(ds, "10, 5; 11, 1; 12, 5")[1] == ["10, 5", "11, 1", "12, 5"]
    assert predict.sample_text(ds, 1) == "2, 1; 3, 5; 4, 1"
