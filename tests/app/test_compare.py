"""Compare cells: four jobs from one click, curves while they train, a table when done."""

import numpy as np

from app import pool
from lstm_core import datasets, models, training
from lstm_core.lessons import LESSONS
from tests.app.conftest import MAIN, TIMEOUT, array, figure_titled

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
