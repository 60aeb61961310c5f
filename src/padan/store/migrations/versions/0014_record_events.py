"""record events: a record added, changed (which tracked fields, old and new values) or removed
by a snapshot, per batch (issue 18)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "batch_id",
            sa.Integer(),
            sa.ForeignKey("batches.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.String(length=128), nullable=False),
        sa.Column("event", sa.String(length=8), nullable=False),
        sa.Column("kode_wilayah", sa.String(length=16), nullable=True),
        sa.Column("fields", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "batch_id", "source", "record_id", name="uq_record_events_batch_record"
        ),
    )
    op.create_index("ix_record_events_record", "record_events", ["source", "record_id"])
    op.create_index("ix_record_events_at", "record_events", ["at"])


def downgrade() -> None:
    op.drop_index("ix_record_events_at", table_name="record_events")
    op.drop_index("ix_record_events_record", table_name="record_events")
    op.drop_table("record_events")
