"""Compare: four cells, three optimizers or N seeds from one click, curves while they train,
a table (and for seeds their spread) when done."""

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


def _train_comparison(at, task: str, what: str, **knobs) -> dict:
    at.radio(key=f"w:{PAGE}:task").set_value(task).run()
    at.radio(key=f"w:{PAGE}:what").set_value(what).run()
    for name, value in knobs.items():
        key = f"w:{PAGE}:{name}" if name == "seeds" else f"w:{PAGE}:{task}:{name}"
        at.get_by_key(key).set_value(value)
    at.run()
    at.button(key=f"b:{PAGE}:train").click().run()
    assert not at.exception, at.exception
    found = {key: value for key, value in at.session_state.items()
             if key.startswith(f"run:{PAGE}:{task}:{what}:")}  # fmt: skip
    for run in found.values():
        pool.pool().wait(run.job, timeout=TIMEOUT)
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
