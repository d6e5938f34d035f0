"""Work that survives a reload: a student's runs, the classes and their board, in one database.

SQLite is the default (a file under ``~/.local/share/lstm-explorer/``); app replicas behind
a load balancer share a PostgreSQL server named by ``LSTM_EXPLORER_DB``, a SQLAlchemy URL
(``sqlite:////path/runs.db`` or ``postgresql://user:password@host/db``, driven by psycopg 3).
Opening a ``Store`` brings the schema to the newest Alembic revision shipped in
``lstm_core/migrations``. Weights are kept as plain float32 arrays (``np.savez`` bytes, read
back with ``allow_pickle=False``), never a pickle or a model file, and every size is bounded.
A database that cannot be reached or written raises ``StoreUnavailable`` (a ``ValueError``)
with a sentence, never a driver's traceback: the caller keeps the student's work in the
session. Nothing here renders anything: a nickname is stored as the plain text it is.
The tables are in ``store_tables``; the checks of what goes in (nicknames, weights, JSON)
in ``store_values``; the classes and their board in ``store_classes``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from lstm_core.store_classes import (
    MAX_BOARD,
    MAX_STEP,
    MAX_SUMMARY_KB,
    BoardEntry,
    Classes,
    Classroom,
)
from lstm_core.store_tables import Base, BoardRow, ClassRow, Run, Student
from lstm_core.store_values import (
    MAX_NICKNAME,
    MAX_WEIGHTS_MB,
    TOKEN,
    check_name,
    check_token,
    clean_nickname,
    kb,
    normalize_code,
    pack_weights,
    to_json,
    unpack_weights,
)

__all__ = [
    "Base", "BoardEntry", "BoardRow", "ClassRow", "Classroom", "MAX_BOARD", "MAX_NICKNAME",
    "MAX_RUNS", "MAX_STEP", "MAX_SUMMARY_KB", "MAX_WEIGHTS_MB", "Run", "SavedRun", "Store",
    "StoreUnavailable", "Student",
    "clean_nickname", "configured_keep_days", "database_url", "default_url", "normalize_code",
    "open_store", "pack_weights", "unpack_weights",
]  # fmt: skip

ENV_URL = "LSTM_EXPLORER_DB"
ENV_KEEP_DAYS = "LSTM_EXPLORER_KEEP_DAYS"
DEFAULT_KEEP_DAYS = 30  # classes and their board are purged after this many days
MAX_RUN_KB = 1024  # settings + curves of one run, as JSON text
MAX_RUNS = 50  # per student: saving one more deletes the oldest
CONNECT_TIMEOUT_S = 3  # a PostgreSQL server nobody answers for: give up after this
MIGRATIONS = Path(__file__).with_name("migrations")


class StoreUnavailable(ValueError):
    """The database cannot be reached, opened or written; the session keeps the work."""


# ------------------------------------------------------------------ what callers get back


@dataclass(frozen=True)
class SavedRun:
    id: int
    page: str
    settings: dict
    history: dict
    weights_bytes: int  # 0: saved without weights
    created: datetime  # UTC


# ------------------------------------------------------------------ opening a store


def default_url() -> str:
    path = Path.home() / ".local" / "share" / "lstm-explorer" / "runs.db"
    return f"sqlite:///{path}"


def configured_keep_days() -> int:
    """Days a class and its board are kept: ``LSTM_EXPLORER_KEEP_DAYS``, default 30."""
    text = os.environ.get(ENV_KEEP_DAYS, "").strip()
    if not text:
        return DEFAULT_KEEP_DAYS
    if not text.isdigit() or int(text) < 1:
        raise ValueError(
            f"{ENV_KEEP_DAYS} must be a whole number of days of at least 1; it is '{text}'."
        )
    return int(text)


def database_url(text: str) -> sa.URL:
    """The SQLAlchemy URL of ``text``; ``postgresql://`` (or ``postgres://``) uses psycopg 3."""
    try:
        url = sa.make_url(text)
    except sa_exc.ArgumentError:
        url = None
    if url is not None and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url is None or url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreUnavailable(
            f"{ENV_URL} must be a sqlite:/// or postgresql:// address: fix it; "
            "meanwhile your runs stay in this session only."
        )
    return url


def open_store() -> Store:
    """The store ``LSTM_EXPLORER_DB`` names, else a SQLite file in the user's data folder."""
    return Store(os.environ.get(ENV_URL) or default_url())


def _engine(url: sa.URL) -> sa.Engine:
    if url.get_backend_name() == "postgresql":
        timeout = {"connect_timeout": CONNECT_TIMEOUT_S}
        return sa.create_engine(url, pool_pre_ping=True, connect_args=timeout)
    if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    return sa.create_engine(url, connect_args={"timeout": 15, "check_same_thread": False})


def _migrate(engine: sa.Engine) -> None:
    """Alembic ``upgrade head`` on this engine, with the revisions shipped in the package."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # replicas starting at once: one migrates
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(1553)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _reason(exc: BaseException) -> str:
    """The first line of what the driver said, without SQLAlchemy's wrapping."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# ------------------------------------------------------------------ the store


class Store(Classes):
    """One database of runs, classes and boards (their methods in ``store_classes``); safe
    to share between threads and between processes (each opens its own ``Store``)."""

    def __init__(self, url: str, *, keep_days: int | None = None) -> None:
        self.url = database_url(url)
        self.where = self.url.render_as_string(hide_password=True)
        self.keep_days = keep_days if keep_days is not None else configured_keep_days()
        self.clock = _now  # naive UTC; tests move it
        with self._guard():
            self.engine = _engine(self.url)
            _migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _guard(self) -> Iterator[None]:
        from alembic.util.exc import CommandError

        try:
            yield
        except (sa_exc.SQLAlchemyError, OSError, CommandError) as exc:
            raise StoreUnavailable(
                f"The run store at {self.where} cannot be used ({_reason(exc)}): "
                "your runs stay in this session only."
            ) from exc

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """One transaction: committed at the end, rolled back on any error."""
        with self._guard(), Session(self.engine) as session, session.begin():
            yield session

    # -------------------------------------------------------------- students

    def new_student(self, nickname: str = "") -> str:
        """A fresh random token (no account: the token is the student)."""
        token, nickname = secrets.token_urlsafe(16), clean_nickname(nickname)
        with self._session() as session:
            session.add(Student(token=token, nickname=nickname, created=self.clock()))
        return token

    def has_student(self, token: str) -> bool:
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            return False
        with self._session() as session:
            return session.get(Student, token) is not None

    def set_nickname(self, token: str, nickname: str) -> str:
        """Store the cleaned nickname and return it."""
        nickname = clean_nickname(nickname)
        with self._session() as session:
            self._student(session, token).nickname = nickname
        return nickname

    def nickname(self, token: str) -> str:
        with self._session() as session:
            return self._student(session, token).nickname

    def _student(self, session: Session, token: str) -> Student:
        check_token(token)
        student = session.get(Student, token)
        if student is None:
            raise ValueError("This browser's token is not valid: reload the page to get a new one.")
        return student

    # -------------------------------------------------------------- runs

    def save_run(
        self,
        student: str,
        page: str,
        settings: dict,
        history: dict,
        weights: Sequence[np.ndarray] | None = None,
    ) -> int:
        """Keep one run (weights optional); returns its id. A student keeps their newest
        ``MAX_RUNS`` runs."""
        check_name(page)
        settings_json, history_json = to_json(settings), to_json(history)
        size = kb(settings_json) + kb(history_json)
        if size > MAX_RUN_KB:
            raise ValueError(
                f"This run's settings and curves take {size:.0f} KB; the run store keeps at "
                f"most {MAX_RUN_KB} KB per run: train for fewer epochs."
            )
        blob = None if weights is None else pack_weights(weights)
        with self._session() as session:
            self._student(session, student)
            run = Run(
                student=student,
                page=page,
                settings=settings_json,
                history=history_json,
                weights=blob,
                weights_bytes=len(blob or b""),
                created=self.clock(),
            )
            session.add(run)
            session.flush()
            older = (sa.select(Run.id).where(Run.student == student)
                     .order_by(Run.created.desc(), Run.id.desc()).offset(MAX_RUNS))  # fmt: skip
            session.execute(sa.delete(Run).where(Run.id.in_(older.scalar_subquery())))
            return run.id

    def list_runs(self, student: str, page: str | None = None) -> list[SavedRun]:
        """The student's runs (of one page, or all), oldest first, without their weights."""
        query = sa.select(Run).where(Run.student == student).order_by(Run.created, Run.id)
        if page is not None:
            query = query.where(Run.page == page)
        check_token(student)
        with self._session() as session:
            return [SavedRun(run.id, run.page, json.loads(run.settings), json.loads(run.history),
                             run.weights_bytes, run.created)
                    for run in session.scalars(query)]  # fmt: skip

    def load_weights(self, student: str, run_id: int) -> list[np.ndarray]:
        """The trained arrays of one of the student's own runs."""
        with self._session() as session:
            blob = self._run(session, student, run_id).weights
        if blob is None:
            raise ValueError(f"Run {run_id} was saved without its trained weights: train it again.")
        return unpack_weights(blob)

    def delete_run(self, student: str, run_id: int) -> None:
        with self._session() as session:
            session.delete(self._run(session, student, run_id))

    def _run(self, session: Session, student: str, run_id: int) -> Run:
        check_token(student)
        run = session.get(Run, run_id) if isinstance(run_id, int) else None
        if run is None or run.student != student:
            raise ValueError(f"Run {run_id} is not one of your saved runs: choose one of yours.")
        return run

    def purge(self, days: int | None = None) -> int:
        """Delete the classes (and their boards) older than ``days`` (default: the store's
        ``keep_days``); returns how many classes went."""
        cutoff = self.clock() - timedelta(days=self.keep_days if days is None else days)
        with self._session() as session:
            old = sa.select(ClassRow.code).where(ClassRow.created < cutoff).scalar_subquery()
            session.execute(sa.delete(BoardRow).where(BoardRow.class_code.in_(old)))
            return session.execute(sa.delete(ClassRow).where(ClassRow.code.in_(old))).rowcount
