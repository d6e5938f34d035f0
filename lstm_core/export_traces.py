"""What ``lstm_core.trace`` recorded, as files: one CSV row per time step and unit of one
sample (h, c and every gate), or every array of every layer in an ``.npz``."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np

# Trace columns, named after the maths of the seeds (gate order i, f, c~, o as Keras).
TRACE_COLUMNS = {
    "input": "input_gate",
    "forget": "forget_gate",
    "candidate": "candidate",
    "output": "output_gate",
    "update": "update_gate",
    "reset": "reset_gate",
}


def _as_list(traces) -> list:
    return list(traces) if isinstance(traces, Sequence) else [traces]


def trace_columns(traces) -> list[str]:
    """The value columns the traces have: h, c (LSTM), then each gate, in Keras' order."""
    columns = ["h"]
    for layer_trace in _as_list(traces):
        names = (["c"] if layer_trace.c is not None else []) + [
            TRACE_COLUMNS.get(g, g) for g in layer_trace.gates
        ]
        columns += [name for name in names if name not in columns]
    return columns


def _trace_values(layer_trace, sample: int) -> dict[str, np.ndarray]:
    """Column name -> (timesteps, units) of one sample."""
    values = {"h": layer_trace.h[sample]}
    if layer_trace.c is not None:
        values["c"] = layer_trace.c[sample]
    for gate, array in layer_trace.gates.items():
        values[TRACE_COLUMNS.get(gate, gate)] = array[sample]
    return values


def traces_csv(traces, sample: int = 0) -> str:
    """A tidy table of one sample's traces: a row per (layer, step, unit), a column per value.

    ``traces``: a LayerTrace or ``trace.trace``'s list. Values are float32 written with
    9 significant digits, so they read back exactly; a GRU or SimpleRNN has only its own
    columns.
    """
    layers = _as_list(traces)
    columns = trace_columns(layers)
    lines = [",".join(["layer", "step", "unit", *columns])]
    for layer_trace in layers:
        values = _trace_values(layer_trace, sample)
        steps, units = layer_trace.h[sample].shape  # (timesteps, units)
        for t in range(steps):
            for u in range(units):
                cells = [f"{values[c][t, u]:.9g}" if c in values else "" for c in columns]
                lines.append(",".join([layer_trace.name, str(t), str(u), *cells]))
    return "\n".join(lines) + "\n"


def traces_npz(traces) -> bytes:
    """Every trace array, all samples: ``<layer>.x``, ``<layer>.h``, ``<layer>.c``, gates."""
    arrays = {}
    for layer_trace in _as_list(traces):
        arrays[f"{layer_trace.name}.x"] = np.asarray(layer_trace.x)  # (batch, T, features)
        arrays[f"{layer_trace.name}.h"] = np.asarray(layer_trace.h)  # (batch, T, units)
        if layer_trace.c is not None:
            arrays[f"{layer_trace.name}.c"] = np.asarray(layer_trace.c)
        for gate, array in layer_trace.gates.items():
            arrays[f"{layer_trace.name}.{TRACE_COLUMNS.get(gate, gate)}"] = np.asarray(array)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
