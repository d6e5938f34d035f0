"""Entry point of LSTM Explorer: page config and navigation (``streamlit run app/main.py``).

Imports no TensorFlow, so the home page opens in a couple of seconds; the training
workers (separate processes) start loading it in the background at the first visit.
"""

import streamlit as st

from app import pool, projector, runtime, state, url_state

runtime.keep_keras_session()  # Streamlit would reset Keras after every run
st.set_page_config(page_title="LSTM Explorer", page_icon="🧠", layout="wide")
state.keep_widget_values(st.session_state)
pool.pool()  # the training workers start with the first visit, while Home is read
# Projector-sized pages (1366×768): less empty space above the title, smaller h1.
st.html(
    "<style>"
    "[data-testid='stMainBlockContainer']{padding-top:3.5rem;padding-bottom:3rem}"
    "h1{font-size:2.2rem !important;padding-top:0 !important}"
    "</style>"
)
projector.apply()

pages = [
    st.Page("views/home.py", title="Home", icon=":material/home:", default=True),
    st.Page(
        "views/sequence_classification.py",
        title="Sequence classification",
        icon=":material/format_list_numbered:",
    ),
    st.Page("views/next_number.py", title="Next number", icon=":material/trending_up:"),
    st.Page("views/hello.py", title="Hello", icon=":material/text_fields:"),
    st.Page("views/inside.py", title="Inside the cell", icon=":material/memory:"),
    st.Page("views/shapes.py", title="Shapes & parameters", icon=":material/view_in_ar:"),
    st.Page("views/scratch.py", title="RNN from scratch", icon=":material/functions:"),
    st.Page("views/compare.py", title="Compare cells", icon=":material/compare_arrows:"),
    st.Page("views/long_memory.py", title="Long-term memory", icon=":material/history:"),
    st.Page("views/sentiment.py", title="Sentiment", icon=":material/sentiment_satisfied:"),
]
page = st.navigation(pages, position="top")
url_state.remember_first_page(page.url_path)  # a link's settings are read on that page
page.run()
