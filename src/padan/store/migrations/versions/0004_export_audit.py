"""export audit: every export of named worklists

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("export_audit", schema=None) as batch_op:
        batch_op.create_index("ix_export_audit_at", ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("export_audit", schema=None) as batch_op:
        batch_op.drop_index("ix_export_audit_at")
    op.drop_table("export_audit")
