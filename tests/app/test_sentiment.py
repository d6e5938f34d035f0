"""Sentiment: two jobs (SimpleRNN, LSTM), held-out scores, a typed sentence read word by word."""

import numpy as np
import pytest

from app import pool
from lstm_core import datasets, models, training
from lstm_core import trace as tracer
from tests.app.conftest import TIMEOUT, array, figure_titled, open_page

PAGE = "sentiment"


def trained_page(epochs=5):
    at = open_page(PAGE)
    at.get_by_key(f"w:{PAGE}:epochs").set_value(epochs)
    at.get_by_key(f"w:{PAGE}:units").set_value(8)
    at.run()
    at.button(key=f"b:{PAGE}:train").click().run()
    assert not at.exception, at.exception
    runs = {cell: at.session_state[f"run:{PAGE}:{cell}"] for cell in ("simple_rnn", "lstm")}
    for run in runs.values():
        pool.pool().wait(run.job, timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at, runs


def test_both_cells_train_and_the_page_shows_each_held_out_accuracy():
    at, runs = trained_page()
    ds = datasets.load("sentiment")
    shown = {m.label: m.value for m in at.metric}
    for cell, name in (("simple_rnn", "SimpleRNN"), ("lstm", "LSTM")):
        run = runs[cell]
        assert run.spec.cell == cell and run.spec.units == 8 and run.config.epochs == 5
        model = models.build(run.spec, ds, seed=run.config.seed)
        training.set_weights(model, run.job.weights)
        accuracy = training.evaluate(model, ds.held_out)["accuracy"]
        assert shown[name] == f"{accuracy:.0%}"


def test_a_typed_sentence_is_read_word_by_word_and_unknown_words_are_named():
    at, runs = trained_page()
    at.text_input(key=f"w:{PAGE}:sentence").set_value("a wonderful zzzqx film").run()
    assert not at.exception, at.exception
    assert any("zzzqx" in m.value and "not in the vocabulary" in m.value for m in at.markdown)
    model = runs["lstm"].model
    ds = datasets.load("sentiment")
    x = ds.encode("a wonderful zzzqx film")
    answer = float(model(x, training=False)[0, 1])
    fig = figure_titled(at, "What the model thinks")
    bars = array(fig["data"][0]["y"]) + 0.5  # bars are drawn from 0.5
    assert bars[-1] == pytest.approx(answer, abs=1e-5)  # the last step is the real answer
    [layer] = tracer.trace(model, x)
    h = array(figure_titled(at, "h ·")["data"][0]["z"]).reshape(8, ds.timesteps)
    np.testing.assert_allclose(h, layer.h[0].T, atol=1e-6)


def test_an_empty_sentence_is_a_sentence_to_fix_and_the_models_stay():
    at, runs = trained_page()
    at.text_input(key=f"w:{PAGE}:sentence").set_value("   ").run()
    assert not at.exception, at.exception
    assert any("at least one word" in e.value for e in at.error)
    assert at.session_state[f"run:{PAGE}:lstm"].model is runs["lstm"].model
