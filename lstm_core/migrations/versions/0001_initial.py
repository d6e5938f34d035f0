"""The first schema: students, their runs, classes and the class board.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "students",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("nickname", sa.String(24), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("student", sa.String(64), sa.ForeignKey("students.token"), nullable=False),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("history", sa.Text(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=True),
        sa.Column("weights_bytes", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_runs_student", "runs", ["student"])
    op.create_index("ix_runs_created", "runs", ["created"])
    op.create_table(
        "classes",
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("teacher", sa.String(64), nullable=False),
        sa.Column("page", sa.String(64), nullable=False),
        sa.Column("preset", sa.String(64), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_classes_created", "classes", ["created"])
    op.create_table(
        "board",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("class_code", sa.String(6), sa.ForeignKey("classes.code"), nullable=False),
        sa.Column("student", sa.String(64), nullable=False),
        sa.Column("nickname", sa.String(24), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_board_class_code", "board", ["class_code"])


def downgrade() -> None:
    op.drop_table("board")
    op.drop_table("classes")
    op.drop_table("runs")
    op.drop_table("students")
