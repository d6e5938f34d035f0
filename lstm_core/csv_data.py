"""A student's own numbers from a CSV file: decode it, find its numeric columns, check limits.

``read_csv(data)`` takes the bytes of an uploaded file and returns a ``CsvColumns``: every
column that holds only numbers (float arrays in file order) and, for every other column,
why not. ``csv_series(data, column)`` is one such column; ``series_text(values)`` writes it
as the comma-separated text that ``datasets.load("next_number", series=...)`` reads, so an
upload takes the same path (windowing, scaling, the data table) as a typed series.

Every bad file raises ``ValueError`` with one sentence that says what to change; nothing
is dropped silently. Rows are numbered as in a spreadsheet: the header is row 1, the first
row of values is row 2. No Streamlit and no TensorFlow here.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstm_core.datasets import MAX_SERIES

MAX_MB = 5  # == server.maxUploadSize in .streamlit/config.toml (a test checks)
MAX_BYTES = MAX_MB * 1024 * 1024  # Streamlit's megabyte
MAX_ROWS = MAX_SERIES  # one value per row; training runs live
EXAMPLE = "assets/data/monthly_values.csv"  # shipped with the app, to try offline
DELIMITERS = (",", ";", "\t")  # comma, or what spreadsheets use where 1,5 is a number
SAVE_AS_CSV = "save the table as CSV (comma-separated values, UTF-8) and upload that file"
SIGNATURES = {  # first bytes of files that are often renamed or mistaken for a CSV
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "an Excel workbook (.xlsx) or a ZIP archive",
    b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
}
EMPTY = (
    "The file is empty: upload a CSV file with a header row and a column of numbers, "
    f"like {EXAMPLE}."
)
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 26)) | frozenset(range(27, 32))


@dataclass(frozen=True)
class CsvColumns:
    """What a CSV file offers for a series."""

    rows: int  # rows of values under the header
    numbers: dict[str, np.ndarray]  # column -> its values (float64), every cell a number
    skipped: dict[str, str]  # column -> its first cell that is not a number, as a phrase


def read_csv(data: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> CsvColumns:
    """The numeric columns of a CSV file with a header row; ValueError for a bad file."""
    header, rows, lines = _table(decode(data, max_bytes), max_rows)
    numbers: dict[str, np.ndarray] = {}
    skipped: dict[str, str] = {}
    for i, name in enumerate(header):
        cells = [row[i] if i < len(row) else "" for row in rows]
        values = _column(name, cells, lines)
        if isinstance(values, str):
            skipped[name] = values
        else:
            numbers[name] = values
    if not numbers:
        reasons = "; ".join(list(skipped.values())[:3])
        raise ValueError(
            f"No column of this file holds only numbers ({reasons}): fix those cells, or "
            f"upload a file with a column of plain numbers, like {EXAMPLE}."
        )
    return CsvColumns(rows=len(rows), numbers=numbers, skipped=skipped)


def csv_series(
    data: bytes, column: str, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> np.ndarray:
    """One numeric column of a CSV file as a float64 series, in file order."""
    table = read_csv(data, max_bytes, max_rows)
    if column in table.numbers:
        return table.numbers[column]
    if column in table.skipped:
        raise ValueError(cell_problem(table.skipped[column]))
    names = ", ".join(f"'{name}'" for name in [*table.numbers, *table.skipped])
    raise ValueError(f"There is no column '{column}' in this file; its columns are {names}.")


def cell_problem(phrase: str) -> str:
    """'row 7 of column 'price' is 'abc', not a number' as a sentence with what to do."""
    return f"{phrase[0].upper()}{phrase[1:]}: fix that cell in the file or choose another column."


def series_text(values: Sequence[float]) -> str:
    """Values as "1, 2.5, 3": exact (each float round-trips), whole numbers without ".0"."""
    return ", ".join(_number(float(v)) for v in values)


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """The text of an uploaded file: within the size limit, not binary, UTF-8 (BOM allowed)."""
    if len(data) > max_bytes:
        raise ValueError(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}. "
            "Upload a shorter file, for example only its last rows."
        )
    if not data.strip():
        raise ValueError(EMPTY)
    for signature, kind in SIGNATURES.items():
        if data.startswith(signature):
            raise ValueError(f"This file is {kind}, not a CSV text file: {SAVE_AS_CSV}.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(f"This file is saved as UTF-16 text: {SAVE_AS_CSV}.")
    if any(byte in _CONTROL for byte in data[:8192]):
        raise ValueError(f"This is not a text file (it holds binary data): {SAVE_AS_CSV}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read): {SAVE_AS_CSV}."
        ) from None


def _table(text: str, max_rows: int) -> tuple[list[str], list[list[str]], list[int]]:
    """(header, rows of cells, row number of each row) with the layout checks done."""
    records = _records(text, max_rows)
    header = [name.strip() for name in records[0][1]]
    rows = [row for _, row in records[1:]]
    _check_header(header, rows)
    header = header[: _width(header)]  # unnamed empty columns at the end, as Excel leaves
    for line, row in records[1:]:
        if any(cell.strip() for cell in row[len(header) :]):
            raise ValueError(
                f"Row {line} has more cells than the header row has names ({len(header)}): "
                "name every column in the first row, or remove the extra cells."
            )
    _check_rows(len(rows), max_rows)
    return header, rows, [line for line, _ in records[1:]]


def _records(text: str, max_rows: int) -> list[tuple[int, list[str]]]:
    """(row number, cells) from the header to the last row that is not blank.

    Past ``max_rows`` rows of values the rows are only counted, not kept: a 5 MB file of
    one short number per line would otherwise hold millions of lists in memory.
    """
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, list[str]]] = []
    filled = 0  # rows that are not blank, the header included
    try:
        for row in reader:
            blank = not any(cell.strip() for cell in row)
            if blank and not records:
                continue  # blank lines above the header
            filled += not blank
            if filled <= max_rows + 1:
                records.append((reader.line_num, row))
    except csv.Error as exc:
        raise ValueError(
            f"Row {reader.line_num} cannot be read as CSV ({exc}): fix it, or {SAVE_AS_CSV}."
        ) from None
    if not records:
        raise ValueError(EMPTY)
    if filled > max_rows + 1:
        _check_rows(filled - 1, max_rows)
    while not any(cell.strip() for cell in records[-1][1]):
        records.pop()  # blank lines under the table
    return records


def _check_header(header: list[str], rows: list[list[str]]) -> None:
    if all(_is_number(name) for name in header):
        shown = ", ".join(header[:3])
        raise ValueError(
            f"The first row holds numbers ({shown}) where the column names belong: add a "
            "header row at the top of the file, like date,price."
        )
    named = header[: _width(header)]
    for i, name in enumerate(named):
        if not name:
            raise ValueError(
                f"Column {i + 1} has no name in the header row: give every column a name, "
                "like date,price."
            )
    for i, name in enumerate(named):
        if name in named[:i]:
            raise ValueError(
                f"Two columns are called '{name}': give every column its own name in the "
                "header row."
            )
    for row in rows:  # an unnamed column at the end must hold nothing
        if any(cell.strip() for cell in row[len(named) : len(header)]):
            raise ValueError(
                f"Column {len(named) + 1} has values but no name in the header row: "
                "give every column a name, like date,price."
            )


def _check_rows(count: int, max_rows: int) -> None:
    if count == 0:
        raise ValueError(
            "The file has a header row but no values under it: put one value per row "
            "under the column names."
        )
    if count == 1:
        raise ValueError(
            "The file has only one row of values, and a series needs at least two "
            "(a window of 3 needs 4): put one value per row under the column names."
        )
    if count > max_rows:
        raise ValueError(
            f"The file has {count:,} rows of values; the limit is {max_rows:,} so that "
            f"training stays live: keep only the last {max_rows:,} rows."
        )


def _column(name: str, cells: list[str], lines: list[int]) -> np.ndarray | str:
    """The column's values, or a phrase naming its first cell that is not a number."""
    values = np.empty(len(cells))  # (rows,)
    for i, (cell, line) in enumerate(zip(cells, lines, strict=True)):
        text = cell.strip()
        where = f"row {line} of column '{name}'"
        if not text:
            return f"{where} is empty"
        shown = text if len(text) <= 24 else text[:21] + "..."
        if not _is_number(text):
            return f"{where} is '{shown}', not a number"
        value = float(text)
        if math.isnan(value):
            return f"{where} is '{shown}', a missing value"
        if math.isinf(value):
            return f"{where} is '{shown}', not a finite number"
        values[i] = value
    return values


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _width(header: list[str]) -> int:
    """How many columns the header names, not counting empty names at its end."""
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    return width


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _megabytes(size: int) -> str:
    """Sizes in Streamlit's megabytes, rounded up: a file just over 5 MB is not "5 MB"."""
    return f"{math.ceil(size / (1024 * 1024) * 10) / 10:g} MB"
