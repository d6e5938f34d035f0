"""Every run of a page in this session: a table, overlaid loss curves, delete and clear.

Only the record of a run is kept (its settings, outcome and curves), not its model: the
page keeps one model, the latest. At most ``MAX_RUNS`` per page; the oldest is dropped
with a note. Each run is also kept in the run store (``app.saved_runs``), so the history
comes back after a reload.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import pandas as pd
import streamlit as st

from app import cached, saved_runs, settings, state
from app.i18n import t
from app.state import Run

MAX_RUNS = 12


@dataclass(frozen=True)
class RunRecord:
    number: int  # 1, 2, … in the order of the session's runs on the page
    settings: str  # "LSTM · 128 units · 1 layer · 200 epochs · lr 0.001"
    outcome: str  # the page's headline ("6/6 correct") or how it ended
    ended: str  # completed | early_stopping | stopped | nan | …
    seconds: float
    history: dict[str, list[float]]
    saved: int | None = None  # its id in the run store, once kept there

    @property
    def label(self) -> str:
        return f"Run {self.number}"


def runs_key(page: str) -> str:
    return f"runs:{page}"


def runs(page: str) -> list[RunRecord]:
    return st.session_state.setdefault(runs_key(page), [])


def record(page: str, run: Run, outcome: str) -> None:
    """Keep a finished run once (``run.recorded`` guards against every rerun)."""
    if run.recorded:
        return
    run.recorded = True
    kept = runs(page)
    number = (kept[-1].number if kept else 0) + 1
    history = {name: list(values) for name, values in run.history.items()}
    new = RunRecord(number, settings.describe_run(run), outcome, run.stop_reason, run.seconds,
                    history)  # fmt: skip
    fields = {k: v for k, v in asdict(new).items() if k not in ("history", "saved")}
    kept.append(replace(new, saved=saved_runs.save(page, run, fields)))
    if len(kept) > MAX_RUNS:
        dropped = kept.pop(0)
        st.session_state[f"runs:dropped:{page}"] = dropped.number
    key = state.widget(page, "runs_shown")  # the newest run joins the last two compared
    shown = [n for n in st.session_state.get(key, []) if any(r.number == n for r in kept)]
    st.session_state[key] = shown[-2:] + [number]


def from_saved(saved) -> RunRecord | None:
    """The history row of a run kept in the store (None: not one this app wrote)."""
    record = saved.settings.get("record")
    try:
        fields = {name: record[name] for name in ("number", "settings", "outcome", "ended")}
        return RunRecord(**fields, seconds=float(record["seconds"]), history=saved.history,
                         saved=saved.id)  # fmt: skip
    except (KeyError, TypeError, ValueError):
        return None


def table(records: list[RunRecord]) -> pd.DataFrame:
    rows = []
    for r in records:
        loss = r.history.get("loss", [])
        accuracy = r.history.get("accuracy", [])
        rows.append({
            "run": r.number,
            "settings": r.settings,
            "outcome": r.outcome,
            "final loss": loss[-1] if loss else None,
            "final accuracy": accuracy[-1] if accuracy else None,
            "epochs": len(loss),
            "seconds": round(r.seconds, 2),
        })  # fmt: skip
    return pd.DataFrame(rows)


def delete(page: str, numbers: list[int]) -> None:
    kept = runs(page)
    saved_runs.forget(page, [r.saved for r in kept if r.number in set(numbers) and r.saved])
    kept[:] = [r for r in kept if r.number not in set(numbers)]
    st.session_state[state.widget(page, "runs_shown")] = []


def clear(page: str) -> None:
    saved_runs.forget(page, [r.saved for r in runs(page) if r.saved])
    runs(page).clear()
    st.session_state[state.widget(page, "runs_shown")] = []


def show(page: str) -> None:
    """The section "Your runs" (nothing before the first run)."""
    records = runs(page)
    if not records:
        return
    st.subheader(t("runs.title"))
    dropped = st.session_state.get(f"runs:dropped:{page}")
    if dropped:
        st.caption(t("runs.dropped", n=MAX_RUNS, number=dropped))
    frame = table(records)
    if frame["final accuracy"].isna().all():
        frame = frame.drop(columns="final accuracy")
    st.dataframe(frame, hide_index=True, width="stretch")
    numbers = [r.number for r in records]
    key = state.widget(page, "runs_shown")
    st.session_state[key] = [n for n in st.session_state.get(key, []) if n in numbers]
    chosen = st.multiselect(t("runs.compare"), numbers, format_func=lambda n: t("runs.run", n=n),
                            key=key)  # fmt: skip
    picked = [r for r in records if r.number in chosen]
    if len(picked) > 1:  # one run's curve is the training chart above
        histories = {f"{r.label} · {r.settings.split(' · ')[0]}": r.history.get("loss", [])
                     for r in picked}  # fmt: skip
        total = max(len(h) for h in histories.values()) or 1
        figure = cached.figure("compare_curves", histories, total, title="Loss of your runs")
        st.plotly_chart(figure, theme=None)
    delete_col, clear_col, _ = st.columns([1, 1, 3])
    delete_col.button(t("runs.delete"), key=state.button(page, "runs_delete"),
                      on_click=delete, args=(page, list(chosen)), disabled=not chosen,
                      width="stretch")  # fmt: skip
    clear_col.button(t("runs.clear"), key=state.button(page, "runs_clear"), on_click=clear,
                     args=(page,), width="stretch")  # fmt: skip
