"""Step-by-step re-computation of recurrent layers, so students can look inside them.

`trace_layer` takes any Keras LSTM, GRU or SimpleRNN layer and an input, reads the
layer's weights and replays every time step in numpy, keeping what Keras throws
away: the hidden state h after each step, the LSTM cell state c, and every gate.
`trace` does the same for each recurrent layer of a whole model, feeding every
layer the input it really receives there. `step_values` picks the numbers that
flow through one unit at one step, for the cell diagram.
`masked_trace` is `trace_layer` with Keras' masking (equal to ``layer(x, mask=mask)``).

The equations, and the numpy loop of each cell, live in `lstm_core.trace_cells`; the
checks of a layer, an input and an initial state in `lstm_core.trace_inputs`.

Scope: the trace runs in inference mode (dropout and recurrent dropout are off) and
starts from zero states (a stateful layer's stored state is ignored). `trace_layer`
applies no mask; `trace` replays a recurrent layer that the model calls with a mask
(after an ``Embedding(mask_zero=True)``) through `masked_trace`.

With `go_backwards=True` Keras reads the sequence from its last step to its
first and returns the outputs in that reading order. The trace keeps that
order: `h[:, t]` is the state after the layer's t-th step, which read input
`x[:, T-1-t]` (see `LayerTrace.x_steps`), so `h` equals the layer's own output
with `return_sequences=True`, and `h[:, -1]` its output without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import keras
import numpy as np

from lstm_core.trace_cells import _RUNNERS
from lstm_core.trace_cells import GATE_NAMES as GATE_NAMES
from lstm_core.trace_inputs import (
    _as_sequence_batch,
    _cell_kind,
    _check_features,
    _check_index,
    _ensure_built,
    _fit_model_input,
    _initial_state,
)


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


def masked_trace(layer: keras.layers.RNN, x: np.ndarray, mask: np.ndarray) -> LayerTrace:
    """``trace_layer`` with a mask, as Keras runs ``layer(x, mask=mask)``.

    x (batch, T, features), mask (batch, T) bool. A masked step changes nothing: h (and
    c) keep their values (zeros before the first kept step), exactly what Keras' layer
    returns with ``return_sequences=True``. Each sample's kept steps are traced on their
    own; the gates of a skipped step are NaN (nothing was computed there).
    """
    x, mask = np.asarray(x, dtype=np.float32), np.asarray(mask, dtype=bool)
    if x.ndim != 3 or mask.shape != x.shape[:2]:
        raise ValueError(
            f"The mask must have one True/False per sample and step: x has shape {x.shape} "
            f"but the mask has shape {mask.shape}."
        )
    full = trace_layer(layer, x)  # the unmasked trace: names, kinds, shapes
    batch, steps = mask.shape
    reading = np.arange(steps)[::-1] if full.go_backwards else np.arange(steps)
    h = np.zeros(full.h.shape, np.float32)  # (batch, T, units) in reading order
    c = None if full.c is None else np.zeros(full.c.shape, np.float32)
    gates = {name: np.full(g.shape, np.nan, np.float32) for name, g in full.gates.items()}
    for i in range(batch):
        kept = np.flatnonzero(mask[i])  # positions in x, ascending
        if kept.size == 0:
            continue  # every step skipped: the state stays at zero
        part = trace_layer(layer, x[i : i + 1, kept])  # (1, k, units), reading order
        done = np.cumsum(mask[i, reading]) - 1  # (T,) index into part after reading step s
        for s, k in enumerate(done):
            if k < 0:
                continue
            h[i, s] = part.h[0, k]
            if c is not None:
                c[i, s] = part.c[0, k]
            if mask[i, reading[s]]:
                for name in gates:
                    gates[name][i, s] = part.gates[name][0, k]
    return replace(
        full,
        h=_frozen(h),
        c=None if c is None else _frozen(c),
        gates={name: _frozen(g) for name, g in gates.items()},
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
    for layer, (layer_x, mask) in zip(targets, layer_inputs, strict=True):
        if mask is not None and isinstance(layer, keras.layers.RNN):
            traces.append(masked_trace(layer, layer_x, mask))
        else:
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


def _inputs_of(model: keras.Model, targets: list, x: object) -> list[tuple]:
    """(input, mask or None) of each target layer inside the model, in inference mode.

    A layer called with a mask (after an ``Embedding(mask_zero=True)``) records
    ``[inputs, mask]`` as its input; the mask says which steps it skips.
    """
    if isinstance(model, keras.Sequential):
        wanted, found, current = {id(t) for t in targets}, {}, np.asarray(x)
        for layer in model.layers:
            if id(layer) in wanted:
                found[id(layer)] = (np.asarray(keras.ops.convert_to_numpy(current)), None)
            if len(found) == len(targets):
                break
            current = layer(current, training=False)
        return [found[id(layer)] for layer in targets]
    received = [layer.input for layer in targets]
    flat = [r for pair in received for r in (pair if isinstance(pair, list | tuple) else [pair])]
    outputs = keras.Model(model.input, flat)(x, training=False)
    outputs = [np.asarray(keras.ops.convert_to_numpy(o)) for o in keras.tree.flatten(outputs)]
    found, at = [], 0
    for pair in received:
        if isinstance(pair, list | tuple):
            found.append((outputs[at], outputs[at + 1].astype(bool)))
            at += 2
        else:
            found.append((outputs[at], None))
            at += 1
    return found
