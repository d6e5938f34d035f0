"""The class board: every run the class submitted, on one chart for the projector.

Students see the board (nicknames, settings, results), never another student's model;
the teacher can hide an entry or clear the board. It redraws as runs arrive.
"""

import pandas as pd
import streamlit as st

from app import charts, class_board, classroom, i18n, pool, projector
from app.i18n import t

projector.title(t("page.board"))
st.caption(t("intro.board"))


@pool.live_fragment(classroom.BANNER_SECONDS / 2)
def board() -> None:
    teacher = classroom.teaching()
    entries = class_board.board_entries(include_hidden=teacher)
    if entries is None:
        st.info(t("class.board.none"))
        classroom.join_box()
        return
    shown = [e for e in entries if not e.hidden]
    points = [{**e.summary, "nickname": e.nickname} for e in shown]
    st.plotly_chart(i18n.figure(charts.class_board(points)), theme=None)
    rows = [{"nickname": e.nickname or "—", "settings": e.summary.get("settings", ""),
             "changed": ", ".join(e.summary.get("changed", [])) or "—",
             "outcome": e.summary.get("outcome", ""), "final loss": e.summary.get("loss"),
             "hidden": e.hidden} for e in entries]  # fmt: skip
    if not rows:
        return
    frame = pd.DataFrame(rows)
    if not teacher:
        st.dataframe(frame.drop(columns="hidden"), hide_index=True, width="stretch")
        return
    st.dataframe(frame, hide_index=True, width="stretch")
    choose, hide, clear = st.columns([3, 1, 1], vertical_alignment="bottom")
    ids = {f"{i + 1}. {e.nickname or '—'} · {e.summary.get('settings', '')}": e
           for i, e in enumerate(entries)}  # fmt: skip
    picked = choose.selectbox(t("class.board.entry"), list(ids), key="class:board:entry")
    entry = ids[picked]
    hide.button(t("class.board.show") if entry.hidden else t("class.board.hide"),
                on_click=class_board.hide, args=(entry.id, not entry.hidden),
                width="stretch")  # fmt: skip
    clear.button(t("class.board.clear"), on_click=class_board.clear, width="stretch")


board()
