"""The tracer's checks: is the layer traceable, and does the input (and state) fit it?

Each check turns a bad layer, input, initial state or index into a ValueError with a
sentence a student understands, before `lstm_core.trace` replays anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np


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


def _check_index(what: str, index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"There is no {what} {index}: this trace has {size} (0 to {size - 1}).")


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
