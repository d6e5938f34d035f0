"""Tests for lstm_core.trace: the numpy replay must agree with Keras itself."""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np
import pytest

from lstm_core import trace

ATOL = 1e-5
BATCH, STEPS, FEATURES, UNITS = 3, 6, 4, 5


@pytest.fixture(autouse=True)
def _seed() -> None:
    keras.utils.set_random_seed(1234)


def _x(shape=(BATCH, STEPS, FEATURES), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _randomise(layer: keras.layers.Layer, seed: int = 1, scale: float = 0.6) -> None:
    """Replace every weight (biases included, which default to zeros) by random values."""
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(scale=scale, size=w.shape) for w in layer.get_weights()])


def _built(layer: keras.layers.Layer, x: np.ndarray) -> keras.layers.Layer:
    layer(x)  # builds it
    _randomise(layer)
    return layer


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


LAYERS = {
    "lstm": lambda: keras.layers.LSTM(UNITS, return_sequences=True),
    "lstm_no_bias": lambda: keras.layers.LSTM(UNITS, return_sequences=True, use_bias=False),
    "lstm_no_unit_forget_bias": lambda: keras.layers.LSTM(
        UNITS, return_sequences=True, unit_forget_bias=False
    ),
    "lstm_backwards": lambda: keras.layers.LSTM(UNITS, return_sequences=True, go_backwards=True),
    "lstm_relu_hard_sigmoid": lambda: keras.layers.LSTM(
        UNITS, return_sequences=True, activation="relu", recurrent_activation="hard_sigmoid"
    ),
    "lstm_sigmoid_linear": lambda: keras.layers.LSTM(
        UNITS, return_sequences=True, activation="sigmoid", recurrent_activation=None
    ),
    "lstm_dropout": lambda: keras.layers.LSTM(
        UNITS, return_sequences=True, dropout=0.5, recurrent_dropout=0.5
    ),
    "lstm_cell_in_rnn": lambda: keras.layers.RNN(
        keras.layers.LSTMCell(UNITS), return_sequences=True
    ),
    "gru_reset_after": lambda: keras.layers.GRU(UNITS, return_sequences=True, reset_after=True),
    "gru_reset_before": lambda: keras.layers.GRU(UNITS, return_sequences=True, reset_after=False),
    "gru_no_bias": lambda: keras.layers.GRU(UNITS, return_sequences=True, use_bias=False),
    "gru_no_bias_reset_before": lambda: keras.layers.GRU(
        UNITS, return_sequences=True, use_bias=False, reset_after=False
    ),
    "gru_backwards": lambda: keras.layers.GRU(UNITS, return_sequences=True, go_backwards=True),
    "gru_relu_hard_sigmoid": lambda: keras.layers.GRU(
        UNITS, return_sequences=True, activation="relu", recurrent_activation="hard_sigmoid"
    ),
    "simple_rnn": lambda: keras.layers.SimpleRNN(UNITS, return_sequences=True),
    "simple_rnn_relu": lambda: keras.layers.SimpleRNN(
        UNITS, return_sequences=True, activation="relu"
    ),
    "simple_rnn_no_bias": lambda: keras.layers.SimpleRNN(
        UNITS, return_sequences=True, use_bias=False
    ),
    "simple_rnn_backwards": lambda: keras.layers.SimpleRNN(
        UNITS, return_sequences=True, go_backwards=True
    ),
    # An activation without a numpy twin goes through Keras itself.
    "simple_rnn_swish": lambda: keras.layers.SimpleRNN(
        UNITS, return_sequences=True, activation="swish"
    ),
    "lstm_softsign_custom": lambda: keras.layers.LSTM(
        UNITS,
        return_sequences=True,
        activation="softsign",
        recurrent_activation=lambda z: keras.ops.sigmoid(2.0 * z),
    ),
}


@pytest.mark.parametrize("kind", list(LAYERS))
def test_h_equals_the_layers_own_output(kind: str) -> None:
    x = _x()
    layer = _built(LAYERS[kind](), x)
    expected = np.asarray(layer(x, training=False))  # (batch, steps, units)
    result = trace.trace_layer(layer, x)
    assert result.h.shape == (BATCH, STEPS, UNITS)
    np.testing.assert_allclose(result.h, expected, atol=ATOL)
    assert result.name == layer.name
    np.testing.assert_array_equal(result.x, x)


@pytest.mark.parametrize(
    ("make", "cell", "gates"),
    [
        (keras.layers.LSTM, "lstm", {"input", "forget", "candidate", "output"}),
        (keras.layers.GRU, "gru", {"update", "reset", "candidate"}),
        (keras.layers.SimpleRNN, "simple_rnn", set()),
    ],
)
def test_cell_kind_gates_and_c(make, cell: str, gates: set[str]) -> None:
    x = _x()
    result = trace.trace_layer(_built(make(UNITS), x), x)
    assert result.cell == cell
    assert set(result.gates) == gates
    assert all(g.shape == (BATCH, STEPS, UNITS) for g in result.gates.values())
    assert (result.c is not None) == (cell == "lstm")


@pytest.mark.parametrize("make", [keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN])
def test_go_backwards_h_is_in_reading_order(make) -> None:
    x = _x()
    seq = _built(make(UNITS, go_backwards=True, return_sequences=True), x)
    last = make(UNITS, go_backwards=True)
    last(x)
    last.set_weights(seq.get_weights())
    result = trace.trace_layer(last, x)  # return_sequences=False: still every step traced
    np.testing.assert_allclose(result.h, np.asarray(seq(x)), atol=ATOL)
    np.testing.assert_allclose(result.h[:, -1], np.asarray(last(x)), atol=ATOL)
    # Step 0 read the LAST input step only, so it ignores the first one.
    changed = x.copy()
    changed[:, 0] += 5.0
    np.testing.assert_allclose(trace.trace_layer(last, changed).h[:, 0], result.h[:, 0])
    np.testing.assert_array_equal(result.x_steps[:, 0], x[:, -1])


def test_return_sequences_false_last_step_matches() -> None:
    x = _x()
    layer = _built(keras.layers.GRU(UNITS), x)
    np.testing.assert_allclose(trace.trace_layer(layer, x).h[:, -1], layer(x), atol=ATOL)


def _constant(layer: keras.layers.Layer, x: np.ndarray, value: float = 0.1) -> None:
    layer(x)
    layer.set_weights([np.full(w.shape, 0.0 if "bias" in w.path else value) for w in layer.weights])


def test_lstm_by_hand_with_constant_weights() -> None:
    x = np.array([[[1.0], [2.0]]], dtype="float32")  # 1 sample, 2 steps, 1 feature
    layer = keras.layers.LSTM(2, return_sequences=True)
    _constant(layer, x)
    result = trace.trace_layer(layer, x)
    # step 0: every pre-activation is 0.1 * 1 (h starts at zero)
    gate = _sigmoid(0.1)
    c0 = gate * 0.0 + gate * math.tanh(0.1)
    h0 = gate * math.tanh(c0)
    # step 1: 0.1 * 2 + 0.1 * (h0 + h0) from the two units
    z1 = 0.1 * 2.0 + 0.1 * 2 * h0
    c1 = _sigmoid(z1) * c0 + _sigmoid(z1) * math.tanh(z1)
    h1 = _sigmoid(z1) * math.tanh(c1)
    for name in ("input", "forget", "output"):
        np.testing.assert_allclose(result.gates[name][0, :, 0], [gate, _sigmoid(z1)], atol=1e-6)
    np.testing.assert_allclose(result.gates["candidate"][0, :, 1], [math.tanh(0.1), math.tanh(z1)])
    np.testing.assert_allclose(result.c[0, :, 0], [c0, c1], atol=1e-6)
    np.testing.assert_allclose(result.h[0, :, 1], [h0, h1], atol=1e-6)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_by_hand_with_constant_weights(reset_after: bool) -> None:
    x = np.array([[[1.0], [2.0]]], dtype="float32")
    layer = keras.layers.GRU(2, return_sequences=True, reset_after=reset_after)
    _constant(layer, x)
    h = trace.trace_layer(layer, x)
    z0 = _sigmoid(0.1)  # update and reset gates alike at step 0
    h0 = z0 * 0.0 + (1 - z0) * math.tanh(0.1)
    g1 = _sigmoid(0.2 + 0.1 * 2 * h0)  # update == reset at step 1
    # reset_after: r * (h U); before: (r * h) U -- equal here because all of U is 0.1
    cand1 = math.tanh(0.2 + g1 * 0.1 * 2 * h0)
    h1 = g1 * h0 + (1 - g1) * cand1
    np.testing.assert_allclose(h.gates["update"][0, :, 0], [z0, g1], atol=1e-6)
    np.testing.assert_allclose(h.gates["candidate"][0, :, 0], [math.tanh(0.1), cand1], atol=1e-6)
    np.testing.assert_allclose(h.h[0, :, 0], [h0, h1], atol=1e-6)


def test_simple_rnn_by_hand_matches_seed_formula() -> None:
    x = np.array([[[1.0], [2.0], [-1.0]]], dtype="float32")
    layer = keras.layers.SimpleRNN(3, return_sequences=True)
    _constant(layer, x, value=0.5)
    state, expected = 0.0, []
    for x_t in (1.0, 2.0, -1.0):  # output_t = tanh(W x_t + U state_t + b)
        state = math.tanh(0.5 * x_t + 0.5 * 3 * state)
        expected.append(state)
    np.testing.assert_allclose(trace.trace_layer(layer, x).h[0, :, 2], expected, atol=1e-6)


def test_lstm_state_and_gates_are_consistent() -> None:
    x = _x()
    result = trace.trace_layer(_built(keras.layers.LSTM(UNITS), x), x)
    g = result.gates
    np.testing.assert_allclose(result.h, g["output"] * np.tanh(result.c), atol=1e-6)
    c_prev = np.concatenate([np.zeros_like(result.c[:, :1]), result.c[:, :-1]], axis=1)
    np.testing.assert_allclose(
        result.c, g["forget"] * c_prev + g["input"] * g["candidate"], atol=1e-6
    )
    for name in ("input", "forget", "output"):
        assert ((g[name] >= 0) & (g[name] <= 1)).all()
    assert (np.abs(g["candidate"]) <= 1).all()
    assert np.ptp(g["forget"]) > 0.1  # really varies: not a constant placeholder


def test_stacked_lstms_in_sequential() -> None:
    x = _x()
    model = keras.Sequential(
        [
            keras.Input((STEPS, FEATURES)),
            keras.layers.LSTM(UNITS, return_sequences=True),
            keras.layers.LSTM(3),
            keras.layers.Dense(2),
        ]
    )
    _randomise(model, scale=0.4)
    first, second = trace.trace(model, x)
    assert [t.cell for t in (first, second)] == ["lstm", "lstm"]
    np.testing.assert_allclose(first.h, model.layers[0](x), atol=ATOL)
    np.testing.assert_allclose(second.x, first.h, atol=ATOL)  # fed the first one's outputs
    np.testing.assert_allclose(second.h[:, -1], model.layers[1](model.layers[0](x)), atol=ATOL)


def test_embedding_simple_rnn_gru_functional_model() -> None:
    tokens = np.random.default_rng(3).integers(0, 20, size=(BATCH, STEPS))
    inputs = keras.Input((STEPS,), dtype="int32")
    embedded = keras.layers.Embedding(20, 4)(inputs)
    rnn_out = keras.layers.SimpleRNN(6, return_sequences=True)(embedded)
    gru_out = keras.layers.GRU(UNITS, dropout=0.3)(rnn_out)
    model = keras.Model(inputs, keras.layers.Dense(1)(gru_out))
    _randomise(model, scale=0.5)
    traces = trace.trace(model, tokens)
    assert [t.cell for t in traces] == ["simple_rnn", "gru"]
    expected_embedded = np.asarray(model.layers[1](tokens))
    np.testing.assert_allclose(traces[0].x, expected_embedded, atol=1e-6)
    np.testing.assert_allclose(traces[1].x, traces[0].h, atol=ATOL)
    gru_output = keras.Model(inputs, gru_out)(tokens, training=False)
    np.testing.assert_allclose(traces[1].h[:, -1], gru_output, atol=ATOL)


def test_bidirectional_gives_forward_and_backward_traces() -> None:
    x = _x()
    model = keras.Sequential(
        [keras.Input((STEPS, FEATURES)), keras.layers.Bidirectional(keras.layers.GRU(UNITS))]
    )
    _randomise(model)
    forward, backward = trace.trace(model, x)
    assert (forward.go_backwards, backward.go_backwards) == (False, True)
    both = np.concatenate([forward.h[:, -1], backward.h[:, -1]], axis=-1)
    np.testing.assert_allclose(both, model(x), atol=ATOL)


def test_nested_and_unbuilt_models() -> None:
    x = _x()
    inner = keras.Sequential([keras.layers.SimpleRNN(3, return_sequences=True)])  # no Input
    inputs = keras.Input((STEPS, FEATURES))
    outer = keras.Model(inputs, keras.layers.LSTM(2)(inner(inputs)))
    _randomise(outer)
    rnn_trace, lstm_trace = trace.trace(outer, x)
    assert rnn_trace.cell == "simple_rnn"
    np.testing.assert_allclose(lstm_trace.x, inner(x), atol=ATOL)
    np.testing.assert_allclose(lstm_trace.h[:, -1], outer(x), atol=ATOL)
    unbuilt = keras.Sequential([keras.layers.GRU(2)])
    assert trace.trace(unbuilt, x)[0].h.shape == (BATCH, STEPS, 2)
    reshaping = keras.Sequential([keras.layers.Reshape((STEPS, 2)), keras.layers.GRU(2)])
    with pytest.raises(ValueError, match="could not run on this input"):
        trace.trace(reshaping, np.zeros((1, 7)))  # Keras' own error, reworded


def test_model_without_recurrent_layers_gives_no_traces() -> None:
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    assert trace.trace(model, np.zeros((1, 3))) == []


def test_trace_model_rejects_wrong_shape_and_accepts_one_sample() -> None:
    model = keras.Sequential([keras.Input((STEPS, 1)), keras.layers.LSTM(2)])
    with pytest.raises(ValueError, match="expects input of shape"):
        trace.trace(model, np.zeros((2, STEPS, 3)))
    (single,) = trace.trace(model, np.zeros((STEPS, 1)))
    assert single.h.shape == (1, STEPS, 2)


def test_step_values_match_the_arrays() -> None:
    x = _x()
    result = trace.trace_layer(_built(keras.layers.LSTM(UNITS), x), x)
    values = trace.step_values(result, sample=1, t=3, unit=2)
    assert values["x_t"] == pytest.approx(list(x[1, 3]))
    assert values["h_prev"] == pytest.approx(result.h[1, 2, 2])
    assert values["c_prev"] == pytest.approx(result.c[1, 2, 2])
    assert values["c_t"] == pytest.approx(result.c[1, 3, 2])
    assert values["h_t"] == pytest.approx(result.h[1, 3, 2])
    for name, gate in result.gates.items():
        assert values[name] == pytest.approx(gate[1, 3, 2])
    first = trace.step_values(result, 0, 0, 0)
    assert (first["h_prev"], first["c_prev"]) == (0.0, 0.0)
    with pytest.raises(ValueError, match="no step 6"):
        trace.step_values(result, 0, STEPS, 0)


def test_step_values_for_gru_backwards() -> None:
    x = _x()
    result = trace.trace_layer(_built(keras.layers.GRU(UNITS, go_backwards=True), x), x)
    values = trace.step_values(result, 0, 0, 1)
    assert set(values) == {"x_t", "h_prev", "update", "reset", "candidate", "h_t"}
    assert values["x_t"] == pytest.approx(list(x[0, -1]))  # step 0 read the last input


def test_two_dimensional_input_is_one_sample() -> None:
    x = _x()
    layer = _built(keras.layers.SimpleRNN(UNITS, return_sequences=True), x)
    result = trace.trace_layer(layer, x[0])
    np.testing.assert_allclose(result.h[0], np.asarray(layer(x))[0], atol=ATOL)


def test_unbuilt_layer_is_built_from_the_input() -> None:
    layer = keras.layers.LSTM(UNITS, return_sequences=True)
    x = _x()
    result = trace.trace_layer(layer, x)
    assert layer.built
    np.testing.assert_allclose(result.h, layer(x), atol=ATOL)


def test_wrong_feature_count_is_explained() -> None:
    layer = _built(keras.layers.LSTM(2), _x((1, STEPS, 1)))
    with pytest.raises(ValueError, match="3 features per step but this layer expects 1"):
        trace.trace_layer(layer, np.zeros((1, STEPS, 3)))


@pytest.mark.parametrize("bad", [np.zeros(5), np.zeros((1, 2, 3, 4)), "hello", [[1, 2], [3]]])
def test_bad_input_shapes_are_explained(bad) -> None:
    with pytest.raises(ValueError, match="input"):
        trace.trace_layer(keras.layers.GRU(2), bad)


def test_non_recurrent_layer_is_rejected() -> None:
    dense = keras.layers.Dense(3, name="my_dense")
    with pytest.raises(ValueError, match="'my_dense' is a Dense"):
        trace.trace_layer(dense, _x())


def test_layer_trace_is_frozen() -> None:
    x = _x()
    result = trace.trace_layer(_built(keras.layers.GRU(UNITS), x), x)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.h = result.h * 2  # type: ignore[misc]
    with pytest.raises(ValueError):
        result.h[0, 0, 0] = 1.0


@pytest.mark.parametrize(
    "kind", ["lstm", "gru_reset_after", "gru_reset_before", "simple_rnn", "gru_backwards"]
)
def test_initial_state_equals_keras_initial_state(kind: str) -> None:
    x = _x()
    layer = _built(LAYERS[kind](), x)
    rng = np.random.default_rng(3)
    states = [rng.normal(size=(BATCH, UNITS)).astype(np.float32)]
    if kind == "lstm":
        states.append(rng.normal(size=(BATCH, UNITS)).astype(np.float32))
    expected = np.asarray(layer(x, initial_state=states, training=False))
    result = trace.trace_layer(layer, x, initial_state=states)
    np.testing.assert_allclose(result.h, expected, atol=ATOL)
    from_zeros = trace.trace_layer(layer, x)
    assert not np.allclose(result.h[:, 0], from_zeros.h[:, 0], atol=1e-3), "the state matters"


def test_carrying_the_state_over_is_running_both_sequences_as_one() -> None:
    """Sequence B from A's final (h, c) equals the tail of A+B read in one go."""
    x = _x()
    a, b = x[:, :3], x[:, 3:]
    layer = _built(keras.layers.LSTM(UNITS, return_sequences=True), x)
    first = trace.trace_layer(layer, a)
    carried = trace.trace_layer(layer, b, initial_state=[first.h[:, -1], first.c[:, -1]])
    whole = trace.trace_layer(layer, x)
    np.testing.assert_allclose(carried.h, whole.h[:, 3:], atol=ATOL)
    np.testing.assert_allclose(carried.c, whole.c[:, 3:], atol=ATOL)
    one_sample = trace.trace_layer(layer, b[:1], initial_state=[first.h[0, -1], first.c[0, -1]])
    np.testing.assert_allclose(one_sample.h[0], whole.h[0, 3:], atol=ATOL)  # (units,) states


@pytest.mark.parametrize(
    "bad",
    [
        [np.zeros((BATCH, UNITS))],  # an LSTM needs h0 and c0
        [np.zeros((BATCH, UNITS + 1)), np.zeros((BATCH, UNITS))],
        [np.full((BATCH, UNITS), np.nan), np.zeros((BATCH, UNITS))],
        [["a"] * UNITS, np.zeros((BATCH, UNITS))],
        "h0",
    ],
)
def test_a_bad_initial_state_is_explained(bad) -> None:
    x = _x()
    layer = _built(keras.layers.LSTM(UNITS, return_sequences=True), x)
    with pytest.raises(ValueError, match="initial state"):
        trace.trace_layer(layer, x, initial_state=bad)


@pytest.mark.parametrize("kind", ["lstm", "gru", "simple_rnn"])
def test_a_model_that_masks_padding_is_traced_as_keras_runs_it(kind: str) -> None:
    """After Embedding(mask_zero=True) the layer skips the padding: h stays put there."""
    ids = np.array([[0, 0, 3, 5, 2, 7], [4, 6, 1, 0, 0, 0], [2, 3, 4, 5, 6, 7]], np.int32)
    inputs = keras.Input(shape=(STEPS,), dtype="int32")
    embedded = keras.layers.Embedding(10, FEATURES, mask_zero=True)(inputs)
    layers = keras.layers
    cells = {"lstm": layers.LSTM, "gru": layers.GRU, "simple_rnn": layers.SimpleRNN}
    layer = cells[kind](UNITS)
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(embedded)))
    _randomise(layer)
    [traced] = trace.trace(model, ids)
    embedding = model.layers[1]
    sequences = keras.layers.RNN(layer.cell, return_sequences=True)
    expected = np.asarray(sequences(embedding(ids), mask=embedding.compute_mask(ids)))
    np.testing.assert_allclose(traced.h, expected, atol=ATOL)
    assert np.all(traced.h[0, :2] == 0.0)  # front padding skipped: still the zero state
    np.testing.assert_array_equal(traced.h[1, 3:], np.repeat(traced.h[1, 2:3], 3, axis=0))
