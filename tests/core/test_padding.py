"""Padding, truncation and masking: the masked trace and the final states against Keras,
and the project's trainer against model.fit for a model whose Embedding masks the padding."""

import keras
import numpy as np
import pytest

from lstm_core import models, padding, text, training

SENTENCE = "the plot was slow but the ending was wonderful"  # 9 words


def test_models_build_gives_the_embedding_its_mask():
    spec = models.ModelSpec(units=4, embedding_dim=4)
    plain = models.build(spec, text.sentiment())
    assert plain.get_layer("embedding").mask_zero is False
    masked = models.build(spec, text.sentiment(mask_zero=True))
    assert masked.get_layer("embedding").mask_zero is True, (
        "models.build must pass mask_zero=bool(dataset.options.get('mask_zero', False)) "
        "to its Embedding (text.embedding_options)"
    )


# ---------------------------------------------------------------------------
# The masked trace against Keras' own masked layer
# ---------------------------------------------------------------------------

MASK = np.array(
    [
        [1, 1, 1, 0, 0, 0, 0],  # post-padded
        [0, 0, 0, 1, 1, 1, 1],  # pre-padded
        [1, 0, 1, 0, 1, 1, 0],  # holes anywhere
        [0, 0, 0, 0, 0, 0, 0],  # nothing to read: the state stays at zero
    ],
    dtype=bool,
)


@pytest.mark.parametrize("layer_cls", [keras.layers.LSTM, keras.layers.GRU,
                                       keras.layers.SimpleRNN])  # fmt: skip
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masked_trace_equals_the_keras_layer_called_with_the_mask(layer_cls, go_backwards):
    x = np.random.default_rng(3).normal(size=(4, 7, 3)).astype(np.float32)
    layer = layer_cls(5, return_sequences=True, go_backwards=go_backwards)
    expected = np.asarray(layer(x, mask=MASK))  # (4, 7, 5)
    traced = padding.masked_trace(layer, x, MASK)
    np.testing.assert_allclose(traced.h, expected, atol=1e-5)
    assert np.abs(expected - np.asarray(layer(x))).max() > 1e-2  # the mask changes the answer
    np.testing.assert_array_equal(traced.h[3], 0.0)
    read = MASK[:, ::-1] if go_backwards else MASK  # the steps in the layer's reading order
    last = np.flatnonzero(read[0])[-1]
    if traced.c is not None:  # an LSTM's cell state is carried over the skipped steps too
        assert (traced.c[0, last:] == traced.c[0, last]).all()
    for gate in traced.gates.values():
        assert np.isnan(gate[~read]).all() and np.isfinite(gate[read]).all()


def test_masked_trace_rejects_a_mask_of_another_shape():
    layer = keras.layers.LSTM(2)
    with pytest.raises(ValueError, match="one True/False per sample and step"):
        padding.masked_trace(layer, np.zeros((1, 3, 2)), np.ones((1, 4), bool))


# ---------------------------------------------------------------------------
# The last state under each choice
# ---------------------------------------------------------------------------


def first_layer_output(model, x):
    """Keras' own output of the model's first recurrent layer (its last h), mask and all."""
    layer = models.recurrent_layers(model)[0]
    return np.asarray(keras.Model(model.input, layer.output)(x, training=False))


def test_choices_cover_every_way_and_drop_the_truncating_twins_when_nothing_is_cut():
    assert len(padding.CHOICES) == len(set(padding.CHOICES)) == 8
    assert len(padding.choices(cut=True)) == 8
    uncut = padding.choices(cut=False)
    assert len(uncut) == 4 and {(c.padding, c.mask_zero) for c in uncut} == {
        (p, m) for p in text.SIDES for m in (False, True)}  # fmt: skip
    assert padding.anything_cut(text.sentiment(maxlen=6))
    assert not padding.anything_cut(text.sentiment())
    choice = padding.Choice("post", "pre", True)
    assert text.sentiment(**choice.options()).options["mask_zero"] is True
    assert choice.label == "pad post · cut pre · mask on"


@pytest.mark.parametrize("cell", ["lstm", "simple_rnn"])
def test_final_states_equal_keras_with_and_without_the_mask(cell):
    ds = text.sentiment(maxlen=12)  # the sentence's 9 words and 3 padding steps
    spec = models.ModelSpec(cell=cell, units=6, embedding_dim=5)
    plain = models.build(spec, ds, seed=2)
    masked = models.build(spec, text.sentiment(maxlen=12, mask_zero=True), seed=2)  # same weights
    states = padding.final_states(plain, ds, SENTENCE, padding.choices(cut=False))
    seen = {(s.choice.padding, s.choice.mask_zero): s for s in states}
    for side in text.SIDES:
        x = text.encode_as(ds, SENTENCE, side, "pre")  # (1, 12)
        np.testing.assert_allclose(seen[side, False].final_h, first_layer_output(plain, x)[0],
                                   atol=1e-5)  # fmt: skip
        np.testing.assert_allclose(seen[side, True].final_h, first_layer_output(masked, x)[0],
                                   atol=1e-5)  # fmt: skip
        assert seen[side, True].read.sum() == 9 and seen[side, False].read.all()
        assert seen[side, True].words == seen[side, False].words
    # a model whose Embedding masks is walked as well (Keras records [x, mask] as the
    # layer's input); the choice, not the model, decides whether the trace skips the pads
    for again in padding.final_states(masked, ds, SENTENCE, padding.choices(cut=False)):
        key = (again.choice.padding, again.choice.mask_zero)
        np.testing.assert_allclose(again.final_h, seen[key].final_h, atol=1e-6)
    # masked: the last state is the state after "wonderful", wherever the padding sits
    np.testing.assert_allclose(seen["pre", True].final_h, seen["post", True].final_h, atol=1e-6)
    # unmasked: three padding steps after the words move the state away
    assert np.abs(seen["pre", False].final_h - seen["post", False].final_h).max() > 1e-3
    assert seen["post", False].words[-3:] == [text.PAD_WORD] * 3
    assert seen["pre", False].words[:3] == [text.PAD_WORD] * 3


def test_final_states_of_a_cut_sentence_keep_the_words_truncating_keeps():
    ds = text.sentiment(maxlen=4)
    model = models.build(models.ModelSpec(units=3, embedding_dim=3), ds)
    seen = {(s.choice.truncating, s.choice.mask_zero): s
            for s in padding.final_states(model, ds, SENTENCE)
            if s.choice.padding == "pre"}  # fmt: skip
    assert seen["pre", False].words == ["the", "ending", "was", "wonderful"]
    assert seen["post", False].words == ["the", "plot", "was", "slow"]
    x = text.encode_as(ds, SENTENCE, "pre", "post")
    np.testing.assert_allclose(seen["post", False].final_h, first_layer_output(model, x)[0],
                               atol=1e-5)  # fmt: skip


# ---------------------------------------------------------------------------
# The project's trainer on a masked model: the same as model.fit
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["post", "pre"])
def test_the_trainer_equals_model_fit_for_a_masked_model(side):
    ds = text.sentiment(maxlen=12, padding=side, mask_zero=True)
    spec = models.ModelSpec(cell="lstm", units=8, embedding_dim=8)
    ours, theirs = models.build(spec, ds, seed=1), models.build(spec, ds, seed=1)
    assert ours.get_layer("embedding").mask_zero and theirs.get_layer("embedding").mask_zero
    config = training.TrainConfig(epochs=3, batch_size=32, learning_rate=0.01, shuffle=False)
    theirs.optimizer.learning_rate = 0.01
    result = training.train(ours, ds, config)
    history = theirs.fit(ds.x, ds.y, epochs=3, batch_size=32, shuffle=False, verbose=0).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)
    # the mask was in force: the same model without it trains to other weights
    unmasked = models.build(spec, text.sentiment(maxlen=12, padding=side), seed=1)
    training.train(unmasked, text.sentiment(maxlen=12, padding=side), config)
    assert np.abs(unmasked.get_weights()[1] - ours.get_weights()[1]).max() > 1e-3


def test_with_the_mask_pre_and_post_padding_train_the_same_model():
    spec = models.ModelSpec(cell="lstm", units=8, embedding_dim=8)
    config = training.TrainConfig(epochs=3, batch_size=32, learning_rate=0.01, seed=4)
    weights = {}
    for side in text.SIDES:
        ds = text.sentiment(maxlen=12, padding=side, mask_zero=True)
        model = models.build(spec, ds, seed=4)
        training.train(model, ds, config)
        weights[side] = model.get_weights()
    for pre, post in zip(weights["pre"], weights["post"], strict=True):
        np.testing.assert_allclose(pre, post, atol=1e-5)
