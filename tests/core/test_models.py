"""ModelSpec validation, build() heads and stacking, and parameter formulas vs Keras."""

import numpy as np
import pytest

from lstm_core import datasets, models, params


@pytest.fixture(scope="module")
def seq():
    return datasets.load("sequence_classification")


def test_seed_000_architecture(seq):
    spec = models.ModelSpec(units=128, dropout=0.2, recurrent_dropout=0.2, head="sigmoid",
                            loss="binary_crossentropy")  # fmt: skip
    model = models.build(spec, seq)
    lstm, out = models.recurrent_layers(model)[0], model.layers[-1]
    assert lstm.units == 128 and lstm.dropout == 0.2 and lstm.recurrent_dropout == 0.2
    assert out.units == 4 and out.activation.__name__ == "sigmoid"
    assert model.loss == "binary_crossentropy"
    assert model.count_params() == 4 * (128 * (128 + 1) + 128) + 128 * 4 + 4


def test_seed_001_architecture():
    ds = datasets.load("next_number")
    model = models.build(models.ModelSpec(units=10, activation="relu", dense_units=5), ds)
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == ["LSTM", "Dense", "Dense"]
    assert model.layers[1].activation.__name__ == "relu"
    assert [model.layers[2].units, model.layers[3].units] == [5, 1]
    assert model.loss == "mse"
    assert model.layers[1].count_params() == 480  # the blog's 4·(10·(10+1)+10)
    assert model.output_shape == (None, 1)


def test_stacking_sets_return_sequences_on_all_but_last(seq):
    model = models.build(models.ModelSpec(cell="gru", units=8, layers=3), seq)
    flags = [layer.return_sequences for layer in models.recurrent_layers(model)]
    assert flags == [True, True, False]
    hello = datasets.load("hello")
    model = models.build(models.ModelSpec(units=8, layers=2), hello)
    assert model.output_shape == (None, None, 4)  # next character at every step
    assert model.layers[-1].activation.__name__ == "softmax"


def test_dense_network_sees_the_flattened_window():
    ds = datasets.load("next_number")
    model = models.build(models.ModelSpec(cell="dense", units=33, activation="relu",
                                          dense_units=5), ds)  # fmt: skip
    assert type(model.layers[1]).__name__ == "Flatten"
    assert model(ds.x).shape == (4, 1)


def test_same_seed_same_weights(seq):
    spec = models.ModelSpec(units=16)
    a, b = models.build(spec, seq, seed=3), models.build(spec, seq, seed=3)
    c = models.build(spec, seq, seed=4)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"units": 100000}, "Units must be between 1 and 512"),
        ({"units": 0}, "Units must be between"),
        ({"units": 2.5}, "whole number"),
        ({"layers": 9}, "Layers must be between 1 and 4"),
        ({"dropout": 1.5}, "Dropout must be between"),
        ({"cell": "transformer"}, "Cell must be one of"),
        ({"activation": "softplus2"}, "Activation must be one of"),
    ],
)
def test_spec_rejects_absurd_settings(changes, message):
    with pytest.raises(ValueError, match=message):
        models.ModelSpec(**changes)


@pytest.mark.parametrize("cell", models.CELLS)
def test_parameter_explanation_adds_up_to_keras(seq, cell):
    model = models.build(models.ModelSpec(cell=cell, units=9, layers=2, dense_units=3), seq)
    rows = params.explain(model)
    assert sum(r.count for r in rows) == model.count_params()
    for row, layer in zip(rows, model.layers[1:], strict=True):
        assert row.count == layer.count_params()


def test_parameter_formula_text_for_lstm():
    ds = datasets.load("next_number")
    model = models.build(models.ModelSpec(units=10, activation="relu", dense_units=5), ds)
    row = params.explain(model)[0]
    assert row.formula == "4·(units·(units + input_dim) + units)"
    assert row.filled == "4·(10·(10 + 1) + 10)" and row.count == 480


def test_parameter_formula_without_bias_and_gru_reset_before():
    import keras

    inputs = keras.Input((None, 3))
    h = keras.layers.GRU(5, reset_after=False, return_sequences=True)(inputs)
    h = keras.layers.LSTM(4, use_bias=False)(h)
    model = keras.Model(inputs, keras.layers.Dense(2, use_bias=False)(h))
    rows = params.explain(model)
    assert [r.count for r in rows] == [layer.count_params() for layer in model.layers[1:]]
