"""The class together: a teacher starts a class (a room code and its QR code), students join
by the code (typed on Home, or the QR's ``?join=`` link) and follow the teacher's lesson,
and runs go on the class board (``app.class_board``, ``views/board.py``) when a student
submits them.

Everything lives in the run store (``app.student``), so a class survives a reload and a
server restart, and app replicas sharing one PostgreSQL see the same class. A student
follows by a click on a banner, in their own session: nothing they had is lost. Nicknames
are plain text, shown only through widgets that never render HTML or Markdown.
"""

from __future__ import annotations

import io

import streamlit as st

from app import i18n, pool, projector, state, student, url_state
from app.i18n import t
from lstm_core.store import Classroom, StoreUnavailable
from lstm_core.store_values import CODE

CODE_KEY = "class:code"  # the class this session is in
ROLE_KEY = "class:role"  # teacher | student
FOLLOWED_KEY = "class:followed"  # (page, preset, step) the student last went to
GO_KEY = "class:go"  # a page to switch to at the top of the next run
ERROR_KEY = "class:error"  # the sentence of the last failed join, shown by the join box
COOKIE = "lstm_explorer_class"  # the class of this browser, so a reload stays in it
NICKNAME = state.widget("class", "nickname")
JOIN_CODE = state.widget("class", "join_code")
PENDING_PRESET = "class:preset:{page}"  # the teacher's preset, applied when the page opens
BANNER_SECONDS = 10.0  # how often a student's page asks where the class is


def code() -> str | None:
    return st.session_state.get(CODE_KEY)


def teaching() -> bool:
    return code() is not None and st.session_state.get(ROLE_KEY) == "teacher"


def current() -> Classroom | None:
    """This session's class as the store has it now (None: no class, or it ended)."""
    room, db = code(), student.store()
    if room is None or db is None:
        return None
    try:
        return db.find_class(room)
    except StoreUnavailable as exc:
        student.failed(exc)
        return None
    except ValueError as exc:  # expired or purged meanwhile: out of the class, told why
        leave()
        st.session_state[ERROR_KEY] = i18n.error(exc)
        return None


# ------------------------------------------------------------------ joining and leaving


def join(typed: str, go: bool = True) -> bool:
    """Join the class of a typed code and head for its lesson (``go``; else stay, as after
    a reload); False (and a sentence in ``ERROR_KEY``) when the code is no class's or the
    store is down."""
    db, token = student.store(), student.token()
    if db is None or token is None:
        st.session_state[ERROR_KEY] = i18n.error(student.problem())
        return False
    try:
        room = db.find_class(typed)
    except ValueError as exc:  # StoreUnavailable is one too: the same sentence style
        st.session_state[ERROR_KEY] = i18n.error(exc)
        return False
    st.session_state.pop(ERROR_KEY, None)
    st.session_state[CODE_KEY] = room.code
    st.session_state[ROLE_KEY] = "teacher" if room.teacher == token else "student"
    if go:
        follow(room)
    else:
        st.session_state[FOLLOWED_KEY] = (room.page, room.preset, room.step)
    return True


def join_typed() -> None:
    """on_click of Home's Join button."""
    join(str(st.session_state.get(JOIN_CODE, "")))


def read_join_link() -> None:
    """Every run: a QR code's ``?join=CODE`` joins once, then leaves the address; a new
    session of a browser that was in a class (its cookie) is in it again, where it is."""
    typed = st.query_params.get("join")
    if typed is not None:
        del st.query_params["join"]
        join(typed)
        return
    if "class:cookie_read" in st.session_state:
        return
    st.session_state["class:cookie_read"] = True
    kept = st.context.cookies.get(COOKIE, "")
    if isinstance(kept, str) and CODE.fullmatch(kept) and code() is None:
        if not join(kept, go=False):  # a reload stays on the page it reloaded
            st.session_state.pop(ERROR_KEY, None)  # an ended class is simply gone
            st.session_state["class:forget"] = True


def cookie_script() -> str:
    """JavaScript that keeps this session's class in the browser's cookie (or forgets it)."""
    room = code()
    if room is not None and CODE.fullmatch(room):
        day = 24 * 3600
        return f"<script>document.cookie = '{COOKIE}={room}; max-age={day}; path=/';</script>"
    if st.session_state.get("class:forget"):
        return f"<script>document.cookie = '{COOKIE}=; max-age=0; path=/';</script>"
    return ""


def leave() -> None:
    for key in (CODE_KEY, ROLE_KEY, FOLLOWED_KEY):
        st.session_state.pop(key, None)
    st.session_state["class:forget"] = True


def start(page: str, preset: str) -> None:
    """on_click: the teacher starts a class on this page and preset."""
    db, token = student.store(), student.token()
    if db is None or token is None:
        st.session_state[ERROR_KEY] = i18n.error(student.problem())
        return
    try:
        room = db.create_class(token, page, preset=preset, lang=i18n.lang())
    except ValueError as exc:
        st.session_state[ERROR_KEY] = i18n.error(exc)
        return
    st.session_state.update({CODE_KEY: room.code, ROLE_KEY: "teacher"})
    st.session_state[FOLLOWED_KEY] = (room.page, room.preset, room.step)


def move_here(page: str, preset: str, step: int | None = None) -> None:
    """on_click: the teacher moves the class to this page and preset, and to ``step`` of
    its lesson path (None: the page has no path, the class's step counts on)."""
    room = current()
    if room is not None:
        move_to(page, preset, min(room.step + 1, 99) if step is None else step)


def move_to(page: str, preset: str, step: int) -> None:
    """The teacher's class goes to a page, preset and step (``app.lesson_path``'s Next)."""
    db, token = student.store(), student.token()
    if code() is None or db is None or token is None:
        return
    try:
        moved = db.set_step(code(), token, step, page=page, preset=preset)
    except ValueError as exc:
        st.session_state[ERROR_KEY] = i18n.error(exc)
        return
    st.session_state[FOLLOWED_KEY] = (moved.page, moved.preset, moved.step)


def follow(room: Classroom) -> None:
    """Go where the class is: its page, preset and language (the switch happens at the top
    of the next run, see ``go_if_asked``); the student's runs and settings stay."""
    st.session_state[FOLLOWED_KEY] = (room.page, room.preset, room.step)
    if room.preset:
        st.session_state[PENDING_PRESET.format(page=room.page)] = room.preset
    if room.lang in i18n.LANGUAGES:
        st.session_state[state.LANGUAGE] = room.lang
    if room.step >= 1:  # the step of the lesson path, on a page that has one
        st.session_state[state.path_step(room.page)] = room.step
    st.session_state[GO_KEY] = room.page


def go_if_asked() -> None:
    """``app/main.py``, after navigation is set up: switch to the page a follow asked for."""
    page = st.session_state.pop(GO_KEY, None)
    if page:
        st.switch_page(f"views/{page}.py")


def take_preset(page: str) -> str | None:
    """A task page: the preset the class moved to, once (None: nothing pending)."""
    return st.session_state.pop(PENDING_PRESET.format(page=page), None)


# ------------------------------------------------------------------ what the pages draw


def join_box() -> None:
    """Home: type the room code from the projector."""
    box = st.container(border=True)
    box.markdown(f"**{t('class.join.title')}**")
    typed, button = box.columns([3, 1], vertical_alignment="bottom")
    typed.text_input(t("class.join.code"), key=JOIN_CODE, max_chars=12,
                     placeholder="K7MX4Q")  # fmt: skip
    button.button(t("class.join.button"), key=state.button("class", "join"),
                  on_click=join_typed, width="stretch")  # fmt: skip
    if st.session_state.get(ERROR_KEY):
        box.error(st.session_state[ERROR_KEY])


def qr_png(link: str) -> bytes:
    """The QR code of a link, as a PNG a phone camera reads off a projector."""
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def join_link(room_code: str) -> str:
    return f"{url_state.app_root()}/?join={room_code}"


def sidebar(page: str | None, preset: str, step: int | None = None) -> None:
    """Every page, at the bottom of the sidebar (of the page in projector mode): the class
    this session is in, or a way to start one. ``page``: the lesson page shown (None: a
    page a class cannot be on); ``step``: the teacher's step of its lesson path."""
    room = current()
    where = st.container() if projector.on() else st.sidebar  # projector mode: no sidebar
    box = where.expander(t("class.title"), expanded=room is not None)
    if room is None:
        if page is not None:
            box.button(t("class.start"), key=state.button("class", "start"),
                       on_click=start, args=(page, preset), width="stretch")  # fmt: skip
        box.caption(t("class.start.help"))
    elif teaching():
        box.markdown(t("class.code", code=room.code))
        box.image(qr_png(join_link(room.code)), caption=t("class.qr.caption"), width=180)
        if page is not None:
            box.button(t("class.move"), key=state.button("class", "move"), on_click=move_here,
                       args=(page, preset, step), width="stretch", type="primary")  # fmt: skip
        box.caption(t("class.step", step=room.step, page=t(f"page.{room.page}")))
        box.page_link("views/board.py", label=t("class.board.open"), icon=":material/leaderboard:")
        box.button(t("class.leave"), key=state.button("class", "leave"), on_click=leave)
    else:
        box.markdown(t("class.in", code=room.code))
        box.text_input(t("class.nickname"), key=NICKNAME, max_chars=24,
                       help=t("class.nickname.help"))  # fmt: skip
        box.page_link("views/board.py", label=t("class.board.open"), icon=":material/leaderboard:")
        box.button(t("class.leave"), key=state.button("class", "leave"), on_click=leave)
    if st.session_state.get(ERROR_KEY) and room is None:
        box.error(st.session_state[ERROR_KEY])


def preset_of(page: str | None) -> str:
    """The preset chosen on a lesson page ("" on a page without presets)."""
    return str(st.session_state.get(state.widget(page, "preset")) or "") if page else ""


def teacher_bar(page: str | None, preset: str, step: int | None = None) -> None:
    """Projector mode, for the teacher: the room code on the first screen, the QR code one
    click away (large), Move the class here and the board, in one row above the page."""
    room = current()
    if room is None:
        return
    code_col, qr_col, move_col, board_col = st.columns([3, 2, 3, 2], vertical_alignment="center")
    code_col.markdown(t("class.code.bar", code=room.code))
    with qr_col.popover(t("class.qr.show"), icon=":material/qr_code_2:", width="stretch"):
        st.image(qr_png(join_link(room.code)), caption=t("class.qr.caption"), width=420)
        st.button(t("class.leave"), key=state.button("class", "leave"), on_click=leave)
    if page is not None:
        move_col.button(t("class.move"), key=state.button("class", "move"), on_click=move_here,
                        args=(page, preset, step), width="stretch", type="primary")  # fmt: skip
    board_col.page_link("views/board.py", label=t("class.board.open"),
                        icon=":material/leaderboard:")  # fmt: skip


@pool.live_fragment(BANNER_SECONDS)
def banner() -> None:
    """A student's pages: "the class moved to step 3 — go", one click away."""
    if code() is None or teaching():
        return
    room = current()
    if room is None or st.session_state.get(FOLLOWED_KEY) == (room.page, room.preset, room.step):
        return
    text, button = st.columns([5, 1], vertical_alignment="center")
    text.info(t("class.moved", step=room.step, page=t(f"page.{room.page}")),
              icon=":material/campaign:")  # fmt: skip
    if button.button(t("class.go"), key=state.button("class", "go"), type="primary"):
        follow(room)
        go_if_asked()
