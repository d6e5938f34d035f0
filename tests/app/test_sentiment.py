"""Sentiment: two jobs (SimpleRNN, LSTM), held-out scores, a typed sentence read word by word;
padding, truncation and masking: the last h of each choice, one model per choice."""

import numpy as np
import pytest

from app import pool
from app.sentiment_lesson import EXAMPLE
from lstm_core import datasets, models, padding, text, training
from lstm_core import trace as tracer
from tests.app.conftest import TIMEOUT, array, figure_titled, open_page
from tests.app.test_links import open_link, query_of

PAGE = "sentiment"


def trained_page(epochs=5, at=None):
    at = open_page(PAGE) if at is None else at
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


# ---------------------------------------------------------------------------
# Padding, truncation and masking (seed 002's pad_sequences)
# ---------------------------------------------------------------------------


def first_layer_h(model, x, mask: bool) -> np.ndarray:
    """Keras' own last h of the model's first recurrent layer on word indices x (1, T)."""
    layer = models.recurrent_layers(model)[0]
    embedded = model.get_layer("embedding")(x)
    return np.asarray(layer(embedded, mask=x != text.PAD if mask else None))[0]


@pytest.fixture(scope="module")
def post_padded():
    """The page after training both cells with padding at the end and 8 steps."""
    at = open_page(PAGE)
    at.get_by_key(f"w:{PAGE}:padding").set_value("post")
    at.get_by_key(f"w:{PAGE}:maxlen").set_value(8)
    at, runs = trained_page(epochs=3, at=at)
    return at, runs


def test_post_padding_trains_on_post_padded_data_and_says_how_many_are_cut(post_padded):
    at, runs = post_padded
    options = runs["lstm"].data_options
    assert options["padding"] == "post" and options["maxlen"] == 8
    ds = datasets.load("sentiment", **options)
    assert ds.x.shape[1] == 8 and (ds.x[:, -1] == text.PAD).any() and (ds.x[:, 0] != 0).all()
    cut = text.cut_sentences(ds)
    assert cut > 0 and any(f"{cut} of the {len(ds.labels)}" in c.value for c in at.caption)
    assert query_of(at)["padding"] == "post" and query_of(at)["maxlen"] == "8"


def test_the_final_h_of_every_choice_equals_keras(post_padded):
    at, runs = post_padded
    at.text_input(key=f"w:{PAGE}:sentence").set_value("a wonderful zzzqx film").run()
    assert not at.exception, at.exception
    model = runs["lstm"].model
    ds = datasets.load("sentiment", **runs["lstm"].data_options)
    shown = padding.choices(cut=False)  # 4 words in 8 steps: nothing cut, four choices
    strip = figure_titled(at, "What the model reads under each choice")["data"][0]
    assert [str(label) for label in strip["y"]] == [  # nothing is cut: no cut side named
        choice.label.replace(" · cut pre", "") for choice in shown
    ]
    assert [str(label) for label in strip["y"]][:2] == ["pad pre · no mask", "pad post · no mask"]
    assert list(strip["text"][1]) == ["a", "wonderful", "zzzqx", "film", "·", "·", "·", "·"]
    assert list(strip["text"][3])[4:] == ["", "", "", ""]  # skipped by the mask
    fig = figure_titled(at, "The last hidden state h under each choice")
    heat, bars = fig["data"]
    final_h = array(heat["z"]).reshape(len(shown), 8)
    for row, choice in zip(final_h, shown, strict=True):
        x = text.encode_as(ds, "a wonderful zzzqx film", choice.padding, choice.truncating)
        np.testing.assert_allclose(row, first_layer_h(model, x, choice.mask_zero), atol=1e-5)
    np.testing.assert_allclose(final_h[2], final_h[3], atol=1e-6)  # masked: pre == post
    assert np.abs(final_h[0] - final_h[1]).max() > 1e-4  # unmasked: the padding moved h
    # the row of the run's own choice (post, no mask) answers what the model answers
    answer = float(model(ds.encode("a wonderful zzzqx film"), training=False)[0, 1])
    assert array(bars["x"])[1] + bars["base"] == pytest.approx(answer, abs=1e-5)  # base 0.5


def test_a_cut_sentence_shows_all_eight_choices(post_padded):
    at, _ = post_padded
    at.text_input(key=f"w:{PAGE}:sentence").set_value(EXAMPLE).run()  # 9 words in 8 steps
    assert not at.exception, at.exception
    strip = figure_titled(at, "What the model reads under each choice")["data"][0]
    assert len(strip["y"]) == 8 and str(strip["y"][1]) == "pad pre · cut post · no mask"
    assert list(strip["text"][0])[-1] == "wonderful" and list(strip["text"][1]) == [
        "the",
        "plot",
        "was",
        "slow",
        "but",
        "the",
        "ending",
        "was",
    ]


def test_one_model_per_choice_trains_and_each_held_out_accuracy_is_keras(post_padded):
    at, runs = post_padded
    at.button(key=f"b:{PAGE}:train_choices").click().run()
    assert not at.exception, at.exception
    choice_runs = {k: at.session_state[k] for k in at.session_state
                   if str(k).startswith(f"run:{PAGE}:choice:lstm:8:")}  # fmt: skip
    assert len(choice_runs) == 8  # some sentence is cut at 8 steps: all eight choices
    for run in choice_runs.values():
        pool.pool().wait(run.job, timeout=TIMEOUT)
        assert run.spec == runs["lstm"].spec and run.config == runs["lstm"].config
    at.run()
    assert not at.exception, at.exception
    bars = figure_titled(at, "Held-out accuracy of one model per choice")["data"][0]
    shown = dict(zip([str(y) for y in bars["y"]], array(bars["x"]), strict=True))
    for run in choice_runs.values():
        ds = datasets.load("sentiment", **run.data_options)
        model = models.build(run.spec, ds, seed=run.config.seed)
        training.set_weights(model, run.job.weights)
        choice = padding.Choice(**{k: run.data_options[k] for k in ("padding", "truncating",
                                                                     "mask_zero")})  # fmt: skip
        assert shown[choice.label] == pytest.approx(
            training.evaluate(model, ds.held_out)["accuracy"]
        )
    assert any("5 seeds" in c.value for c in at.caption)  # the measured spread, in words


def test_a_masked_model_reads_the_sentence_with_its_mask():
    at = open_page(PAGE)
    at.get_by_key(f"w:{PAGE}:mask_zero").set_value(True)
    at, runs = trained_page(epochs=3, at=at)
    model = runs["lstm"].model
    assert model.get_layer("embedding").mask_zero, "models.build must give the Embedding its mask"
    ds = datasets.load("sentiment", **runs["lstm"].data_options)
    x = ds.encode(EXAMPLE)  # 9 words, 7 padding steps in front
    layer = models.recurrent_layers(model)[0]  # Keras' own layer, every step: a twin
    twin = layer.__class__.from_config({**layer.get_config(), "return_sequences": True})
    embedded = model.get_layer("embedding")(x)
    twin(embedded)
    twin.set_weights(layer.get_weights())
    expected = np.asarray(twin(embedded, mask=x != text.PAD))[0]  # (T, units)
    h = array(figure_titled(at, "h ·")["data"][0]["z"]).reshape(8, ds.timesteps)
    np.testing.assert_allclose(h, expected.T, atol=1e-5)
    np.testing.assert_array_equal(h[:, :7], 0.0)  # the skipped padding leaves h at zero


def test_a_bad_padding_option_in_the_link_is_named_not_a_traceback():
    at = open_link(PAGE, padding="middle", maxlen="1", mask_zero="perhaps", truncating="post")
    assert not at.exception, at.exception
    [note] = [w.value for w in at.warning]
    assert "padding=middle" in note and "maxlen=1" in note and "mask_zero=perhaps" in note
    assert at.session_state[f"w:{PAGE}:padding"] == "pre"  # the lesson's own value
    assert at.session_state[f"w:{PAGE}:maxlen"] == 16
    assert at.session_state[f"w:{PAGE}:truncating"] == "post"  # a good value is taken
    assert not at.error
