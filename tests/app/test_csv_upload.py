"""Next number, own data from a CSV file: the example, an upload, bad files, what stays,
several columns as features predicted at every step, and the inside of that model."""

import copy

import numpy as np
import pytest

from app import csv_upload
from lstm_core import csv_data, datasets
from lstm_core import trace as tracer
from tests.app.conftest import array, dataframe_with, figure_titled, open_page, texts, train

PAGE = "next_number"
UPLOADER = f"b:{PAGE}:csv_file"
PRICES = b"day,price,volume\nMon,10,5\nTue,11,7\nWed,13,6\nThu,12,8\nFri,15,9\nSat,16,7\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"


def own_upload():
    at = open_page(PAGE)
    at.radio(key=f"w:{PAGE}:variant").set_value("own").run()
    at.radio(key=f"w:{PAGE}:source").set_value("upload").run()
    assert not at.exception, at.exception
    return at


def upload(at, name: str, data: bytes):
    at.file_uploader(key=UPLOADER).set_value((name, data, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def test_read_upload_keeps_the_sentence_of_a_bad_file():
    good = csv_upload.read_upload("prices.csv", PRICES)
    assert good.error is None and list(good.table.numbers) == ["price", "volume"]
    bad = csv_upload.read_upload("photo.csv", PNG)
    assert bad.table is None and "PNG image" in bad.error


def test_the_shipped_example_is_ready_before_any_upload():
    at = own_upload()
    assert not at.error, texts(at.error)
    assert at.file_uploader(key=UPLOADER).allowed_type == [".csv"]
    assert any("this is the example, monthly_values.csv" in c for c in texts(at.caption))
    visitors = csv_upload.example().table.numbers["visitors"]
    np.testing.assert_allclose(dataframe_with(at, "y")["y"], visitors[3:39])  # 9 to test
    assert at.get("download_button")  # the example, for a teacher without the repository


def test_an_uploaded_column_is_windowed_and_survives_a_visit_elsewhere():
    at = upload(own_upload(), "prices.csv", PRICES)
    column = at.selectbox(key=f"w:{PAGE}:csv_column")
    assert column.options == ["price", "volume"]
    captions = texts(at.caption)
    assert "Read 6 values from column 'price' of prices.csv." in captions
    assert any("row 2 of column 'day' is 'Mon', not a number" in c for c in captions)
    at.number_input(key=f"w:{PAGE}:window").set_value(2).run()
    assert dataframe_with(at, "y")["y"].tolist() == [13, 12, 15]  # the last window: the test
    at.selectbox(key=f"w:{PAGE}:csv_column").set_value("volume").run()
    assert dataframe_with(at, "y")["y"].tolist() == [6, 8, 9]
    assert figure_titled(at, "Windowing a series")
    at.switch_page("views/home.py").run()
    at.switch_page(f"views/{PAGE}.py").run()  # Streamlit forgot the uploader's file
    assert any("Still using prices.csv" in c for c in texts(at.caption))
    assert dataframe_with(at, "y")["y"].tolist() == [6, 8, 9]


def test_a_bad_upload_keeps_the_trained_model_and_its_history():
    at = upload(own_upload(), "prices.csv", PRICES)
    at = train(at, PAGE, units=4, epochs=3)
    run = at.session_state[f"run:{PAGE}"]
    model, history = run.model, copy.deepcopy(run.history)
    assert model is not None and run.data_options["series"] == "10, 11, 13, 12, 15, 16"
    bad_files = {
        "photo.csv": (PNG, "This file is a PNG image, not a CSV text file"),
        "empty.csv": (b"", "The file is empty"),
        "one.csv": (b"price\n3\n", "only one row of values"),
        "text.csv": (b"day,price\nMon,1\nTue,abc\nWed,3\n", "row 3 of column 'price' is 'abc'"),
        "big.csv": (b"p\n" + b"1" * csv_data.MAX_BYTES, "The file is 5.1 MB; the limit is 5 MB"),
    }
    for name, (data, message) in bad_files.items():
        upload(at, name, data)
        assert any(message in e for e in texts(at.error)), (name, texts(at.error))
        now = at.session_state[f"run:{PAGE}"]
        assert now is run and now.model is model and now.history == history, name
        assert len(array(figure_titled(at, "Training")["data"][0]["y"])) == 3  # the curve
        assert len(dataframe_with(at, "error")) == 2  # and its predictions stay (1 is test)
    assert at.button(key=f"b:{PAGE}:train").disabled  # no data: nothing to train
    upload(at, "prices.csv", PRICES)  # a good file again: ready, the model still there
    assert not at.error and not at.button(key=f"b:{PAGE}:train").disabled
    assert at.session_state[f"run:{PAGE}"].model is model


def test_two_columns_predicted_at_every_step_train_answer_and_open_inside():
    at = own_upload()  # the shipped example: visitors and temperature_c
    at.multiselect(key=f"w:{PAGE}:csv_features").set_value(["temperature_c"]).run()
    at.radio(key=f"w:{PAGE}:scaling").set_value("minmax").run()
    at.toggle(key=f"w:{PAGE}:every_step").set_value(True).run()
    assert not at.exception and not at.error, texts(at.error)
    table = dataframe_with(at, "y at every step")
    assert table["x1"].iloc[0] == "507, 2.2" and table["y at every step"].iloc[0] == "508, 487, 462"
    assert "Read 48 rows of 2 features (visitors, temperature_c)" in " ".join(texts(at.caption))
    at = train(at, PAGE, units=4, epochs=3)
    run = at.session_state[f"run:{PAGE}"]
    ds = datasets.load(run.dataset, **run.data_options)
    assert ds.x.shape == (36, 3, 2) and ds.y.shape == (36, 3, 1)
    assert run.model.output_shape == (None, None, 1)
    chart = figure_titled(at, "Predictions along the series")
    assert [t["name"] for t in chart["data"]][1] == "predicted after 1 step"
    example = "666, 16.1; 713, 10.9; 766, 5.4"  # the last 3 months, as the hint shows them
    assert any(example in c for c in texts(at.caption))
    at.text_input(key=f"w:{PAGE}:input").input(example).run()
    [metric] = [m for m in at.metric if m.label == "Prediction"]
    out = run.model.predict(ds.encode(example), verbose=0)[0, -1, 0]  # after the whole window
    assert float(metric.value) == pytest.approx(out * ds.scaler.scale + ds.scaler.offset, abs=2e-3)
    at.text_input(key=f"w:{PAGE}:input").input("666; 713; 766").run()
    assert any("Step 1 is '666', but every step needs 2 numbers (visitors, temperature_c)" in e
               for e in texts(at.error))  # fmt: skip
    at.button(key=f"b:{PAGE}:inside").click().run()
    assert not at.exception, at.exception
    at.switch_page("views/inside.py")
    at.selectbox(key="w:inside:sample:next_number").set_value(1).run()
    assert not at.exception and not at.error, texts(at.error)
    steps = at.select_slider(key="w:inside:t").options
    assert steps == ["t = 1 (x = 508, 0.8)", "t = 2 (x = 487, 3.5)", "t = 3 (x = 462, 11.3)"]
    [layer] = tracer.trace(run.model, ds.x[1:2])
    h = array(figure_titled(at, "h ·")["data"][0]["z"]).reshape(4, 3)  # units × time
    np.testing.assert_allclose(h, layer.h[0].T, atol=1e-6)
    at.radio(key="w:inside:mode:next_number").set_value("typed").run()  # its own first window
    assert at.text_input(key="w:inside:typed:next_number").value == "507, 2.2; 508, 0.8; 487, 3.5"
    assert not at.exception and not at.error, texts(at.error)
