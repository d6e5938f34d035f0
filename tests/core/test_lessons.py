"""The seeds' published results come out of the core with each lesson's own settings."""

import dataclasses

import numpy as np
import pytest

from lstm_core import datasets, lessons, models, training


def _trained(lesson: lessons.Lesson, ds=None, seed=None):
    ds = ds if ds is not None else lesson.load()
    cfg = lesson.config if seed is None else dataclasses.replace(lesson.config, seed=seed)
    model = models.build(lesson.spec, ds, seed=cfg.seed)
    result = training.train(model, ds, cfg)
    return model, ds, result


def test_seed_000_predicts_the_blog_classes():
    model, ds, result = _trained(lessons.LESSONS["sequence_classification"])
    assert result.epochs_run == 200
    assert np.asarray(model(ds.x)).argmax(1).tolist() == [1, 2, 3, 2, 3, 1]
    assert ds.decode(np.asarray(model(ds.encode("0, 0, 0, 0, 0, 1")))[0]) == 1  # runit


def test_seed_001_predicts_about_nine():
    lesson = lessons.LESSONS["next_number"]
    model, ds, _ = _trained(lesson)
    assert ds.decode(np.asarray(model(ds.encode("6, 7, 8")))[0]) == pytest.approx(9, abs=0.5)


def test_hello_predicts_ello():
    model, ds, _ = _trained(lessons.LESSONS["hello"])
    assert ds.decode(np.asarray(model(ds.encode("hell")))[0]) == "ello"


def test_scaling_brings_25_35_45_closer_to_55():
    lesson = lessons.LESSONS["next_number_wide"]
    errors = {}
    for scaling in (None, "minmax"):
        ds = datasets.load("next_number", variant="wide", scaling=scaling)
        errs = []
        for seed in (0, 1, 2):
            model, _, _ = _trained(lesson, ds, seed=seed)
            errs.append(abs(ds.decode(np.asarray(model(ds.encode("25, 35, 45")))[0]) - 55))
        errors[scaling] = float(np.mean(errs))
    assert errors["minmax"] < 0.5 * errors[None], errors


@pytest.mark.parametrize("key", sorted(lessons.LESSONS))
def test_generated_keras_code_builds_the_same_model(key):
    import keras

    lesson = lessons.LESSONS[key]
    ds = lesson.load()
    cfg = dataclasses.replace(lesson.config, epochs=1)
    code = lessons.keras_code(lesson.spec, cfg, ds)
    L = keras.layers  # noqa: N806
    namespace = {
        "Sequential": keras.Sequential, "LSTM": L.LSTM, "GRU": L.GRU, "SimpleRNN": L.SimpleRNN,
        "Dense": L.Dense, "Flatten": L.Flatten, "Adam": keras.optimizers.Adam,
        "RMSprop": keras.optimizers.RMSprop, "SGD": keras.optimizers.SGD,
        "EarlyStopping": keras.callbacks.EarlyStopping, "x": ds.x, "y": ds.y,
    }  # fmt: skip
    exec(code, namespace)  # the code a student would type runs as it stands
    built = models.build(lesson.spec, ds)
    assert namespace["model"].count_params() == built.count_params()
    assert lesson.tutorial_code.strip()


def test_generated_code_says_the_optimizer_the_validation_split_and_what_early_stopping_watches():
    import keras

    ds = datasets.load("sequence_classification")
    cfg = training.TrainConfig(epochs=2, learning_rate=0.01, optimizer="rmsprop", patience=3,
                               validation_split=0.34, monitor="val_loss")  # fmt: skip
    code = lessons.keras_code(models.ModelSpec(units=4), cfg, ds)
    assert "optimizer=RMSprop(0.01)" in code
    assert "EarlyStopping(monitor='val_loss', patience=3)" in code
    assert "validation_split=0.34" in code
    namespace = {name: getattr(keras.layers, name) for name in ("LSTM", "Dense")}
    namespace |= {"Sequential": keras.Sequential, "RMSprop": keras.optimizers.RMSprop,
                  "EarlyStopping": keras.callbacks.EarlyStopping, "x": ds.x, "y": ds.y}  # fmt: skip
    exec(code, namespace)
    assert isinstance(namespace["model"].optimizer, keras.optimizers.RMSprop)
    assert "val_loss" in namespace["model"].history.history
