"""Step-by-step re-computation of recurrent layers, so students can look inside them.

`trace_layer` takes any Keras LSTM, GRU or SimpleRNN layer and an input, reads the
layer's weights and replays every time step in numpy, keeping what Keras throws
away: the hidden state h after each step, the LSTM cell state c, and every gate.
`trace` does the same for each recurrent layer of a whole model, feeding every
layer the input it really receives there. `step_values` picks the numbers that
flow through one unit at one step, for the cell diagram.

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

Scope: the trace runs in inference mode (dropout and recurrent dropout are off),
starts from zero states (a stateful layer's stored state is ignored), and does
not apply masks (an Embedding with `mask_zero=True` is traced as if unmasked).

With `go_backwards=True` Keras reads the sequence from its last step to its
first and returns the outputs in that reading order. The trace keeps that
order: `h[:, t]` is the state after the layer's t-th step, which read input
`x[:, T-1-t]` (see `LayerTrace.x_steps`), so `h` equals the layer's own output
with `return_sequences=True`, and `h[:, -1]` its output without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import keras
import numpy as np

GATE_NAMES: dict[str, tuple[str, ...]] = {
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("update", "reset", "candidate"),
    "simple_rnn": (),
}

Activation = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LayerTrace:
    """Everything one recurrent layer computed, step by step (arrays are read-only).

    Arrays are indexed (sample, step, unit) in the layer's own reading order;
    see the module docstring for `go_backwards`.
    """

    name: str
    cell: str  # "lstm" | "gru" | "simple_rnn"
    x: np.ndarray  # (batch, timesteps, features) float32, as the layer received it
    h: np.ndarray  # (batch, timesteps, units) hidden state after each step
    c: np.ndarray | None  # (batch, timesteps, units) LSTM cell state; None otherwise
    gates: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (batch, T, units)
    go_backwards: bool = False

    @property
    def units(self) -> int:
        return int(self.h.shape[2])

    @property
    def timesteps(self) -> int:
        return int(self.h.shape[1])

    @property
    def x_steps(self) -> np.ndarray:
        """The input in the order the cell read it: `x_steps[:, t]` fed step t."""
        return self.x[:, ::-1] if self.go_backwards else self.x


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


# ---------------------------------------------------------------- validation


def _cell_kind(layer: object) -> str:
    """'lstm' | 'gru' | 'simple_rnn' for a supported layer, else a ValueError."""
    cell = getattr(layer, "cell", None) if isinstance(layer, keras.layers.RNN) else None
    for cell_type, kind in (
        (keras.layers.LSTMCell, "lstm"),
        (keras.layers.GRUCell, "gru"),
        (keras.layers.SimpleRNNCell, "simple_rnn"),
    ):
        if isinstance(cell, cell_type):
            return kind
    name = getattr(layer, "name", repr(layer))
    raise ValueError(
        f"Only LSTM, GRU and SimpleRNN layers can be traced, but '{name}' is a "
        f"{type(layer).__name__}."
    )


def _as_sequence_batch(x: object) -> np.ndarray:
    """x as float32 (batch, timesteps, features); (timesteps, features) becomes batch 1."""
    try:
        arr = np.asarray(x, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise ValueError(
            "The input must be a grid of numbers shaped (batch, timesteps, features)."
        ) from err
    if arr.ndim == 2:
        arr = arr[np.newaxis]  # (1, timesteps, features)
    if arr.ndim != 3:
        raise ValueError(
            "The input must have shape (batch, timesteps, features) or (timesteps, "
            f"features), but it has shape {arr.shape}."
        )
    if 0 in arr.shape:
        raise ValueError(f"The input is empty: its shape is {arr.shape}.")
    return arr


def _ensure_built(layer: keras.layers.RNN, x: np.ndarray) -> None:
    """Build a layer that has never run, from the shape of x (its weights stay random)."""
    if layer.built and layer.cell.built:
        return
    try:
        layer.build((None, *x.shape[1:]))
    except Exception as err:  # any build failure means the input does not fit
        raise ValueError(
            f"Layer '{layer.name}' has no weights yet and could not be built for an "
            f"input of shape {x.shape}: {err}"
        ) from err


def _check_features(layer: keras.layers.RNN, x: np.ndarray) -> None:
    expected = int(layer.cell.kernel.shape[0])
    if x.shape[2] != expected:
        raise ValueError(
            f"The input has {x.shape[2]} feature{'s' if x.shape[2] != 1 else ''} per step "
            f"but this layer expects {expected}."
        )


def _initial_state(
    kind: str, units: int, batch: int, given: Sequence[object] | None
) -> list[np.ndarray]:
    """The state before the first step, one (batch, units) float64 array per state."""
    names = ("h0", "c0") if kind == "lstm" else ("h0",)
    if given is None:
        return [np.zeros((batch, units)) for _ in names]
    if isinstance(given, np.ndarray) and len(names) == 1:
        given = [given]
    if isinstance(given, np.ndarray | str) or len(given) != len(names):
        listed = ", ".join(names)
        raise ValueError(
            f"The initial state of this layer is a list of {len(names)} (batch, units) "
            f"arrays: [{listed}]."
        )
    states = []
    for name, value in zip(names, given, strict=True):
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise ValueError(f"The initial state {name} must be an array of numbers.") from err
        if arr.shape == (units,):
            arr = np.broadcast_to(arr, (batch, units))
        if arr.shape != (batch, units) or not np.all(np.isfinite(arr)):
            raise ValueError(
                f"The initial state {name} must hold finite numbers shaped (batch, units) = "
                f"({batch}, {units}) or (units,) = ({units},); got shape {arr.shape}."
            )
        states.append(arr)
    return states


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


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.float32)
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------- public API


def trace_layer(
    layer: keras.layers.RNN, x: object, initial_state: Sequence[object] | None = None
) -> LayerTrace:
    """Replay a Keras LSTM/GRU/SimpleRNN layer on x, keeping every step's h, c and gates.

    x is (batch, timesteps, features) or (timesteps, features) for one sample.
    `h` equals the layer's own output with `return_sequences=True` (to float32
    rounding), whatever `return_sequences` the layer itself was built with.
    ``initial_state`` is the state before the first step, as Keras takes it:
    ``[h0, c0]`` for an LSTM, ``[h0]`` for a GRU or SimpleRNN, each (batch, units) or
    (units,) for every sample; zeros when it is None (``layer(x)``'s default).
    """
    kind = _cell_kind(layer)
    x = _as_sequence_batch(x)
    _ensure_built(layer, x)
    _check_features(layer, x)
    x_steps = x[:, ::-1] if layer.go_backwards else x  # the order the cell reads
    state = _initial_state(kind, layer.cell.units, x.shape[0], initial_state)
    out = _RUNNERS[kind](layer.cell, x_steps.astype(np.float64), state)
    return LayerTrace(
        name=layer.name,
        cell=kind,
        x=_frozen(x),
        h=_frozen(out["h"]),
        c=_frozen(out["c"]) if kind == "lstm" else None,
        gates={name: _frozen(out[name]) for name in GATE_NAMES[kind]},
        go_backwards=bool(layer.go_backwards),
    )


def trace(model: keras.Model, x: object) -> list[LayerTrace]:
    """One LayerTrace per recurrent layer of `model`, in order (empty if there is none).

    Each layer is traced on the input it actually receives in the model, computed
    by running the layers before it in inference mode. Recurrent layers inside a
    Bidirectional wrapper give two traces (forward, then backward); recurrent
    layers of a nested model are traced too.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"trace() needs a Keras model, but got a {type(model).__name__}.")
    x = _fit_model_input(model, x)
    targets = [layer for layer in model.layers if _is_traceable(layer)]
    if not targets:
        return []
    try:
        layer_inputs = _inputs_of(model, targets, x)
    except Exception as err:  # Keras/TF errors on a bad input become one clear message
        raise ValueError(f"The model could not run on this input: {err}") from err
    traces: list[LayerTrace] = []
    for layer, layer_x in zip(targets, layer_inputs, strict=True):
        traces.extend(_trace_any(layer, layer_x))
    return traces


def step_values(
    layer_trace: LayerTrace, sample: int, t: int, unit: int
) -> dict[str, float | list[float]]:
    """The numbers flowing through one unit of the cell at step t, for a cell diagram.

    Keys: "x_t" (the whole input vector read at step t, as a list), "h_prev",
    "c_prev" (LSTM), each gate name, "c_t" (LSTM), "h_t". At t=0 the previous
    states are the initial zeros.
    """
    _check_index("sample", sample, layer_trace.h.shape[0])
    _check_index("step", t, layer_trace.timesteps)
    _check_index("unit", unit, layer_trace.units)
    values: dict[str, float | list[float]] = {
        "x_t": [float(v) for v in layer_trace.x_steps[sample, t]],
        "h_prev": float(layer_trace.h[sample, t - 1, unit]) if t > 0 else 0.0,
    }
    if layer_trace.c is not None:
        values["c_prev"] = float(layer_trace.c[sample, t - 1, unit]) if t > 0 else 0.0
    for name, gate in layer_trace.gates.items():
        values[name] = float(gate[sample, t, unit])
    if layer_trace.c is not None:
        values["c_t"] = float(layer_trace.c[sample, t, unit])
    values["h_t"] = float(layer_trace.h[sample, t, unit])
    return values


# ---------------------------------------------------------------- model helpers


def _check_index(what: str, index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"There is no {what} {index}: this trace has {size} (0 to {size - 1}).")


def _is_traceable(layer: keras.Layer) -> bool:
    if isinstance(layer, keras.layers.Bidirectional | keras.Model):
        return True
    try:
        _cell_kind(layer)
    except ValueError:
        return False
    return True


def _trace_any(layer: keras.Layer, x: np.ndarray) -> list[LayerTrace]:
    if isinstance(layer, keras.layers.Bidirectional):
        return [trace_layer(layer.forward_layer, x), trace_layer(layer.backward_layer, x)]
    if isinstance(layer, keras.Model):
        return trace(layer, x)
    return [trace_layer(layer, x)]


def _fit_model_input(model: keras.Model, x: object) -> object:
    """Check x against a single-input model's declared shape; add a batch axis if missing."""
    try:
        expected = tuple(model.inputs[0].shape) if len(model.inputs) == 1 else None
    except (AttributeError, ValueError, TypeError):  # an unbuilt Sequential has no inputs
        expected = None
    if expected is None:
        return x
    arr = np.asarray(x)
    if arr.ndim == len(expected) - 1:
        arr = arr[np.newaxis]  # one sample without its batch axis
    fits = arr.ndim == len(expected) and all(
        want is None or want == got for want, got in zip(expected[1:], arr.shape[1:], strict=True)
    )
    if not fits:
        declared = "(" + ", ".join("any" if d is None else str(d) for d in expected) + ")"
        raise ValueError(
            f"This model expects input of shape {declared} (first number = samples), "
            f"but the input has shape {np.shape(x)}."
        )
    return arr


def _inputs_of(model: keras.Model, targets: list, x: object) -> list[np.ndarray]:
    """The input each target layer receives inside the model, in inference mode."""
    if isinstance(model, keras.Sequential):
        wanted, found, current = {id(t) for t in targets}, {}, np.asarray(x)
        for layer in model.layers:
            if id(layer) in wanted:
                found[id(layer)] = np.asarray(keras.ops.convert_to_numpy(current))
            if len(found) == len(targets):
                break
            current = layer(current, training=False)
        return [found[id(layer)] for layer in targets]
    probe = keras.Model(model.input, [layer.input for layer in targets])
    outputs = probe(x, training=False)
    if not isinstance(outputs, list | tuple):
        outputs = [outputs]
    return [np.asarray(keras.ops.convert_to_numpy(o)) for o in outputs]
