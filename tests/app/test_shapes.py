"""Shapes & parameters page: the seeds' stacks, a refused stack explained, units change counts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.conftest import TIMEOUT, dataframe_with, figures

PAGE = str(Path(__file__).resolve().parents[2] / "app" / "views" / "shapes.py")


def _open() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    return at


def _tensor_boxes(at: AppTest) -> list[dict]:
    [fig] = figures(at)
    return [t for t in fig["data"] if t.get("meta") == "tensor"]


def test_default_run_shows_seed_003_table_and_picture():
    at = _open()
    assert at.title[0].value == "Shapes & parameters"
    assert not at.error
    table = dataframe_with(at, "parameters")
    assert list(table["output shape"]) == ["(32, 20)", "(32, 10)"]
    assert list(table["parameters"]) == [1760, 210]
    assert list(table["formula"]) == ["4·(20·(20+1)+20) = 1760", "(20+1)·10 = 210"]
    assert any("Total: 1,970 parameters" in m.value for m in at.markdown)
    assert [b["name"] for b in _tensor_boxes(at)] == ["input", "LSTM(20)", "Dense(10)"]


def test_the_breaking_preset_explains_itself_and_the_page_still_draws():
    at = _open()
    at.selectbox(key="w:shapes:preset").set_value("seed 001: the stack that breaks").run()
    assert not at.exception, at.exception
    [error] = at.error
    assert error.value.startswith(
        "Layer 2 (LSTM) needs a sequence (batch, timesteps, features) but layer 1 (LSTM) "
        "gives (1, 20): set return_sequences=True on layer 1."
    )
    assert "Traceback" not in error.value
    assert len(_tensor_boxes(at)) == 2  # the input and layer 1's output, then the refusal
    assert list(dataframe_with(at, "parameters")["parameters"]) == [1760]
    # the fix the sentence names makes the stack work
    at.checkbox(key="w:shapes:1:return_sequences").check().run()
    assert not at.error and not at.exception
    assert list(dataframe_with(at, "output shape")["output shape"])[:2] == ["(1, 3, 20)", "(1, 3)"]


def test_changing_units_changes_the_counts():
    at = _open()
    at.number_input(key="w:shapes:1:units").set_value(30).run()
    assert not at.exception, at.exception
    table = dataframe_with(at, "parameters")
    assert list(table["parameters"]) == [4 * (30 * (30 + 1) + 30), (30 + 1) * 10]
    assert list(table["output shape"]) == ["(32, 30)", "(32, 10)"]


def test_embedding_preset_drops_the_features_axis():
    at = _open()
    at.selectbox(key="w:shapes:preset").set_value("Embedding + SimpleRNN (seed 002)").run()
    assert not at.exception and not at.error
    assert at.number_input(key="w:shapes:features").value == 0
    table = dataframe_with(at, "parameters")
    assert list(table["parameters"]) == [320000, 2080, 33]
    assert list(table["output shape"])[0] == "(32, 500, 32)"
