"""A trained model and what it computed, as files: .keras, safe weights, traces, a script.

``keras_file`` writes Keras' own archive, for use outside the app. ``weights_file`` is the
format the app reads back: an ``.npz`` (``np.savez``, no pickle) holding the experiment
as JSON text (the validated ``ModelSpec``, ``TrainConfig``, dataset and its options, the
loss curves) and one array per weight. ``load_weights_file`` never runs anything from
the file: it validates every setting with the schema (``schema.parse``, as for a link's
query string), rebuilds the model with ``models.build`` and checks every array's shape
before loading the numbers. A ``.keras`` upload is never opened (a Keras archive can
carry code). ``traces_csv`` / ``traces_npz`` write what ``lstm_core.trace`` recorded;
``script`` writes the experiment as a Python script around ``lessons.keras_code``.
Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import tempfile
import textwrap
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core import datasets, schema
from lstm_core.models import CELL_NAMES, ModelSpec
from lstm_core.training import TrainConfig

FORMAT = "lstm-explorer-weights"
VERSION = 1
META = "experiment"  # the npz member holding the JSON text
# The largest model the schema allows (4 LSTM layers of 512 units, Dense(256)) is about
# 31 MB of float32 weights: every file the app writes can be read back.
MAX_MB = 32
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_META_BYTES = 256 * 1024  # the JSON text: settings, a series of 1,000 numbers, curves
# The datasets a weights file may name: the task pages' own (cheap to rebuild).
IMPORTABLE = ("sequence_classification", "next_number", "hello")
# Trace columns, named after the maths of the seeds (gate order i, f, c~, o as Keras).
TRACE_COLUMNS = {
    "input": "input_gate",
    "forget": "forget_gate",
    "candidate": "candidate",
    "output": "output_gate",
    "update": "update_gate",
    "reset": "reset_gate",
}
AGAIN = "Export the weights again from a task page of LSTM Explorer and import that file."


@dataclass(frozen=True)
class WeightsFile:
    """What ``load_weights_file`` read: the experiment and its rebuilt, loaded model."""

    spec: ModelSpec
    config: TrainConfig
    dataset: str
    dataset_options: dict
    model: Any  # a keras.Model with the file's weights
    history: dict[str, list[float]] = field(default_factory=dict)


# ---------------------------------------------------------------- the model


def keras_file(model) -> bytes:
    """The model as Keras' own ``.keras`` archive (architecture, weights, compile settings)."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as f:
            return f.read()


def weights_file(
    spec: ModelSpec,
    model,
    *,
    config: TrainConfig,
    dataset: str,
    dataset_options: dict,
    history: dict[str, list[float]] | None = None,
) -> bytes:
    """The safe weights-only file: the experiment as JSON and one float32 array per weight."""
    from lstm_core import training

    meta = {
        "format": FORMAT,
        "version": VERSION,
        "spec": dataclasses.asdict(spec),
        "config": dataclasses.asdict(config),
        "dataset": dataset,
        "dataset_options": dict(dataset_options),
        "history": {name: [float(v) for v in values] for name, values in (history or {}).items()},
    }
    arrays = {META: np.array(json.dumps(meta))}
    for i, weight in enumerate(training.weights_of(model)):
        arrays[f"w{i}"] = np.asarray(weight, dtype=np.float32)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def load_weights_file(data: bytes, dataset: str | None = None) -> WeightsFile:
    """Read a ``weights_file``: validate it, rebuild its model, load its weights.

    ``dataset``: the page's dataset; a file of another task is refused. Any problem
    raises ValueError with one sentence that says what to do.
    """
    from lstm_core import models, training

    members = _read_npz(data)
    meta = _meta(members.pop(META, None))
    spec, config, name, options, history = _experiment(meta)
    if dataset is not None and name != dataset:
        raise ValueError(
            f"This file holds a model of the '{name}' task, not of this page's '{dataset}': "
            "import it on that task's page."
        )
    try:
        ds = datasets.load(name, **options)
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        reason = str(exc).rstrip(".")
        raise ValueError(f"The file's data settings do not work ({reason}). {AGAIN}") from None
    model = models.build(spec, ds, seed=config.seed)
    weights = _weights(members, [tuple(v.shape) for v in _variables(model)])
    training.set_weights(model, weights)
    return WeightsFile(spec, config, name, options, model, history)


def _read_npz(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of an npz, after checking its size and members, never unpickling."""
    if not isinstance(data, bytes | bytearray) or not data:
        raise ValueError(f"The file is empty. {AGAIN}")
    if len(data) > MAX_BYTES:
        raise ValueError(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_MB} MB. {AGAIN}"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValueError(
            "This is not a weights file (.npz) of LSTM Explorer. Use 'Weights (.npz)' on a "
            "task page to make one; a .keras file cannot be imported."
        ) from None
    names = {info.filename for info in infos}
    if "config.json" in names and "metadata.json" in names:
        raise ValueError(
            "This is a .keras file: the app never opens those, as they can carry code. "
            "Import the 'Weights (.npz)' file of the model instead."
        )
    if not all(name.endswith(".npy") for name in names) or len(infos) > 200:
        raise ValueError(f"This .npz holds more than the app's arrays. {AGAIN}")
    if sum(info.file_size for info in infos) > MAX_BYTES:
        raise ValueError(f"The file unpacks to more than {MAX_MB} MB. {AGAIN}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as exc:
        raise ValueError(f"The file's arrays cannot be read safely ({exc}). {AGAIN}") from None


def _meta(text: np.ndarray | None) -> dict:
    """The experiment's JSON, checked to be the app's own format."""
    if text is None or text.dtype.kind != "U" or text.ndim != 0:
        raise ValueError(f"The file has no experiment settings in it. {AGAIN}")
    if len(str(text)) > MAX_META_BYTES:
        raise ValueError(f"The file's settings are too long. {AGAIN}")
    try:
        meta = json.loads(str(text))
    except ValueError:
        raise ValueError(f"The file's settings are not readable. {AGAIN}") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"This file was not written by LSTM Explorer. {AGAIN}")
    if meta.get("version") != VERSION:
        raise ValueError(
            f"This file has format version {meta.get('version')!r}; this app reads version "
            f"{VERSION}. {AGAIN}"
        )
    return meta


def _experiment(meta: dict) -> tuple[ModelSpec, TrainConfig, str, dict, dict]:
    spec = _settings(ModelSpec, meta.get("spec"), "model")
    config = _settings(TrainConfig, meta.get("config"), "training")
    name = meta.get("dataset")
    if name not in IMPORTABLE:
        known = ", ".join(IMPORTABLE)
        raise ValueError(
            f"The file names the dataset {str(name)[:40]!r}; only models of {known} can be "
            "imported."
        )
    options = meta.get("dataset_options")
    scalar = (str, int, float, bool, type(None))
    if not isinstance(options, dict) or not all(
        isinstance(k, str) and isinstance(v, scalar) for k, v in options.items()
    ):
        raise ValueError(f"The file's data settings are not readable. {AGAIN}")
    return spec, config, name, options, _history(meta.get("history"), config.epochs)


def _settings(cls, values: object, what: str):
    """A ModelSpec or TrainConfig from JSON, every field parsed as a link's value is."""
    if not isinstance(values, dict):
        raise ValueError(f"The file has no {what} settings. {AGAIN}")
    known = {p.name: p for p in schema.params(cls)}
    plain = {f.name for f in dataclasses.fields(cls)} - set(known)  # e.g. shuffle
    parsed = {}
    for name, value in values.items():
        if name in plain and isinstance(value, bool):
            parsed[name] = value
            continue
        if name not in known or isinstance(value, list | dict):
            raise ValueError(f"The file has an unknown {what} setting {str(name)[:40]!r}. {AGAIN}")
        try:
            parsed[name] = schema.parse(known[name], "none" if value is None else str(value))
        except ValueError as exc:
            label = known[name].label
            raise ValueError(f"The file's {label} is not allowed: {exc}. {AGAIN}") from None
    if what == "model" and "cell" not in parsed:
        raise ValueError(f"The file does not say which cell the model uses. {AGAIN}")
    return cls(**parsed)


def _history(values: object, epochs: int) -> dict[str, list[float]]:
    """The loss curves (optional): short names, at most one value per epoch, all finite."""
    if values is None:
        return {}
    ok = isinstance(values, dict) and len(values) <= 8
    ok = ok and all(
        isinstance(k, str)
        and len(k) <= 40
        and isinstance(v, list)
        and len(v) <= epochs
        and all(isinstance(x, int | float) and math.isfinite(x) for x in v)
        for k, v in values.items()
    )
    if not ok:
        raise ValueError(f"The file's training curves are not readable. {AGAIN}")
    return {k: [float(x) for x in v] for k, v in values.items()}


def _variables(model) -> list:
    return [*model.trainable_variables, *model.non_trainable_variables]


def _weights(members: dict[str, np.ndarray], shapes: list[tuple]) -> list[np.ndarray]:
    """The arrays w0, w1, … in order, each of the rebuilt model's shape and finite."""
    names = [f"w{i}" for i in range(len(shapes))]
    if set(members) != set(names):
        raise ValueError(
            f"The file holds {len(members)} weight arrays but this model has {len(shapes)}: "
            f"it does not match its own settings. {AGAIN}"
        )
    weights = []
    for name, shape in zip(names, shapes, strict=True):
        array = members[name]
        if array.dtype.kind not in "fiu" or tuple(array.shape) != shape:
            raise ValueError(
                f"Weight {name} has shape {array.shape} but the model needs {shape}: the file "
                f"does not match its own settings. {AGAIN}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"Weight {name} holds numbers that are not finite. {AGAIN}")
        weights.append(array.astype(np.float32))
    return weights


# ---------------------------------------------------------------- traces


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


# ---------------------------------------------------------------- the script

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
