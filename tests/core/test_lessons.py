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


def test_the_seeds_wide_model_answers_25_35_45_near_55_with_or_without_scaling():
    """The blog expects large errors without a scaler. With its own model (LSTM(200, relu)
    and the Dense(10)-Dense(100)-Dense(10) head) both land near 55 on this machine:
    seeds 0-4 gave 55.1-55.7 unscaled and 53.7-56.5 with min-max (a lone Dense(10) head,
    which the lesson used before, gave 54.0-57.5 and 54.6-55.1: scaling helped that one)."""
    lesson = lessons.LESSONS["next_number_wide"]
    assert models.hidden_dense(lesson.spec) == (10, 100, 10)
    for scaling in (None, "minmax"):
        ds = datasets.load("next_number", variant="wide", scaling=scaling)
        answers = []
        for seed in (0, 1, 2):
            model, _, _ = _trained(lesson, ds, seed=seed)
            answers.append(ds.decode(np.asarray(model(ds.encode("25, 35, 45")))[0]))
        assert np.mean(np.abs(np.array(answers) - 55)) < 2.0, (scaling, answers)


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


def test_generated_code_writes_the_seeds_three_dense_head_in_order():
    lesson = lessons.LESSONS["next_number_wide"]
    code = lessons.keras_code(lesson.spec, lesson.config, lesson.load())
    head = [line for line in code.splitlines() if line.startswith("model.add(Dense(")]
    assert head == ["model.add(Dense(10))", "model.add(Dense(100))", "model.add(Dense(10))",
                    "model.add(Dense(1, activation='linear'))"]  # fmt: skip
    assert "model.add(LSTM(200, activation='relu', input_shape=(3, 1)))" in code
    deep = lesson.spec.replace(units=10, layers=9, dense_units_2=0, dense_units_3=0)
    lstm = [line for line in lessons.keras_code(deep, lesson.config, lesson.load()).splitlines()
            if "LSTM(" in line]  # fmt: skip
    assert len(lstm) == 9 and all("return_sequences=True" in line for line in lstm[:8])
    assert "return_sequences" not in lstm[-1]
