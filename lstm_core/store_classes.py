"""The classes of the run store: a room code, the teacher's lesson, preset and step, and the
class board of submitted runs (opt-in summaries, never a model).

``Classes`` is the part of ``store.Store`` that handles them: it uses the store's
``_session()`` (one transaction), ``clock`` and ``keep_days``. A code is checked and told in
a sentence (unknown, malformed, expired); only the class's teacher may move it or change
its board.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from lstm_core.store_tables import BoardRow, ClassRow
from lstm_core.store_values import (
    CODE,
    CODE_LENGTH,
    CODE_LETTERS,
    check_name,
    check_token,
    clean_nickname,
    kb,
    normalize_code,
    to_json,
)

MAX_SUMMARY_KB = 16  # one board entry's summary, as JSON text
MAX_BOARD = 500  # entries per class
MAX_STEP = 99  # steps of a guided lesson path


@dataclass(frozen=True)
class Classroom:
    code: str
    teacher: str
    page: str
    preset: str
    step: int
    lang: str
    created: datetime  # UTC


@dataclass(frozen=True)
class BoardEntry:
    id: int
    student: str
    nickname: str  # plain text: show it as text, never as HTML or Markdown
    summary: dict
    hidden: bool
    created: datetime  # UTC


class Classes:
    """Classes and their boards, for ``store.Store`` (which opens the database)."""

    # -------------------------------------------------------------- classes

    def create_class(
        self, teacher: str, page: str, *, preset: str = "", step: int = 0, lang: str = "en"
    ) -> Classroom:
        """A new class with a fresh room code, on the teacher's lesson, preset and step."""
        check_token(teacher)
        for name in (page, preset, lang):
            check_name(name)
        _check_step(step)
        with self._session() as session:
            row = ClassRow(code=self._free_code(session), teacher=teacher, page=page,
                           preset=preset, step=step, lang=lang, created=self.clock())  # fmt: skip
            session.add(row)
            session.flush()
            return _classroom(row)

    def find_class(self, code: str) -> Classroom:
        """The class of a typed room code; unknown or expired → ``ValueError``."""
        with self._session() as session:
            return _classroom(self._live_class(session, code))

    def set_step(
        self,
        code: str,
        teacher: str,
        step: int,
        *,
        page: str | None = None,
        preset: str | None = None,
    ) -> Classroom:
        """The teacher moves the class (to a step, and to another lesson or preset)."""
        _check_step(step)
        for name in (page or "", preset or ""):
            check_name(name)
        with self._session() as session:
            row = self._teachers_class(session, code, teacher)
            row.step = step
            row.page = row.page if page is None else page
            row.preset = row.preset if preset is None else preset
            return _classroom(row)

    def _free_code(self, session: Session) -> str:
        for _ in range(100):
            code = "".join(secrets.choice(CODE_LETTERS) for _ in range(CODE_LENGTH))
            if session.get(ClassRow, code) is None:
                return code
        raise ValueError("No free room code is left: purge old classes first.")

    def _live_class(self, session: Session, code: str) -> ClassRow:
        key = normalize_code(code)
        if not CODE.fullmatch(key):
            raise ValueError(
                f"'{str(code)[:20]}' is not a room code: a room code is {CODE_LENGTH} letters "
                "and digits, like K7MX4Q. Check the code on the projector and type it again."
            )
        row = session.get(ClassRow, key)
        if row is None:
            raise ValueError(
                f"There is no class with the code {key}: check the code on the projector "
                "and type it again."
            )
        if row.created < self.clock() - timedelta(days=self.keep_days):
            raise ValueError(
                f"The class {key} ended more than {self.keep_days} days ago: ask your teacher "
                "for today's code."
            )
        return row

    def _teachers_class(self, session: Session, code: str, teacher: str) -> ClassRow:
        row = self._live_class(session, code)
        if teacher != row.teacher:
            raise ValueError(f"Only the teacher who started class {row.code} can change it.")
        return row

    # -------------------------------------------------------------- the class board

    def submit(self, code: str, student: str, nickname: str, summary: dict) -> int:
        """Put a run's summary on the class board (opt-in); returns the entry's id."""
        check_token(student)
        nickname, summary_json = clean_nickname(nickname), to_json(summary)
        if kb(summary_json) > MAX_SUMMARY_KB:
            raise ValueError(
                f"A board entry holds at most {MAX_SUMMARY_KB} KB of settings and results; "
                f"this one takes {kb(summary_json):.0f} KB."
            )
        with self._session() as session:
            row = self._live_class(session, code)
            count = session.scalar(
                sa.select(sa.func.count()).where(BoardRow.class_code == row.code)
            )
            if count >= MAX_BOARD:
                raise ValueError(
                    f"The board of class {row.code} is full ({MAX_BOARD} runs): ask your "
                    "teacher to clear it."
                )
            entry = BoardRow(class_code=row.code, student=student, nickname=nickname,
                             summary=summary_json, hidden=False, created=self.clock())  # fmt: skip
            session.add(entry)
            session.flush()
            return entry.id

    def list_board(self, code: str, *, include_hidden: bool = False) -> list[BoardEntry]:
        """The board of a class, oldest first; hidden entries only when asked."""
        with self._session() as session:
            row = self._live_class(session, code)
            query = sa.select(BoardRow).where(BoardRow.class_code == row.code)
            if not include_hidden:
                query = query.where(BoardRow.hidden.is_(False))
            entries = session.scalars(query.order_by(BoardRow.created, BoardRow.id))
            return [BoardEntry(e.id, e.student, e.nickname, json.loads(e.summary), e.hidden,
                               e.created) for e in entries]  # fmt: skip

    def hide_entry(self, code: str, teacher: str, entry_id: int, hidden: bool = True) -> None:
        with self._session() as session:
            row = self._teachers_class(session, code, teacher)
            entry = session.get(BoardRow, entry_id) if isinstance(entry_id, int) else None
            if entry is None or entry.class_code != row.code:
                raise ValueError(f"Entry {entry_id} is not on the board of class {row.code}.")
            entry.hidden = bool(hidden)

    def clear_board(self, code: str, teacher: str) -> int:
        """Delete every entry of the class's board; returns how many there were."""
        with self._session() as session:
            row = self._teachers_class(session, code, teacher)
            gone = session.execute(sa.delete(BoardRow).where(BoardRow.class_code == row.code))
            return gone.rowcount


def _check_step(step: Any) -> None:
    if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step <= MAX_STEP:
        raise ValueError(f"A lesson step is a whole number from 0 to {MAX_STEP}; got {step}.")


def _classroom(row: ClassRow) -> Classroom:
    return Classroom(row.code, row.teacher, row.page, row.preset, row.step, row.lang, row.created)
