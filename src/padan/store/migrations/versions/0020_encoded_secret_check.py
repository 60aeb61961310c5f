"""encoded_records.secret_check: the check value of the secret a file was encoded with, so that
files encoded with different secrets are not linked (PPRL review, item 2)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("encoded_records") as batch:
        batch.add_column(sa.Column("secret_check", sa.String(length=64)))


def downgrade() -> None:
    with op.batch_alter_table("encoded_records") as batch:
        batch.drop_column("secret_check")
