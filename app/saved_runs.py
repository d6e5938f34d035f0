"""A task page's runs survive a reload: each finished run is kept in the store, and a new
session of the same student gets them back (the run history, and the newest trained model
with its settings).

A run is kept as the experiment's JSON (``export.experiment_meta``), its curves and its
trained arrays, and read back through ``export.load_saved``: the same checks as an
imported weights file. When the store cannot be used, runs stay in the session only.
"""

from __future__ import annotations

import streamlit as st

from app import i18n, student
from app.i18n import t
from app.state import Run
from lstm_core.store import StoreUnavailable


def restored_key(page: str) -> str:
    return f"saved:restored:{page}"


def save(page: str, run: Run, record: dict) -> int | None:
    """Keep a finished run (its record: the history table's row); returns its store id."""
    from lstm_core import export, training

    db, token = student.store(), student.token()
    if db is None or token is None:
        return None
    meta = export.experiment_meta(run.spec, run.config, run.dataset, run.data_options)
    weights = None if run.model is None else training.weights_of(run.model)
    settings = {"meta": meta, "lesson": run.lesson, "record": record}
    try:
        return db.save_run(token, page, settings, run.history, weights)
    except StoreUnavailable as exc:
        student.failed(exc)
    except ValueError as exc:  # too long a run for the store: it stays in the session
        st.toast(i18n.error(exc), icon=":material/cloud_off:")
    return None


def forget(page: str, ids: list[int]) -> None:
    """Delete runs the student deleted from their history."""
    db, token = student.store(), student.token()
    if db is None or token is None:
        return
    for run_id in ids:
        try:
            db.delete_run(token, run_id)
        except StoreUnavailable as exc:
            student.failed(exc)
            return
        except ValueError:  # already gone (another tab deleted it)
            continue


def restore(page: str, cells: tuple[str, ...]) -> None:
    """Once per session and page: the student's kept runs come back into the history, and
    the newest one with trained weights becomes the page's model (if none is there yet)."""
    from app import export_panel, run_history, state
    from lstm_core import export

    if st.session_state.get(restored_key(page)):
        return
    st.session_state[restored_key(page)] = True
    db, token = student.store(), student.token()
    if db is None or token is None or run_history.runs(page):
        return
    try:
        kept = db.list_runs(token, page)
    except StoreUnavailable as exc:
        student.failed(exc)
        return
    records = [r for r in map(run_history.from_saved, kept) if r is not None]
    run_history.runs(page).extend(records[-run_history.MAX_RUNS :])
    if state.get_run(st.session_state, page) is not None:
        return
    for saved in reversed(kept):
        if not saved.weights_bytes:
            continue
        try:
            meta = {**saved.settings["meta"], "history": saved.history}
            loaded = export.load_saved(meta, db.load_weights(token, saved.id), dataset=None)
            if loaded.spec.cell not in cells:
                continue
        except StoreUnavailable as exc:
            student.failed(exc)
            return
        except (ValueError, KeyError, TypeError):  # kept by an older app: leave it in the table
            continue
        record = saved.settings.get("record", {})
        message = t("saved.restored", settings=record.get("settings", ""),
                    outcome=record.get("outcome", ""))  # fmt: skip
        export_panel.adopt(page, loaded, message).recorded = True  # it is in the history already
        return
