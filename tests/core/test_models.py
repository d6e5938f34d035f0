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
        ({"layers": 11}, "Layers must be between 1 and 10"),
        ({"dropout": 1.5}, "Dropout must be between"),
        ({"cell": "transformer"}, "Cell must be one of"),
        ({"activation": "softplus2"}, "Activation must be one of"),
    ],
)
def test_spec_rejects_absurd_settings(changes, message):
    with pytest.raises(ValueError, match=message):
        models.ModelSpec(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"dense_units_2": 5}, "Second Dense units is set but Hidden Dense units is 0"),
        ({"dense_units": 3, "dense_units_3": 4}, "Third Dense units is set but Second Dense units"),
        ({"dense_units_3": 4}, "is set but"),
    ],
)
def test_a_later_dense_layer_needs_the_earlier_ones(changes, message):
    with pytest.raises(ValueError, match=message):
        models.ModelSpec(**changes)


def test_ten_stacked_layers_build_with_return_sequences_on_all_but_the_last(seq):
    model = models.build(models.ModelSpec(cell="simple_rnn", units=3, layers=10), seq)
    flags = [layer.return_sequences for layer in models.recurrent_layers(model)]
    assert flags == [True] * 9 + [False]
    assert model(seq.x).shape == (6, 4)


def _keras_sequential(recurrent: list, dense: list[int]):
    """A plain ``keras.Sequential`` on (3, 1) windows, as seed 001 writes it."""
    import keras

    layers = [keras.Input((3, 1))]
    for k, units in enumerate(recurrent):
        last = k == len(recurrent) - 1
        layers.append(keras.layers.LSTM(units, activation="relu", return_sequences=not last))
    layers += [keras.layers.Dense(units) for units in dense] + [keras.layers.Dense(1)]
    return keras.Sequential(layers)


def test_seed_001_nine_stacked_lstms_have_the_parameters_keras_counts():
    wide = datasets.load("next_number", variant="wide")
    spec = models.ModelSpec(units=10, layers=9, activation="relu", dense_units=5)
    model = models.build(spec, wide)
    assert len(models.recurrent_layers(model)) == 9
    # the seed's stack, every LSTM(10) (its last one has 3 units; ModelSpec stacks equals)
    keras_model = _keras_sequential([10] * 9, [5])
    assert model.count_params() == keras_model.count_params() == 480 + 8 * 840 + 55 + 6


def test_seed_001_head_of_three_dense_layers_is_the_seeds_sequential_with_the_same_weights():
    wide = datasets.load("next_number", variant="wide")
    spec = models.ModelSpec(units=200, activation="relu", dense_units=10, dense_units_2=100,
                            dense_units_3=10)  # fmt: skip
    model = models.build(spec, wide, seed=2)
    names = [layer.name for layer in model.layers[2:]]
    assert names == ["hidden_dense", "hidden_dense_2", "hidden_dense_3", "output"]
    assert [layer.units for layer in model.layers[2:]] == [10, 100, 10, 1]
    keras_model = _keras_sequential([200], [10, 100, 10])  # the seed's LSTM(200) script
    assert model.count_params() == keras_model.count_params()
    keras_model.set_weights(model.get_weights())
    np.testing.assert_allclose(np.asarray(model(wide.x)), np.asarray(keras_model(wide.x)),
                               rtol=1e-5, atol=1e-4)  # fmt: skip
    assert models.hidden_dense(spec) == (10, 100, 10)


def test_a_head_of_only_the_first_dense_layer_keeps_its_name_and_seeds():
    ds = datasets.load("next_number")
    one = models.build(models.ModelSpec(units=4, dense_units=5), ds, seed=1)
    two = models.build(models.ModelSpec(units=4, dense_units=5, dense_units_2=3), ds, seed=1)
    assert [layer.name for layer in one.layers[2:]] == ["hidden_dense", "output"]
    # the layers before the new one start from the same weights as without it
    for a, b in zip(one.get_weights()[:5], two.get_weights()[:5], strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cell", models.CELLS)
def test_parameter_explanation_adds_up_to_keras(seq, cell):
    spec = models.ModelSpec(cell=cell, units=9, layers=2, dense_units=3, dense_units_2=4,
                            dense_units_3=2)  # fmt: skip
    model = models.build(spec, seq)
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
