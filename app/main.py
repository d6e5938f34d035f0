"""Entry point of LSTM Explorer: page config and navigation (``streamlit run app/main.py``).

Imports no TensorFlow, so the home page opens in a couple of seconds; the training
workers (separate processes) start loading it in the background at the first visit.
"""

import streamlit as st

from app import i18n, pool, projector, runtime, state, url_state
from app.main_pages import PAGES

# A new page opens at its top: Streamlit keeps the scroll of the page before, so "Look
# inside this model" (pressed far down) landed in the middle of the heatmaps. Installed
# once per tab; it is part of the same element on every run, so no page element moves.
SCROLL_TO_TOP = """<script>
if (!window.lstmScrollWatch) {
  let shown = location.pathname;
  window.lstmScrollWatch = setInterval(() => {
    if (location.pathname !== shown) {
      shown = location.pathname;
      document.querySelector('[data-testid="stMain"]')?.scrollTo(0, 0);
    }
  }, 100);
}
</script>"""

runtime.keep_keras_session()  # Streamlit would reset Keras after every run
st.set_page_config(page_title="LSTM Explorer", page_icon="🧠", layout="wide")
state.keep_widget_values(st.session_state)
pool.pool()  # the training workers start with the first visit, while Home is read
# Projector-sized pages (1366×768): less empty space above the title, smaller h1.
st.html(
    "<style>"
    "[data-testid='stMainBlockContainer']{padding-top:3.5rem;padding-bottom:3rem}"
    "h1{font-size:2.2rem !important;padding-top:0 !important}"
    "</style>" + SCROLL_TO_TOP,
    unsafe_allow_javascript=True,
)
projector.apply()

url_state.read_language()  # before the page titles: a link's ?lang= names them too
pages = [st.Page("views/home.py", title=i18n.t("nav.home"), icon=":material/home:", default=True)]
pages += [
    st.Page(f"views/{name}.py", title=i18n.t(f"nav.{name}"), icon=f":material/{icon}:")
    for name, icon in PAGES.items()
]
page = st.navigation(pages, position="top")
url_state.remember_first_page(page.url_path)  # a link's settings are read on that page
page.run()
