"""Long-term memory: the sweep's jobs, their held-out scores on the chart, the gradient view."""

import numpy as np
import pytest

from app import memory_lesson, pool
from lstm_core import datasets, gradients, models, training
from lstm_core.models import ModelSpec
from tests.app.conftest import TIMEOUT, array, figure_titled, figures, open_page

PAGE = "long_memory"


def key(name: str) -> str:
    return f"w:{PAGE}:{name}"


def run_small_sweep(at):
    at.multiselect(key=key("lengths")).set_value([5, 10])
    at.number_input(key=key("seeds")).set_value(2)
    at.number_input(key=key("epochs")).set_value(5)
    at.run()
    at.button(key=f"b:{PAGE}:sweep").click().run()
    assert not at.exception, at.exception
    sweep = at.session_state[memory_lesson.SWEEP_KEY]
    for job in sweep.jobs.values():
        pool.pool().wait(job, timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return sweep


def test_the_sweep_trains_every_cell_length_and_seed_and_charts_the_held_out_accuracy():
    at = open_page(PAGE)
    sweep = run_small_sweep(at)
    assert set(sweep.jobs) == {(c, n, s) for c in memory_lesson.CELLS for n in (5, 10)
                               for s in (0, 1)}  # fmt: skip
    # one job's score is what its own weights give on the held-out sequences
    job = sweep.jobs[("lstm", 10, 1)]
    exp = job.experiment
    assert dict(exp.options)["length"] == 10 and exp.config.seed == 1 and exp.spec.cell == "lstm"
    ds = exp.load()
    model = models.build(exp.spec, ds, seed=1)
    training.set_weights(model, job.weights)
    expected = training.evaluate(model, ds.held_out)["accuracy"]
    assert job.held_out["accuracy"] == pytest.approx(expected)
    fig = figure_titled(at, "Held-out accuracy")
    lstm_seeds = next(t for t in fig["data"] if t["name"] == "LSTM, each seed")
    points = dict(zip(map(tuple, lstm_seeds["customdata"]), array(lstm_seeds["y"]), strict=True))
    assert points[(10, 1)] == pytest.approx(expected)
    lstm_mean = next(t for t in fig["data"] if t["name"] == "LSTM")
    means = [np.mean([sweep.jobs[("lstm", n, s)].held_out["accuracy"] for s in (0, 1)])
             for n in (5, 10)]  # fmt: skip
    np.testing.assert_allclose(array(lstm_mean["y"]), means)
    table = next(df.value for df in at.dataframe if "length L" in df.value.columns)
    assert list(table["length L"]) == [5, 10] and list(table.columns[1:]) == [
        "SimpleRNN", "LSTM", "GRU"
    ]  # fmt: skip
    assert any("sweep finished" in s.value for s in at.success)
    assert any("**LSTM**" in m.value for m in at.markdown)  # what this sweep found


def test_an_empty_choice_of_lengths_is_a_sentence_not_a_crash():
    at = open_page(PAGE)
    at.multiselect(key=key("lengths")).set_value([])
    at.run()
    at.button(key=f"b:{PAGE}:sweep").click().run()
    assert not at.exception, at.exception
    assert any("at least one sequence length" in e.value for e in at.error)


def test_gradient_view_equals_the_core_and_the_forget_bias_switch_changes_the_lstm():
    at = open_page(PAGE)
    at.select_slider(key=key("grad_length")).set_value(20).run()
    [grad] = [f for f in figures(at) if f["layout"].get("yaxis", {}).get("type") == "log"]
    ds = datasets.load("long_memory", length=20, samples=64, seed=0, held_out=0)
    by_name = {t["name"]: array(t["y"]) for t in grad["data"] if t.get("name")}
    lstm = models.build(ModelSpec(cell="lstm", units=16), ds, seed=0)
    expected = gradients.step_gradients(lstm, ds.x, ds.y).mean(axis=0)
    np.testing.assert_allclose(by_name["LSTM"], expected, rtol=1e-4)
    along_c = gradients.cell_gradients(lstm, ds.x, ds.y).mean(axis=0)  # the cell state's path
    np.testing.assert_allclose(by_name["LSTM · along c"], along_c, rtol=1e-4)
    dashed = {t["name"] for t in grad["data"] if t.get("line", {}).get("dash") == "dash"}
    assert dashed == {"LSTM · along c"}
    at.toggle(key=key("forget_bias")).set_value(False).run()
    assert not at.exception, at.exception
    [grad_off] = [f for f in figures(at) if f["layout"].get("yaxis", {}).get("type") == "log"]
    off = {t["name"]: array(t["y"]) for t in grad_off["data"] if t.get("name")}
    assert off["LSTM"][0] < by_name["LSTM"][0]  # a half-closed forget gate lets it fade
    assert off["LSTM · along c"][0] < 0.01 * by_name["LSTM · along c"][0]  # 2e-3 here
    np.testing.assert_allclose(off["SimpleRNN"], by_name["SimpleRNN"])  # only the LSTM changes
