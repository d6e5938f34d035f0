"""Tests for lstm_core.scratch: the seed-002 numpy loop must agree with Keras' SimpleRNN."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from lstm_core import scratch

ATOL = 1e-5
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")


def _weights(timesteps: int, features: int, units: int, seed: int):
    """Centred random weights, small enough that relu and linear stay near 1 for ~20 steps."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(timesteps, features))  # (T, F)
    W = rng.normal(scale=0.8 / np.sqrt(features), size=(units, features))  # (units, F)
    U = rng.normal(scale=0.8 / np.sqrt(units), size=(units, units))  # (units, units)
    b = rng.normal(scale=0.3, size=units)  # (units,)
    return x, W, U, b


def _keras_layer_outputs(x, W, U, b, activation):
    """Straight Keras, written here independently of scratch.keras_simple_rnn."""
    layer = keras.layers.SimpleRNN(W.shape[0], activation=activation, return_sequences=True)
    batch = x[None].astype("float32")
    layer(batch)  # builds it
    layer.set_weights([W.T, U.T, b])
    return np.asarray(layer(batch))[0]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("shape", [(1, 1, 1), (5, 3, 4), (12, 7, 2), (20, 2, 9)])
def test_loop_equals_keras_simple_rnn(shape, activation):
    x, W, U, b = _weights(*shape, seed=sum(shape))
    ours = scratch.simple_rnn(x, W, U, b, activation=activation)
    assert ours.outputs.shape == (shape[0], shape[2])
    expected = _keras_layer_outputs(x, W, U, b, activation)
    np.testing.assert_allclose(ours.outputs, expected, atol=ATOL, rtol=0)
    np.testing.assert_allclose(
        scratch.keras_simple_rnn(x, W, U, b, activation), expected, atol=ATOL, rtol=0
    )


def test_seed_example_with_the_seed_sizes_matches_keras():
    x, W, U, b = scratch.seed_example()  # (100, 32), (64, 32), (64, 64), (64,)
    assert (x.shape, W.shape, U.shape, b.shape) == ((100, 32), (64, 32), (64, 64), (64,))
    ours = scratch.simple_rnn(x, W, U, b)
    np.testing.assert_allclose(ours.outputs, _keras_layer_outputs(x, W, U, b, "tanh"), atol=ATOL)


def test_seed_example_draws_like_the_seed():
    np.random.seed(3)
    inputs = np.random.random((10, 4))
    W = np.random.random((6, 4))
    U = np.random.random((6, 6))
    b = np.random.random((6,))
    got = scratch.seed_example(timesteps=10, input_features=4, units=6, seed=3)
    for mine, theirs in zip(got, (inputs, W, U, b), strict=True):
        np.testing.assert_array_equal(mine, theirs)
        assert mine.min() >= 0 and mine.max() < 1


def test_the_seed_loop_itself_gives_the_same_outputs():
    x, W, U, b = scratch.seed_example(timesteps=9, input_features=5, units=7, seed=1)
    namespace = {"np": np, "inputs": x, "W": W, "U": U, "b": b, "output_features": 7}
    exec(scratch.SEED_LOOP, namespace)  # the six lines quoted on the page
    seed_outputs = np.stack(namespace["successive_outputs"], axis=0)
    np.testing.assert_allclose(scratch.simple_rnn(x, W, U, b).outputs, seed_outputs, atol=1e-12)


def test_constant_weights_by_hand():
    x = np.ones((3, 2))  # three steps of [1, 1]
    W = np.full((1, 2), 0.5)  # W·x_t = 1
    U = np.array([[0.5]])  # half of the state is carried on
    b = np.array([-0.25])
    linear = scratch.simple_rnn(x, W, U, b, activation="linear")
    # 1 - 0.25 = 0.75; 0.75 + 0.375 = 1.125; 0.75 + 0.5625 = 1.3125
    np.testing.assert_allclose(linear.outputs[:, 0], [0.75, 1.125, 1.3125])
    assert linear.steps[1]["Us"][0] == pytest.approx(0.375)
    relu = scratch.simple_rnn(-x, W, U, b, activation="relu")  # W·x_t = -1: always 0
    np.testing.assert_array_equal(relu.outputs, np.zeros((3, 1)))
    tanh = scratch.simple_rnn(x, W, U, b)
    first = np.tanh(0.75)
    np.testing.assert_allclose(tanh.outputs[:2, 0], [first, np.tanh(0.75 + 0.5 * first)])
    sigmoid = scratch.simple_rnn(x[:1], W, U, np.array([-1.0]), activation="sigmoid")
    assert sigmoid.outputs[0, 0] == pytest.approx(0.5)  # sigmoid(1 - 1)


def test_the_terms_of_every_step_add_up():
    x, W, U, b = _weights(6, 3, 4, seed=7)
    result = scratch.simple_rnn(x, W, U, b, activation="tanh")
    assert len(result.steps) == 6
    for t, step in enumerate(result.steps):
        assert set(step) == {"Wx", "Us", "b", "state_in", "output"}
        np.testing.assert_allclose(step["Wx"], W @ x[t])
        np.testing.assert_allclose(step["Us"], U @ step["state_in"])
        np.testing.assert_array_equal(step["b"], b)
        np.testing.assert_allclose(step["output"], np.tanh(step["Wx"] + step["Us"] + step["b"]))
        np.testing.assert_array_equal(step["output"], result.outputs[t])
        previous = np.zeros(4) if t == 0 else result.outputs[t - 1]
        np.testing.assert_array_equal(step["state_in"], previous)


def test_the_result_is_frozen_and_read_only():
    result = scratch.simple_rnn(*scratch.seed_example(4, 2, 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.outputs = None
    with pytest.raises(ValueError):
        result.outputs[0, 0] = 5.0
    x = np.zeros((2, 2))
    scratch.simple_rnn(x, np.ones((3, 2)), np.ones((3, 3)), np.ones(3))
    assert x.flags.writeable  # the caller's arrays are not touched


GOOD = scratch.seed_example(timesteps=4, input_features=3, units=2)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"x": np.zeros(3)}, "x must be a 2-D array"),
        ({"W": np.zeros((2, 4))}, "W has 4 columns but every x_t has 3 features"),
        ({"U": np.zeros((2, 3))}, "U must have shape (units, units) = (2, 2)"),
        ({"b": np.zeros(3)}, "b must have shape (units,) = (2,)"),
        ({"b": np.zeros((2, 1))}, "b must be a 1-D array"),
        ({"x": np.full((4, 3), np.nan)}, "x contains NaN"),
        ({"U": np.full((2, 2), np.inf)}, "U contains NaN or infinite"),
        ({"x": [["a", "b", "c"]]}, "x must contain numbers only"),
        ({"x": np.zeros((0, 3))}, "must not have a size 0"),
        ({"activation": "softmax"}, "Unknown activation 'softmax'"),
    ],
)
def test_bad_input_raises_a_sentence(change, words):
    args = dict(zip("xWUb", GOOD, strict=True)) | {"activation": "tanh"} | change
    with pytest.raises(ValueError) as info:
        scratch.simple_rnn(**args)
    assert words in str(info.value)
    assert str(info.value).endswith(".")


@pytest.mark.parametrize(
    "kwargs", [{"timesteps": 0}, {"units": 2.5}, {"input_features": True}, {"seed": -1}]
)
def test_seed_example_rejects_bad_sizes(kwargs):
    with pytest.raises(ValueError, match="whole number"):
        scratch.seed_example(**kwargs)


def test_example_bounds_come_from_the_schema():
    with pytest.raises(ValueError, match="Units must be between 1 and 64"):
        scratch.Example(units=65)
    with pytest.raises(ValueError, match="Activation must be one of"):
        scratch.Example(activation="elu")


def test_explore_the_page_default():
    result = scratch.explore(scratch.Example())
    assert result.rnn.outputs.shape == result.keras_outputs.shape == (8, 6)
    assert result.difference < ATOL and not result.overflowed
    terms = result.terms(2)
    assert list(terms) == ["x_t", "state_in", "Wx", "Us", "b", "z", "output"]
    np.testing.assert_allclose(np.tanh(terms["z"]), terms["output"])
    values = result.unit_values(2, 1)
    assert values["Wx"] == pytest.approx(np.dot(values["W_row"], values["x_t"]))
    assert values["Us"] == pytest.approx(np.dot(values["U_row"], values["state"]))
    assert values["output"] == pytest.approx(np.tanh(values["z"]))


def test_explore_reports_a_float32_overflow():
    result = scratch.explore(
        scratch.Example(timesteps=100, input_features=32, units=64, activation="linear")
    )
    assert result.overflowed and not np.isfinite(result.difference)
    assert np.all(np.isfinite(result.rnn.outputs))  # float64 still holds them


# ---------------------------------------------------------------- the LSTM loop (seed 004)


@pytest.mark.parametrize(("timesteps", "features", "units"), [(6, 3, 5), (1, 1, 1), (20, 8, 16)])
def test_lstm_loop_equals_a_keras_lstm_with_the_same_weights(timesteps, features, units):
    rng = np.random.default_rng(timesteps)
    x = rng.normal(size=(timesteps, features))
    kernel = rng.normal(scale=0.5, size=(features, 4 * units))
    recurrent = rng.normal(scale=0.5, size=(units, 4 * units))
    bias = rng.normal(scale=0.5, size=(4 * units,))
    steps = scratch.lstm(x, kernel, recurrent, bias)
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((1, timesteps, features))
    layer.set_weights([kernel, recurrent, bias])
    h_seq, _, _ = layer(x[None].astype("float32"))
    np.testing.assert_allclose(steps.h, np.asarray(h_seq)[0], atol=1e-5, rtol=1e-5)
    # c and the gates: the LSTM tracer replays the same layer step by step
    from lstm_core import trace

    traced = trace.trace_layer(layer, x[None])
    np.testing.assert_allclose(steps.c, traced.c[0], atol=1e-5, rtol=1e-5)
    assert tuple(steps.gates) == scratch.LSTM_GATES
    for gate in scratch.LSTM_GATES:
        np.testing.assert_allclose(steps.gates[gate], traced.gates[gate][0], atol=1e-5, rtol=1e-5)
        assert steps.gates[gate].shape == (timesteps, units)


def test_lstm_loop_by_hand_for_one_unit():
    """One unit, one step, weights chosen so that every gate is known: i=f=o=σ(1), c̃=tanh(1)."""
    steps = scratch.lstm([[1.0]], [[1.0, 1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0, 0.0]], [0, 0, 0, 0])
    sig = 1 / (1 + np.exp(-1.0))
    assert steps.c[0, 0] == pytest.approx(sig * np.tanh(1.0))
    assert steps.h[0, 0] == pytest.approx(sig * np.tanh(sig * np.tanh(1.0)))


@pytest.mark.parametrize(
    ("x", "kernel", "recurrent", "bias", "named"),
    [
        (np.zeros((3, 2)), np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(6), "bias"),
        (np.zeros((3, 2)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8), "kernel"),
        (np.zeros((3, 2)), np.zeros((2, 8)), np.zeros((2, 6)), np.zeros(8), "recurrent_kernel"),
        (np.zeros(3), np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), "x"),
        ([["a", "b"]], np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), "x"),
        (np.full((3, 2), np.nan), np.zeros((2, 8)), np.zeros((2, 8)), np.zeros(8), "x"),
    ],
)
def test_lstm_loop_explains_bad_shapes(x, kernel, recurrent, bias, named):
    with pytest.raises(ValueError, match=named):
        scratch.lstm(x, kernel, recurrent, bias)


def test_the_pages_lstm_example_matches_keras_and_names_one_units_step():
    x, kernel, recurrent, bias = scratch.lstm_example(7, 3, 5, seed=11)
    assert x.shape == (7, 3) and kernel.shape == (3, 20) and recurrent.shape == (5, 20)
    steps = scratch.lstm(x, kernel, recurrent, bias)
    np.testing.assert_allclose(steps.h, scratch.keras_lstm(x, kernel, recurrent, bias), atol=1e-5)
    gates = np.stack([steps.gates[g] for g in ("input", "forget", "output")])
    assert gates.min() < 0.2 and gates.max() > 0.8, "the example's gates open and close"
    v = steps.step_values(3, 2)
    assert v["c_t"] == pytest.approx(v["forget"] * v["c_prev"] + v["input"] * v["candidate"])
    assert v["h_t"] == pytest.approx(v["output"] * np.tanh(v["c_t"]))
    assert v["c_prev"] == steps.c[2, 2] and v["x_t"] == list(x[3])
    assert steps.step_values(0, 2)["h_prev"] == 0.0
