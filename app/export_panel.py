"""Download and import on a task page: the trained model as files, and weights read back.

Downloads: the model as ``.keras``, the safe weights file (``.npz``), the experiment as a
script, and the traces (h, c, gates) of the page's input as CSV and NPZ. Every file is
made by ``lstm_core.export`` only when its button is clicked (a deferred download).

Import reads a weights file made by the app (``export.load_weights_file``: the settings
validated by the schema, the model rebuilt, only the numbers loaded; a ``.keras`` file is
never opened). It happens in the uploader's ``on_change``, before the page draws its
widgets, so the page's settings can take the file's values; the imported model then
becomes the page's run, with its curves, predictions and "Look inside". A refused file
shows its sentence, and the page's model and run history stay as they were.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import streamlit as st

from app import cached, i18n, settings, state
from app.i18n import t
from app.state import Run
from lstm_core import export, predict
from lstm_core.jobs import Experiment, Job
from lstm_core.lessons import LESSONS
from lstm_core.models import CELL_NAMES

if TYPE_CHECKING:
    from app.task_page import TaskPage

IMPORTED = "imported"  # the stop_reason of an imported run (its job trained nothing here)


def outcome_key(page: str) -> str:
    """Session state: ("success" | "error", sentence, imported run or None) of the page's
    last import; a success is shown while its run is the page's run."""
    return f"import:{page}"


def uploader_key(page: str) -> str:
    return state.button(page, "import_file")  # a file cannot be set back: never persisted


def show(page: TaskPage, run: Run | None) -> None:
    """The block under a task page's results: downloads once a model exists, and import."""
    st.subheader(t("export.title"))
    if run is not None and run.model is not None:
        downloads(page.key, run)
    importer(page)


# ---------------------------------------------------------------- downloads


def downloads(page: str, run: Run) -> None:
    """One row of download buttons; each file is made when its button is clicked."""
    model, spec, config = run.model, run.spec, run.config
    name, options = run.dataset, dict(run.data_options)
    history = {key: list(values) for key, values in run.history.items()}
    base = f"{page}_{spec.cell}_{spec.units}"
    files = [
        ("keras", f"{base}.keras", lambda: export.keras_file(model), "application/zip"),
        ("weights", f"{base}_weights.npz",
         lambda: export.weights_file(spec, model, config=config, dataset=name,
                                     dataset_options=options, history=history),
         "application/octet-stream"),
        ("script", f"{base}.py",
         lambda: export.script(spec, config, name, options, file_name=f"{base}.py"),
         "text/x-python"),
    ]  # fmt: skip
    traced = traced_input(page, run)
    if traced is not None:
        x = traced[0]
        files += [
            ("traces_csv", f"{base}_traces.csv", lambda: _traces_csv(model, x), "text/csv"),
            ("traces_npz", f"{base}_traces.npz", lambda: _traces_npz(model, x),
             "application/octet-stream"),
        ]  # fmt: skip
    for column, (what, file_name, data, mime) in zip(st.columns(5), files, strict=False):
        column.download_button(
            t(f"export.{what}"),
            data=data,
            file_name=file_name,
            mime=mime,
            key=state.button(page, f"export_{what}"),
            on_click="ignore",
            help=t(f"export.{what}.help"),
            icon=":material/download:",
            width="stretch",
        )
    if traced is not None:
        st.caption(t("export.traces.of", input=traced[1]))


def traced_input(page: str, run: Run) -> tuple | None:
    """(x, how it reads) of the input the traces follow: the page's own input box, or the
    first training sample when that box cannot be read; None for a Dense network."""
    if run.spec.cell == "dense":
        return None
    ds = cached.load_dataset(run.dataset, **run.data_options)
    text = str(st.session_state.get(state.widget(page, "input"), ""))
    try:
        x, _ = predict.typed_input(ds, text)
        return x, f"'{text}'"
    except ValueError:
        x, _ = predict.sample_input(ds, 0)
        return x, f"'{ds.labels[0]}'"


def _traces_csv(model, x) -> str:
    from lstm_core import trace

    return export.traces_csv(trace.trace(model, x))


def _traces_npz(model, x) -> bytes:
    from lstm_core import trace

    return export.traces_npz(trace.trace(model, x))


# ---------------------------------------------------------------- import


def importer(page: TaskPage) -> None:
    """The "Import weights" uploader and what the last import said."""
    outcome = st.session_state.get(outcome_key(page.key))
    current = state.get_run(st.session_state, page.key)
    if outcome is not None and outcome[2] is not None and outcome[2] is not current:
        outcome = None  # trained again since: the import is history
    with st.expander(t("export.import"), expanded=outcome is not None):
        st.file_uploader(
            t("export.import.file"),
            type=["npz"],
            key=uploader_key(page.key),
            on_change=imported,
            args=(page.key, page.cells),
            max_upload_size=export.MAX_MB,
            help=t("export.import.help", mb=export.MAX_MB),
        )
        if outcome is not None:
            kind, sentence, _ = outcome
            getattr(st, kind)(sentence)


def imported(page: str, cells: tuple[str, ...]) -> None:
    """on_change of the uploader: read the file; on success it becomes the page's run."""
    file = st.session_state.get(uploader_key(page))
    if file is None:  # the user removed the file: the imported model stays
        st.session_state.pop(outcome_key(page), None)
        return
    try:
        loaded = export.load_weights_file(file.getvalue(), dataset=LESSONS[page].dataset)
        if loaded.spec.cell not in cells:
            names = ", ".join(CELL_NAMES[c] for c in cells)
            raise ValueError(
                t("export.import.cell", cells=names, cell=CELL_NAMES[loaded.spec.cell])
            )
    except ValueError as exc:
        st.session_state[outcome_key(page)] = ("error", i18n.error(exc), None)
        return
    message = t("export.imported", name=file.name)
    run = adopt(page, loaded, message)
    st.session_state[outcome_key(page)] = ("success", message, run)


def adopt(page: str, loaded: export.WeightsFile, message: str) -> Run:
    """Make a read model (an imported file, a saved run) the page's run and set the page's
    settings to its own; ``message`` is its status line."""
    experiment = Experiment.of(loaded.dataset, loaded.dataset_options, loaded.spec,
                               loaded.config)  # fmt: skip
    job = Job(id=-1, experiment=experiment, status="done", history=loaded.history,
              stop_reason=IMPORTED, message=message, finished=time.monotonic())  # fmt: skip
    lesson = "next_number_wide" if loaded.dataset_options.get("variant") == "wide" else page
    run = Run(page, lesson, loaded.spec, loaded.config, loaded.dataset,
              dict(loaded.dataset_options), job, model=loaded.model)  # fmt: skip
    st.session_state[state.run_key(page)] = run
    st.session_state.pop(state.generated_key(page), None)
    values = {name: getattr(loaded.spec, name) for name in settings.MODEL_FIELDS}
    values.update({name: getattr(loaded.spec, name) for name in settings.HEAD_FIELDS})
    values.update({name: getattr(loaded.config, name) for name in settings.TRAIN_FIELDS})
    values["early_stopping"] = loaded.config.patience is not None
    values["monitor"] = loaded.config.monitor
    if loaded.config.patience is not None:
        values["patience"] = loaded.config.patience
    values.update(data_widgets(page, loaded.dataset_options))
    values["input"] = fitting_input(page, run)
    for name, value in values.items():
        st.session_state[state.widget(page, name)] = value
    return run


def fitting_input(page: str, run: Run) -> str:
    """The page's "your input" text if the imported model can read it, else its first
    training sample written the same way."""
    ds = cached.load_dataset(run.dataset, **run.data_options)
    text = str(st.session_state.get(state.widget(page, "input"), ""))
    try:
        predict.typed_input(ds, text)
    except ValueError:
        return predict.sample_text(ds, 0)  # numbers (one or several per step) or characters
    return text


def data_widgets(page: str, options: dict) -> dict:
    """The page's data widgets that give these dataset options (the inverse of the
    pages' ``data_controls``), so the imported run is not shown as out of date."""
    if page == "hello":
        return {"text": options.get("text", "hello")}
    if page != "next_number":
        return {}
    values = {"scaling": options.get("scaling") or "none"}
    if "series" in options:
        values.update(variant="own", source="type", series=options["series"],
                      window=options.get("window_size", 3),
                      scaler_fit=options.get("scaler_fit", "train"),
                      every_step=bool(options.get("every_step")))  # fmt: skip
    else:
        values["variant"] = options.get("variant", "small")
    return values
