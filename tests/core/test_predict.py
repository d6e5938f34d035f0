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
