"""An own series (seeds 001 and 003): test part, scaler fit, several features, every step."""

import numpy as np
import pytest

from lstm_core import datasets, models, series, training

RISING = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
TENS = "10, 20, 30, 40, 50, 60, 70, 80, 90, 100"


def own(**options):
    return datasets.load("next_number", series=RISING, window_size=3, **options)


def test_the_test_part_is_the_last_windows_kept_out_of_training():
    ds = own(test_share=0.2)
    assert ds.x.shape == (6, 3, 1) and ds.raw_y.tolist() == [4, 5, 6, 7, 8, 9]
    test = ds.held_out
    assert test.x.shape == (1, 3, 1) and test.labels == ["[7, 8, 9] → 10"]
    assert test.targets() == [10.0] and test.starts.tolist() == [6]
    assert own().held_out is None  # no test part unless asked for
    assert own(test_share=0.5).held_out.x.shape[0] == 4  # round(3.5) = 4 of 7
    wide = datasets.load("next_number", series=RISING, window_size=8, test_share=0.2)
    assert len(wide.x) == 1 and len(wide.held_out.x) == 1  # at least one each


@pytest.mark.parametrize("kind", ["minmax", "standard"])
def test_the_scaler_sees_the_training_windows_only_unless_told_to_leak(kind):
    values = np.arange(1.0, 11.0)
    rule, leak = own(test_share=0.2, scaling=kind), own(test_share=0.2, scaling=kind,
                                                        scaler_fit="all")  # fmt: skip
    fitted_on = {"train": values[:-1], "all": values}  # the test target 10 is the last value
    for ds, fit in ((rule, "train"), (leak, "all")):
        expected = datasets.Scaler.fit(fitted_on[fit], kind)
        assert ds.scaler == expected and ds.options["scaler_fit"] == fit
        np.testing.assert_allclose(ds.x[:, :, 0], expected.transform(ds.raw_x), rtol=1e-6)
        np.testing.assert_allclose(ds.held_out.y[:, 0], expected.transform([10.0]), rtol=1e-6)
    if kind == "minmax":
        assert rule.held_out.y[0, 0] == pytest.approx(9 / 8)  # above the top of what it saw
        assert leak.held_out.y[0, 0] == pytest.approx(1.0)  # the leak: exactly the top
    assert rule.held_out.decode(rule.held_out.y[0]) == pytest.approx(10)


def test_several_features_are_windowed_and_scaled_each_by_its_own_scaler():
    ds = own(test_share=0.2, scaling="minmax", extra_features=(("tens", TENS),),
             series_name="ones")  # fmt: skip
    assert ds.x.shape == (6, 3, 2) and ds.features == 2 and ds.raw_x.shape == (6, 3, 2)
    assert ds.feature_names == ["ones", "tens"] and ds.series.shape == (10, 2)
    assert ds.raw_x[0].tolist() == [[1, 10], [2, 20], [3, 30]]
    assert ds.raw_y.tolist() == [4, 5, 6, 7, 8, 9]  # the first feature is predicted
    ones, tens = ds.feature_scalers
    assert (ones.offset, ones.scale) == (1, 8) and (tens.offset, tens.scale) == (10, 80)
    assert ds.scaler is ones
    np.testing.assert_allclose(ds.x[..., 1], (ds.raw_x[..., 1] - 10) / 80, rtol=1e-6)
    typed = ds.encode("7, 70; 8, 80; 9, 90")
    np.testing.assert_allclose(typed, ds.held_out.x, rtol=1e-6)
    table = series.table(ds)
    assert table["x1"][0] == "1, 10" and table["y"] == [4, 5, 6, 7, 8, 9]
    assert table["x scaled"][0] == "0.00, 0.00; 0.12, 0.12; 0.25, 0.25"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("7, 70; 8, 80", "Type exactly 3 steps separated by ';' \\(you typed 2\\)"),
        ("7, 70, 8, 80, 9, 90", "you typed 1\\), each step 2 numbers separated by commas"),
        ("7, 70; 8; 9, 90", "Step 2 is '8', but every step needs 2 numbers \\(ones, tens\\)"),
        ("7, 70; 8, x; 9, 90", "'x' is not a number"),
        ("", "Type exactly 3 steps"),
    ],
)
def test_typed_input_with_several_features_is_explained(typed, message):
    ds = own(extra_features=(("tens", TENS),), series_name="ones")
    with pytest.raises(ValueError, match=message):
        ds.encode(typed)


def test_a_target_at_every_step_is_the_value_after_each_step():
    ds = own(test_share=0.2, scaling="minmax", every_step=True)
    assert ds.y.shape == (6, 3, 1) and ds.sequence_output and ds.n_outputs == 1
    assert ds.raw_y[0].tolist() == [2, 3, 4] and ds.raw_y[-1].tolist() == [7, 8, 9]
    np.testing.assert_allclose(ds.y[..., 0], (ds.raw_y - 1) / 8, rtol=1e-6)
    assert ds.targets() == [4, 5, 6, 7, 8, 9]  # the number after the whole window
    assert ds.decode(np.array([[0.0], [0.5], [1.0]])) == pytest.approx(9)
    assert ds.decode_steps(np.array([[0.0], [0.5], [1.0]])) == pytest.approx([1, 5, 9])
    assert ds.held_out.raw_y.tolist() == [[8, 9, 10]]
    assert series.table(ds)["y at every step"][0] == "2, 3, 4"


def test_a_many_to_many_model_is_built_from_the_data_alone():
    ds = own(every_step=True, extra_features=(("tens", TENS),))
    model = models.build(models.ModelSpec(units=4, layers=2), ds)
    assert model.output_shape == (None, None, 1)  # a number at every step
    assert all(layer.return_sequences for layer in models.recurrent_layers(model))
    assert model.input_shape == (None, None, 2)
    dense = models.build(models.ModelSpec(cell="dense", units=4), ds)
    assert dense.output_shape == (None, 3, 1)  # no Flatten: a Dense per step


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"test_share": 0.2, "window_size": 9}, "gives 1 window, and a test part needs at least 2"),
        ({"test_share": 0.7}, "between 0 and 0.5 of the windows"),
        ({"scaler_fit": "test"}, "Unknown scaler fit 'test'"),
        ({"extra_features": (("tens", "1, 2, 3"),)}, "'tens' has 3 values but 'series' has 10"),
        ({"extra_features": (("a", TENS),) * 2}, "The feature 'a' is chosen twice"),
        ({"extra_features": tuple((f"f{i}", TENS) for i in range(8))}, "at most 8 columns"),
    ],
)
def test_bad_options_are_explained(options, message):
    options = {"window_size": 3, **options}
    with pytest.raises(ValueError, match=message):
        datasets.load("next_number", series=RISING, **options)


def test_the_tutorial_windows_have_no_test_part_or_features():
    with pytest.raises(ValueError, match="need your own series"):
        datasets.load("next_number", variant="wide", test_share=0.2)
    small = datasets.load("next_number")
    assert small.held_out is None and not small.sequence_output and small.features == 1


def _fit_like(model, ds, epochs, batch_size):
    return model.fit(ds.x, ds.y, epochs=epochs, batch_size=batch_size, shuffle=False,
                     verbose=0)  # fmt: skip


@pytest.mark.parametrize("batch_size", [6, 4])  # one batch; a smaller last batch
def test_many_to_many_with_two_features_trains_exactly_as_model_fit(batch_size):
    ds = own(test_share=0.2, scaling="minmax", every_step=True, extra_features=(("tens", TENS),))
    spec = models.ModelSpec(units=6, dense_units=3)
    ours, theirs = models.build(spec, ds, seed=3), models.build(spec, ds, seed=3)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    theirs.optimizer.learning_rate = 0.01
    cfg = training.TrainConfig(epochs=5, batch_size=batch_size, learning_rate=0.01,
                               shuffle=False)  # fmt: skip
    result = training.train(ours, ds, cfg)
    history = _fit_like(theirs, ds, 5, batch_size).history
    np.testing.assert_allclose(result.history["loss"], history["loss"], rtol=1e-4)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(w_ours, w_theirs, atol=1e-5)
    loss = training.evaluate(ours, ds.held_out)["loss"]
    keras_loss = ours.evaluate(ds.held_out.x, ds.held_out.y, verbose=0)
    assert loss == pytest.approx(keras_loss, rel=1e-4)
