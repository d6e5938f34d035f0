"""Tests for lstm_core.gradients: per-step gradients must agree with Keras' own maths.

``step_gradients`` is checked against a plain ``tf.GradientTape`` around ``model(x)`` and
Keras' own ``model.compute_loss`` (for an Embedding model, through the gradient of the
embedding matrix: with every word used once, row w of that gradient is ∂L/∂(vector of
w)). ``cell_gradients`` is checked against central finite differences in float64 that
perturb c_t inside Keras' own LSTM layer, run from step t+1 with that state.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from lstm_core import gradients

SAMPLES, STEPS, FEATURES, UNITS, CLASSES = 3, 5, 2, 6, 3
VOCAB, EMBED = 40, 4  # VOCAB >= SAMPLES * STEPS: every (sample, step) gets its own word
RNNS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "simple_rnn": keras.layers.SimpleRNN}


def _recurrent(cell: str, seed: int, **options) -> keras.layers.Layer:
    return RNNS[cell](
        UNITS,
        kernel_initializer=keras.initializers.GlorotUniform(seed=seed),
        recurrent_initializer=keras.initializers.Orthogonal(seed=seed + 1),
        bias_initializer=keras.initializers.RandomNormal(stddev=0.5, seed=seed + 2),
        **options,
    )


def _model(
    cell: str = "lstm",
    *,
    embedding: bool = False,
    per_step: bool = False,
    stacked: bool = False,
    dropout: float = 0.0,
    head: str = "softmax",
    outputs: int = CLASSES,
    loss: object = "categorical_crossentropy",
    dtype: str = "float32",
    steps: int = STEPS,
    features: int = FEATURES,
    **options,
) -> keras.Model:
    """Input (or Embedding) -> [recurrent ->] recurrent -> Dense head, with fixed seeds."""
    if embedding:
        inputs = keras.Input(shape=(steps,), dtype="int32")
        h = keras.layers.Embedding(
            VOCAB,
            EMBED,
            embeddings_initializer=keras.initializers.RandomUniform(-0.5, 0.5, seed=10),
            dtype=dtype,
        )(inputs)
    else:
        inputs = keras.Input(shape=(steps, features), dtype=dtype)
        h = inputs
    rnn = dict(dropout=dropout, recurrent_dropout=dropout, dtype=dtype)
    if stacked:
        h = _recurrent(cell, 20, return_sequences=True, **rnn)(h)
    h = _recurrent(cell, 30, return_sequences=per_step, **rnn, **options)(h)
    out = keras.layers.Dense(
        outputs,
        activation=head,
        kernel_initializer=keras.initializers.GlorotUniform(seed=40),
        bias_initializer=keras.initializers.RandomNormal(stddev=0.3, seed=41),
        dtype=dtype,
    )(h)
    model = keras.Model(inputs, out)
    model.compile(loss=loss)
    return model


def _x(embedding: bool, steps: int = STEPS, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if embedding:  # distinct words, so each row of the embedding gradient is one step's
        return rng.permutation(VOCAB)[: SAMPLES * steps].reshape(SAMPLES, steps).astype("int32")
    return rng.normal(size=(SAMPLES, steps, FEATURES)).astype("float32")


def _classes(shape: tuple[int, ...], seed: int = 1) -> np.ndarray:
    labels = np.random.default_rng(seed).integers(0, CLASSES, shape)
    return np.eye(CLASSES, dtype="float32")[labels]  # one-hot, (*shape, CLASSES)


def _reference_step_gradients(model: keras.Model, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """‖∂L/∂x_t‖ with a plain tape around model(x); L = samples × Keras' mean loss."""
    embedding = next((la for la in model.layers if isinstance(la, keras.layers.Embedding)), None)
    x_in = tf.constant(x)
    with tf.GradientTape() as tape:
        if embedding is None:
            tape.watch(x_in)
        y_pred = model(x_in, training=False)
        loss = model.compute_loss(y=y, y_pred=y_pred) * len(x)  # sum of per-sample losses
    if embedding is None:
        return np.linalg.norm(tape.gradient(loss, x_in).numpy(), axis=2)
    table = tf.convert_to_tensor(tape.gradient(loss, embedding.embeddings)).numpy()
    return np.linalg.norm(table[x], axis=2)  # row of word x[s, t] = ∂L/∂e_{s,t}


def _assert_close(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-5) -> None:
    assert actual.shape == expected.shape
    assert np.max(expected) > 0
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=1e-6 * np.max(expected))


# ---------------------------------------------------------------- step_gradients


@pytest.mark.parametrize("embedding", [False, True], ids=["features", "embedding"])
@pytest.mark.parametrize("cell", list(RNNS))
def test_step_gradients_match_a_plain_tape_for_a_classifier(cell: str, embedding: bool) -> None:
    model = _model(cell, embedding=embedding)
    x, y = _x(embedding), _classes((SAMPLES,))
    g = gradients.step_gradients(model, x, y)
    assert g.shape == (SAMPLES, STEPS) and g.dtype == np.float64
    _assert_close(g, _reference_step_gradients(model, x, y))


@pytest.mark.parametrize("cell", list(RNNS))
def test_step_gradients_match_for_stacked_regression_with_dropout(cell: str) -> None:
    """mse on (samples,) targets against a (samples, 1) output; dropout is off."""
    model = _model(cell, stacked=True, dropout=0.4, head="linear", outputs=1, loss="mse")
    x = _x(False)
    y = np.random.default_rng(2).normal(size=SAMPLES).astype("float32")
    g = gradients.step_gradients(model, x, y)
    _assert_close(g, _reference_step_gradients(model, x, y))
    np.testing.assert_array_equal(g, gradients.step_gradients(model, x, y))  # no dropout noise


@pytest.mark.parametrize(("cell", "embedding"), [("lstm", False), ("simple_rnn", True)])
def test_step_gradients_match_for_a_per_step_output(cell: str, embedding: bool) -> None:
    model = _model(cell, embedding=embedding, per_step=True)
    x, y = _x(embedding), _classes((SAMPLES, STEPS))
    _assert_close(gradients.step_gradients(model, x, y), _reference_step_gradients(model, x, y))


def test_step_gradients_use_a_loss_object_too() -> None:
    model = _model("gru", head="sigmoid", outputs=1, loss=keras.losses.BinaryCrossentropy())
    x, y = _x(False), np.array([[1.0], [0.0], [1.0]], dtype="float32")
    _assert_close(gradients.step_gradients(model, x, y), _reference_step_gradients(model, x, y))


def _plain_mse(y_true, y_pred):  # unlike Keras' mse, it does not match the ranks itself
    return keras.ops.mean((y_true - y_pred) ** 2, axis=-1)


def test_step_gradients_match_ranks_for_a_plain_loss_function() -> None:
    """(samples,) targets against a (samples, 1) output must not broadcast to a square."""
    model = _model("simple_rnn", head="linear", outputs=1, loss=_plain_mse)
    x = _x(False)
    y = np.random.default_rng(4).normal(size=SAMPLES).astype("float32")
    _assert_close(gradients.step_gradients(model, x, y), _reference_step_gradients(model, x, y))


def test_step_gradients_of_a_linear_rnn_halve_at_every_step_back() -> None:
    """h_T = Σ_t w^(T-1-t) x_t with w = 0.5, so ∂L/∂x_t = 2 (h_T - y) w^(T-1-t)."""
    inputs = keras.Input(shape=(4, 1))
    h = keras.layers.SimpleRNN(
        1, activation="linear", use_bias=False, kernel_initializer="ones",
        recurrent_initializer=keras.initializers.Constant(0.5),
    )(inputs)  # fmt: skip
    out = keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")(h)
    model = keras.Model(inputs, out)
    model.compile(loss="mse")
    x = np.array([[[1.0], [2.0], [3.0], [4.0]]], dtype="float32")  # h_T = 0.125+0.5+1.5+4
    y = np.array([[5.125]], dtype="float32")  # h_T - y = 1
    g = gradients.step_gradients(model, x, y)
    np.testing.assert_allclose(g, [[0.25, 0.5, 1.0, 2.0]], rtol=1e-6)


def test_simple_rnn_gradients_vanish_over_long_sequences() -> None:
    """At init, x_1 barely moves the loss of a 60-step tanh SimpleRNN next to x_60."""
    steps = 60
    model = _model("simple_rnn", steps=steps, features=1)
    x = np.random.default_rng(3).normal(size=(8, steps, 1)).astype("float32")
    y = np.eye(CLASSES, dtype="float32")[np.arange(8) % CLASSES]
    mean = gradients.step_gradients(model, x, y).mean(axis=0)  # (steps,)
    assert np.all(mean > 0)
    assert mean[0] < 1e-2 * mean[-1]


def test_step_gradients_refuse_bad_input() -> None:
    model = _model("lstm")
    x, y = _x(False), _classes((SAMPLES,))
    with pytest.raises(ValueError, match="samples"):
        gradients.step_gradients(model, x, y[:2])
    with pytest.raises(ValueError, match="shape"):
        gradients.step_gradients(model, x[0], y)  # one sample without its batch axis
    with pytest.raises(ValueError, match="whole numbers"):
        gradients.step_gradients(_model("lstm", embedding=True), x[..., 0] + 0.5, y)
    uncompiled = keras.Model(model.inputs, model.outputs)
    with pytest.raises(ValueError, match="compile"):
        gradients.step_gradients(uncompiled, x, y)


def test_gradients_refuse_a_model_that_is_not_a_chain() -> None:
    inputs = keras.Input(shape=(STEPS, FEATURES))
    both = keras.layers.Concatenate()([keras.layers.LSTM(3)(inputs), keras.layers.GRU(3)(inputs)])
    model = keras.Model(inputs, keras.layers.Dense(CLASSES, activation="softmax")(both))
    model.compile(loss="categorical_crossentropy")
    for measure in (gradients.step_gradients, gradients.cell_gradients):
        with pytest.raises(ValueError, match="plain chain"):
            measure(model, _x(False), _classes((SAMPLES,)))


# ---------------------------------------------------------------- cell_gradients


def test_unrolled_lstm_matches_the_layer() -> None:
    layer = _recurrent(
        "lstm", 50, return_sequences=True, return_state=True, dropout=0.3,
        recurrent_dropout=0.3, activation="relu", recurrent_activation="hard_sigmoid",
    )  # fmt: skip
    x = tf.constant(_x(False, steps=7))
    sequence, _, last_cell = layer(x)
    hidden, cells = gradients._unroll_lstm(layer, x)
    assert len(cells) == 7 and cells[0].shape == (SAMPLES, UNITS)
    np.testing.assert_allclose(hidden.numpy(), sequence.numpy(), atol=1e-5)
    np.testing.assert_allclose(cells[-1].numpy(), last_cell.numpy(), atol=1e-5)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _finite_difference_cell_gradients(
    model: keras.Model, x: np.ndarray, y: np.ndarray, delta: float = 1e-5
) -> np.ndarray:
    """‖∂L_s/∂c_t‖ by nudging c_t (and so h_t = o_t tanh c_t) and running Keras' LSTM on."""
    layers = [la for la in model.layers if not isinstance(la, keras.layers.InputLayer)]
    k = next(i for i, la in enumerate(layers) if isinstance(la, keras.layers.LSTM))
    lstm, before, after = layers[k], layers[:k], layers[k + 1 :]
    lstm_x = x
    for layer in before:
        lstm_x = layer(lstm_x)
    lstm_x = np.asarray(lstm_x, dtype=np.float64)  # (samples, T, features)
    twin = keras.layers.LSTM.from_config(
        {**lstm.get_config(), "return_sequences": True, "return_state": True, "name": "twin"}
    )
    twin.build(lstm_x.shape)
    twin.set_weights(lstm.get_weights())
    hidden = twin(lstm_x)[0].numpy()  # (samples, T, units)
    W, U, b = lstm.get_weights()
    n, (samples, steps, _) = lstm.units, lstm_x.shape

    def losses(h_seq: np.ndarray) -> np.ndarray:  # per-sample loss, (samples,)
        out = h_seq if lstm.return_sequences else h_seq[:, -1]
        for layer in after:
            out = layer(out)
        values = keras.losses.get(model.loss)(y, out).numpy()
        return values.reshape(samples, -1).mean(axis=1)

    result = np.zeros((samples, steps))
    for t in range(steps):
        h_prev = hidden[:, t - 1] if t else np.zeros((samples, n))
        c_t = twin(lstm_x[:, : t + 1])[2].numpy()  # (samples, units)
        output_gate = _sigmoid((lstm_x[:, t] @ W + h_prev @ U + b)[:, 3 * n :])
        grad = np.zeros((samples, n))
        for j in range(n):
            nudged = []
            for sign in (1.0, -1.0):
                c = c_t.copy()
                c[:, j] += sign * delta
                h = output_gate * np.tanh(c)
                pieces = [hidden[:, :t], h[:, None]]
                if t < steps - 1:
                    pieces.append(twin(lstm_x[:, t + 1 :], initial_state=[h, c])[0].numpy())
                nudged.append(losses(np.concatenate(pieces, axis=1)))
            grad[:, j] = (nudged[0] - nudged[1]) / (2 * delta)
        result[:, t] = np.linalg.norm(grad, axis=1)
    return result


def test_cell_gradients_match_finite_differences_for_the_last_output() -> None:
    model = _model("lstm", dtype="float64")
    x, y = _x(False).astype("float64"), _classes((SAMPLES,)).astype("float64")
    g = gradients.cell_gradients(model, x, y)
    assert g.shape == (SAMPLES, STEPS)
    _assert_close(g, _finite_difference_cell_gradients(model, x, y), rtol=1e-6)


def test_cell_gradients_match_finite_differences_inside_a_stack() -> None:
    """Embedding -> LSTM (every step) -> GRU -> Dense: c_t reaches the loss through the GRU."""
    inputs = keras.Input(shape=(STEPS,), dtype="int32")
    h = keras.layers.Embedding(
        VOCAB,
        EMBED,
        embeddings_initializer=keras.initializers.RandomUniform(-0.5, 0.5, seed=10),
        dtype="float64",
    )(inputs)
    h = _recurrent("lstm", 60, return_sequences=True, dtype="float64")(h)
    h = _recurrent("gru", 70, dtype="float64")(h)
    out = keras.layers.Dense(CLASSES, activation="softmax", dtype="float64")(h)
    stack = keras.Model(inputs, out)
    stack.compile(loss="categorical_crossentropy")
    x, y = _x(True), _classes((SAMPLES,)).astype("float64")
    g = gradients.cell_gradients(stack, x, y)
    _assert_close(g, _finite_difference_cell_gradients(stack, x, y), rtol=1e-6)


def test_cell_gradients_refuse_models_without_a_forward_lstm() -> None:
    x, y = _x(False), _classes((SAMPLES,))
    with pytest.raises(ValueError, match="no LSTM layer"):
        gradients.cell_gradients(_model("gru"), x, y)
    with pytest.raises(ValueError, match="backwards"):
        gradients.cell_gradients(_model("lstm", go_backwards=True), x, y)
    with pytest.raises(ValueError, match="samples"):
        gradients.cell_gradients(_model("lstm"), x, y[:1])
