"""Compare: four cells, three optimizers, N seeds or 1 against 9 layers over N seeds from
one click, curves while they train, a table (and for seeds and depths their spread) when
done."""

import numpy as np
import pytest

from app import pool
from lstm_core import datasets, models, predict, training
from lstm_core.lessons import LESSONS
from tests.app.conftest import MAIN, TIMEOUT, array, figure_titled, texts

PAGE = "compare"
TASK = "sequence_classification"
CELLS = ("simple_rnn", "lstm", "gru", "dense")


def open_compare():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("views/compare.py").run()
    assert not at.exception, at.exception
    return at


def test_one_click_trains_four_cells_with_equal_settings_as_keras_builds_them():
    at = open_compare()
    at.get_by_key(f"w:{PAGE}:{TASK}:epochs").set_value(30)
    at.get_by_key(f"w:{PAGE}:{TASK}:units").set_value(8)
    at.run()
    at.button(key=f"b:{PAGE}:train").click().run()
    assert not at.exception, at.exception
    runs = {cell: at.session_state[f"run:{PAGE}:{TASK}:{cell}"] for cell in CELLS}
    assert {run.spec.cell for run in runs.values()} == set(CELLS)
    assert {(run.spec.units, run.config.epochs, run.config.seed) for run in runs.values()} == {
        (8, 30, LESSONS[TASK].config.seed)
    }  # everything but the cell is equal
    assert figure_titled(at, "Loss of each cell")  # the live chart while they train
    for run in runs.values():
        pool.pool().wait(run.job, timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "parameters" in df.value.columns)
    assert list(table["model"]) == ["SimpleRNN", "LSTM", "GRU", "Dense"]
    ds = datasets.load(TASK)
    for row, cell in zip(table.itertuples(), CELLS, strict=True):
        keras_model = models.build(runs[cell].spec, ds)
        assert row.parameters == keras_model.count_params()  # the count Keras reports
    lstm = runs["lstm"]
    assert float(table["final loss"][1]) == float(f"{lstm.history['loss'][-1]:.4g}")
    fig = figure_titled(at, "Loss of each cell")
    assert [t["name"] for t in fig["data"]] == ["SimpleRNN", "LSTM", "GRU", "Dense"]
    np.testing.assert_allclose(array(fig["data"][1]["y"]), lstm.history["loss"], rtol=1e-6)
    # the LSTM's own model answers as a model with the job's weights does
    mine = models.build(lstm.spec, ds, seed=lstm.config.seed)
    training.set_weights(mine, lstm.job.weights)
    np.testing.assert_allclose(lstm.model(ds.x).numpy(), mine(ds.x).numpy(), atol=1e-6)


def _train_comparison(at, task: str, what: str, timeout: float = TIMEOUT, **knobs) -> dict:
    at.radio(key=f"w:{PAGE}:task").set_value(task).run()
    at.radio(key=f"w:{PAGE}:what").set_value(what).run()
    for name, value in knobs.items():
        key = f"w:{PAGE}:{task}:{name}"
        if name == "seeds":
            key = f"w:{PAGE}:depths:seeds" if what == "depths" else f"w:{PAGE}:seeds"
        at.get_by_key(key).set_value(value)
    at.run()
    at.button(key=f"b:{PAGE}:train").click().run()
    assert not at.exception, at.exception
    found = {key: value for key, value in at.session_state.items()
             if key.startswith(f"run:{PAGE}:{task}:{what}:")}  # fmt: skip
    for run in found.values():
        pool.pool().wait(run.job, timeout=timeout)
    at.run()
    assert not at.exception, at.exception
    return found


def test_the_same_model_with_each_optimizer_trains_as_keras_would():
    at = open_compare()
    runs = _train_comparison(at, TASK, "optimizers", epochs=20, units=8)
    by_optimizer = {run.config.optimizer: run for run in runs.values()}
    assert set(by_optimizer) == {"adam", "rmsprop", "sgd"}
    assert {(r.spec.units, r.config.epochs, r.config.seed) for r in runs.values()} == {
        (8, 20, LESSONS[TASK].config.seed)
    }  # everything but the optimizer is equal
    fig = figure_titled(at, "Loss of each optimizer")
    curves = {trace["name"]: array(trace["y"]) for trace in fig["data"] if trace.get("name")}
    for name, optimizer in (("Adam", "adam"), ("RMSprop", "rmsprop"), ("SGD", "sgd")):
        np.testing.assert_allclose(curves[name], by_optimizer[optimizer].history["loss"], rtol=1e-6)
    # RMSprop as the page set it up equals Keras' RMSprop on the same model and data order
    # (dropout off: Keras would draw other masks)
    rms = by_optimizer["rmsprop"]
    ds = datasets.load(TASK)
    import keras

    spec = rms.spec.replace(dropout=0.0, recurrent_dropout=0.0)
    twin = models.build(spec, ds, seed=rms.config.seed)
    twin.compile(optimizer=keras.optimizers.RMSprop(rms.config.learning_rate), loss=twin.loss)
    ours = models.build(spec, ds, seed=rms.config.seed)
    same = training.TrainConfig(epochs=3, learning_rate=rms.config.learning_rate,
                                optimizer="rmsprop", shuffle=False)  # fmt: skip
    result = training.train(ours, ds, same)
    keras_history = twin.fit(ds.x, ds.y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    np.testing.assert_allclose(result.history["loss"], keras_history.history["loss"], rtol=1e-4)


def test_one_experiment_over_several_seeds_shows_its_spread():
    at = open_compare()
    task = "next_number"
    runs = _train_comparison(at, task, "seeds", seeds=3, epochs=30)
    seeds = sorted(run.config.seed for run in runs.values())
    base = LESSONS[task].config.seed
    assert seeds == [base, base + 1, base + 2]
    assert len({run.history["loss"][-1] for run in runs.values()}) == 3, "the seeds differ"
    finals = {f"seed {r.config.seed}": r.history["loss"][-1] for r in runs.values()}
    spread = figure_titled(at, "Final loss of each seed")["data"][0]
    assert dict(zip(spread["text"], array(spread["y"]), strict=True)) == pytest.approx(finals)
    answers = figure_titled(at, "Answer of each seed")["data"][0]
    ds = datasets.load("next_number")
    for label, value in zip(answers["text"], array(answers["y"]), strict=True):
        run = next(r for r in runs.values() if f"seed {r.config.seed}" == label)
        assert value == pytest.approx(predict.predict(run.model, ds, LESSONS[task].example_input)
                                      .value, rel=1e-6)  # fmt: skip
    assert any("The 3 runs answer" in c for c in texts(at.caption))


def test_one_layer_against_nine_over_seeds_draws_one_colour_per_depth():
    at = open_compare()
    task = "next_number_wide"
    # a stack of nine compiles for a minute on a busy 2-core machine: a longer wait
    runs = _train_comparison(at, task, "depths", 4 * TIMEOUT, seeds=2, epochs=4, units=3)
    lesson = LESSONS[task]
    assert sorted((r.spec.layers, r.config.seed) for r in runs.values()) == [
        (1, 0), (1, 1), (9, 0), (9, 1)
    ]  # fmt: skip
    assert {r.spec.replace(layers=1) for r in runs.values()} == {
        lesson.spec.replace(units=3)
    }  # only the depth differs: the seed's LSTM with the lesson's Dense(10)-Dense(100)-Dense(10)
    assert {(r.config.epochs, r.config.batch_size) for r in runs.values()} == {(4, 1)}
    label = {f"{'1 layer' if r.spec.layers == 1 else '9 layers'} · seed {r.config.seed}": r
             for r in runs.values()}  # fmt: skip
    fig = figure_titled(at, "Loss by depth, one line per seed")
    curves = {trace["name"]: trace for trace in fig["data"]}
    assert set(curves) == set(label)  # four curves ...
    colors = {name: trace["line"]["color"] for name, trace in curves.items()}
    assert len(set(colors.values())) == 2  # ... in two colours, one per depth
    assert colors["1 layer · seed 0"] == colors["1 layer · seed 1"]
    assert colors["9 layers · seed 0"] == colors["9 layers · seed 1"]
    for name, run in label.items():
        np.testing.assert_allclose(array(curves[name]["y"]), run.history["loss"], rtol=1e-6)
    spread = figure_titled(at, "Final loss by depth")
    assert [box["name"] for box in spread["data"]] == ["1 layer", "9 layers"]
    for box in spread["data"]:
        finals = {name: label[name].history["loss"][-1] for name in box["text"]}
        assert dict(zip(box["text"], array(box["y"]), strict=True)) == pytest.approx(finals)
    answers = figure_titled(at, "Answer by depth")
    ds = datasets.load("next_number", variant="wide")
    for box in answers["data"]:
        for name, value in zip(box["text"], array(box["y"]), strict=True):
            want = predict.predict(label[name].model, ds, lesson.example_input).value
            assert value == pytest.approx(want, rel=1e-5)
    table = next(df.value for df in at.dataframe if "parameters" in df.value.columns)
    assert set(table["model"]) == set(label)
    for row in table.itertuples():
        assert row.parameters == models.build(label[row.model].spec, ds).count_params()
    captions = texts(at.caption)
    assert any(c.startswith("1 layer: the 2 runs end with a loss of") for c in captions)
    assert any(c.startswith("9 layers: the 2 runs end with a loss of") for c in captions)
    assert any("Measured on this app's server" in c for c in captions)  # bench/deep_stacks.py


def test_the_seeds_deep_stack_comparison_opens_from_its_link():
    from app.views.compare import DEEP_STACK
    from tests.app.test_links import open_link

    at = open_link("compare", **{key: str(value) for key, value in DEEP_STACK.items()})
    assert not at.exception, at.exception
    assert at.radio(key=f"w:{PAGE}:task").value == "next_number_wide"
    assert at.radio(key=f"w:{PAGE}:what").value == "depths"
    assert at.number_input(key=f"w:{PAGE}:depths:seeds").value == 3
    assert at.get_by_key(f"w:{PAGE}:next_number_wide:units").value == 10
    assert at.button(key=f"b:{PAGE}:train").label == "▶ Train 6 models (1 and 9 layers)"
    link = next(m for m in texts(at.markdown) if "Seed 001's own comparison" in m)
    assert "task=next_number_wide&what=depths&units=10&seeds=3" in link
