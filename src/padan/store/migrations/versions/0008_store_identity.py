"""store identity: a random id, made once, that names this store

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 09:00:00

The linkage model file records the store it was trained on by this id, so that a model of
another store is never reused silently. A URL does not name a store: the same database is
reached by other URLs, moved or restored from a backup (which keeps its id, as it should).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "store_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    assert table is not None
    op.bulk_insert(
        table,
        [{"id": 1, "store_id": str(uuid.uuid4()), "created_at": dt.datetime.now(dt.UTC)}],
    )


def downgrade() -> None:
    op.drop_table("store_identity")
