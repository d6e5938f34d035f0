"""A compiled loop trains every narrower model of its architecture: the extra units padded.

Changing the units is a student's most common tweak, and each new width used to cost a
new XLA compile (2-3 s). A loop compiled for ``up`` units trains a model of ``u < up``
units instead: every weight is padded with zeros to the loop's shapes, the gradients of
the padding are masked to zero (so the optimizer never moves it), and the result is cut
back to the model's shapes. Zero weights make the padded units' state exactly zero at
every step (LSTM: c = ½·c + ½·tanh(0) stays 0 and h = ½·tanh(0) = 0; GRU and SimpleRNN
likewise), so they add nothing to the real units, the head or the loss. The dropout masks
stay the model's own (``lstm_core.dropout_rates`` draws them for the model's width).

What differs is only the order in which the matrix products add their terms (a sum with
extra zeros), so the numbers equal the loop of the model's own width to float rounding,
as the compiled loop equals ``model.fit``; ``tests/core/test_padded_units.py`` checks it.

A loop is reused only when it costs about what the student already waited for: at most
``STRETCH`` times the model's units (or at most ``SMALL`` units), and, once timed, when its
run takes under ``REUSE_SECONDS`` — a longer one compiles the model's own width instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STRETCH = 4  # a loop of up to 4x the units trains the model (16x the multiply-adds at most)
SMALL = 128  # ... and any loop of at most this many units (the lessons' default is 128)
REUSE_SECONDS = 1.0  # a reused loop's run, timed, must take under this (else compile)


def fits(needed: Sequence[int], compiled: Sequence[int]) -> bool:
    """Whether a loop compiled for layer widths ``compiled`` can train widths ``needed``."""
    if len(needed) != len(compiled) or len(set(zip(needed, compiled, strict=True))) != 1:
        return False  # every layer the same (units, padded units) pair, as ModelSpec builds
    u, up = needed[0], compiled[0]
    return u == up or u < up <= max(STRETCH * u, SMALL)


def widths(model) -> tuple[int, ...]:
    """The units of each recurrent layer of ``model``."""
    from lstm_core import models

    return tuple(int(layer.units) for layer in models.recurrent_layers(model))


def pad(value: np.ndarray, shape: Sequence[int], u: int, up: int) -> np.ndarray:
    """``value`` grown to ``shape``: each axis that differs holds g blocks of u, each padded
    with zeros to up (a gate-stacked kernel (d, 4u) becomes (d, 4up), block by block)."""
    out = np.asarray(value)
    for axis, (a, p) in enumerate(zip(out.shape, shape, strict=True)):
        if a != p:
            out = _blocks(out, axis, a // u, u)
            widths = [(0, 0)] * out.ndim
            widths[axis + 1] = (0, up - u)
            out = _merge(np.pad(out, widths), axis)
    return out


def cut(value: np.ndarray, shape: Sequence[int], u: int, up: int) -> np.ndarray:
    """The inverse of ``pad``: ``value`` cut back to ``shape``."""
    out = np.asarray(value)
    for axis, (p, a) in enumerate(zip(out.shape, shape, strict=True)):
        if a != p:
            out = _blocks(out, axis, p // up, up)
            out = _merge(np.take(out, np.arange(u), axis=axis + 1), axis)
    return out


def _blocks(value: np.ndarray, axis: int, groups: int, size: int) -> np.ndarray:
    return value.reshape(value.shape[:axis] + (groups, size) + value.shape[axis + 1 :])


def _merge(value: np.ndarray, axis: int) -> np.ndarray:
    shape = value.shape
    return value.reshape(shape[:axis] + (shape[axis] * shape[axis + 1],) + shape[axis + 2 :])
