"""Next number, own data from a CSV file: the example, an upload, bad files, what stays."""

import copy

import numpy as np

from app import csv_upload
from lstm_core import csv_data
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
    np.testing.assert_allclose(dataframe_with(at, "y")["y"], visitors[3:])
    assert at.get("download_button")  # the example, for a teacher without the repository


def test_an_uploaded_column_is_windowed_and_survives_a_visit_elsewhere():
    at = upload(own_upload(), "prices.csv", PRICES)
    column = at.selectbox(key=f"w:{PAGE}:csv_column")
    assert column.options == ["price", "volume"]
    captions = texts(at.caption)
    assert "Read 6 values from column 'price' of prices.csv." in captions
    assert any("row 2 of column 'day' is 'Mon', not a number" in c for c in captions)
    at.number_input(key=f"w:{PAGE}:window").set_value(2).run()
    assert dataframe_with(at, "y")["y"].tolist() == [13, 12, 15, 16]
    at.selectbox(key=f"w:{PAGE}:csv_column").set_value("volume").run()
    assert dataframe_with(at, "y")["y"].tolist() == [6, 8, 9, 7]
    assert figure_titled(at, "Windowing a series")
    at.switch_page("views/home.py").run()
    at.switch_page(f"views/{PAGE}.py").run()  # Streamlit forgot the uploader's file
    assert any("Still using prices.csv" in c for c in texts(at.caption))
    assert dataframe_with(at, "y")["y"].tolist() == [6, 8, 9, 7]


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
        assert len(dataframe_with(at, "error")) == 3  # and its predictions stay
    assert at.button(key=f"b:{PAGE}:train").disabled  # no data: nothing to train
    upload(at, "prices.csv", PRICES)  # a good file again: ready, the model still there
    assert not at.error and not at.button(key=f"b:{PAGE}:train").disabled
    assert at.session_state[f"run:{PAGE}"].model is model
