"""Home: what a recurrent network is, sigmoid and tanh, the LSTM cell, links to the lessons.

No TensorFlow here (a test checks ``sys.modules``): this page must open in seconds.
"""

import streamlit as st

from app import charts, classroom, i18n, projector, state
from app.i18n import t
from app.main_pages import PAGES

projector.title("LSTM Explorer")
st.caption(t("home.caption"))
classroom.join_box()  # the room code from the projector

text, diagram = st.columns([2, 3])
text.markdown(t("home.intro"))
with diagram:
    st.image(i18n.svg(charts.cell_diagram_svg()), width="stretch")

st.subheader(t("home.functions"))
st.session_state.setdefault(state.HOME_HIGHLIGHT, 1.0)
st.slider(
    t("home.slider"),
    min_value=-10.0,
    max_value=10.0,
    step=0.1,
    key=state.HOME_HIGHLIGHT,
)
st.plotly_chart(
    i18n.figure(charts.transfer_functions(highlight=st.session_state[state.HOME_HIGHLIGHT])),
    theme=None,
)
st.caption(t("home.functions.caption"))

st.subheader(t("home.lessons"))
LINKS = list(PAGES.items())
PER_ROW = 4
for start in range(0, len(LINKS), PER_ROW):
    row = LINKS[start : start + PER_ROW]
    for column, (page, icon) in zip(st.columns(PER_ROW)[: len(row)], row, strict=True):
        column.page_link(
            f"views/{page}.py", label=f"{t('page.' + page)} →", icon=f":material/{icon}:"
        )
