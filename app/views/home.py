"""Home: what a recurrent network is, sigmoid and tanh, the LSTM cell, links to the lessons.

No TensorFlow here (a test checks ``sys.modules``): this page must open in seconds.
"""

import streamlit as st

from app import charts, projector, state

projector.title("LSTM Explorer")
st.caption("Train small LSTM, GRU and SimpleRNN networks live, then look inside them.")

text, diagram = st.columns([2, 3])
with text:
    st.markdown(
        """
**Feed-forward** networks push an input once through their layers and keep nothing.
A **recurrent** network reads a sequence one step at a time and carries a **state**
from each step to the next, so step *t* can use what came before.

An **LSTM** carries two states:
- the **cell state c** — long-term memory, along the top line of the cell;
- the **hidden state h** — short-term memory, also the layer's output.

Three **gates** (sigmoids, between 0 and 1) decide what to **forget** from c,
what to **write** into c, and how much of c to **output** as h.
A **GRU** does the same with two gates and one state.
"""
    )
with diagram:
    st.image(charts.cell_diagram_svg(), width="stretch")

st.subheader("Sigmoid and tanh: the two squashing functions inside the cell")
st.session_state.setdefault(state.HOME_HIGHLIGHT, 1.0)
st.slider(
    "Move x to see both functions' values",
    min_value=-10.0,
    max_value=10.0,
    step=0.1,
    key=state.HOME_HIGHLIGHT,
)
st.plotly_chart(
    charts.transfer_functions(highlight=st.session_state[state.HOME_HIGHLIGHT]), theme=None
)
st.caption("Gates use the sigmoid (0 = closed, 1 = open); the candidate and the output use tanh.")

st.subheader("Lessons")
LINKS = (
    ("views/sequence_classification.py", "Sequence classification", "format_list_numbered"),
    ("views/next_number.py", "Next number", "trending_up"),
    ("views/hello.py", "Hello: the next character", "text_fields"),
    ("views/inside.py", "Inside the cell", "memory"),
    ("views/shapes.py", "Shapes & parameters", "view_in_ar"),
    ("views/scratch.py", "RNN from scratch", "functions"),
    ("views/compare.py", "Compare cells", "compare_arrows"),
)
PER_ROW = 4
for start in range(0, len(LINKS), PER_ROW):
    row = LINKS[start : start + PER_ROW]
    for column, (path, label, icon) in zip(st.columns(PER_ROW)[: len(row)], row, strict=True):
        column.page_link(path, label=f"{label} →", icon=f":material/{icon}:")
