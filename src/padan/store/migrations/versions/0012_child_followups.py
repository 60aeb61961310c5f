"""child follow-ups: what officers did for a worklist child, from re-imported worklist files

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "child_followups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("worklist", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("followup_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False, unique=True),
    )
    op.create_index("ix_child_followups_child", "child_followups", ["child_id"])


def downgrade() -> None:
    op.drop_index("ix_child_followups_child", table_name="child_followups")
    op.drop_table("child_followups")
