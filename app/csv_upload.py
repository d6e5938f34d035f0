"""The "upload a CSV" part of a page's own data: the uploader, the column, what was read.

Reading the file is ``lstm_core.csv_data``'s job; this block draws the widgets and hands
back the chosen column as the text of a typed series, so an upload takes the same path
(windowing, scaling, the data table) as numbers typed in a box. A bad file shows its
sentence here and gives no series; the page's trained model and its history stay.
Until a file is uploaded, the shipped example (``assets/data/monthly_values.csv``) is used,
so a class can try the upload offline and the data is never missing.

A file is read once, when it arrives (the uploader's ``on_change``), and kept in session
state under ``upload_key``, so it survives reruns and a visit to another page (Streamlit
forgets an uploader's file when its page is not shown). The uploader's own key is not a
``w:`` key: a file cannot be put back into a widget through session state.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from app import i18n, state
from app.i18n import t
from lstm_core import csv_data

EXAMPLE = Path(__file__).resolve().parent.parent / csv_data.EXAMPLE


@dataclass(frozen=True)
class Upload:
    """A file as it was read: its columns, or the sentence that says what is wrong."""

    name: str
    table: csv_data.CsvColumns | None
    error: str | None = None


def upload_key(page: str) -> str:
    return f"upload:{page}"


def uploader_key(page: str) -> str:
    return state.button(page, "csv_file")  # like a button: cannot be set, never persisted


def read_upload(name: str, data: bytes) -> Upload:
    """The bytes of an uploaded file, read by the core; a bad file keeps its sentence."""
    try:
        return Upload(name, csv_data.read_csv(data))
    except ValueError as exc:
        return Upload(name, None, str(exc))


def _file_changed(page: str) -> None:
    file = st.session_state.get(uploader_key(page))
    if file is None:  # the user removed the file
        st.session_state.pop(upload_key(page), None)
    else:
        st.session_state[upload_key(page)] = read_upload(file.name, file.getvalue())


def series_from_csv(page: str) -> str:
    """Draw the block; the chosen column as "1, 2, 3" text, or "" while there is none."""
    file = st.file_uploader(
        t("csv.file"),
        type=["csv"],
        key=uploader_key(page),
        on_change=_file_changed,
        args=(page,),
        max_upload_size=csv_data.MAX_MB,
        help=t(
            "csv.file.help",
            mb=csv_data.MAX_MB,
            rows=f"{csv_data.MAX_ROWS:,}",
            example=csv_data.EXAMPLE,
        ),
    )
    if file is not None and upload_key(page) not in st.session_state:
        _file_changed(page)  # a file the callback did not see
    upload: Upload | None = st.session_state.get(upload_key(page))
    if upload is None:  # nothing uploaded yet: the shipped example, ready to train on
        upload = example()
        st.caption(t("csv.example_used", name=upload.name))
    elif file is None:
        st.caption(t("csv.kept", name=upload.name))
    example_button(page)
    if upload.table is None:
        st.error(i18n.error(upload.error))
        return ""
    return _column_series(page, upload)


@functools.cache
def example() -> Upload:
    """The shipped example file, read once per process."""
    return read_upload(EXAMPLE.name, EXAMPLE.read_bytes())


def _column_series(page: str, upload: Upload) -> str:
    table = upload.table
    key = state.widget(page, "csv_column")
    columns = list(table.numbers)
    if st.session_state.get(key) not in columns:  # a new file: its first numeric column
        st.session_state[key] = columns[0]
    column = st.selectbox(t("csv.column"), columns, key=key, help=t("csv.column.help"))
    values = table.numbers[column]
    st.caption(t("csv.read", n=values.size, column=column, name=upload.name))
    if table.skipped:
        reasons = list(table.skipped.values())
        shown = "; ".join(reasons[:3]) + ("; …" if len(reasons) > 3 else "")
        st.caption(t("csv.skipped", reasons=shown))
    return csv_data.series_text(values)


def example_button(page: str) -> None:
    st.download_button(
        t("csv.example"),
        data=EXAMPLE.read_bytes(),
        file_name=EXAMPLE.name,
        mime="text/csv",
        key=state.button(page, "csv_example"),
        on_click="ignore",
        help=t("csv.example.help"),
        icon=":material/download:",
    )
