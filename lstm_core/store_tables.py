"""The run store's tables as the code sees them (SQLAlchemy 2 ORM); the Alembic revisions in
``lstm_core/migrations/versions`` build the same schema in the database (a test compares).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from lstm_core.store_values import CODE_LENGTH, MAX_NICKNAME


class Base(DeclarativeBase):
    pass


class Student(Base):
    __tablename__ = "students"
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    nickname: Mapped[str] = mapped_column(sa.String(MAX_NICKNAME))
    created: Mapped[datetime] = mapped_column(sa.DateTime)


class Run(Base):
    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    student: Mapped[str] = mapped_column(sa.ForeignKey("students.token"), index=True)
    page: Mapped[str] = mapped_column(sa.String(64))
    settings: Mapped[str] = mapped_column(sa.Text)  # JSON: the run's settings
    history: Mapped[str] = mapped_column(sa.Text)  # JSON: metric name -> one value per epoch
    weights: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)  # np.savez
    weights_bytes: Mapped[int] = mapped_column(sa.Integer)
    created: Mapped[datetime] = mapped_column(sa.DateTime, index=True)


class ClassRow(Base):
    __tablename__ = "classes"
    code: Mapped[str] = mapped_column(sa.String(CODE_LENGTH), primary_key=True)
    teacher: Mapped[str] = mapped_column(sa.String(64))
    page: Mapped[str] = mapped_column(sa.String(64))
    preset: Mapped[str] = mapped_column(sa.String(64))
    step: Mapped[int] = mapped_column(sa.Integer)
    lang: Mapped[str] = mapped_column(sa.String(8))
    created: Mapped[datetime] = mapped_column(sa.DateTime, index=True)


class BoardRow(Base):
    __tablename__ = "board"
    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    class_code: Mapped[str] = mapped_column(sa.ForeignKey("classes.code"), index=True)
    student: Mapped[str] = mapped_column(sa.String(64))
    nickname: Mapped[str] = mapped_column(sa.String(MAX_NICKNAME))
    summary: Mapped[str] = mapped_column(sa.Text)  # JSON: differing settings, final numbers
    hidden: Mapped[bool] = mapped_column(sa.Boolean)
    created: Mapped[datetime] = mapped_column(sa.DateTime)
