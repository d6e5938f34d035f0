"""Exports: the .keras archive, the safe weights file and its refusals, traces, the script."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import pathlib
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lstm_core import datasets, export, lessons, models, schema, trace, training
from lstm_core.models import ModelSpec
from lstm_core.training import TrainConfig

CONFIG = TrainConfig(epochs=7, batch_size=2, learning_rate=0.01, seed=3, patience=4)
CASES = {
    "lstm": ("next_number", {}, ModelSpec(cell="lstm", units=5, dense_units=3, activation="relu")),
    "gru": ("hello", {"text": "hello"}, ModelSpec(cell="gru", units=6)),
    "simple_rnn": ("sequence_classification", {}, ModelSpec(cell="simple_rnn", units=4, layers=2)),
    # seed 001's deep stack and its three-Dense head
    "deep": (
        "next_number",
        {"variant": "wide"},
        ModelSpec(
            units=3, layers=9, activation="relu", dense_units=4, dense_units_2=6, dense_units_3=2
        ),
    ),  # fmt: skip
    "dense": (
        "next_number",
        {"series": "1, 3, 2, 5, 4, 6, 8", "window_size": 2, "scaling": "minmax"},
        ModelSpec(cell="dense", units=3, unit_forget_bias=False),
    ),
}


def trained_like(spec: ModelSpec, name: str, options: dict):
    """A model whose weights are not the ones ``models.build`` starts from (as after
    training), so a file that loaded no weights would predict differently."""
    ds = datasets.load(name, **options)
    model = models.build(spec, ds, seed=CONFIG.seed)
    rng = np.random.default_rng(7)
    noise = lambda w: rng.normal(0, 0.3, w.shape).astype(np.float32)  # noqa: E731
    weights = [w + noise(w) for w in training.weights_of(model)]
    training.set_weights(model, weights)
    return model, ds


def file_of(cell: str = "lstm", history=None) -> tuple[bytes, object, object]:
    name, options, spec = CASES[cell]
    model, ds = trained_like(spec, name, options)
    data = export.weights_file(spec, model, config=CONFIG, dataset=name, dataset_options=options,
                               history=history)  # fmt: skip
    return data, model, ds


@pytest.fixture(scope="module")
def lstm_file():
    return file_of("lstm", history={"loss": [0.9, 0.5, 0.25]})


@pytest.mark.parametrize("cell", list(CASES))
def test_a_weights_file_gives_back_the_same_model(cell):
    name, options, spec = CASES[cell]
    data, model, ds = file_of(cell, history={"loss": [1.5, 0.75]})
    loaded = export.load_weights_file(data, dataset=name)
    assert (loaded.spec, loaded.config) == (spec, CONFIG)
    assert (loaded.dataset, loaded.dataset_options) == (name, options)
    assert loaded.history == {"loss": [1.5, 0.75]}
    assert loaded.model is not model
    fresh = np.asarray(models.build(spec, ds, seed=CONFIG.seed)(ds.x, training=False))
    want = np.asarray(model(ds.x, training=False))
    got = np.asarray(loaded.model(ds.x, training=False))
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert np.abs(fresh - want).max() > 1e-3  # the weights really came from the file


def test_a_saved_run_is_rebuilt_as_a_file_is_and_checked_the_same_way():
    """What the run store keeps (the experiment's JSON and the arrays) gives the model back."""
    name, options, spec = CASES["gru"]
    model, ds = trained_like(spec, name, options)
    meta = export.experiment_meta(spec, CONFIG, name, options, {"loss": [0.5]})
    weights = training.weights_of(model)
    loaded = export.load_saved(json.loads(json.dumps(meta)), weights)  # as the store's JSON
    assert (loaded.spec, loaded.config, loaded.history) == (spec, CONFIG, {"loss": [0.5]})
    np.testing.assert_allclose(loaded.model(ds.x, training=False), model(ds.x, training=False),
                               atol=1e-6)  # fmt: skip
    with pytest.raises(ValueError, match="format version 999"):
        export.load_saved({**meta, "version": 999}, weights)
    with pytest.raises(ValueError, match="weight arrays but this model has"):
        export.load_saved(meta, weights[:-1])


def test_the_largest_model_the_schema_allows_fits_the_file_limit():
    """10 LSTM layers of 512 units and three Dense(256) on an 80-character "hello" (the
    widest input a weights file may name): its float32 weights and the settings fit."""
    widest = ("units", "layers", *models.HEAD_DENSE)
    most = {name: int(schema.describe(ModelSpec, name).hi) for name in widest}
    spec = ModelSpec(**most)
    text = "".join(chr(33 + i) for i in range(80))  # 80 different characters
    count = models.build(spec, datasets.load("hello", text=text)).count_params()
    assert count > 20_000_000
    assert count * 4 + export.MAX_META_BYTES + 64 * 1024 < export.MAX_BYTES


def test_the_weights_file_is_plain_arrays_and_json(lstm_file):
    data, model, _ = lstm_file
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(str(npz[export.META]))
        arrays = [npz[f"w{i}"] for i in range(len(npz.files) - 1)]
    assert meta["format"] == export.FORMAT and meta["spec"]["cell"] == "lstm"
    assert meta["config"]["patience"] == 4 and meta["history"]["loss"] == [0.9, 0.5, 0.25]
    assert [a.shape for a in arrays] == [w.shape for w in training.weights_of(model)]


def test_the_keras_file_loads_back_with_keras_and_predicts_the_same(lstm_file, tmp_path):
    import keras

    _, model, ds = lstm_file
    path = tmp_path / "model.keras"
    path.write_bytes(export.keras_file(model))
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(
        np.asarray(again(ds.x, training=False)), np.asarray(model(ds.x, training=False)),
        atol=1e-6,
    )  # fmt: skip


# ---------------------------------------------------------------- refused files


def rewrite(data: bytes, meta=None, drop=(), **arrays) -> bytes:
    """The file with its JSON changed by ``meta(dict)`` and some arrays replaced or dropped."""
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        members = {key: npz[key] for key in npz.files}
    if meta is not None:
        changed = json.loads(str(members[export.META]))
        meta(changed)
        members[export.META] = np.array(json.dumps(changed))
    members.update(arrays)
    for key in drop:
        members.pop(key)
    buffer = io.BytesIO()
    np.savez(buffer, **members)
    return buffer.getvalue()


def set_in(section: str, **values):
    return lambda meta: meta[section].update(values)


class Touch:
    """Unpickling this object creates a file: proof that something was unpickled."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.path),))


def bad_files(data: bytes, keras_bytes: bytes, canary: Path) -> dict[str, tuple[bytes, str]]:
    shape = np.load(io.BytesIO(data))["w0"].shape
    pickled = io.BytesIO()
    np.savez(pickled, **{export.META: np.array([Touch(canary)], dtype=object)})
    extra = io.BytesIO()
    with zipfile.ZipFile(extra, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return {
        "empty": (b"", "The file is empty"),
        "png": (b"\x89PNG\r\n\x1a\n" + bytes(64), "This is not a weights file (.npz)"),
        "keras": (keras_bytes, "This is a .keras file: the app never opens those"),
        "not only arrays": (extra.getvalue(), "holds more than the app's arrays"),
        "pickle": (pickled.getvalue(), "cannot be read safely"),
        "no settings": (rewrite(data, drop=[export.META]), "no experiment settings"),
        "another format": (rewrite(data, lambda m: m.update(format="x")), "not written by"),
        "newer version": (rewrite(data, lambda m: m.update(version=2)), "format version 2"),
        "unknown cell": (rewrite(data, set_in("spec", cell="transformer")), "Cell is not allowed"),
        "huge": (rewrite(data, set_in("spec", units=100_000)), "between 1 and 512"),
        "text number": (rewrite(data, set_in("config", epochs="many")), "not a number"),
        "unknown setting": (rewrite(data, set_in("spec", code="import os")), "unknown model"),
        "other dataset": (rewrite(data, lambda m: m.update(dataset="long_memory")), "only models"),
        "bad options": (rewrite(data, set_in("dataset_options", variant="x")), "do not work"),
        "bad curves": (rewrite(data, lambda m: m.update(history={"loss": ["x"]})), "curves"),
        "wrong shape": (rewrite(data, w0=np.zeros((shape[0] + 1, *shape[1:]))), "needs"),
        "missing array": (rewrite(data, drop=["w1"]), "weight arrays but this model has"),
        "not finite": (rewrite(data, w0=np.full(shape, np.nan, np.float32)), "not finite"),
        "too big": (b"PK" + bytes(export.MAX_BYTES), f"the limit is {export.MAX_MB} MB"),
    }


def test_every_bad_file_is_refused_with_a_sentence_and_nothing_is_unpickled(lstm_file, tmp_path):
    data, model, _ = lstm_file
    canary = tmp_path / "unpickled"
    cases = bad_files(data, export.keras_file(model), canary)
    for case, (bad, expected) in cases.items():
        with pytest.raises(ValueError) as info:
            export.load_weights_file(bad)
        message = str(info.value)
        assert expected in message, (case, message)
        assert message[0].isupper() and message.endswith("."), (case, message)
        assert "\n" not in message and len(message) < 400, (case, message)
    assert not canary.exists()


def test_a_file_of_another_page_is_refused(lstm_file):
    with pytest.raises(ValueError, match="import it on that task's page"):
        export.load_weights_file(lstm_file[0], dataset="hello")


# ---------------------------------------------------------------- traces


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
def test_traces_csv_has_a_row_per_step_and_unit_with_the_trace_values(cell):
    name, options, spec = CASES[cell]
    model, ds = trained_like(spec, name, options)
    traces = trace.trace(model, ds.x[-1:])
    rows = read_csv(export.traces_csv(traces))
    assert len(rows) == sum(lt.timesteps * lt.units for lt in traces)
    expected = {
        "lstm": ["h", "c", "input_gate", "forget_gate", "candidate", "output_gate"],
        "gru": ["h", "update_gate", "reset_gate", "candidate"],
        "simple_rnn": ["h"],
    }[cell]
    assert list(rows[0]) == ["layer", "step", "unit", *expected]
    for layer_trace in traces:
        mine = [r for r in rows if r["layer"] == layer_trace.name]
        assert len(mine) == layer_trace.timesteps * layer_trace.units
        for column in expected:
            values = np.array([float(r[column]) for r in mine], dtype=np.float32)
            source = layer_trace.h if column == "h" else layer_trace.c
            if column not in ("h", "c"):
                gate = {v: k for k, v in export.TRACE_COLUMNS.items()}[column]
                source = layer_trace.gates[gate]
            np.testing.assert_array_equal(values, source[0].reshape(-1))  # (step, unit) order
        assert [int(r["step"]) for r in mine[: layer_trace.units + 1]][-2:] == [0, 1]


def test_traces_npz_holds_every_array_of_every_layer():
    name, options, spec = CASES["simple_rnn"]
    model, ds = trained_like(spec, name, options)
    traces = trace.trace(model, ds.x)
    with np.load(io.BytesIO(export.traces_npz(traces)), allow_pickle=False) as npz:
        assert sorted(npz.files) == sorted(f"{lt.name}.{v}" for lt in traces for v in "xh")
        for layer_trace in traces:
            np.testing.assert_array_equal(npz[f"{layer_trace.name}.h"], layer_trace.h)
            np.testing.assert_array_equal(npz[f"{layer_trace.name}.x"], layer_trace.x)
    name, options, spec = CASES["lstm"]
    model, ds = trained_like(spec, name, options)
    (lstm_trace,) = trace.trace(model, ds.x)
    with np.load(io.BytesIO(export.traces_npz(lstm_trace)), allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["lstm_1.forget_gate"], lstm_trace.gates["forget"])
        np.testing.assert_array_equal(npz["lstm_1.c"], lstm_trace.c)


# ---------------------------------------------------------------- the script


def test_the_script_uses_the_pages_keras_code_and_trains_and_predicts(tmp_path):
    lesson = lessons.LESSONS["sequence_classification"]
    spec = lesson.spec.replace(units=8)
    code = export.script(spec, lesson.config, lesson.dataset, {}, epochs=2)
    ds = lesson.load()
    shown = lessons.keras_code(spec, dataclasses.replace(lesson.config, epochs=2), ds)
    assert shown in code and "epochs=200" not in code
    path = tmp_path / "experiment.py"
    path.write_text(code)
    assert "lstm_core" not in code, "the script stands alone: plain Keras and numpy"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}  # run outside the project
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=180)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    predicted = [line for line in done.stdout.splitlines() if "| predicted:" in line]
    assert [line.split(" | ")[0] for line in predicted] == ds.labels
    assert "Epoch 2/2" in done.stdout


@pytest.mark.parametrize("lesson_key", ["hello", "next_number_wide"])
def test_the_script_writes_the_apps_data_bit_for_bit_and_decodes_as_the_app(lesson_key):
    lesson = lessons.LESSONS[lesson_key]
    code = export.script(lesson.spec, lesson.config, lesson.dataset, lesson.dataset_options)
    scope: dict = {"np": np}
    exec(code[code.index("\nx = ") : code.index("model = Sequential()")], scope)  # the data
    ds = lesson.load()
    np.testing.assert_array_equal(scope["x"], ds.x)
    np.testing.assert_array_equal(scope["y"], ds.y)
    assert scope["x"].dtype == ds.x.dtype and scope["labels"] == ds.labels
    decoder = code[code.index('"| predicted:", ') + len('"| predicted:", ') :].rstrip()[:-1]
    for row in (ds.y[0], np.linspace(-1, 1, ds.y[0].size).reshape(ds.y[0].shape)):
        assert eval(decoder, {"row": np.asarray(row)}) == ds.decode(row)
