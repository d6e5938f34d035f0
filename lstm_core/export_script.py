"""The experiment as a runnable Python script: plain Keras and numpy around
``lessons.keras_code``, the app's data written into it, ``model.fit`` and the predictions."""

from __future__ import annotations

import dataclasses
import textwrap

import numpy as np

from lstm_core import datasets
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

SCRIPT_HEAD = '''\
"""LSTM Explorer experiment: {what}.

Plain Keras and numpy: the data exactly as the app made it (written out below), the
model, model.fit and the predictions. Runs wherever Keras 3 is installed:

    python {file_name}
"""

import keras
import numpy as np
from keras import Sequential
from keras.callbacks import EarlyStopping
from keras.layers import GRU, LSTM, Dense, Flatten, SimpleRNN
from keras.optimizers import SGD, Adam, RMSprop

keras.utils.set_random_seed({seed})
{description}
x = {x}
y = {y}
labels = {labels}

'''

SCRIPT_TAIL = """
pred = model.predict(x, verbose=0)
for label, row in zip(labels, pred):
    print(label, "| predicted:", {decoded})
"""


def script(
    spec: ModelSpec,
    config: TrainConfig,
    dataset_name: str,
    dataset_options: dict,
    epochs: int | None = None,
    file_name: str = "experiment.py",
) -> str:
    """A standalone script: the data as literal arrays, the model, model.fit, predictions.

    The model code is ``lessons.keras_code``, the same the page shows; ``epochs`` replaces
    the configured number (a quick check). The predictions are decoded as the app decodes
    them (``Dataset.decode``): a class index, the characters, or the unscaled number.
    """
    from lstm_core.lessons import keras_code

    if epochs is not None:
        config = dataclasses.replace(config, epochs=epochs)
    ds = datasets.load(dataset_name, **dataset_options)
    head = SCRIPT_HEAD.format(
        what=f"{CELL_NAMES[spec.cell]}({spec.units}) on {dataset_name}",
        file_name=file_name,
        seed=config.seed,
        description="\n".join("# " + line for line in textwrap.wrap(ds.description, 86)),
        x=_array_literal(ds.x),
        y=_array_literal(ds.y),
        labels=_wrapped([repr(label) for label in ds.labels]),
    )
    return head + keras_code(spec, config, ds) + SCRIPT_TAIL.format(decoded=_decoder(ds))


def _decoder(ds: datasets.Dataset) -> str:
    """The expression that turns one prediction ``row`` into what ``ds.decode`` gives."""
    if ds.task == "classification":
        return "int(row.reshape(-1).argmax())"
    if ds.task == "next_char":
        vocab = repr(list(ds.vocab))
        return f'"".join({vocab}[i] for i in row.reshape(-1, {len(ds.vocab)}).argmax(axis=-1))'
    if ds.scaler is None:
        return "float(row.reshape(-1)[0])"
    return f"float(row.reshape(-1)[0]) * {ds.scaler.scale!r} + {ds.scaler.offset!r}"


def _array_literal(array: np.ndarray) -> str:
    """``np.array([...], dtype=...).reshape(...)``: every value written so that it reads
    back bit for bit (9 significant digits round-trip a float32)."""
    array = np.asarray(array)
    if np.issubdtype(array.dtype, np.floating):
        values = [format(float(v), ".9g") for v in array.reshape(-1)]
    else:
        values = [str(int(v)) for v in array.reshape(-1)]
    body = _wrapped(values)
    return f"np.array({body}, dtype={str(array.dtype)!r}).reshape({tuple(array.shape)})"


def _wrapped(items: list[str], indent: int = 4) -> str:
    """``[a, b, …]`` from item texts, broken between items into lines of ~88 characters."""
    if sum(len(item) + 2 for item in items) <= 60:
        return "[" + ", ".join(items) + "]"
    lines, line = [], ""
    for item in items:
        if line and len(line) + len(item) + 2 > 88 - indent:
            lines.append(line)
            line = ""
        line += item + ", "
    lines.append(line)
    return "[\n" + "\n".join(" " * indent + line.rstrip() for line in lines) + "\n]"
