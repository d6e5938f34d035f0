"""From a ``ModelSpec`` (what a student chose) to a plain, compiled ``keras.Model``.

The head follows the task: classes get a Dense over the classes, numbers a Dense(1),
next-character a Dense over the vocabulary at every step. Stacked recurrent layers get
``return_sequences=True`` on all but the last (seed 001's lesson; up to ten of them, as
its nine-LSTM stack). Up to three hidden Dense layers may sit between the recurrent part
and the output (seed 001's Dense(10)-Dense(100)-Dense(10)). Keras is imported
inside the functions so that importing this module stays cheap.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from lstm_core import memory, schema
from lstm_core.datasets import Dataset

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CELLS = ("lstm", "gru", "simple_rnn", "dense")
CELL_NAMES = {"lstm": "LSTM", "gru": "GRU", "simple_rnn": "SimpleRNN", "dense": "Dense"}
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
HEADS = ("auto", "softmax", "sigmoid", "linear")
LOSSES = ("auto", "categorical_crossentropy", "binary_crossentropy", "mse")
RECURRENT_LAYERS = ("LSTM", "GRU", "SimpleRNN")
MAX_LAYERS = 10  # seed 001 stacks nine LSTMs ("stacking many is not good"): one more fits
HEAD_DENSE = ("dense_units", "dense_units_2", "dense_units_3")  # the hidden Dense layers, in order


@dataclass(frozen=True)
class ModelSpec:
    """Everything that decides a model's architecture, with the bounds a classroom can carry."""

    cell: str = schema.param("lstm", "Cell", choices=CELLS, help="The recurrent layer type.")
    units: int = schema.param(
        32, "Units", lo=1, hi=512, step=1, help="Size of the hidden state h (and cell state c)."
    )
    layers: int = schema.param(
        1,
        "Layers",
        lo=1,
        hi=MAX_LAYERS,
        step=1,
        help="Stacked recurrent layers (seed 001 stacks nine).",
    )
    dropout: float = schema.param(
        0.0,
        "Dropout",
        lo=0.0,
        hi=0.9,
        step=0.05,
        help="Fraction of the inputs x_t dropped while training.",
    )
    recurrent_dropout: float = schema.param(
        0.0,
        "Recurrent dropout",
        lo=0.0,
        hi=0.9,
        step=0.05,
        help="Fraction of h_(t-1) dropped while training.",
    )
    activation: str = schema.param(
        "tanh",
        "Activation",
        choices=ACTIVATIONS,
        help="Squashes the candidate and the output (tanh in an LSTM).",
    )
    dense_units: int = schema.param(
        0,
        "Hidden Dense units",
        lo=0,
        hi=256,
        step=1,
        help="A Dense layer between the recurrent part and the "
        "output, as seed 001's Dense(5); 0 for none.",
    )
    dense_units_2: int = schema.param(
        0,
        "Second Dense units",
        lo=0,
        hi=256,
        step=1,
        help="A second hidden Dense layer after the first, as the 100 of seed 001's "
        "Dense(10)-Dense(100)-Dense(10); 0 for none.",
    )
    dense_units_3: int = schema.param(
        0,
        "Third Dense units",
        lo=0,
        hi=256,
        step=1,
        help="A third hidden Dense layer after the second; 0 for none.",
    )
    head: str = schema.param(
        "auto",
        "Output activation",
        choices=HEADS,
        help="auto: softmax for classes, linear for numbers.",
    )
    loss: str = schema.param(
        "auto",
        "Loss",
        choices=LOSSES,
        help="auto: categorical cross-entropy for classes, MSE for numbers.",
    )
    embedding_dim: int = schema.param(
        16,
        "Embedding size",
        lo=1,
        hi=256,
        step=1,
        help="Text only: each word becomes a learned vector of this many numbers.",
    )
    unit_forget_bias: bool = schema.param(
        True,
        "Forget-gate bias 1",
        choices=(True, False),
        help="LSTM only: start the forget gate's bias at 1 so the cell keeps its memory "
        "from the first epoch (Keras' default).",
    )

    def __post_init__(self):
        schema.check(self)
        for earlier, later in zip(HEAD_DENSE, HEAD_DENSE[1:], strict=False):
            if getattr(self, later) and not getattr(self, earlier):
                first, then = (schema.describe(self, n).label for n in (earlier, later))
                raise ValueError(
                    f"{then} is set but {first} is 0: the hidden Dense layers come in order, "
                    f"so set {first} first (or {then} to 0)."
                )

    def replace(self, **changes) -> ModelSpec:
        return dataclasses.replace(self, **changes)


def hidden_dense(spec: ModelSpec) -> tuple[int, ...]:
    """The units of the hidden Dense layers between the recurrent part and the output."""
    return tuple(units for units in (getattr(spec, n) for n in HEAD_DENSE) if units)


def head_activation(spec: ModelSpec, dataset: Dataset) -> str:
    if spec.head != "auto":
        return spec.head
    return "linear" if dataset.task == "regression" else "softmax"


def loss_name(spec: ModelSpec, dataset: Dataset) -> str:
    if spec.loss != "auto":
        return spec.loss
    return "mse" if dataset.task == "regression" else "categorical_crossentropy"


def build(spec: ModelSpec, dataset: Dataset, seed: int = 0):
    """A fresh, compiled ``keras.Model`` for ``dataset``; the same seed gives the same weights."""
    import keras

    if spec.cell == "dense" and spec.layers > 1 and spec.units < 1:
        raise ValueError("A Dense network needs at least one unit per layer.")
    seeds = iter(range(seed * 1000, seed * 1000 + 1000))
    timesteps = None if spec.cell != "dense" else dataset.timesteps
    if dataset.tokens:  # word indices -> learned vectors (seeds 002 and 004)
        inputs = keras.Input(shape=(timesteps,), dtype="int32", name="x")
        h = keras.layers.Embedding(
            len(dataset.words),
            spec.embedding_dim,
            embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=next(seeds)),
            mask_zero=bool(dataset.options.get("mask_zero", False)),  # padding skipped (seed 002)
            name="embedding",
        )(inputs)
    else:
        inputs = keras.Input(shape=(timesteps, dataset.features), name="x")
        h = inputs
    if spec.cell == "dense" and not dataset.sequence_output:
        h = keras.layers.Flatten(name="flatten")(h)  # a Dense net sees the window at once
    for k in range(spec.layers):
        last = k == spec.layers - 1
        h = _hidden_layer(spec, dataset, last, k, seeds)(h)
    for k, units in enumerate(hidden_dense(spec)):  # seed 001's Dense(10)-Dense(100)-Dense(10)
        name = "hidden_dense" if k == 0 else f"hidden_dense_{k + 1}"
        h = keras.layers.Dense(units, kernel_initializer=_glorot(seeds), name=name)(h)
    outputs = keras.layers.Dense(
        dataset.n_outputs,
        activation=head_activation(spec, dataset),
        kernel_initializer=_glorot(seeds),
        name="output",
    )(h)
    model = keras.Model(inputs, outputs, name=f"{spec.cell}_{dataset.name}")
    metrics = [] if dataset.task == "regression" else ["categorical_accuracy"]
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3), loss=loss_name(spec, dataset), metrics=metrics
    )
    memory.after_build()
    return model


def _glorot(seeds):
    import keras

    return keras.initializers.GlorotUniform(seed=next(seeds))


def _hidden_layer(spec: ModelSpec, dataset: Dataset, last: bool, k: int, seeds):
    import keras

    if spec.cell == "dense":
        return keras.layers.Dense(
            spec.units,
            activation=spec.activation,
            kernel_initializer=_glorot(seeds),
            name=f"dense_{k + 1}",
        )
    layer_cls = {
        "lstm": keras.layers.LSTM,
        "gru": keras.layers.GRU,
        "simple_rnn": keras.layers.SimpleRNN,
    }[spec.cell]
    extra = {"unit_forget_bias": spec.unit_forget_bias} if spec.cell == "lstm" else {}
    return layer_cls(
        spec.units,
        **extra,
        activation=spec.activation,
        dropout=spec.dropout,
        recurrent_dropout=spec.recurrent_dropout,
        return_sequences=not last or dataset.sequence_output,
        kernel_initializer=_glorot(seeds),
        recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
        seed=next(seeds),
        name=f"{spec.cell}_{k + 1}",
    )


def recurrent_layers(model) -> list:
    """The model's LSTM/GRU/SimpleRNN layers, in order."""
    return [layer for layer in model.layers if type(layer).__name__ in RECURRENT_LAYERS]
