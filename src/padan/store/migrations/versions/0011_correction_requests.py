"""correction requests: data subjects' requests to correct a record, for its owning agency

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correction_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_id", sa.String(length=32), nullable=False),
        sa.Column("record_uid", sa.String(length=160), nullable=False),
        sa.Column("agency", sa.String(length=128), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("requested_value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
    )
    op.create_index("ix_correction_requests_child", "correction_requests", ["child_id"])


def downgrade() -> None:
    op.drop_index("ix_correction_requests_child", table_name="correction_requests")
    op.drop_table("correction_requests")
