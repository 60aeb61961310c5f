"""audit key: the id of the HMAC key each audit row's hash is made with

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 00:10:00

Rows from before this revision keep a null ``key_id``: their hashes are plain SHA-256 and
``padan audit verify`` reports them as legacy, unkeyed rows up to the last of them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("key_id")
