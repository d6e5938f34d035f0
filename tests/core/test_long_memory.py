"""The long-memory task (seed 004's long-term dependency) and training on word indices."""

import numpy as np
import pytest

from lstm_core import datasets, models, training
from lstm_core.datasets import Dataset


def test_the_class_is_the_first_symbol_and_nothing_else():
    ds = datasets.load("long_memory", length=30, samples=200, seed=3)
    assert ds.x.shape == (200, 30, 8) and ds.y.shape == (200, 4)
    np.testing.assert_array_equal(ds.x[:, 0, :4].argmax(-1), ds.y.argmax(-1))
    # only the first step holds a class symbol; every later step is a distractor
    assert ds.x[:, 1:, :4].sum() == 0 and np.all(ds.x[:, 1:, 4:].sum(-1) == 1)
    # shuffling the distractors of every sample changes no label
    rng = np.random.default_rng(0)
    shuffled = ds.x.copy()
    shuffled[:, 1:] = shuffled[rng.permutation(200), 1:]
    np.testing.assert_array_equal(shuffled[:, 0, :4].argmax(-1), ds.y.argmax(-1))


def test_held_out_part_is_new_data_of_the_same_task():
    ds = datasets.load("long_memory", length=12, samples=64, seed=1)
    test = ds.held_out
    assert test.x.shape[1:] == ds.x.shape[1:] and test.held_out is None
    assert not np.array_equal(test.x[:64], ds.x)  # another draw, not a copy
    counts = np.bincount(test.y.argmax(-1), minlength=4)
    assert counts.min() > 0.15 * len(test.y)  # every class appears, roughly evenly


def test_same_seed_same_data_and_typed_symbols_encode():
    a = datasets.load("long_memory", length=10, samples=16, seed=5)
    b = datasets.load("long_memory", length=10, samples=16, seed=5)
    np.testing.assert_array_equal(a.x, b.x)
    x = a.encode("b x, w z")
    assert x.shape == (1, 4, 8)
    assert x[0].argmax(-1).tolist() == [1, 5, 4, 7]  # B, then x w z


@pytest.mark.parametrize(
    "options, words",
    [
        ({"length": 1}, "length"),
        ({"length": 501}, "length"),
        ({"samples": 2.5}, "samples"),
        ({"length": True}, "length"),
    ],
)
def test_bad_options_say_what_to_change(options, words):
    with pytest.raises(ValueError, match=words):
        datasets.load("long_memory", **options)


@pytest.mark.parametrize("typed", ["", "B q x", "B" + "x" * 600, 3])
def test_bad_typed_sequences_get_a_sentence(typed):
    ds = datasets.load("long_memory", length=10, samples=16)
    with pytest.raises(ValueError):
        ds.encode(typed)


def _tokens() -> Dataset:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 30, (40, 7)).astype(np.int32)
    y = np.eye(2, dtype=np.float32)[(x[:, 0] > 15).astype(int)]
    return Dataset(name="tokens", x=x, y=y, task="classification", description="",
                   labels=[""] * 40, class_names=["no", "yes"],
                   words=[f"w{i}" for i in range(30)])  # fmt: skip


def test_word_indices_train_through_an_embedding_exactly_as_model_fit():
    """Adam on an Embedding follows Keras' sparse rule (squares per word read)."""
    ds = _tokens()
    spec = models.ModelSpec(cell="lstm", units=8, embedding_dim=4)
    ours, theirs = models.build(spec, ds), models.build(spec, ds)
    assert ours.layers[1].__class__.__name__ == "Embedding"
    cfg = training.TrainConfig(epochs=5, batch_size=8, learning_rate=0.01, shuffle=False)
    result = training.train(ours, ds, cfg)
    theirs.optimizer.learning_rate = 0.01
    history = theirs.fit(ds.x, ds.y, epochs=5, batch_size=8, shuffle=False, verbose=0).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-5)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)


def test_evaluate_equals_keras_evaluate():
    ds = datasets.load("long_memory", length=6, samples=32, seed=2)
    model = models.build(models.ModelSpec(cell="gru", units=4), ds, seed=2)
    ours = training.evaluate(model, ds.held_out)
    loss, accuracy = model.evaluate(ds.held_out.x, ds.held_out.y, verbose=0)
    assert ours["loss"] == pytest.approx(loss, rel=1e-5)
    assert ours["accuracy"] == pytest.approx(accuracy, abs=1e-6)


def test_unit_forget_bias_is_a_setting_of_the_lstm():
    ds = datasets.load("long_memory", length=6, samples=16)
    on = models.build(models.ModelSpec(units=3, unit_forget_bias=True), ds)
    off = models.build(models.ModelSpec(units=3, unit_forget_bias=False), ds)
    bias_on, bias_off = on.layers[1].cell.bias.numpy(), off.layers[1].cell.bias.numpy()
    np.testing.assert_array_equal(bias_on[3:6], 1.0)  # gates i f c o: f is units 3..5
    np.testing.assert_array_equal(bias_off, 0.0)
