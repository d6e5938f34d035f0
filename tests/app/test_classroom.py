"""The class together (AppTest sessions as laptops): a teacher starts a class, a student
joins by the room code and follows the teacher, runs go on the board; bad codes, hostile
nicknames and a store that is down each get a sentence and lose nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from app import classroom, student
from tests.app.conftest import MAIN, TIMEOUT, open_page, texts, train

pytestmark = pytest.mark.usefixtures("fresh_store")


def teacher_on(page: str) -> tuple[AppTest, str]:
    at = open_page(page)
    at.button(key="b:class:start").click().run()
    assert not at.exception, at.exception
    return at, at.session_state[classroom.CODE_KEY]


def joined(typed: str) -> AppTest:
    """A new laptop on Home types the code and presses Join."""
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.run()
    at.text_input(key=classroom.JOIN_CODE).set_value(typed).run()
    at.button(key="b:class:join").click().run()
    assert not at.exception, at.exception
    return at


def test_a_student_joins_by_code_follows_the_teacher_and_submits_to_the_board():
    teacher, code = teacher_on("hello")
    assert any(code in m for m in texts(teacher.sidebar.markdown))
    assert teacher.sidebar.get("image")  # the QR code of the join link

    pupil = joined(f" {code.lower()} ")  # typed loosely: spaces, lower case
    assert pupil.session_state[classroom.ROLE_KEY] == "student"
    assert [h.value for h in pupil.title] == ["Hello: the next character"]
    train(pupil, "hello", epochs=6)  # work of their own before the class moves on
    mine = pupil.session_state["run:hello"]

    teacher.switch_page("views/next_number.py").run()
    teacher.button(key="b:class:move").click().run()
    pupil.run()  # the banner's next tick
    assert any("moved to step 1: Next number" in s for s in texts(pupil.info))
    pupil.button(key="b:class:go").click().run()
    assert [h.value for h in pupil.title] == ["Next number"]
    assert pupil.session_state["run:hello"] is mine  # following lost nothing

    train(pupil, "next_number", epochs=5, units=8)
    pupil.text_input(key=classroom.NICKNAME).set_value("<b>Mina</b> **x** &amp;").run()
    pupil.button(key="b:next_number:submit").click().run()
    assert not pupil.exception, pupil.exception
    assert pupil.button(key="b:next_number:submit").disabled  # once per run

    teacher.switch_page("views/board.py").run()
    board = teacher.dataframe[0].value
    assert board["nickname"].tolist() == ["<b>Mina</b> **x** &amp;"]  # text, as typed
    assert "units 8" in board["changed"][0]
    assert board["final loss"][0] == pytest.approx(pupil.session_state["run:next_number"]
                                                   .history["loss"][-1])  # fmt: skip
    figure = teacher.get("plotly_chart")[0].proto.spec
    assert '"x":[8]' in figure.replace(" ", "")

    hide = [b for b in teacher.button if b.label == "Hide"][0]
    hide.click().run()
    pupil.switch_page("views/board.py").run()
    assert not pupil.dataframe  # hidden from the class
    assert not [b for b in pupil.button if b.label in ("Hide", "Clear the board")]
    [b for b in teacher.button if b.label == "Clear the board"][0].click().run()
    assert student.store().list_board(code, include_hidden=True) == []


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("QQQQQQ", "There is no class with the code QQQQQQ"),
        ("<script>", "is not a room code"),
        ("", "is not a room code"),
        ("x" * 12, "is not a room code"),
    ],
)
def test_a_wrong_code_is_told_and_the_student_stays_where_they_were(typed, said):
    at = joined(typed)
    assert any(said in s for s in texts(at.error)), texts(at.error)
    assert classroom.CODE_KEY not in at.session_state
    assert [h.value for h in at.title] == ["LSTM Explorer"]


def test_an_expired_class_and_a_pupil_moving_the_class_are_refused():
    teacher, code = teacher_on("hello")
    db = student.store()
    with pytest.raises(ValueError, match="Only the teacher"):
        db.set_step(code, db.new_student(), 3)
    real = db.clock
    db.clock = lambda: real() + timedelta(days=db.keep_days + 1)
    try:
        at = joined(code)
        assert any("ended more than" in s for s in texts(at.error))
    finally:
        db.clock = real


def test_the_qr_link_joins_and_lands_on_the_lesson():
    _, code = teacher_on("sequence_classification")
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.query_params["join"] = code
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[classroom.CODE_KEY] == code
    assert [h.value for h in at.title] == ["Sequence classification"]


def test_with_the_store_down_joining_says_why_and_the_app_works_on(monkeypatch):
    monkeypatch.setenv("LSTM_EXPLORER_DB", "sqlite:////proc/no/such/folder/runs.db")
    at = joined("K7MX4Q")
    assert any("this session only" in s for s in texts(at.error))
    at.switch_page("views/hello.py").run()
    train(at, "hello", epochs=3)
    assert at.session_state["run:hello"].model is not None


def test_in_projector_mode_the_room_code_is_above_the_page_and_moves_the_class():
    at = AppTest.from_file(MAIN, default_timeout=TIMEOUT)
    at.query_params["projector"] = "1"  # the teacher's screen
    at.run()
    at.switch_page("views/hello.py").run()
    at.button(key="b:class:start").click().run()  # the panel is on the page: no sidebar
    code = at.session_state[classroom.CODE_KEY]
    assert not at.sidebar.children or "b:class:start" not in str(at.sidebar)
    top = texts(at.markdown)
    assert top.index(f"### Room code: {code}") < top.index(next(m for m in top if "Data" in m))
    at.button(key="b:class:move").click().run()
    assert student.store().find_class(code).step == 1
