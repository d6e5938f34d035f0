"""A trained model and what it computed, as files: .keras, safe weights, traces, a script.

``keras_file`` writes Keras' own archive, for use outside the app. ``weights_file`` is the
format the app reads back: an ``.npz`` (``np.savez``, no pickle) holding the experiment
as JSON text (the validated ``ModelSpec``, ``TrainConfig``, dataset and its options, the
loss curves) and one array per weight. ``load_weights_file`` never runs anything from
the file: it validates every setting with the schema (``schema.parse``, as for a link's
query string), rebuilds the model with ``models.build`` and checks every array's shape
before loading the numbers. A ``.keras`` upload is never opened (a Keras archive can
carry code). ``traces_csv`` / ``traces_npz`` (in ``export_traces``) write what ``lstm_core.trace``
recorded; ``script`` (in ``export_script``) writes the experiment as a Python script around
``lessons.keras_code``.
Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lstm_core import datasets, schema
from lstm_core.export_script import script
from lstm_core.export_traces import TRACE_COLUMNS, trace_columns, traces_csv, traces_npz
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

__all__ = [
    "FORMAT", "IMPORTABLE", "MAX_BYTES", "MAX_MB", "META", "TRACE_COLUMNS", "VERSION",
    "WeightsFile", "experiment_meta", "keras_file", "load_saved", "load_weights_file",
    "script", "trace_columns", "traces_csv", "traces_npz", "weights_file",
]  # fmt: skip

FORMAT = "lstm-explorer-weights"
VERSION = 1
META = "experiment"  # the npz member holding the JSON text
# The largest model the schema allows (10 LSTM layers of 512 units, three Dense(256), on
# the 80-character "hello" vocabulary) has 20.4 million float32 weights, 78 MB (MiB):
# every file the app writes can be read back.
MAX_MB = 96
MAX_BYTES = MAX_MB * 1024 * 1024
MAX_META_BYTES = 256 * 1024  # the JSON text: settings, a series of 1,000 numbers, curves
# The datasets a weights file may name: the task pages' own (cheap to rebuild).
IMPORTABLE = ("sequence_classification", "next_number", "hello")
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


def experiment_meta(
    spec: ModelSpec,
    config: TrainConfig,
    dataset: str,
    dataset_options: dict,
    history: dict[str, list[float]] | None = None,
) -> dict:
    """The experiment as plain JSON values: what a weights file (or a saved run) holds
    beside its arrays, read back by ``load_weights_file`` / ``load_saved``."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "spec": dataclasses.asdict(spec),
        "config": dataclasses.asdict(config),
        "dataset": dataset,
        "dataset_options": dict(dataset_options),
        "history": {name: [float(v) for v in values] for name, values in (history or {}).items()},
    }


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

    meta = experiment_meta(spec, config, dataset, dataset_options, history)
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
    members = _read_npz(data)
    return _rebuild(_meta(members.pop(META, None)), members, dataset)


def load_saved(meta: dict, weights: list[np.ndarray], dataset: str | None = None) -> WeightsFile:
    """A run kept in the store (``experiment_meta`` and its arrays), checked and rebuilt
    exactly as an imported weights file is."""
    _meta(np.array(json.dumps(meta)))
    return _rebuild(meta, {f"w{i}": w for i, w in enumerate(weights)}, dataset)


def _rebuild(meta: dict, members: dict[str, np.ndarray], dataset: str | None) -> WeightsFile:
    from lstm_core import models, training

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
