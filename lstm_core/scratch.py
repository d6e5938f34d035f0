"""A SimpleRNN written from scratch in numpy: the loop of seed 002, every step kept.

The seed writes the recurrent layer as six lines of numpy (``SEED_LOOP``)::

    output_t = activation(W·x_t + U·state_t + b);  state_t = output_t

with the seed's shapes: ``x`` (timesteps, input_features), ``W`` (units,
input_features), ``U`` (units, units), ``b`` (units,). ``simple_rnn`` runs that
loop and keeps the named terms of every step, so a page can show what flows
where. Keras stores the same weights transposed (its ``kernel`` is ``W.T``, its
``recurrent_kernel`` is ``U.T``); ``keras_simple_rnn`` runs them through a real
``keras.layers.SimpleRNN`` to show that both compute the same numbers.

``Example`` is the schema of the page's settings (bounds up to the seed's own
sizes) and ``explore`` computes everything the page shows for one of them.
Only numpy is imported here; Keras is imported inside ``keras_simple_rnn``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lstm_core import schema

SEED_LOOP = """\
state_t = np.zeros((output_features,))
successive_outputs = []
for input_t in inputs:
    output_t = np.tanh(np.dot(W, input_t) + np.dot(U, state_t) + b)
    successive_outputs.append(output_t)
    state_t = output_t"""

KERAS_CODE = """\
layer = keras.layers.SimpleRNN(units, activation="{activation}", return_sequences=True)
layer.build((1, timesteps, input_features))
layer.set_weights([W.T, U.T, b])  # kernel, recurrent kernel, bias
keras_outputs = layer(inputs[None])[0]  # (timesteps, units)"""  # str.format(activation=)

TERMS = ("Wx", "Us", "b", "state_in", "output")  # the keys of every step's dict


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z) without overflow


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
}


@dataclass(frozen=True)
class RNNSteps:
    """What the loop computed: the output sequence and the named terms of every step."""

    outputs: np.ndarray  # (timesteps, units): output_t of every step, stacked
    steps: list[dict[str, np.ndarray]]  # one dict per t: "Wx", "Us", "b", "state_in", "output"
    activation: str = "tanh"


def _array(value: object, name: str, ndim: int, shape_text: str) -> np.ndarray:
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numbers only.") from exc
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array of shape {shape_text}; got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; the loop needs real numbers.")
    arr.setflags(write=False)
    return arr


def _check(x, W, U, b, activation: str) -> tuple[np.ndarray, ...]:
    """The four arrays as read-only floats, or a ValueError naming what does not fit."""
    if activation not in ACTIVATIONS:
        names = ", ".join(ACTIVATIONS)
        raise ValueError(f"Unknown activation {activation!r}: use one of {names}.")
    x = _array(x, "x", 2, "(timesteps, input_features)")
    W = _array(W, "W", 2, "(units, input_features)")
    U = _array(U, "U", 2, "(units, units)")
    b = _array(b, "b", 1, "(units,)")
    (timesteps, features), units = x.shape, W.shape[0]
    if timesteps == 0 or features == 0 or units == 0:
        raise ValueError(f"x {x.shape} and W {W.shape} must not have a size 0.")
    if W.shape[1] != features:
        raise ValueError(
            f"W has {W.shape[1]} columns but every x_t has {features} features: "
            f"W must have shape (units, {features})."
        )
    if U.shape != (units, units):
        raise ValueError(f"U must have shape (units, units) = ({units}, {units}); got {U.shape}.")
    if b.shape != (units,):
        raise ValueError(f"b must have shape (units,) = ({units},); got {b.shape}.")
    return x, W, U, b


def simple_rnn(x, W, U, b, activation: str = "tanh") -> RNNSteps:
    """The seed-002 loop: ``output_t = activation(W·x_t + U·state_t + b)``, state from zeros."""
    x, W, U, b = _check(x, W, U, b, activation)
    act = ACTIVATIONS[activation]
    state_t = np.zeros(W.shape[0])  # (units,)
    steps = []
    for input_t in x:  # input_t: (input_features,)
        wx = W @ input_t  # (units,)
        us = U @ state_t  # (units,)
        output_t = act(wx + us + b)  # (units,)
        steps.append({"Wx": wx, "Us": us, "b": b, "state_in": state_t, "output": output_t})
        state_t = output_t
    for step in steps:
        for value in step.values():
            value.setflags(write=False)
    outputs = np.stack([step["output"] for step in steps], axis=0)  # (timesteps, units)
    outputs.setflags(write=False)
    return RNNSteps(outputs=outputs, steps=steps, activation=activation)


LSTM_GATES = ("input", "forget", "candidate", "output")  # Keras' order in the weights


LSTM_LOOP = """\
h, c = np.zeros(units), np.zeros(units)      # the state starts empty
for x_t in inputs:                           # x_t: (features,)
    z = x_t @ kernel + h @ recurrent_kernel + bias   # (4·units,): i | f | c̃ | o
    i, f, c_tilde, o = np.split(z, 4)
    i, f, o = sigmoid(i), sigmoid(f), sigmoid(o)     # gates: 0 closed … 1 open
    c_tilde = np.tanh(c_tilde)               # the candidate memory
    c = f * c + i * c_tilde                  # forget some, write some
    h = o * np.tanh(c)                       # show some"""


@dataclass(frozen=True)
class LSTMSteps:
    """What the LSTM loop computed, one row per step: h, c and the four gates."""

    h: np.ndarray  # (timesteps, units)
    c: np.ndarray  # (timesteps, units)
    gates: dict[str, np.ndarray]  # LSTM_GATES -> (timesteps, units)
    x: np.ndarray | None = None  # (timesteps, features): the input read

    def step_values(self, t: int, unit: int) -> dict[str, float | list[float]]:
        """One unit at step t, keyed like ``trace.step_values`` (for the cell diagram)."""
        values: dict[str, float | list[float]] = {
            "x_t": [] if self.x is None else [float(v) for v in self.x[t]],
            "h_prev": float(self.h[t - 1, unit]) if t > 0 else 0.0,
            "c_prev": float(self.c[t - 1, unit]) if t > 0 else 0.0,
        }
        values.update({gate: float(self.gates[gate][t, unit]) for gate in LSTM_GATES})
        values.update(c_t=float(self.c[t, unit]), h_t=float(self.h[t, unit]))
        return values


def lstm(x, kernel, recurrent_kernel, bias) -> LSTMSteps:
    """The loop seed 004 runs with ``LSTMCell``, in numpy, from zero h and c.

    Keras' weight layout: ``x`` (timesteps, features), ``kernel`` (features, 4·units),
    ``recurrent_kernel`` (units, 4·units), ``bias`` (4·units,), the four blocks in the
    order input, forget, candidate, output. Every step::

        z = x_t·kernel + h·recurrent_kernel + bias
        i, f, o = sigmoid(z_i), sigmoid(z_f), sigmoid(z_o);  c̃ = tanh(z_c)
        c = f·c + i·c̃;  h = o·tanh(c)
    """
    x = _array(x, "x", 2, "(timesteps, features)")
    kernel = _array(kernel, "kernel", 2, "(features, 4·units)")
    recurrent = _array(recurrent_kernel, "recurrent_kernel", 2, "(units, 4·units)")
    bias = _array(bias, "bias", 1, "(4·units,)")
    units, (timesteps, features) = recurrent.shape[0], x.shape
    if timesteps == 0 or features == 0 or units == 0:
        raise ValueError(
            f"x {x.shape} and recurrent_kernel {recurrent.shape} need sizes of 1 or more."
        )
    wanted = {
        "kernel": (kernel, (features, 4 * units)),
        "recurrent_kernel": (recurrent, (units, 4 * units)),
        "bias": (bias, (4 * units,)),
    }
    for name, (array, shape) in wanted.items():
        if array.shape != shape:
            raise ValueError(
                f"With {features} features and {units} units, {name} must have shape "
                f"{shape} (the four gates side by side); got {array.shape}."
            )
    h, c = np.zeros(units), np.zeros(units)  # (units,) each
    rows: dict[str, list[np.ndarray]] = {name: [] for name in ("h", "c", *LSTM_GATES)}
    for x_t in x:  # (features,)
        z = x_t @ kernel + h @ recurrent + bias  # (4·units,)
        i, f, c_tilde, o = (z[k * units : (k + 1) * units] for k in range(4))
        i, f, c_tilde, o = _sigmoid(i), _sigmoid(f), np.tanh(c_tilde), _sigmoid(o)
        c = f * c + i * c_tilde
        h = o * np.tanh(c)
        for name, value in zip(("h", "c", *LSTM_GATES), (h, c, i, f, c_tilde, o), strict=True):
            rows[name].append(value)
    stacked = {name: np.stack(values) for name, values in rows.items()}  # (timesteps, units)
    for array in stacked.values():
        array.setflags(write=False)
    return LSTMSteps(stacked["h"], stacked["c"], {g: stacked[g] for g in LSTM_GATES}, x)


def lstm_example(
    timesteps: int, input_features: int, units: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, kernel, recurrent_kernel, bias) for the LSTM loop: x in [0, 1) as the seed draws
    its inputs, weights from N(0, 1) so that the gates take values all over (0, 1)."""
    x, _, _, _ = seed_example(timesteps, input_features, units, seed)
    rng = np.random.default_rng(seed)
    kernel = rng.normal(0.0, 1.0, (input_features, 4 * units))
    recurrent = rng.normal(0.0, 1.0, (units, 4 * units))
    bias = rng.normal(0.0, 1.0, (4 * units,))
    return x, kernel, recurrent, bias


def keras_lstm(x, kernel, recurrent_kernel, bias) -> np.ndarray:
    """The same weights in ``keras.layers.LSTM(units, return_sequences=True)``: h (T, units)."""
    import keras

    from lstm_core import memory

    units = int(np.shape(recurrent_kernel)[0])
    layer = keras.layers.LSTM(units, return_sequences=True)
    batch = np.asarray(x, dtype="float32")[None]  # (1, timesteps, features)
    layer.build(batch.shape)
    layer.set_weights([np.asarray(kernel), np.asarray(recurrent_kernel), np.asarray(bias)])
    outputs = keras.ops.convert_to_numpy(layer(batch))[0]  # (timesteps, units)
    memory.after_build()
    return outputs


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1 (got {value!r}).")
    return int(value)


def seed_example(
    timesteps: int = 100, input_features: int = 32, units: int = 64, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, W, U, b) drawn as the seed draws them: ``np.random.random``, in [0, 1).

    The seed's ``output_features`` is ``units`` here. The same ``seed`` gives the
    same arrays as ``np.random.seed(seed)`` followed by the seed's four draws.
    """
    timesteps = _whole(timesteps, "timesteps")
    input_features = _whole(input_features, "input_features")
    units = _whole(units, "units")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0 (got {seed!r}).")
    rng = np.random.RandomState(int(seed))  # the draws of np.random.seed(seed)
    x = rng.random_sample((timesteps, input_features))  # (timesteps, input_features)
    W = rng.random_sample((units, input_features))  # (units, input_features)
    U = rng.random_sample((units, units))  # (units, units)
    b = rng.random_sample((units,))  # (units,)
    return x, W, U, b


def keras_simple_rnn(x, W, U, b, activation: str = "tanh") -> np.ndarray:
    """The same weights in ``keras.layers.SimpleRNN(units, return_sequences=True)``.

    Keras multiplies on the other side (``x_t @ kernel``), so kernel = W.T and
    recurrent kernel = U.T. Returns the outputs (timesteps, units) as float32.
    """
    import keras

    from lstm_core import memory

    x, W, U, b = _check(x, W, U, b, activation)
    layer = keras.layers.SimpleRNN(W.shape[0], activation=activation, return_sequences=True)
    batch = x[None].astype("float32")  # (1, timesteps, input_features)
    layer.build(batch.shape)
    layer.set_weights([W.T, U.T, b])  # kernel (F, units), recurrent (units, units), bias
    outputs = keras.ops.convert_to_numpy(layer(batch))[0]  # (timesteps, units)
    memory.after_build()
    return outputs


@dataclass(frozen=True)
class Example:
    """The settings of the from-scratch page: sizes of the seed's random example."""

    timesteps: int = schema.param(
        8, "Time steps", lo=1, hi=100, step=1, help="Length of the input sequence (seed: 100)."
    )
    input_features: int = schema.param(
        4, "Input features", lo=1, hi=32, step=1, help="Numbers in every x_t (seed: 32)."
    )
    units: int = schema.param(
        6, "Units", lo=1, hi=64, step=1, help="Size of the state (the seed's output_features: 64)."
    )
    seed: int = schema.param(
        0, "Random seed", lo=0, hi=9999, step=1, help="Seed of np.random for x, W, U and b."
    )
    activation: str = schema.param(
        "tanh", "Activation", choices=tuple(ACTIVATIONS), help="The seed uses tanh."
    )

    def __post_init__(self) -> None:
        schema.check(self)


@dataclass(frozen=True)
class Exploration:
    """One example computed both ways: the numpy loop and Keras' SimpleRNN."""

    x: np.ndarray  # (timesteps, input_features)
    W: np.ndarray  # (units, input_features)
    U: np.ndarray  # (units, units)
    b: np.ndarray  # (units,)
    rnn: RNNSteps
    keras_outputs: np.ndarray  # (timesteps, units), float32
    difference: float  # largest |numpy − Keras| over all outputs (inf if Keras overflowed)
    relative_difference: float  # the same divided by max(1, largest |output|)

    @property
    def overflowed(self) -> bool:
        """Keras (float32, largest number 3.4e38) ran out of range: relu/linear grew too fast."""
        return not np.isfinite(self.difference)

    def terms(self, t: int) -> dict[str, np.ndarray]:
        """The vectors of step t: x_t (input_features,), then state_in … output (units,) each."""
        step = self.rnn.steps[t]
        z = step["Wx"] + step["Us"] + step["b"]  # (units,)
        ordered = ("state_in", "Wx", "Us", "b")
        return {"x_t": self.x[t], **{k: step[k] for k in ordered}, "z": z, "output": step["output"]}

    def unit_values(self, t: int, unit: int) -> dict[str, object]:
        """The numbers of one unit at step t: W row · x_t, U row · state, b, sum, output."""
        step = self.rnn.steps[t]
        values = {name: float(step[name][unit]) for name in TERMS}
        values["z"] = values["Wx"] + values["Us"] + values["b"]
        values["W_row"], values["x_t"] = self.W[unit].tolist(), self.x[t].tolist()
        values["U_row"], values["state"] = self.U[unit].tolist(), step["state_in"].tolist()
        return values


def explore(example: Example) -> Exploration:
    """The seed's random example of that size, run through the loop and through Keras."""
    x, W, U, b = seed_example(
        example.timesteps, example.input_features, example.units, example.seed
    )
    rnn = simple_rnn(x, W, U, b, example.activation)
    theirs = keras_simple_rnn(x, W, U, b, example.activation)  # (timesteps, units)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.abs(rnn.outputs - theirs)  # (timesteps, units)
        difference = float(np.max(gap)) if np.all(np.isfinite(gap)) else float("inf")
        scale = max(1.0, float(np.max(np.abs(rnn.outputs))))
    return Exploration(x, W, U, b, rnn, theirs, difference, difference / scale)
