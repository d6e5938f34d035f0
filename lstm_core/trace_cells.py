"""The numpy twins of Keras' recurrent cells, for the tracer: one step loop per cell kind.

Each runner reads a cell's weights and replays every time step, keeping what Keras
throws away: the hidden state h after each step, the LSTM cell state c, and every gate.
`lstm_core.trace` checks the layer and its input, then calls `_RUNNERS[kind]`.

The equations are Keras' own (keras/src/layers/rnn/{lstm,gru,simple_rnn}.py),
with `act` the layer's `activation` (tanh by default) and `rec_act` its
`recurrent_activation` (sigmoid by default); W = kernel, U = recurrent_kernel:

    LSTM (gates stored in the order i, f, c~, o):
        input_gate  = rec_act(x_t W_i + h U_i + b_i)
        forget_gate = rec_act(x_t W_f + h U_f + b_f)
        candidate   = act(x_t W_c + h U_c + b_c)
        output_gate = rec_act(x_t W_o + h U_o + b_o)
        cell        = forget_gate * cell + input_gate * candidate
        hidden      = output_gate * act(cell)           # act, not always tanh
    GRU (stored in the order z, r, h~):
        update = rec_act(x_t W_z + b_z + h U_z + b'_z)   # b' only when reset_after
        reset  = rec_act(x_t W_r + b_r + h U_r + b'_r)
        reset_after=True:  candidate = act(x_t W_h + b_h + reset * (h U_h + b'_h))
        reset_after=False: candidate = act(x_t W_h + b_h + (reset * h) U_h)
        hidden = update * hidden + (1 - update) * candidate   # update keeps the OLD state
    SimpleRNN:
        hidden = act(x_t W + h U + b)
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

GATE_NAMES: dict[str, tuple[str, ...]] = {
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("update", "reset", "candidate"),
    "simple_rnn": (),
}

Activation = Callable[[np.ndarray], np.ndarray]

# ---------------------------------------------------------------- activations


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow


def _hard_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.clip(z / 6.0 + 0.5, 0.0, 1.0)  # Keras 3: relu6(z + 3) / 6


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _linear(z: np.ndarray) -> np.ndarray:
    return z


_NUMPY_TWINS: tuple[tuple[Callable, Activation], ...] = (
    (keras.activations.tanh, np.tanh),
    (keras.activations.sigmoid, _sigmoid),
    (keras.activations.hard_sigmoid, _hard_sigmoid),
    (keras.activations.relu, _relu),
    (keras.activations.linear, _linear),
)


def _numpy_activation(fn: Callable | None) -> Activation:
    """A numpy version of a Keras activation: a fast twin, or the function itself."""
    if fn is None:
        return _linear
    for keras_fn, twin in _NUMPY_TWINS:
        if fn is keras_fn:
            return twin

    def via_keras(z: np.ndarray) -> np.ndarray:
        out = fn(z.astype(np.float32))  # the layer's own maths, in its own dtype
        return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)

    return via_keras


# ---------------------------------------------------------------- the cells


def _weights(cell: keras.Layer) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """kernel W (features, k*units), recurrent kernel U (units, k*units), bias or None."""
    W = np.asarray(cell.kernel.numpy(), dtype=np.float64)
    U = np.asarray(cell.recurrent_kernel.numpy(), dtype=np.float64)
    bias = getattr(cell, "bias", None) if cell.use_bias else None
    b = None if bias is None else np.asarray(bias.numpy(), dtype=np.float64)
    return W, U, b


def _empty(batch: int, steps: int, units: int, names: tuple[str, ...]) -> dict:
    return {name: np.empty((batch, steps, units)) for name in names}


def _run_lstm(cell: keras.Layer, x: np.ndarray, state: list[np.ndarray]) -> dict[str, np.ndarray]:
    W, U, b = _weights(cell)
    act, rec_act = _numpy_activation(cell.activation), _numpy_activation(cell.recurrent_activation)
    batch, steps, _ = x.shape
    n = cell.units
    xw = x @ W + (0.0 if b is None else b)  # (batch, T, 4*units), all steps at once
    out = _empty(batch, steps, n, ("h", "c", *GATE_NAMES["lstm"]))
    hidden, cell_state = state  # (batch, units) each: h and c before the first step
    for t in range(steps):
        z = xw[:, t] + hidden @ U  # (batch, 4*units): x_t W + h U + b
        input_gate = rec_act(z[:, :n])  # (batch, units)
        forget_gate = rec_act(z[:, n : 2 * n])
        candidate = act(z[:, 2 * n : 3 * n])
        output_gate = rec_act(z[:, 3 * n :])
        cell_state = forget_gate * cell_state + input_gate * candidate
        hidden = output_gate * act(cell_state)
        for key, value in (
            ("h", hidden),
            ("c", cell_state),
            ("input", input_gate),
            ("forget", forget_gate),
            ("candidate", candidate),
            ("output", output_gate),
        ):
            out[key][:, t] = value
    return out


def _gru_biases(cell: keras.Layer, b: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(input bias, recurrent bias), each (3*units,); the recurrent one only with reset_after."""
    zeros = np.zeros(3 * cell.units)
    if b is None:
        return zeros, zeros
    if cell.reset_after:
        return b[0], b[1]  # bias is (2, 3*units)
    return b, zeros  # bias is (3*units,)


def _run_gru(cell: keras.Layer, x: np.ndarray, state: list[np.ndarray]) -> dict[str, np.ndarray]:
    W, U, b = _weights(cell)
    b_in, b_rec = _gru_biases(cell, b)
    act, rec_act = _numpy_activation(cell.activation), _numpy_activation(cell.recurrent_activation)
    batch, steps, _ = x.shape
    n = cell.units
    xw = x @ W + b_in  # (batch, T, 3*units), all steps at once
    out = _empty(batch, steps, n, ("h", *GATE_NAMES["gru"]))
    (hidden,) = state  # (batch, units)
    for t in range(steps):
        x_z, x_r, x_h = xw[:, t, :n], xw[:, t, n : 2 * n], xw[:, t, 2 * n :]
        h_zr = hidden @ U[:, : 2 * n] + b_rec[: 2 * n]  # (batch, 2*units)
        update = rec_act(x_z + h_zr[:, :n])  # (batch, units)
        reset = rec_act(x_r + h_zr[:, n:])
        if cell.reset_after:
            candidate = act(x_h + reset * (hidden @ U[:, 2 * n :] + b_rec[2 * n :]))
        else:
            candidate = act(x_h + (reset * hidden) @ U[:, 2 * n :])
        hidden = update * hidden + (1.0 - update) * candidate
        out["h"][:, t], out["update"][:, t] = hidden, update
        out["reset"][:, t], out["candidate"][:, t] = reset, candidate
    return out


def _run_simple_rnn(
    cell: keras.Layer, x: np.ndarray, state: list[np.ndarray]
) -> dict[str, np.ndarray]:
    W, U, b = _weights(cell)
    act = _numpy_activation(cell.activation)
    batch, steps, _ = x.shape
    xw = x @ W + (0.0 if b is None else b)  # (batch, T, units), all steps at once
    h = np.empty((batch, steps, cell.units))
    (hidden,) = state  # (batch, units)
    for t in range(steps):
        hidden = act(xw[:, t] + hidden @ U)  # (batch, units)
        h[:, t] = hidden
    return {"h": h}


_RUNNERS = {"lstm": _run_lstm, "gru": _run_gru, "simple_rnn": _run_simple_rnn}
