"""The recurrent layers' activation as an argument of the compiled training loop.

Keras bakes a cell's activation into the traced graph, so trying relu instead of tanh
cost a new XLA compile. While ``lstm_core.training_loop`` traces its loop, every recurrent
cell's ``activation`` is a switch over ``CHOICES`` on an index fed to the graph: only the
chosen branch runs, with the same op as Keras' own, so the numbers are those of the loop
compiled for that activation (tested against ``model.fit``).
"""

from __future__ import annotations

from contextlib import contextmanager

from lstm_core import models

CHOICES = models.ACTIVATIONS  # the branches, in this order; the index picks one


def index_of(model) -> int:
    """The ``CHOICES`` index of the recurrent layers' activation (they share one)."""
    import keras

    layers = models.recurrent_layers(model)
    return CHOICES.index(keras.activations.serialize(layers[0].activation)) if layers else 0


@contextmanager
def as_argument(template, index):
    """While tracing: every recurrent cell of ``template`` applies ``CHOICES[index]``."""
    import keras
    import tensorflow as tf

    branches = [keras.activations.get(name) for name in CHOICES]

    def chosen(x):
        return tf.switch_case(index, [lambda f=f: f(x) for f in branches])

    cells = [layer.cell for layer in models.recurrent_layers(template)]
    saved = [cell.activation for cell in cells]
    try:
        for cell in cells:
            cell.activation = chosen
        yield
    finally:
        for cell, activation in zip(cells, saved, strict=True):
            cell.activation = activation
