"""DTSEN status_padan_dukcapil (exchange format v1.1)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dtsen_individu", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_padan_dukcapil", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dtsen_individu", schema=None) as batch_op:
        batch_op.drop_column("status_padan_dukcapil")
