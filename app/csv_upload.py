"""The "upload a CSV" part of a page's own data: the uploader, the columns, what was read.

Reading the file is ``lstm_core.csv_data``'s job; this block draws the widgets and hands
back the column to predict as the text of a typed series, so an upload takes the same
path (windowing, scaling, the data table) as numbers typed in a box, plus any other
numeric columns chosen as more input features (seed 003's "Feature = 5": five columns).
A bad file shows its sentence here and gives no series; the page's trained model and its
history stay.
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
from lstm_core import csv_data, series

EXAMPLE = Path(__file__).resolve().parent.parent / csv_data.EXAMPLE


@dataclass(frozen=True)
class Choice:
    """What the student chose from a file: the column to predict and more input features."""

    series: str  # the column to predict, as "1, 2, 3" text
    name: str  # its column name
    extra: tuple[tuple[str, str], ...] = ()  # (column name, "1, 2, 3") of each other feature


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
    choice = choice_from_csv(page, features=False)
    return choice.series if choice is not None else ""


def choice_from_csv(page: str, features: bool = True) -> Choice | None:
    """Draw the block; the chosen columns (with ``features``: the column to predict and
    any more input features), or None while there is no good file."""
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
        return None
    return _columns(page, upload, features)


@functools.cache
def example() -> Upload:
    """The shipped example file, read once per process."""
    return read_upload(EXAMPLE.name, EXAMPLE.read_bytes())


def _columns(page: str, upload: Upload, features: bool) -> Choice:
    table = upload.table
    key, extra_key = state.widget(page, "csv_column"), state.widget(page, "csv_features")
    columns = list(table.numbers)
    if st.session_state.get(key) not in columns:  # a new file: its first numeric column
        st.session_state[key] = columns[0]
    label = t("series.predict_column") if features and len(columns) > 1 else t("csv.column")
    column = st.selectbox(label, columns, key=key, help=t("csv.column.help"))
    values = table.numbers[column]
    extra: tuple[tuple[str, str], ...] = ()
    others = [name for name in columns if name != column]
    if features and others:
        chosen = [name for name in st.session_state.get(extra_key, []) if name in others]
        st.session_state[extra_key] = chosen  # a new file or column: what still exists
        st.multiselect(t("series.extra_features"), others, key=extra_key,
                       help=t("series.extra_features.help"),
                       max_selections=series.MAX_FEATURES - 1)  # fmt: skip
        chosen = st.session_state[extra_key]
        extra = tuple((name, csv_data.series_text(table.numbers[name])) for name in chosen)
    if extra:
        names = ", ".join([column, *(name for name, _ in extra)])
        st.caption(t("series.read_features", n=values.size, names=names, name=upload.name,
                     f=len(extra) + 1))  # fmt: skip
    else:
        st.caption(t("csv.read", n=values.size, column=column, name=upload.name))
    if table.skipped:
        reasons = list(table.skipped.values())
        shown = "; ".join(reasons[:3]) + ("; …" if len(reasons) > 3 else "")
        st.caption(t("csv.skipped", reasons=shown))
    return Choice(csv_data.series_text(values), column, extra)


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
