"""Dropout rates as arguments of the compiled training loop, not constants baked into it.

Keras bakes a layer's dropout rate into the traced graph, so moving a dropout slider
would cost a new XLA compile. While ``lstm_core.training`` traces its loop, every rate
above 0 stands for a row of a rate tensor fed to the graph, and Keras' TensorFlow
``random.dropout`` is routed through ``_dropout``, which draws the same uniform numbers
from the same seed and keeps the masks bit-equal to Keras' own.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np

RATE_ATTRIBUTES = ("dropout", "recurrent_dropout")  # runtime arguments of the compiled loop


def rate_slots(model) -> list[tuple[int, str]]:
    """(recurrent layer number, attribute) of every dropout rate above 0, in graph order."""
    from lstm_core import models

    return [(k, attr) for k, layer in enumerate(models.recurrent_layers(model))
            for attr in RATE_ATTRIBUTES if getattr(layer.cell, attr, 0.0) > 0]  # fmt: skip


def rates(model, slots: list[tuple[int, str]]) -> np.ndarray:
    """(slots, 3): each rate, its keep-scale 1/(1-rate), computed as TensorFlow does, and the
    width of the model's mask (its inputs' or its units').

    ``tf.nn.experimental.stateless_dropout`` computes the scale of a Python-number rate in
    double precision; passing that scale (not the rate alone) keeps the masks bit-equal.
    The width lets a loop compiled for more units (``lstm_core.padded_units``) draw the
    mask of this model's width.
    """
    from lstm_core import models

    layers = models.recurrent_layers(model)
    rows = []
    for k, attr in slots:
        rate, cell = float(getattr(layers[k].cell, attr)), layers[k].cell
        width = cell.units if attr == "recurrent_dropout" else cell.kernel.shape[0]
        rows.append([rate, 1.0 / (1.0 - rate), float(width)])
    return np.array(rows, np.float32).reshape(-1, 3)


class _Rate(float):
    """A dropout rate standing for row ``slot`` of the graph's rate argument (while tracing)."""

    slot: int


_TRACING = threading.local()  # .rates: the (slots, 3) tensor of the graph being traced
_KERAS_DROPOUT = None


@contextmanager
def rates_as_arguments(template, slots: list[tuple[int, str]], rates):
    """While tracing: every dropout rate of ``template`` reads its value from ``rates``.

    Keras bakes a rate into the graph as a constant; a ``_Rate`` keeps the Python tests in
    the cells (``0 < rate < 1``) true and lets the hooked ``dropout`` use the tensor.
    """
    _install_dropout_hook()
    from lstm_core import models

    layers = models.recurrent_layers(template)
    saved = [(layers[k].cell, attr, getattr(layers[k].cell, attr)) for k, attr in slots]
    try:
        for slot, (cell, attr, value) in enumerate(saved):
            rate = _Rate(value)
            rate.slot = slot
            setattr(cell, attr, rate)
        _TRACING.rates = rates
        yield
    finally:
        _TRACING.rates = None
        for cell, attr, value in saved:
            setattr(cell, attr, value)


def _install_dropout_hook() -> None:
    """Route Keras' dropout through ``_dropout`` (ordinary rates pass straight through)."""
    global _KERAS_DROPOUT
    from keras.src.backend.tensorflow import random

    if _KERAS_DROPOUT is None:
        _KERAS_DROPOUT = random.dropout
        random.dropout = _dropout


def _dropout(inputs, rate, noise_shape=None, seed=None):
    """Keras' TensorFlow dropout, with the rate and scale of a ``_Rate`` taken from the graph.

    The same ops as ``tf.nn.experimental.stateless_dropout`` with a Python rate: the same
    uniform draw from the same seed, kept where ``u >= rate``, scaled by ``1/(1-rate)``.
    """
    rates = getattr(_TRACING, "rates", None)
    if not isinstance(rate, _Rate) or rates is None:
        return _KERAS_DROPOUT(inputs, rate, noise_shape=noise_shape, seed=seed)
    import tensorflow as tf
    from keras.src.backend.tensorflow import random

    seed = random._cast_seed(random.draw_seed(seed))
    shape = random._get_concrete_noise_shape(inputs, noise_shape)
    x = tf.convert_to_tensor(inputs)
    if noise_shape is None and x.shape.is_fully_defined():
        shape = tuple(x.shape)  # static: the draw's layout is known while tracing
    uniform = _draws(shape, tf.cast(rates[rate.slot, 2], tf.int32), seed, x.dtype)
    kept = uniform >= rates[rate.slot, 0]
    return tf.where(kept, x * rates[rate.slot, 1], tf.constant(0, x.dtype))


def _draws(shape, width, seed, dtype):
    """The uniform numbers of a (rows, width) draw, laid out in ``shape`` = (rows, cols).

    A stateless draw is a prefix of any longer draw from the same seed (tested), so one
    flat draw of rows*cols numbers holds the (rows, width) draw of any width <= cols: row b
    is numbers b*width ... b*width + width - 1. Columns past the width (padded units, whose
    values are 0) get other numbers; with width = cols this is the plain draw.
    """
    import tensorflow as tf

    if not (isinstance(shape, tuple) and len(shape) == 2):
        return tf.random.stateless_uniform(shape, seed=seed, dtype=dtype)
    rows, cols = (int(d) for d in shape)
    flat = tf.random.stateless_uniform((rows * cols,), seed=seed, dtype=dtype)
    index = tf.range(rows)[:, None] * width + tf.range(cols)[None, :]
    return tf.gather(flat, tf.minimum(index, rows * cols - 1))
