"""Entry point of LSTM Explorer: page config and navigation (``streamlit run app/main.py``).

Imports no TensorFlow, so the home page opens in a couple of seconds; the training
workers (separate processes) start loading it in the background at the first visit.
"""

import streamlit as st

from app import classroom, i18n, lesson_path, pool, projector, runtime, state, student, url_state
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
student.token()  # this browser's student (its cookie), whose runs come back after a reload
classroom.read_join_link()  # a QR code's ?join=CODE (or the class cookie): into the class
# Projector-sized pages (1366×768): less empty space above the title, smaller h1.
st.html(
    "<style>"
    "[data-testid='stMainBlockContainer']{padding-top:3.5rem;padding-bottom:3rem}"
    "h1{font-size:2.2rem !important;padding-top:0 !important}"
    "</style>" + SCROLL_TO_TOP + student.cookie_script() + classroom.cookie_script(),
    unsafe_allow_javascript=True,
)
projector.apply()
student.warn_once()

url_state.read_language()  # before the page titles: a link's ?lang= names them too
pages = [st.Page("views/home.py", title=i18n.t("nav.home"), icon=":material/home:", default=True)]
pages += [
    st.Page(f"views/{name}.py", title=i18n.t(f"nav.{name}"), icon=f":material/{icon}:")
    for name, icon in PAGES.items()
]
pages.append(st.Page("views/board.py", title=i18n.t("nav.board"), icon=":material/leaderboard:"))
page = st.navigation(pages, position="top")
classroom.go_if_asked()  # a student followed the class (or joined it): to its lesson
url_state.remember_first_page(page.url_path)  # a link's settings are read on that page
lesson = page.url_path if page.url_path in PAGES else None
on_path = lesson is not None and lesson_path.load(lesson) is not None
step = lesson_path.current_step(lesson) if on_path else None
at_projector = projector.on() and classroom.teaching()
if classroom.code() is not None and not classroom.teaching():
    classroom.banner()  # "the class moved to step 3 — go"
if at_projector:  # the room code on the first screen of the projector
    classroom.teacher_bar(lesson, classroom.preset_of(lesson), step)
page.run()
if not at_projector:  # after the page: its preset as the run left it
    classroom.sidebar(lesson, classroom.preset_of(lesson), step)
