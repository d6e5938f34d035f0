"""A student's own CSV file: its numeric columns, every bad file explained, the limits."""

import tomllib
from pathlib import Path

import numpy as np
import pytest

from lstm_core import csv_data, datasets

ROOT = Path(__file__).resolve().parents[2]
GOOD = b"date,price,volume\n2024-01,3.5,10\n2024-02,4,12\n2024-03,4.25,9\n2024-04,5,11\n"


def test_numeric_columns_are_offered_and_the_others_say_why():
    table = csv_data.read_csv(GOOD)
    assert table.rows == 4
    assert list(table.numbers) == ["price", "volume"]
    np.testing.assert_array_equal(table.numbers["price"], [3.5, 4, 4.25, 5])
    assert table.skipped == {"date": "row 2 of column 'date' is '2024-01', not a number"}
    np.testing.assert_array_equal(csv_data.csv_series(GOOD, "volume"), [10, 12, 9, 11])


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbfprice,volume\r\n3.5,10\r\n4,12\r\n4.25,9\r\n5,11\r\n",  # Excel: BOM, CRLF
        b"price;volume\n3.5;10\n4;12\n4.25;9\n5;11\n",  # semicolons
        b"price\tvolume\n3.5\t10\n4\t12\n4.25\t9\n5\t11\n",  # tabs
        b'\n\n"price","volume"\n" 3.5 ",10\n4,12\n4.25,9\n5,11\n\n,\n',  # quotes, blank lines
        b"price,volume,,\n3.5,10,,\n4,12,,\n4.25,9,,\n5,11,,\n",  # empty columns Excel leaves
    ],
)
def test_what_spreadsheets_write_is_read(data):
    np.testing.assert_array_equal(csv_data.csv_series(data, "price"), [3.5, 4, 4.25, 5])


def test_the_series_goes_through_the_typed_series_path():
    values = csv_data.csv_series(GOOD, "price")
    text = csv_data.series_text(values)
    assert text == "3.5, 4, 4.25, 5"
    ds = datasets.load("next_number", series=text, window_size=3)
    np.testing.assert_array_equal(ds.raw_x, [[3.5, 4, 4.25]])
    np.testing.assert_array_equal(ds.raw_y, [5])
    np.testing.assert_array_equal(ds.series, values)
    awkward = np.array([0.1, 1 / 3, -2.0, 1e20, 123456789.125])
    np.testing.assert_array_equal(datasets.parse_numbers(csv_data.series_text(awkward)), awkward)


def test_the_shipped_example_has_two_numeric_columns():
    data = (ROOT / csv_data.EXAMPLE).read_bytes()
    table = csv_data.read_csv(data)
    assert table.rows == 48 and list(table.numbers) == ["visitors", "temperature_c"]
    assert list(table.skipped) == ["month"]
    ds = datasets.load(
        "next_number",
        series=csv_data.series_text(table.numbers["visitors"]),
        window_size=12,
        scaling="minmax",
    )
    assert ds.x.shape == (36, 12, 1) and 0 <= ds.x.min() and ds.x.max() <= 1


def column(cells: list[str]) -> bytes:
    return ("price\n" + "\n".join(cells) + "\n").encode()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"  \n\n", "The file is empty"),
        (b"\xef\xbb\xbf", "The file is empty"),
        (b"price,volume\n", "no values under it"),
        (b"price,volume\n3.5,10\n", "only one row of values"),
        (b"1,2\n3,4\n5,6\n", "first row holds numbers .* add a header row"),
        (column(["1", "2", "abc", "4"]), "row 4 of column 'price' is 'abc', not a number"),
        (column(["1", "", "3", "4"]), "row 3 of column 'price' is empty"),
        (column(["1", "2", "NaN", "4"]), "row 4 of column 'price' is 'NaN', a missing value"),
        (column(["1", "inf", "3"]), "row 3 of column 'price' is 'inf', not a finite number"),
        (column(["1", "2", "x" * 40]), "'x{21}\\.\\.\\.', not a number"),  # long cells cut
        (
            b"a,b\n1,x\n,2\n",
            r"No column of this file holds only numbers \(row 3 .*'a' is empty; .*'b' is 'x'",
        ),
        (b"price,price\n1,2\n3,4\n", "Two columns are called 'price'"),
        (b"price,,volume\n1,2,3\n4,5,6\n", "Column 2 has no name"),
        (b"price,\n1,2\n3,4\n", "Column 2 has values but no name"),
        (b"price,volume\n1,2,3\n4,5\n", "Row 2 has more cells than the header row"),
        (b'price\n"1\n2\n', "cannot be read as CSV"),
        (PNG, "PNG image, not a CSV"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
        (b"%PDF-1.7\n", "PDF document"),
        ("price\n1\n2\n".encode("utf-16"), "UTF-16"),
        (b"price\n1\x00\x01\x02\n2\n", "not a text file"),
        ("prix,\u00e9t\u00e9\n1,2\n3,4\n".encode("cp1252"), "not UTF-8 text"),
    ],
)
def test_a_bad_file_is_explained(data, message):
    with pytest.raises(ValueError, match=message):
        csv_data.csv_series(data, "price")


def test_a_column_with_text_names_its_row():
    data = b"date,volume,price\n2024-01,1,3\n2024-02,2,4\n2024-03,3,abc\n2024-04,4,6\n"
    assert "price" in csv_data.read_csv(data).skipped  # offered only if every cell parses
    with pytest.raises(ValueError, match=r"^Row 4 of column 'price' is 'abc', not a number: fix"):
        csv_data.csv_series(data, "price")
    with pytest.raises(ValueError, match="no column 'size' .* 'volume', 'date', 'price'"):
        csv_data.csv_series(data, "size")


def test_size_and_row_limits():
    big = b"price\n" + b"1\n" * (6 * 1024 * 1024 // 2)
    with pytest.raises(ValueError, match=r"The file is 6(\.\d)? MB; the limit is 5 MB"):
        csv_data.read_csv(big)
    with pytest.raises(ValueError, match="The file is 5.1 MB; the limit is 5 MB"):
        csv_data.read_csv(b"x" * (csv_data.MAX_BYTES + 1))  # just over: not "5 MB"
    rows = csv_data.MAX_ROWS
    ok = b"price\n" + b"1\n" * rows
    assert csv_data.read_csv(ok).rows == rows
    with pytest.raises(ValueError, match=f"{rows + 5:,} rows of values; the limit is {rows:,}"):
        csv_data.read_csv(ok + b"1\n" * 5)
    with pytest.raises(ValueError, match="11 rows of values; the limit is 10 "):
        csv_data.read_csv(column(["1"] * 11), max_rows=10)
    with pytest.raises(ValueError, match="The file is 1 MB; the limit is 0.5 MB"):
        csv_data.read_csv(b"p\n" + b"1" * (1024 * 1024 - 2), max_bytes=512 * 1024)


def test_a_typed_series_has_the_same_limits():
    with pytest.raises(ValueError, match="no series yet"):
        datasets.load("next_number", series="  ", window_size=3)
    too_long = ", ".join(["1"] * (datasets.MAX_SERIES + 1))
    with pytest.raises(ValueError, match="the limit is 1,000"):
        datasets.load("next_number", series=too_long, window_size=3)
    assert datasets.load("next_number").x.shape == (4, 3, 1)  # the seed's data unchanged


def test_the_upload_limit_is_the_servers():
    """Streamlit refuses larger files in the browser; the core checks the bytes again."""
    text = (ROOT / ".streamlit" / "config.toml").read_text()
    assert text.count("[server]") == 1
    config = tomllib.loads(text)  # one [server] section, the others kept
    assert config["server"]["maxUploadSize"] == csv_data.MAX_MB
    assert csv_data.MAX_BYTES == csv_data.MAX_MB * 1024 * 1024
    assert {"client", "browser"} <= set(config)
